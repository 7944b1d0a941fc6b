//! The round-trip suite on DataFusion: every TPC-H plan Switchyard makes and every foreign
//! producer's plan in the corpus, read by DataFusion and written again until a trip returns it
//! unchanged, then the fixed point run and compared with the reference (DuckDB 2.0.1) running
//! the SQL.
//!
//! Outcomes are pinned: a plan must settle within `MAX_TRIPS` and keep its answer unless it
//! is listed in `KNOWN` with how it fails, so a regression and an improvement both show.

mod common;

use switchyard_conformance::DifferentialError;
use switchyard_conformance::foreign_plans::foreign_tpch_plans;
use switchyard_conformance::round_trip::{RoundTripError, round_trip, round_trip_cases};

/// Plans that do not pass, with the start of their error.
const KNOWN: &[(&str, &str)] = &[
    // DuckDB 1.1.3 wrote `NOT LIKE` as `not_equal`: the plan is wrong before any trip
    // (`foreign_plans.rs` pins the same result).
    (
        "duckdb/q13",
        "the settled plan (trip 2): wrong result: expected 33 rows, got 32",
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_settle_after_a_trip_through_datafusion_and_keep_their_answer() {
    let switchyard = common::tpch_sf001().await;
    let foreign = foreign_tpch_plans().expect("corpus");
    let cases = round_trip_cases(&switchyard, &foreign).await;
    assert_eq!(cases.len(), 22 + foreign.len());
    let mut unexpected = Vec::new();
    let mut trips = std::collections::BTreeMap::<usize, usize>::new();
    for case in &cases {
        let known = KNOWN.iter().find(|(label, _)| *label == case.label);
        match (round_trip(&switchyard, "datafusion", case).await, known) {
            (Ok(settled), None) => {
                *trips.entry(settled.trips).or_default() += 1;
                if let Some(change) = settled.first_change {
                    println!("{}: {change}", case.label);
                }
            }
            (Ok(_), Some(_)) => unexpected.push(format!("{} passes now: unpin it", case.label)),
            (Err(RoundTripError::Setup(message)), _) => panic!("{}: setup: {message}", case.label),
            (Err(error), Some((_, prefix))) if error.to_string().starts_with(prefix) => {}
            // q17's answer at scale 0.01 is one NULL and q18's is empty: agreeing proves
            // nothing, so those are inconclusive (`common::INCONCLUSIVE_AT_SF001`).
            (
                Err(RoundTripError::Answer {
                    source: DifferentialError::Inconclusive(reason),
                    ..
                }),
                None,
            ) if common::INCONCLUSIVE_AT_SF001.iter().any(|(number, why)| {
                case.label.ends_with(&format!("q{number:02}")) && reason.contains(why)
            }) => {}
            (Err(error), _) => unexpected.push(format!("{}: {error}", case.label)),
        }
    }
    println!("plans by the trip that returned them unchanged: {trips:?}");
    assert!(unexpected.is_empty(), "{unexpected:#?}");
}

//! Foreign producers' TPC-H plans (consumer-testing's Isthmus and DuckDB 1.1.3 snapshots),
//! imported and run on DataFusion, each compared with DataFusion running the SQL they were
//! made from. The published baseline is Isthmus → DataFusion 0/21 and DuckDB → DataFusion 0/15;
//! here 21/21 and 14/15 are correct, and the fifteenth DuckDB plan is a pinned wrong result
//! (the plan's own bug). None is refused.
//!
//! Every plan's outcome is pinned: a plan that passes must keep passing, a plan that fails
//! must fail the way recorded here, so an improvement or a regression both show up.

mod common;

use switchyard_conformance::{DifferentialError, foreign_differential, foreign_tpch_plans};

/// Plans whose result DataFusion gets wrong, with the difference: a wrong result is never
/// allowed to pass silently, and one not listed here fails the test.
const KNOWN_WRONG: &[(&str, &str)] = &[
    // The plan itself is wrong: DuckDB 1.1.3 writes `o_comment NOT LIKE '%special%requests%'`
    // as `not_equal(o_comment, '%special%requests%')`, so running it faithfully counts orders
    // the SQL excludes.
    ("duckdb/q13", "expected 33 rows, got 32"),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn foreign_tpch_plans_on_datafusion() {
    let switchyard = common::tpch_sf001().await;
    let plans = foreign_tpch_plans().expect("corpus");
    let mut passed = Vec::new();
    let mut refused = Vec::new();
    let mut unexpected_wrong = Vec::new();
    let mut inconclusive = Vec::new();
    for plan in &plans {
        let label = plan.label();
        let known_wrong = KNOWN_WRONG.iter().find(|(name, _)| *name == label);
        match foreign_differential(&switchyard, "datafusion", plan).await {
            Ok(_) => {
                assert!(
                    known_wrong.is_none(),
                    "{label} passes now: remove it from KNOWN_WRONG"
                );
                passed.push(label);
            }
            Err(DifferentialError::Mismatch(difference)) => match known_wrong {
                Some((_, expected)) => assert_eq!(&difference, expected, "{label}"),
                None => unexpected_wrong.push(format!("{label}: {difference}")),
            },
            Err(DifferentialError::Setup(message)) => panic!("{label}: setup: {message}"),
            Err(DifferentialError::NoReference(message)) => {
                panic!("{label}: no independent answer: {message}")
            }
            // At scale 0.01 q17's answer is one NULL and q18's is empty: an agreement there
            // proves nothing, so it is neither a pass nor a failure.
            Err(DifferentialError::Inconclusive(reason)) => {
                let query = label.rsplit('/').next().unwrap_or_default();
                let pinned = common::INCONCLUSIVE_AT_SF001
                    .iter()
                    .any(|(number, why)| query == format!("q{number:02}") && reason.contains(why));
                assert!(pinned, "{label}: inconclusive: {reason}");
                inconclusive.push(label);
            }
            Err(DifferentialError::Engine(message)) => {
                assert!(known_wrong.is_none(), "{label}: {message}");
                assert!(!message.trim().is_empty(), "{label}: an error says why");
                refused.push(label);
            }
        }
    }
    assert!(
        unexpected_wrong.is_empty(),
        "wrong results: {unexpected_wrong:#?}"
    );
    let isthmus: Vec<&String> = passed
        .iter()
        .filter(|l| l.starts_with("isthmus/"))
        .collect();
    // Every Isthmus plan runs correctly; q21 (EXISTS and NOT EXISTS over lineitem, correlated
    // with an outer lineitem) needs the subquery's reads kept apart from the outer ones.
    let isthmus_inconclusive = inconclusive
        .iter()
        .filter(|l| l.starts_with("isthmus/"))
        .count();
    assert_eq!(
        isthmus.len() + isthmus_inconclusive,
        21,
        "passed: {passed:?}; refused: {refused:?}; inconclusive: {inconclusive:?}"
    );
    let duckdb: Vec<&String> = passed.iter().filter(|l| l.starts_with("duckdb/")).collect();
    println!("passed: {passed:?}\nrefused: {refused:?}");
    assert!(refused.is_empty(), "refused: {refused:?}");
    // Every DuckDB 1.1.3 plan but the pinned q13: their projections over joins of
    // projections need `project_emit` to rewrite inner projections first.
    let duckdb_inconclusive = inconclusive
        .iter()
        .filter(|l| l.starts_with("duckdb/"))
        .count();
    assert_eq!(
        duckdb.len() + duckdb_inconclusive,
        14,
        "DuckDB plans correct: {duckdb:?}; inconclusive: {inconclusive:?}"
    );
}

//! TPC-DS differential: the 99 queries (103 cases) at scale 0.01 (dsdgen data from
//! `scripts/tpcds-data.sh`), each compiled to Substrait, run on DataFusion and on DuckDB, and
//! compared with the reference, DuckDB 2.0.1 running the SQL directly.
//!
//! Every outcome is pinned: a query not listed in `NOT_PASSING` must pass on both engines,
//! and a listed one must fail the way recorded (the start of its message), so a regression
//! and an improvement both show. No wrong result passes silently.

mod common;

use std::collections::BTreeMap;

use switchyard_conformance::function_tests::CaseOutcome;
use switchyard_conformance::{Suite, run_suites};
use switchyard_consumer::{DuckDbConfig, EngineConfig};
use switchyard_router::{Config, Switchyard};

/// `(query, engine or "*", outcome, start of the message)`. q14, q23, q24 and q39 are two
/// queries each (`q14a`, `q14b`...). Graded by DuckDB 2.0.1 running the SQL (the reference).
const NOT_PASSING: &[(&str, &str, &str, &str)] = &[
    // The plan declares round(decimal(_, 6), 2) as decimal(_, 6) (Substrait's `round` keeps the
    // scale); DataFusion answers decimal(_, 2) and the declared-type cast is not applied here
    // (open: the root's declared output does not line up). The values agree.
    (
        "q2",
        "datafusion",
        "fail",
        "column round(y.sun_sales1 / z.sun_sales2,Int64(2)): the plan declares decimal(_, 6), the engine retu",
    ),
    // OPEN WRONG ANSWERS found when DuckDB became the reference (DataFusion graded itself
    // before): q21 and q34 return fewer rows than DuckDB on both engines; not yet understood.
    ("q21", "*", "fail", "expected 4 rows, got 3"),
    ("q34", "*", "fail", "expected 3 rows, got 1"),
    // DataFusion's decimal quotient is more than one unit of the declared scale from the
    // exact value (0.449992 for 0.44999324): an intermediate rounding, open.
    (
        "q66",
        "datafusion",
        "fail",
        "row 0, column mar_sales_per_sq_foot: expected 0.4499932398364879, got 0.449992",
    ),
    // DuckDB's `/` divides integers exactly (1.44) where DataFusion's SQL, like PostgreSQL's,
    // truncates (1): the reference's dialect, not an engine fault, but not forgiven.
    (
        "q78",
        "*",
        "fail",
        "row 0, column ratio: expected 1.44, got 1",
    ),
    (
        "q83",
        "*",
        "fail",
        "row 0, column sr_dev: expected 4.615384615384616, got 0",
    ),
    // At this scale a denominator is zero: DataFusion raises the division error; DuckDB (through
    // translation) computes NaN, which the cast to the plan's declared decimal refuses.
    (
        "q90",
        "datafusion",
        "error",
        "engine datafusion failed: Arrow error: Divide by zero error",
    ),
    (
        "q90",
        "duckdb",
        "error",
        "engine duckdb failed: External error: engine duckdb failed: Conversion Error: Could not cast value -",
    ),
];

/// Queries whose reference answer at scale 0.01 proves nothing (no rows, or only NULLs), on
/// both engines: inconclusive, never passes. TPC-DS at 0.01 leaves 35 of the 103 without rows
/// that say anything; a larger scale is the way to grade them.
const NO_ROWS: &[&str] = &[
    "q4", "q8", "q10", "q15", "q19", "q20", "q23b", "q24a", "q24b", "q25", "q29", "q30", "q31",
    "q37", "q39a", "q39b", "q40", "q41", "q44", "q54", "q58", "q64", "q65", "q71", "q73", "q82",
    "q84", "q85", "q91", "q93",
];

const ONLY_NULLS: &[&str] = &["q13", "q23a", "q32", "q61", "q92"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tpcds_on_datafusion_and_duckdb_against_the_sql() {
    let mut config = Config::load(&common::tpcds_sf001()).expect("catalog");
    config.file.engines.extend(BTreeMap::from([(
        "duckdb".to_string(),
        EngineConfig::DuckDb(DuckDbConfig {
            threads: Some(2),
            ..DuckDbConfig::default()
        }),
    )]));
    config.source = None;
    let switchyard = Switchyard::open(config).await.expect("opens");
    let engines = vec!["datafusion".to_string(), "duckdb".to_string()];
    let records = run_suites(&switchyard, &engines, &[Suite::Tpcds], &|_| {})
        .await
        .expect("suite runs");
    assert_eq!(records.len(), 2 * 103);
    let mut unexpected = Vec::new();
    for record in &records {
        let query = record.function.as_str();
        let pinned = NOT_PASSING.iter().find(|(pinned, engine, _, _)| {
            *pinned == query && (*engine == "*" || *engine == record.engine)
        });
        let (label, message) = match &record.outcome {
            CaseOutcome::Pass => ("pass", String::new()),
            CaseOutcome::Fail { difference } => ("fail", difference.clone()),
            CaseOutcome::Unsupported { reason } => ("unsupported", reason.clone()),
            CaseOutcome::Error { message } => ("error", message.clone()),
            CaseOutcome::Inconclusive { reason } => ("inconclusive", reason.clone()),
        };
        let inconclusive_because = if NO_ROWS.contains(&query) {
            Some("the reference answer has no rows")
        } else if ONLY_NULLS.contains(&query) {
            Some("the reference answer holds only NULLs")
        } else {
            None
        };
        let as_pinned = match (pinned, inconclusive_because) {
            (None, Some(why)) => label == "inconclusive" && message.contains(why),
            (None, None) => label == "pass",
            (Some((_, _, outcome, prefix)), _) => {
                let prefix = prefix.replace("ENGINE", &record.engine);
                label == *outcome && message.starts_with(&prefix)
            }
        };
        if !as_pinned {
            unexpected.push(format!(
                "{} {query}: {label} {message} (pinned: {pinned:?})",
                record.engine
            ));
        }
    }
    assert!(unexpected.is_empty(), "outcomes changed: {unexpected:#?}");
}

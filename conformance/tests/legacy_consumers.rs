//! `switchyard export` checked on the real older consumers: the 22 TPC-H queries exported for
//! Acero (pyarrow) and for DuckDB 1.1.3 with its substrait extension, run there, and compared
//! with DataFusion running the SQL. The consumers come from PyPI through
//! `scripts/interop-venv.sh`, which this test runs (it installs them on first use).
//!
//! Every outcome is pinned below: a consumer's refusal must be the one recorded (its own
//! message), and no plan may return wrong rows. Export first flattens each plan with
//! DataFusion's optimizer (`switchyard_consumer::flattened_for_export`): neither consumer reads
//! subquery expressions, and Acero has no joins without a condition.

mod common;

use std::path::Path;

use switchyard_conformance::legacy_consumers::{LegacyOutcome, run_exported_tpch};

/// Each query's refusal on each consumer: the start of the consumer's own message. Queries
/// not listed must pass. Every plan got as far as the consumer: none was refused by export.
/// DuckDB 1.1.3 runs all 22 once export flattens subqueries into joins and writes anti joins
/// as outer joins. Acero stops at the column mask DataFusion puts on reads, and before that at
/// `like` and `substring`, which it does not map.
const REFUSALS: &[(usize, &str, &str)] = &[
    (
        1,
        "acero",
        "ArrowNotImplementedError: substrait::ReadRel::projection",
    ),
    (
        2,
        "acero",
        "ArrowNotImplementedError: No conversion function exists to convert the Substrait function https://github.com/substrait-io/substrait/blob/main/extensions/functions_string.yaml#like",
    ),
    (
        3,
        "acero",
        "ArrowNotImplementedError: substrait::ReadRel::projection",
    ),
    (
        4,
        "acero",
        "ArrowNotImplementedError: substrait::ReadRel::projection",
    ),
    (
        5,
        "acero",
        "ArrowNotImplementedError: substrait::ReadRel::projection",
    ),
    (
        6,
        "acero",
        "ArrowNotImplementedError: substrait::ReadRel::projection",
    ),
    (
        7,
        "acero",
        "ArrowNotImplementedError: substrait::ReadRel::projection",
    ),
    (
        8,
        "acero",
        "ArrowNotImplementedError: substrait::ReadRel::projection",
    ),
    (
        9,
        "acero",
        "ArrowNotImplementedError: No conversion function exists to convert the Substrait function https://github.com/substrait-io/substrait/blob/main/extensions/functions_string.yaml#like",
    ),
    (
        10,
        "acero",
        "ArrowNotImplementedError: substrait::ReadRel::projection",
    ),
    (
        11,
        "acero",
        "ArrowNotImplementedError: substrait::ReadRel::projection",
    ),
    (
        12,
        "acero",
        "ArrowNotImplementedError: substrait::ReadRel::projection",
    ),
    (
        13,
        "acero",
        "ArrowNotImplementedError: substrait::ReadRel::projection",
    ),
    (
        14,
        "acero",
        "ArrowNotImplementedError: substrait::ReadRel::projection",
    ),
    (
        15,
        "acero",
        "ArrowNotImplementedError: substrait::ReadRel::projection",
    ),
    (
        16,
        "acero",
        "ArrowNotImplementedError: substrait::ReadRel::projection",
    ),
    (
        17,
        "acero",
        "ArrowNotImplementedError: substrait::ReadRel::projection",
    ),
    (
        18,
        "acero",
        "ArrowNotImplementedError: substrait::ReadRel::projection",
    ),
    (
        19,
        "acero",
        "ArrowNotImplementedError: substrait::ReadRel::projection",
    ),
    (
        20,
        "acero",
        "ArrowNotImplementedError: substrait::ReadRel::projection",
    ),
    (
        21,
        "acero",
        "ArrowNotImplementedError: substrait::ReadRel::projection",
    ),
    (
        22,
        "acero",
        "ArrowNotImplementedError: No conversion function exists to convert the Substrait function https://github.com/substrait-io/substrait/blob/main/extensions/functions_string.yaml#substring",
    ),
];

fn interop_python() -> std::path::PathBuf {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/interop-venv.sh");
    let output = std::process::Command::new("bash")
        .arg(script)
        .output()
        .expect("runs scripts/interop-venv.sh");
    assert!(
        output.status.success(),
        "scripts/interop-venv.sh failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::path::PathBuf::from(String::from_utf8_lossy(&output.stdout).trim())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exported_tpch_on_acero_and_duckdb_1_1() {
    let python = interop_python();
    let switchyard = common::tpch_sf001().await;
    let work = tempfile::tempdir().expect("temp dir");
    let data = common::tpch_sf001_dir();
    let cases = run_exported_tpch(&switchyard, Path::new(&data), &python, work.path())
        .await
        .expect("the harness runs");
    assert_eq!(cases.len(), 44);
    let mut unexpected = Vec::new();
    for case in &cases {
        let expected = REFUSALS
            .iter()
            .find(|(query, target, _)| *query == case.query && *target == case.target.name())
            .map(|(_, _, message)| *message);
        let as_pinned = match (&case.outcome, expected) {
            (LegacyOutcome::Refused(message), Some(prefix)) => message.starts_with(prefix),
            (LegacyOutcome::Pass, None) => true,
            _ => false,
        };
        if !as_pinned {
            unexpected.push(format!(
                "{} q{:02}: {:?} (pinned: {expected:?})",
                case.target, case.query, case.outcome
            ));
        }
    }
    assert!(unexpected.is_empty(), "outcomes changed: {unexpected:#?}");
}

//! `switchyard run --verify` on real engines (DataFusion and DuckDB over TPC-H at scale
//! 0.01): engines that agree pass; `add(i8, i8)` with `overflow: SILENT` over values that
//! overflow, which DataFusion wraps and DuckDB refuses, is reported as a disagreement; and
//! a verify with no second engine fails rather than passing.

mod common;

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use switchyard_conformance::corpus::tpch_query;
use switchyard_conformance::overflow_fixture::{set_scalar_option, write_overflowing_i8_table};
use switchyard_conformance::{TPCH_TABLES, ensure_tpch};
use tempfile::TempDir;

/// A folder whose configuration has the TPC-H sf0.01 tables, a table of `Int8` values that
/// overflow when added, and the `engines` given.
async fn catalog(engines: &str) -> TempDir {
    let tpch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tpch-sf0.01");
    let tpch_config = ensure_tpch(0.01, &tpch, &|_| {}).expect("TPC-H at scale 0.01");
    let tpch = tpch_config.parent().expect("data folder");
    let dir = tempfile::tempdir().expect("temp dir");
    write_overflowing_i8_table(&dir.path().join("small_ints.parquet"))
        .await
        .expect("writes small_ints.parquet");
    let mut config =
        String::from("tables:\n  small_ints: { path: small_ints.parquet, format: parquet }\n");
    for table in TPCH_TABLES {
        config.push_str(&format!(
            "  {table}: {{ path: {}, format: parquet }}\n",
            tpch.join(format!("{table}.parquet")).display()
        ));
    }
    config.push_str("engines:\n");
    config.push_str(engines);
    std::fs::write(dir.path().join("switchyard.yaml"), config).expect("config");
    dir
}

fn switchyard(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("switchyard").expect("binary");
    command
        .current_dir(dir)
        .env_remove("SWITCHYARD_CONFIG")
        .env("NO_COLOR", "1");
    command
}

const BOTH: &str = "  datafusion: { kind: datafusion }\n  duckdb: { kind: duckdb }\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn engines_that_agree_pass_and_a_silent_overflow_is_a_named_disagreement() {
    let dir = catalog(BOTH).await;

    // TPC-H q3 on DataFusion (routing's choice or named) and DuckDB: the same answer.
    let q3 = tpch_query(3).expect("q3");
    let output = switchyard(dir.path())
        .args([
            "run",
            "--engine",
            "datafusion",
            "--verify=duckdb",
            &format!("--sql={q3}"),
        ])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("verified: datafusion and duckdb agree (10 rows, plan "),
        "{stderr}"
    );
    // Without a name, the next engine by cost verifies.
    let output = switchyard(dir.path())
        .args([
            "run",
            "--verify",
            "--sql",
            "SELECT count(*) AS n FROM lineitem",
        ])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(stderr.contains(" agree (1 rows, plan "), "{stderr}");

    // add(i8, i8) with overflow SILENT: any result is allowed, so both engines are capable,
    // yet they disagree on 120 + 10: DataFusion wraps to -126, DuckDB raises an error.
    let plan = switchyard(dir.path())
        .args(["plan", "--sql", "SELECT a + b AS s FROM small_ints"])
        .output()
        .expect("plans");
    assert!(
        plan.status.success(),
        "{}",
        String::from_utf8_lossy(&plan.stderr)
    );
    let mut json: serde_json::Value = serde_json::from_slice(&plan.stdout).expect("JSON plan");
    assert_eq!(
        set_scalar_option(&mut json, "overflow", "SILENT"),
        1,
        "one add call"
    );
    let path = dir.path().join("silent_add.json");
    std::fs::write(&path, serde_json::to_vec(&json).expect("JSON")).expect("plan file");
    let path = path.to_str().expect("UTF-8 path");
    let output = switchyard(dir.path())
        .args(["run", path, "--engine", "datafusion", "--verify"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("-126"),
        "DataFusion's wrapped answer is shown: {stdout}"
    );
    assert!(
        stderr.starts_with("error: verify: datafusion and duckdb disagree on plan "),
        "{stderr}"
    );
    assert!(
        stderr.contains("datafusion returned 2 rows; duckdb failed: ")
            && stderr.contains("Overflow"),
        "{stderr}"
    );
    // The other way round: a row-by-row difference needs two answers with rows; the
    // engines' order is the caller's, and the difference names both.
    let output = switchyard(dir.path())
        .args(["run", path, "--engine", "duckdb", "--verify=datafusion"])
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("duckdb and datafusion disagree") && stderr.contains("duckdb failed: "),
        "{stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verify_with_no_second_engine_fails_saying_nothing_was_verified() {
    let dir = catalog("  datafusion: { kind: datafusion }\n").await;
    let output = switchyard(dir.path())
        .args(["run", "--verify", "--sql", "SELECT count(*) FROM nation"])
        .output()
        .expect("runs");
    common::assert_one_line_error(
        &output,
        "nothing verified: no engine other than datafusion can run this plan",
    );
    let dir = catalog(BOTH).await;
    let output = switchyard(dir.path())
        .args([
            "run",
            "--verify=postgres",
            "--sql",
            "SELECT count(*) FROM nation",
        ])
        .output()
        .expect("runs");
    common::assert_one_line_error(&output, "nothing verified: postgres cannot run this plan");
}

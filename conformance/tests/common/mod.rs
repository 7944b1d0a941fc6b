//! What the conformance tests share: TPC-H at scale 0.01, generated once per build folder.
#![allow(dead_code)] // each test binary uses its own part of this module

use std::collections::BTreeMap;
use std::path::PathBuf;

use switchyard_conformance::{
    DifferentialError, DifferentialPass, open_tpch, open_tpch_with_engines,
};
use switchyard_consumer::{EngineConfig, Manifest};
use switchyard_router::Switchyard;

/// Where TPC-H at scale 0.01 is generated (once per build folder).
pub fn tpch_sf001_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tpch-sf0.01")
}

/// Opens TPC-H at scale 0.01.
pub async fn tpch_sf001() -> Switchyard {
    open_tpch(0.01, &tpch_sf001_dir())
        .await
        .expect("TPC-H at scale 0.01")
}

/// Opens TPC-H at scale 0.01 with one more engine.
pub async fn tpch_sf001_with(name: &str, engine: EngineConfig) -> Switchyard {
    let engines = BTreeMap::from([(name.to_string(), engine)]);
    open_tpch_with_engines(0.01, &tpch_sf001_dir(), engines)
        .await
        .expect("TPC-H at scale 0.01")
}

/// The TPC-H queries whose reference answer proves nothing at scale 0.01 (the suite's SQL,
/// DataFusion's benchmark texts): q17's one row is NULL (no part qualifies) and q18 has no rows
/// (no order above its quantity). Their runs are inconclusive, never passes; the published
/// query texts of `published_answers.rs` have rows for both.
pub const INCONCLUSIVE_AT_SF001: [(usize, &str); 2] = [
    (17, "the reference answer holds only NULLs"),
    (18, "the reference answer has no rows"),
];

/// Checks a differential run against the engine's manifest: a pass unless the manifest lists
/// the query as unsupported, and then exactly the error it names (or inconclusive, for the
/// queries of [`INCONCLUSIVE_AT_SF001`]). Returns a description of the disagreement, if any.
pub fn judge(
    manifest: &Manifest,
    number: usize,
    outcome: Result<DifferentialPass, DifferentialError>,
) -> Option<String> {
    let known = manifest.unsupported_query("tpch", &number.to_string());
    let inconclusive = INCONCLUSIVE_AT_SF001
        .iter()
        .find(|(query, _)| *query == number)
        .map(|(_, reason)| *reason);
    match (known, outcome) {
        (None, Err(DifferentialError::Inconclusive(reason)))
            if inconclusive.is_some_and(|expected| reason.contains(expected)) =>
        {
            None
        }
        (None, Ok(_)) if inconclusive.is_some() => Some(format!(
            "q{number} passed where its reference proves nothing: the pin is stale"
        )),
        (None, Ok(_)) => None,
        (Some(known), Err(DifferentialError::Engine(message)))
            if message.contains(&known.error) =>
        {
            None
        }
        (None, Err(error)) => Some(format!("q{number}: {error}")),
        (Some(known), outcome) => Some(format!(
            "q{number}: the manifest says it fails with {:?}, but got {outcome:?}",
            known.error
        )),
    }
}

/// Panics with the disagreement, if any.
pub fn expect_outcome(
    manifest: &Manifest,
    number: usize,
    outcome: Result<DifferentialPass, DifferentialError>,
) {
    if let Some(problem) = judge(manifest, number, outcome) {
        panic!("{problem}");
    }
}

/// TPC-DS at scale 0.01, generated once per build folder by `scripts/tpcds-data.sh`; the
/// path of its `switchyard.yaml`.
pub fn tpcds_sf001() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tpcds-sf0.01");
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/tpcds-data.sh");
    let output = std::process::Command::new("bash")
        .arg(script)
        .arg(&dir)
        .arg("0.01")
        .output()
        .expect("runs scripts/tpcds-data.sh");
    assert!(
        output.status.success(),
        "scripts/tpcds-data.sh failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    dir.join("switchyard.yaml")
}

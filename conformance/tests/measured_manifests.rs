//! Manifests against measurement, on DataFusion and DuckDB: the function tests, TPC-H and the
//! feature queries run on both engines, and then
//! * each engine's built-in manifest (what the router reads) claims nothing that no passing
//!   case exercised;
//! * the measured manifest admits every plan that passed, claims nothing more, and survives
//!   being written and read back.

mod common;

use switchyard_conformance::function_tests::{CaseOutcome, CaseRecord};
use switchyard_conformance::measured_manifests::{
    admitted_wrong_cases, measured_manifests, passing_features, write_manifests,
    wrong_function_cases,
};
use switchyard_conformance::{Suite, run_suites};
use switchyard_consumer::{DuckDbConfig, EngineConfig, EngineKind, Manifest};
use switchyard_router::Capabilities;
use switchyard_router::measured_manifest::unexercised_claims;

const SUITES: [Suite; 4] = [
    Suite::SubstraitFunctions,
    Suite::Tpch,
    Suite::Features,
    Suite::ForeignPlans,
];

/// The feature queries that did not pass on `engine`, with why.
fn failed_feature_queries(records: &[CaseRecord], engine: &str) -> Vec<String> {
    records
        .iter()
        .filter(|r| r.engine == engine && r.suite == Suite::Features.to_string())
        .filter(|r| r.outcome != CaseOutcome::Pass)
        .map(|r| format!("{}: {:?}", r.function, r.outcome))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn built_in_and_measured_manifests_claim_only_what_passing_cases_exercise() {
    let duckdb = EngineConfig::DuckDb(DuckDbConfig {
        threads: Some(2),
        ..DuckDbConfig::default()
    });
    let switchyard = common::tpch_sf001_with("duckdb", duckdb).await;
    let engines = vec!["datafusion".to_string(), "duckdb".to_string()];
    let records = run_suites(&switchyard, &engines, &SUITES, &|_| {})
        .await
        .expect("suites run");

    // Every feature query passes on DataFusion but `intersect-all` and `except-all`, which the
    // SQL compiler refuses (DataFusion plans them as semi and anti joins that do not count
    // duplicates: 127 rows where DuckDB, the reference, gives the multiset intersection's 89);
    // DuckDB's failures are those and the SQL writer's gaps, named here so a change is seen.
    let datafusion_failures = failed_feature_queries(&records, "datafusion");
    let refused: Vec<&str> = datafusion_failures
        .iter()
        .filter(|line| {
            line.contains("SQL refused: INTERSECT ALL") || line.contains("SQL refused: EXCEPT ALL")
        })
        .map(|line| line.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(
        refused,
        ["intersect-all", "except-all"],
        "{datafusion_failures:#?}"
    );
    assert_eq!(datafusion_failures.len(), 2, "{datafusion_failures:#?}");
    let duckdb_failures = failed_feature_queries(&records, "duckdb");
    let failed_names: Vec<&str> = duckdb_failures
        .iter()
        .map(|line| line.split(':').next().unwrap_or(""))
        .collect();
    assert_eq!(
        failed_names, DUCKDB_FAILING_FEATURES,
        "{duckdb_failures:#?}"
    );

    for (engine, kind) in [
        ("datafusion", EngineKind::DataFusion),
        ("duckdb", EngineKind::DuckDb),
    ] {
        let passing = passing_features(&records, engine);
        let builtin = Manifest::builtin(kind).expect("built-in manifest");
        assert_eq!(
            unexercised_claims(&builtin, &passing),
            Ok(Vec::new()),
            "the built-in {engine} manifest claims what no passing case exercises"
        );
    }

    // Evidence the other way: no function test case answered wrongly is admitted, neither
    // by the manifest the router reads for the engine (the built-in one, with the functions
    // DataFusion's session registers) nor by the measured one.
    let manifests = measured_manifests(&switchyard, &records, &engines).expect("measured");
    let mut admitted = Vec::new();
    for engine in &engines {
        let wrong = wrong_function_cases(&records, engine).len();
        let routed = switchyard.engine_for(Some(engine)).expect("engine");
        for (which, manifest) in [
            ("built-in", routed.manifest()),
            ("measured", &manifests[engine]),
        ] {
            let cases = admitted_wrong_cases(manifest, &records, engine).expect("reads");
            eprintln!(
                "{engine}: {wrong} wrong function cases, {} admitted by the {which} manifest",
                cases.len()
            );
            admitted.extend(
                cases
                    .into_iter()
                    .map(|case| format!("{engine} ({which}): {case}")),
            );
        }
    }
    assert_eq!(
        admitted,
        Vec::<String>::new(),
        "wrong answers the manifests admit"
    );

    let passing = passing_features(&records, "datafusion");
    // 22 TPC-H queries and over 800 function cases pass on DataFusion (docs/conformance.md).
    assert!(passing.len() > 800, "{} passing cases", passing.len());
    let manifest = &manifests["datafusion"];
    assert_eq!(unexercised_claims(manifest, &passing), Ok(Vec::new()));
    // It admits every plan that passed, except those making a call some case answered
    // wrongly: that claim is removed whatever else passed.
    let refuted: Vec<String> = wrong_function_cases(&records, "datafusion")
        .iter()
        .flat_map(|(_, features)| &features.functions)
        .filter(|call| call.options.is_empty())
        .map(|call| format!("{} function {}", call.kind, call.described()))
        .collect();
    let capabilities = Capabilities::from_manifest(manifest).expect("the router reads it");
    for features in &passing {
        let missing = capabilities.missing(features);
        assert!(
            missing
                .iter()
                .all(|m| refuted.iter().any(|r| m.feature.starts_with(r.as_str()))),
            "{}: {missing:?}",
            features.fingerprint
        );
    }
    assert!(
        manifest.metadata.switchyard.unsupported_queries.is_empty(),
        "every TPC-H query passes on DataFusion: {:?}",
        manifest.metadata.switchyard.unsupported_queries
    );

    let dir = tempfile::tempdir().expect("temp dir");
    let written = write_manifests(dir.path(), &manifests, &records, &SUITES).expect("written");
    let text = std::fs::read_to_string(&written[0]).expect("read back");
    assert!(text.starts_with("# Measured by"), "{text}");
    let read: Manifest = serde_yaml::from_str(&text).expect("parses");
    assert_eq!(&read, manifest);
}

/// The feature queries DuckDB does not pass, by name, in suite order: `intersect-all` and
/// `except-all`, which the SQL compiler refuses for every engine, and `binary` (DataFusion's
/// unparser has no DuckDB SQL for a binary type).
const DUCKDB_FAILING_FEATURES: &[&str] = &["intersect-all", "except-all", "binary"];

//! The query fuzzer on DataFusion and DuckDB over TPC-H at scale 0.01 and the edge table: a
//! fixed seed and count with no unexplained disagreement and every construct generated; and a
//! wrong translation planted through the configuration found and shrunk.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use switchyard_conformance::ensure_tpch;
use switchyard_conformance::fuzz::constructs::Construct;
use switchyard_conformance::fuzz::report::disagreement_markdown;
use switchyard_conformance::fuzz::shrink::clause_count;
use switchyard_conformance::fuzz::{FuzzOptions, FuzzSummary, add_edge_table, fuzz_queries};
use switchyard_consumer::{DuckDbConfig, EngineConfig};
use switchyard_router::{Config, Switchyard};

/// TPC-H at scale 0.01 with a DuckDB engine configured as `duckdb`, and the edge table.
async fn switchyard(duckdb: DuckDbConfig, edge_dir: &Path) -> Switchyard {
    let path = ensure_tpch(0.01, &common::tpch_sf001_dir(), &|_| {}).expect("TPC-H data");
    let mut config = Config::load(&path).expect("configuration");
    config.file.engines.extend(BTreeMap::from([(
        "duckdb".to_string(),
        EngineConfig::DuckDb(duckdb),
    )]));
    config.source = None;
    add_edge_table(&mut config, edge_dir).expect("edge table");
    Switchyard::open(config).await.expect("opens")
}

fn options(seed: u64, count: usize) -> FuzzOptions {
    let mut options = FuzzOptions::new(vec!["datafusion".to_string(), "duckdb".to_string()])
        .expect("built-in rules");
    options.seed = seed;
    options.count = Some(count);
    options
}

fn describe(summary: &FuzzSummary) -> String {
    summary
        .disagreements
        .iter()
        .filter(|d| d.rule.is_none())
        .map(disagreement_markdown)
        .collect::<Vec<_>>()
        .join("\n---\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fixed_seed_finds_no_unexplained_disagreement_and_covers_every_construct() {
    let edge = tempfile::tempdir().expect("temp dir");
    let switchyard = switchyard(
        DuckDbConfig {
            threads: Some(1),
            ..DuckDbConfig::default()
        },
        edge.path(),
    )
    .await;
    let count: usize = std::env::var("FUZZ_COUNT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(200);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(28);
    let started = Instant::now();
    let summary = fuzz_queries(&switchyard, &options(seed, count), &|_| {})
        .await
        .expect("runs");
    eprintln!("{} ({:?})", summary.last_line(), started.elapsed());
    for d in &summary.disagreements {
        eprintln!(
            "{} {} {}: {}\n  {}",
            d.engine,
            d.oracle,
            d.rule.is_some(),
            d.problem,
            d.shrunk
        );
    }
    for (engine, tally) in &summary.engines {
        for (reason, n) in &tally.refusals {
            eprintln!("{engine} refused {n}: {reason}");
        }
    }
    assert_eq!(summary.unexplained(), 0, "{}", describe(&summary));
    let missing: Vec<String> = Construct::ALL
        .iter()
        .filter(|c| summary.constructs.get(c).copied().unwrap_or(0) < 3)
        .map(|c| format!("{c}: {}", summary.constructs.get(c).copied().unwrap_or(0)))
        .collect();
    assert!(
        missing.is_empty(),
        "constructs judged fewer than 3 times: {missing:?}"
    );
    for (engine, tally) in &summary.engines {
        assert!(
            tally.run * 10 >= summary.judged() * 4,
            "{engine} ran {} of {} judged queries",
            tally.run,
            summary.judged()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_planted_wrong_null_order_is_found_and_shrunk_to_a_few_clauses() {
    let edge = tempfile::tempdir().expect("temp dir");
    // The configuration key a user would write under `engines.duckdb` in switchyard.yaml.
    let planted: DuckDbConfig =
        serde_yaml::from_str("threads: 1\ntesting_drop_null_ordering: true\n").expect("valid");
    let switchyard = switchyard(planted, edge.path()).await;
    let mut options = options(7, 400);
    options.engines = vec!["duckdb".to_string()];
    options.stop_after = Some(1);
    let summary = fuzz_queries(&switchyard, &options, &|_| {})
        .await
        .expect("runs");
    eprintln!("{}", summary.last_line());
    let found = summary
        .disagreements
        .iter()
        .find(|d| d.rule.is_none())
        .unwrap_or_else(|| panic!("nothing found: {}", summary.last_line()));
    eprintln!("{}", disagreement_markdown(found));
    assert_eq!(found.engine, "duckdb");
    assert!(found.shrunk.is_ordered(), "{}", found.shrunk);
    assert!(
        clause_count(&found.shrunk) <= 3,
        "not shrunk to a few clauses: {}",
        found.shrunk
    );
    assert_eq!(summary.unexplained(), 1);
}

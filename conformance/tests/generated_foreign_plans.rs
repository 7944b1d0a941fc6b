//! Every generated foreign plan over TPC-H (DuckDB 1.1.3, the `substrait` Python package,
//! ibis-substrait; `conformance/foreign-plans/`) and over TPC-DS (DuckDB 1.1.3) on DataFusion
//! and on DuckDB, each answer graded against DuckDB 2.0.1 running the plan's SQL, with every
//! outcome pinned in `conformance/foreign-plans/outcomes.json` (`outcomes-tpcds.json`). `SWITCHYARD_PIN_OUTCOMES=1` rewrites the pins
//! from this run (then review the diff); a wrong answer is never pinned.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use switchyard_conformance::corpus::corpus_dir;
use switchyard_conformance::generated_plans::{
    GeneratedOutcome, PinnedOutcomes, generated_plans, generated_plans_dir, pinned_outcomes_path,
    run_generated,
};
use switchyard_consumer::{DuckDbConfig, EngineConfig};
use switchyard_producer::{TableConfig, TableFormat};
use switchyard_router::{Config, ConfigFile, Switchyard};

const ENGINES: [&str; 2] = ["datafusion", "duckdb"];

async fn open_corpus_tpch() -> Switchyard {
    let data = corpus_dir()
        .expect("the shared corpus")
        .join("duckdb-1.1.3-generated/data/tpch");
    let tables = [
        "customer", "lineitem", "nation", "orders", "part", "partsupp", "region", "supplier",
    ]
    .into_iter()
    .map(|table| {
        (
            table.to_string(),
            TableConfig {
                path: format!("{table}.parquet").into(),
                format: TableFormat::Parquet,
                has_header: None,
                delimiter: None,
            },
        )
    })
    .collect();
    let file = ConfigFile {
        tables,
        engines: BTreeMap::from([(
            "duckdb".to_string(),
            EngineConfig::DuckDb(DuckDbConfig {
                threads: Some(2),
                ..DuckDbConfig::default()
            }),
        )]),
        ..ConfigFile::default()
    };
    Switchyard::open(Config::from_file(file, &data, "generated-foreign-plans"))
        .await
        .expect("open the corpus's TPC-H")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_foreign_plans_give_duckdbs_answers_or_pinned_refusals() {
    let switchyard = open_corpus_tpch().await;
    run_and_hold_to_pins(&switchyard, "tpch-sf0.01", 100, &pinned_outcomes_path()).await;
}

/// The TPC-DS plans DuckDB 1.1.3 produced (39 of its 103 queries), over TPC-DS at scale 0.01
/// made by `scripts/tpcds-data.sh` (the same script and scale the answers were computed on),
/// pinned in `outcomes-tpcds.json`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_tpcds_plans_give_duckdbs_answers_or_pinned_refusals() {
    let mut config = Config::load(&common::tpcds_sf001()).expect("the TPC-DS catalog");
    config.file.engines.insert(
        "duckdb".to_string(),
        EngineConfig::DuckDb(DuckDbConfig {
            threads: Some(2),
            ..DuckDbConfig::default()
        }),
    );
    config.source = None;
    let switchyard = Switchyard::open(config).await.expect("open TPC-DS");
    let pins = generated_plans_dir().join("outcomes-tpcds.json");
    run_and_hold_to_pins(&switchyard, "tpcds-sf0.01", 39, &pins).await;
}

/// Runs every generated case over `dataset` on each engine, prints the figures per producer
/// and engine, and fails on a wrong answer or an outcome that differs from its pin in
/// `pins_path` (`SWITCHYARD_PIN_OUTCOMES=1` rewrites that file from this run).
async fn run_and_hold_to_pins(
    switchyard: &Switchyard,
    dataset: &str,
    at_least: usize,
    pins_path: &Path,
) {
    let cases = generated_plans(dataset).expect("the manifest");
    assert!(
        cases.len() >= at_least,
        "{} generated cases over {dataset}",
        cases.len()
    );
    let pinned: PinnedOutcomes = std::fs::read_to_string(pins_path)
        .ok()
        .map(|text| serde_json::from_str(&text).expect("outcomes.json parses"))
        .unwrap_or_default();
    let mut observed = PinnedOutcomes::new();
    let mut problems = Vec::new();
    let mut tally: BTreeMap<(String, &str), [usize; 4]> = BTreeMap::new();
    for case in &cases {
        for engine in ENGINES {
            let key = format!("{}@{engine}", case.label());
            let outcome = run_generated(switchyard, engine, case).await;
            let slot = match &outcome {
                GeneratedOutcome::Correct => 0,
                GeneratedOutcome::Refused { .. } => 1,
                GeneratedOutcome::ProducersBug { .. } => 2,
                GeneratedOutcome::Wrong { .. } => 3,
            };
            tally
                .entry((case.producer.clone(), engine))
                .or_insert([0; 4])[slot] += 1;
            if let GeneratedOutcome::Wrong { difference } = &outcome {
                problems.push(format!("{key}: WRONG: {difference}"));
            }
            match (pinned.get(&key), &outcome) {
                (None, GeneratedOutcome::Correct) => {}
                (Some(pin), outcome) if pin == outcome => {}
                (pin, outcome) => {
                    if !matches!(outcome, GeneratedOutcome::Wrong { .. }) {
                        problems.push(format!("{key}: pinned {pin:?}, got {outcome:?}"));
                    }
                }
            }
            if !matches!(
                outcome,
                GeneratedOutcome::Correct | GeneratedOutcome::Wrong { .. }
            ) {
                observed.insert(key, outcome);
            }
        }
    }
    println!("producer | engine | correct | refused | producer's bug | wrong");
    for ((producer, engine), [correct, refused, bug, wrong]) in &tally {
        println!("{producer} | {engine} | {correct} | {refused} | {bug} | {wrong}");
    }
    if std::env::var_os("SWITCHYARD_PIN_OUTCOMES").is_some() {
        let text = serde_json::to_string_pretty(&observed).expect("pins as JSON");
        std::fs::write(pins_path, text + "\n").expect("write the pins");
        problems.retain(|p| p.contains("WRONG"));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

//! PostgreSQL through SQL translation, against a real server the project's script starts:
//! loading the TPC-H tables, all 22 queries at scale 0.01 equal to DataFusion running the SQL
//! directly, the built-in manifest holding no claim that no passing case (function tests,
//! TPC-H, feature queries, foreign plans) exercised on the server, and a server that is down or silent
//! giving a clear error in bounded time.
//!
//! One test function owns the server, so it is stopped (by PID) when the test ends.

mod common;

use std::time::{Duration, Instant};

use switchyard_conformance::measured_manifests::{admitted_wrong_cases, passing_features};
use switchyard_conformance::{PgCluster, Suite, TPCH_TABLES, run_suites, tpch_differential};
use switchyard_consumer::{EngineConfig, EngineKind, Health, Manifest, PostgresConfig};
use switchyard_router::measured_manifest::unexercised_claims;

fn postgres(url: &str) -> EngineConfig {
    EngineConfig::Postgres(PostgresConfig {
        url: url.to_string(),
        connect_timeout_ms: Some(2_000),
        tables: Vec::new(),
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tpch_on_postgres_matches_datafusion_and_a_stopped_server_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cluster = PgCluster::start(&dir.path().join("pg")).expect("start PostgreSQL");
    let switchyard = common::tpch_sf001_with("pg", postgres(cluster.url())).await;
    let engine = switchyard.engine_for(Some("pg")).expect("engine");
    assert_eq!(engine.health().await, Health::Healthy);

    // Before loading, plans are refused with the command that fixes it.
    let early = tpch_differential(&switchyard, "pg", 6).await;
    let message = early.expect_err("lineitem is not loaded yet").to_string();
    assert!(
        message.contains("does not hold table lineitem") && message.contains("switchyard load"),
        "{message}"
    );

    let loaded = switchyard.load("pg", &[], &|_, _| {}).await.expect("load");
    let names: Vec<&str> = loaded.iter().map(|(name, _)| name.as_str()).collect();
    let mut expected_names = TPCH_TABLES.to_vec();
    expected_names.sort();
    assert_eq!(names, expected_names);
    let lineitem_rows = loaded
        .iter()
        .find(|(n, _)| n == "lineitem")
        .map(|(_, r)| *r);
    assert_eq!(lineitem_rows, Some(60_175));

    let manifest = Manifest::builtin(EngineKind::Postgres).expect("manifest");
    let mut problems = Vec::new();
    for number in 1..=22 {
        let outcome = tpch_differential(&switchyard, "pg", number).await;
        problems.extend(common::judge(&manifest, number, outcome));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));

    // The built-in manifest claims nothing that no passing case exercised on this server.
    let suites = [
        Suite::SubstraitFunctions,
        Suite::Tpch,
        Suite::Features,
        Suite::ForeignPlans,
    ];
    let records = run_suites(&switchyard, &["pg".to_string()], &suites, &|_| {})
        .await
        .expect("suites run");
    let passing = passing_features(&records, "pg");
    assert_eq!(
        unexercised_claims(&manifest, &passing),
        Ok(Vec::new()),
        "the built-in PostgreSQL manifest claims what no passing case exercises"
    );
    // And it admits no function test case the engine answered wrongly.
    let routed = switchyard.engine_for(Some("pg")).expect("engine");
    assert_eq!(
        admitted_wrong_cases(routed.manifest(), &records, "pg"),
        Ok(Vec::new()),
        "the PostgreSQL manifest admits wrong answers"
    );

    // The server stopped: a clear error naming the engine, well within the connect timeout.
    cluster.stop().expect("stop");
    let started = Instant::now();
    let down = tpch_differential(&switchyard, "pg", 6).await;
    let message = down.expect_err("the server is down").to_string();
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert!(message.contains("engine pg is unreachable"), "{message}");
    assert!(
        matches!(engine.health().await, Health::Unreachable(reason) if reason.contains("pg")),
        "health must report the stopped server"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_accepts_but_never_answers_times_out() {
    // A listener that takes connections and says nothing: the handshake would wait forever.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let config = EngineConfig::Postgres(PostgresConfig {
        url: format!("postgres://nobody@127.0.0.1:{port}/none"),
        connect_timeout_ms: Some(500),
        tables: TPCH_TABLES.iter().map(|t| t.to_string()).collect(),
    });
    let switchyard = common::tpch_sf001_with("silent", config).await;
    let started = Instant::now();
    let outcome = tpch_differential(&switchyard, "silent", 6).await;
    let elapsed = started.elapsed();
    let message = outcome.expect_err("nothing answers").to_string();
    assert!(
        message.contains("engine silent is unreachable: no answer within 500 ms"),
        "{message}"
    );
    assert!(elapsed < Duration::from_secs(3), "took {elapsed:?}");
    drop(listener);
}

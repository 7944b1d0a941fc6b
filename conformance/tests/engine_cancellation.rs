//! Dropping a result stream stops the external engine's work: DuckDB is interrupted (this
//! process, where it runs, goes idle) and PostgreSQL gets a cancel request (its backend goes
//! idle). One test, so that nothing else in this binary uses CPU while it is measured.

mod common;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use datafusion::execution::SendableRecordBatchStream;
use futures::StreamExt;
use switchyard_conformance::{PgCluster, ensure_tpch};
use switchyard_consumer::{DuckDbConfig, EngineConfig, PostgresConfig};
use switchyard_producer::SqlDialect;
use switchyard_router::{Config, Switchyard};
use tokio_postgres::NoTls;

/// About 1.2 billion joined rows: the first come at once, the rest would take minutes.
const ENDLESS_ROWS: &str = "select a.l_orderkey, b.l_orderkey from lineitem a join lineitem b \
                            on a.l_returnflag = b.l_returnflag";

/// How long an engine may take to notice the drop.
const STOP_WITHIN: Duration = Duration::from_secs(15);

/// This process's CPU time (user and system), in seconds.
fn cpu_seconds() -> f64 {
    switchyard_conformance::process_cpu_seconds().expect("/proc/self/stat")
}

/// Runs [`ENDLESS_ROWS`] on `engine` and returns its stream after the first batch.
async fn start(switchyard: &Switchyard, engine: &str) -> SendableRecordBatchStream {
    let plan = switchyard
        .producer()
        .compile_checked(ENDLESS_ROWS, SqlDialect::Generic)
        .await
        .expect("compiles");
    let run = switchyard.run(&plan, Some(engine)).await.expect("starts");
    let mut stream = run.stream;
    let first = stream
        .next()
        .await
        .expect("a first batch")
        .expect("no error");
    assert!(first.num_rows() > 0, "{engine}: an empty first batch");
    stream
}

/// Backends of the PostgreSQL cluster running [`ENDLESS_ROWS`], seen from `watcher`.
async fn running_in_postgres(watcher: &tokio_postgres::Client) -> i64 {
    watcher
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' \
             AND backend_type = 'client backend' AND pid <> pg_backend_pid() \
             AND query LIKE '%l_returnflag%'",
            &[],
        )
        .await
        .expect("pg_stat_activity")
        .get(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_stream_stops_duckdb_and_postgres() {
    let dir = tempfile::tempdir().expect("temp dir");
    let cluster = PgCluster::start(&dir.path().join("pg")).expect("PostgreSQL");
    let path = ensure_tpch(0.01, &common::tpch_sf001_dir(), &|_| {}).expect("TPC-H data");
    let mut config = Config::load(&path).expect("config");
    config.source = None;
    config.file.engines.extend(BTreeMap::from([
        (
            "duckdb".to_string(),
            EngineConfig::DuckDb(DuckDbConfig::default()),
        ),
        (
            "pg".to_string(),
            EngineConfig::Postgres(PostgresConfig {
                url: cluster.url().to_string(),
                connect_timeout_ms: Some(2_000),
                tables: Vec::new(),
            }),
        ),
    ]));
    let switchyard = Switchyard::open(config).await.expect("open");
    switchyard
        .load("pg", &["lineitem".to_string()], &|_, _| {})
        .await
        .expect("load lineitem into PostgreSQL");

    // DuckDB runs in this process: once interrupted, the process goes idle.
    drop(start(&switchyard, "duckdb").await);
    let dropped = Instant::now();
    let mut used = f64::MAX;
    while dropped.elapsed() < STOP_WITHIN && used >= 0.25 {
        let before = cpu_seconds();
        tokio::time::sleep(Duration::from_secs(1)).await;
        used = cpu_seconds() - before;
    }
    assert!(
        used < 0.25,
        "DuckDB still used {used:.2} s of CPU a second {} s after the drop",
        STOP_WITHIN.as_secs()
    );

    // PostgreSQL runs it in a backend: after the cancel request, no backend runs it.
    let (watcher, connection) = tokio_postgres::connect(cluster.url(), NoTls)
        .await
        .expect("a second connection");
    tokio::spawn(connection);
    let stream = start(&switchyard, "pg").await;
    assert_eq!(running_in_postgres(&watcher).await, 1, "the query runs");
    drop(stream);
    let dropped = Instant::now();
    while running_in_postgres(&watcher).await > 0 {
        assert!(
            dropped.elapsed() < STOP_WITHIN,
            "PostgreSQL still runs the query {} s after the drop",
            STOP_WITHIN.as_secs()
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    // The engine serves the next query.
    let plan = switchyard
        .producer()
        .compile_checked("select count(*) from lineitem", SqlDialect::Generic)
        .await
        .expect("compiles");
    let run = switchyard.run(&plan, Some("pg")).await.expect("runs");
    let batches = datafusion::physical_plan::common::collect(run.stream)
        .await
        .expect("the next query runs");
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    assert_eq!(rows, 1, "one count");
}

#![allow(missing_docs)] // criterion's macros generate undocumented functions
//! Decision latency: `Router::route` (features, capabilities, policy, cost, learning) for
//! each of the 22 TPC-H plans with five engines configured. Target: under 50 µs median.
//! Also the plan fingerprint, which a plan's first route computes and later ones reuse.
//! Run with `cargo bench -p switchyard-conformance --bench route_latency`.

use std::collections::BTreeMap;
use std::hint::black_box;
use std::path::PathBuf;

use criterion::{Criterion, criterion_group, criterion_main};
use switchyard_conformance::corpus::tpch_query;
use switchyard_conformance::ensure_tpch;
use switchyard_consumer::{DataFusionConfig, DuckDbConfig, EngineConfig, PostgresConfig};
use switchyard_producer::SqlDialect;
use switchyard_producer::plan_fingerprint::plan_fingerprint;
use switchyard_router::{Config, Switchyard};

fn five_engines() -> BTreeMap<String, EngineConfig> {
    // PostgreSQL engines connect only when used, so routing needs no server.
    let pg = |tables: &[&str]| {
        EngineConfig::Postgres(PostgresConfig {
            url: "postgres://switchyard@127.0.0.1:1/tpch".to_string(),
            connect_timeout_ms: None,
            tables: tables.iter().map(|t| t.to_string()).collect(),
        })
    };
    BTreeMap::from([
        (
            "datafusion".to_string(),
            EngineConfig::DataFusion(DataFusionConfig::default()),
        ),
        (
            "duckdb".to_string(),
            EngineConfig::DuckDb(DuckDbConfig::default()),
        ),
        (
            "pg".to_string(),
            pg(&["nation", "region", "customer", "orders"]),
        ),
        (
            "pg_all".to_string(),
            pg(&switchyard_conformance::TPCH_TABLES),
        ),
        (
            "datafusion_wide".to_string(),
            EngineConfig::DataFusion(DataFusionConfig {
                target_partitions: Some(8),
                ..DataFusionConfig::default()
            }),
        ),
    ])
}

fn route_latency(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("tpch-sf0.01");
    let (switchyard, plans) = runtime.block_on(async {
        let path = ensure_tpch(0.01, &dir, &|_| {}).expect("TPC-H at scale 0.01");
        let mut config = Config::load(&path).expect("config");
        config.file.engines = five_engines();
        let switchyard = Switchyard::open(config).await.expect("open");
        let mut plans = Vec::new();
        for number in 1..=22 {
            let sql = tpch_query(number).expect("query");
            let plan = switchyard
                .producer()
                .compile_checked(&sql, SqlDialect::Generic)
                .await
                .expect("compiles");
            plans.push(plan);
        }
        (switchyard, plans)
    });
    let mut group = c.benchmark_group("route");
    for (i, plan) in plans.iter().enumerate() {
        group.bench_function(format!("q{}", i + 1), |b| {
            b.iter(|| black_box(switchyard.router().route(black_box(plan))))
        });
    }
    group.finish();
    // A plan's fingerprint is computed on its first route and kept with it (clones share
    // it), so the figures above leave it out; this is what a plan's first route adds.
    let mut group = c.benchmark_group("fingerprint");
    for (i, plan) in plans.iter().enumerate() {
        group.bench_function(format!("q{}", i + 1), |b| {
            b.iter(|| black_box(plan_fingerprint(black_box(plan.plan()))))
        });
    }
    group.finish();
}

criterion_group!(benches, route_latency);
criterion_main!(benches);

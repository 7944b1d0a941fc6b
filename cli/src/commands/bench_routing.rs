//! `switchyard bench routing`: calibrates DataFusion, DuckDB and PostgreSQL on TPC-H data,
//! then measures the routing workload on each and reports routed against single-engine and
//! oracle totals.

use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};
use switchyard_conformance::bench::routing::{
    RoutingContext, measure_routing, render_routing_markdown, routing_workload,
};
use switchyard_conformance::{PgCluster, ensure_tpch};
use switchyard_consumer::{DuckDbConfig, EngineConfig, PostgresConfig};
use switchyard_router::calibrate::calibrate;
use switchyard_router::routing_config::{EngineRouting, TableRouting};
use switchyard_router::{Config, Switchyard};

use crate::commands::bench::{build_kind, command_line, utc_now};
use crate::commands::default_tpch_dir;
use crate::progress::{RowCounter, TableBars};

/// Options of `bench routing`.
pub struct RoutingBenchOptions {
    pub data: Option<PathBuf>,
    pub scale: f64,
    pub runs: usize,
    pub lookups: usize,
    pub postgres_url: Option<String>,
}

pub async fn run(options: RoutingBenchOptions) -> Result<String> {
    let data = options
        .data
        .unwrap_or_else(|| default_tpch_dir(options.scale));
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this is a debug build; benchmark a release build (cargo run --release)"
        );
    }
    let bars = TableBars::new();
    let config_path = ensure_tpch(options.scale, &data, &|p| bars.update(p))?;
    bars.finish();
    let (_cluster, url) = match options.postgres_url {
        Some(url) => (None, url),
        None => {
            let dir = std::env::temp_dir().join(format!(
                "switchyard-bench-routing-pg-{}",
                std::process::id()
            ));
            let cluster = PgCluster::start(&dir).context("starting PostgreSQL")?;
            let url = cluster.url().to_string();
            (Some(cluster), url)
        }
    };
    let mut config = Config::load(&config_path)?;
    config.source = None;
    config.file.engines.insert(
        "duckdb".into(),
        EngineConfig::DuckDb(DuckDbConfig::default()),
    );
    config.file.engines.insert(
        "postgres".into(),
        EngineConfig::Postgres(PostgresConfig {
            url,
            connect_timeout_ms: None,
            tables: Vec::new(),
        }),
    );
    let engines: Vec<String> = ["datafusion", "duckdb", "postgres"]
        .map(String::from)
        .to_vec();
    let uncalibrated = Switchyard::open(config.clone()).await?;
    let counter = RowCounter::new("loading into postgres");
    uncalibrated
        .load("postgres", &[], &|table, rows| counter.update(table, rows))
        .await?;
    counter.finish();
    let mut profiles = Vec::new();
    for engine in &engines {
        eprintln!("calibrating {engine}");
        let calibration = calibrate(&uncalibrated, engine, 3).await?;
        config.file.routing.engines.insert(
            engine.clone(),
            EngineRouting {
                profile: Some(calibration.profile),
                manifest: None,
            },
        );
        profiles.push(format!("{engine}: {:?}", calibration.profile));
    }
    drop(uncalibrated);
    let resident = switchyard_conformance::TPCH_TABLES
        .map(String::from)
        .to_vec();
    if let Some(EngineConfig::Postgres(pg)) = config.file.engines.get_mut("postgres") {
        pg.tables = resident.clone();
    }
    // The Parquet files are the data here; PostgreSQL holds copies, so no engine pays for
    // moving tables and the choice rests on speed alone.
    for table in resident {
        config.file.routing.tables.insert(
            table,
            TableRouting {
                home: "files".to_string(),
            },
        );
    }
    let switchyard = Switchyard::open(config).await?;
    let workload = routing_workload(options.lookups, options.scale).map_err(|e| anyhow!(e))?;
    let rows = measure_routing(&switchyard, &engines, &workload, options.runs, &|q| {
        eprintln!("measuring {q}")
    })
    .await
    .map_err(|e| anyhow!(e))?;
    let context = RoutingContext {
        command: command_line(),
        scale: options.scale,
        runs: options.runs,
        when: utc_now(),
        build: build_kind(),
        profiles,
    };
    Ok(render_routing_markdown(&engines, &rows, &context))
}

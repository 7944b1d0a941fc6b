//! `switchyard bench engines`: sets up the engines on TPC-H data and measures them.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result, anyhow};
use switchyard_conformance::bench::engines::{
    EngineSet, EnginesContext, EnginesOptions, measure_engines, render_engines_markdown,
};
use switchyard_conformance::{ThrowawayPgCluster, ensure_tpch};
use switchyard_consumer::{DuckDbConfig, DuckDbEngine, EngineConfig, PostgresConfig};
use switchyard_router::{Config, Switchyard};

use crate::commands::bench::{build_kind, command_line, utc_now};
use crate::commands::default_tpch_dir;
use crate::progress::{RowCounter, TableBars};

pub async fn run(
    data: Option<PathBuf>,
    scale: f64,
    options: EnginesOptions,
    postgres_url: Option<String>,
    no_postgres: bool,
) -> Result<String> {
    let data = data.unwrap_or_else(|| default_tpch_dir(scale));
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this is a debug build; benchmark a release build (cargo run --release)"
        );
    }
    let bars = TableBars::new();
    let config_path = ensure_tpch(scale, &data, &|p| bars.update(p))?;
    bars.finish();

    // A throwaway server unless one is given; stopped when `_cluster` drops.
    let (_cluster, url) = match (no_postgres, postgres_url) {
        (true, _) => (None, None),
        (false, Some(url)) => (None, Some(url)),
        (false, None) => {
            let cluster =
                ThrowawayPgCluster::start("switchyard-bench-pg-").context("starting PostgreSQL")?;
            let url = cluster.url().to_string();
            (Some(cluster), Some(url))
        }
    };
    let mut config = Config::load(&config_path)?;
    config.source = None;
    if let Some(url) = &url {
        config.file.engines.insert(
            "postgres".into(),
            EngineConfig::Postgres(PostgresConfig {
                url: url.clone(),
                connect_timeout_ms: None,
                tables: Vec::new(),
            }),
        );
    }
    let switchyard = Switchyard::open(config).await?;
    let postgres_load = match &url {
        Some(_) => {
            let counter = RowCounter::new("loading into postgres");
            let started = Instant::now();
            switchyard
                .load("postgres", &[], &|table, rows| counter.update(table, rows))
                .await?;
            counter.finish();
            Some(started.elapsed())
        }
        None => None,
    };
    let duckdb = DuckDbEngine::new(
        "duckdb",
        switchyard.catalog(),
        &DuckDbConfig::default(),
        &switchyard.config().base_dir,
    )?;
    let engines = EngineSet {
        datafusion: switchyard.engine_for(None)?,
        duckdb: &duckdb,
        postgres: match &url {
            Some(_) => Some(switchyard.engine_for(Some("postgres"))?),
            None => None,
        },
    };
    let results = measure_engines(&switchyard, &engines, &options, &|q| {
        eprintln!("measuring q{q}")
    })
    .await
    .map_err(|e| anyhow!(e))?;
    let context = EnginesContext {
        command: command_line(),
        scale,
        options,
        when: utc_now(),
        build: build_kind(),
        postgres_load,
    };
    Ok(render_engines_markdown(&results, &context))
}

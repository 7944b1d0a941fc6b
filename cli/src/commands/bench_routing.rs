//! `switchyard bench routing`: calibrates DataFusion, DuckDB and PostgreSQL on TPC-H data,
//! then measures the routing workload on each and reports routed against single-engine and
//! oracle totals.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result, anyhow};
use switchyard_conformance::bench::routing::{
    RoutingContext, RoutingMeasurements, measure_routing, render_routing_markdown, replay_routing,
    routing_workload,
};
use switchyard_conformance::{ThrowawayPgCluster, ensure_tpch};
use switchyard_consumer::{DuckDbConfig, EngineConfig, PostgresConfig, write_atomically};
use switchyard_router::calibrate::calibrate;
use switchyard_router::routing_config::{EngineRouting, TableRouting};
use switchyard_router::{Config, EngineProfile, Switchyard};

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
    /// Recompute the routing over the measurements saved by an earlier run instead of
    /// measuring.
    pub replay: Option<PathBuf>,
}

/// Where a measuring run saves its medians, in the data folder.
const MEASUREMENTS_FILE: &str = "routing-measurements.json";

pub async fn run(options: RoutingBenchOptions) -> Result<String> {
    let data = options
        .data
        .clone()
        .unwrap_or_else(|| default_tpch_dir(options.scale));
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this is a debug build; benchmark a release build (cargo run --release)"
        );
    }
    let bars = TableBars::new();
    let config_path = ensure_tpch(options.scale, &data, &|p| bars.update(p))?;
    bars.finish();
    if let Some(file) = &options.replay {
        return replay(&config_path, file, &options).await;
    }
    let (_cluster, url) = match options.postgres_url.clone() {
        Some(url) => (None, url),
        None => {
            let cluster = ThrowawayPgCluster::start("switchyard-bench-routing-pg-")
                .context("starting PostgreSQL")?;
            let url = cluster.url().to_string();
            (Some(cluster), url)
        }
    };
    let mut config = Config::load(&config_path)?;
    config.source = None;
    add_engines(&mut config, url);
    let engines: Vec<String> = ["datafusion", "duckdb", "postgres"]
        .map(String::from)
        .to_vec();
    let uncalibrated = Switchyard::open(config.clone()).await?;
    let counter = RowCounter::new("loading into postgres");
    uncalibrated
        .load("postgres", &[], &|table, rows| counter.update(table, rows))
        .await?;
    counter.finish();
    let mut profiles = BTreeMap::new();
    for engine in &engines {
        eprintln!("calibrating {engine}");
        let calibration = calibrate(&uncalibrated, engine, 3).await?;
        profiles.insert(engine.clone(), calibration.profile);
    }
    drop(uncalibrated);
    let switchyard = Switchyard::open(routed_config(config, &profiles)).await?;
    let workload = routing_workload(options.lookups, options.scale).map_err(|e| anyhow!(e))?;
    let rows = measure_routing(&switchyard, &engines, &workload, options.runs, &|q| {
        eprintln!("measuring {q}")
    })
    .await
    .map_err(|e| anyhow!(e))?;
    let when = utc_now();
    let measurements = RoutingMeasurements::of(
        &engines,
        profiles.clone(),
        &rows,
        options.runs,
        when.clone(),
    );
    let saved = data.join(MEASUREMENTS_FILE);
    let json = serde_json::to_vec_pretty(&measurements)?;
    write_atomically(&saved, |out| Ok(out.write_all(&json)?))
        .map_err(|e| anyhow!("saving the measurements to {}: {e}", saved.display()))?;
    eprintln!(
        "measurements saved to {} (replay with --replay)",
        saved.display()
    );
    let context = RoutingContext {
        command: command_line(),
        scale: options.scale,
        runs: options.runs,
        when,
        build: build_kind(),
        profiles: describe(&profiles),
    };
    Ok(render_routing_markdown(&engines, &rows, &context))
}

/// Routes the workload over saved measurements, with the profiles saved with them. The
/// PostgreSQL engine is configured at an address nothing listens on: only its capabilities
/// and profile matter, and nothing runs.
async fn replay(
    config_path: &std::path::Path,
    file: &std::path::Path,
    options: &RoutingBenchOptions,
) -> Result<String> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let measurements: RoutingMeasurements =
        serde_json::from_str(&text).with_context(|| format!("reading {}", file.display()))?;
    let mut config = Config::load(config_path)?;
    config.source = None;
    add_engines(
        &mut config,
        "postgres://switchyard@127.0.0.1:1/replay".to_string(),
    );
    let switchyard = Switchyard::open(routed_config(config, &measurements.profiles)).await?;
    let workload = routing_workload(options.lookups, options.scale).map_err(|e| anyhow!(e))?;
    let rows = replay_routing(&switchyard, &workload, &measurements)
        .await
        .map_err(|e| anyhow!(e))?;
    let context = RoutingContext {
        command: command_line(),
        scale: options.scale,
        runs: measurements.runs,
        when: format!("measured {}, routed again {}", measurements.when, utc_now()),
        build: build_kind(),
        profiles: describe(&measurements.profiles),
    };
    Ok(render_routing_markdown(
        &measurements.engines,
        &rows,
        &context,
    ))
}

/// DuckDB and a PostgreSQL server at `url` beside the configuration's DataFusion.
fn add_engines(config: &mut Config, url: String) {
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
}

/// The configuration routed over: `profiles` set, every TPC-H table resident in
/// PostgreSQL and at home in its Parquet file.
fn routed_config(mut config: Config, profiles: &BTreeMap<String, EngineProfile>) -> Config {
    for (engine, profile) in profiles {
        config.file.routing.engines.insert(
            engine.clone(),
            EngineRouting {
                profile: Some(*profile),
                manifest: None,
            },
        );
    }
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
    config
}

fn describe(profiles: &BTreeMap<String, EngineProfile>) -> Vec<String> {
    profiles
        .iter()
        .map(|(engine, profile)| format!("{engine}: {profile:?}"))
        .collect()
}

//! `switchyard bench distributed`: a Ballista cluster (`switchyard cluster start`, as
//! processes) and a Spark Connect server (`scripts/spark-server.sh`) against the embedded
//! DataFusion engine on TPC-H at several scales.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, anyhow, bail};
use switchyard_conformance::bench::distributed::{
    DistributedContext, DistributedOptions, measure_distributed, render_distributed_markdown,
};
use switchyard_conformance::{SparkServer, ensure_tpch};
use switchyard_consumer::{BallistaConfig, EngineConfig, SparkConfig};
use switchyard_router::calibrate::calibrate;
use switchyard_router::profile::EngineProfile;
use switchyard_router::routing_config::EngineRouting;
use switchyard_router::{Config, Switchyard};

use crate::commands::bench::{build_kind, command_line, utc_now};
use crate::commands::default_tpch_dir;
use crate::progress::TableBars;

/// What to measure.
pub struct DistributedBenchArgs {
    /// TPC-H scale factors, smallest first.
    pub scales: Vec<f64>,
    /// Timed runs per query and engine.
    pub runs: usize,
    /// TPC-H query numbers (empty: all 22).
    pub queries: Vec<usize>,
    /// Ballista executors.
    pub executors: usize,
}

/// A Ballista cluster started through this binary's `cluster start`, stopped on drop.
struct BallistaCluster {
    dir: tempfile::TempDir,
    url: String,
}

impl BallistaCluster {
    fn start(executors: usize) -> Result<Self> {
        let dir = tempfile::Builder::new()
            .prefix("switchyard-bench-ballista-")
            .tempdir()?;
        let output = Command::new(std::env::current_exe()?)
            .args(["cluster", "start", "--port", "0", "--executors"])
            .arg(executors.to_string())
            .arg("--dir")
            .arg(dir.path())
            .output()
            .context("starting the Ballista cluster")?;
        if !output.status.success() {
            bail!(
                "switchyard cluster start: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            );
        }
        let url = String::from_utf8_lossy(&output.stdout).trim().to_string();
        Ok(Self { dir, url })
    }
}

impl Drop for BallistaCluster {
    fn drop(&mut self) {
        if let Ok(exe) = std::env::current_exe() {
            let _ = Command::new(exe)
                .args(["cluster", "stop", "--dir"])
                .arg(self.dir.path())
                .output();
        }
    }
}

/// Bytes of the files under `dir` (the generated tables).
fn data_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "parquet"))
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// The TPC-H configuration at `scale` (generated when missing) with the cluster engines
/// added, and `profiles` as the routing profiles when given.
fn bench_config(
    scale: f64,
    ballista: &str,
    spark: &str,
    profiles: Option<&BTreeMap<String, EngineProfile>>,
) -> Result<Config> {
    let data: PathBuf = default_tpch_dir(scale);
    let bars = TableBars::new();
    let config_path = ensure_tpch(scale, &data, &|p| bars.update(p))?;
    bars.finish();
    let mut config = Config::load(&config_path)?;
    config.source = None;
    config.file.engines.insert(
        "ballista".into(),
        EngineConfig::Ballista(BallistaConfig {
            url: ballista.to_string(),
            connect_timeout_ms: None,
            query_timeout_ms: None,
        }),
    );
    config.file.engines.insert(
        "spark".into(),
        EngineConfig::Spark(SparkConfig {
            url: spark.to_string(),
            connect_timeout_ms: None,
            query_timeout_ms: None,
        }),
    );
    for (engine, profile) in profiles.into_iter().flatten() {
        config.file.routing.engines.insert(
            engine.clone(),
            EngineRouting {
                profile: Some(*profile),
                manifest: None,
            },
        );
    }
    Ok(config)
}

pub async fn run(args: DistributedBenchArgs) -> Result<String> {
    if cfg!(debug_assertions) {
        eprintln!(
            "warning: this is a debug build; benchmark a release build (cargo run --release)"
        );
    }
    if args.scales.is_empty() {
        bail!("--scales needs at least one scale factor");
    }
    let mut scales = args.scales.clone();
    scales.sort_by(f64::total_cmp);
    let queries = if args.queries.is_empty() {
        (1..=22).collect()
    } else {
        args.queries.clone()
    };
    eprintln!("starting a Ballista cluster ({} executors)", args.executors);
    let cluster = BallistaCluster::start(args.executors)?;
    eprintln!("starting a Spark Connect server");
    let spark_dir = tempfile::Builder::new()
        .prefix("switchyard-bench-spark-")
        .tempdir()?;
    let spark = SparkServer::start(&spark_dir.path().join("spark"))?;
    let engines: Vec<String> = ["datafusion", "ballista", "spark"]
        .map(String::from)
        .to_vec();
    let options = DistributedOptions {
        queries,
        runs: args.runs,
        engines: engines.clone(),
    };
    // Profiles measured once and used at every scale: one model whose crossing can be held
    // against the measured one. On the smallest scale's data: calibration's full-transfer
    // micro-query over scale 1's lineitem (6 million rows) stops a Spark driver of 2 GB.
    let smallest = scales[0];
    let calibrating =
        Switchyard::open(bench_config(smallest, &cluster.url, spark.url(), None)?).await?;
    let mut profiles = BTreeMap::new();
    for engine in &engines {
        eprintln!("calibrating {engine} at scale {smallest}");
        let calibration = calibrate(&calibrating, engine, 3).await?;
        profiles.insert(engine.clone(), calibration.profile);
    }
    drop(calibrating);
    let mut measured = Vec::new();
    for &scale in &scales {
        let switchyard = Switchyard::open(bench_config(
            scale,
            &cluster.url,
            spark.url(),
            Some(&profiles),
        )?)
        .await?;
        let defaults =
            Switchyard::open(bench_config(scale, &cluster.url, spark.url(), None)?).await?;
        let bytes = data_bytes(&default_tpch_dir(scale));
        let result = measure_distributed(&switchyard, &defaults, scale, bytes, &options, &|q| {
            eprintln!("scale {scale}: measuring q{q}")
        })
        .await
        .map_err(|e| anyhow!(e))?;
        measured.push(result);
    }
    let context = DistributedContext {
        command: command_line(),
        when: utc_now(),
        build: build_kind(),
        setup: format!(
            "Ballista 55 with a scheduler and {} executors as processes on this machine; \
             Spark {} in `local[2]` through Spark Connect; the same Parquet files for all",
            args.executors, "4.3.0"
        ),
        runs: args.runs,
        engines,
        profiles: profiles
            .iter()
            .map(|(engine, p)| {
                format!(
                    "{engine} start-up {:.0} ms, scan {:.0} MB/s, {:.1} ns/row, results {:.0} ns/row",
                    p.startup_ms, p.scan_mb_per_s, p.row_ns, p.result_row_ns
                )
            })
            .collect(),
    };
    Ok(render_distributed_markdown(&measured, &context))
}

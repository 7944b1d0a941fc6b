//! `switchyard bench faults`: the fault-injection run of `switchyard_conformance::faults`
//! on a throwaway PostgreSQL server, reported as counts.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Result, anyhow, bail};
use switchyard_conformance::faults::{
    FaultSchedule, PG_TABLES, open_with_postgres, run_fault_workload,
};
use switchyard_conformance::{ThrowawayPgCluster, ensure_tpch};

use crate::commands::bench::{build_kind, command_line, utc_now};
use crate::commands::default_tpch_dir;
use crate::progress::TableBars;

/// Options of `bench faults`.
pub struct FaultBenchArgs {
    /// Where the TPC-H data lives (default: data/tpch-sf<SCALE>).
    pub data: Option<PathBuf>,
    /// The TPC-H scale.
    pub scale: f64,
    /// Concurrent clients.
    pub clients: usize,
    /// Queries in all.
    pub queries: usize,
    /// Queries started per second.
    pub per_second: f64,
    /// The router's health interval.
    pub health_interval_ms: u64,
}

pub async fn run(args: FaultBenchArgs) -> Result<String> {
    if args.clients == 0 || args.queries == 0 || args.per_second.is_nan() || args.per_second <= 0.0
    {
        bail!("--clients, --queries and --per-second must be positive");
    }
    let data = args.data.unwrap_or_else(|| default_tpch_dir(args.scale));
    let bars = TableBars::new();
    let config_path = ensure_tpch(args.scale, &data, &|p| bars.update(p))?;
    bars.finish();
    let cluster = ThrowawayPgCluster::start("switchyard-bench-faults-")?;
    let health_interval = Duration::from_millis(args.health_interval_ms);
    let switchyard = open_with_postgres(&config_path, cluster.url(), health_interval)
        .await
        .map_err(|e| anyhow!(e))?;
    // The workload's length, split in thirds: up, killed, back.
    let seconds = args.queries as f64 / args.per_second;
    let schedule = FaultSchedule {
        clients: args.clients,
        queries: args.queries,
        per_second: args.per_second,
        kill_at: Duration::from_secs_f64(seconds / 3.0),
        restart_at: Duration::from_secs_f64(seconds * 2.0 / 3.0),
        hang_bound: Duration::from_secs(30),
    };
    eprintln!(
        "running {} queries from {} clients over {seconds:.0} s; PostgreSQL is killed at {:.1} s \
         and restarted at {:.1} s",
        args.queries,
        args.clients,
        schedule.kill_at.as_secs_f64(),
        schedule.restart_at.as_secs_f64()
    );
    let report = run_fault_workload(
        Arc::clone(&switchyard),
        "pg",
        cluster.cluster(),
        health_interval,
        schedule,
    )
    .await
    .map_err(|e| anyhow!(e))?;
    Ok(format!(
        "## Fault injection: PostgreSQL killed and restarted under load\n\n\
         `{}` ({}, {}; TPC-H scale {}; tables {} held by PostgreSQL; {} clients at {} queries/s; \
         each answer compared with DataFusion running the SQL directly)\n\n{}",
        command_line(),
        build_kind(),
        utc_now(),
        args.scale,
        PG_TABLES.join(", "),
        args.clients,
        args.per_second,
        report.markdown()
    ))
}

//! `switchyard cluster`: a local Ballista cluster of separate processes on 127.0.0.1 (a
//! scheduler and executors, each this executable running a hidden subcommand), started in
//! the background and stopped by PID.

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow, bail};
use ballista::prelude::SessionContextExt;
use ballista_executor::executor_process::{ExecutorProcessConfig, start_executor_process};
use ballista_scheduler::cluster::BallistaCluster;
use ballista_scheduler::config::SchedulerConfig;
use ballista_scheduler::scheduler_process::start_server;
use datafusion::prelude::SessionContext;

use crate::args::Cluster;
use crate::commands::cluster_processes::{
    ClusterState, accepts, free_port, is_alive, spawn, stop, wait_accepting,
};

/// How long each process may take to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the new cluster may take to run its first query (executors register first).
const READY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a process may take to stop after SIGTERM before it is killed.
const STOP_GRACE: Duration = Duration::from_secs(10);
/// How often executors tell the scheduler they are alive (Ballista's default is 60 s).
const HEARTBEAT_SECONDS: u64 = 2;
/// After how long without a heartbeat the scheduler counts an executor dead and runs its
/// tasks elsewhere (Ballista's default, 180 s, would hold a query that long).
const EXECUTOR_TIMEOUT_SECONDS: u64 = 6;

pub async fn run(command: Cluster) -> Result<()> {
    match command {
        Cluster::Start {
            executors,
            port,
            concurrent_tasks,
            dir,
        } => start(&dir, executors, port, concurrent_tasks).await,
        Cluster::Stop { dir } => stop_cluster(&dir),
        Cluster::Status { dir } => status(&dir),
        Cluster::Scheduler { port } => run_scheduler(port).await,
        Cluster::Executor {
            scheduler_port,
            port,
            grpc_port,
            work_dir,
            concurrent_tasks,
        } => run_executor(scheduler_port, port, grpc_port, &work_dir, concurrent_tasks).await,
    }
}

async fn start(
    dir: &Path,
    executors: usize,
    port: u16,
    concurrent_tasks: Option<usize>,
) -> Result<()> {
    if executors == 0 {
        bail!("--executors must be at least 1");
    }
    if let Some(state) = ClusterState::read(dir)?
        && let Some(scheduler) = state.scheduler().filter(|s| is_alive(s.pid))
    {
        bail!(
            "a cluster from {} is running (scheduler PID {}); `switchyard cluster stop --dir {}` first",
            dir.display(),
            scheduler.pid,
            dir.display()
        );
    }
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let port = if port == 0 { free_port()? } else { port };
    if accepts(port) {
        bail!("port {port} on 127.0.0.1 is taken; pass --port 0 for a free one");
    }
    let tasks = concurrent_tasks
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
        .max(1);
    let mut state = ClusterState::default();
    let scheduler = spawn(
        "scheduler",
        &[
            "cluster".into(),
            "scheduler".into(),
            "--port".into(),
            port.to_string(),
        ],
        port,
        dir.join("scheduler.log"),
    )?;
    state.processes.push(scheduler.clone());
    state.write(dir)?;
    let started = (|| -> Result<()> {
        wait_accepting(&scheduler, START_TIMEOUT)?;
        for index in 0..executors {
            let (flight, grpc) = (free_port()?, free_port()?);
            let work_dir = dir.join(format!("executor-{index}"));
            std::fs::create_dir_all(&work_dir)
                .with_context(|| format!("creating {}", work_dir.display()))?;
            let args: Vec<String> = [
                "cluster",
                "executor",
                "--scheduler-port",
                &port.to_string(),
                "--port",
                &flight.to_string(),
                "--grpc-port",
                &grpc.to_string(),
                "--work-dir",
                &work_dir.display().to_string(),
                "--concurrent-tasks",
                &tasks.to_string(),
            ]
            .map(String::from)
            .to_vec();
            let executor = spawn(
                &format!("executor-{index}"),
                &args,
                flight,
                dir.join(format!("executor-{index}.log")),
            )?;
            state.processes.push(executor);
            state.write(dir)?;
        }
        for executor in &state.processes[1..] {
            wait_accepting(executor, START_TIMEOUT)?;
        }
        Ok(())
    })();
    let url = format!("df://127.0.0.1:{port}");
    let ready = match started {
        Ok(()) => wait_until_a_query_runs(&url).await,
        Err(e) => Err(e),
    };
    if let Err(e) = ready {
        // Nothing half-started is left behind.
        for process in state.processes.iter().rev() {
            let _ = stop(process, STOP_GRACE);
        }
        ClusterState::remove(dir)?;
        return Err(e.context("starting the cluster"));
    }
    eprintln!(
        "cluster of 1 scheduler and {executors} executors ({tasks} tasks each) running; state \
         and logs in {}",
        dir.display()
    );
    println!("{url}");
    Ok(())
}

/// Runs `SELECT 1` until it succeeds: the scheduler plans it and an executor runs it, so
/// the executors have registered.
async fn wait_until_a_query_runs(url: &str) -> Result<()> {
    let started = Instant::now();
    let mut last_error = String::new();
    while started.elapsed() < READY_TIMEOUT {
        let attempt = async {
            let ctx = SessionContext::remote(url).await?;
            ctx.sql("SELECT 1").await?.collect().await
        };
        match tokio::time::timeout(Duration::from_secs(20), attempt).await {
            Ok(Ok(_)) => return Ok(()),
            Ok(Err(e)) => last_error = e.to_string(),
            Err(_) => last_error = "no answer within 20 s".to_string(),
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    bail!(
        "the cluster did not run a query within {} s: {last_error}",
        READY_TIMEOUT.as_secs()
    )
}

fn stop_cluster(dir: &Path) -> Result<()> {
    let Some(state) = ClusterState::read(dir)? else {
        bail!("no cluster recorded in {}", dir.display());
    };
    // Executors first, so none is left asking a stopped scheduler for work.
    for process in state.processes.iter().rev() {
        stop(process, STOP_GRACE).with_context(|| format!("stopping the {}", process.role))?;
        eprintln!("stopped the {} (PID {})", process.role, process.pid);
    }
    ClusterState::remove(dir)
}

fn status(dir: &Path) -> Result<()> {
    let Some(state) = ClusterState::read(dir)? else {
        bail!("no cluster recorded in {}", dir.display());
    };
    let mut all_running = true;
    for process in &state.processes {
        let (alive, answering) = (is_alive(process.pid), accepts(process.port));
        all_running &= alive && answering;
        println!(
            "{:<12} PID {:<8} port {:<6} {}",
            process.role,
            process.pid,
            process.port,
            match (alive, answering) {
                (true, true) => "running",
                (true, false) => "running, not accepting connections",
                (false, _) => "stopped",
            }
        );
    }
    if let Some(scheduler) = state.scheduler() {
        println!("url          df://127.0.0.1:{}", scheduler.port);
    }
    if !all_running {
        bail!("the cluster in {} is not fully running", dir.display());
    }
    Ok(())
}

async fn run_scheduler(port: u16) -> Result<()> {
    let config = SchedulerConfig {
        bind_host: "127.0.0.1".into(),
        external_host: "127.0.0.1".into(),
        bind_port: port,
        executor_timeout_seconds: EXECUTOR_TIMEOUT_SECONDS,
        expire_dead_executor_interval_seconds: 1,
        no_executors_grace_period_seconds: EXECUTOR_TIMEOUT_SECONDS,
        ..SchedulerConfig::default()
    };
    let cluster = BallistaCluster::new_from_config(&config)
        .await
        .map_err(|e| anyhow!("scheduler state: {e}"))?;
    let address = ([127, 0, 0, 1], port).into();
    start_server(cluster, address, Arc::new(config))
        .await
        .map_err(|e| anyhow!("scheduler: {e}"))
}

async fn run_executor(
    scheduler_port: u16,
    port: u16,
    grpc_port: u16,
    work_dir: &Path,
    concurrent_tasks: usize,
) -> Result<()> {
    let config = ExecutorProcessConfig {
        bind_host: "127.0.0.1".into(),
        external_host: Some("127.0.0.1".into()),
        port,
        grpc_port,
        scheduler_host: "127.0.0.1".into(),
        scheduler_port,
        vcores: concurrent_tasks.max(1),
        work_dir: Some(work_dir.display().to_string()),
        executor_heartbeat_interval_seconds: HEARTBEAT_SECONDS,
        ..ExecutorProcessConfig::default()
    };
    start_executor_process(Arc::new(config))
        .await
        .map_err(|e| anyhow!("executor: {e}"))
}

//! Fault injection: concurrent clients run a paced workload of small queries, routed to a
//! PostgreSQL engine that holds their tables, while the server is killed (SIGKILL, server
//! and backends) and later restarted. Every answer is compared with DataFusion running the
//! same SQL directly; a query that takes longer than its bound counts as hung.
//!
//! What it shows: no wrong answer gets out, nothing hangs, the router stops sending to the
//! dead engine (a failed connection marks it down at once, the health monitor within its
//! interval) and sends to it again once the monitor finds it back.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use datafusion::physical_plan::common::collect;
use switchyard_consumer::{EngineConfig, PostgresConfig};
use switchyard_producer::ValidatedPlan;
use switchyard_router::{Config, Switchyard};
use tokio::sync::Mutex;

use crate::compare::{DEFAULT_RELATIVE_TOLERANCE, compare_results};
use crate::direct::{DirectAnswer, direct_session, run_sql_directly};
use crate::pg_cluster::PgCluster;

/// The small queries of the workload, over tables `PG_TABLES` (all of them held by the
/// PostgreSQL engine, so routing sends them there while it is up).
pub const FAULT_QUERIES: [&str; 6] = [
    "SELECT n_name FROM nation WHERE n_regionkey = 1 ORDER BY n_name",
    "SELECT r_name, count(*) AS nations FROM nation JOIN region ON n_regionkey = r_regionkey \
     GROUP BY r_name",
    "SELECT count(*) AS suppliers FROM supplier WHERE s_acctbal > 0",
    "SELECT s_nationkey, sum(s_acctbal) AS balance FROM supplier GROUP BY s_nationkey",
    "SELECT n_name, count(*) AS suppliers FROM supplier JOIN nation ON s_nationkey = n_nationkey \
     GROUP BY n_name",
    "SELECT max(s_acctbal) AS most, min(s_acctbal) AS least FROM supplier WHERE s_nationkey < 10",
];

/// The tables the PostgreSQL engine must hold.
pub const PG_TABLES: [&str; 3] = ["nation", "region", "supplier"];

/// The shape of a fault-injection run.
#[derive(Debug, Clone, Copy)]
pub struct FaultSchedule {
    /// Concurrent clients.
    pub clients: usize,
    /// Queries in all.
    pub queries: usize,
    /// Queries started per second, across all clients (the pace that spreads the workload
    /// over the outage).
    pub per_second: f64,
    /// When the engine is killed, from the start.
    pub kill_at: Duration,
    /// When it is started again, from the start.
    pub restart_at: Duration,
    /// A query not finished after this long counts as hung (and is abandoned).
    pub hang_bound: Duration,
}

impl Default for FaultSchedule {
    fn default() -> Self {
        Self {
            clients: 16,
            queries: 1_000,
            per_second: 100.0,
            kill_at: Duration::from_secs(3),
            restart_at: Duration::from_secs(6),
            hang_bound: Duration::from_secs(30),
        }
    }
}

/// How one query ended.
#[derive(Debug, Clone, PartialEq)]
pub enum FaultOutcome {
    /// Equal to DataFusion's answer.
    Correct,
    /// A clear error.
    Error(String),
    /// An answer that differs from DataFusion's: must never happen.
    Wrong(String),
    /// No answer within the hang bound: must never happen.
    Hung,
}

/// One query of the run.
#[derive(Debug, Clone)]
pub struct FaultRecord {
    /// When it started, from the start of the run.
    pub started: Duration,
    /// The engine tried first (`None` when the run failed before any decision was kept).
    pub first_engine: Option<String>,
    /// The engine that answered.
    pub answered_by: Option<String>,
    /// How it ended.
    pub outcome: FaultOutcome,
}

/// The whole run.
#[derive(Debug, Clone)]
pub struct FaultReport {
    /// Every query, in start order.
    pub records: Vec<FaultRecord>,
    /// When the engine was dead (its kill had returned), from the start.
    pub killed_at: Duration,
    /// When its restart began (the end of the outage as clients could see it).
    pub restart_began: Duration,
    /// When the restarted engine accepted connections again.
    pub restarted_at: Duration,
    /// The engine killed.
    pub engine: String,
    /// The configured health interval.
    pub health_interval: Duration,
}

impl FaultReport {
    /// Queries that ended as `predicate` says.
    pub fn count(&self, predicate: impl Fn(&FaultOutcome) -> bool) -> usize {
        self.records
            .iter()
            .filter(|r| predicate(&r.outcome))
            .count()
    }

    /// The last query sent to the engine first after it was killed, as time after the kill
    /// (`None`: none was).
    pub fn last_sent_to_dead(&self) -> Option<Duration> {
        self.records
            .iter()
            .filter(|r| r.started >= self.killed_at && r.started < self.restart_began)
            .filter(|r| r.first_engine.as_deref() == Some(self.engine.as_str()))
            .map(|r| r.started - self.killed_at)
            .max()
    }

    /// The first query sent to the engine after its restart, as time after the restart.
    pub fn first_sent_after_restart(&self) -> Option<Duration> {
        self.records
            .iter()
            .filter(|r| r.started >= self.restarted_at)
            .filter(|r| r.first_engine.as_deref() == Some(self.engine.as_str()))
            .map(|r| r.started - self.restarted_at)
            .min()
    }

    /// Queries answered by `engine` that started in `[from, to)`.
    pub fn answered_by(&self, engine: &str, from: Duration, to: Duration) -> usize {
        self.records
            .iter()
            .filter(|r| r.started >= from && r.started < to)
            .filter(|r| r.answered_by.as_deref() == Some(engine))
            .count()
    }

    /// The run as a Markdown section.
    pub fn markdown(&self) -> String {
        let ms = |d: Option<Duration>| {
            d.map_or_else(|| "none".to_string(), |d| format!("{} ms", d.as_millis()))
        };
        let outage = self.answered_by(self.engine.as_str(), self.killed_at, self.restart_began);
        format!(
            "| queries | correct | error | wrong | hung |\n|---:|---:|---:|---:|---:|\n\
             | {} | {} | {} | {} | {} |\n\n\
             - killed at {} ms; restart began at {} ms and accepted connections at {} ms; \
             health interval {} ms\n\
             - last query sent to {} after the kill: {} after it; answered by it during the \
             outage: {outage}\n\
             - first query sent to {} after the restart: {} after it\n",
            self.records.len(),
            self.count(|o| *o == FaultOutcome::Correct),
            self.count(|o| matches!(o, FaultOutcome::Error(_))),
            self.count(|o| matches!(o, FaultOutcome::Wrong(_))),
            self.count(|o| *o == FaultOutcome::Hung),
            self.killed_at.as_millis(),
            self.restart_began.as_millis(),
            self.restarted_at.as_millis(),
            self.health_interval.as_millis(),
            self.engine,
            ms(self.last_sent_to_dead()),
            self.engine,
            ms(self.first_sent_after_restart()),
        )
    }
}

/// Errors that stop a run before its workload.
pub type FaultError = Box<dyn std::error::Error + Send + Sync>;

/// Opens the configuration at `config_path` with one engine, PostgreSQL `pg` at `url`,
/// checked every `health_interval`, and loads [`PG_TABLES`] into it.
pub async fn open_with_postgres(
    config_path: &Path,
    url: &str,
    health_interval: Duration,
) -> Result<Arc<Switchyard>, FaultError> {
    let mut config = Config::load(config_path)?;
    config.source = None;
    config.file.engines = BTreeMap::from([(
        "pg".to_string(),
        EngineConfig::Postgres(PostgresConfig {
            url: url.to_string(),
            connect_timeout_ms: Some(1_000),
            tables: Vec::new(),
        }),
    )]);
    config.file.routing.health_interval_ms =
        Some(u64::try_from(health_interval.as_millis()).unwrap_or(u64::MAX));
    let switchyard = Arc::new(Switchyard::open(config).await?);
    let tables: Vec<String> = PG_TABLES.iter().map(|t| t.to_string()).collect();
    switchyard.load("pg", &tables, &|_, _| {}).await?;
    Ok(switchyard)
}

/// Runs the workload on `switchyard` (whose engine `engine` is the server `cluster` and holds
/// [`PG_TABLES`]) with its health monitor running, killing and restarting the server as
/// `schedule` says. Needs the multi-threaded runtime.
pub async fn run_fault_workload(
    switchyard: Arc<Switchyard>,
    engine: &str,
    cluster: &PgCluster,
    health_interval: Duration,
    schedule: FaultSchedule,
) -> Result<FaultReport, FaultError> {
    let ctx = direct_session(switchyard.catalog())?;
    let mut queries: Vec<(ValidatedPlan, DirectAnswer)> = Vec::new();
    for sql in FAULT_QUERIES {
        let plan = switchyard
            .producer()
            .compile_checked(sql, Default::default())
            .await?;
        queries.push((plan, run_sql_directly(&ctx, sql).await?));
    }
    let queries = Arc::new(queries);
    let monitor = switchyard.spawn_health_monitor();
    let start = Instant::now();
    let next = Arc::new(AtomicUsize::new(0));
    let records = Arc::new(Mutex::new(Vec::with_capacity(schedule.queries)));
    let spacing = Duration::from_secs_f64(1.0 / schedule.per_second);
    let mut clients = Vec::new();
    for _ in 0..schedule.clients {
        let (switchyard, queries, next, records) = (
            Arc::clone(&switchyard),
            Arc::clone(&queries),
            Arc::clone(&next),
            Arc::clone(&records),
        );
        clients.push(tokio::spawn(async move {
            loop {
                let index = next.fetch_add(1, Ordering::Relaxed);
                if index >= schedule.queries {
                    return;
                }
                // Query `index` starts at its slot in the paced schedule.
                let slot = spacing.mul_f64(index as f64);
                tokio::time::sleep_until((start + slot).into()).await;
                let started = start.elapsed();
                let (plan, expected) = &queries[index % queries.len()];
                let record = match tokio::time::timeout(
                    schedule.hang_bound,
                    one_query(&switchyard, plan, expected),
                )
                .await
                {
                    Ok(mut record) => {
                        record.started = started;
                        record
                    }
                    Err(_) => FaultRecord {
                        started,
                        first_engine: None,
                        answered_by: None,
                        outcome: FaultOutcome::Hung,
                    },
                };
                records.lock().await.push(record);
            }
        }));
    }
    tokio::time::sleep_until((start + schedule.kill_at).into()).await;
    // The script takes a fraction of a second; the clients go on on the other workers.
    // The outage starts when it returns: the server and its backends are gone by then.
    tokio::task::block_in_place(|| cluster.kill())?;
    let killed_at = start.elapsed();
    tokio::time::sleep_until((start + schedule.restart_at).into()).await;
    let restart_began = start.elapsed();
    tokio::task::block_in_place(|| cluster.restart())?;
    let restarted_at = start.elapsed();
    for client in clients {
        client.await?;
    }
    monitor.abort();
    let mut records = Arc::try_unwrap(records)
        .map_err(|_| "a client still holds the records")?
        .into_inner();
    records.sort_by_key(|r| r.started);
    Ok(FaultReport {
        records,
        killed_at,
        restart_began,
        restarted_at,
        engine: engine.to_string(),
        health_interval,
    })
}

async fn one_query(
    switchyard: &Switchyard,
    plan: &ValidatedPlan,
    expected: &DirectAnswer,
) -> FaultRecord {
    let mut record = FaultRecord {
        started: Duration::ZERO,
        first_engine: None,
        answered_by: None,
        outcome: FaultOutcome::Correct,
    };
    let run = match switchyard.run(plan, None).await {
        Ok(run) => run,
        Err(e) => {
            record.outcome = FaultOutcome::Error(e.to_string());
            return record;
        }
    };
    record.first_engine = run.decision.attempts.first().map(|a| a.engine.clone());
    record.answered_by = Some(run.engine.name().to_string());
    record.outcome = match collect(run.stream).await {
        Err(e) => FaultOutcome::Error(format!("engine {}: {e}", run.engine.name())),
        Ok(batches) => match compare_results(
            &expected.batches,
            &batches,
            expected.ordered,
            DEFAULT_RELATIVE_TOLERANCE,
        ) {
            Ok(()) => FaultOutcome::Correct,
            Err(difference) => FaultOutcome::Wrong(difference),
        },
    };
    record
}

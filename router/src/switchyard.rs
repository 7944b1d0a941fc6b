//! `Switchyard`: a configuration opened into a catalog, a producer, engines and a router.
//!
//! The `switchyard` command and the service are thin layers over this type.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use datafusion::execution::SendableRecordBatchStream;
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use futures::StreamExt;
use switchyard_consumer::{
    DEFAULT_ENGINE, EngineError, EngineRef, EngineRegistry, Health, LoadProgress,
};
use switchyard_producer::{Catalog, Producer, ValidatedPlan};

use crate::config::Config;
use crate::decision::{Attempt, RouteDecision};
use crate::error::RouterError;
use crate::health::{DEFAULT_HEALTH_INTERVAL, HEALTH_PROBE_TIMEOUT};
use crate::router::Router;
use crate::statistics::Statistics;
use crate::verify_config::verify_log_path;
use crate::verify_log::VerifyLog;

/// How long opening a configuration waits for an engine's table statistics.
pub const HELD_STATISTICS_TIMEOUT: Duration = Duration::from_secs(2);

/// Everything a configuration describes, opened and ready.
#[derive(Debug)]
pub struct Switchyard {
    config: Config,
    producer: Producer,
    engines: EngineRegistry,
    router: Router,
    verify_log: VerifyLog,
}

/// A plan started on an engine: the decision (with the engines tried), the engine that
/// took it, and its result stream.
pub struct RoutedRun {
    /// Where the plan went and why, with every attempt.
    pub decision: RouteDecision,
    /// The engine running it.
    pub engine: EngineRef,
    /// The result.
    pub stream: SendableRecordBatchStream,
    /// When the engine that took the plan started it (failed attempts before it excluded),
    /// for learning from its run time.
    pub started: Instant,
}

impl Switchyard {
    /// Opens the catalog's tables and builds every configured engine.
    pub async fn open(config: Config) -> Result<Self, RouterError> {
        let catalog = Catalog::open(&config.file.tables, &config.base_dir).await?;
        tracing::debug!(tables = catalog.len(), version = %config.version, "catalog opened");
        let engines = EngineRegistry::build(&config.file.engines, &catalog, &config.base_dir)?;
        let statistics = Statistics::from_catalog(&catalog);
        let router = Router::new(
            &engines,
            &catalog,
            &config.file.routing,
            &config.base_dir,
            statistics,
        )
        .map_err(|message| RouterError::Config {
            path: config
                .source
                .clone()
                .unwrap_or_else(|| PathBuf::from("<inline>")),
            message,
        })?;
        let routing = &config.file.routing;
        let verify_log = VerifyLog::new(verify_log_path(
            routing.verify.as_ref(),
            routing.learned_file.as_deref(),
            &config.base_dir,
        ));
        // Suspect marks outlive the process that found them: replay what was verified.
        if routing.verify.is_some() {
            for record in verify_log.read()? {
                router.suspects().apply(&record);
            }
        }
        let producer = Producer::new(catalog, config.version.clone())?;
        let switchyard = Self {
            config,
            producer,
            engines,
            router,
            verify_log,
        };
        for engine in switchyard.engines.iter() {
            if !engine.resident_tables().is_empty() {
                switchyard.refresh_held_statistics(engine).await;
            }
        }
        Ok(switchyard)
    }

    /// Asks `engine` about the tables it holds, for the cost model; an engine that does not
    /// answer within [`HELD_STATISTICS_TIMEOUT`] keeps what was known (the catalog's figures).
    async fn refresh_held_statistics(&self, engine: &EngineRef) {
        match tokio::time::timeout(HELD_STATISTICS_TIMEOUT, engine.table_statistics()).await {
            Ok(Ok(held)) => self.router.statistics().set_held(engine.name(), &held),
            Ok(Err(e)) => tracing::debug!(engine = engine.name(), "no table statistics: {e}"),
            Err(_) => tracing::debug!(
                engine = engine.name(),
                "no table statistics: no answer in time"
            ),
        }
    }

    /// Starts asking every engine whether it is up, every `routing.health_interval_ms`, and
    /// recording the answers where routing reads them. The task ends when `self` is the last
    /// reference left (the process is shutting down).
    pub fn spawn_health_monitor(self: &Arc<Self>) -> tokio::task::JoinHandle<()> {
        let interval = self
            .config
            .file
            .routing
            .health_interval_ms
            .map_or(DEFAULT_HEALTH_INTERVAL, Duration::from_millis);
        let switchyard = Arc::downgrade(self);
        tokio::spawn(async move {
            let mut ticks = tokio::time::interval(interval);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticks.tick().await;
                let Some(switchyard) = switchyard.upgrade() else {
                    return;
                };
                switchyard.check_health().await;
            }
        })
    }

    /// Asks every engine at once whether it is up (each within [`HEALTH_PROBE_TIMEOUT`]) and
    /// records the answers; returns them by engine name.
    pub async fn check_health(&self) -> Vec<(String, Health)> {
        let probes = self.engines.iter().map(|engine| async move {
            let health = tokio::time::timeout(HEALTH_PROBE_TIMEOUT, engine.health())
                .await
                .unwrap_or_else(|_| {
                    Health::Unreachable(format!(
                        "no answer to a health check within {} ms",
                        HEALTH_PROBE_TIMEOUT.as_millis()
                    ))
                });
            (engine.name().to_string(), health)
        });
        let answers = futures::future::join_all(probes).await;
        for (name, health) in &answers {
            match health {
                Health::Healthy => self.router.health().mark_up(name),
                Health::Unreachable(error) => self.router.health().mark_down(name, error),
            }
        }
        answers
    }

    /// The router.
    pub fn router(&self) -> &Router {
        &self.router
    }

    /// Where a plan would run and why, without running it; with `engine`, as `--engine`
    /// would send it.
    pub fn explain(
        &self,
        plan: &ValidatedPlan,
        engine: Option<&str>,
    ) -> Result<RouteDecision, RouterError> {
        let decision = match engine {
            Some(name) => {
                self.engines.get(name)?;
                self.router.route_to(plan, name)
            }
            None => self.router.route(plan),
        };
        if self.router.strict_plans() && !decision.warnings.is_empty() {
            return Err(RouterError::PlanWarnings {
                warnings: decision
                    .warnings
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; "),
            });
        }
        Ok(decision)
    }

    /// Routes a plan (or sends it to `engine` when named) and starts it. When the chosen
    /// engine fails before returning any rows, the next capable engine by cost is tried,
    /// unless the policy is strict or the engine was named; every attempt is recorded in
    /// the decision. Once rows have been returned nothing is retried.
    pub async fn run(
        &self,
        plan: &ValidatedPlan,
        engine: Option<&str>,
    ) -> Result<RoutedRun, RouterError> {
        let mut decision = self.explain(plan, engine)?;
        let order: Vec<String> = match engine {
            Some(name) => vec![name.to_string()],
            // A plan that writes may have written before failing: never run it twice.
            None if decision.strict || decision.writes => {
                decision.order().take(1).map(|c| c.engine.clone()).collect()
            }
            None => decision.order().map(|c| c.engine.clone()).collect(),
        };
        if order.is_empty() {
            return Err(RouterError::NoCapableEngine {
                decision: decision.to_string(),
            });
        }
        let mut last_error = None;
        for name in order {
            let engine = self.engines.get(&name)?;
            let started_at = Instant::now();
            tracing::debug!(engine = %name, producer = plan.producer(), "executing plan");
            let started = match engine.execute(plan).await {
                Ok(mut stream) => match stream.next().await {
                    Some(Err(source)) => Err(RouterError::from(EngineError::Execution {
                        engine: name.clone(),
                        source,
                    })),
                    first => {
                        let schema = stream.schema();
                        let rest = futures::stream::iter(first).chain(stream);
                        Ok(Box::pin(RecordBatchStreamAdapter::new(schema, rest))
                            as SendableRecordBatchStream)
                    }
                },
                Err(e) => Err(RouterError::from(e)),
            };
            match started {
                Ok(stream) => {
                    decision.attempts.push(Attempt {
                        engine: name,
                        error: None,
                    });
                    return Ok(RoutedRun {
                        decision,
                        engine,
                        stream,
                        started: started_at,
                    });
                }
                Err(e) => {
                    tracing::debug!(engine = %name, "failed before returning rows: {e}");
                    if let RouterError::Engine(EngineError::Unavailable { message, .. }) = &e {
                        self.router.health().mark_down(&name, message);
                    }
                    decision.attempts.push(Attempt {
                        engine: name,
                        error: Some(e.to_string()),
                    });
                    last_error = Some(e);
                }
            }
        }
        match (decision.attempts.len(), last_error) {
            (1, Some(e)) => Err(e),
            _ => Err(RouterError::AllEnginesFailed {
                attempts: decision
                    .attempts
                    .iter()
                    .map(|a| format!("{}: {}", a.engine, a.error.as_deref().unwrap_or("ran")))
                    .collect::<Vec<_>>()
                    .join("; "),
            }),
        }
    }

    /// The verification log (`routing.verify.file` or its default), whether or not
    /// `routing.verify` is configured.
    pub fn verify_log(&self) -> &VerifyLog {
        &self.verify_log
    }

    /// Records a verified run or a clearance: appended to the log, then applied to the
    /// suspect marks routing reads.
    pub fn record_verification(
        &self,
        record: &crate::verify_log::VerifyRecord,
    ) -> Result<(), RouterError> {
        self.router.suspects().apply(record);
        self.verify_log.append(record)?;
        Ok(())
    }

    /// The configuration this was opened from.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The catalog.
    pub fn catalog(&self) -> &Catalog {
        self.producer.catalog()
    }

    /// The SQL and DataFrame front-end.
    pub fn producer(&self) -> &Producer {
        &self.producer
    }

    /// The configured engines.
    pub fn engines(&self) -> &EngineRegistry {
        &self.engines
    }

    /// The engine named, or the embedded default.
    pub fn engine_for(&self, engine: Option<&str>) -> Result<EngineRef, RouterError> {
        Ok(self.engines.get(engine.unwrap_or(DEFAULT_ENGINE))?)
    }

    /// Runs a plan on the named engine, or where the router sends it; see [`Self::run`].
    pub async fn execute(
        &self,
        plan: &ValidatedPlan,
        engine: Option<&str>,
    ) -> Result<(EngineRef, SendableRecordBatchStream), RouterError> {
        let run = self.run(plan, engine).await?;
        Ok((run.engine, run.stream))
    }

    /// Copies catalog tables (all of them when `tables` is empty) into `engine` and records
    /// in the configuration file, when there is one, that they live there.
    pub async fn load(
        &self,
        engine: &str,
        tables: &[String],
        progress: &LoadProgress<'_>,
    ) -> Result<Vec<(String, u64)>, RouterError> {
        let target = self.engines.get(engine)?;
        let tables: Vec<String> = if tables.is_empty() {
            self.catalog()
                .tables()
                .map(|t| t.name().to_string())
                .collect()
        } else {
            tables.to_vec()
        };
        if let Some(unknown) = tables.iter().find(|t| self.catalog().table(t).is_none()) {
            return Err(RouterError::UnknownTable {
                table: unknown.clone(),
                known: self
                    .catalog()
                    .tables()
                    .map(|t| t.name().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        let loaded = target.load(self.catalog(), &tables, progress).await?;
        self.refresh_held_statistics(&target).await;
        if let Some(path) = &self.config.source {
            let names: Vec<String> = loaded.iter().map(|(name, _)| name.clone()).collect();
            Config::record_loaded_tables(path, engine, &names)?;
        }
        Ok(loaded)
    }
}

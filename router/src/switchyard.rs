//! `Switchyard`: a configuration opened into a catalog, a producer and engines.
//!
//! The `switchyard` command and the service are thin layers over this type.

use datafusion::execution::SendableRecordBatchStream;
use switchyard_consumer::{DEFAULT_ENGINE, EngineRef, EngineRegistry, LoadProgress};
use switchyard_producer::{Catalog, Producer, ValidatedPlan};

use crate::config::Config;
use crate::error::RouterError;

/// Everything a configuration describes, opened and ready.
#[derive(Debug)]
pub struct Switchyard {
    config: Config,
    producer: Producer,
    engines: EngineRegistry,
}

impl Switchyard {
    /// Opens the catalog's tables and builds every configured engine.
    pub async fn open(config: Config) -> Result<Self, RouterError> {
        let catalog = Catalog::open(&config.file.tables, &config.base_dir).await?;
        tracing::debug!(tables = catalog.len(), version = %config.version, "catalog opened");
        let engines = EngineRegistry::build(&config.file.engines, &catalog, &config.base_dir)?;
        let producer = Producer::new(catalog, config.version.clone())?;
        Ok(Self {
            config,
            producer,
            engines,
        })
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

    /// The engine a plan runs on: the one named, or the embedded default.
    pub fn engine_for(&self, engine: Option<&str>) -> Result<EngineRef, RouterError> {
        Ok(self.engines.get(engine.unwrap_or(DEFAULT_ENGINE))?)
    }

    /// Runs a plan on the named engine (or the embedded default).
    pub async fn execute(
        &self,
        plan: &ValidatedPlan,
        engine: Option<&str>,
    ) -> Result<(EngineRef, SendableRecordBatchStream), RouterError> {
        let engine = self.engine_for(engine)?;
        tracing::debug!(
            engine = engine.name(),
            producer = plan.producer(),
            "executing plan"
        );
        let stream = engine.execute(plan).await?;
        Ok((engine, stream))
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
        if let Some(path) = &self.config.source {
            let names: Vec<String> = loaded.iter().map(|(name, _)| name.clone()).collect();
            Config::record_loaded_tables(path, engine, &names)?;
        }
        Ok(loaded)
    }
}

//! The set of configured engines, built once from the configuration.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use switchyard_producer::Catalog;

use crate::engine::EngineRef;
use crate::engine_config::{DEFAULT_ENGINE, EngineConfig};
#[cfg(feature = "ballista")]
use crate::engines::ballista::BallistaEngine;
use crate::engines::datafusion::{DataFusionConfig, DataFusionEngine};
#[cfg(feature = "duckdb")]
use crate::engines::duckdb::DuckDbEngine;
use crate::engines::postgres::PostgresEngine;
use crate::engines::spark::SparkEngine;
use crate::error::EngineError;

/// Engines by name.
#[derive(Debug, Clone)]
pub struct EngineRegistry {
    engines: BTreeMap<String, EngineRef>,
}

impl EngineRegistry {
    /// Builds every configured engine over `catalog`, adding the embedded DataFusion engine
    /// under [`DEFAULT_ENGINE`] when the configuration does not name one. Relative paths in
    /// engine settings are relative to `base_dir` (the configuration file's folder).
    pub fn build(
        configs: &BTreeMap<String, EngineConfig>,
        catalog: &Catalog,
        base_dir: &Path,
    ) -> Result<Self, EngineError> {
        let mut engines = BTreeMap::new();
        for (name, config) in configs {
            engines.insert(name.clone(), build_engine(name, config, catalog, base_dir)?);
        }
        if !engines.contains_key(DEFAULT_ENGINE) {
            let default = EngineConfig::DataFusion(DataFusionConfig::default());
            engines.insert(
                DEFAULT_ENGINE.to_string(),
                build_engine(DEFAULT_ENGINE, &default, catalog, base_dir)?,
            );
        }
        Ok(Self { engines })
    }

    /// The engine named `name`.
    pub fn get(&self, name: &str) -> Result<EngineRef, EngineError> {
        self.engines
            .get(name)
            .cloned()
            .ok_or_else(|| EngineError::UnknownEngine {
                name: name.to_string(),
                known: self.engines.keys().cloned().collect::<Vec<_>>().join(", "),
            })
    }

    /// Every engine, by name.
    pub fn iter(&self) -> impl Iterator<Item = &EngineRef> {
        self.engines.values()
    }
}

fn build_engine(
    name: &str,
    config: &EngineConfig,
    catalog: &Catalog,
    base_dir: &Path,
) -> Result<EngineRef, EngineError> {
    Ok(match config {
        EngineConfig::DataFusion(settings) => {
            Arc::new(DataFusionEngine::new(name, catalog, settings)?)
        }
        #[cfg(feature = "duckdb")]
        EngineConfig::DuckDb(settings) => {
            Arc::new(DuckDbEngine::new(name, catalog, settings, base_dir)?)
        }
        #[cfg(not(feature = "duckdb"))]
        EngineConfig::DuckDb(_) => {
            let _ = base_dir;
            return Err(EngineError::Setup {
                engine: name.to_string(),
                message: "this build of switchyard has no DuckDB engine (feature `duckdb`)"
                    .to_string(),
            });
        }
        EngineConfig::Postgres(settings) => Arc::new(PostgresEngine::new(name, catalog, settings)?),
        EngineConfig::Spark(settings) => Arc::new(SparkEngine::new(name, catalog, settings)?),
        #[cfg(feature = "ballista")]
        EngineConfig::Ballista(settings) => Arc::new(BallistaEngine::new(name, catalog, settings)?),
        #[cfg(not(feature = "ballista"))]
        EngineConfig::Ballista(_) => {
            return Err(EngineError::Setup {
                engine: name.to_string(),
                message: "this build of switchyard has no Ballista engine (feature `ballista`)"
                    .to_string(),
            });
        }
    })
}

//! The `engines:` section of the configuration: one entry per engine, tagged by `kind`.

use serde::{Deserialize, Serialize};

use crate::engine::EngineKind;
use crate::engines::ballista::BallistaConfig;
use crate::engines::datafusion::DataFusionConfig;
use crate::engines::duckdb::DuckDbConfig;
use crate::engines::postgres::PostgresConfig;
use crate::engines::spark::SparkConfig;

/// One configured engine. New kinds are new variants (`{ kind: duckdb }`...), each with its
/// own settings struct, so a typo in a setting is an error naming the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum EngineConfig {
    /// DataFusion in this process.
    DataFusion(DataFusionConfig),
    /// DuckDB in this process.
    DuckDb(DuckDbConfig),
    /// A PostgreSQL server.
    Postgres(PostgresConfig),
    /// A Ballista cluster.
    Ballista(BallistaConfig),
    /// A Spark Connect server.
    Spark(SparkConfig),
}

impl EngineConfig {
    /// The kind of engine this configures.
    pub fn kind(&self) -> EngineKind {
        match self {
            Self::DataFusion(_) => EngineKind::DataFusion,
            Self::DuckDb(_) => EngineKind::DuckDb,
            Self::Postgres(_) => EngineKind::Postgres,
            Self::Ballista(_) => EngineKind::Ballista,
            Self::Spark(_) => EngineKind::Spark,
        }
    }

    /// Records that `tables` now live in the engine (after `switchyard load`); `false` for
    /// kinds that read the catalog's files in place.
    pub fn record_loaded(&mut self, tables: &[String]) -> bool {
        let resident = match self {
            Self::DataFusion(_) | Self::Ballista(_) | Self::Spark(_) => return false,
            Self::DuckDb(config) => &mut config.tables,
            Self::Postgres(config) => &mut config.tables,
        };
        for table in tables {
            if !resident.contains(table) {
                resident.push(table.clone());
            }
        }
        resident.sort();
        true
    }
}

/// The name of the embedded default engine, present even when the configuration omits it.
pub const DEFAULT_ENGINE: &str = "datafusion";

//! The `Engine` trait: what every backend that runs Substrait plans provides.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::execution::SendableRecordBatchStream;
use serde::{Deserialize, Serialize};
use switchyard_producer::{Catalog, ValidatedPlan};

use crate::error::EngineError;
use crate::manifest::Manifest;
use crate::translate::Translation;

/// Told `(table, rows copied so far)` while tables load.
pub type LoadProgress<'a> = dyn Fn(&str, u64) + Sync + 'a;

/// The kinds of engine Switchyard can drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// Apache DataFusion in this process: the embedded default.
    DataFusion,
    /// DuckDB in this process, through SQL translation.
    DuckDb,
    /// A PostgreSQL server, through SQL translation.
    Postgres,
    /// A Ballista cluster (distributed DataFusion), through its scheduler.
    Ballista,
    /// Apache Spark through a Spark Connect server, through SQL translation.
    Spark,
}

impl fmt::Display for EngineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::DataFusion => "datafusion",
            Self::DuckDb => "duckdb",
            Self::Postgres => "postgres",
            Self::Ballista => "ballista",
            Self::Spark => "spark",
        })
    }
}

/// Whether an engine can take work right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Health {
    /// Reachable and answering.
    Healthy,
    /// Not reachable, with the error that says why.
    Unreachable(String),
}

/// A backend that runs validated Substrait plans and streams Arrow record batches back.
#[async_trait]
pub trait Engine: Send + Sync + fmt::Debug {
    /// The engine's name in the configuration.
    fn name(&self) -> &str;

    /// What kind of engine this is.
    fn kind(&self) -> EngineKind;

    /// What the engine can run.
    fn manifest(&self) -> &Manifest;

    /// Starts running `plan`; errors that stop it from starting are returned here, errors
    /// while running come through the stream.
    async fn execute(&self, plan: &ValidatedPlan)
    -> Result<SendableRecordBatchStream, EngineError>;

    /// Checks that the engine is reachable.
    async fn health(&self) -> Health;

    /// The SQL this engine would run for `plan`, for engines that run SQL.
    async fn translate(&self, plan: &ValidatedPlan) -> Result<Translation, EngineError> {
        let _ = plan;
        Err(EngineError::Unsupported {
            engine: self.name().to_string(),
            message: "it runs Substrait plans natively, so there is no SQL translation".to_string(),
        })
    }

    /// Catalog tables copied into the engine (by [`Engine::load`]); engines that read the
    /// catalog's files in place return none.
    fn resident_tables(&self) -> Vec<String> {
        Vec::new()
    }

    /// Rows and bytes of the tables the engine holds, from its own catalog (PostgreSQL's
    /// `reltuples` and relation sizes); engines that read the catalog's files return none.
    async fn table_statistics(&self) -> Result<Vec<HeldTableStatistics>, EngineError> {
        Ok(Vec::new())
    }

    /// Copies `tables` from `catalog` into the engine, replacing earlier copies; returns the
    /// rows copied per table.
    async fn load(
        &self,
        catalog: &Catalog,
        tables: &[String],
        progress: &LoadProgress<'_>,
    ) -> Result<Vec<(String, u64)>, EngineError> {
        let _ = (catalog, tables, progress);
        Err(EngineError::Unsupported {
            engine: self.name().to_string(),
            message: "it reads the catalog's files in place; there is nothing to load".to_string(),
        })
    }
}

/// What an engine's own catalog says about a table it holds.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldTableStatistics {
    /// The table.
    pub table: String,
    /// Estimated rows (PostgreSQL: `reltuples` as of the last `ANALYZE`).
    pub rows: u64,
    /// Bytes on disk, indexes and TOAST included.
    pub bytes: u64,
}

/// A shared handle to an engine.
pub type EngineRef = Arc<dyn Engine>;

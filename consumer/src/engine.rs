//! The `Engine` trait: what every backend that runs Substrait plans provides.

use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::execution::SendableRecordBatchStream;
use serde::{Deserialize, Serialize};
use switchyard_producer::ValidatedPlan;

use crate::error::EngineError;

/// The kinds of engine Switchyard can drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// Apache DataFusion in this process: the embedded default.
    DataFusion,
}

impl fmt::Display for EngineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::DataFusion => "datafusion",
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

    /// Starts running `plan`; errors that stop it from starting are returned here, errors
    /// while running come through the stream.
    async fn execute(&self, plan: &ValidatedPlan)
    -> Result<SendableRecordBatchStream, EngineError>;

    /// Checks that the engine is reachable.
    async fn health(&self) -> Health;
}

/// A shared handle to an engine.
pub type EngineRef = Arc<dyn Engine>;

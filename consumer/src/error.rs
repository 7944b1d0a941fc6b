//! The consumer's error type.

use datafusion::error::DataFusionError;
use thiserror::Error;

/// What can go wrong when an engine runs a plan or its results are written.
#[derive(Debug, Error)]
pub enum EngineError {
    /// The engine cannot run this plan (unknown table or function, unsupported relation...).
    #[error("engine {engine} cannot run the plan: {source}")]
    Plan {
        /// The engine's configured name.
        engine: String,
        /// Why.
        #[source]
        source: DataFusionError,
    },
    /// The plan started but failed while running.
    #[error("engine {engine} failed: {source}")]
    Execution {
        /// The engine's configured name.
        engine: String,
        /// Why.
        #[source]
        source: DataFusionError,
    },
    /// No engine of that name is configured.
    #[error("no engine named {name:?}; configured engines: {known}")]
    UnknownEngine {
        /// The name asked for.
        name: String,
        /// The configured names, comma separated.
        known: String,
    },
    /// An engine could not be set up from its configuration.
    #[error("engine {engine}: {message}")]
    Setup {
        /// The engine's configured name.
        engine: String,
        /// Why.
        message: String,
    },
    /// Results could not be written to a file.
    #[error("writing {path}: {message}")]
    Output {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
}

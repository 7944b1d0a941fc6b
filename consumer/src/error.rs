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
    /// The plan cannot be expressed in the engine's SQL dialect.
    #[error("engine {engine} cannot run the plan: no {dialect} SQL for it: {message}")]
    Translate {
        /// The engine's configured name.
        engine: String,
        /// The SQL dialect translated to.
        dialect: String,
        /// What has no translation.
        message: String,
    },
    /// The engine could not be reached (down, refused, timed out).
    #[error("engine {engine} is unreachable: {message}")]
    Unavailable {
        /// The engine's configured name.
        engine: String,
        /// Why.
        message: String,
    },
    /// The engine reported an error while running the translated query.
    #[error("engine {engine} failed: {message}")]
    Remote {
        /// The engine's configured name.
        engine: String,
        /// The engine's own message.
        message: String,
    },
    /// The plan reads a table the engine does not hold.
    #[error(
        "engine {engine} does not hold table {table}; run `switchyard load --engine {engine} --tables {table}`"
    )]
    TableNotLoaded {
        /// The engine's configured name.
        engine: String,
        /// The table.
        table: String,
    },
    /// The engine does not do what was asked of it.
    #[error("engine {engine} cannot do that: {message}")]
    Unsupported {
        /// The engine's configured name.
        engine: String,
        /// Why not.
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

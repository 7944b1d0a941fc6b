//! The router's error type: everything a command or a request can fail with.

use std::path::PathBuf;

use switchyard_consumer::EngineError;
use switchyard_producer::ProducerError;
use thiserror::Error;

/// An error from opening a configuration, compiling, or running a plan.
#[derive(Debug, Error)]
pub enum RouterError {
    /// The configuration file is missing or unreadable.
    #[error("config file {}: {message}", path.display())]
    ConfigFile {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The configuration is not valid.
    #[error("config {}: {message}", path.display())]
    Config {
        /// The file (or `<inline>`).
        path: PathBuf,
        /// What is wrong, with its line and column where known.
        message: String,
    },
    /// Compiling or decoding a plan failed.
    #[error(transparent)]
    Producer(#[from] ProducerError),
    /// An engine failed.
    #[error(transparent)]
    Engine(#[from] EngineError),
    /// The plan has warnings and `routing.strict_plans` refuses such plans.
    #[error("refused (strict plans): {warnings}")]
    PlanWarnings {
        /// Each warning with its class and plan path, `; ` separated.
        warnings: String,
    },
    /// A plan or query over one of the configured limits (`service.limits`, which the
    /// command line applies too).
    #[error("{0}")]
    LimitExceeded(String),
    /// No configured engine can run the plan.
    #[error("no engine can run this plan:\n{decision}")]
    NoCapableEngine {
        /// The decision, as explain prints it.
        decision: String,
    },
    /// Every engine tried failed before returning rows.
    #[error("every engine tried failed: {attempts}")]
    AllEnginesFailed {
        /// Each engine with its error.
        attempts: String,
    },
    /// Measuring an engine's profile failed.
    #[error("calibrating {engine}: {message}")]
    Calibration {
        /// The engine.
        engine: String,
        /// Why.
        message: String,
    },
    /// The verification log (`routing.verify`) could not be read or written.
    #[error(transparent)]
    VerifyLog(#[from] crate::verify_log::VerifyLogError),
    /// A table name that the catalog does not have.
    #[error("no table {table:?} in the catalog; tables: {known}")]
    UnknownTable {
        /// The name asked for.
        table: String,
        /// The catalog's tables, comma separated.
        known: String,
    },
}

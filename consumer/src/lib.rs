//! Switchyard's consumers: the [`Engine`] trait, the engines that run Substrait plans, and
//! the configured set of them.

pub mod atomic_file;
pub mod engine;
pub mod engine_config;
pub mod engines;
pub mod error;
pub mod registry;
pub mod result_file;

pub use atomic_file::write_atomically;
pub use engine::{Engine, EngineKind, EngineRef, Health};
pub use engine_config::{DEFAULT_ENGINE, EngineConfig};
pub use engines::datafusion::{DataFusionConfig, DataFusionEngine};
pub use error::EngineError;
pub use registry::EngineRegistry;
pub use result_file::{ResultFormat, write_result_file};

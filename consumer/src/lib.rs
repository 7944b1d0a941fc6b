//! Switchyard's consumers: the [`Engine`] trait, the engines that run Substrait plans, and
//! the configured set of them.

mod anti_joins;
pub mod atomic_file;
mod conform;
mod cooperative;
mod deadline_stream;
mod declared_output;
#[cfg(feature = "duckdb")]
mod duckdb_arrow_bridge;
mod duplicate_output_names;
pub mod engine;
pub mod engine_config;
pub mod engines;
pub mod error;
pub mod flattened_for_export;
pub mod manifest;
mod read_schema_tables;
mod record_stream;
pub mod registry;
mod resident_tables;
pub mod result_file;
pub mod sql_text;
mod subquery_scopes;
pub mod substrait_to_logical;
pub mod translate;

pub use atomic_file::write_atomically;
/// DuckDB's record batches as DataFusion's (the two link different Arrow versions), for
/// callers that run DuckDB directly, such as the query fuzzer's reference.
#[cfg(feature = "duckdb")]
pub use duckdb_arrow_bridge::into_datafusion_batch;
pub use engine::{Engine, EngineKind, EngineRef, Health, HeldTableStatistics, LoadProgress};
pub use engine_config::{DEFAULT_ENGINE, EngineConfig};
pub use engines::ballista::BallistaConfig;
#[cfg(feature = "ballista")]
pub use engines::ballista::BallistaEngine;
pub use engines::datafusion::{DataFusionConfig, DataFusionEngine};
pub use engines::duckdb::DuckDbConfig;
#[cfg(feature = "duckdb")]
pub use engines::duckdb::DuckDbEngine;
pub use engines::postgres::{PostgresConfig, PostgresEngine};
pub use engines::spark::{SparkConfig, SparkEngine};
pub use error::EngineError;
pub use flattened_for_export::flattened_for_export;
pub use manifest::{FunctionSupport, Manifest};
pub use registry::EngineRegistry;
pub use result_file::{ResultFormat, write_result_file};
pub use translate::{SqlTarget, SqlTranslator, Translation};

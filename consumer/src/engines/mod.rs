//! One module per engine.

pub mod datafusion;
pub mod duckdb;
pub mod postgres;

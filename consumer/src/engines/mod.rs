//! One module per engine.

#[cfg(feature = "ballista")]
pub mod ballista;
/// Ballista's settings only: this build has no Ballista engine (feature `ballista` off).
#[cfg(not(feature = "ballista"))]
pub mod ballista {
    mod config;
    pub use config::BallistaConfig;
}
pub mod datafusion;
#[cfg(feature = "duckdb")]
pub mod duckdb;
/// DuckDB's settings only: this build has no DuckDB engine (feature `duckdb` off), so
/// configurations that name one still parse and fail clearly when the engine is built.
#[cfg(not(feature = "duckdb"))]
pub mod duckdb {
    mod config;
    pub use config::DuckDbConfig;
}
pub mod postgres;
mod remote_timeouts;
pub mod spark;

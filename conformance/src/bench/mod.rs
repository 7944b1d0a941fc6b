//! Benchmarks that write reports (run them from a release build: `switchyard bench ...`).

pub mod engines;
pub mod overhead;
pub mod routing;
pub mod stats;

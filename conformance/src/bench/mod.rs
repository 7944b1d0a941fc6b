//! Benchmarks that write reports (run them from a release build: `switchyard bench ...`).

pub mod bench_config;
pub mod distributed;
pub mod doget_throughput;
pub mod engines;
pub mod flight_connection;
pub mod overhead;
pub mod pyarrow_reference;
pub mod routing;
pub mod server_process;
pub mod service;
pub mod service_load;
pub mod service_report;
pub mod service_verify;
pub mod service_workload;
pub mod stats;

//! Switchyard's plan-submission service: clients in any language submit SQL or Substrait
//! plans over Arrow Flight SQL (or the control API) and get Arrow back, every plan going
//! through the router.
//!
//! - [`flight_sql`]: Flight SQL statements (SQL and Substrait), prepared statements,
//!   metadata, `DoGet`, cancellation.
//! - [`control`]: `switchyard.v1.Control`: explain, engines, submit with hints, cancel.
//! - [`gateway`]: the one path every query takes, whichever protocol it came in by.
//! - [`auth`] and [`column_policy`]: bearer tokens → principals, and the tables and columns
//!   each may read, enforced on the plan whatever produced it.
//! - [`limits`], [`tickets`], [`query_stream`], [`prepared`]: admission, started queries and
//!   their cancellation, prepared statements.
//! - [`server`]: everything on one listener, with health checking and reflection.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let config = switchyard_router::Config::load(std::path::Path::new("switchyard.yaml"))?;
//! let service = switchyard_service::Service::open(config).await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:50051").await?;
//! switchyard_service::serve(service, listener, async {
//!     let _ = tokio::signal::ctrl_c().await;
//! })
//! .await?;
//! # Ok(())
//! # }
//! ```

pub mod auth;
pub mod column_policy;
pub mod control;
mod error;
pub mod flight_sql;
pub mod gateway;
pub mod limits;
pub mod prepared;
pub mod query_stream;
pub mod server;
pub mod shadow;
pub mod tickets;

pub use auth::Principal;
pub use error::ServiceError;
pub use gateway::{QuerySource, RunOptions};
pub use server::{SHUTDOWN_GRACE, Service, serve};

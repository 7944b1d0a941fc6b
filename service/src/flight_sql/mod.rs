//! Arrow Flight SQL over the gateway: SQL and Substrait statements, prepared statements for
//! both, `DoGet` of results, cancellation, and the metadata commands.
//!
//! Statements start on `GetFlightInfo` (so routing and engine errors come back on that call)
//! and are read with `DoGet` on the ticket it returns. Steering headers are in [`wire`].

mod endpoint;
mod handler;
mod metadata;
mod service;
pub mod wire;

pub use endpoint::FlightEndpoint;
pub use handler::FlightSqlHandler;
pub use metadata::{ARROW_FORMAT_VERSION, MIN_SUBSTRAIT_VERSION};
pub use service::CANCEL_FLIGHT_INFO;

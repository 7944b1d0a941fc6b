//! Switchyard's core: the configuration, and [`Switchyard`], which opens it into a catalog,
//! a producer and the configured engines, and sends each plan to an engine.

pub mod config;
pub mod error;
pub mod switchyard;

pub use config::{Config, ConfigFile, DEFAULT_CONFIG_FILE};
pub use error::RouterError;
pub use switchyard::Switchyard;

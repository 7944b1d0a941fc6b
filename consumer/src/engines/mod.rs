//! One module per engine.

pub mod datafusion;

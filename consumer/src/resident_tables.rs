//! The catalog tables an engine holds copies of (after `switchyard load`), shared by the
//! engines that hold tables.

use std::sync::RwLock;

use switchyard_producer::{Catalog, CatalogTable};

use crate::error::EngineError;

/// Table names, updated as loads finish.
#[derive(Debug, Default)]
pub struct ResidentTables(RwLock<Vec<String>>);

impl ResidentTables {
    /// The tables the configuration says the engine holds.
    pub fn new(configured: &[String]) -> Self {
        Self(RwLock::new(configured.to_vec()))
    }

    /// The names, in the order they were recorded.
    pub fn list(&self) -> Vec<String> {
        self.0.read().map(|t| t.clone()).unwrap_or_default()
    }

    /// Records that `table` is now held.
    pub fn add(&self, table: &str) {
        if let Ok(mut tables) = self.0.write()
            && !tables.iter().any(|t| t == table)
        {
            tables.push(table.to_string());
        }
    }
}

/// The catalog table `name`, or an error naming `engine`.
pub fn catalog_table<'c>(
    engine: &str,
    catalog: &'c Catalog,
    name: &str,
) -> Result<&'c CatalogTable, EngineError> {
    catalog.table(name).ok_or_else(|| EngineError::Setup {
        engine: engine.to_string(),
        message: format!("no table {name} in the catalog"),
    })
}

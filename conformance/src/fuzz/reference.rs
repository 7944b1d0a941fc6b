//! The reference answers: one DuckDB connection, opened once and kept for the whole run,
//! running the SQL text directly over the catalog's files, outside Switchyard's DuckDB
//! adapter (no Substrait, no translation).

use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use datafusion::arrow::record_batch::RecordBatch;
use duckdb::Connection;
use switchyard_consumer::into_datafusion_batch;
use switchyard_producer::{Catalog, TableFormat};

use super::FuzzError;

/// DuckDB with the catalog's file-backed tables as views.
pub struct Reference {
    connection: Connection,
}

impl std::fmt::Debug for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reference").finish_non_exhaustive()
    }
}

fn quote_literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

impl Reference {
    /// Opens an in-memory DuckDB with a view per Parquet or CSV table of `catalog`.
    pub fn open(catalog: &Catalog) -> Result<Self, FuzzError> {
        let setup = |e: duckdb::Error| FuzzError::Setup(format!("reference DuckDB: {e}"));
        let connection = Connection::open_in_memory().map_err(setup)?;
        for table in catalog.tables() {
            let Some(source) = table.file_source() else {
                continue;
            };
            let pattern = quote_literal(&source.pattern);
            let reader = match source.format {
                TableFormat::Parquet => format!("read_parquet({pattern})"),
                TableFormat::Csv => format!(
                    "read_csv({pattern}, header = {}, delim = {})",
                    source.has_header,
                    quote_literal(&source.delimiter.to_string())
                ),
                TableFormat::Json | TableFormat::Arrow => continue,
            };
            let name = table.name().replace('"', "\"\"");
            connection
                .execute_batch(&format!("CREATE VIEW \"{name}\" AS SELECT * FROM {reader}"))
                .map_err(setup)?;
        }
        Ok(Self { connection })
    }

    /// The answer to `sql`, or DuckDB's error message; interrupted after `timeout`.
    pub fn answer(&self, sql: &str, timeout: Duration) -> Result<Vec<RecordBatch>, String> {
        // A watchdog interrupts the query unless it is told the query ended first.
        let interrupt = self.connection.interrupt_handle();
        let (done, ended) = mpsc::channel::<()>();
        let watchdog = std::thread::spawn(move || {
            if ended.recv_timeout(timeout) == Err(RecvTimeoutError::Timeout) {
                interrupt.interrupt();
            }
        });
        let answer = (|| {
            let mut statement = self.connection.prepare(sql).map_err(|e| e.to_string())?;
            let batches = statement.query_arrow([]).map_err(|e| e.to_string())?;
            batches
                .map(|batch| into_datafusion_batch(batch).map_err(|e| e.to_string()))
                .collect()
        })();
        let _ = done.send(());
        let _ = watchdog.join();
        answer
    }
}

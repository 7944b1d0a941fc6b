//! DuckDB, embedded: plans are translated to DuckDB SQL and run in this process; results
//! come back as Arrow through the C data interface.

mod config;
mod views;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use arrow::datatypes::SchemaRef;
use async_trait::async_trait;
use datafusion::error::DataFusionError;
use datafusion::execution::SendableRecordBatchStream;
use duckdb::{Connection, InterruptHandle};
use switchyard_producer::{Catalog, ValidatedPlan};
use tokio::sync::oneshot;

pub use config::DuckDbConfig;
use views::reader_sql;

use crate::conform::conform_batch;
use crate::duckdb_arrow_bridge::into_datafusion_batch;
use crate::engine::{Engine, EngineKind, Health, LoadProgress};
use crate::error::EngineError;
use crate::manifest::Manifest;
use crate::record_stream::{BatchSender, OnDrop, batch_channel};
use crate::resident_tables::{ResidentTables, catalog_table};
use crate::sql_text::{quote_identifier, quote_literal};
use crate::translate::{SqlTarget, SqlTranslator, Translation};

/// DuckDB with the catalog's tables as views (or loaded tables).
pub struct DuckDbEngine {
    name: String,
    /// Held for the database's lifetime; each query runs on a clone (a new connection).
    connection: Arc<Mutex<Connection>>,
    translator: SqlTranslator,
    /// Catalog tables DuckDB cannot read, with the reason.
    unreadable: BTreeMap<String, String>,
    /// Whether the database is a file (tables can be loaded into it).
    persistent: bool,
    /// Tables loaded into the database (configured, plus loaded since start).
    loaded: ResidentTables,
    manifest: Manifest,
}

impl std::fmt::Debug for DuckDbEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DuckDbEngine")
            .field("name", &self.name)
            .field("unreadable", &self.unreadable)
            .finish_non_exhaustive()
    }
}

impl DuckDbEngine {
    /// Opens DuckDB as `config` says and makes `catalog`'s tables readable; relative paths
    /// are relative to `base_dir`.
    pub fn new(
        name: &str,
        catalog: &Catalog,
        config: &DuckDbConfig,
        base_dir: &Path,
    ) -> Result<Self, EngineError> {
        let setup = |message: String| EngineError::Setup {
            engine: name.to_string(),
            message,
        };
        let connection = match &config.database {
            Some(path) => Connection::open(base_dir.join(path))
                .map_err(|e| setup(format!("cannot open {}: {e}", path.display())))?,
            None => Connection::open_in_memory().map_err(|e| setup(e.to_string()))?,
        };
        if let Some(threads) = config.threads {
            connection
                .execute_batch(&format!("SET threads = {}", threads.max(1)))
                .map_err(|e| setup(e.to_string()))?;
        }
        if let Some(limit) = &config.memory_limit {
            connection
                .execute_batch(&format!("SET memory_limit = {}", quote_literal(limit)))
                .map_err(|e| setup(format!("memory_limit {limit:?}: {e}")))?;
        }
        let mut unreadable = BTreeMap::new();
        for table in catalog.tables() {
            if config.tables.iter().any(|loaded| loaded == table.name()) {
                continue;
            }
            match views::view_sql(table) {
                Ok(sql) => connection
                    .execute_batch(&sql)
                    .map_err(|e| setup(format!("view for table {}: {e}", table.name())))?,
                Err(reason) => {
                    unreadable.insert(table.name().to_string(), reason);
                }
            }
        }
        let manifest = Manifest::for_engine(name, EngineKind::DuckDb)?;
        Ok(Self {
            manifest,
            name: name.to_string(),
            connection: Arc::new(Mutex::new(connection)),
            translator: SqlTranslator::new(name, SqlTarget::DuckDb, catalog)?
                .dropping_null_ordering(config.testing_drop_null_ordering),
            unreadable,
            persistent: config.database.is_some(),
            loaded: ResidentTables::new(&config.tables),
        })
    }

    /// Runs `sql`, conforming its results to `expected`. Returns once DuckDB has accepted
    /// the query (or refused it), so errors before the first row come back here.
    pub async fn run_sql(
        &self,
        sql: String,
        expected: SchemaRef,
    ) -> Result<SendableRecordBatchStream, EngineError> {
        let connection = self.query_connection()?;
        let interrupt = Interrupt(connection.interrupt_handle());
        let (sender, stream) = batch_channel(Arc::clone(&expected), interrupt);
        let (started, start_result) = oneshot::channel();
        let name = self.name.clone();
        tokio::task::spawn_blocking(move || {
            run_blocking(&name, &connection, &sql, &expected, started, &sender)
        });
        match start_result.await {
            Ok(Ok(())) => Ok(stream),
            Ok(Err(error)) => Err(error),
            Err(_) => Err(self.remote("the query thread ended without an answer".to_string())),
        }
    }

    /// Runs a SQL script (statements separated by `;`, as TPC-H query files are) with DuckDB
    /// alone: no translation and DuckDB's own Arrow results. Returns the rows the queries
    /// returned. A reference for measuring the adapter, not a way to run plans.
    pub async fn run_native_script(&self, script: &str) -> Result<usize, EngineError> {
        let connection = self.query_connection()?;
        let statements: Vec<String> = script
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        let name = self.name.clone();
        tokio::task::spawn_blocking(move || {
            let mut rows = 0;
            for statement in &statements {
                let mut prepared = connection.prepare(statement)?;
                for batch in prepared.stream_arrow([])? {
                    rows += batch?.num_rows();
                }
            }
            Ok::<_, duckdb::Error>(rows)
        })
        .await
        .map_err(|e| EngineError::Remote {
            engine: name.clone(),
            message: e.to_string(),
        })?
        .map_err(|e| EngineError::Remote {
            engine: name,
            message: e.to_string(),
        })
    }

    /// A fresh connection to the same database for one query.
    fn query_connection(&self) -> Result<Connection, EngineError> {
        let base = self
            .connection
            .lock()
            .map_err(|_| self.remote("the connection lock is poisoned".to_string()))?;
        base.try_clone().map_err(|e| self.remote(e.to_string()))
    }

    fn remote(&self, message: String) -> EngineError {
        EngineError::Remote {
            engine: self.name.clone(),
            message,
        }
    }
}

/// Interrupts DuckDB's query when its reader goes away.
struct Interrupt(Arc<InterruptHandle>);

impl OnDrop for Interrupt {
    fn reader_gone(&mut self) {
        self.0.interrupt();
    }
}

/// Runs one query on a blocking thread: reports whether it started, then streams batches
/// until DuckDB is done or the reader has gone.
fn run_blocking(
    engine: &str,
    connection: &Connection,
    sql: &str,
    expected: &SchemaRef,
    started: oneshot::Sender<Result<(), EngineError>>,
    sender: &BatchSender,
) {
    let remote = |message: String| EngineError::Remote {
        engine: engine.to_string(),
        message,
    };
    let mut statement = match connection.prepare(sql) {
        Ok(statement) => statement,
        Err(e) => {
            let _ = started.send(Err(remote(e.to_string())));
            return;
        }
    };
    let batches = match statement.stream_arrow([]) {
        Ok(batches) => batches,
        Err(e) => {
            let _ = started.send(Err(remote(e.to_string())));
            return;
        }
    };
    if started.send(Ok(())).is_err() {
        return;
    }
    for batch in batches {
        let converted = batch
            .map_err(|e| remote(e.to_string()))
            .and_then(|batch| {
                into_datafusion_batch(batch)
                    .and_then(|batch| conform_batch(&batch, expected))
                    .map_err(|e| remote(format!("reading results: {e}")))
            })
            .map_err(|e| DataFusionError::External(Box::new(e)));
        let failed = converted.is_err();
        if sender.blocking_send(converted).is_err() || failed {
            return;
        }
    }
}

#[async_trait]
impl Engine for DuckDbEngine {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> EngineKind {
        EngineKind::DuckDb
    }

    fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    async fn execute(
        &self,
        plan: &ValidatedPlan,
    ) -> Result<SendableRecordBatchStream, EngineError> {
        let translation = self
            .translator
            .translate_readable(plan, &self.unreadable)
            .await?;
        tracing::debug!(engine = %self.name, sql = %translation.sql, "running translated plan");
        self.run_sql(translation.sql, translation.schema).await
    }

    async fn translate(&self, plan: &ValidatedPlan) -> Result<Translation, EngineError> {
        self.translator
            .translate_readable(plan, &self.unreadable)
            .await
    }

    fn resident_tables(&self) -> Vec<String> {
        self.loaded.list()
    }

    async fn load(
        &self,
        catalog: &Catalog,
        tables: &[String],
        progress: &LoadProgress<'_>,
    ) -> Result<Vec<(String, u64)>, EngineError> {
        if !self.persistent {
            return Err(EngineError::Unsupported {
                engine: self.name.clone(),
                message: "it is in memory and reads the catalog's files through views; \
                          give it a `database` file to load tables into"
                    .to_string(),
            });
        }
        let mut loaded = Vec::with_capacity(tables.len());
        for name in tables {
            let table = catalog_table(&self.name, catalog, name)?;
            let source = table
                .file_source()
                .ok_or_else(|| EngineError::Unsupported {
                    engine: self.name.clone(),
                    message: format!("table {name} is not backed by files"),
                })?;
            let reader = reader_sql(source, &table.schema()).map_err(|message| {
                EngineError::Unsupported {
                    engine: self.name.clone(),
                    message: format!("table {name}: {message}"),
                }
            })?;
            let quoted = quote_identifier(name);
            let table_name = name.clone();
            let connection = self.query_connection()?;
            let engine = self.name.clone();
            let rows = tokio::task::spawn_blocking(move || {
                // One transaction: the old table stays until the new one is complete.
                // DROP VIEW errors when the name is a table (a reload), so look first.
                let is_view: i64 = connection.query_row(
                    "SELECT count(*) FROM duckdb_views() WHERE view_name = ? AND NOT internal",
                    [&table_name],
                    |row| row.get(0),
                )?;
                let drop_view = if is_view > 0 {
                    format!("DROP VIEW {quoted};")
                } else {
                    String::new()
                };
                connection.execute_batch(&format!(
                    "BEGIN; {drop_view} \
                     CREATE OR REPLACE TABLE {quoted} AS SELECT * FROM {reader}; COMMIT;"
                ))?;
                connection.query_row(&format!("SELECT count(*) FROM {quoted}"), [], |row| {
                    row.get::<_, i64>(0)
                })
            })
            .await
            .map_err(|e| EngineError::Remote {
                engine: engine.clone(),
                message: e.to_string(),
            })?
            .map_err(|e| EngineError::Remote {
                engine,
                message: format!("loading {name}: {e}"),
            })?;
            let rows = rows.max(0) as u64;
            progress(name, rows);
            self.loaded.add(name);
            loaded.push((name.clone(), rows));
        }
        Ok(loaded)
    }

    async fn health(&self) -> Health {
        let probe = self.query_connection().and_then(|connection| {
            connection
                .execute_batch("SELECT 1")
                .map_err(|e| self.remote(e.to_string()))
        });
        match probe {
            Ok(()) => Health::Healthy,
            Err(e) => Health::Unreachable(e.to_string()),
        }
    }
}

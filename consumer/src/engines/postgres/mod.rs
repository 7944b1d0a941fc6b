//! PostgreSQL, a server: plans are translated to PostgreSQL SQL and run over the wire
//! protocol; rows come back in binary and are built into typed Arrow batches.

mod config;
mod connect;
mod decode;
mod encode;
mod load;
mod numeric;

use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use async_trait::async_trait;
use datafusion::error::DataFusionError;
use datafusion::execution::SendableRecordBatchStream;
use futures::{StreamExt, pin_mut};
use switchyard_producer::{Catalog, ValidatedPlan};
use tokio_postgres::{CancelToken, NoTls, RowStream};

pub use config::{DEFAULT_CONNECT_TIMEOUT, PostgresConfig};

use self::connect::{connect, parse_url, pg_message};
use self::decode::BatchBuilder;
use crate::conform::conform_batch;
use crate::engine::{Engine, EngineKind, Health, HeldTableStatistics, LoadProgress};
use crate::error::EngineError;
use crate::manifest::Manifest;
use crate::record_stream::{BatchSender, OnDrop, batch_channel};
use crate::resident_tables::{ResidentTables, catalog_table};
use crate::translate::{SqlTarget, SqlTranslator, Translation};

/// Rows per Arrow batch built from PostgreSQL rows.
const BATCH_ROWS: usize = 8192;

/// A PostgreSQL server holding the tables `switchyard load` copied into it.
pub struct PostgresEngine {
    name: String,
    config: PostgresConfig,
    /// The configured resident tables plus those loaded since start.
    tables: ResidentTables,
    parsed: tokio_postgres::Config,
    translator: SqlTranslator,
    manifest: Manifest,
}

impl std::fmt::Debug for PostgresEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PostgresEngine")
            .field("name", &self.name)
            .field("tables", &self.resident_tables())
            .finish_non_exhaustive()
    }
}

impl PostgresEngine {
    /// An engine for the server `config` names; nothing is connected until it is used, so a
    /// server that is down does not stop the others from starting.
    pub fn new(
        name: &str,
        catalog: &Catalog,
        config: &PostgresConfig,
    ) -> Result<Self, EngineError> {
        let manifest = Manifest::for_engine(name, EngineKind::Postgres)?;
        Ok(Self {
            manifest,
            name: name.to_string(),
            parsed: parse_url(name, config)?,
            config: config.clone(),
            tables: ResidentTables::new(&config.tables),
            translator: SqlTranslator::new(name, SqlTarget::Postgres, catalog)?,
        })
    }

    /// Runs `sql`, building results conforming to `expected`. Returns once the server has
    /// accepted the query (or refused it), so errors before the first row come back here.
    pub async fn run_sql(
        &self,
        sql: &str,
        expected: SchemaRef,
    ) -> Result<SendableRecordBatchStream, EngineError> {
        let client = connect(&self.name, &self.parsed, &self.config).await?;
        let rows = client
            .query_raw(sql, std::iter::empty::<i32>())
            .await
            .map_err(|e| self.remote(pg_message(&e)))?;
        let builder =
            BatchBuilder::new(&expected, BATCH_ROWS).map_err(|message| self.remote(message))?;
        let cancel = CancelOnDrop(client.cancel_token());
        let (sender, stream) = batch_channel(Arc::clone(&expected), cancel);
        let name = self.name.clone();
        tokio::spawn(async move {
            // The client must outlive the rows: dropping it closes the connection.
            let _client = client;
            stream_rows(&name, rows, builder, &expected, &sender).await;
        });
        Ok(stream)
    }

    fn remote(&self, message: String) -> EngineError {
        EngineError::Remote {
            engine: self.name.clone(),
            message,
        }
    }
}

/// Sends the server a cancel request when the reader drops the stream early.
struct CancelOnDrop(CancelToken);

impl OnDrop for CancelOnDrop {
    fn reader_gone(&mut self) {
        let token = self.0.clone();
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _ = token.cancel_query(NoTls).await;
            });
        }
    }
}

async fn stream_rows(
    engine: &str,
    rows: RowStream,
    mut builder: BatchBuilder,
    expected: &SchemaRef,
    sender: &BatchSender,
) {
    let failure = |message: String| {
        DataFusionError::External(Box::new(EngineError::Remote {
            engine: engine.to_string(),
            message,
        }))
    };
    pin_mut!(rows);
    loop {
        let next = rows.next().await;
        let end = next.is_none();
        if let Some(row) = next {
            let appended = row
                .map_err(|e| pg_message(&e))
                .and_then(|row| builder.append(&row));
            if let Err(message) = appended {
                let _ = sender.send(Err(failure(message))).await;
                return;
            }
        }
        if builder.rows() >= BATCH_ROWS || (end && builder.rows() > 0) {
            let batch = builder
                .finish()
                .and_then(|batch| conform_batch(&batch, expected).map_err(|e| e.to_string()))
                .map_err(failure);
            let failed = batch.is_err();
            if sender.send(batch).await.is_err() || failed {
                return;
            }
        }
        if end {
            return;
        }
    }
}

#[async_trait]
impl Engine for PostgresEngine {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> EngineKind {
        EngineKind::Postgres
    }

    fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    async fn translate(&self, plan: &ValidatedPlan) -> Result<Translation, EngineError> {
        let translation = self.translator.translate(plan).await?;
        let resident = self.resident_tables();
        if let Some(table) = translation
            .tables
            .iter()
            .find(|table| !resident.contains(table))
        {
            return Err(EngineError::TableNotLoaded {
                engine: self.name.clone(),
                table: table.clone(),
            });
        }
        Ok(translation)
    }

    async fn execute(
        &self,
        plan: &ValidatedPlan,
    ) -> Result<SendableRecordBatchStream, EngineError> {
        let translation = self.translate(plan).await?;
        tracing::debug!(engine = %self.name, sql = %translation.sql, "running translated plan");
        self.run_sql(&translation.sql, translation.schema).await
    }

    async fn health(&self) -> Health {
        let probe = async {
            let client = connect(&self.name, &self.parsed, &self.config).await?;
            client
                .simple_query("SELECT 1")
                .await
                .map_err(|e| self.remote(pg_message(&e)))
        };
        match probe.await {
            Ok(_) => Health::Healthy,
            Err(e) => Health::Unreachable(e.to_string()),
        }
    }

    fn resident_tables(&self) -> Vec<String> {
        self.tables.list()
    }

    async fn table_statistics(&self) -> Result<Vec<HeldTableStatistics>, EngineError> {
        let tables = self.resident_tables();
        if tables.is_empty() {
            return Ok(Vec::new());
        }
        let client = connect(&self.name, &self.parsed, &self.config).await?;
        // reltuples is -1 for a table never analyzed (PostgreSQL 14+): no estimate then.
        let rows = client
            .query(
                "SELECT c.relname::text, c.reltuples::float8, pg_total_relation_size(c.oid)::int8 \
                 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace \
                 WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname = ANY($1) \
                 AND c.reltuples >= 0",
                &[&tables],
            )
            .await
            .map_err(|e| self.remote(pg_message(&e)))?;
        Ok(rows
            .iter()
            .map(|row| HeldTableStatistics {
                table: row.get(0),
                rows: row.get::<_, f64>(1) as u64,
                bytes: u64::try_from(row.get::<_, i64>(2)).unwrap_or(0),
            })
            .collect())
    }

    async fn load(
        &self,
        catalog: &Catalog,
        tables: &[String],
        progress: &LoadProgress<'_>,
    ) -> Result<Vec<(String, u64)>, EngineError> {
        let mut client = connect(&self.name, &self.parsed, &self.config).await?;
        let mut loaded = Vec::with_capacity(tables.len());
        for name in tables {
            let table = catalog_table(&self.name, catalog, name)?;
            let report = |rows: u64| progress(name, rows);
            let rows = load::load_table(&self.name, &mut client, table, &report).await?;
            self.tables.add(name);
            loaded.push((name.clone(), rows));
        }
        Ok(loaded)
    }
}

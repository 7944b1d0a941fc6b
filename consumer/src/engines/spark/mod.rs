//! Apache Spark through Spark Connect: plans are translated to Spark SQL (DataFusion's
//! `Unparser` with our Spark dialect) and sent over Spark Connect's gRPC protocol
//! (`proto/spark/connect`); results come back as Arrow IPC streams. Catalog tables are
//! temporary views over their files in the engine's session.

mod config;
mod connect;
mod views;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use arrow::datatypes::SchemaRef;
use async_trait::async_trait;
use datafusion::error::DataFusionError;
use datafusion::execution::SendableRecordBatchStream;
use switchyard_producer::{Catalog, ValidatedPlan};
use tokio::sync::Mutex as AsyncMutex;

pub use config::SparkConfig;
use connect::{ConnectError, SparkSession, StartedQuery, batches_of};

use crate::conform::conform_batch;
use crate::deadline_stream::with_deadline;
use crate::engine::{Engine, EngineKind, Health};
use crate::error::EngineError;
use crate::manifest::Manifest;
use crate::record_stream::{BatchSender, OnDrop, batch_channel};
use crate::translate::{SqlTarget, SqlTranslator, Translation};

/// A Spark Connect server.
pub struct SparkEngine {
    name: String,
    url: String,
    query_timeout: Duration,
    translator: SqlTranslator,
    session: Arc<SparkSession>,
    /// `CREATE TEMPORARY VIEW` for each catalog table Spark can read.
    views: Vec<String>,
    /// Catalog tables Spark cannot read, with the reason.
    unreadable: BTreeMap<String, String>,
    /// Held while views are created, so concurrent first queries create them once.
    setup: AsyncMutex<()>,
    manifest: Manifest,
}

impl std::fmt::Debug for SparkEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SparkEngine")
            .field("name", &self.name)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl SparkEngine {
    /// An engine for the server at `config.url`, reading `catalog`'s tables. Nothing is sent
    /// until the first query.
    pub fn new(name: &str, catalog: &Catalog, config: &SparkConfig) -> Result<Self, EngineError> {
        let setup = |message: String| EngineError::Setup {
            engine: name.to_string(),
            message,
        };
        let endpoint = config.endpoint().map_err(setup)?;
        let session = SparkSession::new(&endpoint, config.connect_timeout()).map_err(setup)?;
        let mut views = Vec::new();
        let mut unreadable = BTreeMap::new();
        for table in catalog.tables() {
            match views::view_sql(table) {
                Ok(sql) => views.push(sql),
                Err(reason) => {
                    unreadable.insert(table.name().to_string(), reason);
                }
            }
        }
        Ok(Self {
            name: name.to_string(),
            url: config.url.clone(),
            query_timeout: config.query_timeout(),
            translator: SqlTranslator::new(name, SqlTarget::Spark, catalog)?,
            session: Arc::new(session),
            views,
            unreadable,
            setup: AsyncMutex::new(()),
            manifest: Manifest::for_engine(name, EngineKind::Spark)?,
        })
    }

    fn error(&self, error: ConnectError) -> EngineError {
        match error {
            ConnectError::Unreachable(message) => EngineError::Unavailable {
                engine: self.name.clone(),
                message: format!("Spark Connect server {}: {message}", self.url),
            },
            ConnectError::SessionLost(message) | ConnectError::Refused(message) => {
                EngineError::Remote {
                    engine: self.name.clone(),
                    message,
                }
            }
        }
    }

    /// Creates the catalog's views in the current session unless they exist.
    async fn ensure_views(&self) -> Result<(), ConnectError> {
        let _held = self.setup.lock().await;
        if self.session.views_ready() {
            return Ok(());
        }
        let session_id = self.session.session_id();
        for view in &self.views {
            self.session.run_statement(view).await?;
        }
        self.session.mark_views_ready(&session_id);
        Ok(())
    }

    /// Starts `sql` in a session with the views; a session the server lost (it restarted)
    /// is replaced once. Nothing has been returned to the caller before a retry.
    async fn start(&self, sql: &str) -> Result<StartedQuery, ConnectError> {
        let mut replaced = false;
        loop {
            let attempt = async {
                self.ensure_views().await?;
                self.session.start(sql).await
            }
            .await;
            match attempt {
                Err(ConnectError::SessionLost(message)) if !replaced => {
                    tracing::info!(engine = %self.name, %message, "Spark session lost; opening a new one");
                    self.session.reset();
                    replaced = true;
                }
                other => return other,
            }
        }
    }

    /// Runs Spark SQL text, conforming its results to `expected`. Returns once Spark has
    /// sent the first rows (or finished, or refused), so errors before any row come back here.
    pub async fn run_sql(
        &self,
        sql: &str,
        expected: SchemaRef,
    ) -> Result<SendableRecordBatchStream, EngineError> {
        let started = tokio::time::timeout(self.query_timeout, self.start(sql))
            .await
            .map_err(|_| EngineError::Remote {
                engine: self.name.clone(),
                message: format!(
                    "the query did not start within {} ms (query_timeout_ms)",
                    self.query_timeout.as_millis()
                ),
            })?
            .map_err(|e| self.error(e))?;
        let interrupt = Interrupt {
            session: Arc::clone(&self.session),
            operation_id: started.operation_id.clone(),
        };
        let (sender, stream) = batch_channel(Arc::clone(&expected), interrupt);
        let name = self.name.clone();
        tokio::spawn(forward(name, started, expected, sender));
        let message = format!(
            "engine {}: the query did not finish within {} ms (query_timeout_ms) and was \
             interrupted",
            self.name,
            self.query_timeout.as_millis()
        );
        Ok(with_deadline(stream, self.query_timeout, message))
    }
}

/// Sends the started query's batches, then the rest as Spark streams them, conformed to
/// `expected`; stops at the first error or when the reader has gone.
async fn forward(engine: String, started: StartedQuery, expected: SchemaRef, sender: BatchSender) {
    let fail = |message: String| {
        DataFusionError::External(Box::new(EngineError::Remote {
            engine: engine.clone(),
            message,
        }))
    };
    let send_all = |batches: Vec<arrow::record_batch::RecordBatch>| {
        let sender = sender.clone();
        let expected = Arc::clone(&expected);
        async move {
            for batch in batches {
                let conformed = conform_batch(&batch, &expected)
                    .map_err(|e| fail(format!("reading results: {e}")));
                let failed = conformed.is_err();
                if sender.send(conformed).await.is_err() || failed {
                    return false;
                }
            }
            true
        }
    };
    if !send_all(started.first_batches).await {
        return;
    }
    let Some(mut rest) = started.rest else {
        return;
    };
    loop {
        let batches = match rest.message().await {
            Ok(Some(response)) => match batches_of(response) {
                Ok((batches, _)) => batches,
                Err(e) => {
                    let _ = sender.send(Err(fail(e.to_string()))).await;
                    return;
                }
            },
            Ok(None) => return,
            Err(status) => {
                let message = format!(
                    "the result stream broke off: {}",
                    ConnectError::from(status)
                );
                let _ = sender.send(Err(fail(message))).await;
                return;
            }
        };
        if !send_all(batches).await {
            return;
        }
    }
}

/// Interrupts Spark's operation when its reader goes away before the end.
struct Interrupt {
    session: Arc<SparkSession>,
    operation_id: String,
}

impl OnDrop for Interrupt {
    fn reader_gone(&mut self) {
        let session = Arc::clone(&self.session);
        let operation_id = std::mem::take(&mut self.operation_id);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { session.interrupt(operation_id).await });
        }
    }
}

#[async_trait]
impl Engine for SparkEngine {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> EngineKind {
        EngineKind::Spark
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
        self.run_sql(&translation.sql, translation.schema).await
    }

    async fn translate(&self, plan: &ValidatedPlan) -> Result<Translation, EngineError> {
        self.translator
            .translate_readable(plan, &self.unreadable)
            .await
    }

    async fn health(&self) -> Health {
        match self.session.ping().await {
            Ok(()) => Health::Healthy,
            Err(e) => Health::Unreachable(self.error(e).to_string()),
        }
    }
}

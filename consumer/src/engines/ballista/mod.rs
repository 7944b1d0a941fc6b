//! Ballista, a distributed DataFusion: plans are consumed into DataFusion logical plans
//! against the catalog (each table a listing of its files) and submitted to the scheduler,
//! which splits them into stages for its executors; results stream back as Arrow.
//!
//! Why not Substrait to the scheduler: Ballista's scheduler can consume Substrait (its
//! `substrait` feature), but it resolves named tables in its own session catalog, which a
//! client cannot fill; a logical plan carries each table's files with it.

mod config;
mod values_names;

use std::time::Duration;

use async_trait::async_trait;
use ballista::prelude::SessionContextExt;
use datafusion::execution::SendableRecordBatchStream;
use datafusion::prelude::SessionContext;
use switchyard_producer::{Catalog, ValidatedPlan};
use tokio::net::TcpStream;
use tokio::sync::OnceCell;

pub use config::BallistaConfig;

use crate::deadline_stream::with_deadline;
use crate::engine::{Engine, EngineKind, Health};
use crate::error::EngineError;
use crate::manifest::Manifest;
use crate::substrait_to_logical::substrait_to_logical;

/// A Ballista cluster reached through its scheduler.
pub struct BallistaEngine {
    name: String,
    url: String,
    scheduler: String,
    connect_timeout: Duration,
    query_timeout: Duration,
    catalog: Catalog,
    manifest: Manifest,
    /// The client session (made on first use: making it needs a runtime).
    context: OnceCell<SessionContext>,
}

impl std::fmt::Debug for BallistaEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BallistaEngine")
            .field("name", &self.name)
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl BallistaEngine {
    /// An engine for the cluster at `config.url`, reading `catalog`'s tables.
    pub fn new(
        name: &str,
        catalog: &Catalog,
        config: &BallistaConfig,
    ) -> Result<Self, EngineError> {
        let scheduler = config
            .scheduler_address()
            .map_err(|message| EngineError::Setup {
                engine: name.to_string(),
                message,
            })?;
        // The executors run DataFusion 55 with its default functions, as the embedded engine.
        let mut manifest = Manifest::for_engine(name, EngineKind::Ballista)?;
        manifest.add_registry_functions(&SessionContext::new().state());
        Ok(Self {
            name: name.to_string(),
            url: config.url.clone(),
            scheduler,
            connect_timeout: config.connect_timeout(),
            query_timeout: config.query_timeout(),
            catalog: catalog.clone(),
            manifest,
            context: OnceCell::new(),
        })
    }

    /// Fails fast, naming the engine, when the scheduler does not accept connections: the
    /// Ballista client would otherwise retry for a long time.
    async fn reach_scheduler(&self) -> Result<(), EngineError> {
        let unavailable = |message: String| EngineError::Unavailable {
            engine: self.name.clone(),
            message,
        };
        match tokio::time::timeout(self.connect_timeout, TcpStream::connect(&self.scheduler)).await
        {
            Ok(Ok(_)) => Ok(()),
            Ok(Err(e)) => Err(unavailable(format!(
                "scheduler {} does not accept connections: {e}",
                self.scheduler
            ))),
            Err(_) => Err(unavailable(format!(
                "scheduler {} did not answer within {} ms",
                self.scheduler,
                self.connect_timeout.as_millis()
            ))),
        }
    }

    async fn context(&self) -> Result<&SessionContext, EngineError> {
        self.context
            .get_or_try_init(|| async {
                let ctx =
                    SessionContext::remote(&self.url)
                        .await
                        .map_err(|e| EngineError::Setup {
                            engine: self.name.clone(),
                            message: format!("cannot open a Ballista session: {e}"),
                        })?;
                self.catalog
                    .register_into(&ctx)
                    .map_err(|e| EngineError::Setup {
                        engine: self.name.clone(),
                        message: e.to_string(),
                    })?;
                Ok(ctx)
            })
            .await
    }
}

#[async_trait]
impl Engine for BallistaEngine {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> EngineKind {
        EngineKind::Ballista
    }

    fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    async fn execute(
        &self,
        plan: &ValidatedPlan,
    ) -> Result<SendableRecordBatchStream, EngineError> {
        self.reach_scheduler().await?;
        let ctx = self.context().await?;
        let logical = substrait_to_logical(&self.name, &ctx.state(), plan).await?;
        let execution = |source| EngineError::Execution {
            engine: self.name.clone(),
            source,
        };
        let logical = values_names::values_with_default_names(logical).map_err(execution)?;
        let frame = ctx.execute_logical_plan(logical).await.map_err(execution)?;
        let stream = frame.execute_stream().await.map_err(execution)?;
        let message = format!(
            "engine {}: the query did not finish within {} ms (query_timeout_ms) and was \
             stopped; a Ballista job that lost an executor can stay unfinished",
            self.name,
            self.query_timeout.as_millis()
        );
        Ok(with_deadline(stream, self.query_timeout, message))
    }

    async fn health(&self) -> Health {
        match self.reach_scheduler().await {
            Ok(()) => Health::Healthy,
            Err(e) => Health::Unreachable(e.to_string()),
        }
    }
}

//! The embedded default: DataFusion in this process, consuming Substrait natively.

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::execution::SendableRecordBatchStream;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::physical_plan::execute_stream;
use datafusion::prelude::{SessionConfig, SessionContext};
use serde::{Deserialize, Serialize};
use switchyard_producer::{Catalog, ValidatedPlan};

use crate::cooperative::cooperative_everywhere;
use crate::engine::{Engine, EngineKind, Health};
use crate::error::EngineError;
use crate::manifest::Manifest;
use crate::substrait_to_logical::{contained, substrait_to_logical};

/// Settings of a DataFusion engine (`{ kind: datafusion }` in the configuration).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataFusionConfig {
    /// How many partitions plans run with (default: the number of cores).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_partitions: Option<usize>,
    /// Rows per record batch (default: DataFusion's, 8192).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch_size: Option<usize>,
    /// The memory pool ceiling shared by this engine's queries, in bytes (default: none).
    /// Operators that can spill (sorts, aggregates, some joins) spill to the system's
    /// temporary folder at the ceiling; others fail the query with DataFusion's
    /// "Resources exhausted" error naming the largest consumers, and the engine carries on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_limit_bytes: Option<u64>,
}

/// DataFusion with the catalog's tables registered.
pub struct DataFusionEngine {
    name: String,
    ctx: SessionContext,
    manifest: Manifest,
}

impl std::fmt::Debug for DataFusionEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataFusionEngine")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl DataFusionEngine {
    /// An engine named `name` reading `catalog`.
    pub fn new(
        name: &str,
        catalog: &Catalog,
        config: &DataFusionConfig,
    ) -> Result<Self, EngineError> {
        let mut session = SessionConfig::new();
        if let Some(partitions) = config.target_partitions {
            session = session.with_target_partitions(partitions.max(1));
        }
        if let Some(batch_size) = config.batch_size {
            session = session.with_batch_size(batch_size.max(1));
        }
        let setup = |message: String| EngineError::Setup {
            engine: name.to_string(),
            message,
        };
        let ctx = match config.memory_limit_bytes {
            Some(limit) => {
                let limit = usize::try_from(limit)
                    .map_err(|_| setup(format!("memory_limit_bytes {limit} is too large")))?;
                let runtime = RuntimeEnvBuilder::new()
                    .with_memory_limit(limit, 1.0)
                    .build_arc()
                    .map_err(|e| setup(e.to_string()))?;
                SessionContext::new_with_config_rt(session, runtime)
            }
            None => SessionContext::new_with_config(session),
        };
        catalog
            .register_into(&ctx)
            .map_err(|e| EngineError::Setup {
                engine: name.to_string(),
                message: e.to_string(),
            })?;
        let mut manifest = Manifest::for_engine(name, EngineKind::DataFusion)?;
        manifest.add_registry_functions(&ctx.state());
        Ok(Self {
            manifest,
            name: name.to_string(),
            ctx,
        })
    }

    /// The session plans run in (for running SQL directly beside a plan).
    pub fn session(&self) -> &SessionContext {
        &self.ctx
    }
}

#[async_trait]
impl Engine for DataFusionEngine {
    fn name(&self) -> &str {
        &self.name
    }

    fn kind(&self) -> EngineKind {
        EngineKind::DataFusion
    }

    fn manifest(&self) -> &Manifest {
        &self.manifest
    }

    async fn execute(
        &self,
        plan: &ValidatedPlan,
    ) -> Result<SendableRecordBatchStream, EngineError> {
        let (ctx, name, plan) = (self.ctx.clone(), self.name.clone(), plan.clone());
        // Consuming and planning both run contained: DataFusion can panic in either on a
        // malformed plan.
        contained(&self.name, async move {
            let logical = substrait_to_logical(&name, &ctx.state(), &plan).await?;
            let execution = |source| EngineError::Execution {
                engine: name.clone(),
                source,
            };
            let frame = ctx.execute_logical_plan(logical).await.map_err(execution)?;
            let task = Arc::new(frame.task_ctx());
            let physical = frame.create_physical_plan().await.map_err(execution)?;
            // Yield points everywhere, so a dropped query stops within a few batches.
            let physical = cooperative_everywhere(physical).map_err(execution)?;
            execute_stream(physical, task).map_err(execution)
        })
        .await
    }

    async fn health(&self) -> Health {
        Health::Healthy
    }
}

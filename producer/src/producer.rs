//! `Producer`: the front door for SQL and DataFrame front-ends.

use std::sync::Arc;

use datafusion::execution::SessionState;
use datafusion::logical_expr::LogicalPlan;
use datafusion::prelude::{SessionConfig, SessionContext};
use datafusion_substrait::substrait::proto::Plan;

use crate::catalog::Catalog;
use crate::dataframe::Frame;
use crate::dialect::SqlDialect;
use crate::error::{ProducerError, Result};
use crate::plan_cache::{CompiledPlan, PlanCache, PlanKey};
use crate::plan_io::{PlanFormat, encode_plan};
use crate::sql::plan_sql;
use crate::to_substrait::logical_to_substrait;
use crate::validated::ValidatedPlan;

/// How many compiled plans a producer keeps by default.
pub const DEFAULT_PLAN_CACHE_CAPACITY: usize = 1024;

/// Compiles SQL and DataFrames over one catalog into Substrait plans.
pub struct Producer {
    ctx: SessionContext,
    catalog: Catalog,
    cache: PlanCache,
    config_version: Arc<str>,
}

impl std::fmt::Debug for Producer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Producer")
            .field("catalog", &self.catalog)
            .field("config_version", &self.config_version)
            .finish_non_exhaustive()
    }
}

impl Producer {
    /// A producer over `catalog`; `config_version` identifies the configuration the catalog
    /// came from, so cached plans never outlive a change to it.
    pub fn new(catalog: Catalog, config_version: impl Into<Arc<str>>) -> Result<Self> {
        let ctx = SessionContext::new_with_config(SessionConfig::new());
        catalog.register_into(&ctx)?;
        Ok(Self {
            ctx,
            catalog,
            cache: PlanCache::new(DEFAULT_PLAN_CACHE_CAPACITY),
            config_version: config_version.into(),
        })
    }

    /// The catalog plans are compiled against.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// The DataFusion session holding the catalog (also used to plan DataFrames).
    pub fn session(&self) -> &SessionContext {
        &self.ctx
    }

    /// Plans SQL into a DataFusion logical plan, as written (no rewrites), with the session
    /// state it was planned in (which knows the views a query file defines).
    pub async fn sql_to_logical(
        &self,
        sql: &str,
        dialect: SqlDialect,
    ) -> Result<(LogicalPlan, SessionState)> {
        plan_sql(&self.ctx, &self.catalog, sql, dialect).await
    }

    /// Compiles SQL text (one query, optionally after `CREATE VIEW`s) into a Substrait plan.
    pub async fn compile_sql(&self, sql: &str, dialect: SqlDialect) -> Result<Plan> {
        let (plan, state) = plan_sql(&self.ctx, &self.catalog, sql, dialect).await?;
        let substrait = logical_to_substrait(plan, &state)?;
        tracing::debug!(%dialect, relations = substrait.relations.len(), "compiled SQL to Substrait");
        Ok(substrait)
    }

    /// [`Self::compile_sql`], checked as every engine needs it.
    pub async fn compile_checked(&self, sql: &str, dialect: SqlDialect) -> Result<ValidatedPlan> {
        ValidatedPlan::new(self.compile_sql(sql, dialect).await?)
    }

    /// Like [`Self::compile_sql`], with the plan and its bytes served from the plan cache
    /// when the same query (up to layout and comments) was compiled before.
    pub async fn compile_sql_cached(
        &self,
        sql: &str,
        dialect: SqlDialect,
    ) -> Result<Arc<CompiledPlan>> {
        let key = PlanKey::new(sql, dialect, Arc::clone(&self.config_version));
        if let Some(hit) = self.cache.get(&key) {
            tracing::trace!("plan cache hit");
            return Ok(hit);
        }
        let plan = self.compile_sql(sql, dialect).await?;
        let bytes = encode_plan(&plan, PlanFormat::Binary)?;
        let compiled = Arc::new(CompiledPlan { plan, bytes });
        self.cache.insert(key, Arc::clone(&compiled));
        Ok(compiled)
    }

    /// The plan cache (for statistics and tests).
    pub fn plan_cache(&self) -> &PlanCache {
        &self.cache
    }

    /// Starts a DataFrame from a catalog table.
    pub async fn table(&self, name: &str) -> Result<Frame> {
        if self.catalog.table(name).is_none() {
            return Err(ProducerError::Table {
                table: name.to_string(),
                message: "no such table in the catalog".to_string(),
            });
        }
        let df = self
            .ctx
            .table(datafusion::common::TableReference::bare(name))
            .await
            .map_err(ProducerError::Sql)?;
        Ok(Frame::new(df))
    }
}

//! The independent answer: DataFusion running SQL text directly, with no Substrait involved.

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::error::{DataFusionError, Result};
use datafusion::prelude::{SessionConfig, SessionContext};
use datafusion::sql::parser::DFParserBuilder;
use switchyard_producer::Catalog;

use crate::compare::plan_is_ordered;

/// The rows a SQL file's query returns, and whether its order is part of the answer.
#[derive(Debug)]
pub struct DirectAnswer {
    /// The result batches.
    pub batches: Vec<RecordBatch>,
    /// Whether the query's output is sorted.
    pub ordered: bool,
}

/// A fresh DataFusion session over `catalog`.
pub fn direct_session(catalog: &Catalog) -> Result<SessionContext> {
    let ctx = SessionContext::new_with_config(SessionConfig::new());
    catalog
        .register_into(&ctx)
        .map_err(|e| DataFusionError::External(Box::new(e)))?;
    Ok(ctx)
}

/// Runs every statement of `sql` in order on `ctx` (views are created and dropped as the file
/// says) and returns the answer of the one query in it.
pub async fn run_sql_directly(ctx: &SessionContext, sql: &str) -> Result<DirectAnswer> {
    let statements = DFParserBuilder::new(sql).build()?.parse_statements()?;
    let mut answer = None;
    for statement in statements {
        let plan = ctx.state().statement_to_plan(statement).await?;
        let ordered = plan_is_ordered(&plan);
        let is_query = !matches!(plan, datafusion::logical_expr::LogicalPlan::Ddl(_));
        let batches = ctx.execute_logical_plan(plan).await?.collect().await?;
        if is_query {
            answer = Some(DirectAnswer { batches, ordered });
        }
    }
    answer.ok_or_else(|| DataFusionError::Plan("the SQL holds no query".into()))
}

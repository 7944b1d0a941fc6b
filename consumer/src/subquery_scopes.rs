//! A Substrait consumer that keeps a subquery's tables apart from its enclosing query's.
//!
//! Substrait has no table aliases, so in `EXISTS (SELECT * FROM lineitem l2 WHERE
//! l2.l_suppkey <> l1.l_suppkey)` over `lineitem l1` both reads come back qualified as
//! `lineitem`. DataFusion's decorrelation strips the outer reference and the condition turns
//! into `lineitem.l_suppkey <> lineitem.l_suppkey` about one side only: TPC-H q21 returned no
//! rows (Isthmus's q21, which is written this way, too). So a read inside a subquery whose
//! table is also in scope outside gets an alias of its own (`lineitem__2`), as the SQL had.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use datafusion::catalog::TableProvider;
use datafusion::common::{DFSchema, TableReference};
use datafusion::execution::{FunctionRegistry, SessionState};
use datafusion::logical_expr::{Expr, LogicalPlan, SubqueryAlias};
use datafusion_substrait::extensions::Extensions;
use datafusion_substrait::logical_plan::consumer::{
    DefaultSubstraitConsumer, SubstraitConsumer, from_read_rel,
};
use datafusion_substrait::substrait::proto::{
    ExtensionLeafRel, ExtensionMultiRel, ExtensionSingleRel, ReadRel, Type,
};

/// DataFusion's default consumer, with aliases for reads that would be ambiguous.
pub struct ScopedConsumer<'a> {
    inner: DefaultSubstraitConsumer<'a>,
    /// The schemas enclosing the subquery being consumed, innermost last.
    outer: Mutex<Vec<Arc<DFSchema>>>,
    aliases: AtomicUsize,
}

impl<'a> ScopedConsumer<'a> {
    /// A consumer of plans declaring `extensions`, resolving tables in `state`.
    pub fn new(extensions: &'a Extensions, state: &'a SessionState) -> Self {
        Self {
            inner: DefaultSubstraitConsumer::new(extensions, state),
            outer: Mutex::new(Vec::new()),
            aliases: AtomicUsize::new(1),
        }
    }

    fn outer_schemas(&self) -> Vec<Arc<DFSchema>> {
        self.outer.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

#[async_trait]
impl SubstraitConsumer for ScopedConsumer<'_> {
    async fn resolve_table_ref(
        &self,
        table_ref: &TableReference,
    ) -> datafusion::common::Result<Option<Arc<dyn TableProvider>>> {
        self.inner.resolve_table_ref(table_ref).await
    }

    fn get_extensions(&self) -> &Extensions {
        self.inner.get_extensions()
    }

    fn get_function_registry(&self) -> &impl FunctionRegistry {
        self.inner.get_function_registry()
    }

    async fn consume_read(&self, rel: &ReadRel) -> datafusion::common::Result<LogicalPlan> {
        let plan = from_read_rel(self, rel).await?;
        let outer = self.outer_schemas();
        let ambiguous = plan.schema().iter().any(|(qualifier, _)| {
            qualifier.is_some_and(|q| {
                outer
                    .iter()
                    .any(|schema| schema.iter().any(|(other, _)| other == Some(q)))
            })
        });
        let Some((Some(qualifier), _)) = plan.schema().iter().next().filter(|_| ambiguous) else {
            return Ok(plan);
        };
        let number = self.aliases.fetch_add(1, Ordering::Relaxed) + 1;
        let alias = format!("{}__{number}", qualifier.table());
        Ok(LogicalPlan::SubqueryAlias(SubqueryAlias::try_new(
            Arc::new(plan),
            alias,
        )?))
    }

    async fn consume_extension_leaf(
        &self,
        rel: &ExtensionLeafRel,
    ) -> datafusion::common::Result<LogicalPlan> {
        self.inner.consume_extension_leaf(rel).await
    }

    async fn consume_extension_single(
        &self,
        rel: &ExtensionSingleRel,
    ) -> datafusion::common::Result<LogicalPlan> {
        self.inner.consume_extension_single(rel).await
    }

    async fn consume_extension_multi(
        &self,
        rel: &ExtensionMultiRel,
    ) -> datafusion::common::Result<LogicalPlan> {
        self.inner.consume_extension_multi(rel).await
    }

    fn push_outer_schema(&self, schema: Arc<DFSchema>) {
        if let Ok(mut outer) = self.outer.lock() {
            outer.push(schema);
        }
    }

    fn pop_outer_schema(&self) {
        if let Ok(mut outer) = self.outer.lock() {
            outer.pop();
        }
    }

    fn get_outer_schema(&self, steps_out: usize) -> Option<Arc<DFSchema>> {
        let outer = self.outer.lock().ok()?;
        outer
            .len()
            .checked_sub(steps_out)
            .and_then(|index| outer.get(index).cloned())
    }

    fn push_lambda_parameters(
        &self,
        lambda_parameters: &[Type],
        input_schema: &DFSchema,
    ) -> datafusion::common::Result<Vec<String>> {
        self.inner
            .push_lambda_parameters(lambda_parameters, input_schema)
    }

    fn pop_lambda_parameters(&self) {
        self.inner.pop_lambda_parameters()
    }

    fn lambda_variable(
        &self,
        steps_out: usize,
        field_idx: usize,
    ) -> datafusion::common::Result<Expr> {
        self.inner.lambda_variable(steps_out, field_idx)
    }
}

//! Substrait → SQL for engines that take SQL text: the plan is consumed into a DataFusion
//! logical plan, rewritten where an engine's SQL differs in meaning, and unparsed with the
//! engine's dialect.

mod decimal_quotients;
mod dialect;
mod expression_rewrite;
mod integer_division;
mod ranking_frames;
mod relational;
mod spark_dialect;
mod tables_read;
#[cfg(test)]
mod tests;
mod truncating_casts;

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::datatypes::SchemaRef;
use datafusion::execution::SessionStateBuilder;
use datafusion::logical_expr::LogicalPlan;
use datafusion::optimizer::Optimizer;
use datafusion::prelude::SessionContext;
use datafusion::sql::unparser::Unparser;
use switchyard_producer::{Catalog, ValidatedPlan};

pub use dialect::SqlTarget;
use relational::RelationalWriter;
pub use tables_read::tables_read;

use crate::error::EngineError;
use crate::substrait_to_logical::{contained, substrait_to_logical};

/// A plan as SQL for one engine.
#[derive(Debug, Clone)]
pub struct Translation {
    /// The SQL text.
    pub sql: String,
    /// The columns the plan returns (names and types), which results are conformed to.
    pub schema: SchemaRef,
    /// The catalog tables the SQL reads, sorted and without duplicates.
    pub tables: Vec<String>,
}

/// Translates plans to one engine's SQL, resolving table names against the catalog.
#[derive(Clone)]
pub struct SqlTranslator {
    engine: String,
    target: SqlTarget,
    ctx: SessionContext,
    /// A testing knob: write sort keys without their null order (see
    /// [`Self::dropping_null_ordering`]).
    drop_null_ordering: bool,
}

impl std::fmt::Debug for SqlTranslator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlTranslator")
            .field("engine", &self.engine)
            .field("target", &self.target)
            .finish_non_exhaustive()
    }
}

impl SqlTranslator {
    /// A translator for engine `engine` speaking `target`, with `catalog`'s tables.
    pub fn new(engine: &str, target: SqlTarget, catalog: &Catalog) -> Result<Self, EngineError> {
        // DataFusion's rules assume subqueries are gone by the time they run (filter
        // pushdown and projection pruning do not see columns used only by a correlated
        // subquery), so an engine that keeps subqueries gets only expression simplification,
        // which stays inside each expression: constants folded, so `1 - l_discount` is not
        // `CAST(1 AS DECIMAL(20,0)) - l_discount`, which DuckDB computes in 128 bits.
        let mut rules = Optimizer::new().rules;
        if target.keeps_correlated_subqueries() {
            rules.retain(|rule| rule.name() == "simplify_expressions");
        }
        let state = SessionStateBuilder::new()
            .with_default_features()
            .with_optimizer_rules(rules)
            .build();
        let ctx = SessionContext::new_with_state(state);
        catalog
            .register_into(&ctx)
            .map_err(|e| EngineError::Setup {
                engine: engine.to_string(),
                message: e.to_string(),
            })?;
        Ok(Self {
            engine: engine.to_string(),
            target,
            ctx,
            drop_null_ordering: false,
        })
    }

    /// A testing knob, off unless an engine's configuration turns it on: sort keys are written
    /// without `NULLS FIRST`/`NULLS LAST`, a wrong translation planted on purpose so that
    /// `switchyard fuzz-queries` has a disagreement to find.
    pub fn dropping_null_ordering(mut self, drop: bool) -> Self {
        self.drop_null_ordering = drop;
        self
    }

    /// Translates a Substrait plan.
    pub async fn translate(&self, plan: &ValidatedPlan) -> Result<Translation, EngineError> {
        let translator = self.clone();
        let plan = plan.clone();
        // Consuming, optimizing and unparsing run contained: DataFusion can panic in any of
        // them on a malformed plan.
        contained(&self.engine, async move {
            let logical =
                substrait_to_logical(&translator.engine, &translator.ctx.state(), &plan).await?;
            translator.translate_logical(&logical)
        })
        .await
    }

    /// Translates a plan whose tables must all be readable by the engine: a table named in
    /// `unreadable` (with why the engine cannot read it) is a setup error naming it.
    pub async fn translate_readable(
        &self,
        plan: &ValidatedPlan,
        unreadable: &BTreeMap<String, String>,
    ) -> Result<Translation, EngineError> {
        let translation = self.translate(plan).await?;
        if let Some((table, reason)) = translation
            .tables
            .iter()
            .find_map(|table| unreadable.get_key_value(table))
        {
            return Err(EngineError::Setup {
                engine: self.engine.clone(),
                message: format!("cannot read table {table}: {reason}"),
            });
        }
        Ok(translation)
    }

    /// Translates a DataFusion logical plan (the step after consuming Substrait).
    pub fn translate_logical(&self, logical: &LogicalPlan) -> Result<Translation, EngineError> {
        let fail = |message: String| EngineError::Translate {
            engine: self.engine.clone(),
            dialect: self.target.label().to_string(),
            message,
        };
        // DataFusion's optimizer first (for engines that keep subqueries, only expression
        // simplification; see `new`): subqueries made joins, filters pushed down, cross joins
        // with equalities made joins, unused columns dropped; the engines plan from there.
        let optimized = self
            .ctx
            .state()
            .optimize(logical)
            .map_err(|e| fail(e.to_string()))?;
        let rewritten = self
            .target
            .rewrite(optimized)
            .map_err(|e| fail(e.to_string()))?;
        let dialect = self.target.dialect();
        let quote = dialect.identifier_quote_style("c0");
        let sql = RelationalWriter::new(
            Unparser::new(dialect.as_ref()),
            quote,
            self.target.grouping_id_function(),
        )
        .dropping_null_ordering(self.drop_null_ordering)
        .write(&rewritten)
        .map_err(|e| fail(e.to_string()))?;
        Ok(Translation {
            sql,
            schema: Arc::new(logical.schema().as_arrow().clone()),
            tables: tables_read(logical),
        })
    }
}

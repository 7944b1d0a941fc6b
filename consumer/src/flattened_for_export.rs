//! Plans flattened for consumers that read no subqueries and no joins without a condition.
//!
//! Switchyard's plans say what the query means: subqueries stay subqueries and `FROM a, b
//! WHERE a.x = b.y` stays a cross join under a filter (`docs/architecture.md`). Older
//! consumers cannot run that: DuckDB 1.1.3's reader has no subquery expressions ("Unsupported
//! expression type 12") and Acero has no cross joins ("JoinRel with no expression"). For them
//! the plan goes through DataFusion's optimizer first (subqueries decorrelated into joins,
//! equalities above cross joins made join conditions, filters pushed down, unused columns
//! dropped) and is encoded again. The result asks the same question in the shape DataFusion
//! would execute it. Anti joins become outer joins for consumers without them
//! ([`anti_joins_as_left_joins`]); a null-aware anti join (`NOT IN` over nullable columns) is
//! refused, as Substrait cannot express it. Tables the catalog lacks are read by the schemas
//! the plan's reads declare.

use datafusion::execution::SessionStateBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};
use switchyard_producer::{Catalog, ExportTarget, ValidatedPlan, produce_prepared};

use crate::anti_joins::{anti_joins_as_left_joins, refuse_null_aware_anti_joins};
use crate::error::EngineError;
use crate::read_schema_tables::register_read_schemas;
use crate::substrait_to_logical::{contained, substrait_to_logical};

/// `plan` consumed against `catalog`, optimized by DataFusion and encoded again for `target`.
pub async fn flattened_for_export(
    target: ExportTarget,
    plan: &ValidatedPlan,
    catalog: &Catalog,
) -> Result<ValidatedPlan, EngineError> {
    let consumer = target.name();
    // Uncorrelated scalar subqueries too become joins: DataFusion otherwise keeps them for
    // its own physical plan, and the consumers have no subquery expressions at all.
    let mut config = SessionConfig::new();
    config
        .options_mut()
        .optimizer
        .enable_physical_uncorrelated_scalar_subquery = false;
    let state = SessionStateBuilder::new()
        .with_default_features()
        .with_config(config)
        .build();
    let ctx = SessionContext::new_with_state(state);
    catalog
        .register_into(&ctx)
        .map_err(|e| EngineError::Setup {
            engine: consumer.to_string(),
            message: e.to_string(),
        })?;
    // Tables the catalog lacks are read by the schema the plan declares: flattening needs
    // their shape, not their rows, so a plan exports without its data being configured.
    register_read_schemas(&ctx, plan.plan()).map_err(|source| EngineError::Plan {
        engine: consumer.to_string(),
        source,
    })?;
    let state = ctx.state();
    let logical = substrait_to_logical(consumer, &state, plan).await?;
    let name = consumer.to_string();
    // Optimizing and producing run contained, as consuming does: DataFusion can panic on
    // plans it did not make.
    contained(consumer, async move {
        let fail = |source| EngineError::Plan {
            engine: name.clone(),
            source,
        };
        let mut optimized = state.optimize(&logical).map_err(fail)?;
        refuse_null_aware_anti_joins(&optimized).map_err(fail)?;
        if !target.reads_anti_joins() {
            optimized = anti_joins_as_left_joins(optimized).map_err(fail)?;
        }
        let encoded = produce_prepared(&optimized, &state).map_err(|e| EngineError::Setup {
            engine: name.clone(),
            message: format!("re-encoding the optimized plan: {e}"),
        })?;
        ValidatedPlan::new(encoded).map_err(|e| EngineError::Setup {
            engine: name.clone(),
            message: format!("the optimized plan does not validate: {e}"),
        })
    })
    .await
}

//! DataFusion logical plan → Substrait plan, the one path every front-end shares.
//!
//! Plans are produced from the *analyzed* logical plan (views inlined, types coerced, so casts
//! are explicit for every consumer) after only the decorrelation rewrites: correlated
//! `EXISTS`/`IN` become semi/anti joins and correlated scalar subqueries become joins against
//! an aggregate. Substrait can carry subqueries with outer references, but datafusion-substrait
//! 55 cannot produce them, and joins are what every SQL engine downstream runs best anyway.
//! No other optimizer rule runs: the plan says what the query means, not how one engine
//! would like to execute it (each engine optimizes for itself).

use std::sync::{Arc, LazyLock};

use datafusion::execution::SessionState;
use datafusion::logical_expr::LogicalPlan;
use datafusion::optimizer::Optimizer;
use datafusion::optimizer::decorrelate_lateral_join::DecorrelateLateralJoin;
use datafusion::optimizer::decorrelate_predicate_subquery::DecorrelatePredicateSubquery;
use datafusion::optimizer::scalar_subquery_to_join::ScalarSubqueryToJoin;
use datafusion_substrait::logical_plan::producer::to_substrait_plan;
use datafusion_substrait::substrait::proto::Plan;
use datafusion_substrait::substrait::version::version_with_producer;

use crate::error::{ProducerError, Result};

/// The name stamped into `plan.version.producer` of every plan we make.
pub const PRODUCER_NAME: &str = concat!("switchyard ", env!("CARGO_PKG_VERSION"));

static DECORRELATOR: LazyLock<Optimizer> = LazyLock::new(|| {
    Optimizer::with_rules(vec![
        Arc::new(DecorrelatePredicateSubquery::new()),
        Arc::new(ScalarSubqueryToJoin::new()),
        Arc::new(DecorrelateLateralJoin::new()),
    ])
});

/// Runs the analyzer and the decorrelation rewrites: the plan that gets encoded.
pub fn prepare_for_substrait(plan: LogicalPlan, state: &SessionState) -> Result<LogicalPlan> {
    let analyzed = state
        .analyzer()
        .execute_and_check(plan, state.config_options(), |_, _| {})
        .map_err(ProducerError::Sql)?;
    DECORRELATOR
        .optimize(analyzed, state, |_, _| {})
        .map_err(ProducerError::Substrait)
}

/// Converts a logical plan into a Substrait plan stamped with our producer name.
pub fn logical_to_substrait(plan: LogicalPlan, state: &SessionState) -> Result<Plan> {
    let prepared = prepare_for_substrait(plan, state)?;
    produce_prepared(&prepared, state)
}

/// Converts a plan that went through [`prepare_for_substrait`] into Substrait.
pub fn produce_prepared(prepared: &LogicalPlan, state: &SessionState) -> Result<Plan> {
    let mut substrait = to_substrait_plan(prepared, state).map_err(ProducerError::Substrait)?;
    substrait.version = Some(version_with_producer(PRODUCER_NAME));
    Ok(*substrait)
}

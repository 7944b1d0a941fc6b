//! DataFusion logical plan → Substrait plan, the one path every front-end shares.
//!
//! Plans are produced from the *analyzed* logical plan (views inlined, types coerced, so casts
//! are explicit for every consumer). Subqueries stay subqueries, correlated ones with outer
//! references ([`CorrelatingProducer`]): the plan says what the query means, not how one
//! engine would like to execute it, and each engine decorrelates and optimizes for itself.
//! Two rewrites: `LATERAL` joins into plain joins, since Substrait expresses outer references
//! only inside subquery expressions; and one-set `GROUPING SETS` into a plain grouping
//! ([`crate::single_grouping_set`]), since Substrait outputs no set index for one set.

use std::sync::{Arc, LazyLock};

use datafusion::arrow::datatypes::{DataType, Field};
use datafusion::execution::SessionState;
use datafusion::logical_expr::LogicalPlan;
use datafusion::optimizer::Optimizer;
use datafusion::optimizer::decorrelate_lateral_join::DecorrelateLateralJoin;
use datafusion_substrait::logical_plan::producer::SubstraitProducer;
use datafusion_substrait::substrait::proto::extensions::SimpleExtensionDeclaration;
use datafusion_substrait::substrait::proto::{Plan, PlanRel, RelRoot, plan_rel};
use datafusion_substrait::substrait::version::version_with_producer;

use crate::declaration_order::sort_declarations;
use crate::error::{ProducerError, Result};
use crate::import::declared_result_types::declared_result_types;
use crate::outer_references::CorrelatingProducer;
use crate::single_grouping_set::single_grouping_sets;

/// The name stamped into `plan.version.producer` of every plan we make.
pub const PRODUCER_NAME: &str = concat!("switchyard ", env!("CARGO_PKG_VERSION"));

static LATERAL_DECORRELATOR: LazyLock<Optimizer> =
    LazyLock::new(|| Optimizer::with_rules(vec![Arc::new(DecorrelateLateralJoin::new())]));

/// Runs the analyzer and the `LATERAL` rewrite: the plan that gets encoded.
pub fn prepare_for_substrait(plan: LogicalPlan, state: &SessionState) -> Result<LogicalPlan> {
    let analyzed = state
        .analyzer()
        .execute_and_check(plan, state.config_options(), |_, _| {})
        .map_err(ProducerError::Sql)?;
    let decorrelated = LATERAL_DECORRELATOR
        .optimize(analyzed, state, |_, _| {})
        .map_err(ProducerError::Substrait)?;
    single_grouping_sets(decorrelated).map_err(ProducerError::Substrait)
}

/// Converts a logical plan into a Substrait plan stamped with our producer name.
pub fn logical_to_substrait(plan: LogicalPlan, state: &SessionState) -> Result<Plan> {
    let prepared = prepare_for_substrait(plan, state)?;
    produce_prepared(&prepared, state)
}

/// Converts a plan that went through [`prepare_for_substrait`] into Substrait.
pub fn produce_prepared(prepared: &LogicalPlan, state: &SessionState) -> Result<Plan> {
    let mut producer = CorrelatingProducer::new(state);
    let root = producer
        .handle_plan(prepared)
        .map_err(ProducerError::Substrait)?;
    let mut names = Vec::new();
    for field in prepared.schema().fields() {
        flatten_names(field, false, &mut names);
    }
    let mut extensions: Vec<SimpleExtensionDeclaration> = producer.get_extensions().into();
    sort_declarations(&mut extensions);
    let mut plan = Plan {
        version: Some(version_with_producer(PRODUCER_NAME)),
        extensions,
        relations: vec![PlanRel {
            rel_type: Some(plan_rel::RelType::Root(RelRoot {
                input: Some(*root),
                names,
            })),
        }],
        ..Plan::default()
    };
    // datafusion-substrait declares each call's type as DataFusion computes it (`avg` of
    // integers as `fp64`, decimal quotients at DataFusion's scale); the plan says it in
    // Substrait's terms, as validation requires (`crate::result_types`).
    declared_result_types(&mut plan);
    Ok(plan)
}

/// The root's names as Substrait lists them: depth first, struct fields after their column,
/// list elements and map keys and values unnamed (as datafusion-substrait's producer does).
fn flatten_names(field: &Field, skip_self: bool, names: &mut Vec<String>) {
    if !skip_self {
        names.push(field.name().to_string());
    }
    match field.data_type() {
        DataType::Struct(fields) => fields
            .iter()
            .for_each(|field| flatten_names(field, false, names)),
        DataType::List(element) | DataType::LargeList(element) => {
            flatten_names(element, true, names)
        }
        DataType::Map(entries, _) => {
            if let DataType::Struct(key_and_value) = entries.data_type() {
                key_and_value
                    .iter()
                    .for_each(|field| flatten_names(field, true, names));
            }
        }
        _ => {}
    }
}

//! One typed walk over every relation and expression of a plan.
//!
//! [`walk_plan`] visits a plan's root relation, its inputs and the relations of its
//! subqueries, and every expression they hold, in one pass. It derives each relation's output
//! schema (after its `emit`) and each expression's type as it goes, resolves every field
//! reference against the schema it points into (direct references against the input,
//! outer references by `steps_out` against the enclosing relations) and every function call
//! against the plan's extension declarations, and records what does not resolve as a
//! [`PlanProblem`] with its path. Purposes (validation, routing features, type rules, plan
//! warnings) are [`PlanVisitor`]s over it, so none keeps a walk of its own.
//!
//! One file per relation kind (`rel/*.rs`) and per expression kind (`expr/*.rs`), as
//! datafusion-substrait's consumer is laid out. Recursion is bounded: `ValidatedPlan` caps
//! relation depth before walking and protobuf decoding caps message nesting.

mod expr;
mod functions;
mod names;
mod problem;
mod rel;
mod schema;
mod visitor;
mod walker;

pub use functions::{FunctionDeclaration, FunctionTable};
pub use names::{join_type_name, rel_label, set_op_name};
pub use problem::PlanProblem;
pub use rel::aggregate::grouping_columns;
pub use schema::RelSchema;
pub use visitor::{
    ArgumentValue, CallEvent, CallId, ExpressionEvent, FunctionKind, PlanVisitor, RelEvent,
};

use datafusion_substrait::substrait::proto::{Plan, plan_rel};

use walker::Walker;

/// What a walk found that does not resolve, whatever the visitor.
#[derive(Debug, Clone, Default)]
pub struct WalkOutcome {
    /// References, anchors and shapes that do not resolve, each with its path.
    pub problems: Vec<PlanProblem>,
    /// The root relation's output schema, when the plan has one root.
    pub root_schema: Option<RelSchema>,
}

/// Walks the first root relation of `plan` (validation rejects plans with more), calling
/// `visitor` for every relation, expression and function call.
pub fn walk_plan(plan: &Plan, visitor: &mut dyn PlanVisitor) -> WalkOutcome {
    let functions = FunctionTable::of(plan);
    let mut walker = Walker::new(&functions, visitor);
    let mut root_schema = None;
    if let Some(plan_rel) = plan.relations.first() {
        match plan_rel.rel_type.as_ref() {
            Some(plan_rel::RelType::Root(root)) => {
                if let Some(input) = root.input.as_ref() {
                    let (_, schema) = walker.root(input);
                    walker.check_root_names(&root.names, &schema);
                    root_schema = Some(schema);
                }
            }
            Some(plan_rel::RelType::Rel(rel)) => {
                let (_, schema) = walker.root(rel);
                root_schema = Some(schema);
            }
            None => {}
        }
    }
    WalkOutcome {
        problems: walker.into_problems(),
        root_schema,
    }
}

/// A visitor that does nothing: walking with it only resolves the plan.
#[derive(Debug, Default)]
pub struct ResolveOnly;

impl PlanVisitor for ResolveOnly {}

#[cfg(test)]
mod tests;

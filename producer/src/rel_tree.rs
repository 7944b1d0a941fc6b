//! Walking the relation tree of a Substrait plan.

use datafusion_substrait::substrait::proto::rel::RelType;
use datafusion_substrait::substrait::proto::{Rel, plan_rel};

use datafusion_substrait::substrait::proto::Plan;

/// The direct inputs of a relation, left to right.
pub fn rel_inputs(rel: &Rel) -> Vec<&Rel> {
    let Some(rel_type) = rel.rel_type.as_ref() else {
        return Vec::new();
    };
    match rel_type {
        RelType::Read(_)
        | RelType::ExtensionLeaf(_)
        | RelType::Reference(_)
        | RelType::Update(_) => Vec::new(),
        RelType::Filter(r) => r.input.as_deref().into_iter().collect(),
        RelType::Fetch(r) => r.input.as_deref().into_iter().collect(),
        RelType::Aggregate(r) => r.input.as_deref().into_iter().collect(),
        RelType::Sort(r) => r.input.as_deref().into_iter().collect(),
        RelType::Project(r) => r.input.as_deref().into_iter().collect(),
        RelType::ExtensionSingle(r) => r.input.as_deref().into_iter().collect(),
        RelType::Window(r) => r.input.as_deref().into_iter().collect(),
        RelType::Exchange(r) => r.input.as_deref().into_iter().collect(),
        RelType::Expand(r) => r.input.as_deref().into_iter().collect(),
        RelType::Write(r) => r.input.as_deref().into_iter().collect(),
        RelType::Ddl(r) => r.view_definition.as_deref().into_iter().collect(),
        RelType::Set(r) => r.inputs.iter().collect(),
        RelType::ExtensionMulti(r) => r.inputs.iter().collect(),
        RelType::Join(r) => [r.left.as_deref(), r.right.as_deref()]
            .into_iter()
            .flatten()
            .collect(),
        RelType::Cross(r) => [r.left.as_deref(), r.right.as_deref()]
            .into_iter()
            .flatten()
            .collect(),
        RelType::HashJoin(r) => [r.left.as_deref(), r.right.as_deref()]
            .into_iter()
            .flatten()
            .collect(),
        RelType::MergeJoin(r) => [r.left.as_deref(), r.right.as_deref()]
            .into_iter()
            .flatten()
            .collect(),
        RelType::NestedLoopJoin(r) => [r.left.as_deref(), r.right.as_deref()]
            .into_iter()
            .flatten()
            .collect(),
    }
}

/// The root relation of each `PlanRel`, in order (`None` where a `PlanRel` is empty).
pub fn plan_roots(plan: &Plan) -> Vec<Option<&Rel>> {
    plan.relations
        .iter()
        .map(|plan_rel| match plan_rel.rel_type.as_ref() {
            Some(plan_rel::RelType::Root(root)) => root.input.as_ref(),
            Some(plan_rel::RelType::Rel(rel)) => Some(rel),
            None => None,
        })
        .collect()
}

/// The depth of the deepest relation below `rel` (a leaf has depth 1), without recursion.
pub fn rel_depth(rel: &Rel) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(rel, 1usize)];
    while let Some((rel, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        stack.extend(rel_inputs(rel).into_iter().map(|input| (input, depth + 1)));
    }
    deepest
}

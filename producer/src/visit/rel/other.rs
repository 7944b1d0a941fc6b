//! Relations the walk does not look inside: extension relations, references to other plan
//! relations, writes, DDL, updates, physical joins, exchanges and expands. Their inputs are
//! walked; their output is derived only where it is plain (an exchange passes its input
//! through), otherwise left unknown, so references into it are not checked.

use datafusion_substrait::substrait::proto::rel::RelType;
use datafusion_substrait::substrait::proto::{Rel, RelCommon};

use super::Node;
use crate::visit::schema::RelSchema;
use crate::visit::walker::Walker;

pub(super) fn walk<'r>(
    w: &mut Walker<'_>,
    node: &Node,
    rel: &'r RelType,
) -> (Option<&'r RelCommon>, RelSchema) {
    let (common, inputs, passes_input): (Option<&RelCommon>, Vec<(String, &Rel)>, bool) = match rel
    {
        RelType::ExtensionLeaf(r) => (r.common.as_ref(), Vec::new(), false),
        RelType::ExtensionSingle(r) => (r.common.as_ref(), only(&r.input), false),
        RelType::ExtensionMulti(r) => (r.common.as_ref(), many(&r.inputs), false),
        RelType::Reference(_) => (None, Vec::new(), false),
        RelType::Write(r) => (r.common.as_ref(), only(&r.input), false),
        RelType::Ddl(r) => (r.common.as_ref(), only(&r.view_definition), false),
        RelType::Update(_) => (None, Vec::new(), false),
        RelType::HashJoin(r) => (r.common.as_ref(), pair(&r.left, &r.right), false),
        RelType::MergeJoin(r) => (r.common.as_ref(), pair(&r.left, &r.right), false),
        RelType::NestedLoopJoin(r) => (r.common.as_ref(), pair(&r.left, &r.right), false),
        RelType::Exchange(r) => (r.common.as_ref(), only(&r.input), true),
        RelType::Expand(r) => (r.common.as_ref(), only(&r.input), false),
        // Walked by their own files.
        RelType::Read(_)
        | RelType::Filter(_)
        | RelType::Fetch(_)
        | RelType::Aggregate(_)
        | RelType::Sort(_)
        | RelType::Project(_)
        | RelType::Join(_)
        | RelType::Cross(_)
        | RelType::Set(_)
        | RelType::Window(_) => (None, Vec::new(), false),
    };
    let mut schemas = Vec::with_capacity(inputs.len());
    for (role, input) in inputs {
        schemas.push(w.input(node.index, Some(input), node.child(&role)));
    }
    let schema = match schemas.into_iter().next() {
        Some(input) if passes_input => input,
        _ => RelSchema::unknown(),
    };
    (common, schema)
}

fn only(input: &Option<Box<Rel>>) -> Vec<(String, &Rel)> {
    input
        .as_deref()
        .map(|rel| (String::new(), rel))
        .into_iter()
        .collect()
}

fn many(inputs: &[Rel]) -> Vec<(String, &Rel)> {
    inputs
        .iter()
        .enumerate()
        .map(|(i, rel)| (format!("inputs[{i}]"), rel))
        .collect()
}

fn pair<'r>(left: &'r Option<Box<Rel>>, right: &'r Option<Box<Rel>>) -> Vec<(String, &'r Rel)> {
    [("left", left.as_deref()), ("right", right.as_deref())]
        .into_iter()
        .filter_map(|(role, rel)| rel.map(|rel| (role.to_string(), rel)))
        .collect()
}

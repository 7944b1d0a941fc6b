//! `SetRel`: the first input's columns; every input must have as many.

use datafusion_substrait::substrait::proto::SetRel;

use super::Node;
use crate::visit::schema::RelSchema;
use crate::visit::walker::Walker;

pub(super) fn walk(w: &mut Walker<'_>, node: &Node, set: &SetRel) -> RelSchema {
    let mut first: Option<RelSchema> = None;
    for (i, input) in set.inputs.iter().enumerate() {
        let schema = w.input(node.index, Some(input), node.child(&format!("inputs[{i}]")));
        match &first {
            None => first = Some(schema),
            Some(first) => {
                if first.complete && schema.complete && first.width() != schema.width() {
                    w.problem(
                        &node.path,
                        format!(
                            "inputs[{i}] has {} columns, but inputs[0] has {}",
                            schema.width(),
                            first.width()
                        ),
                    );
                }
            }
        }
    }
    first.unwrap_or_else(RelSchema::unknown)
}

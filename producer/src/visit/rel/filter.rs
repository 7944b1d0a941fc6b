//! `FilterRel`: its input's columns, fewer rows.

use datafusion_substrait::substrait::proto::FilterRel;

use super::Node;
use crate::visit::schema::RelSchema;
use crate::visit::walker::Walker;

pub(super) fn walk(w: &mut Walker<'_>, node: &Node, filter: &FilterRel) -> RelSchema {
    let input = w.input(node.index, filter.input.as_deref(), node.child(""));
    match filter.condition.as_deref() {
        Some(condition) => {
            w.expression(condition, &input, &node.at("condition"), node.index);
        }
        None => w.problem(&node.path, "the filter has no condition"),
    }
    input
}

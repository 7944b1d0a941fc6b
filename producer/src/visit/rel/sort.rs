//! `SortRel`: its input's columns, reordered.

use datafusion_substrait::substrait::proto::SortRel;

use super::Node;
use crate::visit::schema::RelSchema;
use crate::visit::walker::Walker;

pub(super) fn walk(w: &mut Walker<'_>, node: &Node, sort: &SortRel) -> RelSchema {
    let input = w.input(node.index, sort.input.as_deref(), node.child(""));
    for (i, field) in sort.sorts.iter().enumerate() {
        match field.expr.as_ref() {
            Some(e) => {
                w.expression(e, &input, &node.at(&format!("sorts[{i}]")), node.index);
            }
            None => w.problem(&node.at(&format!("sorts[{i}]")), "the sort key is empty"),
        }
    }
    input
}

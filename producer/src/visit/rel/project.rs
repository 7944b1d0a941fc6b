//! `ProjectRel`: its input's columns followed by one per expression.

use datafusion_substrait::substrait::proto::ProjectRel;

use super::Node;
use crate::visit::schema::RelSchema;
use crate::visit::walker::Walker;

pub(super) fn walk(w: &mut Walker<'_>, node: &Node, project: &ProjectRel) -> RelSchema {
    let input = w.input(node.index, project.input.as_deref(), node.child(""));
    let mut output = input.clone();
    for (i, e) in project.expressions.iter().enumerate() {
        let ty = w.expression(
            e,
            &input,
            &node.at(&format!("expressions[{i}]")),
            node.index,
        );
        output.columns.push(ty);
    }
    output
}

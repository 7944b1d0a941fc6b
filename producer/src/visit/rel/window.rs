//! `ConsistentPartitionWindowRel`: its input's columns followed by one per window function.

use datafusion_substrait::substrait::proto::ConsistentPartitionWindowRel;

use super::Node;
use crate::visit::expr::call::{self, CallSite};
use crate::visit::schema::RelSchema;
use crate::visit::visitor::{CallId, FunctionKind};
use crate::visit::walker::Walker;

pub(super) fn walk(
    w: &mut Walker<'_>,
    node: &Node,
    window: &ConsistentPartitionWindowRel,
) -> RelSchema {
    let input = w.input(node.index, window.input.as_deref(), node.child(""));
    for (i, e) in window.partition_expressions.iter().enumerate() {
        w.expression(e, &input, &node.at(&format!("partitions[{i}]")), node.index);
    }
    for (i, sort) in window.sorts.iter().enumerate() {
        if let Some(e) = sort.expr.as_ref() {
            w.expression(e, &input, &node.at(&format!("sorts[{i}]")), node.index);
        }
    }
    let mut output = input.clone();
    for (i, function) in window.window_functions.iter().enumerate() {
        let site = CallSite {
            id: CallId::of(function),
            kind: FunctionKind::Window,
            anchor: function.function_reference,
            arguments: &function.arguments,
            options: &function.options,
            output_type: function.output_type.as_ref(),
        };
        let path = node.at(&format!("window_functions[{i}]"));
        output
            .columns
            .push(call::walk(w, site, &input, &path, node.index));
    }
    output
}

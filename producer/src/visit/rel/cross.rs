//! `CrossRel`: the left input's columns, then the right's.

use datafusion_substrait::substrait::proto::CrossRel;

use super::Node;
use crate::visit::schema::RelSchema;
use crate::visit::walker::Walker;

pub(super) fn walk(w: &mut Walker<'_>, node: &Node, cross: &CrossRel) -> RelSchema {
    let left = w.input(node.index, cross.left.as_deref(), node.child("left"));
    let right = w.input(node.index, cross.right.as_deref(), node.child("right"));
    left.concat(&right)
}

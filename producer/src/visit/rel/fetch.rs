//! `FetchRel`: its input's columns, an offset and a count of rows.

use datafusion_substrait::substrait::proto::FetchRel;
use datafusion_substrait::substrait::proto::fetch_rel::{CountMode, OffsetMode};

use super::Node;
use crate::visit::schema::RelSchema;
use crate::visit::walker::Walker;

pub(super) fn walk(w: &mut Walker<'_>, node: &Node, fetch: &FetchRel) -> RelSchema {
    let input = w.input(node.index, fetch.input.as_deref(), node.child(""));
    // Count and offset expressions are evaluated once, before any row: no columns.
    let none = RelSchema::known(Vec::new());
    if let Some(CountMode::CountExpr(count)) = fetch.count_mode.as_ref() {
        w.expression(count, &none, &node.at("count_expr"), node.index);
    }
    if let Some(OffsetMode::OffsetExpr(offset)) = fetch.offset_mode.as_ref() {
        w.expression(offset, &none, &node.at("offset_expr"), node.index);
    }
    input
}

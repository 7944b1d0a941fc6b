//! `JoinRel`: both inputs' columns (one side for semi and anti joins, plus a mark for mark
//! joins); the side an outer join may leave unmatched becomes nullable.

use datafusion_substrait::substrait::proto::JoinRel;
use datafusion_substrait::substrait::proto::join_rel::JoinType;

use super::Node;
use crate::visit::expr::types;
use crate::visit::schema::RelSchema;
use crate::visit::walker::Walker;

pub(super) fn walk(w: &mut Walker<'_>, node: &Node, join: &JoinRel) -> RelSchema {
    let left = w.input(node.index, join.left.as_deref(), node.child("left"));
    let right = w.input(node.index, join.right.as_deref(), node.child("right"));
    let both = left.clone().concat(&right);
    if let Some(condition) = join.expression.as_deref() {
        w.expression(condition, &both, &node.at("expression"), node.index);
    }
    if let Some(filter) = join.post_join_filter.as_deref() {
        w.expression(filter, &both, &node.at("post_join_filter"), node.index);
    }
    let Ok(join_type) = JoinType::try_from(join.r#type) else {
        w.problem(
            &node.path,
            format!("join type {} is not a Substrait join type", join.r#type),
        );
        return RelSchema::unknown();
    };
    output(join_type, left, right)
}

/// A join's output given its inputs'.
pub(super) fn output(join_type: JoinType, left: RelSchema, right: RelSchema) -> RelSchema {
    match join_type {
        JoinType::LeftSemi | JoinType::LeftAnti => left,
        JoinType::RightSemi | JoinType::RightAnti => right,
        JoinType::LeftMark => with_mark(left),
        JoinType::RightMark => with_mark(right),
        JoinType::Left | JoinType::LeftSingle => left.concat(&nullable(right)),
        JoinType::Right | JoinType::RightSingle => nullable(left).concat(&right),
        JoinType::Outer => nullable(left).concat(&nullable(right)),
        JoinType::Inner | JoinType::Unspecified => left.concat(&right),
    }
}

fn with_mark(mut schema: RelSchema) -> RelSchema {
    schema.columns.push(Some(types::boolean(true)));
    schema
}

fn nullable(schema: RelSchema) -> RelSchema {
    RelSchema {
        columns: schema
            .columns
            .into_iter()
            .map(|column| column.map(types::nullable))
            .collect(),
        complete: schema.complete,
    }
}

//! Rewriting every expression of a plan, subqueries included, with the schema each
//! expression is written against (to read its operands' types).

use std::sync::Arc;

use datafusion::common::DFSchema;
use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::error::Result;
use datafusion::logical_expr::{Expr, LogicalPlan};

/// Applies `rewrite` bottom-up to every expression in `plan`.
pub fn rewrite_expressions(
    plan: LogicalPlan,
    rewrite: &dyn Fn(Expr, &DFSchema) -> Result<Transformed<Expr>>,
) -> Result<LogicalPlan> {
    plan.transform_up_with_subqueries(|node| {
        let schema = expression_schema(&node)?;
        node.map_expressions(|expr| expr.transform_up(|e| rewrite(e, &schema)))
    })
    .map(|t| t.data)
}

/// The schema a node's expressions are written against: its input's for one input, both
/// inputs' for a join (a semi, anti or mark join's own schema lacks the right side).
fn expression_schema(node: &LogicalPlan) -> Result<Arc<DFSchema>> {
    Ok(match node {
        LogicalPlan::Join(join) => Arc::new(join.left.schema().join(join.right.schema())?),
        _ => match node.inputs().as_slice() {
            [input] => Arc::clone(input.schema()),
            _ => Arc::clone(node.schema()),
        },
    })
}

//! `GROUPING SETS` with one set, written so its plan adds up.
//!
//! DataFusion plans `GROUP BY GROUPING SETS ((a))` as a grouping-set aggregate whose output
//! has a `__grouping_id` column after its keys, and the projection above it counts that
//! column. Substrait's aggregate with one grouping set has no such column (the set index is
//! output only when there are several sets), and datafusion-substrait writes the one set as
//! a plain grouping, so the projection above would reference a column past the aggregate's
//! output: validation refuses such a plan, and DataFusion's consumer would fail on it. With one
//! set, the set index is always 0, so the aggregate is planned as a plain `GROUP BY` under a
//! projection that puts a constant 0 `__grouping_id` where DataFusion's schema has it.

use std::sync::Arc;

use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::common::{Column, Result, ScalarValue};
use datafusion::logical_expr::{Aggregate, Expr, GroupingSet, LogicalPlan, Projection, lit};

/// Rewrites every one-set grouping-set aggregate in `plan`.
pub fn single_grouping_sets(plan: LogicalPlan) -> Result<LogicalPlan> {
    plan.transform_up(|node| {
        let LogicalPlan::Aggregate(aggregate) = &node else {
            return Ok(Transformed::no(node));
        };
        let [Expr::GroupingSet(GroupingSet::GroupingSets(sets))] = aggregate.group_expr.as_slice()
        else {
            return Ok(Transformed::no(node));
        };
        let [keys] = sets.as_slice() else {
            return Ok(Transformed::no(node));
        };
        let id_type = aggregate
            .schema
            .field_with_unqualified_name(Aggregate::INTERNAL_GROUPING_ID)?
            .data_type()
            .clone();
        let plain = LogicalPlan::Aggregate(Aggregate::try_new(
            Arc::clone(&aggregate.input),
            keys.clone(),
            aggregate.aggr_expr.clone(),
        )?);
        let mut columns: Vec<Expr> = plain
            .schema()
            .iter()
            .map(|(qualifier, field)| Expr::Column(Column::from((qualifier, field))))
            .collect();
        let id = lit(ScalarValue::new_zero(&id_type)?).alias(Aggregate::INTERNAL_GROUPING_ID);
        columns.insert(keys.len(), id);
        let projection = Projection::try_new(columns, Arc::new(plain))?;
        Ok(Transformed::yes(LogicalPlan::Projection(projection)))
    })
    .map(|transformed| transformed.data)
}

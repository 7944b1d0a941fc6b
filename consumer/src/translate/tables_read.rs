//! Which tables a logical plan reads, subqueries included.

use std::collections::BTreeSet;

use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::logical_expr::LogicalPlan;

/// The names of the tables `plan` scans, sorted and without duplicates.
pub fn tables_read(plan: &LogicalPlan) -> Vec<String> {
    let mut tables = BTreeSet::new();
    // The closure never fails, so neither can the walk.
    let _ = plan.apply_with_subqueries(|node| {
        if let LogicalPlan::TableScan(scan) = node {
            tables.insert(scan.table_name.table().to_string());
        }
        Ok(TreeNodeRecursion::Continue)
    });
    tables.into_iter().collect()
}

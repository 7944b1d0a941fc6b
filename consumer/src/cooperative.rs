//! Yield points after every operator, so that dropping a query's stream stops its work.
//!
//! DataFusion cancels by dropping: a dropped stream drops its operators, and tasks spawned for
//! partitions are aborted, but an abort takes effect only when the task next yields to tokio.
//! DataFusion's sources and exchanges yield (they spend tokio's cooperative budget), but an
//! operator that makes many batches from one input batch does not: a hash join whose keys
//! repeat turns one probe batch into millions of rows without returning to its source, and
//! the aggregate above it keeps the task busy for seconds after the query was dropped. Wrapping
//! every operator in DataFusion's [`CooperativeExec`] spends one unit of budget per batch it
//! passes on, so a task yields (and an abort lands) within about a hundred batches.

use std::sync::Arc;

use datafusion::common::tree_node::{Transformed, TreeNode};
use datafusion::error::Result;
use datafusion::physical_plan::ExecutionPlan;
use datafusion::physical_plan::coop::CooperativeExec;

/// `plan` with every operator that has inputs wrapped in a [`CooperativeExec`] (sources are
/// cooperative already, and existing wrappers are not wrapped). Meant to run once per plan.
pub fn cooperative_everywhere(plan: Arc<dyn ExecutionPlan>) -> Result<Arc<dyn ExecutionPlan>> {
    plan.transform_up(|node| {
        if node.children().is_empty() || node.is::<CooperativeExec>() {
            return Ok(Transformed::no(node));
        }
        let wrapped: Arc<dyn ExecutionPlan> = Arc::new(CooperativeExec::new(node));
        Ok(Transformed::yes(wrapped))
    })
    .map(|transformed| transformed.data)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::physical_plan::coop::CooperativeExec;
    use datafusion::physical_plan::{ExecutionPlan, collect};
    use datafusion::prelude::SessionContext;

    use super::cooperative_everywhere;

    fn count_wrappers(plan: &Arc<dyn ExecutionPlan>) -> (usize, usize) {
        let (mut wrappers, mut operators) = (0, 0);
        if plan.is::<CooperativeExec>() {
            wrappers += 1;
        } else if !plan.children().is_empty() {
            operators += 1;
        }
        for child in plan.children() {
            let (w, o) = count_wrappers(child);
            wrappers += w;
            operators += o;
        }
        (wrappers, operators)
    }

    #[tokio::test]
    async fn every_operator_is_wrapped_and_results_are_unchanged() {
        let ctx = SessionContext::new();
        let sql = "select a % 3 as k, count(*) as n from (values (1), (2), (3), (4)) as t(a) \
                   group by a % 3 order by k";
        let frame = ctx.sql(sql).await.expect("plans");
        let plan = frame.create_physical_plan().await.expect("physical plan");
        let expected = collect(Arc::clone(&plan), ctx.task_ctx())
            .await
            .expect("runs");
        let wrapped = cooperative_everywhere(plan).expect("wraps");
        let (wrappers, operators) = count_wrappers(&wrapped);
        assert!(operators > 0);
        // Each operator with inputs has a wrapper; DataFusion may have added its own too.
        assert!(
            wrappers >= operators,
            "{wrappers} wrappers for {operators} operators"
        );
        let actual = collect(wrapped, ctx.task_ctx()).await.expect("runs");
        assert_eq!(
            datafusion::arrow::util::pretty::pretty_format_batches(&actual)
                .expect("formats")
                .to_string(),
            datafusion::arrow::util::pretty::pretty_format_batches(&expected)
                .expect("formats")
                .to_string()
        );
    }
}

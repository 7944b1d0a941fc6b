//! Anti joins for export: written as outer joins for consumers without them, and refused
//! where Substrait cannot say what they mean.

use std::sync::Arc;

use datafusion::common::tree_node::{Transformed, TreeNode, TreeNodeRecursion};
use datafusion::common::{Column, DataFusionError, Result};
use datafusion::logical_expr::{Expr, JoinType, LogicalPlan, LogicalPlanBuilder, col, lit};

/// The column that marks a right-side row in [`anti_joins_as_left_joins`]; a name no query
/// writes.
const MATCHED: &str = "__switchyard_matched";

/// Rewrites every left anti join as a left join that keeps only the rows without a match:
/// `L ANTI JOIN R ON c` is `SELECT L.* FROM L LEFT JOIN (SELECT R.*, TRUE AS m FROM R) ON c
/// WHERE m IS NULL`. A left row with matches comes out of the left join with `m` true (once
/// per match) and is dropped; a row without one comes out once, with `m` null. DuckDB 1.1.3's
/// Substrait reader has no anti join ("Unsupported join type").
pub fn anti_joins_as_left_joins(plan: LogicalPlan) -> Result<LogicalPlan> {
    plan.transform_up(|node| {
        let LogicalPlan::Join(join) = node else {
            return Ok(Transformed::no(node));
        };
        if join.join_type != JoinType::LeftAnti {
            return Ok(Transformed::no(LogicalPlan::Join(join)));
        }
        let right_columns = join.right.schema().columns().into_iter().map(Expr::Column);
        let marked_right = LogicalPlanBuilder::from(Arc::unwrap_or_clone(join.right))
            .project(right_columns.chain([lit(true).alias(MATCHED)]))?
            .build()?;
        let left_columns: Vec<Expr> = join
            .left
            .schema()
            .columns()
            .into_iter()
            .map(Expr::Column)
            .collect();
        let (left_keys, right_keys): (Vec<Expr>, Vec<Expr>) = join.on.into_iter().unzip();
        let rewritten = LogicalPlanBuilder::from(Arc::unwrap_or_clone(join.left))
            .join_with_expr_keys(
                marked_right,
                JoinType::Left,
                (left_keys, right_keys),
                join.filter,
            )?
            .filter(col(Column::from_name(MATCHED)).is_null())?
            .project(left_columns)?
            .build()?;
        Ok(Transformed::yes(rewritten))
    })
    .map(|transformed| transformed.data)
}

/// Fails on a null-aware anti join (`x NOT IN (SELECT y ...)` where `x` or `y` may be null).
/// Substrait's anti join has no null-aware form, and datafusion-substrait writes it as a plain
/// anti join, which keeps rows `NOT IN` drops when the subquery returns a null.
pub fn refuse_null_aware_anti_joins(plan: &LogicalPlan) -> Result<()> {
    plan.apply(|node| match node {
        LogicalPlan::Join(join) if join.null_aware => {
            Err(DataFusionError::NotImplemented(format!(
                "NOT IN over columns that may be null ({}) has no Substrait form: its anti \
                 join cannot be null-aware; NOT EXISTS, or a NOT NULL column, can be exported",
                join.filter
                    .as_ref()
                    .map_or_else(|| "no condition".to_string(), ToString::to_string)
            )))
        }
        _ => Ok(TreeNodeRecursion::Continue),
    })
    .map(|_| ())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Int64Array, RecordBatch};
    use arrow::datatypes::{DataType, Field, Schema};
    use arrow::util::pretty::pretty_format_batches;
    use datafusion::common::tree_node::{TreeNode, TreeNodeRecursion};
    use datafusion::datasource::MemTable;
    use datafusion::logical_expr::{JoinType, LogicalPlan};
    use datafusion::prelude::SessionContext;

    use super::{anti_joins_as_left_joins, refuse_null_aware_anti_joins};

    /// `l(k)` and `r(k)`, with nulls on both sides and a key matched twice.
    fn context() -> SessionContext {
        let ctx = SessionContext::new();
        let table = |values: Vec<Option<i64>>| {
            let schema = Arc::new(Schema::new(vec![Field::new("k", DataType::Int64, true)]));
            let batch =
                RecordBatch::try_new(schema.clone(), vec![Arc::new(Int64Array::from(values))])
                    .expect("batch");
            Arc::new(MemTable::try_new(schema, vec![vec![batch]]).expect("table"))
        };
        ctx.register_table("l", table(vec![Some(1), Some(2), Some(3), None]))
            .expect("l");
        ctx.register_table("r", table(vec![Some(2), Some(2), None, Some(5)]))
            .expect("r");
        ctx
    }

    fn has_anti_join(plan: &LogicalPlan) -> bool {
        let mut found = false;
        plan.apply(|node| {
            if let LogicalPlan::Join(join) = node {
                found |= join.join_type == JoinType::LeftAnti;
            }
            Ok(TreeNodeRecursion::Continue)
        })
        .expect("walk");
        found
    }

    async fn sorted_rows(ctx: &SessionContext, plan: LogicalPlan) -> String {
        let batches = ctx
            .execute_logical_plan(plan)
            .await
            .expect("plan")
            .sort_by(vec![datafusion::prelude::col("k")])
            .expect("sort")
            .collect()
            .await
            .expect("run");
        pretty_format_batches(&batches).expect("format").to_string()
    }

    #[tokio::test]
    async fn not_exists_as_a_left_join_returns_what_the_sql_returns() {
        let ctx = context();
        let sql = "SELECT k FROM l WHERE NOT EXISTS (SELECT 1 FROM r WHERE r.k = l.k)";
        let expected = sorted_rows(
            &ctx,
            ctx.sql(sql).await.expect("sql").into_unoptimized_plan(),
        )
        .await;
        let optimized = ctx
            .state()
            .optimize(&ctx.sql(sql).await.expect("sql").into_unoptimized_plan())
            .expect("optimize");
        assert!(has_anti_join(&optimized), "{optimized}");
        refuse_null_aware_anti_joins(&optimized).expect("NOT EXISTS is not null-aware");
        let rewritten = anti_joins_as_left_joins(optimized).expect("rewrite");
        assert!(!has_anti_join(&rewritten), "{rewritten}");
        assert_eq!(rewritten.schema().fields().len(), 1);
        // 1, 3 and the null key have no match in r; 2 has two.
        assert!(
            expected.contains("| 1 |") && expected.contains("| 3 |"),
            "{expected}"
        );
        assert!(!expected.contains("| 2 |"), "{expected}");
        assert_eq!(sorted_rows(&ctx, rewritten).await, expected);
    }

    #[tokio::test]
    async fn not_in_over_nullable_columns_is_refused() {
        let ctx = context();
        let sql = "SELECT k FROM l WHERE k NOT IN (SELECT k FROM r)";
        let optimized = ctx
            .state()
            .optimize(&ctx.sql(sql).await.expect("sql").into_unoptimized_plan())
            .expect("optimize");
        let error = refuse_null_aware_anti_joins(&optimized).expect_err("null-aware");
        assert!(
            error
                .to_string()
                .contains("NOT IN over columns that may be null"),
            "{error}"
        );
    }
}

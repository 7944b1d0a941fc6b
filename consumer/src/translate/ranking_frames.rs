//! Ranking window functions written with the frame Spark requires.
//!
//! A frame does not change what `row_number`, `rank`, `dense_rank`, `percent_rank`,
//! `cume_dist` or `ntile` compute, and DataFusion gives them its default frame, `RANGE
//! BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW`. Spark refuses any frame for them but `ROWS
//! BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW` ("Window Frame ... must match the required
//! frame"), so that is the one written.

use datafusion::common::ScalarValue;
use datafusion::common::tree_node::Transformed;
use datafusion::error::Result;
use datafusion::logical_expr::{
    Expr, LogicalPlan, WindowFrame, WindowFrameBound, WindowFrameUnits,
};

use super::expression_rewrite::rewrite_expressions;

/// The window functions whose result the frame does not change.
const RANKING: [&str; 6] = [
    "row_number",
    "rank",
    "dense_rank",
    "percent_rank",
    "cume_dist",
    "ntile",
];

/// `plan` with every ranking window function framed `ROWS BETWEEN UNBOUNDED PRECEDING AND
/// CURRENT ROW`.
pub fn ranking_frames_as_rows(plan: LogicalPlan) -> Result<LogicalPlan> {
    rewrite_expressions(plan, &|expr, _| {
        let Expr::WindowFunction(mut window) = expr else {
            return Ok(Transformed::no(expr));
        };
        let rows = WindowFrame::new_bounds(
            WindowFrameUnits::Rows,
            WindowFrameBound::Preceding(ScalarValue::Null),
            WindowFrameBound::CurrentRow,
        );
        if !RANKING.contains(&window.fun.name()) || window.params.window_frame == rows {
            return Ok(Transformed::no(Expr::WindowFunction(window)));
        }
        window.params.window_frame = rows;
        Ok(Transformed::yes(Expr::WindowFunction(window)))
    })
}

#[cfg(test)]
mod tests {
    use datafusion::logical_expr::{LogicalPlan, WindowFrameUnits};
    use datafusion::prelude::SessionContext;

    use super::ranking_frames_as_rows;
    use crate::translate::expression_rewrite::rewrite_expressions;

    /// The frame units of every window function in `plan`, by function name.
    fn frames(plan: LogicalPlan) -> Vec<(String, WindowFrameUnits)> {
        let found = std::cell::RefCell::new(Vec::new());
        rewrite_expressions(plan, &|expr, _| {
            if let datafusion::logical_expr::Expr::WindowFunction(window) = &expr {
                found.borrow_mut().push((
                    window.fun.name().to_string(),
                    window.params.window_frame.units,
                ));
            }
            Ok(datafusion::common::tree_node::Transformed::no(expr))
        })
        .expect("walks");
        found.into_inner()
    }

    #[tokio::test]
    async fn ranking_functions_get_a_rows_frame_and_running_sums_keep_theirs() {
        let ctx = SessionContext::new();
        let plan = ctx
            .sql(
                "SELECT row_number() OVER (ORDER BY a) AS r, rank() OVER (ORDER BY a) AS k, \
                 sum(a) OVER (ORDER BY a) AS s FROM (VALUES (1), (2), (2)) AS t(a)",
            )
            .await
            .expect("plans")
            .into_unoptimized_plan();
        let mut before = frames(plan.clone());
        before.sort_by(|x, y| x.0.cmp(&y.0));
        assert!(
            before
                .iter()
                .all(|(_, units)| *units == WindowFrameUnits::Range),
            "{before:?}"
        );
        let mut after = frames(ranking_frames_as_rows(plan).expect("rewrites"));
        after.sort_by(|x, y| x.0.cmp(&y.0));
        assert_eq!(
            after,
            vec![
                ("rank".to_string(), WindowFrameUnits::Rows),
                ("row_number".to_string(), WindowFrameUnits::Rows),
                ("sum".to_string(), WindowFrameUnits::Range),
            ]
        );
    }
}

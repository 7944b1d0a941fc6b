//! Casts from decimals and floats to integers. DataFusion truncates (`CAST(1.5 AS BIGINT)` is
//! 1); DuckDB and PostgreSQL round (2). The rewrite makes the truncation explicit:
//! `CAST(trunc(x) AS BIGINT)`, which means the same everywhere.

use datafusion::arrow::datatypes::DataType;
use datafusion::common::DFSchema;
use datafusion::common::tree_node::Transformed;
use datafusion::error::Result;
use datafusion::functions::math::expr_fn::trunc;
use datafusion::logical_expr::{Cast, Expr, ExprSchemable, LogicalPlan, TryCast};

use super::expression_rewrite::rewrite_expressions;

/// Wraps the operand of every decimal or float → integer cast in `trunc`.
pub fn truncate_before_integer_casts(plan: LogicalPlan) -> Result<LogicalPlan> {
    rewrite_expressions(plan, &|expr, schema| match expr {
        Expr::Cast(cast) if needs_trunc(&cast.expr, cast.field.data_type(), schema) => {
            Ok(Transformed::yes(Expr::Cast(Cast {
                expr: Box::new(trunc(vec![*cast.expr])),
                ..cast
            })))
        }
        Expr::TryCast(cast) if needs_trunc(&cast.expr, cast.field.data_type(), schema) => {
            Ok(Transformed::yes(Expr::TryCast(TryCast {
                expr: Box::new(trunc(vec![*cast.expr])),
                ..cast
            })))
        }
        other => Ok(Transformed::no(other)),
    })
}

fn needs_trunc(operand: &Expr, target: &DataType, schema: &DFSchema) -> bool {
    target.is_integer()
        && operand.get_type(schema).is_ok_and(|source| {
            source.is_floating()
                || matches!(
                    source,
                    DataType::Decimal128(_, _) | DataType::Decimal256(_, _)
                )
        })
}

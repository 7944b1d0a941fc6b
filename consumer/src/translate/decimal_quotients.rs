//! Decimal quotients and averages for Spark. DataFusion divides decimals by truncating at
//! the declared result scale; Spark rounds half-up and, when the exact result type would
//! need more than 38 digits, cuts the scale to 6 (`spark.sql.decimalOperations.
//! allowPrecisionLoss`). TPC-H q1 (`avg`) and q8 (a share) then differ in the 6th decimal.
//! Computed in DOUBLE by Spark and truncated to the plan's decimal type on the way back
//! (`conform_batch`, as for DuckDB, whose `avg` and decimal `/` return doubles), the digits
//! are DataFusion's. A double carries 15 to 16 significant digits, so quotients beyond that
//! lose digits; the other decimal arithmetic (sums, products) stays exact.

use std::sync::Arc;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::DFSchema;
use datafusion::common::tree_node::Transformed;
use datafusion::error::Result;
use datafusion::logical_expr::expr::AggregateFunction;
use datafusion::logical_expr::{BinaryExpr, Cast, Expr, ExprSchemable, LogicalPlan, Operator};

use super::expression_rewrite::rewrite_expressions;

/// Rewrites `a / b` with a decimal operand to `CAST(a AS DOUBLE) / CAST(b AS DOUBLE)`, and
/// `avg(x)` of a decimal `x` to `avg(CAST(x AS DOUBLE))`.
pub fn decimal_quotients_in_double(plan: LogicalPlan) -> Result<LogicalPlan> {
    rewrite_expressions(plan, &|e, schema| match &e {
        Expr::BinaryExpr(BinaryExpr {
            left,
            op: Operator::Divide,
            right,
        }) if is_decimal(left, schema) || is_decimal(right, schema) => {
            Ok(Transformed::yes(Expr::BinaryExpr(BinaryExpr {
                left: Box::new(as_double(left)),
                op: Operator::Divide,
                right: Box::new(as_double(right)),
            })))
        }
        Expr::AggregateFunction(AggregateFunction { func, params })
            if func.name() == "avg" && params.args.iter().any(|a| is_decimal(a, schema)) =>
        {
            let mut params = params.clone();
            params.args = params.args.iter().map(as_double).collect();
            Ok(Transformed::yes(Expr::AggregateFunction(
                AggregateFunction {
                    func: Arc::clone(func),
                    params,
                },
            )))
        }
        _ => Ok(Transformed::no(e)),
    })
}

fn is_decimal(expr: &Expr, schema: &DFSchema) -> bool {
    // An expression whose type cannot be read here is left as it is.
    expr.get_type(schema)
        .is_ok_and(|t| matches!(t, DataType::Decimal128(..) | DataType::Decimal256(..)))
}

fn as_double(expr: &Expr) -> Expr {
    Expr::Cast(Cast::new(Box::new(expr.clone()), DataType::Float64))
}

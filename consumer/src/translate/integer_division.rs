//! Integer division for DuckDB. DataFusion's `a / b` on two integers truncates; DuckDB's `/`
//! on integers returns a double and its `//` truncates. DataFusion's `DuckDBDialect` writes
//! `//` for every division, which is wrong for decimals and floats (q8 and q14 of TPC-H
//! divide decimals), so our dialect writes `/` and this rewrite marks the integer divisions,
//! which the dialect then writes as `//`.

use std::sync::Arc;

use datafusion::arrow::datatypes::DataType;
use datafusion::common::DFSchema;
use datafusion::common::tree_node::Transformed;

use super::expression_rewrite::rewrite_expressions;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    BinaryExpr, ColumnarValue, Expr, ExprSchemable, LogicalPlan, Operator, ScalarFunctionArgs,
    ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::sql::sqlparser::ast::{self, BinaryOperator};
use datafusion::sql::unparser::Unparser;

/// The marker function's name; never run, only unparsed.
pub const INTEGER_DIVIDE: &str = "switchyard_integer_divide";

/// Replaces `a / b` on two integer operands with [`INTEGER_DIVIDE`]`(a, b)`.
pub fn mark_integer_divisions(plan: LogicalPlan) -> Result<LogicalPlan> {
    let marker = Arc::new(ScalarUDF::new_from_impl(IntegerDivide::new()));
    rewrite_expressions(plan, &|e, schema| match &e {
        Expr::BinaryExpr(BinaryExpr {
            left,
            op: Operator::Divide,
            right,
        }) if is_integer(left, schema)? && is_integer(right, schema)? => Ok(Transformed::yes(
            marker.call(vec![left.as_ref().clone(), right.as_ref().clone()]),
        )),
        _ => Ok(Transformed::no(e)),
    })
}

/// The SQL for a marked division, `(left OP right)` with the dialect's integer division
/// operator; `None` for any other function.
pub fn integer_division_sql(
    unparser: &Unparser,
    func_name: &str,
    args: &[Expr],
    operator: BinaryOperator,
) -> Result<Option<ast::Expr>> {
    let (INTEGER_DIVIDE, [left, right]) = (func_name, args) else {
        return Ok(None);
    };
    Ok(Some(ast::Expr::Nested(Box::new(ast::Expr::BinaryOp {
        left: Box::new(unparser.expr_to_sql(left)?),
        op: operator,
        right: Box::new(unparser.expr_to_sql(right)?),
    }))))
}

fn is_integer(expr: &Expr, schema: &DFSchema) -> Result<bool> {
    // An expression whose type cannot be read here is left alone (written as `/`).
    Ok(expr
        .get_type(schema)
        .map(|t| t.is_integer())
        .unwrap_or(false))
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct IntegerDivide {
    signature: Signature,
}

impl IntegerDivide {
    fn new() -> Self {
        Self {
            signature: Signature::any(2, Volatility::Immutable),
        }
    }
}

impl ScalarUDFImpl for IntegerDivide {
    fn name(&self) -> &str {
        INTEGER_DIVIDE
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        Ok(arg_types.first().cloned().unwrap_or(DataType::Int64))
    }

    fn invoke_with_args(&self, _args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        Err(DataFusionError::Internal(format!(
            "{INTEGER_DIVIDE} marks a division for SQL translation and is never run"
        )))
    }
}

//! Spark SQL, as Spark 4 parses it by default (ANSI mode). DataFusion has no Spark dialect;
//! this one starts from the defaults and changes what Spark reads differently. Each rule is
//! tested in `translate/tests.rs` and against a real Spark in `cli/tests/spark.rs`:
//!
//! - identifiers are quoted with backticks;
//! - string literals escape `\` and `'` with a backslash (Spark's lexer treats `\` as an
//!   escape, so `'a\b'` would lose its backslash);
//! - `a / b` on two integers is written `a DIV b`: Spark's `/` returns a double there,
//!   DataFusion's truncates (the divisions are marked by `mark_integer_divisions`);
//! - cast types are Spark's: `STRING` for text, `DOUBLE`, `INT`, `BIGINT`, `TINYINT`,
//!   `TIMESTAMP_NTZ` for timestamps without a time zone (Spark's `TIMESTAMP` has one);
//! - intervals are written as SQL-standard literals (`INTERVAL '3' MONTH`), which Spark reads
//!   as ANSI interval types that date arithmetic accepts;
//! - derived tables always get an alias;
//! - decimal quotients and averages are computed in DOUBLE (`decimal_quotients.rs`).

use std::sync::Arc;

use arrow::datatypes::TimeUnit;
use datafusion::error::Result;
use datafusion::logical_expr::Expr;
use datafusion::sql::sqlparser::ast::{self, BinaryOperator, Ident};
use datafusion::sql::unparser::Unparser;
use datafusion::sql::unparser::dialect::{CharacterLengthStyle, Dialect, IntervalStyle};

use super::integer_division::integer_division_sql;
use crate::sql_text::spark_string;

/// The Spark SQL dialect.
pub struct SparkDialect;

impl Dialect for SparkDialect {
    fn identifier_quote_style(&self, _: &str) -> Option<char> {
        Some('`')
    }

    fn interval_style(&self) -> IntervalStyle {
        IntervalStyle::SQLStandard
    }

    fn float64_ast_dtype(&self) -> ast::DataType {
        ast::DataType::Double(ast::ExactNumberInfo::None)
    }

    fn utf8_cast_dtype(&self) -> ast::DataType {
        ast::DataType::String(None)
    }

    fn large_utf8_cast_dtype(&self) -> ast::DataType {
        ast::DataType::String(None)
    }

    fn character_length_style(&self) -> CharacterLengthStyle {
        CharacterLengthStyle::CharacterLength
    }

    fn int64_cast_dtype(&self) -> ast::DataType {
        ast::DataType::BigInt(None)
    }

    fn int32_cast_dtype(&self) -> ast::DataType {
        ast::DataType::Int(None)
    }

    fn int8_cast_dtype(&self) -> ast::DataType {
        ast::DataType::TinyInt(None)
    }

    fn timestamp_cast_dtype(&self, _unit: &TimeUnit, tz: &Option<Arc<str>>) -> ast::DataType {
        match tz {
            Some(_) => ast::DataType::Timestamp(None, ast::TimezoneInfo::None),
            None => ast::DataType::Custom(
                ast::ObjectName::from(vec![Ident::new("TIMESTAMP_NTZ")]),
                Vec::new(),
            ),
        }
    }

    fn requires_derived_table_alias(&self) -> bool {
        true
    }

    fn division_operator(&self) -> BinaryOperator {
        BinaryOperator::Divide
    }

    fn scalar_function_to_sql_overrides(
        &self,
        unparser: &Unparser,
        func_name: &str,
        args: &[Expr],
    ) -> Result<Option<ast::Expr>> {
        integer_division_sql(unparser, func_name, args, BinaryOperator::MyIntegerDivide)
    }

    fn string_literal_to_sql(&self, s: &str) -> Option<ast::Expr> {
        // The AST's string literal doubles quotes and leaves backslashes; Spark needs both
        // escaped with a backslash, so the escaped text goes out as it is (an unquoted
        // identifier is printed verbatim).
        (s.contains('\\') || s.contains('\''))
            .then(|| ast::Expr::Identifier(Ident::new(spark_string(s))))
    }
}

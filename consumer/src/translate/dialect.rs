//! The SQL dialects Switchyard translates to, and what each needs beyond DataFusion's
//! `Unparser`. Every rule here has a test in `translate/tests.rs`.

use datafusion::error::Result;
use datafusion::logical_expr::{Expr, LogicalPlan};
use datafusion::sql::sqlparser::ast::{self, BinaryOperator};
use datafusion::sql::unparser::Unparser;
use datafusion::sql::unparser::dialect::{
    CharacterLengthStyle, Dialect, DistinctFromStyle, DuckDBDialect, PostgreSqlDialect,
};

use super::decimal_quotients::decimal_quotients_in_double;
use super::integer_division::{integer_division_sql, mark_integer_divisions};
use super::ranking_frames::ranking_frames_as_rows;
use super::spark_dialect::SparkDialect;
use super::truncating_casts::truncate_before_integer_casts;

/// An engine's SQL dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlTarget {
    /// DuckDB.
    DuckDb,
    /// PostgreSQL.
    Postgres,
    /// Spark SQL (Spark 4, ANSI mode).
    Spark,
}

impl SqlTarget {
    /// The function giving a grouping set's id over all its keys, first key highest: SQL's
    /// `GROUPING` takes several keys in DuckDB and PostgreSQL, only one in Spark, which has
    /// `grouping_id` for this.
    pub fn grouping_id_function(self) -> &'static str {
        match self {
            SqlTarget::DuckDb | SqlTarget::Postgres => "GROUPING",
            SqlTarget::Spark => "grouping_id",
        }
    }

    /// The dialect's name for messages.
    pub fn label(self) -> &'static str {
        match self {
            Self::DuckDb => "DuckDB",
            Self::Postgres => "PostgreSQL",
            Self::Spark => "Spark SQL",
        }
    }

    /// Whether the engine gets subqueries as subqueries, correlated ones included, rather
    /// than DataFusion's joins. DuckDB decorrelates them itself and, knowing the outer
    /// query, aggregates only the groups it needs (TPC-H q17 and q20 ran 3.6× and 1.7× slower
    /// from DataFusion's joins). PostgreSQL would rerun a correlated subquery per outer row,
    /// and Spark refuses correlation inside derived tables, so both get joins.
    pub fn keeps_correlated_subqueries(self) -> bool {
        matches!(self, Self::DuckDb)
    }

    /// The `Unparser` dialect.
    pub(crate) fn dialect(self) -> Box<dyn Dialect> {
        match self {
            Self::DuckDb => Box::new(DuckDb(DuckDBDialect::new())),
            Self::Postgres => Box::new(PostgreSqlDialect {}),
            Self::Spark => Box::new(SparkDialect),
        }
    }

    /// Plan rewrites that keep DataFusion's meaning in this dialect.
    pub(crate) fn rewrite(self, plan: LogicalPlan) -> Result<LogicalPlan> {
        let plan = truncate_before_integer_casts(plan)?;
        match self {
            Self::DuckDb => mark_integer_divisions(plan),
            // Spark divides integers into a double with `/`, as DuckDB does, and rounds
            // decimal quotients its own way.
            Self::Spark => {
                ranking_frames_as_rows(decimal_quotients_in_double(mark_integer_divisions(plan)?)?)
            }
            // PostgreSQL's `/` truncates on integers, as DataFusion's does.
            Self::Postgres => Ok(plan),
        }
    }
}

/// DataFusion's DuckDB dialect, except that division is `/` and only the divisions marked
/// as integer divisions become `//`.
struct DuckDb(DuckDBDialect);

impl Dialect for DuckDb {
    fn identifier_quote_style(&self, identifier: &str) -> Option<char> {
        self.0.identifier_quote_style(identifier)
    }

    fn character_length_style(&self) -> CharacterLengthStyle {
        self.0.character_length_style()
    }

    fn division_operator(&self) -> BinaryOperator {
        BinaryOperator::Divide
    }

    fn distinct_from_style(&self) -> DistinctFromStyle {
        self.0.distinct_from_style()
    }

    fn scalar_function_to_sql_overrides(
        &self,
        unparser: &Unparser,
        func_name: &str,
        args: &[Expr],
    ) -> Result<Option<ast::Expr>> {
        if let Some(division) =
            integer_division_sql(unparser, func_name, args, BinaryOperator::DuckIntegerDivide)?
        {
            return Ok(Some(division));
        }
        self.0
            .scalar_function_to_sql_overrides(unparser, func_name, args)
    }
}

//! SQL text → DataFusion logical plan, with the views a query file defines inlined.

use datafusion::error::DataFusionError;
use datafusion::execution::SessionState;
use datafusion::logical_expr::LogicalPlan;
use datafusion::prelude::SessionContext;
use datafusion::sql::parser::{DFParserBuilder, Statement};
use datafusion::sql::sqlparser::ast::{ObjectType, Statement as SqlStatement};
use datafusion::sql::sqlparser::dialect::dialect_from_str;

use crate::catalog::Catalog;
use crate::dialect::SqlDialect;
use crate::error::{ProducerError, Result};
use crate::multiset_set_operations::refuse_multiset_set_operations;

/// What one statement of a query file is for.
enum StatementRole {
    /// `CREATE VIEW`: registered, then inlined wherever the query reads it.
    DefineView,
    /// `DROP VIEW`: the file's clean-up, which changes nothing for the plan.
    DropView,
    /// The query the plan is made of.
    Query,
}

fn role_of(statement: &Statement) -> Result<StatementRole> {
    let unsupported = |what: String| {
        ProducerError::Statements(format!(
            "{what} is not supported: a query file holds CREATE VIEW statements, one query, and DROP VIEW statements"
        ))
    };
    match statement {
        Statement::Statement(inner) => match inner.as_ref() {
            SqlStatement::Query(_) => Ok(StatementRole::Query),
            SqlStatement::CreateView(_) => Ok(StatementRole::DefineView),
            SqlStatement::Drop {
                object_type: ObjectType::View,
                ..
            } => Ok(StatementRole::DropView),
            other => Err(unsupported(first_words(&other.to_string()))),
        },
        other => Err(unsupported(first_words(&other.to_string()))),
    }
}

fn first_words(statement: &str) -> String {
    let words: Vec<&str> = statement.split_whitespace().take(3).collect();
    format!("`{}`", words.join(" "))
}

/// Plans the single query in `sql` (after any views it defines) against `ctx`.
///
/// Returns the plan with the session state it was planned in: a query file with views is
/// planned in a scratch session, so the views never leak into the shared catalog.
pub(crate) async fn plan_sql(
    ctx: &SessionContext,
    catalog: &Catalog,
    sql: &str,
    dialect: SqlDialect,
) -> Result<(LogicalPlan, SessionState)> {
    let parser_dialect = dialect_from_str(dialect.name())
        .ok_or_else(|| ProducerError::Statements(format!("sqlparser has no {dialect} dialect")))?;
    let statements = DFParserBuilder::new(sql)
        .with_dialect(parser_dialect.as_ref())
        .build()
        .and_then(|mut parser| parser.parse_statements())
        .map_err(ProducerError::Sql)?;
    statements
        .iter()
        .try_for_each(refuse_multiset_set_operations)?;
    let roles = statements.iter().map(role_of).collect::<Result<Vec<_>>>()?;
    let queries = roles
        .iter()
        .filter(|r| matches!(r, StatementRole::Query))
        .count();
    if queries != 1 {
        return Err(ProducerError::Statements(format!(
            "expected exactly one query, found {queries}"
        )));
    }
    let defines_views = roles.iter().any(|r| matches!(r, StatementRole::DefineView));
    let session = if defines_views {
        let scratch = SessionContext::new_with_config(ctx.copied_config());
        catalog.register_into(&scratch)?;
        scratch
    } else {
        ctx.clone()
    };
    let mut query_plan = None;
    for (statement, role) in statements.into_iter().zip(roles) {
        let state = session.state();
        match role {
            StatementRole::DropView => {}
            StatementRole::DefineView => {
                let plan = state
                    .statement_to_plan(statement)
                    .await
                    .map_err(ProducerError::Sql)?;
                session
                    .execute_logical_plan(plan)
                    .await
                    .map_err(ProducerError::Sql)?;
            }
            StatementRole::Query => {
                let plan = state
                    .statement_to_plan(statement)
                    .await
                    .map_err(ProducerError::Sql)?;
                query_plan = Some((plan, state));
            }
        }
    }
    query_plan.ok_or_else(|| ProducerError::Sql(DataFusionError::Plan("no query".into())))
}

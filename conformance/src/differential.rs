//! Differential runs: a query's plan on one engine against DataFusion running the SQL text
//! directly (the independent answer).

use std::time::{Duration, Instant};

use datafusion::physical_plan::common::collect;
use switchyard_producer::{SqlDialect, ValidatedPlan};
use switchyard_router::Switchyard;
use thiserror::Error;

use crate::compare::{ColumnNames, DEFAULT_RELATIVE_TOLERANCE, compare_results_with};
use crate::corpus::tpch_query;
use crate::direct::{direct_session, run_sql_directly};

/// Why a differential run did not pass.
#[derive(Debug, Error)]
pub enum DifferentialError {
    /// The query could not be read, compiled or answered directly: the harness's problem,
    /// not the engine's.
    #[error("setup: {0}")]
    Setup(String),
    /// The engine refused or failed the plan; the message is the engine's error.
    #[error("{0}")]
    Engine(String),
    /// The engine returned rows that differ from the independent answer.
    #[error("wrong result: {0}")]
    Mismatch(String),
}

/// A passing run.
#[derive(Debug, Clone)]
pub struct DifferentialPass {
    /// Rows returned.
    pub rows: usize,
    /// Time on the engine, from submitting the plan to the last batch.
    pub elapsed: Duration,
}

/// Compiles TPC-H query `number` to Substrait, runs it on `engine` and compares the rows
/// with DataFusion running the same SQL directly.
pub async fn tpch_differential(
    switchyard: &Switchyard,
    engine: &str,
    number: usize,
) -> Result<DifferentialPass, DifferentialError> {
    let sql = tpch_query(number).map_err(|e| DifferentialError::Setup(e.to_string()))?;
    sql_differential(switchyard, engine, &sql).await
}

/// Compiles `sql` to Substrait, runs it on `engine` and compares the rows with DataFusion
/// running the same SQL directly.
pub async fn sql_differential(
    switchyard: &Switchyard,
    engine: &str,
    sql: &str,
) -> Result<DifferentialPass, DifferentialError> {
    let setup = |e: &dyn std::fmt::Display| DifferentialError::Setup(e.to_string());
    let plan = switchyard
        .producer()
        .compile_checked(sql, SqlDialect::Generic)
        .await
        .map_err(|e| setup(&e))?;
    plan_differential(switchyard, engine, &plan, sql, ColumnNames::Exact).await
}

/// Runs `plan` on `engine` and compares the rows with DataFusion running `sql` (the query the
/// plan was made from) directly, column names as `names` says.
pub async fn plan_differential(
    switchyard: &Switchyard,
    engine: &str,
    plan: &ValidatedPlan,
    sql: &str,
    names: ColumnNames,
) -> Result<DifferentialPass, DifferentialError> {
    let setup = |e: &dyn std::fmt::Display| DifferentialError::Setup(e.to_string());
    let direct = direct_session(switchyard.catalog()).map_err(|e| setup(&e))?;
    let expected = run_sql_directly(&direct, sql)
        .await
        .map_err(|e| setup(&e))?;
    let started = Instant::now();
    let (_, stream) = switchyard
        .execute(plan, Some(engine))
        .await
        .map_err(|e| DifferentialError::Engine(e.to_string()))?;
    let actual = collect(stream)
        .await
        .map_err(|e| DifferentialError::Engine(e.to_string()))?;
    let elapsed = started.elapsed();
    compare_results_with(
        &expected.batches,
        &actual,
        expected.ordered,
        DEFAULT_RELATIVE_TOLERANCE,
        names,
    )
    .map_err(DifferentialError::Mismatch)?;
    Ok(DifferentialPass {
        rows: actual.iter().map(|b| b.num_rows()).sum(),
        elapsed,
    })
}

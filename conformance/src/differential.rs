//! Differential runs: a query's plan on one engine against the independent reference, DuckDB
//! 2.0.1 running the query's SQL text directly ([`crate::reference`]), compared with the
//! strict comparator at the types the plan declares.

use std::time::{Duration, Instant};

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::physical_plan::common::collect;
use switchyard_producer::{Catalog, SqlDialect, ValidatedPlan};
use switchyard_router::Switchyard;
use thiserror::Error;

use crate::column_kind::ColumnKind;
use crate::compare::{
    ColumnNames, Comparison, DEFAULT_RELATIVE_TOLERANCE, ResultRows, compare_answers,
};
use crate::corpus::tpch_query;
use crate::reference::{PublishedCheck, ReferenceError, reference_answer};

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
    /// The reference could not answer the SQL (DuckDB does not accept its dialect, say): the
    /// case has no independent answer, whatever the engine does.
    #[error("no independent answer: {0}")]
    NoReference(String),
    /// The engine returned rows that differ from the independent answer.
    #[error("wrong result: {0}")]
    Mismatch(String),
    /// The engine agreed with the reference, but that proves nothing: the reference answer is
    /// empty or all NULL, or the published answer set disagrees with it.
    #[error("inconclusive: {0}")]
    Inconclusive(String),
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
/// with the reference running the same SQL directly.
pub async fn tpch_differential(
    switchyard: &Switchyard,
    engine: &str,
    number: usize,
) -> Result<DifferentialPass, DifferentialError> {
    let sql = tpch_query(number).map_err(|e| DifferentialError::Setup(e.to_string()))?;
    sql_differential(switchyard, engine, &sql).await
}

/// Compiles `sql` to Substrait, runs it on `engine` and compares the rows with the reference
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

/// Holds `actual`, the answer an engine gave to `plan`, to the reference running `sql` (the
/// query the plan was made from) over `catalog`: the kinds the plan declares, the reference's
/// rows, and, for a query of a published answer set (`published`: `tpch/q01`), the published
/// answer; an agreement with a reference that proves nothing is
/// [`DifferentialError::Inconclusive`].
pub async fn check_answer(
    catalog: &Catalog,
    plan: &ValidatedPlan,
    sql: &str,
    published: Option<&str>,
    actual: &[RecordBatch],
    names: ColumnNames,
) -> Result<(), DifferentialError> {
    let reference = reference_answer(catalog, sql, published)
        .await
        .map_err(|e| match e {
            ReferenceError::Query(message) => DifferentialError::NoReference(message),
            other => DifferentialError::Setup(other.to_string()),
        })?;
    // The reference names a column the SQL leaves unnamed its own way (`sum(l_quantity)`
    // where DataFusion writes `sum(lineitem.l_quantity)`) and keeps an alias's case where
    // DataFusion lowercases it: such names are compared as another producer's.
    let names = match names {
        ColumnNames::Exact => ColumnNames::ProducerChosen,
        other => other,
    };
    let comparison = Comparison {
        ordered: reference.ordered,
        tolerance: DEFAULT_RELATIVE_TOLERANCE,
        names,
        declared: plan.output_types().map(ColumnKind::of_declared),
    };
    let matched = compare_answers(&reference.batches, actual, &comparison);
    if let PublishedCheck::Differs(difference) = &reference.published {
        let engine_side = match &matched {
            Ok(()) => "the engine agrees with DuckDB".to_string(),
            Err(mismatch) => format!("the engine differs from DuckDB too ({mismatch})"),
        };
        return Err(DifferentialError::Inconclusive(format!(
            "the references disagree: DuckDB's answer differs from the published one \
             ({difference}); {engine_side}"
        )));
    }
    matched.map_err(DifferentialError::Mismatch)?;
    let reference_rows =
        ResultRows::from_batches(&reference.batches).map_err(DifferentialError::Setup)?;
    match reference_rows.proves_nothing() {
        Some(why) => Err(DifferentialError::Inconclusive(format!(
            "the engine agrees, but {why}"
        ))),
        None => Ok(()),
    }
}

/// Runs `plan` on `engine` and compares the rows with the reference running `sql` (the query
/// the plan was made from) directly, column names as `names` says.
pub async fn plan_differential(
    switchyard: &Switchyard,
    engine: &str,
    plan: &ValidatedPlan,
    sql: &str,
    names: ColumnNames,
) -> Result<DifferentialPass, DifferentialError> {
    published_differential(switchyard, engine, plan, sql, None, names).await
}

/// [`plan_differential`] for a query of a published answer set (`tpch/q01`): the reference is
/// held to the published answer too, and a case whose two references disagree is
/// [`DifferentialError::Inconclusive`], never a pass.
pub async fn published_differential(
    switchyard: &Switchyard,
    engine: &str,
    plan: &ValidatedPlan,
    sql: &str,
    published: Option<&str>,
    names: ColumnNames,
) -> Result<DifferentialPass, DifferentialError> {
    let started = Instant::now();
    let (_, stream) = switchyard
        .execute(plan, Some(engine))
        .await
        .map_err(|e| DifferentialError::Engine(e.to_string()))?;
    let actual = collect(stream)
        .await
        .map_err(|e| DifferentialError::Engine(e.to_string()))?;
    let elapsed = started.elapsed();
    check_answer(switchyard.catalog(), plan, sql, published, &actual, names).await?;
    Ok(DifferentialPass {
        rows: actual.iter().map(|b| b.num_rows()).sum(),
        elapsed,
    })
}

//! The two oracles. Differential: the plan Switchyard's producer compiles from a query, run
//! on an engine through Switchyard, against the reference's answer to the SQL text.
//! Partition (SQLancer's ternary logic): on one engine, `Q` against `Q WHERE p UNION ALL
//! Q WHERE NOT p UNION ALL Q WHERE p IS NULL`, which needs no second engine.

use std::time::Duration;

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::physical_plan::common::collect;
use switchyard_consumer::EngineError;
use switchyard_producer::{SqlDialect, ValidatedPlan};
use switchyard_router::{RouterError, Switchyard, Verdict};

use super::ast::{BinOp, Expr, Query};
use super::reference::Reference;
use crate::compare::{ColumnNames, DEFAULT_RELATIVE_TOLERANCE, compare_results_with};

/// Which oracle found a disagreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Oracle {
    /// The engine against the reference.
    Differential,
    /// The engine against itself, over a ternary partition of the rows.
    Partition,
}

impl std::fmt::Display for Oracle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Oracle::Differential => "differential",
            Oracle::Partition => "partition",
        })
    }
}

/// How an engine's answer went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Rows differ; the comparator's message.
    Mismatch(String),
    /// The engine failed where the other side answered; its error.
    Failed(String),
}

impl Problem {
    /// Whether two problems are of one kind (what shrinking preserves).
    pub fn same_kind(&self, other: &Problem) -> bool {
        matches!(
            (self, other),
            (Problem::Mismatch(_), Problem::Mismatch(_)) | (Problem::Failed(_), Problem::Failed(_))
        )
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Mismatch(message) => write!(f, "wrong result: {message}"),
            Problem::Failed(message) => write!(f, "failed: {message}"),
        }
    }
}

/// A query the reference answered and the producer compiled.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The SQL text.
    pub sql: String,
    /// The plan.
    pub plan: ValidatedPlan,
    /// The reference's answer.
    pub expected: Vec<RecordBatch>,
    /// Whether row order is part of the answer.
    pub ordered: bool,
}

/// Why a query was not checked at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// The reference refused or failed it (overflow, a type error): not a query to judge.
    Reference(String),
    /// Switchyard's producer could not compile it.
    Compile(String),
}

/// What running a plan on an engine gave.
#[derive(Debug)]
pub enum Ran {
    /// Rows.
    Rows(Vec<RecordBatch>),
    /// The engine's manifest (or its translation) refuses the plan.
    Refused(String),
    /// It did not finish within the timeout.
    TimedOut,
    /// It failed.
    Failed(String),
}

/// Why an engine's answer was not judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skipped {
    /// The engine's manifest (or its translation) refuses the plan; why.
    Refused(String),
    /// It did not finish within the timeout.
    TimedOut,
}

/// The outcome of an oracle on one engine.
#[derive(Debug)]
pub enum Outcome {
    /// The two sides agree; the engine's rows.
    Agree(Vec<RecordBatch>),
    /// Not judged.
    NotRun(Skipped),
    /// They disagree.
    Disagree {
        /// How.
        problem: Problem,
        /// The rows the engine should have returned.
        expected: Vec<RecordBatch>,
        /// The engine's rows (none when it failed).
        actual: Vec<RecordBatch>,
    },
}

/// Runs queries on the reference and on engines through Switchyard.
#[derive(Debug)]
pub struct Checker<'a> {
    switchyard: &'a Switchyard,
    reference: &'a Reference,
    timeout: Duration,
}

impl<'a> Checker<'a> {
    /// A checker giving each engine run at most `timeout`.
    pub fn new(switchyard: &'a Switchyard, reference: &'a Reference, timeout: Duration) -> Self {
        Self {
            switchyard,
            reference,
            timeout,
        }
    }

    /// The reference's answer and the compiled plan of `query`.
    pub async fn prepare(&self, query: &Query) -> Result<Prepared, Invalid> {
        let sql = query.to_string();
        let expected = self
            .reference
            .answer(&sql, self.timeout)
            .map_err(Invalid::Reference)?;
        let plan = self.compile(&sql).await.map_err(Invalid::Compile)?;
        Ok(Prepared {
            sql,
            plan,
            expected,
            ordered: query.is_ordered(),
        })
    }

    async fn compile(&self, sql: &str) -> Result<ValidatedPlan, String> {
        self.switchyard
            .producer()
            .compile_checked(sql, SqlDialect::Generic)
            .await
            .map_err(|e| e.to_string())
    }

    /// Runs `plan` on `engine` through Switchyard, unless its manifest refuses it.
    pub async fn run(&self, plan: &ValidatedPlan, engine: &str) -> Ran {
        let decision = match self.switchyard.explain(plan, Some(engine)) {
            Ok(decision) => decision,
            Err(e) => return Ran::Failed(e.to_string()),
        };
        match decision.candidate(engine).map(|c| &c.verdict) {
            // A suspect mark (a disagreement the service's shadow recorded) steers routing
            // away; the fuzzer names the engine to test it, so it still runs the query.
            Some(Verdict::Capable | Verdict::Suspect { .. }) | None => {}
            Some(Verdict::Missing { features }) => {
                let mut missing: Vec<&str> = features.iter().map(|f| f.feature.as_str()).collect();
                missing.sort_unstable();
                missing.dedup();
                return Ran::Refused(format!("manifest lacks {}", missing.join(", ")));
            }
            Some(Verdict::Excluded { reason }) => return Ran::Refused(reason.clone()),
            Some(Verdict::Down { error }) => return Ran::Refused(error.clone()),
        }
        let run = async {
            let (_, stream) = self.switchyard.execute(plan, Some(engine)).await?;
            collect(stream).await.map_err(|source| {
                RouterError::from(EngineError::Execution {
                    engine: engine.to_string(),
                    source,
                })
            })
        };
        match tokio::time::timeout(self.timeout, run).await {
            Err(_) => Ran::TimedOut,
            Ok(Ok(batches)) => Ran::Rows(batches),
            // The adapter's typed refusals: no SQL for the plan, or an operation it lacks.
            Ok(Err(RouterError::Engine(
                e @ (EngineError::Translate { .. } | EngineError::Unsupported { .. }),
            ))) => Ran::Refused(e.to_string()),
            Ok(Err(e)) => Ran::Failed(e.to_string()),
        }
    }

    /// The differential oracle on `engine`.
    pub async fn differential(&self, prepared: &Prepared, engine: &str) -> Outcome {
        match self.run(&prepared.plan, engine).await {
            Ran::Rows(actual) => judge(&prepared.expected, actual, prepared.ordered),
            Ran::Failed(message) => Outcome::Disagree {
                problem: Problem::Failed(message),
                expected: prepared.expected.clone(),
                actual: vec![],
            },
            Ran::Refused(reason) => Outcome::NotRun(Skipped::Refused(reason)),
            Ran::TimedOut => Outcome::NotRun(Skipped::TimedOut),
        }
    }

    /// The partition oracle on `engine`: `answer` is the engine's answer to `query`; `None`
    /// when the query has no partition form or its partitions do not compile.
    pub async fn partition(
        &self,
        query: &Query,
        predicate: &Expr,
        engine: &str,
        answer: &[RecordBatch],
    ) -> Option<Outcome> {
        let sql = partition_sql(query, predicate)?;
        let plan = self.compile(&sql).await.ok()?;
        Some(match self.run(&plan, engine).await {
            Ran::Rows(actual) => judge(answer, actual, false),
            Ran::Failed(message) => Outcome::Disagree {
                problem: Problem::Failed(message),
                expected: answer.to_vec(),
                actual: vec![],
            },
            Ran::Refused(reason) => Outcome::NotRun(Skipped::Refused(reason)),
            Ran::TimedOut => Outcome::NotRun(Skipped::TimedOut),
        })
    }
}

fn judge(expected: &[RecordBatch], actual: Vec<RecordBatch>, ordered: bool) -> Outcome {
    match compare_results_with(
        expected,
        &actual,
        ordered,
        DEFAULT_RELATIVE_TOLERANCE,
        ColumnNames::Exact,
    ) {
        Ok(()) => Outcome::Agree(actual),
        Err(message) => Outcome::Disagree {
            problem: Problem::Mismatch(message),
            expected: expected.to_vec(),
            actual,
        },
    }
}

/// Whether the partition oracle applies: a single `SELECT` whose rows are its filtered
/// input's rows (no aggregate, window, set operation or limit).
pub fn partitionable(query: &Query) -> bool {
    let select = &query.body.select;
    !select.aggregated
        && !select.items.iter().any(Expr::has_window)
        && query.body.set.is_none()
        && query.limit.is_none()
        && query.offset.is_none()
}

/// `Q WHERE p UNION ALL Q WHERE NOT p UNION ALL Q WHERE p IS NULL` (with `UNION` when `Q`
/// is `DISTINCT`), each `WHERE` added to `Q`'s own; `None` when the oracle does not apply.
pub fn partition_sql(query: &Query, predicate: &Expr) -> Option<String> {
    if !partitionable(query) {
        return None;
    }
    let select = &query.body.select;
    let parts = [
        predicate.clone(),
        Expr::Not(Box::new(predicate.clone())),
        Expr::IsNull {
            arg: Box::new(predicate.clone()),
            negated: false,
        },
    ];
    let combine = if select.distinct {
        " UNION "
    } else {
        " UNION ALL "
    };
    Some(
        parts
            .into_iter()
            .map(|part| {
                let mut select = select.clone();
                select.filter = Some(match select.filter.take() {
                    Some(filter) => Expr::binary(BinOp::And, filter, part),
                    None => part,
                });
                select.to_string()
            })
            .collect::<Vec<_>>()
            .join(combine),
    )
}

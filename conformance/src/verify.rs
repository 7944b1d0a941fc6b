//! Differential execution as a product feature: one plan's answers from two engines,
//! compared with the harness's comparator. `switchyard run --verify` and the service's
//! sampled shadow runs (`routing.verify`) both use it.

use std::time::Duration;

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::physical_plan::common::collect;
use switchyard_consumer::substrait_to_logical::substrait_to_logical;
use switchyard_producer::ValidatedPlan;
use switchyard_router::{RouteDecision, Switchyard, Verdict};
use thiserror::Error;

use crate::compare::{ColumnNames, DEFAULT_RELATIVE_TOLERANCE, compare_results_with};

/// One engine's answer: its rows, or the error it raised.
#[derive(Debug)]
pub struct Answer {
    /// The engine that gave it.
    pub engine: String,
    /// Its rows, or its error's text.
    pub outcome: Result<Vec<RecordBatch>, String>,
}

impl Answer {
    /// Rows in the answer (0 for an error).
    pub fn rows(&self) -> usize {
        self.outcome
            .as_ref()
            .map_or(0, |batches| batches.iter().map(RecordBatch::num_rows).sum())
    }

    fn described(&self) -> String {
        match &self.outcome {
            Ok(_) => format!("{} returned {} rows", self.engine, self.rows()),
            Err(error) => format!("{} failed: {error}", self.engine),
        }
    }
}

/// What comparing two answers found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Comparison {
    /// The same rows (within the comparator's tolerance).
    Agreed,
    /// Both engines failed: nothing to compare, and nothing to mark.
    BothFailed(String),
    /// The first difference: row, column and both values (the first engine's as
    /// "expected"), or that one engine failed where the other returned rows.
    Disagreed(String),
}

/// Why no second answer could be had.
#[derive(Debug, Error)]
pub enum VerifyError {
    /// No engine other than the first can run the plan.
    #[error(
        "nothing verified: no engine other than {engine} can run this plan (configure a second capable engine, or name one with --verify=ENGINE)"
    )]
    NoSecondEngine {
        /// The engine that ran the plan.
        engine: String,
    },
    /// The engine named to verify with cannot run the plan.
    #[error("nothing verified: {engine} cannot run this plan: {why}")]
    NotCapable {
        /// The engine named.
        engine: String,
        /// Its verdict.
        why: String,
    },
    /// The engine named to verify with is the one that ran the plan.
    #[error("nothing verified: {engine} cannot verify its own answer; name another engine")]
    SameEngine {
        /// The engine named twice.
        engine: String,
    },
}

/// The engine that gives the second answer: `named`, when it can run the plan, else the
/// cheapest engine other than `first` that can (by `decision`, routed without a named
/// engine), among `allowed` when that is not empty. An engine suspect for the plan's
/// features may verify: a later agreement is what clears it.
pub fn second_engine(
    decision: &RouteDecision,
    first: &str,
    named: Option<&str>,
    allowed: &[String],
) -> Result<String, VerifyError> {
    let usable = |verdict: &Verdict| matches!(verdict, Verdict::Capable | Verdict::Suspect { .. });
    if let Some(named) = named {
        if named == first {
            return Err(VerifyError::SameEngine {
                engine: named.to_string(),
            });
        }
        return match decision.candidate(named) {
            Some(candidate) if usable(&candidate.verdict) => Ok(named.to_string()),
            Some(candidate) => Err(VerifyError::NotCapable {
                engine: named.to_string(),
                why: verdict_text(&candidate.verdict),
            }),
            None => Err(VerifyError::NotCapable {
                engine: named.to_string(),
                why: "no such engine is configured".to_string(),
            }),
        };
    }
    let mut others: Vec<_> = decision
        .candidates
        .iter()
        .filter(|c| c.engine != first && usable(&c.verdict))
        .filter(|c| allowed.is_empty() || allowed.contains(&c.engine))
        .collect();
    // Trusted engines before suspect ones, each by estimated cost.
    others.sort_by(|a, b| {
        let suspect = |c: &&switchyard_router::Candidate| c.verdict != Verdict::Capable;
        let cost = |c: &&switchyard_router::Candidate| {
            c.cost.as_ref().map_or(f64::INFINITY, |c| c.total_ms)
        };
        suspect(a)
            .cmp(&suspect(b))
            .then(cost(a).total_cmp(&cost(b)))
    });
    others
        .first()
        .map(|c| c.engine.clone())
        .ok_or_else(|| VerifyError::NoSecondEngine {
            engine: first.to_string(),
        })
}

fn verdict_text(verdict: &Verdict) -> String {
    match verdict {
        Verdict::Capable => "capable".to_string(),
        Verdict::Missing { features } => features
            .iter()
            .map(|m| format!("{} at {}", m.feature, m.path))
            .collect::<Vec<_>>()
            .join("; "),
        Verdict::Excluded { reason } => format!("excluded: {reason}"),
        Verdict::Suspect { reason } => format!("suspect: {reason}"),
        Verdict::Down { error } => format!("down: {error}"),
    }
}

/// Runs `plan` on `engine` alone (no fallback) and collects its answer within `limit`.
pub async fn answer_on(
    switchyard: &Switchyard,
    plan: &ValidatedPlan,
    engine: &str,
    limit: Duration,
) -> Answer {
    let run = async {
        let routed = switchyard
            .run(plan, Some(engine))
            .await
            .map_err(|e| e.to_string())?;
        collect(routed.stream).await.map_err(|e| e.to_string())
    };
    let outcome = match tokio::time::timeout(limit, run).await {
        Ok(outcome) => outcome,
        Err(_) => Err(format!("no answer within {} ms", limit.as_millis())),
    };
    Answer {
        engine: engine.to_string(),
        outcome,
    }
}

/// Whether row order is part of the plan's answer (it ends in a sort); a plan DataFusion
/// cannot read is compared as unordered, which can only make answers agree less often.
pub async fn answer_is_ordered(switchyard: &Switchyard, plan: &ValidatedPlan) -> bool {
    let state = switchyard.producer().session().state();
    substrait_to_logical("verify", &state, plan)
        .await
        .is_ok_and(|logical| crate::compare::plan_is_ordered(&logical))
}

/// Compares two answers to the same plan.
pub fn compare_answers(first: &Answer, second: &Answer, ordered: bool) -> Comparison {
    match (&first.outcome, &second.outcome) {
        (Ok(expected), Ok(actual)) => match compare_results_with(
            expected,
            actual,
            ordered,
            DEFAULT_RELATIVE_TOLERANCE,
            ColumnNames::Exact,
        ) {
            Ok(()) => Comparison::Agreed,
            Err(difference) => Comparison::Disagreed(format!(
                "{difference} (expected: {}'s answer, got: {}'s)",
                first.engine, second.engine
            )),
        },
        (Err(_), Err(_)) => {
            Comparison::BothFailed(format!("{}; {}", first.described(), second.described()))
        }
        _ => Comparison::Disagreed(format!("{}; {}", first.described(), second.described())),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::array::Int8Array;
    use datafusion::arrow::datatypes::{DataType, Field, Schema};

    use super::*;

    fn answer(engine: &str, values: &[i8]) -> Answer {
        let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Int8, true)]));
        let batch = RecordBatch::try_new(schema, vec![Arc::new(Int8Array::from(values.to_vec()))])
            .expect("batch");
        Answer {
            engine: engine.to_string(),
            outcome: Ok(vec![batch]),
        }
    }

    #[test]
    fn answers_agree_differ_by_row_or_differ_by_failing() {
        let df = answer("datafusion", &[-126, 3]);
        assert_eq!(
            compare_answers(&df, &answer("duckdb", &[3, -126]), false),
            Comparison::Agreed
        );
        let Comparison::Disagreed(difference) =
            compare_answers(&df, &answer("duckdb", &[-126, 4]), true)
        else {
            panic!("rows differ")
        };
        assert!(
            difference.starts_with("row 1, column x: expected 3, got 4"),
            "{difference}"
        );
        assert!(difference.contains("datafusion") && difference.contains("duckdb"));
        let failed = Answer {
            engine: "duckdb".to_string(),
            outcome: Err("Overflow in addition of INT8 (120 + 10)!".to_string()),
        };
        assert_eq!(
            compare_answers(&df, &failed, false),
            Comparison::Disagreed(
                "datafusion returned 2 rows; duckdb failed: Overflow in addition of INT8 (120 + 10)!"
                    .to_string()
            )
        );
        assert!(matches!(
            compare_answers(&failed, &failed, false),
            Comparison::BothFailed(_)
        ));
    }
}

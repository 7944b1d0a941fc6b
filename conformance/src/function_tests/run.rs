//! Running test cases on an engine and classifying what happened.
//!
//! Each case becomes a plan ([`case_plan`]), runs on the engine, and ends as one
//! [`CaseOutcome`]. There is no time limit here: a caller that needs one wraps [`run_case`] in
//! `tokio::time::timeout`, as [`crate::suites::run_suites`] does.

use datafusion::physical_plan::common::collect;
use serde::Serialize;
use std::sync::Arc;
use switchyard_consumer::EngineRef;
use switchyard_consumer::error::EngineError;

use switchyard_producer::ValidatedPlan;
use switchyard_router::PlanFeatures;

use super::expect::{check_result, describe_result};
use super::{Expected, PlanError, TestCase, TestFile, case_plan};

/// How one case went on one engine.
///
/// Serializes as `{"outcome": "fail", "difference": ...}` (`{"outcome": "pass"}` for a pass).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum CaseOutcome {
    /// The engine gave the expected result, or failed where the case expects an error.
    Pass,
    /// The engine answered, but not as expected.
    Fail {
        /// What differed, e.g. `expected 3::i8, got 4 (Int8)`.
        difference: String,
    },
    /// The case needs something the plan builder or the engine lacks: a lambda, an unknown
    /// function or type (see [`is_unsupported`]).
    Unsupported {
        /// Why.
        reason: String,
    },
    /// Something went wrong that says nothing about the function: an invalid case or plan, an
    /// engine error where a value was expected.
    Error {
        /// The error.
        message: String,
    },
    /// The engine agreed with the reference, but the agreement proves nothing: the reference
    /// answer is empty or all NULL, or two references disagree.
    Inconclusive {
        /// Why.
        reason: String,
    },
}

impl CaseOutcome {
    /// The outcome's name in reports: `pass`, `fail`, `unsupported`, `error` or
    /// `inconclusive`.
    pub fn label(&self) -> &'static str {
        match self {
            CaseOutcome::Pass => "pass",
            CaseOutcome::Fail { .. } => "fail",
            CaseOutcome::Unsupported { .. } => "unsupported",
            CaseOutcome::Error { .. } => "error",
            CaseOutcome::Inconclusive { .. } => "inconclusive",
        }
    }
}

/// One case's outcome on one engine, with where the case comes from.
///
/// Serializes flat: the outcome's fields (`outcome`, and `difference`, `reason` or `message`)
/// sit beside `suite`, `file` and the rest, so a report reader sees one object per record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseRecord {
    /// The suite the case belongs to, e.g. `substrait-functions` or `tpch`.
    pub suite: String,
    /// The test file, relative to the cases folder, e.g. `arithmetic/add.test`.
    pub file: String,
    /// The 1-based line the case starts on.
    pub line: usize,
    /// The function called.
    pub function: String,
    /// The name of the case's group (`# name: description`), if any.
    pub group: Option<String>,
    /// The engine's configured name.
    pub engine: String,
    /// How it went.
    #[serde(flatten)]
    pub outcome: CaseOutcome,
    /// What the case's plan uses, for manifests from measurement; `None` when no plan
    /// could be made. Not written to `results.json`.
    #[serde(skip)]
    pub exercised: Option<Exercised>,
}

/// The features of the plan a case ran. Equal when the plans' fingerprints are.
#[derive(Debug, Clone)]
pub struct Exercised(pub Arc<PlanFeatures>);

impl Exercised {
    /// The features of `plan`.
    pub fn of(plan: &ValidatedPlan) -> Self {
        Self(Arc::new(PlanFeatures::of(plan)))
    }
}

impl PartialEq for Exercised {
    fn eq(&self, other: &Self) -> bool {
        self.0.fingerprint == other.0.fingerprint
    }
}

impl Eq for Exercised {}

/// Runs `case` on `engine`, where `include` is its file's `SUBSTRAIT_INCLUDE` list.
///
/// * A case the plan builder cannot express is [`CaseOutcome::Unsupported`]; an invalid case,
///   or a plan that fails validation, is [`CaseOutcome::Error`].
/// * An engine error whose message [`is_unsupported`] is `Unsupported`, whatever the case
///   expects: otherwise an engine that lacks a function would pass all its `<!ERROR>` cases.
/// * Any other error passes a case expecting `<!ERROR>` and is an `Error` for the rest.
/// * A result is checked with [`check_result`]; one for a case expecting an error fails.
pub async fn run_case(engine: &EngineRef, case: &TestCase, include: &[String]) -> CaseOutcome {
    match validated_case_plan(case, include) {
        Ok(plan) => run_case_plan(engine, case, &plan).await,
        Err(outcome) => outcome,
    }
}

/// The plan of `case`, checked; the case's outcome when no valid plan can be made (the case
/// uses something plans cannot say, or its plan is invalid).
pub fn validated_case_plan(
    case: &TestCase,
    include: &[String],
) -> Result<ValidatedPlan, CaseOutcome> {
    let plan = match case_plan(case, include) {
        Ok(plan) => plan,
        Err(PlanError::Unsupported(reason)) => return Err(CaseOutcome::Unsupported { reason }),
        Err(error @ PlanError::Invalid(_)) => {
            return Err(CaseOutcome::Error {
                message: error.to_string(),
            });
        }
    };
    ValidatedPlan::new(plan).map_err(|error| CaseOutcome::Error {
        message: format!("the case's plan is not valid: {error}"),
    })
}

/// Runs `plan`, the plan of `case`, on `engine` and judges the result by the case.
pub async fn run_case_plan(
    engine: &EngineRef,
    case: &TestCase,
    plan: &ValidatedPlan,
) -> CaseOutcome {
    let result = match engine.execute(plan).await {
        Ok(stream) => collect(stream).await.map_err(|error| {
            let message = format!("engine {} failed: {error}", engine.name());
            (is_unsupported(&message), message)
        }),
        Err(error) => Err((engine_lacks(&error), error.to_string())),
    };
    match (result, &case.expected) {
        (Err((true, reason)), _) => CaseOutcome::Unsupported { reason },
        (Err((false, _)), Expected::Error) => CaseOutcome::Pass,
        (Err((false, message)), _) => CaseOutcome::Error { message },
        (Ok(batches), Expected::Error) => CaseOutcome::Fail {
            difference: format!("expected an error, got {}", describe_result(&batches)),
        },
        (Ok(batches), expected) => match check_result(&batches, expected) {
            Ok(()) => CaseOutcome::Pass,
            Err(difference) => CaseOutcome::Fail { difference },
        },
    }
}

/// Runs every case of `test_file` on `engine`, one after another, in file order. `file` labels
/// the records: the file's path relative to the cases folder.
pub async fn run_file(engine: &EngineRef, file: &str, test_file: &TestFile) -> Vec<CaseRecord> {
    let mut records = Vec::with_capacity(test_file.cases.len());
    for case in &test_file.cases {
        let outcome = run_case(engine, case, &test_file.include).await;
        records.push(CaseRecord::for_case(file, case, engine.name(), outcome));
    }
    records
}

impl CaseRecord {
    /// The record of a function test case from `file` (relative to the cases folder) that ran
    /// on the engine named `engine`, in the `substrait-functions` suite.
    pub fn for_case(file: &str, case: &TestCase, engine: &str, outcome: CaseOutcome) -> Self {
        CaseRecord {
            suite: crate::suites::Suite::SubstraitFunctions.to_string(),
            file: file.to_string(),
            line: case.line,
            function: case.function.clone(),
            group: case.group.as_ref().map(|group| group.name.clone()),
            engine: engine.to_string(),
            outcome,
            exercised: None,
        }
    }
}

/// Phrases, in lower case, that engines use for a function, signature or type they lack:
/// DataFusion's "This feature is not implemented: Unsupported function name" and "Failed to
/// coerce arguments", DuckDB's "does not exist" and "No function matches", PostgreSQL's
/// "function ... does not exist".
const UNSUPPORTED_PHRASES: &[&str] = &[
    "not found",
    "unsupported",
    "not supported",
    "not implemented",
    "does not exist",
    "no function",
    "failed to coerce arguments",
];

/// Whether an engine's error message says it lacks the function, signature or type (rather
/// than that the call failed): it contains one of a few phrases engines use for that, ignoring
/// case. A heuristic: it reads only the message.
pub fn is_unsupported(message: &str) -> bool {
    let message = message.to_lowercase();
    UNSUPPORTED_PHRASES
        .iter()
        .any(|phrase| message.contains(phrase))
}

/// Whether an error from starting a plan means the engine lacks what the case needs. Only
/// errors about the plan are read; a setup or connection error says nothing about functions.
fn engine_lacks(error: &EngineError) -> bool {
    match error {
        EngineError::Unsupported { .. } | EngineError::Translate { .. } => true,
        EngineError::Plan { .. } | EngineError::Execution { .. } | EngineError::Remote { .. } => {
            is_unsupported(&error.to_string())
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use switchyard_consumer::{DataFusionConfig, DataFusionEngine};
    use switchyard_producer::Catalog;

    use super::super::parse_test_file;
    use super::*;

    #[test]
    fn engines_messages_for_missing_functions_are_unsupported() {
        for message in [
            "This feature is not implemented: Unsupported function name: \"frobnicate\"",
            "Catalog Error: Scalar Function with name frobnicate does not exist!",
            "Binder Error: No function matches the given name and argument types 'add(VARCHAR)'",
            "ERROR: function frobnicate(smallint) does not exist",
            "Error during planning: Failed to coerce arguments to satisfy a call to 'abs'",
            "Unsupported type: interval_compound",
        ] {
            assert!(is_unsupported(message), "{message}");
        }
    }

    #[test]
    fn failures_of_the_call_itself_are_not_unsupported() {
        for message in [
            "Arrow error: Divide by zero error",
            "Arrow error: Arithmetic overflow: Overflow happened on: 120 + 10",
            "Out of Range Error: Overflow in addition of INT8 (120 + 10)!",
            "ERROR: smallint out of range",
        ] {
            assert!(!is_unsupported(message), "{message}");
        }
    }

    fn engine() -> EngineRef {
        let engine =
            DataFusionEngine::new("datafusion", &Catalog::new(), &DataFusionConfig::default())
                .expect("an engine");
        Arc::new(engine)
    }

    fn file(body: &str) -> TestFile {
        let text = format!(
            "### SUBSTRAIT_SCALAR_TEST: v1.0\n\
             ### SUBSTRAIT_INCLUDE: '/extensions/functions_arithmetic.yaml'\n\n{body}\n"
        );
        parse_test_file(&text).expect("a valid test file")
    }

    #[tokio::test]
    async fn cases_run_and_are_classified() {
        let engine = engine();
        let cases = file(
            "# basic: simple cases\n\
             add(1::i8, 2::i8) = 3::i8\n\
             add(1::i8, 2::i8) = 4::i8\n\
             frobnicate(1::i8) = 1::i8\n\
             frobnicate(1::i8) = <!ERROR>",
        );
        let records = run_file(&engine, "arithmetic/add.test", &cases).await;
        let labels: Vec<&str> = records.iter().map(|r| r.outcome.label()).collect();
        assert_eq!(
            labels,
            ["pass", "fail", "unsupported", "unsupported"],
            "{records:#?}"
        );
        assert_eq!(records[0].group.as_deref(), Some("basic"));
        assert_eq!(records[0].engine, "datafusion");
        assert_eq!(records[0].suite, "substrait-functions");
        assert_eq!(
            records[1].outcome,
            CaseOutcome::Fail {
                difference: "expected 4::i8, got 3 (Int8)".to_string()
            }
        );
    }

    #[tokio::test]
    async fn a_case_without_a_plan_never_reaches_the_engine() {
        let mut cases = file("add(1::i8, 2::i8) = 3::i8");
        cases
            .include
            .push("/extensions/functions_rounding.yaml".to_string());
        let outcome = run_case(&engine(), &cases.cases[0], &cases.include).await;
        assert!(
            matches!(outcome, CaseOutcome::Unsupported { .. }),
            "{outcome:?}"
        );
        let outcome = run_case(&engine(), &cases.cases[0], &[]).await;
        assert!(matches!(outcome, CaseOutcome::Error { .. }), "{outcome:?}");
    }
}

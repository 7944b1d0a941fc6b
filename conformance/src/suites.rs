//! The conformance suites and running them over engines.
//!
//! * `substrait-functions`: every case of Substrait's function test files
//!   (`<corpus>/substrait-tests/tests/cases/**/*.test`), run as a one-row plan on each engine.
//! * `tpch`: the 22 TPC-H queries, each compared with DataFusion running the SQL directly
//!   ([`crate::differential::tpch_differential`]); the configuration's catalog must hold the
//!   TPC-H tables.
//! * `features`: queries over the TPC-H tables, one per relation, join type, set operation,
//!   subquery kind or window the TPC-H queries leave out ([`FEATURE_QUERIES`]), the same way;
//!   a query whose answer has no rows fails, as it proves nothing.
//! * `tpcds`: the 99 TPC-DS queries (103 with the two parts of q14, q23, q24 and q39), the
//!   same way; the catalog must hold the TPC-DS tables (`scripts/tpcds-data.sh` makes them).
//! * `foreign-plans`: TPC-H plans made by Isthmus and DuckDB 1.1.3, imported and each compared
//!   with DataFusion running the SQL they were made from ([`foreign_differential`]).
//! * `round-trip`: Switchyard's TPC-H plans and the foreign ones, each read by DataFusion and
//!   written again until a trip returns it unchanged, then the fixed point run on each engine
//!   against the SQL's answer ([`round_trip`]).
//!
//! Every case on every engine ends as one [`CaseRecord`]; a broken case or engine becomes a
//! record, never an early return, so one bad file cannot hide the rest of the matrix.

use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use switchyard_consumer::EngineRef;
use switchyard_producer::{SqlDialect, ValidatedPlan, import_plan_bytes};
use switchyard_router::Switchyard;
use thiserror::Error;

use crate::compare::ColumnNames;
use crate::corpus::{CorpusError, corpus_dir};
use crate::corpus::{tpcds_queries, tpch_query};
use crate::differential::{DifferentialError, DifferentialPass, plan_differential};
use crate::feature_queries::{FEATURE_QUERIES, PlanRewrite};
use crate::foreign_plans::{ForeignPlan, foreign_differential, foreign_tpch_plans};
use crate::function_tests::{
    CaseOutcome, CaseRecord, Exercised, TestFile, parse_test_file, run_case_plan,
    validated_case_plan,
};
use crate::round_trip::{RoundTripCase, RoundTripError, round_trip, round_trip_cases};

/// How long one function test case may take on an engine before it counts as an error.
pub const CASE_TIMEOUT: Duration = Duration::from_secs(30);

/// How long one foreign, TPC-DS or round-trip plan may take on an engine before it counts
/// as an error.
pub const PLAN_TIMEOUT: Duration = Duration::from_secs(120);

/// The number of TPC-H queries the `tpch` suite runs (1 to this).
pub const TPCH_QUERY_COUNT: usize = 22;

/// A conformance suite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Suite {
    /// Substrait's function test cases, one function call per case.
    SubstraitFunctions,
    /// The 22 TPC-H queries, checked against DataFusion running the SQL directly.
    Tpch,
    /// Queries over the TPC-H tables that each exercise a relation, join type, set operation,
    /// subquery or window the TPC queries leave out, checked the same way: the evidence
    /// behind the built-in manifests' claims.
    Features,
    /// The 99 TPC-DS queries (103 cases), checked against DataFusion running the SQL directly.
    Tpcds,
    /// TPC-H plans made by other producers (Isthmus, DuckDB 1.1.3), imported, each checked
    /// against DataFusion running the SQL it was made from.
    ForeignPlans,
    /// Plans (ours and foreign) taken through DataFusion until they settle, then checked
    /// against the SQL's answer.
    RoundTrip,
}

impl Suite {
    /// Every suite, in the order they run.
    pub const ALL: [Suite; 6] = [
        Suite::SubstraitFunctions,
        Suite::Tpch,
        Suite::Features,
        Suite::Tpcds,
        Suite::ForeignPlans,
        Suite::RoundTrip,
    ];

    /// The suite's name on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            Suite::SubstraitFunctions => "substrait-functions",
            Suite::Tpch => "tpch",
            Suite::Features => "features",
            Suite::Tpcds => "tpcds",
            Suite::ForeignPlans => "foreign-plans",
            Suite::RoundTrip => "round-trip",
        }
    }
}

impl fmt::Display for Suite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Suite {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Suite::ALL
            .into_iter()
            .find(|suite| suite.name() == text)
            .ok_or_else(|| {
                let names: Vec<&str> = Suite::ALL.iter().map(|suite| suite.name()).collect();
                format!(
                    "unknown suite `{text}`; the suites are {}",
                    names.join(", ")
                )
            })
    }
}

/// Progress of one suite on one engine, reported before each case and once at the end.
#[derive(Debug, Clone, Copy)]
pub struct SuiteProgress<'a> {
    /// The suite running.
    pub suite: Suite,
    /// The engine it runs on.
    pub engine: &'a str,
    /// Cases finished on this engine.
    pub done: usize,
    /// Cases of this suite on this engine.
    pub total: usize,
    /// The case about to run (`file:line` or `q7`); empty once `done == total`.
    pub label: &'a str,
}

/// Why the suites could not run at all (failures of single cases are records instead).
#[derive(Debug, Error)]
pub enum SuiteError {
    /// The corpus could not be found.
    #[error(transparent)]
    Corpus(#[from] CorpusError),
    /// The function test folder could not be listed.
    #[error("cannot read {}: {source}", path.display())]
    Io {
        /// The folder or file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// An engine asked for is not configured.
    #[error("{0}")]
    Engine(String),
}

/// The folder of Substrait's function test files in the corpus.
pub fn function_cases_dir() -> Result<PathBuf, CorpusError> {
    Ok(corpus_dir()?.join("substrait-tests/tests/cases"))
}

/// Runs `suites` (each once, in [`Suite::ALL`] order) on the engines named in `engines` (all
/// configured engines when it is empty), one engine after another, and returns one record per
/// case and engine. `progress` hears about every case, for a progress bar.
pub async fn run_suites(
    switchyard: &Switchyard,
    engines: &[String],
    suites: &[Suite],
    progress: &(dyn Fn(SuiteProgress<'_>) + Sync),
) -> Result<Vec<CaseRecord>, SuiteError> {
    let engines = resolve_engines(switchyard, engines)?;
    let mut records = Vec::new();
    for suite in Suite::ALL.into_iter().filter(|s| suites.contains(s)) {
        match suite {
            Suite::SubstraitFunctions => {
                // Parsed once, before any engine runs, so every bar knows its total.
                let files = load_case_files(&function_cases_dir()?)?;
                for engine in &engines {
                    records.extend(run_case_files(engine, &files, progress).await);
                }
            }
            Suite::Tpch | Suite::Tpcds | Suite::Features => {
                for engine in &engines {
                    records.extend(run_queries(switchyard, engine.name(), suite, progress).await);
                }
            }
            Suite::ForeignPlans => {
                let plans = foreign_tpch_plans()?;
                for engine in &engines {
                    records.extend(run_foreign(switchyard, engine.name(), &plans, progress).await);
                }
            }
            Suite::RoundTrip => {
                let cases = round_trip_cases(switchyard, &foreign_tpch_plans()?).await;
                for engine in &engines {
                    records
                        .extend(run_round_trips(switchyard, engine.name(), &cases, progress).await);
                }
            }
        }
    }
    Ok(records)
}

/// The engines named, each once, or every configured engine when none are.
fn resolve_engines(
    switchyard: &Switchyard,
    names: &[String],
) -> Result<Vec<EngineRef>, SuiteError> {
    if names.is_empty() {
        return Ok(switchyard.engines().iter().cloned().collect());
    }
    let mut engines: Vec<EngineRef> = Vec::new();
    for name in names {
        if engines.iter().any(|engine| engine.name() == name.as_str()) {
            continue;
        }
        let engine = switchyard
            .engine_for(Some(name.as_str()))
            .map_err(|e| SuiteError::Engine(e.to_string()))?;
        engines.push(engine);
    }
    Ok(engines)
}

/// A function test file, parsed or not.
struct CaseFile {
    /// Its path relative to the cases folder, with `/` separators.
    name: String,
    /// The file, or the line and text of why it could not be read or parsed.
    parsed: Result<TestFile, (usize, String)>,
}

impl CaseFile {
    /// The records the file yields per engine: one per case, or one for a broken file.
    fn record_count(&self) -> usize {
        match &self.parsed {
            Ok(file) => file.cases.len(),
            Err(_) => 1,
        }
    }

    /// The function a broken file tests, going by its name (`arithmetic/add.test` → `add`),
    /// so its error lands in the right matrix row.
    fn function_from_name(&self) -> String {
        let stem = self.name.rsplit('/').next().unwrap_or(self.name.as_str());
        stem.strip_suffix(".test").unwrap_or(stem).to_string()
    }
}

/// Reads and parses every `.test` file under `root`, in sorted path order.
fn load_case_files(root: &Path) -> Result<Vec<CaseFile>, SuiteError> {
    let mut paths = Vec::new();
    find_test_files(root, &mut paths)?;
    paths.sort();
    Ok(paths
        .iter()
        .map(|path| {
            let name = path
                .strip_prefix(root)
                .unwrap_or(path.as_path())
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let parsed = match std::fs::read_to_string(path) {
                Ok(text) => parse_test_file(&text)
                    .map_err(|e| (e.line(), format!("cannot parse the file: {e}"))),
                Err(e) => Err((0, format!("cannot read the file: {e}"))),
            };
            CaseFile { name, parsed }
        })
        .collect())
}

/// Adds every `.test` file under `dir`, at any depth, to `found` (in folder order; callers sort).
pub(crate) fn find_test_files(dir: &Path, found: &mut Vec<PathBuf>) -> Result<(), SuiteError> {
    let io = |source| SuiteError::Io {
        path: dir.to_path_buf(),
        source,
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            find_test_files(&path, found)?;
        } else if path.extension().is_some_and(|ext| ext == "test") {
            found.push(path);
        }
    }
    Ok(())
}

/// Runs every case of `files` on `engine`, one after another.
async fn run_case_files(
    engine: &EngineRef,
    files: &[CaseFile],
    progress: &(dyn Fn(SuiteProgress<'_>) + Sync),
) -> Vec<CaseRecord> {
    let total: usize = files.iter().map(CaseFile::record_count).sum();
    let report = |done: usize, label: &str| {
        progress(SuiteProgress {
            suite: Suite::SubstraitFunctions,
            engine: engine.name(),
            done,
            total,
            label,
        })
    };
    let mut records: Vec<CaseRecord> = Vec::with_capacity(total);
    for file in files {
        match &file.parsed {
            Err((line, message)) => {
                report(records.len(), &file.name);
                records.push(CaseRecord {
                    suite: Suite::SubstraitFunctions.to_string(),
                    file: file.name.clone(),
                    line: *line,
                    function: file.function_from_name(),
                    group: None,
                    engine: engine.name().to_string(),
                    outcome: CaseOutcome::Error {
                        message: message.clone(),
                    },
                    exercised: None,
                });
            }
            Ok(test_file) => {
                for case in &test_file.cases {
                    report(records.len(), &format!("{}:{}", file.name, case.line));
                    let (outcome, exercised) = match validated_case_plan(case, &test_file.include) {
                        Err(outcome) => (outcome, None),
                        Ok(plan) => {
                            let run = run_case_plan(engine, case, &plan);
                            let outcome = match tokio::time::timeout(CASE_TIMEOUT, run).await {
                                Ok(outcome) => outcome,
                                Err(_) => CaseOutcome::Error {
                                    message: format!(
                                        "timed out after {} s",
                                        CASE_TIMEOUT.as_secs()
                                    ),
                                },
                            };
                            (outcome, Some(Exercised::of(&plan)))
                        }
                    };
                    let mut record = CaseRecord::for_case(&file.name, case, engine.name(), outcome);
                    record.exercised = exercised;
                    records.push(record);
                }
            }
        }
    }
    report(records.len(), "");
    records
}

/// One query of a query suite.
struct QueryCase {
    label: String,
    /// The SQL whose answer DataFusion computes, or why it could not be read.
    sql: Result<String, String>,
    /// How the plan is made, when not from `sql` itself.
    rewrite: Option<PlanRewrite>,
    /// What the reference runs, when not `sql` itself (standard SQL for DataFusion syntax).
    reference_sql: Option<String>,
}

/// The queries of `suite` (`tpch`, `tpcds` or `features`).
fn suite_queries(suite: Suite) -> Vec<QueryCase> {
    let plain = |label: String, sql: Result<String, String>| QueryCase {
        label,
        sql,
        rewrite: None,
        reference_sql: None,
    };
    match suite {
        Suite::Tpcds => match tpcds_queries() {
            Ok(queries) => queries
                .into_iter()
                .map(|(label, sql)| plain(label, Ok(sql)))
                .collect(),
            Err(error) => vec![plain("tpcds".to_string(), Err(error.to_string()))],
        },
        Suite::Features => FEATURE_QUERIES
            .iter()
            .map(|query| QueryCase {
                label: query.name.to_string(),
                sql: Ok(query.sql.to_string()),
                rewrite: query.rewrite,
                reference_sql: Some(query.reference_sql().to_string()),
            })
            .collect(),
        _ => (1..=TPCH_QUERY_COUNT)
            .map(|number| {
                plain(
                    format!("q{number}"),
                    tpch_query(number).map_err(|e| e.to_string()),
                )
            })
            .collect(),
    }
}

/// Runs the queries of `suite` (`tpch`, `tpcds` or `features`) on the engine named `engine`.
async fn run_queries(
    switchyard: &Switchyard,
    engine: &str,
    suite: Suite,
    progress: &(dyn Fn(SuiteProgress<'_>) + Sync),
) -> Vec<CaseRecord> {
    let queries = suite_queries(suite);
    let total = queries.len();
    let report = |done: usize, label: &str| {
        progress(SuiteProgress {
            suite,
            engine,
            done,
            total,
            label,
        })
    };
    let mut records = Vec::with_capacity(total);
    for case in queries {
        report(records.len(), &case.label);
        let (outcome, exercised) = match &case.sql {
            Err(message) => {
                let message = format!("setup: {message}");
                (CaseOutcome::Error { message }, None)
            }
            Ok(sql) => {
                let reference_sql = case.reference_sql.as_deref().unwrap_or(sql);
                query_case(switchyard, engine, sql, reference_sql, case.rewrite).await
            }
        };
        records.push(CaseRecord {
            suite: suite.to_string(),
            file: format!("{suite}/{}", case.label),
            line: 0,
            function: case.label,
            group: None,
            engine: engine.to_string(),
            outcome,
            exercised,
        });
    }
    report(records.len(), "");
    records
}

/// The plan of a query case: compiled from `sql`, or from the rewrite's SQL and rewritten.
async fn query_plan(
    switchyard: &Switchyard,
    sql: &str,
    rewrite: Option<PlanRewrite>,
) -> Result<ValidatedPlan, String> {
    let written_as = rewrite.map_or(sql, |rewrite| rewrite.written_as);
    let plan = switchyard
        .producer()
        .compile_checked(written_as, SqlDialect::Generic)
        .await
        .map_err(|e| e.to_string())?;
    let Some(rewrite) = rewrite else {
        return Ok(plan);
    };
    let mut json = serde_json::to_value(plan.plan()).map_err(|e| e.to_string())?;
    if rewrite.apply(&mut json) == 0 {
        return Err(format!(
            "the rewrite changed nothing in the plan of {written_as}"
        ));
    }
    let rewritten = serde_json::from_value(json).map_err(|e| e.to_string())?;
    ValidatedPlan::new(rewritten).map_err(|e| e.to_string())
}

/// Makes the case's plan once (from `sql`), runs it on `engine` against the reference
/// running `reference_sql` directly, and returns the outcome with what the plan uses. An answer with no rows or only
/// NULLs is inconclusive: it agrees with anything and so proves nothing.
async fn query_case(
    switchyard: &Switchyard,
    engine: &str,
    sql: &str,
    reference_sql: &str,
    rewrite: Option<PlanRewrite>,
) -> (CaseOutcome, Option<Exercised>) {
    let plan = match query_plan(switchyard, sql, rewrite).await {
        Ok(plan) => plan,
        Err(error) => {
            let setup = DifferentialError::Setup(error);
            return (differential_outcome(Err(setup)), None);
        }
    };
    let run = plan_differential(switchyard, engine, &plan, reference_sql, ColumnNames::Exact);
    let outcome = match tokio::time::timeout(PLAN_TIMEOUT, run).await {
        Ok(run) => differential_outcome(run),
        Err(_) => CaseOutcome::Error {
            message: format!("timed out after {} s", PLAN_TIMEOUT.as_secs()),
        },
    };
    (outcome, Some(Exercised::of(&plan)))
}

/// A differential run as a case outcome.
fn differential_outcome(run: Result<DifferentialPass, DifferentialError>) -> CaseOutcome {
    match run {
        Ok(_) => CaseOutcome::Pass,
        Err(DifferentialError::Mismatch(difference)) => CaseOutcome::Fail { difference },
        Err(DifferentialError::Inconclusive(reason)) => CaseOutcome::Inconclusive { reason },
        // A setup error (the catalog lacks TPC-H, say) is reported, not hidden: the message
        // starts with `setup:`, telling it apart from the engine's own errors.
        Err(error) => CaseOutcome::Error {
            message: error.to_string(),
        },
    }
}

/// Runs the foreign producers' plans on the engine named `engine`.
async fn run_foreign(
    switchyard: &Switchyard,
    engine: &str,
    plans: &[ForeignPlan],
    progress: &(dyn Fn(SuiteProgress<'_>) + Sync),
) -> Vec<CaseRecord> {
    let report = |done: usize, label: &str| {
        progress(SuiteProgress {
            suite: Suite::ForeignPlans,
            engine,
            done,
            total: plans.len(),
            label,
        })
    };
    let mut records = Vec::with_capacity(plans.len());
    for plan in plans {
        let label = plan.label();
        report(records.len(), &label);
        let run = foreign_differential(switchyard, engine, plan);
        let outcome = match tokio::time::timeout(PLAN_TIMEOUT, run).await {
            Ok(run) => differential_outcome(run),
            Err(_) => CaseOutcome::Error {
                message: format!("timed out after {} s", PLAN_TIMEOUT.as_secs()),
            },
        };
        records.push(CaseRecord {
            suite: Suite::ForeignPlans.to_string(),
            file: label,
            line: 0,
            function: plan.producer.to_string(),
            group: None,
            engine: engine.to_string(),
            outcome,
            exercised: imported_plan(switchyard, plan).map(|plan| Exercised::of(&plan)),
        });
    }
    report(records.len(), "");
    records
}

/// Takes each plan of `cases` through DataFusion until it settles and runs the fixed point
/// on the engine named `engine`.
async fn run_round_trips(
    switchyard: &Switchyard,
    engine: &str,
    cases: &[RoundTripCase],
    progress: &(dyn Fn(SuiteProgress<'_>) + Sync),
) -> Vec<CaseRecord> {
    let report = |done: usize, label: &str| {
        progress(SuiteProgress {
            suite: Suite::RoundTrip,
            engine,
            done,
            total: cases.len(),
            label,
        })
    };
    let mut records = Vec::with_capacity(cases.len());
    for case in cases {
        report(records.len(), &case.label);
        let run = round_trip(switchyard, engine, case);
        let outcome = match tokio::time::timeout(PLAN_TIMEOUT, run).await {
            Ok(Ok(_)) => CaseOutcome::Pass,
            Ok(Err(
                error @ (RoundTripError::Unsettled { .. }
                | RoundTripError::Answer {
                    source: DifferentialError::Mismatch(_),
                    ..
                }),
            )) => CaseOutcome::Fail {
                difference: error.to_string(),
            },
            Ok(Err(error)) => CaseOutcome::Error {
                message: error.to_string(),
            },
            Err(_) => CaseOutcome::Error {
                message: format!("timed out after {} s", PLAN_TIMEOUT.as_secs()),
            },
        };
        records.push(CaseRecord {
            suite: Suite::RoundTrip.to_string(),
            file: case.label.clone(),
            line: 0,
            function: case.producer.clone(),
            group: None,
            engine: engine.to_string(),
            outcome,
            exercised: case.plan.as_ref().ok().map(Exercised::of),
        });
    }
    report(records.len(), "");
    records
}

/// A foreign plan imported, for its features; `None` when it cannot be.
fn imported_plan(switchyard: &Switchyard, plan: &ForeignPlan) -> Option<ValidatedPlan> {
    let bytes = std::fs::read(&plan.plan).ok()?;
    let (imported, _) = import_plan_bytes(&bytes, switchyard.catalog()).ok()?;
    ValidatedPlan::new(imported).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suites_parse_and_print_by_name() {
        for suite in Suite::ALL {
            assert_eq!(suite.name().parse::<Suite>(), Ok(suite));
            assert_eq!(suite.to_string(), suite.name());
        }
        assert_eq!(
            "substrait-functions".parse::<Suite>(),
            Ok(Suite::SubstraitFunctions)
        );
        assert_eq!("tpch".parse::<Suite>(), Ok(Suite::Tpch));
        let error = "tpc-ds".parse::<Suite>().expect_err("not a suite");
        assert!(error.contains("tpc-ds"), "{error}");
        assert!(error.contains("substrait-functions, tpch"), "{error}");
    }

    #[test]
    fn a_broken_file_is_one_record_named_after_its_function() {
        let file = CaseFile {
            name: "arithmetic/add.test".to_string(),
            parsed: Err((3, "cannot parse the file: line 3: oops".to_string())),
        };
        assert_eq!(file.record_count(), 1);
        assert_eq!(file.function_from_name(), "add");
    }

    #[test]
    fn test_files_are_found_recursively_in_sorted_order() {
        let dir = tempfile::tempdir().expect("temp dir");
        let nested = dir.path().join("b");
        std::fs::create_dir(&nested).expect("folder");
        std::fs::write(nested.join("z.test"), "not a test file").expect("write");
        std::fs::write(dir.path().join("a.test"), "").expect("write");
        std::fs::write(dir.path().join("notes.md"), "").expect("write");
        let files = load_case_files(dir.path()).expect("listed");
        let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a.test", "b/z.test"]);
        assert!(files.iter().all(|f| f.parsed.is_err()));
    }
}

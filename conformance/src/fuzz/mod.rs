//! Differential query fuzzing (`switchyard fuzz-queries`): random, well-typed queries over
//! the catalog and an edge-value table, each compiled by Switchyard's producer and run on
//! engines through Switchyard, judged against DuckDB running the SQL text directly
//! ([`reference`]) and against the engine itself over a ternary partition of the rows
//! ([`oracle`]). Disagreements are shrunk ([`shrink`]), explained by the repository's rules
//! ([`rules`]) or reported.

pub mod ast;
pub mod constructs;
pub mod edge_table;
pub mod generator;
pub mod oracle;
pub mod reference;
pub mod report;
pub mod rules;
pub mod schema;
pub mod shrink;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use datafusion::arrow::record_batch::RecordBatch;
use switchyard_router::Switchyard;
use thiserror::Error;

use ast::{Expr, Query};
use constructs::{Construct, constructs};
pub use edge_table::{EDGE_TABLE, add_edge_table};
use generator::Generator;
use oracle::{Checker, Invalid, Oracle, Outcome, Problem, Skipped, partitionable};
pub use reference::Reference;
use rules::Rule;
pub use rules::{BUILT_IN_RULES, parse_rules};
use schema::fuzz_tables;
use shrink::shrink;

/// Why a fuzzing run could not run (disagreements are its findings, not errors).
#[derive(Debug, Error)]
pub enum FuzzError {
    /// The reference, the edge table or the catalog could not be set up.
    #[error("setup: {0}")]
    Setup(String),
    /// An engine named is not configured.
    #[error("no engine named {name:?}; configured engines: {known}")]
    UnknownEngine {
        /// The name.
        name: String,
        /// The configured ones.
        known: String,
    },
    /// The rules file is malformed.
    #[error("rules: {0}")]
    Rules(String),
    /// The report could not be written.
    #[error("writing the report: {0}")]
    Report(String),
}

/// What a run does.
#[derive(Debug, Clone)]
pub struct FuzzOptions {
    /// The engines to check (configured names).
    pub engines: Vec<String>,
    /// The generator's seed.
    pub seed: u64,
    /// Stop after this many generated queries.
    pub count: Option<usize>,
    /// Stop after this long.
    pub duration: Option<Duration>,
    /// The rules that explain legitimate differences.
    pub rules: Vec<Rule>,
    /// Candidates tried per shrink at most.
    pub shrink_budget: usize,
    /// Disagreements shrunk at most (later ones are recorded as found).
    pub max_shrinks: usize,
    /// Each engine run's time limit.
    pub query_timeout: Duration,
    /// Stop once this many unexplained disagreements are found.
    pub stop_after: Option<usize>,
}

impl FuzzOptions {
    /// Options for `engines` with the built-in rules, seed 0 and no bound.
    pub fn new(engines: Vec<String>) -> Result<Self, FuzzError> {
        Ok(Self {
            engines,
            seed: 0,
            count: None,
            duration: None,
            rules: parse_rules(BUILT_IN_RULES)?,
            shrink_budget: 400,
            max_shrinks: 20,
            query_timeout: Duration::from_secs(30),
            stop_after: None,
        })
    }
}

/// One engine's counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EngineTally {
    /// Queries run (answered or failed).
    pub run: usize,
    /// Queries its manifest or adapter refused.
    pub refused: usize,
    /// Queries that did not finish in time.
    pub timed_out: usize,
    /// Queries the partition oracle checked.
    pub partitioned: usize,
    /// Disagreements no rule explains.
    pub disagreeing: usize,
    /// Disagreements a rule explains.
    pub explained: usize,
    /// Why queries were refused: each reason (its first line, cut at 100 characters) with
    /// how many queries.
    pub refusals: BTreeMap<String, usize>,
}

/// A disagreement, shrunk.
#[derive(Debug, Clone)]
pub struct Disagreement {
    /// The engine.
    pub engine: String,
    /// The oracle that found it.
    pub oracle: Oracle,
    /// The query as generated.
    pub original: String,
    /// The smallest query found that still disagrees.
    pub shrunk: Query,
    /// The partition predicate (partition oracle only).
    pub predicate: Option<Expr>,
    /// The shrunk query's problem.
    pub problem: Problem,
    /// The expected rows of the shrunk query.
    pub expected: Vec<RecordBatch>,
    /// The engine's rows of the shrunk query.
    pub actual: Vec<RecordBatch>,
    /// The constructs the shrunk query uses.
    pub constructs: BTreeSet<Construct>,
    /// The rule that explains it, if any.
    pub rule: Option<Rule>,
    /// Whether it was shrunk (false once the run's shrink allowance is spent).
    pub shrunk_fully: bool,
}

/// What a run found.
#[derive(Debug, Clone, Default)]
pub struct FuzzSummary {
    /// The seed.
    pub seed: u64,
    /// Queries generated.
    pub generated: usize,
    /// Queries the reference could not answer (overflow, type errors): not judged.
    pub reference_errors: usize,
    /// Queries Switchyard's producer could not compile: not judged.
    pub not_compiled: usize,
    /// Per engine.
    pub engines: BTreeMap<String, EngineTally>,
    /// How many judged queries used each construct.
    pub constructs: BTreeMap<Construct, usize>,
    /// The disagreements.
    pub disagreements: Vec<Disagreement>,
    /// Wall time.
    pub elapsed: Duration,
}

impl FuzzSummary {
    /// Disagreements no rule explains.
    pub fn unexplained(&self) -> usize {
        self.disagreements
            .iter()
            .filter(|d| d.rule.is_none())
            .count()
    }

    /// Judged queries (answered by the reference and compiled).
    pub fn judged(&self) -> usize {
        self.generated - self.reference_errors - self.not_compiled
    }

    /// The closing line: queries run, refused and disagreeing per engine.
    pub fn last_line(&self) -> String {
        let engines: Vec<String> = self
            .engines
            .iter()
            .map(|(name, t)| {
                format!(
                    "{name}: {} run, {} refused, {} disagreeing ({} explained)",
                    t.run, t.refused, t.disagreeing, t.explained
                )
            })
            .collect();
        format!(
            "fuzz-queries seed {}: {} queries ({} judged) in {:.0} s; {}",
            self.seed,
            self.generated,
            self.judged(),
            self.elapsed.as_secs_f64(),
            engines.join("; ")
        )
    }
}

/// Progress, after each query.
#[derive(Debug, Clone, Copy)]
pub struct FuzzProgress {
    /// Queries generated so far.
    pub generated: usize,
    /// Disagreements so far (explained or not).
    pub disagreements: usize,
    /// Time so far.
    pub elapsed: Duration,
}

/// Runs the fuzzer on `switchyard`'s engines as `options` says; `switchyard`'s catalog must
/// hold the edge table ([`add_edge_table`]) for the edge values to be used.
pub async fn fuzz_queries(
    switchyard: &Switchyard,
    options: &FuzzOptions,
    progress: &(dyn Fn(FuzzProgress) + Sync),
) -> Result<FuzzSummary, FuzzError> {
    for name in &options.engines {
        if switchyard.engines().get(name).is_err() {
            return Err(FuzzError::UnknownEngine {
                name: name.clone(),
                known: switchyard
                    .engines()
                    .iter()
                    .map(|e| e.name().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
    }
    let started = Instant::now();
    let reference = Reference::open(switchyard.catalog())?;
    let checker = Checker::new(switchyard, &reference, options.query_timeout);
    let tables = fuzz_tables(switchyard.catalog(), EDGE_TABLE);
    if tables.is_empty() {
        return Err(FuzzError::Setup("the catalog has no table to query".into()));
    }
    let mut generator = Generator::new(tables, options.seed);
    let mut summary = FuzzSummary {
        seed: options.seed,
        engines: options
            .engines
            .iter()
            .map(|e| (e.clone(), EngineTally::default()))
            .collect(),
        ..FuzzSummary::default()
    };
    let mut shrinks = 0;
    loop {
        if options.count.is_some_and(|n| summary.generated >= n)
            || options.duration.is_some_and(|d| started.elapsed() >= d)
            || options
                .stop_after
                .is_some_and(|n| summary.unexplained() >= n)
        {
            break;
        }
        let Some(query) = generator.query() else {
            return Err(FuzzError::Setup("the generator found no table".into()));
        };
        summary.generated += 1;
        let prepared = match checker.prepare(&query).await {
            Ok(prepared) => prepared,
            Err(Invalid::Reference(_)) => {
                summary.reference_errors += 1;
                continue;
            }
            Err(Invalid::Compile(_)) => {
                summary.not_compiled += 1;
                continue;
            }
        };
        for construct in constructs(&query, EDGE_TABLE) {
            *summary.constructs.entry(construct).or_default() += 1;
        }
        let predicate =
            partitionable(&query).then(|| generator.partition_predicate(&query.body.select));
        for engine in &options.engines {
            let outcome = checker.differential(&prepared, engine).await;
            let found = match outcome {
                Outcome::NotRun(ran) => {
                    let tally = summary.engines.entry(engine.clone()).or_default();
                    match ran {
                        Skipped::TimedOut => tally.timed_out += 1,
                        Skipped::Refused(reason) => {
                            tally.refused += 1;
                            let reason: String = reason
                                .lines()
                                .next()
                                .unwrap_or("")
                                .chars()
                                .take(100)
                                .collect();
                            *tally.refusals.entry(reason).or_default() += 1;
                        }
                    }
                    continue;
                }
                Outcome::Agree(answer) => {
                    summary.engines.entry(engine.clone()).or_default().run += 1;
                    let Some(predicate) = &predicate else {
                        continue;
                    };
                    let Some(outcome) = checker.partition(&query, predicate, engine, &answer).await
                    else {
                        continue;
                    };
                    summary
                        .engines
                        .entry(engine.clone())
                        .or_default()
                        .partitioned += 1;
                    match outcome {
                        Outcome::Disagree { problem, .. } => Some((Oracle::Partition, problem)),
                        _ => None,
                    }
                }
                Outcome::Disagree { problem, .. } => {
                    summary.engines.entry(engine.clone()).or_default().run += 1;
                    Some((Oracle::Differential, problem))
                }
            };
            let Some((oracle, problem)) = found else {
                continue;
            };
            let shrink_it = shrinks < options.max_shrinks;
            shrinks += usize::from(shrink_it);
            // Shrinking stops when the run's time is up, as generating does.
            let deadline = options.duration.map(|d| started + d);
            let disagreement = minimize(
                &checker,
                options,
                deadline,
                engine,
                oracle,
                &query,
                predicate.as_ref(),
                problem,
                shrink_it,
            )
            .await;
            let tally = summary.engines.entry(engine.clone()).or_default();
            if disagreement.rule.is_some() {
                tally.explained += 1;
            } else {
                tally.disagreeing += 1;
            }
            summary.disagreements.push(disagreement);
        }
        summary.elapsed = started.elapsed();
        progress(FuzzProgress {
            generated: summary.generated,
            disagreements: summary.disagreements.len(),
            elapsed: summary.elapsed,
        });
    }
    summary.elapsed = started.elapsed();
    Ok(summary)
}

/// Checks `query` on `engine` with `oracle` again: the problem if it still disagrees.
async fn recheck(
    checker: &Checker<'_>,
    engine: &str,
    oracle: Oracle,
    query: &Query,
    predicate: Option<&Expr>,
) -> Option<(Problem, Vec<RecordBatch>, Vec<RecordBatch>)> {
    let prepared = checker.prepare(query).await.ok()?;
    let outcome = checker.differential(&prepared, engine).await;
    let outcome = match (oracle, outcome) {
        (Oracle::Differential, outcome) => outcome,
        (Oracle::Partition, Outcome::Agree(answer)) => {
            checker
                .partition(query, predicate?, engine, &answer)
                .await?
        }
        (Oracle::Partition, _) => return None,
    };
    match outcome {
        Outcome::Disagree {
            problem,
            expected,
            actual,
        } => Some((problem, expected, actual)),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
async fn minimize(
    checker: &Checker<'_>,
    options: &FuzzOptions,
    deadline: Option<Instant>,
    engine: &str,
    oracle: Oracle,
    query: &Query,
    predicate: Option<&Expr>,
    problem: Problem,
    shrink_it: bool,
) -> Disagreement {
    let shrunk = if shrink_it {
        shrink(
            query.clone(),
            options.shrink_budget,
            async |candidate: &Query| {
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    return false;
                }
                recheck(checker, engine, oracle, candidate, predicate)
                    .await
                    .is_some_and(|(p, _, _)| p.same_kind(&problem))
            },
        )
        .await
        .0
    } else {
        query.clone()
    };
    let (problem, expected, actual) = recheck(checker, engine, oracle, &shrunk, predicate)
        .await
        .unwrap_or((problem, vec![], vec![]));
    let mut used = constructs(&shrunk, EDGE_TABLE);
    if oracle == Oracle::Partition
        && let Some(predicate) = predicate
    {
        used.extend(constructs::expr_constructs_of(predicate, EDGE_TABLE, &[]));
    }
    if matches!(problem, Problem::Failed(_)) {
        used.insert(Construct::EngineError);
    }
    if holds_nan(&expected) || holds_nan(&actual) {
        used.insert(Construct::Nan);
    }
    let rule = options
        .rules
        .iter()
        .find(|rule| rule.explains(engine, &used))
        .cloned();
    Disagreement {
        engine: engine.to_string(),
        oracle,
        original: query.to_string(),
        shrunk,
        predicate: predicate.cloned(),
        problem,
        expected,
        actual,
        constructs: used,
        rule,
        shrunk_fully: shrink_it,
    }
}

/// Whether a floating-point column of `batches` holds a NaN.
fn holds_nan(batches: &[RecordBatch]) -> bool {
    use datafusion::arrow::array::{Array, Float32Array, Float64Array};
    batches.iter().flat_map(|b| b.columns()).any(|column| {
        let any = column.as_any();
        any.downcast_ref::<Float64Array>()
            .is_some_and(|a| a.iter().flatten().any(f64::is_nan))
            || any
                .downcast_ref::<Float32Array>()
                .is_some_and(|a| a.iter().flatten().any(f32::is_nan))
    }) && batches.iter().any(|b| b.num_rows() > 0)
}

/// Where reports go by default.
pub fn default_report_dir() -> PathBuf {
    PathBuf::from("fuzz-report")
}

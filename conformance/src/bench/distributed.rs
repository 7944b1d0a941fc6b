//! TPC-H at several scales on the embedded engine and on cluster engines (Ballista, Spark):
//! measured medians next to the router's estimates, so the data size where the cost model
//! switches from local to cluster can be held against where the measured times cross.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use datafusion::arrow::record_batch::RecordBatch;
use datafusion::physical_plan::common::collect;
use switchyard_producer::{SqlDialect, ValidatedPlan};
use switchyard_router::Switchyard;
use switchyard_router::decision::RouteDecision;

use crate::bench::engines::Timing;
use crate::bench::stats::median;
use crate::compare::{DEFAULT_RELATIVE_TOLERANCE, compare_results};
use crate::corpus::tpch_query;

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// How much to measure.
#[derive(Debug, Clone)]
pub struct DistributedOptions {
    /// TPC-H query numbers.
    pub queries: Vec<usize>,
    /// Timed runs per query and engine (after one warm-up).
    pub runs: usize,
    /// The engines, embedded one first: the others' answers are checked against its.
    pub engines: Vec<String>,
}

/// One query at one scale.
#[derive(Debug, Clone)]
pub struct DistributedQuery {
    /// The TPC-H query number.
    pub query: usize,
    /// Per engine (in `DistributedOptions::engines` order): the median, or why it failed.
    pub measured: Vec<Timing>,
    /// Per engine: the router's estimate in ms with calibrated profiles (`None` where it
    /// would not run there).
    pub estimated_ms: Vec<Option<f64>>,
    /// Per engine: the estimate with the default profiles.
    pub default_estimated_ms: Vec<Option<f64>>,
    /// The engine the router picks with the default profiles.
    pub default_chosen: Option<String>,
    /// The engine the router picks.
    pub chosen: Option<String>,
}

/// All queries at one scale.
#[derive(Debug, Clone)]
pub struct DistributedScale {
    /// The TPC-H scale factor.
    pub scale: f64,
    /// Bytes of the tables' files.
    pub bytes: u64,
    /// Per query.
    pub queries: Vec<DistributedQuery>,
}

/// Measures every query on every engine at the scale `switchyard`'s catalog holds;
/// `switchyard` routes with calibrated profiles, `defaults` (same engines and data) with the
/// default ones.
pub async fn measure_distributed(
    switchyard: &Switchyard,
    defaults: &Switchyard,
    scale: f64,
    bytes: u64,
    options: &DistributedOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> BenchResult<DistributedScale> {
    let mut queries = Vec::new();
    for &query in &options.queries {
        progress(query);
        let sql = tpch_query(query)?;
        let plan = switchyard
            .producer()
            .compile_checked(&sql, SqlDialect::Generic)
            .await?;
        let decision = switchyard.explain(&plan, None)?;
        let default_decision = defaults.explain(&plan, None)?;
        let estimates = |decision: &RouteDecision| -> Vec<Option<f64>> {
            options
                .engines
                .iter()
                .map(|engine| {
                    decision
                        .candidate(engine)
                        .and_then(|c| c.cost.as_ref())
                        .map(|cost| cost.total_ms)
                })
                .collect()
        };
        let estimated_ms = estimates(&decision);
        let default_estimated_ms = estimates(&default_decision);
        let sides = options.engines.len();
        let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); sides];
        let mut failures: Vec<Option<String>> = vec![None; sides];
        let mut reference: Option<Vec<RecordBatch>> = None;
        for run in 0..=options.runs.max(1) {
            // A rotated order each run, so drift on a shared machine falls on all alike.
            for offset in 0..sides {
                let side = (run + offset) % sides;
                if failures[side].is_some() {
                    continue;
                }
                let started = Instant::now();
                let outcome = run_on(switchyard, &options.engines[side], &plan).await;
                let elapsed = started.elapsed();
                match outcome {
                    Ok(batches) => {
                        // The warm-up run's answers are checked against the embedded
                        // engine's (an unordered comparison: timing, not testing).
                        if run == 0 {
                            if side == 0 {
                                reference = Some(batches);
                            } else if let Some(expected) = &reference
                                && let Err(difference) = compare_results(
                                    expected,
                                    &batches,
                                    false,
                                    DEFAULT_RELATIVE_TOLERANCE,
                                )
                            {
                                failures[side] = Some(format!("wrong answer: {difference}"));
                            }
                        } else {
                            samples[side].push(elapsed);
                        }
                    }
                    Err(message) => failures[side] = Some(message),
                }
            }
        }
        let measured = samples
            .into_iter()
            .zip(failures)
            .map(|(samples, failure)| match failure {
                Some(message) => Timing::Failed(message),
                None => Timing::Ran(median(samples)),
            })
            .collect();
        queries.push(DistributedQuery {
            query,
            measured,
            estimated_ms,
            default_estimated_ms,
            chosen: decision.chosen.clone(),
            default_chosen: default_decision.chosen.clone(),
        });
    }
    Ok(DistributedScale {
        scale,
        bytes,
        queries,
    })
}

async fn run_on(
    switchyard: &Switchyard,
    engine: &str,
    plan: &ValidatedPlan,
) -> Result<Vec<RecordBatch>, String> {
    let (_, stream) = switchyard
        .execute(plan, Some(engine))
        .await
        .map_err(|e| e.to_string())?;
    collect(stream).await.map_err(|e| e.to_string())
}

/// Where and how a report was made.
#[derive(Debug, Clone)]
pub struct DistributedContext {
    /// The command line that made it.
    pub command: String,
    /// When (UTC, as text).
    pub when: String,
    /// Which build measured.
    pub build: &'static str,
    /// How the cluster engines were set up, for the reader.
    pub setup: String,
    /// Timed runs per query and engine.
    pub runs: usize,
    /// The engines, embedded first.
    pub engines: Vec<String>,
    /// The calibrated profiles, one entry per engine, for the reader.
    pub profiles: Vec<String>,
}

/// The total of measured seconds per engine (`None` if any query failed there).
fn measured_totals(scale: &DistributedScale, engines: usize) -> Vec<Option<f64>> {
    (0..engines)
        .map(|side| {
            scale
                .queries
                .iter()
                .map(|q| match &q.measured[side] {
                    Timing::Ran(d) => Some(d.as_secs_f64()),
                    Timing::Failed(_) => None,
                })
                .sum()
        })
        .collect()
}

/// The total of estimated seconds per engine (calibrated, or with the default profiles).
fn estimated_totals(scale: &DistributedScale, engines: usize, defaults: bool) -> Vec<Option<f64>> {
    (0..engines)
        .map(|side| {
            scale
                .queries
                .iter()
                .map(|q| {
                    let estimates = if defaults {
                        &q.default_estimated_ms
                    } else {
                        &q.estimated_ms
                    };
                    estimates[side].map(|ms| ms / 1000.0)
                })
                .sum()
        })
        .collect()
}

/// Where two straight lines through (x0, a0)-(x1, a1) and (x0, b0)-(x1, b1) meet, when they
/// meet beyond x0 (the local line rising faster than the cluster one).
fn crossing(x: (f64, f64), local: (f64, f64), cluster: (f64, f64)) -> Option<f64> {
    let local_slope = (local.1 - local.0) / (x.1 - x.0);
    let cluster_slope = (cluster.1 - cluster.0) / (x.1 - x.0);
    if local_slope <= cluster_slope {
        return None;
    }
    let at = x.0 + (cluster.0 - local.0) / (local_slope - cluster_slope);
    (at > x.0).then_some(at)
}

/// The report as Markdown.
pub fn render_distributed_markdown(
    scales: &[DistributedScale],
    context: &DistributedContext,
) -> String {
    let engines = &context.engines;
    let mut out = String::new();
    let _ = writeln!(out, "## Distributed engines against the embedded one\n");
    let _ = writeln!(
        out,
        "Made by `{}` on {} ({} cores), {}. {}. Medians of {} timed runs per query and engine \
         after one warm-up whose answers are checked against {}'s; engines visited in a rotated \
         order each run. Times run from submitting the plan to the last Arrow batch in hand. \
         *est.* is the router's estimate for that engine with profiles calibrated by \
         `switchyard calibrate` on the smallest scale's data (used at every scale; over scale 1's lineitem its full-transfer micro-query stops a 2 GB Spark driver); the totals \
         also give the estimate with the default profiles.\n\nCalibrated profiles: {}.\n",
        context.command,
        context.when,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        context.build,
        context.setup,
        context.runs,
        engines.first().map_or("", String::as_str),
        context.profiles.join("; "),
    );
    let mut failures = Vec::new();
    for scale in scales {
        let _ = writeln!(
            out,
            "### Scale {} ({:.0} MB of Parquet)\n",
            scale.scale,
            scale.bytes as f64 / 1e6
        );
        let mut header = "| query |".to_string();
        let mut rule = "|---|".to_string();
        for engine in engines {
            let _ = write!(header, " {engine} ms | est. |");
            rule.push_str("---:|---:|");
        }
        header.push_str(" router picks | fastest |");
        rule.push_str("---|---|");
        let _ = writeln!(out, "{header}\n{rule}");
        for q in &scale.queries {
            let mut row = format!("| q{} |", q.query);
            for (side, timing) in q.measured.iter().enumerate() {
                let measured = match timing {
                    Timing::Ran(d) => format!("{:.0}", d.as_secs_f64() * 1000.0),
                    Timing::Failed(message) => {
                        failures.push(format!(
                            "- scale {} q{} on {}: {message}",
                            scale.scale, q.query, engines[side]
                        ));
                        "failed".to_string()
                    }
                };
                let estimate =
                    q.estimated_ms[side].map_or("-".to_string(), |ms| format!("{ms:.0}"));
                let _ = write!(row, " {measured} | {estimate} |");
            }
            let fastest = q
                .measured
                .iter()
                .enumerate()
                .filter_map(|(side, t)| match t {
                    Timing::Ran(d) => Some((side, *d)),
                    Timing::Failed(_) => None,
                })
                .min_by_key(|(_, d)| *d)
                .map_or("-", |(side, _)| engines[side].as_str());
            let _ = writeln!(row, " {} | {fastest} |", q.chosen.as_deref().unwrap_or("-"));
            out.push_str(&row);
        }
        let measured = measured_totals(scale, engines.len());
        let estimated = estimated_totals(scale, engines.len(), false);
        let default_estimated = estimated_totals(scale, engines.len(), true);
        let seconds = |t: &Option<f64>| t.map_or("-".to_string(), |s| format!("{s:.2} s"));
        let totals: Vec<String> = (0..engines.len())
            .map(|side| {
                format!(
                    "{} {} measured, {} estimated ({} with default profiles)",
                    engines[side],
                    seconds(&measured[side]),
                    seconds(&estimated[side]),
                    seconds(&default_estimated[side]),
                )
            })
            .collect();
        let picks = |name: &str, defaults: bool| {
            scale
                .queries
                .iter()
                .filter(|q| {
                    let chosen = if defaults {
                        &q.default_chosen
                    } else {
                        &q.chosen
                    };
                    chosen.as_deref() == Some(name)
                })
                .count()
        };
        let picked: Vec<String> = engines
            .iter()
            .map(|e| {
                format!(
                    "{e} {} ({} with default profiles)",
                    picks(e, false),
                    picks(e, true)
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "\n**Totals**: {}. **Router picks** (calibrated): {}.\n",
            totals.join("; "),
            picked.join(", ")
        );
    }
    write_crossover(&mut out, scales, engines);
    if !failures.is_empty() {
        let _ = writeln!(out, "\nFailed:\n{}", failures.join("\n"));
    }
    out
}

/// Where the embedded engine's total and each cluster engine's total cross, measured and
/// estimated, extrapolating the line through the smallest and largest scale.
fn write_crossover(out: &mut String, scales: &[DistributedScale], engines: &[String]) {
    let (Some(first), Some(last)) = (scales.first(), scales.last()) else {
        return;
    };
    if scales.len() < 2 || first.bytes >= last.bytes {
        return;
    }
    let _ = writeln!(out, "### Where local and cluster cross\n");
    let _ = writeln!(
        out,
        "Total time over the queries as a straight line in the data size, through scale {} \
         and scale {}; the crossing is where the cluster engine's line drops below {}'s.\n",
        first.scale, last.scale, engines[0]
    );
    let _ = writeln!(
        out,
        "| engine | measured crossing | cost model's crossing (calibrated) | with default profiles |"
    );
    let _ = writeln!(out, "|---|---|---|---|");
    let mb = (first.bytes as f64 / 1e6, last.bytes as f64 / 1e6);
    let describe = |at: Option<f64>| match at {
        Some(mb) => format!(
            "{:.0} MB (about scale {:.1})",
            mb,
            mb / (last.bytes as f64 / 1e6) * last.scale
        ),
        None => "never: its total grows at least as fast".to_string(),
    };
    let (m0, m1) = (
        measured_totals(first, engines.len()),
        measured_totals(last, engines.len()),
    );
    let model = |defaults: bool| {
        (
            estimated_totals(first, engines.len(), defaults),
            estimated_totals(last, engines.len(), defaults),
        )
    };
    let (calibrated, defaults) = (model(false), model(true));
    for side in 1..engines.len() {
        let measured = match (m0[0], m1[0], m0[side], m1[side]) {
            (Some(a0), Some(a1), Some(b0), Some(b1)) => describe(crossing(mb, (a0, a1), (b0, b1))),
            _ => "- (a query failed)".to_string(),
        };
        let estimated = |(e0, e1): &(Vec<Option<f64>>, Vec<Option<f64>>)| match (
            e0[0], e1[0], e0[side], e1[side],
        ) {
            (Some(a0), Some(a1), Some(b0), Some(b1)) => describe(crossing(mb, (a0, a1), (b0, b1))),
            _ => "- (not capable of every query)".to_string(),
        };
        let _ = writeln!(
            out,
            "| {} | {measured} | {} | {} |",
            engines[side],
            estimated(&calibrated),
            estimated(&defaults)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_cross_only_when_the_local_one_rises_faster() {
        // Local: 1 s at 100 MB, 11 s at 1100 MB; cluster: 5 s then 10 s → equal at 900 MB.
        let at = crossing((100.0, 1100.0), (1.0, 11.0), (5.0, 10.0)).expect("they cross");
        assert!((at - 900.0).abs() < 1e-9, "{at}");
        assert_eq!(crossing((100.0, 1100.0), (1.0, 2.0), (5.0, 10.0)), None);
    }
}

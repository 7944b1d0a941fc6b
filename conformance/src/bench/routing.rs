//! Routing benefit: a workload of the 22 TPC-H queries plus small key lookups, each measured
//! on every engine, and the totals of sending it all to one engine, of the per-query oracle
//! (the fastest engine for each query, known only afterwards) and of the router's choices
//! made before any of the measurements.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use datafusion::physical_plan::common::collect;
use switchyard_producer::{SqlDialect, ValidatedPlan};
use switchyard_router::{EngineProfile, RouteDecision, Switchyard, Verdict};

use crate::bench::stats::median;
use crate::corpus::tpch_query;

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// One query of the workload.
#[derive(Debug, Clone)]
pub struct WorkloadQuery {
    /// `q1` … `q22`, `lookup 1` …
    pub name: String,
    /// Its SQL.
    pub sql: String,
}

/// The 22 TPC-H queries and `lookups` point queries on keys spread over the tables of a
/// TPC-H database at `scale`.
pub fn routing_workload(lookups: usize, scale: f64) -> BenchResult<Vec<WorkloadQuery>> {
    let mut workload = Vec::new();
    for number in 1..=22 {
        workload.push(WorkloadQuery {
            name: format!("q{number}"),
            sql: tpch_query(number)?,
        });
    }
    let orders = ((1_500_000.0 * scale) as u64).max(1);
    let customers = ((150_000.0 * scale) as u64).max(1);
    let parts = ((200_000.0 * scale) as u64).max(1);
    for i in 0..lookups as u64 {
        // A fixed spread of keys (Knuth's multiplicative hash), the same in every run.
        let spread = i.wrapping_mul(2_654_435_761) % 1_000_003;
        let sql = match i % 5 {
            0 => format!(
                "SELECT o_orderstatus, o_totalprice, o_orderdate FROM orders WHERE o_orderkey = {}",
                (spread % orders) * 4 + 1
            ),
            1 => format!(
                "SELECT c_name, c_acctbal FROM customer WHERE c_custkey = {}",
                spread % customers + 1
            ),
            2 => format!(
                "SELECT n_name, r_name FROM nation JOIN region ON n_regionkey = r_regionkey WHERE n_nationkey = {}",
                spread % 25
            ),
            3 => format!(
                "SELECT p_name, p_retailprice FROM part WHERE p_partkey = {}",
                spread % parts + 1
            ),
            _ => format!(
                "SELECT count(*) FROM orders WHERE o_custkey = {}",
                spread % customers + 1
            ),
        };
        workload.push(WorkloadQuery {
            name: format!("lookup {}", i + 1),
            sql,
        });
    }
    Ok(workload)
}

/// One query's measurements.
#[derive(Debug, Clone)]
pub struct RoutingRow {
    /// The query.
    pub name: String,
    /// Median time per engine, in the order of the engines measured (`None`: the engine
    /// cannot run it, or failed).
    pub times: Vec<Option<Duration>>,
    /// The engine the router chose.
    pub routed: Option<String>,
    /// The engine the router chose after learning from the measured runs of every other query
    /// of the workload (leave-one-out: nothing about this query itself).
    pub learned: Option<String>,
}

/// The measured medians of a workload, kept so the routing can be recomputed
/// (`switchyard bench routing --replay FILE`) without measuring again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RoutingMeasurements {
    /// The engines, in the order of each query's times.
    pub engines: Vec<String>,
    /// The profiles the router used (calibrated in the measuring run).
    pub profiles: BTreeMap<String, EngineProfile>,
    /// Per query, its name and each engine's median in ms (`None`: cannot run it, or failed).
    pub queries: Vec<(String, Vec<Option<f64>>)>,
    /// Timed runs per query and engine behind each median.
    pub runs: usize,
    /// When the measuring run was made (UTC).
    pub when: String,
}

/// Compiles every query of `workload` and routes it, before anything has run.
pub async fn plan_workload(
    switchyard: &Switchyard,
    workload: &[WorkloadQuery],
) -> BenchResult<Vec<(ValidatedPlan, RouteDecision)>> {
    let mut plans = Vec::new();
    for query in workload {
        let plan = switchyard
            .producer()
            .compile_checked(&query.sql, SqlDialect::Generic)
            .await?;
        let decision = switchyard.router().route(&plan);
        plans.push((plan, decision));
    }
    Ok(plans)
}

/// Measures `workload` on `engines` (`runs` timed runs each, after a warm-up, engines
/// rotated so none always runs first). Routing decisions are taken before any run.
pub async fn measure_routing(
    switchyard: &Switchyard,
    engines: &[String],
    workload: &[WorkloadQuery],
    runs: usize,
    progress: &(dyn Fn(&str) + Sync),
) -> BenchResult<Vec<RoutingRow>> {
    let plans = plan_workload(switchyard, workload).await?;
    let mut rows = Vec::new();
    for (query, (plan, decision)) in workload.iter().zip(&plans) {
        progress(&query.name);
        let mut samples: Vec<Option<Vec<Duration>>> = engines
            .iter()
            .map(|engine| {
                (decision.candidate(engine).map(|c| &c.verdict) == Some(&Verdict::Capable))
                    .then(Vec::new)
            })
            .collect();
        for round in 0..=runs {
            for offset in 0..engines.len() {
                let index = (round + offset) % engines.len();
                let Some(times) = samples[index].as_mut() else {
                    continue;
                };
                let started = Instant::now();
                let outcome = async {
                    let run = switchyard.run(plan, Some(&engines[index])).await?;
                    collect(run.stream).await?;
                    BenchResult::Ok(())
                }
                .await;
                match outcome {
                    Ok(()) if round > 0 => times.push(started.elapsed()),
                    Ok(()) => {} // the warm-up
                    Err(e) => {
                        eprintln!("{} on {}: {e}", query.name, engines[index]);
                        samples[index] = None;
                    }
                }
            }
        }
        rows.push(RoutingRow {
            name: query.name.clone(),
            times: samples.into_iter().map(|s| s.map(median)).collect(),
            routed: decision.chosen.clone(),
            learned: None,
        });
    }
    leave_one_out(switchyard, engines, &plans, &mut rows);
    Ok(rows)
}

/// Routes `workload` again over times measured before (`measurements`, matched by query
/// name), with the router `switchyard` opened on the profiles recorded with them.
pub async fn replay_routing(
    switchyard: &Switchyard,
    workload: &[WorkloadQuery],
    measurements: &RoutingMeasurements,
) -> BenchResult<Vec<RoutingRow>> {
    let plans = plan_workload(switchyard, workload).await?;
    let mut rows = Vec::new();
    for (query, (_, decision)) in workload.iter().zip(&plans) {
        let (_, times) = measurements
            .queries
            .iter()
            .find(|(name, _)| *name == query.name)
            .ok_or_else(|| format!("the measurements have no query {:?}", query.name))?;
        if times.len() != measurements.engines.len() {
            return Err(format!(
                "{}: {} times for {} engines",
                query.name,
                times.len(),
                measurements.engines.len()
            )
            .into());
        }
        rows.push(RoutingRow {
            name: query.name.clone(),
            times: times
                .iter()
                .map(|t| t.and_then(|ms| Duration::try_from_secs_f64(ms / 1e3).ok()))
                .collect(),
            routed: decision.chosen.clone(),
            learned: None,
        });
    }
    leave_one_out(switchyard, &measurements.engines, &plans, &mut rows);
    Ok(rows)
}

impl RoutingMeasurements {
    /// The medians of `rows`, with what produced them.
    pub fn of(
        engines: &[String],
        profiles: BTreeMap<String, EngineProfile>,
        rows: &[RoutingRow],
        runs: usize,
        when: String,
    ) -> Self {
        Self {
            engines: engines.to_vec(),
            profiles,
            queries: rows
                .iter()
                .map(|r| {
                    let times = r.times.iter().map(|t| t.map(|d| d.as_secs_f64() * 1e3));
                    (r.name.clone(), times.collect())
                })
                .collect(),
            runs,
            when,
        }
    }
}

/// Fills each row's `learned`: the router forgets, is told every *other* query's median on
/// each engine (as `Router::record_run` hears about completed runs, in workload order), and
/// routes the query again. The router is left with nothing learned.
fn leave_one_out(
    switchyard: &Switchyard,
    engines: &[String],
    plans: &[(ValidatedPlan, RouteDecision)],
    rows: &mut [RoutingRow],
) {
    let router = switchyard.router();
    for held_out in 0..rows.len() {
        router.forget_runs();
        for (other, row) in rows.iter().enumerate().filter(|(i, _)| *i != held_out) {
            for (engine, time) in engines.iter().zip(&row.times) {
                if let Some(time) = time {
                    router.record_run(&plans[other].1, engine, *time);
                }
            }
        }
        rows[held_out].learned = router.route(&plans[held_out].0).chosen;
    }
    router.forget_runs();
}

/// Where and how the figures were made.
#[derive(Debug, Clone)]
pub struct RoutingContext {
    /// The command line.
    pub command: String,
    /// TPC-H scale.
    pub scale: f64,
    /// Timed runs per query and engine.
    pub runs: usize,
    /// When (UTC).
    pub when: String,
    /// Debug or release build.
    pub build: &'static str,
    /// Each engine's profile as used, one line each.
    pub profiles: Vec<String>,
}

/// The totals and the per-query table as Markdown.
pub fn render_routing_markdown(
    engines: &[String],
    rows: &[RoutingRow],
    context: &RoutingContext,
) -> String {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mut out = String::new();
    let _ = writeln!(out, "## Routing benefit\n");
    let _ = writeln!(
        out,
        "TPC-H at scale {} (22 queries) plus {} key lookups; each query's median of {} runs on every engine that can run it, after a warm-up; {}, {}. Made with `{}`.\n",
        context.scale,
        rows.len().saturating_sub(22),
        context.runs,
        context.build,
        context.when,
        context.command
    );
    let _ = writeln!(
        out,
        "The tables' home is their Parquet files (PostgreSQL holds loaded copies), so no move costs enter. Profiles (measured by `switchyard calibrate` in the same run):\n"
    );
    for profile in &context.profiles {
        let _ = writeln!(out, "- {profile}");
    }
    let oracle: f64 = rows
        .iter()
        .map(|r| {
            r.times
                .iter()
                .flatten()
                .map(|d| ms(*d))
                .fold(f64::INFINITY, f64::min)
        })
        .filter(|t| t.is_finite())
        .sum();
    let time_on = |row: &RoutingRow, engine: &str| {
        engines
            .iter()
            .position(|e| e == engine)
            .and_then(|i| row.times[i])
            .map(ms)
    };
    let routed: Option<f64> = rows
        .iter()
        .map(|r| r.routed.as_deref().and_then(|e| time_on(r, e)))
        .sum();
    let _ = writeln!(out, "\n| workload total | ms | × oracle |\n|---|---:|---:|");
    let mut best_single = f64::INFINITY;
    for (i, engine) in engines.iter().enumerate() {
        let total: Option<f64> = rows.iter().map(|r| r.times[i].map(ms)).sum();
        match total {
            Some(total) => {
                best_single = best_single.min(total);
                let _ = writeln!(
                    out,
                    "| all on {engine} | {total:.0} | {:.2} |",
                    total / oracle
                );
            }
            None => {
                let missing = rows.iter().filter(|r| r.times[i].is_none()).count();
                let _ = writeln!(
                    out,
                    "| all on {engine} | cannot run {missing} queries | - |"
                );
            }
        }
    }
    let _ = writeln!(out, "| per-query oracle | {oracle:.0} | 1.00 |");
    let learned: Option<f64> = rows
        .iter()
        .map(|r| r.learned.as_deref().and_then(|e| time_on(r, e)))
        .sum();
    let mut against_best = Vec::new();
    for (label, total) in [
        ("routed (profiles only)", routed),
        (
            "routed after learning from the other queries' runs",
            learned,
        ),
    ] {
        match total {
            Some(total) => {
                let _ = writeln!(out, "| {label} | {total:.0} | {:.2} |", total / oracle);
                against_best.push(format!("{label} {:.2}×", total / best_single));
            }
            None => {
                let _ = writeln!(out, "| {label} | a routed query failed | - |");
            }
        }
    }
    let _ = writeln!(
        out,
        "\nAgainst the best single engine: {}.",
        against_best.join("; ")
    );
    let _ = writeln!(
        out,
        "\n| query | {} | routed to | after learning | oracle |",
        engines.join(" ms | ") + " ms"
    );
    let _ = writeln!(out, "|---|{}---|---|---|", "---:|".repeat(engines.len()));
    for row in rows {
        let cells: Vec<String> = row
            .times
            .iter()
            .map(|t| t.map_or_else(|| "-".to_string(), |d| format!("{:.1}", ms(d))))
            .collect();
        let fastest = engines
            .iter()
            .zip(&row.times)
            .filter_map(|(e, t)| t.map(|t| (e, t)))
            .min_by_key(|(_, t)| *t)
            .map_or("-", |(e, _)| e.as_str());
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {fastest} |",
            row.name,
            cells.join(" | "),
            row.routed.as_deref().unwrap_or("-"),
            row.learned.as_deref().unwrap_or("-")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{RoutingContext, RoutingRow, render_routing_markdown};

    #[test]
    fn totals_compare_both_routings_with_the_oracle_and_the_best_engine() {
        let ms = Duration::from_millis;
        let engines = vec!["a".to_string(), "b".to_string()];
        let rows = vec![
            RoutingRow {
                name: "q1".into(),
                times: vec![Some(ms(10)), Some(ms(30))],
                routed: Some("b".into()),
                learned: Some("a".into()),
            },
            RoutingRow {
                name: "q2".into(),
                times: vec![Some(ms(40)), Some(ms(20))],
                routed: Some("b".into()),
                learned: Some("b".into()),
            },
        ];
        let context = RoutingContext {
            command: "switchyard bench routing".into(),
            scale: 1.0,
            runs: 3,
            when: "now".into(),
            build: "release build",
            profiles: Vec::new(),
        };
        let text = render_routing_markdown(&engines, &rows, &context);
        // Oracle 10 + 20 = 30; all on a 50, all on b 50; routed 30 + 20 = 50; learned 10 + 20.
        assert!(text.contains("| per-query oracle | 30 | 1.00 |"), "{text}");
        assert!(
            text.contains("| routed (profiles only) | 50 | 1.67 |"),
            "{text}"
        );
        assert!(
            text.contains("| routed after learning from the other queries' runs | 30 | 1.00 |"),
            "{text}"
        );
        assert!(
            text.contains("routed (profiles only) 1.00×; routed after learning from the other queries' runs 0.60×"),
            "{text}"
        );
        assert!(text.contains("| q1 | 10.0 | 30.0 | b | a | a |"), "{text}");
    }
}

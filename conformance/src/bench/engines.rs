//! TPC-H per query on every engine, on the same data: DataFusion (embedded, Substrait),
//! DuckDB through translation, DuckDB running the original SQL itself (the reference the
//! adapter is held to), and PostgreSQL through translation; plus translation times.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use datafusion::physical_plan::common::collect;
use switchyard_consumer::{DuckDbEngine, Engine, EngineRef};
use switchyard_producer::{SqlDialect, ValidatedPlan};
use switchyard_router::Switchyard;

use crate::bench::stats::{median, median_of};
use crate::corpus::tpch_query;

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// How much to measure.
#[derive(Debug, Clone)]
pub struct EnginesOptions {
    /// Timed executions per query and engine (after one warm-up), rotated across engines.
    pub runs: usize,
    /// The TPC-H query numbers.
    pub queries: Vec<usize>,
}

/// One engine's figure for one query.
#[derive(Debug, Clone)]
pub enum Timing {
    /// The median time.
    Ran(Duration),
    /// The engine could not run it (the error).
    Failed(String),
}

/// The engines measured.
pub struct EngineSet<'a> {
    /// The embedded default.
    pub datafusion: EngineRef,
    /// DuckDB through translation.
    pub duckdb: &'a DuckDbEngine,
    /// PostgreSQL through translation, if measured.
    pub postgres: Option<EngineRef>,
}

/// The medians measured for one query.
#[derive(Debug, Clone)]
pub struct QueryTimes {
    /// The TPC-H query number.
    pub query: usize,
    /// Plan → DuckDB SQL.
    pub translate_duckdb: Duration,
    /// Plan → PostgreSQL SQL.
    pub translate_postgres: Option<Duration>,
    /// DataFusion running the plan.
    pub datafusion: Timing,
    /// DuckDB running the plan through the adapter (translation, run, Arrow hand-over).
    pub duckdb: Timing,
    /// DuckDB running the original SQL text itself.
    pub duckdb_native: Timing,
    /// PostgreSQL running the plan through the adapter.
    pub postgres: Option<Timing>,
}

/// Measures every requested query; `progress` is told each query as it starts.
pub async fn measure_engines(
    switchyard: &Switchyard,
    engines: &EngineSet<'_>,
    options: &EnginesOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> BenchResult<Vec<QueryTimes>> {
    let mut results = Vec::new();
    for &query in &options.queries {
        progress(query);
        let sql = tpch_query(query)?;
        let plan = switchyard
            .producer()
            .compile_checked(&sql, SqlDialect::Generic)
            .await?;
        let translate_duckdb = median_of(20, || engines.duckdb.translate(&plan)).await?;
        let translate_postgres = match &engines.postgres {
            Some(pg) => Some(median_of(20, || pg.translate(&plan)).await?),
            None => None,
        };

        // Sides: 0 DataFusion, 1 DuckDB adapter, 2 DuckDB native, 3 PostgreSQL. Each run
        // visits them in a rotated order so drift on a shared machine falls on all alike.
        let sides = if engines.postgres.is_some() { 4 } else { 3 };
        let mut samples: Vec<Vec<Duration>> = vec![Vec::new(); sides];
        let mut failures: Vec<Option<String>> = vec![None; sides];
        for run in 0..=options.runs.max(1) {
            for offset in 0..sides {
                let side = (run + offset) % sides;
                if failures[side].is_some() {
                    continue;
                }
                let started = Instant::now();
                let outcome = match side {
                    0 => run_plan(engines.datafusion.as_ref(), &plan).await,
                    1 => run_plan(engines.duckdb, &plan).await,
                    2 => engines
                        .duckdb
                        .run_native_script(&sql)
                        .await
                        .map_err(|e| e.to_string()),
                    _ => match &engines.postgres {
                        Some(pg) => run_plan(pg.as_ref(), &plan).await,
                        None => Ok(0),
                    },
                };
                match outcome {
                    // Run 0 is the warm-up.
                    Ok(_) if run > 0 => samples[side].push(started.elapsed()),
                    Ok(_) => {}
                    Err(message) => failures[side] = Some(message),
                }
            }
        }
        let mut timing =
            samples
                .into_iter()
                .zip(failures)
                .map(|(samples, failure)| match failure {
                    Some(message) => Timing::Failed(message),
                    None => Timing::Ran(median(samples)),
                });
        let mut next = || {
            timing
                .next()
                .unwrap_or(Timing::Failed("not measured".into()))
        };
        results.push(QueryTimes {
            query,
            translate_duckdb,
            translate_postgres,
            datafusion: next(),
            duckdb: next(),
            duckdb_native: next(),
            postgres: engines.postgres.as_ref().map(|_| next()),
        });
    }
    Ok(results)
}

async fn run_plan<E: Engine + ?Sized>(engine: &E, plan: &ValidatedPlan) -> Result<usize, String> {
    let stream = engine.execute(plan).await.map_err(|e| e.to_string())?;
    let batches = collect(stream).await.map_err(|e| e.to_string())?;
    Ok(batches.iter().map(|b| b.num_rows()).sum())
}

/// Where and how a report was made.
#[derive(Debug, Clone)]
pub struct EnginesContext {
    /// The command line that made it.
    pub command: String,
    /// The TPC-H scale factor.
    pub scale: f64,
    /// Options used.
    pub options: EnginesOptions,
    /// When (UTC, as text).
    pub when: String,
    /// Which build measured.
    pub build: &'static str,
    /// Time to copy the tables into PostgreSQL, if it was measured.
    pub postgres_load: Option<Duration>,
}

/// The report as Markdown.
pub fn render_engines_markdown(results: &[QueryTimes], context: &EnginesContext) -> String {
    let ms = |d: Duration| format!("{:.1}", d.as_secs_f64() * 1000.0);
    let cell = |t: &Timing| match t {
        Timing::Ran(d) => ms(*d),
        Timing::Failed(_) => "failed".to_string(),
    };
    let secs = |t: &Timing| match t {
        Timing::Ran(d) => Some(d.as_secs_f64()),
        Timing::Failed(_) => None,
    };
    let mut out = String::new();
    let _ = writeln!(out, "## TPC-H on each engine\n");
    let _ = writeln!(
        out,
        "Made by `{}` on {} ({} cores), TPC-H scale {}, {}, the same Parquet files for DataFusion and \
         DuckDB and copies of them in PostgreSQL{}. Medians of {} timed runs per query and engine after \
         one warm-up, engines visited in a rotated order each run. Times run from submitting the plan to \
         the last Arrow batch in hand. *DuckDB itself* runs the original SQL text through the `duckdb` \
         crate with DuckDB's own Arrow results: the reference for the adapter's overhead.\n",
        context.command,
        context.when,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        context.scale,
        context.build,
        context
            .postgres_load
            .map(|d| format!(" (loaded in {:.1} s)", d.as_secs_f64()))
            .unwrap_or_default(),
        context.options.runs,
    );
    let _ = writeln!(
        out,
        "| query | translate DuckDB ms | translate PostgreSQL ms | DataFusion ms | DuckDB (adapter) ms | DuckDB itself ms | adapter / itself | PostgreSQL ms |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|");
    let mut failures = Vec::new();
    for r in results {
        let ratio = match (secs(&r.duckdb), secs(&r.duckdb_native)) {
            (Some(a), Some(n)) => format!("{:.3}", a / n.max(f64::EPSILON)),
            _ => "-".to_string(),
        };
        let _ = writeln!(
            out,
            "| q{} | {:.2} | {} | {} | {} | {} | {} | {} |",
            r.query,
            r.translate_duckdb.as_secs_f64() * 1000.0,
            r.translate_postgres.map_or_else(
                || "-".to_string(),
                |d| format!("{:.2}", d.as_secs_f64() * 1000.0)
            ),
            cell(&r.datafusion),
            cell(&r.duckdb),
            cell(&r.duckdb_native),
            ratio,
            r.postgres.as_ref().map_or_else(|| "-".to_string(), cell),
        );
        for (engine, timing) in [
            ("DataFusion", Some(&r.datafusion)),
            ("DuckDB", Some(&r.duckdb)),
            ("DuckDB itself", Some(&r.duckdb_native)),
            ("PostgreSQL", r.postgres.as_ref()),
        ] {
            if let Some(Timing::Failed(message)) = timing {
                failures.push(format!("- q{} on {engine}: {message}", r.query));
            }
        }
    }
    let total = |f: &dyn Fn(&QueryTimes) -> Option<f64>| -> Option<f64> {
        results.iter().map(f).sum::<Option<f64>>()
    };
    let fmt_total = |t: Option<f64>| t.map_or_else(|| "-".to_string(), |s| format!("{s:.2} s"));
    let datafusion = total(&|r| secs(&r.datafusion));
    let duckdb = total(&|r| secs(&r.duckdb));
    let native = total(&|r| secs(&r.duckdb_native));
    let postgres = total(&|r| r.postgres.as_ref().and_then(secs));
    let _ = writeln!(
        out,
        "\n**Totals over the queries**: DataFusion {}, DuckDB through the adapter {}, DuckDB itself {}{}, PostgreSQL {}.",
        fmt_total(datafusion),
        fmt_total(duckdb),
        fmt_total(native),
        match (duckdb, native) {
            (Some(a), Some(n)) => format!(" (adapter / itself {:.3})", a / n.max(f64::EPSILON)),
            _ => String::new(),
        },
        fmt_total(postgres),
    );
    if !failures.is_empty() {
        let _ = writeln!(out, "\nFailed:\n{}", failures.join("\n"));
    }
    out
}

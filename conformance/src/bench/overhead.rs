//! What Substrait costs on the embedded engine, per TPC-H query: planning the SQL, producing
//! and encoding the plan, decoding and consuming it, and executing through Substrait against
//! executing the SQL directly; plus the plan cache's hit time.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use datafusion::error::DataFusionError;
use datafusion::physical_plan::common::collect;
use datafusion_substrait::logical_plan::consumer::from_substrait_plan;
use switchyard_consumer::{DataFusionConfig, DataFusionEngine, Engine};
use switchyard_producer::to_substrait::{prepare_for_substrait, produce_prepared};
use switchyard_producer::{PlanFormat, SqlDialect, ValidatedPlan, encode_plan};
use switchyard_router::Switchyard;

use crate::bench::stats::{median, median_of};
use crate::corpus::tpch_query;
use crate::direct::run_sql_directly;

/// How much to measure.
#[derive(Debug, Clone)]
pub struct OverheadOptions {
    /// Timed executions per query and side (interleaved).
    pub runs: usize,
    /// Timed repetitions of each sub-millisecond step.
    pub micro_runs: usize,
    /// The TPC-H query numbers.
    pub queries: Vec<usize>,
}

/// The medians measured for one query.
#[derive(Debug, Clone)]
pub struct QueryOverhead {
    /// The TPC-H query number.
    pub query: usize,
    /// (a) SQL text → DataFusion logical plan.
    pub plan_sql: Duration,
    /// (a′) logical plan → analyzed logical plan (lateral joins decorrelated).
    pub prepare: Duration,
    /// (b) prepared logical plan → Substrait plan → protobuf bytes.
    pub produce_encode: Duration,
    /// (c) protobuf bytes → validated plan → DataFusion logical plan.
    pub decode_consume: Duration,
    /// (d) plan bytes → results on DataFusion.
    pub execute_substrait: Duration,
    /// (d) SQL text → results on DataFusion, the baseline.
    pub execute_sql: Duration,
    /// SQL text → plan bytes when the plan cache has the query.
    pub cache_hit: Duration,
    /// The plan's size in bytes.
    pub plan_bytes: usize,
}

impl QueryOverhead {
    /// Execution through Substrait relative to executing the SQL directly.
    pub fn execution_ratio(&self) -> f64 {
        self.execute_substrait.as_secs_f64() / self.execute_sql.as_secs_f64().max(f64::EPSILON)
    }
}

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Measures every requested query; `progress` is told each query as it starts.
pub async fn measure_overhead(
    switchyard: &Switchyard,
    options: &OverheadOptions,
    progress: &(dyn Fn(usize) + Sync),
) -> BenchResult<Vec<QueryOverhead>> {
    let engine =
        DataFusionEngine::new("bench", switchyard.catalog(), &DataFusionConfig::default())?;
    // Both sides run in the engine's own session, so they share caches and settings and
    // differ only in how the plan arrives.
    let direct = engine.session().clone();
    let producer = switchyard.producer();
    let mut results = Vec::new();
    for &query in &options.queries {
        progress(query);
        let sql = tpch_query(query)?;
        let micro = options.micro_runs;

        let plan_sql =
            median_of(micro, || producer.sql_to_logical(&sql, SqlDialect::Generic)).await?;

        let (logical, state) = producer.sql_to_logical(&sql, SqlDialect::Generic).await?;
        let prepare = median_of(micro, || {
            let logical = logical.clone();
            let state = &state;
            async move { prepare_for_substrait(logical, state) }
        })
        .await?;

        let prepared = prepare_for_substrait(logical, &state)?;
        let produce_encode = median_of(micro, || async {
            let plan = produce_prepared(&prepared, &state)?;
            encode_plan(&plan, PlanFormat::Binary)
        })
        .await?;

        let bytes = encode_plan(&produce_prepared(&prepared, &state)?, PlanFormat::Binary)?;
        let engine_state = engine.session().state();
        let decode_consume = median_of(micro, || async {
            let (plan, _) = ValidatedPlan::from_bytes(&bytes).map_err(boxed)?;
            from_substrait_plan(&engine_state, plan.plan())
                .await
                .map_err(boxed)
        })
        .await?;

        let (execute_substrait, execute_sql) =
            interleaved_executions(&engine, &direct, &bytes, &sql, options.runs).await?;

        producer
            .compile_sql_cached(&sql, SqlDialect::Generic)
            .await?;
        let cache_hit = median_of(micro * 20, || {
            producer.compile_sql_cached(&sql, SqlDialect::Generic)
        })
        .await?;

        results.push(QueryOverhead {
            query,
            plan_sql,
            prepare,
            produce_encode,
            decode_consume,
            execute_substrait,
            execute_sql,
            cache_hit,
            plan_bytes: bytes.len(),
        });
    }
    Ok(results)
}

fn boxed(
    e: impl std::error::Error + Send + Sync + 'static,
) -> Box<dyn std::error::Error + Send + Sync> {
    Box::new(e)
}

/// Runs the Substrait plan and the SQL alternately (ABBA order, after one warm-up each), so
/// that drift on a shared machine falls on both sides alike; returns both medians.
async fn interleaved_executions(
    engine: &DataFusionEngine,
    direct: &datafusion::prelude::SessionContext,
    bytes: &[u8],
    sql: &str,
    runs: usize,
) -> BenchResult<(Duration, Duration)> {
    let via_substrait = || async {
        let started = Instant::now();
        let (plan, _) = ValidatedPlan::from_bytes(bytes)?;
        let stream = engine.execute(&plan).await?;
        collect(stream).await?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>(started.elapsed())
    };
    let via_sql = || async {
        let started = Instant::now();
        run_sql_directly(direct, sql).await?;
        Ok::<_, DataFusionError>(started.elapsed())
    };
    via_substrait().await?;
    via_sql().await?;
    let (mut substrait, mut direct_sql) = (Vec::new(), Vec::new());
    for run in 0..runs.max(1) {
        if run % 2 == 0 {
            substrait.push(via_substrait().await?);
            direct_sql.push(via_sql().await?);
        } else {
            direct_sql.push(via_sql().await?);
            substrait.push(via_substrait().await?);
        }
    }
    Ok((median(substrait), median(direct_sql)))
}

/// Where and how a report was made.
#[derive(Debug, Clone)]
pub struct ReportContext {
    /// The command line that made it.
    pub command: String,
    /// The TPC-H scale factor.
    pub scale: f64,
    /// Options used.
    pub options: OverheadOptions,
    /// When (UTC, as text).
    pub when: String,
    /// Which build measured (`release build` or `debug build`).
    pub build: &'static str,
}

/// The report as Markdown.
pub fn render_markdown(results: &[QueryOverhead], context: &ReportContext) -> String {
    let ms = |d: Duration| format!("{:.3}", d.as_secs_f64() * 1000.0);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "## Substrait overhead on the embedded DataFusion engine\n"
    );
    let _ = writeln!(
        out,
        "Made by `{}` on {} ({} cores), TPC-H scale {}, {}. Each figure is a median: \
         {} interleaved executions per side, {} repetitions of each sub-millisecond step, {} cache lookups.\n",
        context.command,
        context.when,
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        context.scale,
        context.build,
        context.options.runs,
        context.options.micro_runs,
        context.options.micro_runs * 20,
    );
    let _ = writeln!(
        out,
        "- (a) plan SQL: SQL text → DataFusion logical plan (parse and plan).\n\
         - (a′) prepare: DataFusion's analyzer (views inlined, types coerced) and the lateral-join rewrite (see docs/architecture.md).\n\
         - (b) produce + encode: prepared logical plan → Substrait plan → protobuf bytes.\n\
         - (c) decode + consume: bytes → validated plan → DataFusion logical plan.\n\
         - (d) execution through Substrait (bytes → results) against the SQL run directly (text → results); ratio = Substrait / SQL.\n\
         - cache hit: SQL text → plan bytes when the plan cache holds the query.\n"
    );
    let _ = writeln!(
        out,
        "| query | (a) plan SQL ms | (a′) prepare ms | (b) produce + encode ms | (c) decode + consume ms | (d) via Substrait ms | (d) SQL directly ms | ratio | cache hit µs | plan bytes |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for r in results {
        let _ = writeln!(
            out,
            "| q{} | {} | {} | {} | {} | {} | {} | {:.3} | {:.1} | {} |",
            r.query,
            ms(r.plan_sql),
            ms(r.prepare),
            ms(r.produce_encode),
            ms(r.decode_consume),
            ms(r.execute_substrait),
            ms(r.execute_sql),
            r.execution_ratio(),
            r.cache_hit.as_secs_f64() * 1e6,
            r.plan_bytes
        );
    }
    if !results.is_empty() {
        let med = |f: fn(&QueryOverhead) -> Duration| median(results.iter().map(f).collect());
        let total = |f: fn(&QueryOverhead) -> Duration| results.iter().map(f).sum::<Duration>();
        let worst = results
            .iter()
            .max_by(|a, b| a.execution_ratio().total_cmp(&b.execution_ratio()))
            .map(|r| format!("q{} at {:.3}", r.query, r.execution_ratio()))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "\n**Medians over the queries**: (a) {} ms, (a′) {} ms, (b) {} ms, (c) {} ms, cache hit {:.1} µs. \
             **Execution**: {} ms through Substrait against {} ms directly over all queries \
             (ratio {:.3}); highest per-query ratio {worst}.",
            ms(med(|r| r.plan_sql)),
            ms(med(|r| r.prepare)),
            ms(med(|r| r.produce_encode)),
            ms(med(|r| r.decode_consume)),
            med(|r| r.cache_hit).as_secs_f64() * 1e6,
            ms(total(|r| r.execute_substrait)),
            ms(total(|r| r.execute_sql)),
            total(|r| r.execute_substrait).as_secs_f64()
                / total(|r| r.execute_sql).as_secs_f64().max(f64::EPSILON),
        );
    }
    out
}

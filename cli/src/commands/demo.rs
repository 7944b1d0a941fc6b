//! `switchyard demo`: the tour a new user takes.

use std::time::Instant;

use anyhow::Result;
use datafusion::physical_plan::common::collect;
use switchyard_conformance::corpus::tpch_query;
use switchyard_conformance::{
    DEFAULT_RELATIVE_TOLERANCE, compare_results, ensure_tpch, plan_is_ordered,
};
use switchyard_consumer::{DuckDbConfig, DuckDbEngine, Engine};
use switchyard_producer::{PlanFormat, SqlDialect, ValidatedPlan, encode_plan};
use switchyard_router::{Config, Switchyard};

use crate::args::DemoArgs;
use crate::commands::default_tpch_dir;
use crate::output::format_rows;
use crate::progress::TableBars;

/// The TPC-H queries the demo compiles and runs: a scan-heavy aggregate, joins, a filter
/// pushdown candidate, and a correlated subquery.
const DEMO_QUERIES: [(usize, &str); 4] = [
    (1, "pricing summary: one scan of lineitem, eight aggregates"),
    (3, "shipping priority: three-way join, top 10"),
    (
        6,
        "forecast revenue change: selective filter, one aggregate",
    ),
    (
        4,
        "order priority check: a correlated EXISTS, carried into the plan as a subquery",
    ),
];

pub async fn run(args: DemoArgs) -> Result<()> {
    let started = Instant::now();
    // Read the queries first: a missing corpus should stop the demo before it generates data.
    let queries = DEMO_QUERIES
        .iter()
        .map(|&(number, what)| Ok((number, what, tpch_query(number)?)))
        .collect::<Result<Vec<_>>>()?;
    let bars = TableBars::new();
    let data = args.data.unwrap_or_else(|| default_tpch_dir(args.scale));
    let config = ensure_tpch(args.scale, &data, &|p| bars.update(p))?;
    bars.finish();
    let switchyard = Switchyard::open(Config::load(&config)?).await?;
    // The same plans also go to DuckDB, embedded too, through SQL translation.
    let duckdb = DuckDbEngine::new(
        "duckdb",
        switchyard.catalog(),
        &DuckDbConfig::default(),
        &switchyard.config().base_dir,
    )?;
    println!(
        "Switchyard demo: TPC-H data in {} ({} tables), engines: embedded DataFusion, then DuckDB\n",
        data.display(),
        switchyard.catalog().len()
    );
    for (number, what, sql) in queries {
        let compile_started = Instant::now();
        let plan = switchyard
            .producer()
            .compile_sql(&sql, SqlDialect::Generic)
            .await?;
        let compiled_in = compile_started.elapsed();
        let binary = encode_plan(&plan, PlanFormat::Binary)?;
        let json = encode_plan(&plan, PlanFormat::Json)?;
        let (validated, _) = ValidatedPlan::from_bytes(&binary)?;
        let run_started = Instant::now();
        let (engine, stream) = switchyard.execute(&validated, None).await?;
        let batches = collect(stream).await?;
        let ran_in = run_started.elapsed();
        println!("TPC-H q{number}: {what}");
        println!(
            "  plan: {} bytes binary, {} bytes JSON, compiled in {:.1} ms; ran on {} in {:.1} ms",
            binary.len(),
            json.len(),
            compiled_in.as_secs_f64() * 1000.0,
            engine.name(),
            ran_in.as_secs_f64() * 1000.0
        );
        println!("{}", format_rows(&batches, 5)?);

        let duck_started = Instant::now();
        let duck_batches = collect(duckdb.execute(&validated).await?).await?;
        let duck_in = duck_started.elapsed();
        let (logical, _) = switchyard
            .producer()
            .sql_to_logical(&sql, SqlDialect::Generic)
            .await?;
        let ordered = plan_is_ordered(&logical);
        let agreement =
            match compare_results(&batches, &duck_batches, ordered, DEFAULT_RELATIVE_TOLERANCE) {
                Ok(()) => "the same rows as DataFusion".to_string(),
                Err(difference) => format!("DIFFERENT rows from DataFusion: {difference}"),
            };
        println!(
            "  the same plan on DuckDB (translated to its SQL): {:.1} ms, {agreement}\n",
            duck_in.as_secs_f64() * 1000.0
        );
    }
    println!("done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

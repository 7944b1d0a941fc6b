//! `switchyard demo`: the tour a new user takes.

use std::time::Instant;

use anyhow::Result;
use datafusion::physical_plan::common::collect;
use switchyard_conformance::corpus::tpch_query;
use switchyard_conformance::ensure_tpch;
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
        "order priority check: correlated EXISTS, decorrelated into a semi join",
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
    println!(
        "Switchyard demo: TPC-H data in {} ({} tables), engine: embedded DataFusion\n",
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
        println!("{}\n", format_rows(&batches, 5)?);
    }
    println!("done in {:.1} s", started.elapsed().as_secs_f64());
    Ok(())
}

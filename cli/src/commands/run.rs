//! `switchyard run`.

use std::time::Instant;

use anyhow::{Context, Result, bail};
use datafusion::physical_plan::common::collect;
use switchyard_consumer::{ResultFormat, write_result_file};
use switchyard_producer::ValidatedPlan;
use switchyard_producer::plan_io::MAX_PLAN_BYTES;
use switchyard_router::Switchyard;

use crate::args::RunArgs;
use crate::commands::sql_text;
use crate::output::format_rows;

pub async fn run(switchyard: &Switchyard, args: RunArgs) -> Result<()> {
    // A typo in the output file's extension should not cost a query's run time.
    if let Some(path) = &args.output {
        ResultFormat::from_path(path)?;
    }
    let plan = match (&args.plan, sql_text(&args.source)?) {
        (Some(path), _) => {
            let size = std::fs::metadata(path)
                .with_context(|| format!("cannot read plan file {}", path.display()))?
                .len();
            if size > MAX_PLAN_BYTES as u64 {
                bail!(
                    "plan file {} is {size} bytes, over the {MAX_PLAN_BYTES}-byte limit",
                    path.display()
                );
            }
            let bytes = std::fs::read(path)
                .with_context(|| format!("cannot read plan file {}", path.display()))?;
            ValidatedPlan::from_bytes(&bytes)
                .with_context(|| format!("plan file {}", path.display()))?
                .0
        }
        (None, Some(sql)) => ValidatedPlan::new(
            switchyard
                .producer()
                .compile_sql(&sql, args.dialect)
                .await?,
        )?,
        (None, None) => bail!("give a plan file, --sql TEXT or --sql-file FILE"),
    };
    let started = Instant::now();
    let (engine, stream) = switchyard.execute(&plan, args.engine.as_deref()).await?;
    let schema = stream.schema();
    let batches = collect(stream)
        .await
        .with_context(|| format!("engine {} failed", engine.name()))?;
    let elapsed = started.elapsed();
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    match &args.output {
        Some(path) => {
            write_result_file(path, &schema, &batches)?;
            eprintln!("wrote {rows} rows to {}", path.display());
        }
        None => println!("{}", format_rows(&batches, args.max_rows)?),
    }
    eprintln!(
        "{rows} rows in {:.1} ms on {} ({})",
        elapsed.as_secs_f64() * 1000.0,
        engine.name(),
        engine.kind()
    );
    Ok(())
}

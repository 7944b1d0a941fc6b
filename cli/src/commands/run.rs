//! `switchyard run`.

use std::time::Instant;

use anyhow::{Context, Result};
use datafusion::physical_plan::common::collect;
use switchyard_consumer::{ResultFormat, write_result_file};
use switchyard_router::Switchyard;

use crate::args::RunArgs;
use crate::commands::plan_input::plan_input;
use crate::output::format_rows;

pub async fn run(switchyard: &Switchyard, args: RunArgs) -> Result<()> {
    // A typo in the output file's extension should not cost a query's run time.
    if let Some(path) = &args.output {
        ResultFormat::from_path(path)?;
    }
    let plan = plan_input(switchyard, &args.input).await?;
    let started = Instant::now();
    let run = switchyard.run(&plan, args.engine.as_deref()).await?;
    let (decision, engine, stream, engine_started) =
        (run.decision, run.engine, run.stream, run.started);
    let schema = stream.schema();
    let batches = collect(stream)
        .await
        .with_context(|| format!("engine {} failed", engine.name()))?;
    let elapsed = started.elapsed();
    // Learn from the engine that answered, not the attempts that failed before it.
    switchyard
        .router()
        .record_run(&decision, engine.name(), engine_started.elapsed());
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    match &args.output {
        Some(path) => {
            write_result_file(path, &schema, &batches)?;
            eprintln!("wrote {rows} rows to {}", path.display());
        }
        None => println!("{}", format_rows(&batches, args.max_rows)?),
    }
    eprintln!(
        "{rows} rows in {:.1} ms on {} ({}): {}",
        elapsed.as_secs_f64() * 1000.0,
        engine.name(),
        engine.kind(),
        decision.reason
    );
    for failed in decision.attempts.iter().filter(|a| a.error.is_some()) {
        eprintln!(
            "fell back from {}: {}",
            failed.engine,
            failed.error.as_deref().unwrap_or_default()
        );
    }
    if args.explain {
        eprintln!("{decision}");
    }
    Ok(())
}

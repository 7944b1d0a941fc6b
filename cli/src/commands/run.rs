//! `switchyard run`.

use std::time::{Duration, Instant};

use anyhow::{Context, Result, anyhow};
use datafusion::physical_plan::common::collect;
use switchyard_consumer::{ResultFormat, write_result_file};
use switchyard_router::Switchyard;

use crate::args::RunArgs;
use crate::commands::plan_input::plan_input;
use crate::commands::run_verify;
use crate::output::format_rows;

/// Prints a result, or writes it to `--output`.
pub(crate) fn show_result(
    args: &RunArgs,
    schema: &datafusion::arrow::datatypes::SchemaRef,
    batches: &[datafusion::arrow::record_batch::RecordBatch],
) -> Result<usize> {
    let rows: usize = batches.iter().map(|b| b.num_rows()).sum();
    match &args.output {
        Some(path) => {
            write_result_file(path, schema, batches)?;
            eprintln!("wrote {rows} rows to {}", path.display());
        }
        None => println!("{}", format_rows(batches, args.max_rows)?),
    }
    Ok(rows)
}

/// A query's time limit: `--timeout-ms`, at most `service.limits.query_timeout_ms`.
pub(crate) fn query_limit(switchyard: &Switchyard, args: &RunArgs) -> Duration {
    switchyard
        .config()
        .file
        .service
        .limits
        .query_timeout(args.timeout_ms.map(Duration::from_millis))
}

pub async fn run(switchyard: &Switchyard, args: RunArgs) -> Result<()> {
    // A typo in the output file's extension should not cost a query's run time.
    if let Some(path) = &args.output {
        ResultFormat::from_path(path)?;
    }
    let plan = plan_input(switchyard, &args.input).await?;
    if let Some(named) = &args.verify {
        return run_verify::run(switchyard, &plan, &args, named.as_deref()).await;
    }
    let started = Instant::now();
    let limit = query_limit(switchyard, &args);
    let over_time = || {
        anyhow!(
            "the query did not finish within {} ms (--timeout-ms, service.limits.query_timeout_ms); \
             it was stopped",
            limit.as_millis()
        )
    };
    let deadline = tokio::time::Instant::now() + limit;
    let run = tokio::time::timeout_at(deadline, switchyard.run(&plan, args.engine.as_deref()))
        .await
        .map_err(|_| over_time())??;
    let (decision, engine, stream, engine_started) =
        (run.decision, run.engine, run.stream, run.started);
    let schema = stream.schema();
    // Dropping the stream on timeout cancels the query on its engine.
    let batches = tokio::time::timeout_at(deadline, collect(stream))
        .await
        .map_err(|_| over_time())?
        .with_context(|| format!("engine {} failed", engine.name()))?;
    let elapsed = started.elapsed();
    // Learn from the engine that answered, not the attempts that failed before it.
    switchyard
        .router()
        .record_run(&decision, engine.name(), engine_started.elapsed());
    let rows = show_result(&args, &schema, &batches)?;
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

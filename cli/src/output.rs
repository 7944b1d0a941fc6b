//! Printing results and writing files.

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::{Result, anyhow, bail};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::pretty::pretty_format_batches;
use switchyard_consumer::write_atomically;
use switchyard_producer::PlanFormat;

/// Formats at most `max_rows` rows as a table, saying how many were left out.
pub fn format_rows(batches: &[RecordBatch], max_rows: usize) -> Result<String> {
    let total: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let mut shown = Vec::new();
    let mut remaining = max_rows;
    for batch in batches {
        if remaining == 0 {
            break;
        }
        let take = batch.num_rows().min(remaining);
        shown.push(batch.slice(0, take));
        remaining -= take;
    }
    if shown.is_empty()
        && let Some(first) = batches.first()
    {
        shown.push(first.slice(0, 0));
    }
    let mut text = pretty_format_batches(&shown)?.to_string();
    if total > max_rows {
        text.push_str(&format!(
            "\n… {} more rows (use --output FILE for all)",
            total - max_rows
        ));
    }
    Ok(text)
}

/// Writes bytes to `path` whole or not at all (a temporary file renamed into place).
pub fn write_file_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically(path, |out| Ok(out.write_all(bytes)?))
        .map_err(|e| anyhow!("cannot write {}: {e}", path.display()))
}

/// The encoding for a plan written to `output`: `requested`, else binary for a file whose
/// extension is not `.json`, else JSON.
pub fn plan_format(requested: Option<PlanFormat>, output: Option<&Path>) -> PlanFormat {
    requested.unwrap_or_else(|| match output {
        Some(path) if path.extension().is_some_and(|e| e != "json") => PlanFormat::Binary,
        _ => PlanFormat::Json,
    })
}

/// Writes an encoded plan to `output` (whole or not at all, saying so on standard error) or to
/// standard output; a binary plan is never printed to a terminal.
pub fn write_plan(bytes: &[u8], format: PlanFormat, output: Option<&Path>) -> Result<()> {
    match output {
        Some(path) => {
            write_file_atomically(path, bytes)?;
            eprintln!("wrote {} ({} bytes, {format})", path.display(), bytes.len());
        }
        None => {
            let mut stdout = std::io::stdout().lock();
            if format == PlanFormat::Binary && stdout.is_terminal() {
                bail!("a binary plan is not printed to a terminal; use -o FILE or --format json");
            }
            stdout.write_all(bytes)?;
            stdout.flush()?;
        }
    }
    Ok(())
}

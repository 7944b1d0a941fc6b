//! Printing results and writing files.

use std::io::Write;
use std::path::Path;

use anyhow::{Result, anyhow};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::arrow::util::pretty::pretty_format_batches;
use switchyard_consumer::write_atomically;

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

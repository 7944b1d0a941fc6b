//! Writing query results to a file whose extension names the format.

use std::io::Write;
use std::path::Path;

use datafusion::arrow::csv::WriterBuilder as CsvWriterBuilder;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::ipc::writer::FileWriter as IpcFileWriter;
use datafusion::arrow::json::ArrayWriter as JsonArrayWriter;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;

use crate::atomic_file::{WriteError, write_atomically};
use crate::error::EngineError;

/// A result file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultFormat {
    /// CSV with a header line.
    Csv,
    /// A JSON array of objects.
    Json,
    /// Apache Parquet.
    Parquet,
    /// Arrow IPC file.
    Arrow,
}

impl ResultFormat {
    /// The format a file's extension names (`.csv`, `.json`, `.parquet`, `.arrow`/`.ipc`/`.feather`).
    pub fn from_path(path: &Path) -> Result<Self, EngineError> {
        let extension = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .unwrap_or_default();
        match extension.as_str() {
            "csv" => Ok(Self::Csv),
            "json" => Ok(Self::Json),
            "parquet" => Ok(Self::Parquet),
            "arrow" | "ipc" | "feather" => Ok(Self::Arrow),
            _ => Err(output_error(
                path,
                "unknown extension; use .csv, .json, .parquet or .arrow",
            )),
        }
    }
}

fn output_error(path: &Path, message: impl ToString) -> EngineError {
    EngineError::Output {
        path: path.display().to_string(),
        message: message.to_string(),
    }
}

/// Writes `batches` to `path` in the format its extension names, whole or not at all.
pub fn write_result_file(
    path: &Path,
    schema: &SchemaRef,
    batches: &[RecordBatch],
) -> Result<(), EngineError> {
    let format = ResultFormat::from_path(path)?;
    write_atomically(path, |out| write_format(format, out, schema, batches))
        .map_err(|e| output_error(path, e))
}

fn write_format(
    format: ResultFormat,
    out: &mut (impl Write + Send),
    schema: &SchemaRef,
    batches: &[RecordBatch],
) -> Result<(), WriteError> {
    match format {
        ResultFormat::Csv => {
            let mut writer = CsvWriterBuilder::new().with_header(true).build(out);
            for batch in batches {
                writer.write(batch)?;
            }
        }
        ResultFormat::Json if batches.iter().all(|b| b.num_rows() == 0) => {
            // ArrayWriter writes nothing at all for no rows; an empty result is still an array.
            out.write_all(b"[]")?;
        }
        ResultFormat::Json => {
            let mut writer = JsonArrayWriter::new(out);
            for batch in batches {
                writer.write(batch)?;
            }
            writer.finish()?;
        }
        ResultFormat::Parquet => {
            let mut writer = ArrowWriter::try_new(out, schema.clone(), None)?;
            for batch in batches {
                writer.write(batch)?;
            }
            writer.close()?;
        }
        ResultFormat::Arrow => {
            let mut writer = IpcFileWriter::try_new(out, schema)?;
            for batch in batches {
                writer.write(batch)?;
            }
            writer.finish()?;
        }
    }
    Ok(())
}

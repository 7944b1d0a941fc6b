//! Writing query results to a file whose extension names the format.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use datafusion::arrow::csv::WriterBuilder as CsvWriterBuilder;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::ipc::writer::FileWriter as IpcFileWriter;
use datafusion::arrow::json::ArrayWriter as JsonArrayWriter;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;

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

/// Writes `batches` to `path` in the format its extension names.
///
/// The file appears whole or not at all: the results go to a temporary file beside it,
/// which is renamed into place only once everything is written.
pub fn write_result_file(
    path: &Path,
    schema: &SchemaRef,
    batches: &[RecordBatch],
) -> Result<(), EngineError> {
    let format = ResultFormat::from_path(path)?;
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let temp = tempfile::NamedTempFile::new_in(dir).map_err(|e| output_error(path, e))?;
    let file = temp.reopen().map_err(|e| output_error(path, e))?;
    write_format(format, file, schema, batches).map_err(|e| output_error(path, e))?;
    temp.persist(path)
        .map_err(|e| output_error(path, e.error))?;
    Ok(())
}

fn write_format(
    format: ResultFormat,
    file: File,
    schema: &SchemaRef,
    batches: &[RecordBatch],
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut out = BufWriter::new(file);
    match format {
        ResultFormat::Csv => {
            let mut writer = CsvWriterBuilder::new().with_header(true).build(&mut out);
            for batch in batches {
                writer.write(batch)?;
            }
        }
        ResultFormat::Json if batches.iter().all(|b| b.num_rows() == 0) => {
            // ArrayWriter writes nothing at all for no rows; an empty result is still an array.
            out.write_all(b"[]")?;
        }
        ResultFormat::Json => {
            let mut writer = JsonArrayWriter::new(&mut out);
            for batch in batches {
                writer.write(batch)?;
            }
            writer.finish()?;
        }
        ResultFormat::Parquet => {
            let mut writer = ArrowWriter::try_new(&mut out, schema.clone(), None)?;
            for batch in batches {
                writer.write(batch)?;
            }
            writer.close()?;
        }
        ResultFormat::Arrow => {
            let mut writer = IpcFileWriter::try_new(&mut out, schema)?;
            for batch in batches {
                writer.write(batch)?;
            }
            writer.finish()?;
        }
    }
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(())
}

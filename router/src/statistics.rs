//! Table statistics for the cost model: row counts and bytes from Parquet footers (exact),
//! from file sizes and a sample of lines for CSV and JSON (estimated), and from PostgreSQL's
//! `reltuples` for tables loaded there.

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::RwLock;

use datafusion::parquet::file::metadata::ParquetMetaDataReader;
use serde::Serialize;
use switchyard_consumer::HeldTableStatistics;
use switchyard_producer::{Catalog, TableFormat};

/// What the cost model knows about one table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TableStatistics {
    /// Rows.
    pub rows: u64,
    /// Bytes an engine decodes to read every column (Parquet's uncompressed size; the file
    /// size for text formats).
    pub bytes: u64,
    /// Whether `rows` is exact (Parquet metadata) or an estimate.
    pub exact: bool,
}

impl TableStatistics {
    /// The bytes of `read` columns out of `total`: per-column sizes when known, else a share.
    pub fn bytes_of_columns(&self, read: usize, total: usize) -> u64 {
        if total == 0 || read >= total {
            return self.bytes;
        }
        // Without knowing which columns, assume average-width columns.
        ((self.bytes as f64) * (read as f64) / (total as f64)) as u64
    }
}

/// Statistics for the catalog's tables, gathered once when a configuration opens, and
/// what engines holding copies say about their copies (refreshed after loads).
#[derive(Debug, Default)]
pub struct Statistics {
    tables: HashMap<String, TableStatistics>,
    /// (engine, table) → bytes of the engine's copy.
    held: RwLock<HashMap<(String, String), u64>>,
}

impl Statistics {
    /// Reads what the catalog's files say about themselves; a table whose files cannot be
    /// read gets no entry (the cost model then assumes a small table) and a warning.
    pub fn from_catalog(catalog: &Catalog) -> Self {
        let mut tables = HashMap::new();
        for table in catalog.tables() {
            let (Some(location), Some(format)) = (table.location(), table.format()) else {
                continue;
            };
            match file_statistics(location, format) {
                Ok(stats) => {
                    tables.insert(table.name().to_string(), stats);
                }
                Err(e) => tracing::warn!(table = table.name(), "no statistics: {e}"),
            }
        }
        Self {
            tables,
            held: RwLock::default(),
        }
    }

    /// Records what `engine` says about the tables it holds.
    pub fn set_held(&self, engine: &str, held: &[HeldTableStatistics]) {
        let mut map = self.held.write().unwrap_or_else(|e| e.into_inner());
        map.retain(|(e, _), _| e != engine);
        for table in held {
            map.insert((engine.to_string(), table.table.clone()), table.bytes);
        }
    }

    /// The bytes of `engine`'s copy of `table`, if it reported one.
    pub fn held_bytes(&self, engine: &str, table: &str) -> Option<u64> {
        self.held
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(engine.to_string(), table.to_string()))
            .copied()
    }

    /// A table's statistics.
    pub fn table(&self, name: &str) -> Option<&TableStatistics> {
        self.tables.get(name)
    }

    /// Sets a table's statistics (tests, and engines that know better).
    pub fn set(&mut self, name: impl Into<String>, stats: TableStatistics) {
        self.tables.insert(name.into(), stats);
    }
}

fn file_statistics(location: &Path, format: TableFormat) -> Result<TableStatistics, String> {
    let files = data_files(location, format)?;
    if files.is_empty() {
        return Err(format!("no {format} files under {}", location.display()));
    }
    match format {
        TableFormat::Parquet => parquet_statistics(&files),
        _ => text_statistics(&files),
    }
}

fn parquet_statistics(files: &[PathBuf]) -> Result<TableStatistics, String> {
    let mut stats = TableStatistics {
        rows: 0,
        bytes: 0,
        exact: true,
    };
    for path in files {
        let file = File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let metadata = ParquetMetaDataReader::new()
            .parse_and_finish(&file)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        for group in metadata.row_groups() {
            stats.rows += u64::try_from(group.num_rows()).unwrap_or(0);
            stats.bytes += u64::try_from(group.total_byte_size()).unwrap_or(0);
        }
    }
    Ok(stats)
}

/// CSV and JSON: bytes from file sizes, rows from the line length of the first 64 KiB.
fn text_statistics(files: &[PathBuf]) -> Result<TableStatistics, String> {
    let mut bytes = 0u64;
    for path in files {
        bytes += std::fs::metadata(path)
            .map_err(|e| format!("{}: {e}", path.display()))?
            .len();
    }
    let mut sample = Vec::with_capacity(64 * 1024);
    if let Some(first) = files.first() {
        File::open(first)
            .and_then(|f| f.take(64 * 1024).read_to_end(&mut sample))
            .map_err(|e| format!("{}: {e}", first.display()))?;
    }
    let lines = sample.iter().filter(|&&b| b == b'\n').count().max(1) as u64;
    let rows = if sample.is_empty() {
        0
    } else {
        bytes * lines / sample.len() as u64
    };
    Ok(TableStatistics {
        rows,
        bytes,
        exact: false,
    })
}

/// The data files of a table: the file itself, or the files with the format's extension
/// anywhere under the folder.
fn data_files(location: &Path, format: TableFormat) -> Result<Vec<PathBuf>, String> {
    if location.is_file() {
        return Ok(vec![location.to_path_buf()]);
    }
    let extension = format.default_extension().trim_start_matches('.');
    let mut files = Vec::new();
    let mut pending = vec![location.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().and_then(|e| e.to_str()) == Some(extension) {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

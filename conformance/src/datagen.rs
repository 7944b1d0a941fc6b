//! TPC-H data generation: the eight tables as Parquet, plus a configuration naming them.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::WriterProperties;
use switchyard_consumer::{DEFAULT_ENGINE, DataFusionConfig, EngineConfig, write_atomically};
use switchyard_producer::{TableConfig, TableFormat};
use switchyard_router::{Config, ConfigFile, DEFAULT_CONFIG_FILE};
use thiserror::Error;
use tpchgen::generators::{
    CustomerGenerator, LineItemGenerator, NationGenerator, OrderGenerator, PartGenerator,
    PartSuppGenerator, RegionGenerator, SupplierGenerator,
};
use tpchgen_arrow::{
    CustomerArrow, LineItemArrow, NationArrow, OrderArrow, PartArrow, PartSuppArrow, RegionArrow,
    SupplierArrow,
};

/// The eight TPC-H tables, in the order they are generated (largest first).
pub const TPCH_TABLES: [&str; 8] = [
    "lineitem", "orders", "partsupp", "part", "customer", "supplier", "nation", "region",
];

/// What can go wrong while generating data.
#[derive(Debug, Error)]
pub enum DatagenError {
    /// The scale factor is not a positive number.
    #[error("scale factor must be a positive number, got {0}")]
    Scale(f64),
    /// A file could not be written.
    #[error("writing {}: {message}", path.display())]
    Write {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
}

/// Rows generated so far for one table.
#[derive(Debug, Clone, Copy)]
pub struct TableProgress<'a> {
    /// The table.
    pub table: &'a str,
    /// Rows written so far.
    pub rows: u64,
    /// Rows expected in all (exact but for lineitem, whose size is random per order).
    pub expected_rows: u64,
    /// Whether the table is complete.
    pub done: bool,
}

/// How many rows `table` has at `scale` (lineitem: the expected count).
pub fn expected_rows(table: &str, scale: f64) -> u64 {
    let per_unit_scale = match table {
        "nation" => return 25,
        "region" => return 5,
        "part" => 200_000.0,
        "supplier" => 10_000.0,
        "partsupp" => 800_000.0,
        "customer" => 150_000.0,
        "orders" => 1_500_000.0,
        "lineitem" => 6_001_215.0,
        _ => 0.0,
    };
    (per_unit_scale * scale).round().max(1.0) as u64
}

type BatchIter = Box<dyn Iterator<Item = Result<RecordBatch, ArrowError>> + Send>;

fn batches_of(table: &str, scale: f64) -> (SchemaRef, BatchIter) {
    match table {
        "lineitem" => (
            LineItemArrow::schema_ref(),
            Box::new(LineItemArrow::new(LineItemGenerator::new(scale, 1, 1))),
        ),
        "orders" => (
            OrderArrow::schema_ref(),
            Box::new(OrderArrow::new(OrderGenerator::new(scale, 1, 1))),
        ),
        "partsupp" => (
            PartSuppArrow::schema_ref(),
            Box::new(PartSuppArrow::new(PartSuppGenerator::new(scale, 1, 1))),
        ),
        "part" => (
            PartArrow::schema_ref(),
            Box::new(PartArrow::new(PartGenerator::new(scale, 1, 1))),
        ),
        "customer" => (
            CustomerArrow::schema_ref(),
            Box::new(CustomerArrow::new(CustomerGenerator::new(scale, 1, 1))),
        ),
        "supplier" => (
            SupplierArrow::schema_ref(),
            Box::new(SupplierArrow::new(SupplierGenerator::new(scale, 1, 1))),
        ),
        "nation" => (
            NationArrow::schema_ref(),
            Box::new(NationArrow::new(NationGenerator::new(scale, 1, 1))),
        ),
        _ => (
            RegionArrow::schema_ref(),
            Box::new(RegionArrow::new(RegionGenerator::new(scale, 1, 1))),
        ),
    }
}

/// Generates the TPC-H tables at `scale` into `out_dir` as `<table>.parquet`, then writes
/// `switchyard.yaml` naming them, and returns its path.
///
/// Tables are generated in parallel; each file is written under a temporary name and renamed
/// when complete, and the configuration comes last, so an interrupted run never leaves a
/// configuration pointing at half-written data.
pub fn generate_tpch(
    scale: f64,
    out_dir: &Path,
    progress: &(dyn Fn(TableProgress<'_>) + Sync),
) -> Result<PathBuf, DatagenError> {
    if !(scale.is_finite() && scale > 0.0) {
        return Err(DatagenError::Scale(scale));
    }
    std::fs::create_dir_all(out_dir).map_err(|e| DatagenError::Write {
        path: out_dir.to_path_buf(),
        message: e.to_string(),
    })?;
    // Regenerating over older data: without its configuration the folder is visibly
    // incomplete until every table is rewritten.
    for stale in [DEFAULT_CONFIG_FILE, SCALE_MARKER] {
        let path = out_dir.join(stale);
        if path.exists() {
            std::fs::remove_file(&path).map_err(|e| DatagenError::Write {
                path,
                message: e.to_string(),
            })?;
        }
    }
    let results: Vec<Result<(), DatagenError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = TPCH_TABLES
            .iter()
            .map(|table| scope.spawn(move || write_table(table, scale, out_dir, progress)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(DatagenError::Write {
                        path: out_dir.to_path_buf(),
                        message: "a generator thread panicked".into(),
                    })
                })
            })
            .collect()
    });
    results.into_iter().collect::<Result<Vec<()>, _>>()?;
    write_config(out_dir, scale)
}

fn write_table(
    table: &str,
    scale: f64,
    out_dir: &Path,
    progress: &(dyn Fn(TableProgress<'_>) + Sync),
) -> Result<(), DatagenError> {
    let path = out_dir.join(format!("{table}.parquet"));
    let expected = expected_rows(table, scale);
    let (schema, batches) = batches_of(table, scale);
    let rows = write_atomically(&path, |out| {
        let properties = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .build();
        let mut writer = ArrowWriter::try_new(out, schema, Some(properties))?;
        let mut rows = 0u64;
        for batch in batches {
            let batch = batch?;
            rows += batch.num_rows() as u64;
            writer.write(&batch)?;
            progress(TableProgress {
                table,
                rows,
                expected_rows: expected,
                done: false,
            });
        }
        writer.close()?;
        Ok(rows)
    })
    .map_err(|e| DatagenError::Write {
        path: path.clone(),
        message: e.to_string(),
    })?;
    progress(TableProgress {
        table,
        rows,
        expected_rows: rows,
        done: true,
    });
    Ok(())
}

fn write_config(out_dir: &Path, scale: f64) -> Result<PathBuf, DatagenError> {
    let marker = out_dir.join(SCALE_MARKER);
    write_atomically(&marker, |out| Ok(writeln!(out, "{scale}")?)).map_err(|e| {
        DatagenError::Write {
            path: marker.clone(),
            message: e.to_string(),
        }
    })?;
    let tables: BTreeMap<String, TableConfig> = TPCH_TABLES
        .iter()
        .map(|table| {
            let config = TableConfig {
                path: PathBuf::from(format!("{table}.parquet")),
                format: TableFormat::Parquet,
                has_header: None,
                delimiter: None,
            };
            (table.to_string(), config)
        })
        .collect();
    let engines = BTreeMap::from([(
        DEFAULT_ENGINE.to_string(),
        EngineConfig::DataFusion(DataFusionConfig::default()),
    )]);
    let path = out_dir.join(DEFAULT_CONFIG_FILE);
    let error = |message: String| DatagenError::Write {
        path: path.clone(),
        message,
    };
    let text = Config::to_yaml(&ConfigFile {
        tables,
        engines,
        ..ConfigFile::default()
    })
    .map_err(|e| error(e.to_string()))?;
    let header =
        "# Written by `switchyard datagen tpch`: the TPC-H tables, relative to this file.\n";
    std::fs::write(&path, format!("{header}{text}")).map_err(|e| error(e.to_string()))?;
    Ok(path)
}

/// Returns the configuration of TPC-H data at `scale` in `dir`, generating it first if it is
/// not there yet.
///
/// Safe to call from several processes at once: each generates into its own scratch folder
/// and the first to finish renames it into place.
pub fn ensure_tpch(
    scale: f64,
    dir: &Path,
    progress: &(dyn Fn(TableProgress<'_>) + Sync),
) -> Result<PathBuf, DatagenError> {
    // Threads of one process (tests run in parallel) wait for one generation; processes race
    // on the final rename below.
    static GENERATING: Mutex<()> = Mutex::new(());
    let _one_at_a_time = GENERATING.lock().unwrap_or_else(|p| p.into_inner());
    let config = dir.join(DEFAULT_CONFIG_FILE);
    if config.is_file() {
        check_scale(dir, scale)?;
        return Ok(config);
    }
    let refuse = |message: &str| DatagenError::Write {
        path: dir.to_path_buf(),
        message: message.to_string(),
    };
    if std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_some()) {
        return Err(refuse(
            "folder exists and is not TPC-H data (no switchyard.yaml); remove it or choose another",
        ));
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(parent).map_err(|e| DatagenError::Write {
        path: parent.to_path_buf(),
        message: e.to_string(),
    })?;
    let scratch = tempfile::Builder::new()
        .prefix(".tpch-partial-")
        .tempdir_in(parent)
        .map_err(|e| DatagenError::Write {
            path: parent.to_path_buf(),
            message: e.to_string(),
        })?;
    generate_tpch(scale, scratch.path(), progress)?;
    let scratch = scratch.keep();
    // An empty folder left by someone would make the rename fail; it holds nothing to keep.
    let _ = std::fs::remove_dir(dir);
    if std::fs::rename(&scratch, dir).is_err() {
        // Another process won the race (or `dir` exists without a configuration).
        let _ = std::fs::remove_dir_all(&scratch);
        if !config.is_file() {
            return Err(DatagenError::Write {
                path: dir.to_path_buf(),
                message: "folder exists but holds no switchyard.yaml; remove it or choose another"
                    .into(),
            });
        }
    }
    Ok(config)
}

/// The file beside the tables that records the scale they were generated at.
pub const SCALE_MARKER: &str = ".tpch-scale";

fn check_scale(dir: &Path, scale: f64) -> Result<(), DatagenError> {
    // Data without a marker was not made by us (or by an older version): take it as it is.
    let Ok(text) = std::fs::read_to_string(dir.join(SCALE_MARKER)) else {
        return Ok(());
    };
    match text.trim().parse::<f64>() {
        Ok(found) if found == scale => Ok(()),
        _ => Err(DatagenError::Write {
            path: dir.to_path_buf(),
            message: format!(
                "holds TPC-H scale {}, not {scale}; choose another folder with --data",
                text.trim()
            ),
        }),
    }
}

/// Opens TPC-H data at `scale` in `dir` (generating it first if missing), as tests and
/// benchmarks use it.
pub async fn open_tpch(
    scale: f64,
    dir: &Path,
) -> Result<switchyard_router::Switchyard, Box<dyn std::error::Error + Send + Sync>> {
    open_tpch_with_engines(scale, dir, BTreeMap::new()).await
}

/// Like [`open_tpch`], with `engines` added to the generated configuration. The file on disk
/// is left as generated (loads are not recorded in it), so several users can share the data.
pub async fn open_tpch_with_engines(
    scale: f64,
    dir: &Path,
    engines: BTreeMap<String, EngineConfig>,
) -> Result<switchyard_router::Switchyard, Box<dyn std::error::Error + Send + Sync>> {
    let path = ensure_tpch(scale, dir, &|_| {})?;
    let mut config = Config::load(&path)?;
    config.file.engines.extend(engines);
    config.source = None;
    Ok(switchyard_router::Switchyard::open(config).await?)
}

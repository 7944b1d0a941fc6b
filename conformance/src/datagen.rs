//! TPC-H data generation: the eight tables as Parquet, plus a configuration naming them.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::error::ArrowError;
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use datafusion::parquet::basic::Compression;
use datafusion::parquet::file::properties::WriterProperties;
use switchyard_consumer::{DEFAULT_ENGINE, DataFusionConfig, EngineConfig};
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
    write_config(out_dir)
}

fn write_table(
    table: &str,
    scale: f64,
    out_dir: &Path,
    progress: &(dyn Fn(TableProgress<'_>) + Sync),
) -> Result<(), DatagenError> {
    let path = out_dir.join(format!("{table}.parquet"));
    let temp = out_dir.join(format!(".{table}.parquet.partial"));
    let error = |message: String| DatagenError::Write {
        path: path.clone(),
        message,
    };
    let expected = expected_rows(table, scale);
    let (schema, batches) = batches_of(table, scale);
    let file = File::create(&temp).map_err(|e| error(e.to_string()))?;
    let properties = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .build();
    let mut writer =
        ArrowWriter::try_new(file, schema, Some(properties)).map_err(|e| error(e.to_string()))?;
    let mut rows = 0u64;
    for batch in batches {
        let batch = batch.map_err(|e| error(e.to_string()))?;
        rows += batch.num_rows() as u64;
        writer.write(&batch).map_err(|e| error(e.to_string()))?;
        progress(TableProgress {
            table,
            rows,
            expected_rows: expected,
            done: false,
        });
    }
    writer.close().map_err(|e| error(e.to_string()))?;
    std::fs::rename(&temp, &path).map_err(|e| error(e.to_string()))?;
    progress(TableProgress {
        table,
        rows,
        expected_rows: rows,
        done: true,
    });
    Ok(())
}

fn write_config(out_dir: &Path) -> Result<PathBuf, DatagenError> {
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
    let text =
        Config::to_yaml(&ConfigFile { tables, engines }).map_err(|e| error(e.to_string()))?;
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
    let config = dir.join(DEFAULT_CONFIG_FILE);
    if config.is_file() {
        return Ok(config);
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

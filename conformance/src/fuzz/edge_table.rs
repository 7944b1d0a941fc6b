//! The fuzzer's table of edge values: `NULL`s in every column, empty and blank strings,
//! the extreme 64-bit integers, decimals at the limits of their precision, dates at year and
//! epoch boundaries, NaN, infinities and negative zero. Written as Parquet and added to the
//! catalog, so every engine and the reference read the same file.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, BooleanArray, Date32Array, Decimal128Array, Float64Array, Int64Array, StringArray,
};
use datafusion::arrow::datatypes::{Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::parquet::arrow::ArrowWriter;
use switchyard_producer::{TableConfig, TableFormat};
use switchyard_router::Config;

use super::FuzzError;

/// The edge table's name in the catalog.
pub const EDGE_TABLE: &str = "fuzz_edge";

/// Days from 1970-01-01 to the dates of the edge table (1969-12-31, 1970-01-01, 1992-01-01,
/// 1998-12-31, 1999-12-31, 2000-01-01, 2000-02-29, 0001-01-01, 9999-12-31).
const DATES: [Option<i32>; 10] = [
    None,
    Some(-1),
    Some(0),
    Some(8035),
    Some(10591),
    Some(10956),
    Some(10957),
    Some(11016),
    Some(-719_162),
    Some(2_932_896),
];

fn edge_batch() -> Result<RecordBatch, FuzzError> {
    let arrow = |e: datafusion::arrow::error::ArrowError| FuzzError::Setup(e.to_string());
    let decimal = Decimal128Array::from(vec![
        None,
        Some(999_999_999_999_999),
        Some(-999_999_999_999_999),
        Some(0),
        Some(1),
        Some(-1),
        Some(150),
        Some(10_000),
        None,
        Some(1_234_567),
    ])
    .with_precision_and_scale(15, 2)
    .map_err(arrow)?;
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("e_id", Arc::new(Int64Array::from_iter_values(1..=10))),
        (
            "e_nationkey",
            Arc::new(Int64Array::from(vec![
                Some(0),
                Some(1),
                Some(24),
                None,
                Some(99),
                Some(0),
                Some(5),
                None,
                Some(3),
                Some(7),
            ])),
        ),
        (
            "e_int",
            Arc::new(Int64Array::from(vec![
                None,
                Some(0),
                Some(-1),
                Some(i64::MAX),
                Some(i64::MIN),
                Some(1),
                Some(42),
                None,
                Some(-42),
                Some(2_147_483_648),
            ])),
        ),
        ("e_dec", Arc::new(decimal)),
        (
            "e_double",
            Arc::new(Float64Array::from(vec![
                Some(f64::NAN),
                Some(f64::INFINITY),
                Some(f64::NEG_INFINITY),
                Some(-0.0),
                Some(0.0),
                Some(1.5),
                None,
                Some(1e300),
                Some(-2.25),
                Some(f64::NAN),
            ])),
        ),
        (
            "e_text",
            Arc::new(StringArray::from(vec![
                None,
                Some(""),
                Some(" "),
                Some("a"),
                Some("A"),
                Some("ASIA"),
                Some("%"),
                Some("_x"),
                Some("abc "),
                Some("\u{fc}mlaut"),
            ])),
        ),
        ("e_date", Arc::new(Date32Array::from(DATES.to_vec()))),
        (
            "e_bool",
            Arc::new(BooleanArray::from(vec![
                None,
                Some(true),
                Some(false),
                Some(true),
                None,
                Some(false),
                Some(true),
                Some(false),
                Some(true),
                None,
            ])),
        ),
    ];
    let schema = Schema::new(
        columns
            .iter()
            .map(|(name, array)| {
                let nullable = *name != "e_id";
                Field::new(*name, array.data_type().clone(), nullable)
            })
            .collect::<Vec<_>>(),
    );
    RecordBatch::try_new(
        Arc::new(schema),
        columns.into_iter().map(|(_, a)| a).collect(),
    )
    .map_err(arrow)
}

/// Writes the edge table into `dir` (created if missing); returns the file.
pub fn write_edge_table(dir: &Path) -> Result<PathBuf, FuzzError> {
    let write = |e: &dyn std::fmt::Display| FuzzError::Setup(format!("edge table: {e}"));
    std::fs::create_dir_all(dir).map_err(|e| write(&e))?;
    let path = dir.join(format!("{EDGE_TABLE}.parquet"));
    let batch = edge_batch()?;
    let file = std::fs::File::create(&path).map_err(|e| write(&e))?;
    let mut writer = ArrowWriter::try_new(file, batch.schema(), None).map_err(|e| write(&e))?;
    writer.write(&batch).map_err(|e| write(&e))?;
    writer.close().map_err(|e| write(&e))?;
    Ok(path)
}

/// Writes the edge table into `dir` and adds it to `config`'s tables.
pub fn add_edge_table(config: &mut Config, dir: &Path) -> Result<(), FuzzError> {
    let path = write_edge_table(dir)?;
    let path = std::path::absolute(&path).map_err(|e| FuzzError::Setup(e.to_string()))?;
    config.file.tables.insert(
        EDGE_TABLE.to_string(),
        TableConfig {
            path,
            format: TableFormat::Parquet,
            has_header: None,
            delimiter: None,
        },
    );
    Ok(())
}

//! Catalog tables as Spark temporary views over their files (`CREATE TEMPORARY VIEW ...
//! USING parquet`), typed as the catalog types them where the format carries no types.

use arrow::datatypes::{DataType, SchemaRef, TimeUnit};
use switchyard_producer::{CatalogTable, FileSource, TableFormat};

use crate::sql_text::{spark_identifier, spark_string};

/// The statement that makes `table` readable in a Spark session, or why it cannot be.
pub fn view_sql(table: &CatalogTable) -> Result<String, String> {
    let source = table
        .file_source()
        .ok_or_else(|| "it is not backed by files".to_string())?;
    let name = spark_identifier(table.name());
    let mut options = location_options(source);
    let (columns, format) = match source.format {
        // Parquet carries its types; Spark reads them as DataFusion does.
        TableFormat::Parquet => (String::new(), "parquet"),
        TableFormat::Csv => {
            options.push(("header", source.has_header.to_string()));
            options.push(("sep", source.delimiter.to_string()));
            (format!(" ({})", column_list(&table.schema())?), "csv")
        }
        TableFormat::Json => (format!(" ({})", column_list(&table.schema())?), "json"),
        TableFormat::Arrow => return Err("Spark has no reader for Arrow IPC files".to_string()),
    };
    let options: Vec<String> = options
        .iter()
        .map(|(key, value)| format!("{key} {}", spark_string(value)))
        .collect();
    Ok(format!(
        "CREATE OR REPLACE TEMPORARY VIEW {name}{columns} USING {format} OPTIONS ({})",
        options.join(", ")
    ))
}

/// A file is read as it is; a folder with every file under it of the format's extension
/// (Hadoop globs have no recursive `**`, so the folder is searched recursively instead).
fn location_options(source: &FileSource) -> Vec<(&'static str, String)> {
    let mut options = vec![("path", source.location.display().to_string())];
    if source.location.is_dir() {
        options.push(("recursiveFileLookup", "true".to_string()));
        if let Some(extension) = source.pattern.rsplit_once("*.").map(|(_, e)| e) {
            options.push(("pathGlobFilter", format!("*.{extension}")));
        }
    }
    options
}

/// `` `col` TYPE, ... ``: the column types DataFusion inferred, so both engines agree.
fn column_list(schema: &SchemaRef) -> Result<String, String> {
    let columns = schema
        .fields()
        .iter()
        .map(|field| {
            let sql_type = spark_type(field.data_type()).ok_or_else(|| {
                format!(
                    "column {} has type {} with no Spark equivalent",
                    field.name(),
                    field.data_type()
                )
            })?;
            Ok(format!("{} {sql_type}", spark_identifier(field.name())))
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(columns.join(", "))
}

/// The Spark SQL type for an Arrow type.
pub fn spark_type(data_type: &DataType) -> Option<String> {
    Some(match data_type {
        DataType::Boolean => "BOOLEAN".into(),
        DataType::Int8 => "TINYINT".into(),
        DataType::Int16 | DataType::UInt8 => "SMALLINT".into(),
        DataType::Int32 | DataType::UInt16 => "INT".into(),
        DataType::Int64 | DataType::UInt32 => "BIGINT".into(),
        DataType::UInt64 => "DECIMAL(20, 0)".into(),
        DataType::Float32 => "FLOAT".into(),
        DataType::Float64 => "DOUBLE".into(),
        DataType::Decimal128(precision, scale) if *precision <= 38 && *scale >= 0 => {
            format!("DECIMAL({precision}, {scale})")
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "STRING".into(),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => "BINARY".into(),
        DataType::Date32 | DataType::Date64 => "DATE".into(),
        DataType::Timestamp(
            TimeUnit::Second | TimeUnit::Millisecond | TimeUnit::Microsecond,
            None,
        ) => "TIMESTAMP_NTZ".into(),
        DataType::Timestamp(
            TimeUnit::Second | TimeUnit::Millisecond | TimeUnit::Microsecond,
            Some(_),
        ) => "TIMESTAMP".into(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    use arrow::datatypes::{Field, Schema};

    #[test]
    fn column_lists_carry_the_catalog_types() {
        let schema = Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("price", DataType::Decimal128(15, 2), true),
            Field::new("day", DataType::Date32, true),
            Field::new("name", DataType::Utf8View, true),
        ]));
        assert_eq!(
            column_list(&schema).as_deref(),
            Ok("`id` BIGINT, `price` DECIMAL(15, 2), `day` DATE, `name` STRING")
        );
        let unsupported = Arc::new(Schema::new(vec![Field::new(
            "t",
            DataType::Timestamp(TimeUnit::Nanosecond, None),
            true,
        )]));
        assert!(column_list(&unsupported).is_err());
    }
}

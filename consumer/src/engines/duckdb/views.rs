//! Catalog tables as DuckDB views over their files, typed as the catalog types them.

use arrow::datatypes::{DataType, SchemaRef, TimeUnit};
use switchyard_producer::{CatalogTable, FileSource, TableFormat};

use crate::sql_text::{quote_identifier, quote_literal};

/// The `CREATE VIEW` statement that makes `table` readable in DuckDB, or why it cannot be.
pub fn view_sql(table: &CatalogTable) -> Result<String, String> {
    let source = table
        .file_source()
        .ok_or_else(|| "it is not backed by files".to_string())?;
    let reader = reader_sql(source, &table.schema())?;
    Ok(format!(
        "CREATE OR REPLACE VIEW {} AS SELECT * FROM {reader}",
        quote_identifier(table.name())
    ))
}

/// The DuckDB table function call that reads `source`.
pub fn reader_sql(source: &FileSource, schema: &SchemaRef) -> Result<String, String> {
    let pattern = quote_literal(&source.pattern);
    match source.format {
        TableFormat::Parquet => Ok(format!("read_parquet({pattern})")),
        TableFormat::Csv => Ok(format!(
            "read_csv({pattern}, header = {}, delim = {}, columns = {})",
            source.has_header,
            quote_literal(&source.delimiter.to_string()),
            columns_struct(schema)?
        )),
        TableFormat::Json => Ok(format!(
            "read_json({pattern}, format = 'newline_delimited', columns = {})",
            columns_struct(schema)?
        )),
        TableFormat::Arrow => Err("DuckDB has no reader for Arrow IPC files".to_string()),
    }
}

/// `{'col': 'TYPE', ...}`: the column types DataFusion inferred, so both engines agree.
fn columns_struct(schema: &SchemaRef) -> Result<String, String> {
    let columns = schema
        .fields()
        .iter()
        .map(|field| {
            let sql_type = duckdb_type(field.data_type()).ok_or_else(|| {
                format!(
                    "column {} has type {} with no DuckDB equivalent",
                    field.name(),
                    field.data_type()
                )
            })?;
            Ok(format!(
                "{}: {}",
                quote_literal(field.name()),
                quote_literal(&sql_type)
            ))
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(format!("{{{}}}", columns.join(", ")))
}

/// The DuckDB type for an Arrow type.
pub fn duckdb_type(data_type: &DataType) -> Option<String> {
    Some(match data_type {
        DataType::Boolean => "BOOLEAN".into(),
        DataType::Int8 => "TINYINT".into(),
        DataType::Int16 => "SMALLINT".into(),
        DataType::Int32 => "INTEGER".into(),
        DataType::Int64 => "BIGINT".into(),
        DataType::UInt8 => "UTINYINT".into(),
        DataType::UInt16 => "USMALLINT".into(),
        DataType::UInt32 => "UINTEGER".into(),
        DataType::UInt64 => "UBIGINT".into(),
        DataType::Float32 => "FLOAT".into(),
        DataType::Float64 => "DOUBLE".into(),
        DataType::Decimal128(precision, scale) if *precision <= 38 => {
            format!("DECIMAL({precision}, {scale})")
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => "VARCHAR".into(),
        DataType::Binary | DataType::LargeBinary | DataType::BinaryView => "BLOB".into(),
        DataType::Date32 | DataType::Date64 => "DATE".into(),
        DataType::Timestamp(TimeUnit::Second, None) => "TIMESTAMP_S".into(),
        DataType::Timestamp(TimeUnit::Millisecond, None) => "TIMESTAMP_MS".into(),
        DataType::Timestamp(TimeUnit::Microsecond, None) => "TIMESTAMP".into(),
        DataType::Timestamp(TimeUnit::Nanosecond, None) => "TIMESTAMP_NS".into(),
        DataType::Timestamp(_, Some(_)) => "TIMESTAMPTZ".into(),
        DataType::Time64(_) | DataType::Time32(_) => "TIME".into(),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::Arc;

    use arrow::datatypes::{Field, Schema};

    fn source(format: TableFormat) -> FileSource {
        FileSource {
            location: PathBuf::from("/data/t"),
            pattern: "/data/it's/**/*.csv".to_string(),
            format,
            has_header: false,
            delimiter: '|',
        }
    }

    fn schema() -> SchemaRef {
        Arc::new(Schema::new(vec![
            Field::new("id", DataType::Int64, false),
            Field::new("price", DataType::Decimal128(15, 2), true),
        ]))
    }

    #[test]
    fn csv_views_carry_options_and_the_catalog_types() {
        assert_eq!(
            reader_sql(&source(TableFormat::Csv), &schema()).as_deref(),
            Ok(
                "read_csv('/data/it''s/**/*.csv', header = false, delim = '|', \
                columns = {'id': 'BIGINT', 'price': 'DECIMAL(15, 2)'})"
            )
        );
    }

    #[test]
    fn parquet_is_read_as_is_and_arrow_ipc_is_refused() {
        assert_eq!(
            reader_sql(&source(TableFormat::Parquet), &schema()).as_deref(),
            Ok("read_parquet('/data/it''s/**/*.csv')")
        );
        assert_eq!(
            reader_sql(&source(TableFormat::Arrow), &schema()),
            Err("DuckDB has no reader for Arrow IPC files".to_string())
        );
    }
}

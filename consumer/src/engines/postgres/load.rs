//! Copies catalog tables into PostgreSQL: a typed `CREATE TABLE` and a streaming binary COPY
//! in one transaction, so a failed load leaves the previous table (or none), never half a one.

use datafusion::prelude::SessionContext;
use futures::{StreamExt, pin_mut};
use postgres_types::Type;
use switchyard_producer::CatalogTable;
use tokio_postgres::Client;
use tokio_postgres::binary_copy::BinaryCopyInWriter;

use super::connect::pg_message;
use super::encode::{RowCells, pg_column_type};
use crate::error::EngineError;
use crate::sql_text::quote_identifier;

/// Replaces `table` in the server with the catalog's rows; returns how many were copied.
/// `progress` is told the rows copied so far after each batch.
pub async fn load_table(
    engine: &str,
    client: &mut Client,
    table: &CatalogTable,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<u64, EngineError> {
    let failed = |message: String| EngineError::Remote {
        engine: engine.to_string(),
        message: format!("loading {}: {message}", table.name()),
    };
    let schema = table.schema();
    let mut columns = Vec::with_capacity(schema.fields().len());
    let mut types: Vec<Type> = Vec::with_capacity(schema.fields().len());
    for field in schema.fields() {
        let (pg_type, sql_type) = pg_column_type(field.data_type()).ok_or_else(|| {
            failed(format!(
                "column {} has type {} with no PostgreSQL equivalent",
                field.name(),
                field.data_type()
            ))
        })?;
        let not_null = if field.is_nullable() { "" } else { " NOT NULL" };
        columns.push(format!(
            "{} {sql_type}{not_null}",
            quote_identifier(field.name())
        ));
        types.push(pg_type);
    }
    let name = quote_identifier(table.name());
    let ctx = SessionContext::new();
    let frame = ctx
        .read_table(table.provider())
        .map_err(|e| failed(e.to_string()))?;
    let mut batches = frame
        .execute_stream()
        .await
        .map_err(|e| failed(e.to_string()))?;

    let transaction = client
        .transaction()
        .await
        .map_err(|e| failed(pg_message(&e)))?;
    transaction
        .batch_execute(&format!(
            "DROP TABLE IF EXISTS {name}; CREATE TABLE {name} ({})",
            columns.join(", ")
        ))
        .await
        .map_err(|e| failed(pg_message(&e)))?;
    let sink = transaction
        .copy_in(&format!("COPY {name} FROM STDIN (FORMAT binary)"))
        .await
        .map_err(|e| failed(pg_message(&e)))?;
    let writer = BinaryCopyInWriter::new(sink, &types);
    pin_mut!(writer);
    let mut copied = 0u64;
    while let Some(batch) = batches.next().await {
        let batch = batch.map_err(|e| failed(e.to_string()))?;
        for row in 0..batch.num_rows() {
            let cells = RowCells::new(batch.columns(), row);
            writer
                .as_mut()
                .write_raw(cells)
                .await
                .map_err(|e| failed(pg_message(&e)))?;
        }
        copied += batch.num_rows() as u64;
        progress(copied);
    }
    writer
        .as_mut()
        .finish()
        .await
        .map_err(|e| failed(pg_message(&e)))?;
    // Statistics now, so the planner (and the router's row estimates) see the new table.
    transaction
        .batch_execute(&format!("ANALYZE {name}"))
        .await
        .map_err(|e| failed(pg_message(&e)))?;
    transaction
        .commit()
        .await
        .map_err(|e| failed(pg_message(&e)))?;
    Ok(copied)
}

//! Flight SQL's metadata answers: what the server supports (`GetSqlInfo`) and the catalog
//! (`GetCatalogs`, `GetDbSchemas`, `GetTables`), as each principal may see it.

use std::sync::Arc;

use arrow_flight::sql::metadata::{SqlInfoData, SqlInfoDataBuilder};
use arrow_flight::sql::{
    CommandGetCatalogs, CommandGetDbSchemas, CommandGetTables, SqlInfo, SqlSupportedTransaction,
};
use datafusion::arrow::datatypes::{Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use switchyard_producer::Catalog;
use tonic::Status;

use crate::auth::Principal;
use crate::error::ServiceError;
use crate::prepared::PREPARED_IDLE_TIMEOUT;

/// The oldest Substrait spec version accepted: plans from before spec 0.85 are imported
/// (extension URIs become URNs), and 0.44 is the oldest spec the import and export passes
/// were written against.
pub const MIN_SUBSTRAIT_VERSION: &str = "0.44.0";

/// The Arrow columnar format version the server speaks (Schema.fbs's version history).
pub const ARROW_FORMAT_VERSION: &str = "1.5";

/// The answers to `GetSqlInfo`.
pub fn sql_info() -> Result<SqlInfoData, ServiceError> {
    let spec = switchyard_producer::substrait::version::version();
    let max_substrait = format!(
        "{}.{}.{}",
        spec.major_number, spec.minor_number, spec.patch_number
    );
    let statement_timeout_ms = i32::try_from(PREPARED_IDLE_TIMEOUT.as_millis()).unwrap_or(i32::MAX);
    let mut builder = SqlInfoDataBuilder::new();
    builder.append(SqlInfo::FlightSqlServerName, "Switchyard");
    builder.append(SqlInfo::FlightSqlServerVersion, env!("CARGO_PKG_VERSION"));
    builder.append(SqlInfo::FlightSqlServerArrowVersion, ARROW_FORMAT_VERSION);
    builder.append(SqlInfo::FlightSqlServerReadOnly, true);
    builder.append(SqlInfo::FlightSqlServerSql, true);
    builder.append(SqlInfo::FlightSqlServerSubstrait, true);
    builder.append(
        SqlInfo::FlightSqlServerSubstraitMinVersion,
        MIN_SUBSTRAIT_VERSION,
    );
    builder.append(
        SqlInfo::FlightSqlServerSubstraitMaxVersion,
        max_substrait.as_str(),
    );
    builder.append(
        SqlInfo::FlightSqlServerTransaction,
        SqlSupportedTransaction::None as i32,
    );
    builder.append(SqlInfo::FlightSqlServerCancel, true);
    builder.append(SqlInfo::FlightSqlServerBulkIngestion, false);
    builder.append(
        SqlInfo::FlightSqlServerStatementTimeout,
        statement_timeout_ms,
    );
    builder.append(SqlInfo::SqlDdlCatalog, false);
    builder.append(SqlInfo::SqlDdlSchema, false);
    builder.append(SqlInfo::SqlDdlTable, false);
    builder.append(SqlInfo::SqlIdentifierQuoteChar, "\"");
    builder
        .build()
        .map_err(|e| ServiceError::Internal(format!("building the SQL info: {e}")))
}

/// Where the catalog's tables live in SQL: DataFusion's default catalog and schema, so
/// `catalog.schema.table` names resolve in queries too.
#[derive(Debug, Clone)]
pub struct Namespace {
    /// The catalog name.
    pub catalog: String,
    /// The schema name.
    pub schema: String,
}

impl Namespace {
    /// `GetCatalogs`: the one catalog.
    pub fn catalogs(&self, command: CommandGetCatalogs) -> Result<RecordBatch, Status> {
        let mut builder = command.into_builder();
        builder.append(&self.catalog);
        builder.build().map_err(Status::from)
    }

    /// `GetDbSchemas`: the one schema, if the command's filters keep it.
    pub fn schemas(&self, command: CommandGetDbSchemas) -> Result<RecordBatch, Status> {
        let mut builder = command.into_builder();
        builder.append(&self.catalog, &self.schema);
        builder.build().map_err(Status::from)
    }

    /// `GetTables`: the tables the principal may read, each (with `include_schema`) with
    /// only the columns it may read.
    pub fn tables(
        &self,
        command: CommandGetTables,
        catalog: &Catalog,
        principal: &Principal,
    ) -> Result<RecordBatch, Status> {
        let mut builder = command.into_builder();
        for table in catalog.tables() {
            let name = table.name();
            if !principal.may_read_table(name) {
                continue;
            }
            let fields: Vec<Arc<Field>> = table
                .schema()
                .fields()
                .iter()
                .filter(|field| principal.may_read_column(name, field.name()))
                .cloned()
                .collect();
            builder
                .append(
                    &self.catalog,
                    &self.schema,
                    name,
                    "TABLE",
                    &Schema::new(fields),
                )
                .map_err(Status::from)?;
        }
        builder.build().map_err(Status::from)
    }
}

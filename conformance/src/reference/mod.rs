//! The independent answer every suite grades an engine against: DuckDB 2.0.1 (its own Python
//! package, `scripts/reference-venv.sh`) running the query's **original SQL text** directly
//! over the catalog's files. No Switchyard engine, producer or SQL translation computes it, so
//! it grades DataFusion and Ballista as fairly as DuckDB (for which it checks the translation:
//! the engine runs our SQL, the reference the user's).
//!
//! Where a published answer set exists for the query and scale (the TPC-H answers DuckDB's
//! `tpch` extension ships), the reference is held to it too, and a disagreement between the two
//! is reported with the answer ([`PublishedCheck::Differs`]), never passed over.
//!
//! Answers are computed once per data folder and query and cached beside the data
//! ([`cache`]); one long-lived Python process per catalog computes the missing ones
//! ([`process`]).

mod cache;
mod process;

use std::path::PathBuf;

use datafusion::arrow::record_batch::RecordBatch;
use switchyard_producer::{Catalog, TableFormat};
use thiserror::Error;

/// The DuckDB release that computes reference answers (the embedded engine's release, so
/// DuckDB's SQL dialect is the one the engine's translation targets).
pub const REFERENCE_DUCKDB: &str = "2.0.1";

/// Why there is no reference answer.
#[derive(Debug, Error)]
pub enum ReferenceError {
    /// The reference's virtualenv could not be made or found.
    #[error(
        "the reference (DuckDB {REFERENCE_DUCKDB}, scripts/reference-venv.sh) is not available: {0}"
    )]
    Install(String),
    /// The reference process could not be started or stopped answering.
    #[error("the reference process failed: {0}")]
    Process(String),
    /// DuckDB could not run the SQL text (another dialect, an unknown function...).
    #[error("DuckDB {REFERENCE_DUCKDB} cannot run the SQL: {0}")]
    Query(String),
    /// A catalog table DuckDB cannot read from a file.
    #[error("catalog table {0} has no file DuckDB can read (only file tables in Parquet or CSV)")]
    Table(String),
    /// Reading or writing the cache beside the data.
    #[error("reference cache {}: {message}", path.display())]
    Cache {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

/// What the published answer set says of the reference's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublishedCheck {
    /// No published answer for this query at this scale.
    NotPublished,
    /// The reference agrees with the published answer.
    Agrees,
    /// The two references disagree: what differs first.
    Differs(String),
}

/// The reference's answer to one query.
#[derive(Debug, Clone)]
pub struct ReferenceAnswer {
    /// The rows, as DuckDB typed them.
    pub batches: Vec<RecordBatch>,
    /// Whether the query's outermost SELECT ends in ORDER BY (row order is part of the answer).
    pub ordered: bool,
    /// What the published answer set says, when there is one.
    pub published: PublishedCheck,
}

/// One table as the reference reads it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct ReferenceTable {
    name: String,
    path: PathBuf,
    /// `parquet` or `csv`.
    format: &'static str,
}

fn reference_tables(catalog: &Catalog) -> Result<Vec<ReferenceTable>, ReferenceError> {
    let mut tables = Vec::new();
    for table in catalog.tables() {
        let format = match table.format() {
            Some(TableFormat::Parquet) => "parquet",
            Some(TableFormat::Csv) => "csv",
            _ => return Err(ReferenceError::Table(table.name().to_string())),
        };
        let path = table
            .location()
            .ok_or_else(|| ReferenceError::Table(table.name().to_string()))?;
        tables.push(ReferenceTable {
            name: table.name().to_string(),
            path: path.to_path_buf(),
            format,
        });
    }
    tables.sort();
    Ok(tables)
}

/// DuckDB's answer to `sql` (the text as the user wrote it; several statements are fine when
/// one is the query and the others create and drop what it reads) over `catalog`'s files,
/// from the cache beside the data or computed now. `published` names the query in a
/// published answer set (`tpch/q01`) when it is that set's own query text.
pub async fn reference_answer(
    catalog: &Catalog,
    sql: &str,
    published: Option<&str>,
) -> Result<ReferenceAnswer, ReferenceError> {
    let tables = reference_tables(catalog)?;
    let sql = sql.to_string();
    let published = published.map(str::to_string);
    tokio::task::spawn_blocking(move || answer_blocking(&tables, &sql, published.as_deref()))
        .await
        .map_err(|e| ReferenceError::Process(format!("the reference task failed: {e}")))?
}

/// The query texts of a published answer set (`tpch`) in name order, each with its name in
/// the set (`q01`): the queries whose answers the set publishes (its own substitution
/// parameters), installed by `scripts/reference-venv.sh`.
pub fn published_queries(set: &str) -> Result<Vec<(String, String)>, ReferenceError> {
    let python = process::python()?;
    let dir = process::published_dir(python)
        .map(|dir| dir.join(set))
        .ok_or_else(|| ReferenceError::Install("no published answer sets".to_string()))?;
    let unreadable = |path: &std::path::Path, e: std::io::Error| ReferenceError::Cache {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let mut queries = Vec::new();
    for entry in std::fs::read_dir(&dir).map_err(|e| unreadable(&dir, e))? {
        let path = entry.map_err(|e| unreadable(&dir, e))?.path();
        if path.extension().is_some_and(|ext| ext == "sql")
            && let Some(name) = path.file_stem().and_then(|s| s.to_str())
        {
            let sql = std::fs::read_to_string(&path).map_err(|e| unreadable(&path, e))?;
            queries.push((name.to_string(), sql));
        }
    }
    queries.sort();
    Ok(queries)
}

fn answer_blocking(
    tables: &[ReferenceTable],
    sql: &str,
    published: Option<&str>,
) -> Result<ReferenceAnswer, ReferenceError> {
    let entry = cache::CacheEntry::for_query(tables, sql, published)?;
    if let Some(answer) = entry.load()? {
        return Ok(answer);
    }
    entry.create_dir()?;
    let reply = process::ask(tables, sql, &entry.answer_path(), published)?;
    entry.store(&reply)?;
    entry
        .load()?
        .ok_or_else(|| ReferenceError::Process("the answer was not written".to_string()))
}

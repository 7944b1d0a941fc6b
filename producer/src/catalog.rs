//! The catalog: the named tables every front-end plans against and every engine reads.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::TableProvider;
use datafusion::common::TableReference;
use datafusion::datasource::file_format::options::{
    ArrowReadOptions, CsvReadOptions, JsonReadOptions, ParquetReadOptions, ReadOptions,
};
use datafusion::datasource::listing::{
    ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl,
};
use datafusion::execution::context::SessionContext;
use serde::{Deserialize, Serialize};

use crate::error::{ProducerError, Result};

/// The file format of a catalog table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TableFormat {
    /// Apache Parquet.
    Parquet,
    /// Comma (or `delimiter`) separated values.
    Csv,
    /// Newline-delimited JSON.
    Json,
    /// Arrow IPC files.
    Arrow,
}

impl TableFormat {
    /// The file extension a folder of this format's files is listed by.
    pub fn default_extension(self) -> &'static str {
        match self {
            Self::Parquet => ".parquet",
            Self::Csv => ".csv",
            Self::Json => ".json",
            Self::Arrow => ".arrow",
        }
    }
}

impl fmt::Display for TableFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            Self::Parquet => "parquet",
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Arrow => "arrow",
        };
        f.write_str(name)
    }
}

/// One table as the configuration file names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableConfig {
    /// A file or a folder of files; relative paths are relative to the configuration file.
    pub path: PathBuf,
    /// The files' format.
    pub format: TableFormat,
    /// CSV only: whether the first line names the columns (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_header: Option<bool>,
    /// CSV only: the field delimiter (default `,`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<char>,
}

/// Where a file-backed table's data is, in the terms other engines' readers take.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileSource {
    /// The file, or the folder, as configured (resolved).
    pub location: PathBuf,
    /// The file, or for a folder a recursive glob of its files (`folder/**/*.parquet`).
    pub pattern: String,
    /// The files' format.
    pub format: TableFormat,
    /// CSV: whether the first line names the columns.
    pub has_header: bool,
    /// CSV: the field delimiter.
    pub delimiter: char,
}

/// A table in the catalog: its name, where it comes from and how DataFusion reads it.
#[derive(Clone)]
pub struct CatalogTable {
    name: String,
    location: Option<PathBuf>,
    format: Option<TableFormat>,
    source: Option<FileSource>,
    provider: Arc<dyn TableProvider>,
}

impl CatalogTable {
    /// The table's name in SQL and in Substrait `NamedTable` reads.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The resolved file or folder, for tables backed by files.
    pub fn location(&self) -> Option<&Path> {
        self.location.as_deref()
    }

    /// The file format, for tables backed by files.
    pub fn format(&self) -> Option<TableFormat> {
        self.format
    }

    /// The files behind the table, for engines that read them directly.
    pub fn file_source(&self) -> Option<&FileSource> {
        self.source.as_ref()
    }

    /// The table's Arrow schema.
    pub fn schema(&self) -> SchemaRef {
        self.provider.schema()
    }

    /// The DataFusion provider that scans the table.
    pub fn provider(&self) -> Arc<dyn TableProvider> {
        Arc::clone(&self.provider)
    }
}

impl fmt::Debug for CatalogTable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CatalogTable")
            .field("name", &self.name)
            .field("location", &self.location)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

/// The set of named tables; cheap to clone (providers are shared).
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    tables: BTreeMap<String, CatalogTable>,
}

impl Catalog {
    /// An empty catalog.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a table backed by any DataFusion provider (an in-memory table, say).
    pub fn with_table(mut self, name: impl Into<String>, provider: Arc<dyn TableProvider>) -> Self {
        let name = name.into();
        self.tables.insert(
            name.clone(),
            CatalogTable {
                name,
                location: None,
                format: None,
                source: None,
                provider,
            },
        );
        self
    }

    /// Opens every configured table, reading each file's schema once.
    ///
    /// Relative paths are resolved against `base_dir` (the configuration file's folder).
    pub async fn open(tables: &BTreeMap<String, TableConfig>, base_dir: &Path) -> Result<Self> {
        let ctx = SessionContext::new();
        let mut catalog = Self::new();
        for (name, config) in tables {
            let table = open_table(&ctx, name, config, base_dir)
                .await
                .map_err(|message| ProducerError::Table {
                    table: name.clone(),
                    message,
                })?;
            catalog.tables.insert(name.clone(), table);
        }
        Ok(catalog)
    }

    /// Registers every table with a DataFusion session under its catalog name.
    pub fn register_into(&self, ctx: &SessionContext) -> Result<()> {
        for table in self.tables.values() {
            ctx.register_table(TableReference::bare(table.name.as_str()), table.provider())
                .map_err(|e| ProducerError::Table {
                    table: table.name.clone(),
                    message: e.to_string(),
                })?;
        }
        Ok(())
    }

    /// The tables, by name.
    pub fn tables(&self) -> impl Iterator<Item = &CatalogTable> {
        self.tables.values()
    }

    /// One table by name.
    pub fn table(&self, name: &str) -> Option<&CatalogTable> {
        self.tables.get(name)
    }

    /// How many tables there are.
    pub fn len(&self) -> usize {
        self.tables.len()
    }

    /// Whether there are no tables.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }
}

async fn open_table(
    ctx: &SessionContext,
    name: &str,
    config: &TableConfig,
    base_dir: &Path,
) -> std::result::Result<CatalogTable, String> {
    let location = if config.path.is_absolute() {
        config.path.clone()
    } else {
        base_dir.join(&config.path)
    };
    let metadata = std::fs::metadata(&location)
        .map_err(|e| format!("cannot read {}: {e}", location.display()))?;
    let location_text = location
        .to_str()
        .ok_or_else(|| format!("path {} is not valid UTF-8", location.display()))?;
    // A single file is read whatever its extension; a folder is listed by the format's extension.
    let extension = if metadata.is_file() {
        location
            .extension()
            .and_then(|e| e.to_str())
            .map(|e| format!(".{e}"))
            .unwrap_or_default()
    } else {
        config.format.default_extension().to_string()
    };
    if config.delimiter.is_some_and(|d| !d.is_ascii()) {
        return Err("the CSV delimiter must be one ASCII character".to_string());
    }
    let options = listing_options(ctx, config, &extension);
    let url = ListingTableUrl::parse(location_text).map_err(|e| e.to_string())?;
    let state = ctx.state();
    let schema = options
        .infer_schema(&state, &url)
        .await
        .map_err(|e| format!("cannot read schema of {}: {e}", location.display()))?;
    let listing = ListingTableConfig::new(url)
        .with_listing_options(options)
        .with_schema(schema);
    let provider = ListingTable::try_new(listing).map_err(|e| e.to_string())?;
    let pattern = if metadata.is_file() {
        location_text.to_string()
    } else {
        format!("{}/**/*{extension}", location_text.trim_end_matches('/'))
    };
    let source = FileSource {
        location: location.clone(),
        pattern,
        format: config.format,
        has_header: config.has_header.unwrap_or(true),
        delimiter: config.delimiter.unwrap_or(','),
    };
    Ok(CatalogTable {
        name: name.to_string(),
        location: Some(location),
        format: Some(config.format),
        source: Some(source),
        provider: Arc::new(provider),
    })
}

fn listing_options(ctx: &SessionContext, config: &TableConfig, extension: &str) -> ListingOptions {
    let state = ctx.state();
    let session = state.config();
    let table_options = state.default_table_options();
    match config.format {
        TableFormat::Parquet => ParquetReadOptions {
            file_extension: extension,
            ..Default::default()
        }
        .to_listing_options(session, table_options),
        TableFormat::Csv => {
            let delimiter = config.delimiter.map_or(b',', |c| c as u8);
            CsvReadOptions::new()
                .has_header(config.has_header.unwrap_or(true))
                .delimiter(delimiter)
                .file_extension(extension)
                .to_listing_options(session, table_options)
        }
        TableFormat::Json => JsonReadOptions {
            file_extension: extension,
            ..Default::default()
        }
        .to_listing_options(session, table_options),
        TableFormat::Arrow => ArrowReadOptions {
            file_extension: extension,
            ..Default::default()
        }
        .to_listing_options(session, table_options),
    }
}

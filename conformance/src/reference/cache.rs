//! Reference answers cached beside the data they answer:
//! `<data folder>/.reference-answers/duckdb-<release>/<key>.parquet` (DuckDB's rows, its column
//! types) and `<key>.json` (whether the order counts, the published set's verdict), the JSON
//! written last and renamed into place, so an entry is whole or absent. The key hashes the
//! DuckDB release, the query text, the published name and each table's file (path, size,
//! modification time): regenerated data or an edited query is answered again.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use datafusion::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::process::{PublishedReply, Reply};
use super::{PublishedCheck, REFERENCE_DUCKDB, ReferenceAnswer, ReferenceError, ReferenceTable};

#[derive(Serialize, Deserialize)]
struct Meta {
    sql: String,
    ordered: bool,
    published: Option<PublishedReply>,
}

/// One query's place in the cache.
pub(super) struct CacheEntry {
    dir: PathBuf,
    key: String,
    sql: String,
}

fn cache_error(path: &Path, error: impl std::fmt::Display) -> ReferenceError {
    ReferenceError::Cache {
        path: path.to_path_buf(),
        message: error.to_string(),
    }
}

impl CacheEntry {
    /// The entry of `sql` over `tables` (sorted by name).
    pub(super) fn for_query(
        tables: &[ReferenceTable],
        sql: &str,
        published: Option<&str>,
    ) -> Result<Self, ReferenceError> {
        let Some(first) = tables.first() else {
            return Err(ReferenceError::Table(
                "(the catalog has no tables)".to_string(),
            ));
        };
        let data = first.path.parent().unwrap_or(Path::new("."));
        let dir = data
            .join(".reference-answers")
            .join(format!("duckdb-{REFERENCE_DUCKDB}"));
        let mut hash = Sha256::new();
        hash.update(REFERENCE_DUCKDB.as_bytes());
        hash.update([0]);
        hash.update(published.unwrap_or("").as_bytes());
        for table in tables {
            let meta = fs::metadata(&table.path).map_err(|e| cache_error(&table.path, e))?;
            let modified = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos());
            hash.update([0]);
            hash.update(table.name.as_bytes());
            hash.update([0]);
            hash.update(table.path.to_string_lossy().as_bytes());
            hash.update(format!("\0{}\0{}\0{modified}", table.format, meta.len()).as_bytes());
        }
        hash.update([0]);
        hash.update(sql.as_bytes());
        let key = hash
            .finalize()
            .iter()
            .take(16)
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Self {
            dir,
            key,
            sql: sql.to_string(),
        })
    }

    /// Where the process writes the rows.
    pub(super) fn answer_path(&self) -> PathBuf {
        self.dir.join(format!("{}.parquet", self.key))
    }

    fn meta_path(&self) -> PathBuf {
        self.dir.join(format!("{}.json", self.key))
    }

    /// The cached answer, if the entry is complete.
    pub(super) fn load(&self) -> Result<Option<ReferenceAnswer>, ReferenceError> {
        let meta_path = self.meta_path();
        let Ok(text) = fs::read_to_string(&meta_path) else {
            return Ok(None);
        };
        let meta: Meta = serde_json::from_str(&text).map_err(|e| cache_error(&meta_path, e))?;
        let answer_path = self.answer_path();
        let file = fs::File::open(&answer_path).map_err(|e| cache_error(&answer_path, e))?;
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .and_then(|builder| builder.build())
            .map_err(|e| cache_error(&answer_path, e))?;
        let batches = reader
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| cache_error(&answer_path, e))?;
        let published = match meta.published {
            Some(PublishedReply { status, message }) if status == "differs" => {
                PublishedCheck::Differs(message.unwrap_or_default())
            }
            Some(PublishedReply { status, .. }) if status == "agrees" => PublishedCheck::Agrees,
            _ => PublishedCheck::NotPublished,
        };
        Ok(Some(ReferenceAnswer {
            batches,
            ordered: meta.ordered,
            published,
        }))
    }

    /// Records the process's reply; the rows are already at [`Self::answer_path`].
    pub(super) fn store(&self, reply: &Reply) -> Result<(), ReferenceError> {
        let meta = Meta {
            sql: self.sql.clone(),
            ordered: reply.ordered,
            published: reply.published.clone(),
        };
        let path = self.meta_path();
        let partial = self.dir.join(format!("{}.json.partial", self.key));
        let text = serde_json::to_string_pretty(&meta).map_err(|e| cache_error(&path, e))?;
        fs::write(&partial, text).map_err(|e| cache_error(&partial, e))?;
        fs::rename(&partial, &path).map_err(|e| cache_error(&path, e))
    }

    /// Makes the cache folder.
    pub(super) fn create_dir(&self) -> Result<(), ReferenceError> {
        fs::create_dir_all(&self.dir).map_err(|e| cache_error(&self.dir, e))
    }
}

//! Finding the shared conformance corpus (`../shared/corpus` beside the project) and its files.

use std::path::{Path, PathBuf};

use thiserror::Error;

/// The environment variable that points at the corpus explicitly.
pub const CORPUS_ENV: &str = "SWITCHYARD_CORPUS";

/// The corpus could not be found or read.
#[derive(Debug, Error)]
#[error("{0}")]
pub struct CorpusError(String);

/// Locates the corpus: `$SWITCHYARD_CORPUS`, else `shared/corpus` beside the current folder or
/// one of its ancestors, else beside the source tree this was built from.
pub fn corpus_dir() -> Result<PathBuf, CorpusError> {
    if let Some(dir) = std::env::var_os(CORPUS_ENV) {
        let dir = PathBuf::from(dir);
        return if dir.is_dir() {
            Ok(dir)
        } else {
            Err(CorpusError(format!(
                "{CORPUS_ENV}={} is not a folder",
                dir.display()
            )))
        };
    }
    let mut candidates = Vec::new();
    if let Ok(cwd) = std::env::current_dir() {
        candidates.extend(cwd.ancestors().map(|a| a.join("shared/corpus")));
    }
    let built_from = Path::new(env!("CARGO_MANIFEST_DIR"));
    candidates.extend(built_from.ancestors().map(|a| a.join("shared/corpus")));
    candidates
        .into_iter()
        .find(|c| c.join("README.md").is_file())
        .ok_or_else(|| {
            CorpusError(format!(
                "cannot find the shared corpus (shared/corpus beside the project); set {CORPUS_ENV}"
            ))
        })
}

/// The folder of the 22 TPC-H queries (DataFusion's benchmark SQL).
pub fn tpch_queries_dir() -> Result<PathBuf, CorpusError> {
    Ok(corpus_dir()?.join("tpc-sql/datafusion-benchmarks/tpch/queries"))
}

/// The folder of the 99 TPC-DS queries (DataFusion's benchmark SQL).
pub fn tpcds_queries_dir() -> Result<PathBuf, CorpusError> {
    Ok(corpus_dir()?.join("tpc-sql/datafusion-benchmarks/tpcds/queries"))
}

/// The SQL text of TPC-DS query `number` (1 to 99).
pub fn tpcds_query(number: usize) -> Result<String, CorpusError> {
    let path = tpcds_queries_dir()?.join(format!("q{number}.sql"));
    std::fs::read_to_string(&path)
        .map_err(|e| CorpusError(format!("cannot read {}: {e}", path.display())))
}

/// The SQL text of TPC-H query `number` (1 to 22).
pub fn tpch_query(number: usize) -> Result<String, CorpusError> {
    let path = tpch_queries_dir()?.join(format!("q{number}.sql"));
    std::fs::read_to_string(&path)
        .map_err(|e| CorpusError(format!("cannot read {}: {e}", path.display())))
}

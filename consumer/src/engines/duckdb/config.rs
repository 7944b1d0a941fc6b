//! Settings of a DuckDB engine (`{ kind: duckdb }` in the configuration).

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// DuckDB in this process. Without `database` it is in memory and reads the catalog's files
/// through views; with one, `switchyard load` can copy tables into it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DuckDbConfig {
    /// A database file (relative to the configuration file); in memory when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub database: Option<PathBuf>,
    /// Worker threads (default: DuckDB's, the number of cores).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threads: Option<usize>,
    /// DuckDB's memory limit, as DuckDB writes it (`4GB`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_limit: Option<String>,
    /// Tables copied into `database` by `switchyard load`; the others are views over files.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<String>,
    /// A testing knob, not for use: when true, the translation writes sort keys without
    /// `NULLS FIRST`/`NULLS LAST`, so DuckDB's default null order applies and answers can be
    /// wrong. It exists so the query fuzzer (`switchyard fuzz-queries`) has a planted
    /// disagreement to find and shrink; see `docs/reliability.md`.
    #[serde(
        default,
        rename = "testing_drop_null_ordering",
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub testing_drop_null_ordering: bool,
}

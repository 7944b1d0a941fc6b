//! The configuration `bench service` serves: a copy of the data's configuration, written into
//! a scratch folder, with its paths made absolute, the service open (no principals, no TLS:
//! the load generator is an anonymous plain-text client) and a queue long enough that every
//! client's query is admitted.

use std::path::{Path, PathBuf};

use switchyard_consumer::EngineConfig;
use switchyard_router::{Config, DEFAULT_CONFIG_FILE, LimitsConfig};

type BenchResult<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// The configuration written, and the limits it gives the service.
#[derive(Debug, Clone)]
pub struct BenchConfig {
    /// The file.
    pub path: PathBuf,
    /// `service.limits` as written.
    pub limits: LimitsConfig,
}

/// Writes the configuration at `source`, adjusted for a benchmark with up to `clients`
/// concurrent clients, into `dir`. The limits are the source's (the defaults unless it sets
/// them) but for `max_queued_queries`, raised to `clients` when lower: each client has at most
/// one query open, so none is refused for want of a queue place.
pub fn write_bench_config(source: &Path, dir: &Path, clients: usize) -> BenchResult<BenchConfig> {
    let config = Config::load(source)?;
    let base = std::path::absolute(&config.base_dir)?;
    let mut file = config.file;
    for table in file.tables.values_mut() {
        table.path = base.join(&table.path);
    }
    for engine in file.engines.values_mut() {
        if let EngineConfig::DuckDb(duckdb) = engine
            && let Some(database) = duckdb.database.as_mut()
        {
            *database = base.join(&*database);
        }
    }
    file.service.principals.clear();
    file.service.tls = None;
    file.service.limits.max_queued_queries = file.service.limits.max_queued_queries.max(clients);
    let limits = file.service.limits;
    let path = dir.join(DEFAULT_CONFIG_FILE);
    std::fs::write(&path, Config::to_yaml(&file)?)?;
    Ok(BenchConfig { path, limits })
}

#[cfg(test)]
mod tests {
    use super::write_bench_config;
    use switchyard_router::Config;

    #[test]
    fn paths_become_absolute_and_the_queue_fits_every_client() {
        let data = tempfile::tempdir().expect("data folder");
        let source = data.path().join("switchyard.yaml");
        std::fs::write(
            &source,
            "tables:\n  nation: { path: nation.parquet, format: parquet }\n\
             service:\n  principals:\n    admin: { token: t, tables: '*' }\n  \
             limits: { max_concurrent_queries: 4 }\n",
        )
        .expect("source configuration");
        let scratch = tempfile::tempdir().expect("scratch folder");
        let written = write_bench_config(&source, scratch.path(), 128).expect("written");
        assert_eq!(written.limits.max_concurrent_queries, 4);
        assert_eq!(written.limits.max_queued_queries, 128);
        let config = Config::load(&written.path).expect("readable");
        let nation = &config.file.tables["nation"].path;
        assert!(nation.is_absolute(), "{}", nation.display());
        assert!(nation.ends_with("nation.parquet"));
        assert!(nation.starts_with(std::path::absolute(data.path()).expect("absolute")));
        assert!(config.file.service.principals.is_empty());
    }
}

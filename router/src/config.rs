//! The configuration file (`switchyard.yaml`): tables, engines, routing and the service.

use std::collections::BTreeMap;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use switchyard_consumer::{DEFAULT_ENGINE, DataFusionConfig, EngineConfig};
use switchyard_producer::TableConfig;

use crate::error::RouterError;
use crate::routing_config::RoutingConfig;
use crate::service_config::ServiceConfig;

/// The configuration file name looked for when none is given.
pub const DEFAULT_CONFIG_FILE: &str = "switchyard.yaml";

/// What the file holds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// Tables by name.
    #[serde(default)]
    pub tables: BTreeMap<String, TableConfig>,
    /// Engines by name; `datafusion` is added when absent.
    #[serde(default)]
    pub engines: BTreeMap<String, EngineConfig>,
    /// How plans are routed among the engines.
    #[serde(default, skip_serializing_if = "is_default_routing")]
    pub routing: RoutingConfig,
    /// `switchyard serve`: principals and their grants, TLS, limits.
    #[serde(default, skip_serializing_if = "is_default_service")]
    pub service: ServiceConfig,
}

fn is_default_routing(routing: &RoutingConfig) -> bool {
    *routing == RoutingConfig::default()
}

fn is_default_service(service: &ServiceConfig) -> bool {
    *service == ServiceConfig::default()
}

/// A loaded configuration: the file's content and where it came from.
#[derive(Debug, Clone)]
pub struct Config {
    /// The parsed content.
    pub file: ConfigFile,
    /// The folder relative table paths are resolved against.
    pub base_dir: PathBuf,
    /// Where it was read from (`None` for configurations built in code).
    pub source: Option<PathBuf>,
    /// A fingerprint of the content: plans cached under one version are not reused under another.
    pub version: Arc<str>,
}

impl Config {
    /// Sets `limit` as the memory pool ceiling of every DataFusion engine without one of its
    /// own, including the embedded default when the file does not configure it.
    pub fn cap_datafusion_memory(&mut self, limit: u64) {
        self.file
            .engines
            .entry(DEFAULT_ENGINE.to_string())
            .or_insert_with(|| EngineConfig::DataFusion(DataFusionConfig::default()));
        for engine in self.file.engines.values_mut() {
            if let EngineConfig::DataFusion(settings) = engine {
                settings.memory_limit_bytes.get_or_insert(limit);
            }
        }
    }

    /// Reads and checks a configuration file.
    pub fn load(path: &Path) -> Result<Self, RouterError> {
        let text = std::fs::read_to_string(path).map_err(|e| RouterError::ConfigFile {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        let base_dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
        let mut config = Self::from_yaml(&text, &base_dir).map_err(|e| match e {
            RouterError::Config { message, .. } => RouterError::Config {
                path: path.to_path_buf(),
                message,
            },
            other => other,
        })?;
        config.source = Some(path.to_path_buf());
        Ok(config)
    }

    /// Parses configuration text whose relative paths are relative to `base_dir`.
    pub fn from_yaml(text: &str, base_dir: &Path) -> Result<Self, RouterError> {
        let file: ConfigFile = if text.trim().is_empty() {
            ConfigFile::default()
        } else {
            serde_yaml::from_str(text).map_err(|e| RouterError::Config {
                path: PathBuf::from("<inline>"),
                message: e.to_string(),
            })?
        };
        Ok(Self::from_file(file, base_dir, text))
    }

    /// A configuration built in code.
    pub fn from_file(file: ConfigFile, base_dir: &Path, text: &str) -> Self {
        let mut hasher = DefaultHasher::new();
        text.hash(&mut hasher);
        base_dir.hash(&mut hasher);
        Self {
            file,
            base_dir: base_dir.to_path_buf(),
            source: None,
            version: format!("{:016x}", hasher.finish()).into(),
        }
    }

    /// Records in the file at `path` that `tables` now live in engine `engine`, rewriting it
    /// atomically (comments in the file are not kept).
    pub fn record_loaded_tables(
        path: &Path,
        engine: &str,
        tables: &[String],
    ) -> Result<(), RouterError> {
        let file_error = |message: String| RouterError::ConfigFile {
            path: path.to_path_buf(),
            message,
        };
        let current = Self::load(path)?;
        let mut file = current.file;
        let config = file
            .engines
            .get_mut(engine)
            .ok_or_else(|| RouterError::Config {
                path: path.to_path_buf(),
                message: format!("no engine {engine} in the file"),
            })?;
        if !config.record_loaded(tables) {
            return Ok(());
        }
        let text = Self::to_yaml(&file)?;
        switchyard_consumer::write_atomically(path, |out| {
            use std::io::Write;
            out.write_all(text.as_bytes())?;
            Ok(())
        })
        .map_err(|e| file_error(e.to_string()))
    }

    /// Writes measured profiles into `routing.engines.NAME.profile` of the file at `path`,
    /// atomically (comments in the file are not kept).
    pub fn record_profiles(
        path: &Path,
        profiles: &[(String, crate::profile::EngineProfile)],
    ) -> Result<(), RouterError> {
        let mut file = Self::load(path)?.file;
        for (engine, profile) in profiles {
            file.routing
                .engines
                .entry(engine.clone())
                .or_default()
                .profile = Some(*profile);
        }
        let text = Self::to_yaml(&file)?;
        switchyard_consumer::write_atomically(path, |out| {
            use std::io::Write;
            out.write_all(text.as_bytes())?;
            Ok(())
        })
        .map_err(|e| RouterError::ConfigFile {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }

    /// The configuration as YAML text.
    pub fn to_yaml(file: &ConfigFile) -> Result<String, RouterError> {
        serde_yaml::to_string(file).map_err(|e| RouterError::Config {
            path: PathBuf::from("<inline>"),
            message: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use switchyard_consumer::DataFusionConfig;
    use switchyard_producer::TableFormat;

    #[test]
    fn reads_tables_and_engines() {
        let text = "tables:\n  lineitem: { path: lineitem.parquet, format: parquet }\n  \
                    notes: { path: notes.csv, format: csv, delimiter: '|' }\n\
                    engines:\n  fast: { kind: datafusion, target_partitions: 2 }\n";
        let config = Config::from_yaml(text, Path::new("/data")).expect("valid config");
        assert_eq!(config.file.tables["lineitem"].format, TableFormat::Parquet);
        assert_eq!(config.file.tables["notes"].delimiter, Some('|'));
        assert_eq!(
            config.file.engines["fast"],
            EngineConfig::DataFusion(DataFusionConfig {
                target_partitions: Some(2),
                batch_size: None,
                memory_limit_bytes: None,
            })
        );
    }

    #[test]
    fn unknown_engine_kind_is_named() {
        let err = Config::from_yaml("engines:\n  x: { kind: oracle }\n", Path::new("."))
            .expect_err("oracle is not a kind");
        let message = err.to_string();
        assert!(message.contains("oracle"), "{message}");
        assert!(message.contains("datafusion"), "{message}");
    }

    #[test]
    fn unknown_fields_are_errors() {
        let err = Config::from_yaml(
            "tables:\n  t: { path: t.csv, format: csv, hedaer: true }\n",
            Path::new("."),
        )
        .expect_err("typo");
        assert!(err.to_string().contains("hedaer"), "{err}");
        let err = Config::from_yaml("tabels: {}\n", Path::new(".")).expect_err("typo");
        assert!(err.to_string().contains("tabels"), "{err}");
    }

    #[test]
    fn service_section_is_read() {
        let config = Config::from_yaml(
            "service:\n  principals:\n    analyst: { token: abc, tables: { t: [a] } }\n  limits: { query_timeout_ms: 50 }\n",
            Path::new("."),
        )
        .expect("valid config");
        assert_eq!(config.file.service.principals["analyst"].token, "abc");
        assert_eq!(config.file.service.limits.query_timeout_ms, 50);
        let text = Config::to_yaml(&config.file).expect("writes");
        assert!(text.contains("analyst"), "{text}");
        let plain = Config::from_yaml("tables: {}\n", Path::new(".")).expect("valid");
        let text = Config::to_yaml(&plain.file).expect("writes");
        assert!(
            !text.contains("service"),
            "an unset section is not written: {text}"
        );
    }

    #[test]
    fn version_follows_content() {
        let a = Config::from_yaml("tables: {}\n", Path::new(".")).expect("valid");
        let b = Config::from_yaml("tables: {}\nengines: {}\n", Path::new(".")).expect("valid");
        assert_ne!(a.version, b.version);
    }
}

//! The `engines:` section of the configuration: one entry per engine, tagged by `kind`.

use serde::{Deserialize, Serialize};

use crate::engine::EngineKind;
use crate::engines::datafusion::DataFusionConfig;

/// One configured engine. New kinds are new variants (`{ kind: duckdb }`...), each with its
/// own settings struct, so a typo in a setting is an error naming the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum EngineConfig {
    /// DataFusion in this process.
    DataFusion(DataFusionConfig),
}

impl EngineConfig {
    /// The kind of engine this configures.
    pub fn kind(&self) -> EngineKind {
        match self {
            Self::DataFusion(_) => EngineKind::DataFusion,
        }
    }
}

/// The name of the embedded default engine, present even when the configuration omits it.
pub const DEFAULT_ENGINE: &str = "datafusion";

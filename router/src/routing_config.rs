//! The configuration's `routing` section: policy rules, engine profiles and manifests,
//! where tables live, and where measured runtimes are kept.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Deserializer, Serialize};

use crate::profile::EngineProfile;
use crate::verify_config::VerifyConfig;

/// `routing:` in `switchyard.yaml`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoutingConfig {
    /// Fail when the chosen engine fails, rather than falling back to the next.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub strict: bool,
    /// Refuse plans with warnings (constructs that are legal but almost never intended,
    /// such as `x = x` or a literal cast that loses its value) instead of running them as
    /// written; `--strict-plans` on the command line.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub strict_plans: bool,
    /// Embedded engines (DataFusion, DuckDB) are not sent plans scanning more than this
    /// many bytes: a number, or text such as `2GB`, `512 MiB`.
    #[serde(
        default,
        deserialize_with = "byte_size",
        skip_serializing_if = "Option::is_none"
    )]
    pub embedded_max_bytes: Option<u64>,
    /// Rules over plan features, applied in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RuleConfig>,
    /// Per-engine profile and manifest overrides.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub engines: BTreeMap<String, EngineRouting>,
    /// Per-table facts.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tables: BTreeMap<String, TableRouting>,
    /// How often a long-running process (`switchyard serve`) asks every engine whether it
    /// is up, in milliseconds (default 2000); an engine found down is not routed to until
    /// it answers again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_interval_ms: Option<u64>,
    /// A JSON file where measured runtimes persist between runs (relative to the config).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub learned_file: Option<PathBuf>,
    /// Shadow verification of a sample of the service's queries on a second engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<VerifyConfig>,
}

/// `routing.engines.NAME`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EngineRouting {
    /// The engine's cost profile (the kind's built-in one when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<EngineProfile>,
    /// A manifest file replacing the kind's built-in one (relative to the config).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manifest: Option<PathBuf>,
}

/// `routing.tables.NAME`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableRouting {
    /// Where the live copy is: an engine's name, or `files` for the catalog's files. By
    /// default a table loaded into a PostgreSQL engine lives there, others in their files.
    pub home: String,
}

/// One rule: `pin` or `forbid`, for plans reading any of `tables` or with a fingerprint in
/// `queries`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleConfig {
    /// Send matching plans to this engine (when it can run them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pin: Option<String>,
    /// Never send matching plans to these engines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forbid: Vec<String>,
    /// The rule matches plans reading any of these tables.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tables: Vec<String>,
    /// The rule matches plans with these fingerprints (`switchyard explain` shows them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub queries: Vec<String>,
}

fn byte_size<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Size {
        Number(u64),
        Text(String),
    }
    match Option::<Size>::deserialize(deserializer)? {
        None => Ok(None),
        Some(Size::Number(n)) => Ok(Some(n)),
        Some(Size::Text(text)) => parse_byte_size(&text)
            .map(Some)
            .map_err(serde::de::Error::custom),
    }
}

/// Parses `2GB`, `512 MiB`, `1.5TB`, `1000` (bytes). Decimal units are powers of 1000,
/// binary units (`KiB`, `MiB`, ...) powers of 1024.
pub fn parse_byte_size(text: &str) -> Result<u64, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size such as 2GB or 512MiB"))?;
    let factor: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "kb" => 1e3,
        "mb" => 1e6,
        "gb" => 1e9,
        "tb" => 1e12,
        "kib" => 1024.0,
        "mib" => 1024.0 * 1024.0,
        "gib" => 1024.0 * 1024.0 * 1024.0,
        "tib" => 1024.0 * 1024.0 * 1024.0 * 1024.0,
        other => return Err(format!("unknown size unit {other:?} in {text:?}")),
    };
    Ok((number * factor) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_decimal_and_binary_units() {
        assert_eq!(parse_byte_size("2GB"), Ok(2_000_000_000));
        assert_eq!(parse_byte_size("512 MiB"), Ok(512 * 1024 * 1024));
        assert_eq!(parse_byte_size("1.5kb"), Ok(1500));
        assert_eq!(parse_byte_size("100"), Ok(100));
        assert!(parse_byte_size("2 parsecs").is_err());
        assert!(parse_byte_size("GB").is_err());
    }

    #[test]
    fn rules_and_sizes_read_from_yaml() {
        let config: RoutingConfig = serde_yaml::from_str(
            "strict: true\nembedded_max_bytes: 1GiB\nrules:\n- { pin: pg, tables: [accounts] }\n",
        )
        .expect("valid");
        assert!(config.strict);
        assert_eq!(config.embedded_max_bytes, Some(1 << 30));
        assert_eq!(config.rules[0].pin.as_deref(), Some("pg"));
        let err = serde_yaml::from_str::<RoutingConfig>("rulez: []\n").expect_err("typo");
        assert!(err.to_string().contains("rulez"), "{err}");
    }
}

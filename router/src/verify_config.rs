//! `routing.verify`: a sampled fraction of the service's queries re-run on a second engine
//! after the client has its answer, and where the outcomes are recorded.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// The verification log's file name when `routing.verify.file` is not set.
pub const DEFAULT_VERIFY_FILE: &str = "verify.jsonl";

/// `routing.verify:` in `switchyard.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifyConfig {
    /// The fraction of queries re-run, from 0 to 1 (`0.01`: one query in a hundred). The
    /// choice is deterministic (every `1/sample`-th query), so a test or a benchmark gets
    /// the fraction it asked for.
    pub sample: f64,
    /// The engines that may give the second answer, in no particular order (the cheapest
    /// capable one other than the engine that answered is used); empty: any engine.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub engines: Vec<String>,
    /// The JSON Lines file outcomes are appended to (relative to the config). Default:
    /// `verify.jsonl` beside `routing.learned_file` (the service's history of runs), else
    /// beside the configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<PathBuf>,
}

impl VerifyConfig {
    /// Refuses a sample outside 0..=1; `engines` are checked against the configured engines
    /// by the router.
    pub fn validate(&self) -> Result<(), String> {
        if !(0.0..=1.0).contains(&self.sample) {
            return Err(format!(
                "routing.verify.sample: {} is not a fraction from 0 to 1",
                self.sample
            ));
        }
        Ok(())
    }
}

/// Where the verification log of a configuration is: `routing.verify.file`, else
/// `verify.jsonl` in the folder of `routing.learned_file`, else in `base_dir`.
pub fn verify_log_path(
    verify: Option<&VerifyConfig>,
    learned_file: Option<&Path>,
    base_dir: &Path,
) -> PathBuf {
    if let Some(file) = verify.and_then(|v| v.file.as_ref()) {
        return base_dir.join(file);
    }
    let folder = learned_file
        .map(|f| base_dir.join(f))
        .and_then(|f| f.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| base_dir.to_path_buf());
    folder.join(DEFAULT_VERIFY_FILE)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_defaults_beside_the_learned_runtimes() {
        let base = Path::new("/etc/switchyard");
        assert_eq!(
            verify_log_path(None, Some(Path::new("state/learned.json")), base),
            PathBuf::from("/etc/switchyard/state/verify.jsonl")
        );
        assert_eq!(
            verify_log_path(None, None, base),
            PathBuf::from("/etc/switchyard/verify.jsonl")
        );
        let named = VerifyConfig {
            sample: 0.5,
            engines: Vec::new(),
            file: Some(PathBuf::from("v.jsonl")),
        };
        assert_eq!(
            verify_log_path(Some(&named), None, base),
            PathBuf::from("/etc/switchyard/v.jsonl")
        );
    }

    #[test]
    fn a_sample_outside_zero_to_one_is_refused() {
        let config = |sample| VerifyConfig {
            sample,
            engines: Vec::new(),
            file: None,
        };
        assert!(config(0.01).validate().is_ok());
        assert!(config(1.5).validate().is_err());
        assert!(config(f64::NAN).validate().is_err());
    }
}

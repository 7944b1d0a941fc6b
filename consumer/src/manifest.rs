//! Capability manifests: what an engine can run, in the Substrait dialect format
//! (`dialect_schema.yaml` in the Substrait spec), with Switchyard's own facts under
//! `metadata.switchyard` so the file stays a valid dialect for other tools.
//!
//! Each engine kind ships one (`consumer/manifests/<kind>.yaml`, compiled in). The router
//! reads them to decide where a plan may go; the tests hold the engines to them.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::engine::EngineKind;

/// The dependency alias of functions listed from an engine's own registry.
pub const REGISTRY_ALIAS: &str = "registry";
/// A dependency URN that matches functions from any extension.
pub const ANY_URN: &str = "*";

/// Function names DataFusion's Substrait consumer turns into operators or built-in
/// expressions rather than looking up in the session's registry
/// (datafusion-substrait 55.2, `logical_plan/consumer`).
const CONSUMER_OPERATORS: &[&str] = &[
    "add",
    "and",
    "and_not",
    "arrow_at",
    "at_arrow",
    "between",
    "bitwise_and",
    "bitwise_or",
    "bitwise_shift_left",
    "bitwise_shift_right",
    "bitwise_xor",
    "divide",
    "equal",
    "gt",
    "gte",
    "ilike",
    "is_distinct_from",
    "is_false",
    "is_nan",
    "is_not_distinct_from",
    "is_not_false",
    "is_not_null",
    "is_not_true",
    "is_not_unknown",
    "is_null",
    "is_true",
    "is_unknown",
    "like",
    "like_imatch",
    "like_match",
    "like_not_imatch",
    "like_not_match",
    "logb",
    "lt",
    "lte",
    "mod",
    "modulus",
    "multiply",
    "negate",
    "not",
    "not_equal",
    "or",
    "regex_imatch",
    "regex_match",
    "regex_not_imatch",
    "regex_not_match",
    "str_concat",
    "subtract",
    "xor",
];

/// One engine kind's manifest.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The dialect's name.
    #[serde(default)]
    pub name: Option<String>,
    /// Extension aliases → URNs, for `source:` in function entries.
    #[serde(default)]
    pub dependencies: BTreeMap<String, String>,
    /// Types the engine supports (all when empty), as the dialect format writes them.
    #[serde(default)]
    pub supported_types: Vec<serde_yaml::Value>,
    /// Relations the engine supports (all when empty), as the dialect format writes them.
    #[serde(default)]
    pub supported_relations: Vec<serde_yaml::Value>,
    /// Expressions the engine supports (all when empty), as the dialect format writes them.
    #[serde(default)]
    pub supported_expressions: Vec<serde_yaml::Value>,
    /// Scalar functions.
    #[serde(default)]
    pub supported_scalar_functions: Vec<FunctionSupport>,
    /// Aggregate functions.
    #[serde(default)]
    pub supported_aggregate_functions: Vec<FunctionSupport>,
    /// Window functions.
    #[serde(default)]
    pub supported_window_functions: Vec<FunctionSupport>,
    /// Free-form metadata; Switchyard's section is `switchyard`.
    #[serde(default)]
    pub metadata: ManifestMetadata,
}

/// A function entry of the dialect format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FunctionSupport {
    /// The alias (in `dependencies`) of the extension that defines the function.
    pub source: String,
    /// The function's name in that extension.
    pub name: String,
    /// Implementations by argument signature (`i64_i64`, `dec_dec`, ...).
    #[serde(default)]
    pub supported_impls: Vec<String>,
    /// The dialect author's notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<serde_yaml::Value>,
    /// How the engine spells the function (`name`, `notation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_metadata: Option<serde_yaml::Value>,
    /// Function options the implementations require (`overflow: ERROR`): the dialect
    /// format's one set. Switchyard reads each value here as honored, beside the lists of
    /// [`FunctionSupport::honored_options`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_options: Option<serde_yaml::Value>,
    /// Bounds on variadic arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variadic: Option<serde_yaml::Value>,
}

/// Option name → the values an entry's implementations honor.
pub type HonoredOptions = BTreeMap<String, BTreeSet<String>>;

impl FunctionSupport {
    /// The option values this entry's implementations honor: each value of the dialect
    /// format's `required_options` (one value or a list per option), and the lists under
    /// `metadata.switchyard.options` (Switchyard's own section, as the dialect format allows
    /// one required set where an engine honors several values: `overflow: [SILENT, ERROR]`).
    /// An option not named here is not honored; a call that sets it is not this entry's.
    pub fn honored_options(&self) -> Result<HonoredOptions, String> {
        let mut honored = HonoredOptions::new();
        let own = self
            .metadata
            .as_ref()
            .and_then(|m| m.get("switchyard"))
            .and_then(|s| s.get("options"));
        for section in [self.required_options.as_ref(), own].into_iter().flatten() {
            let mapping = section
                .as_mapping()
                .ok_or_else(|| format!("{}: options are not a mapping: {section:?}", self.name))?;
            for (name, values) in mapping {
                let name = name
                    .as_str()
                    .ok_or_else(|| format!("{}: an option name is not text", self.name))?;
                let values: Vec<&serde_yaml::Value> = match values {
                    serde_yaml::Value::Sequence(list) => list.iter().collect(),
                    one => vec![one],
                };
                let set = honored.entry(name.to_string()).or_default();
                for value in values {
                    let value = value.as_str().ok_or_else(|| {
                        format!("{}: option {name} has a value that is not text", self.name)
                    })?;
                    set.insert(value.to_string());
                }
            }
        }
        Ok(honored)
    }

    /// Sets the honored option values in Switchyard's section (`metadata.switchyard.options`),
    /// as a measured manifest writes them; nothing when `honored` is empty.
    pub fn set_honored_options(&mut self, honored: &HonoredOptions) {
        if honored.is_empty() {
            return;
        }
        let options: serde_yaml::Mapping = honored
            .iter()
            .map(|(name, values)| {
                (
                    name.as_str().into(),
                    serde_yaml::Value::Sequence(values.iter().map(|v| v.as_str().into()).collect()),
                )
            })
            .collect();
        let mut switchyard = serde_yaml::Mapping::new();
        switchyard.insert("options".into(), serde_yaml::Value::Mapping(options));
        let mut metadata = serde_yaml::Mapping::new();
        metadata.insert("switchyard".into(), serde_yaml::Value::Mapping(switchyard));
        self.metadata = Some(serde_yaml::Value::Mapping(metadata));
    }
}

/// The manifest's `metadata` section.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ManifestMetadata {
    /// Switchyard's facts about the engine.
    #[serde(default)]
    pub switchyard: SwitchyardFacts,
}

/// What the dialect format has no field for.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SwitchyardFacts {
    /// How plans reach the engine (`native`, `sql`).
    #[serde(default)]
    pub execution: Option<String>,
    /// Known queries the engine cannot run, each with the error it gives.
    #[serde(default)]
    pub unsupported_queries: Vec<UnsupportedQuery>,
    /// How many enclosing queries out an outer reference may point (`steps_out`); unset for
    /// any. The dialect format lists subquery kinds but not how deep their correlation goes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_outer_reference_steps: Option<u32>,
    /// Calls a function test case showed the engine answers wrongly: the router holds them
    /// against every entry, including those that accept any arguments (the functions
    /// DataFusion's session registers), so a refuted claim is removed wherever it comes from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contradicted: Vec<Contradiction>,
}

/// A call an engine answers wrongly, with the case that shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contradiction {
    /// The function's name (`logb`).
    pub function: String,
    /// The argument signature in the manifests' notation (`fp64_fp64`).
    pub signature: String,
    /// The options the case set, each with its one value; empty when the case set none
    /// (then every call of the signature is refuted).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub options: BTreeMap<String, String>,
    /// The case (`logarithmic/logb.test:7`).
    pub case: String,
    /// What the engine answered against what the case expects.
    pub answer: String,
}

/// A query known not to run on the engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnsupportedQuery {
    /// The suite (`tpch`).
    pub suite: String,
    /// The query's number or name in the suite.
    pub query: String,
    /// Text the error contains.
    pub error: String,
}

impl Manifest {
    /// The manifest compiled in for `kind`.
    pub fn builtin(kind: EngineKind) -> Result<Self, String> {
        let text = match kind {
            EngineKind::DataFusion => include_str!("../manifests/datafusion.yaml"),
            EngineKind::DuckDb => include_str!("../manifests/duckdb.yaml"),
            EngineKind::Postgres => include_str!("../manifests/postgres.yaml"),
            EngineKind::Ballista => include_str!("../manifests/ballista.yaml"),
            EngineKind::Spark => include_str!("../manifests/spark.yaml"),
        };
        serde_yaml::from_str(text).map_err(|e| format!("the built-in {kind} manifest: {e}"))
    }

    /// The manifest compiled in for `kind`, for the engine named `engine`.
    pub fn for_engine(engine: &str, kind: EngineKind) -> Result<Self, crate::error::EngineError> {
        Self::builtin(kind).map_err(|message| crate::error::EngineError::Setup {
            engine: engine.to_string(),
            message,
        })
    }

    /// Lists every function of a DataFusion session that the manifest does not name, as
    /// DataFusion's Substrait consumer resolves functions by name whatever their extension:
    /// under the alias `registry`, whose URN `*` matches any, with any arguments.
    pub fn add_registry_functions(&mut self, state: &datafusion::execution::SessionState) {
        self.dependencies
            .insert(REGISTRY_ALIAS.to_string(), ANY_URN.to_string());
        let any_arguments = || vec![String::new(), "any".to_string()];
        let add = |list: &mut Vec<FunctionSupport>, names: Vec<String>| {
            let mut names = names;
            names.sort();
            for name in names {
                if list.iter().all(|f| f.name != name) {
                    list.push(FunctionSupport {
                        source: REGISTRY_ALIAS.to_string(),
                        name,
                        supported_impls: any_arguments(),
                        metadata: None,
                        system_metadata: None,
                        required_options: None,
                        variadic: None,
                    });
                }
            }
        };
        let mut scalar: Vec<String> = state.scalar_functions().keys().cloned().collect();
        scalar.extend(CONSUMER_OPERATORS.iter().map(|name| name.to_string()));
        add(&mut self.supported_scalar_functions, scalar);
        add(
            &mut self.supported_aggregate_functions,
            state.aggregate_functions().keys().cloned().collect(),
        );
        add(
            &mut self.supported_window_functions,
            state.window_functions().keys().cloned().collect(),
        );
    }

    /// The known failure of query `query` of `suite`, if any.
    pub fn unsupported_query(&self, suite: &str, query: &str) -> Option<&UnsupportedQuery> {
        self.metadata
            .switchyard
            .unsupported_queries
            .iter()
            .find(|q| q.suite == suite && q.query == query)
    }

    /// One line for listings: counts of relations, functions and known gaps.
    pub fn summary(&self) -> String {
        let count = |n: usize| {
            if n == 0 {
                "all".to_string()
            } else {
                n.to_string()
            }
        };
        let functions = self.supported_scalar_functions.len()
            + self.supported_aggregate_functions.len()
            + self.supported_window_functions.len();
        let gaps = self.metadata.switchyard.unsupported_queries.len();
        format!(
            "{} relations, {} types, {functions} functions, {gaps} known unsupported queries",
            count(self.supported_relations.len()),
            count(self.supported_types.len()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_manifest_parses_and_names_its_sources() {
        for kind in [
            EngineKind::DataFusion,
            EngineKind::DuckDb,
            EngineKind::Postgres,
            EngineKind::Ballista,
            EngineKind::Spark,
        ] {
            let manifest = Manifest::builtin(kind).unwrap_or_else(|e| panic!("{e}"));
            assert!(!manifest.supported_relations.is_empty(), "{kind}");
            for function in manifest
                .supported_scalar_functions
                .iter()
                .chain(&manifest.supported_aggregate_functions)
            {
                assert!(
                    manifest.dependencies.contains_key(&function.source),
                    "{kind}: {} names unknown source {}",
                    function.name,
                    function.source
                );
                assert!(
                    !function.supported_impls.is_empty(),
                    "{kind}: {}",
                    function.name
                );
            }
        }
    }
}

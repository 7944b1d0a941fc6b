//! An engine's capabilities: its manifest (Substrait dialect format) read into lookups, and
//! the check of a plan's features against them.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use switchyard_consumer::manifest::{ANY_URN, HonoredOptions};
use switchyard_consumer::{FunctionSupport, Manifest};

use crate::features::{ArgumentKind, DataKind, FunctionKind, FunctionUse, PlanFeatures};
use crate::function_options::{Refuted, honors, unhonored};

/// Relation and expression names the dialect format defines.
const RELATIONS: &[&str] = &[
    "READ",
    "FILTER",
    "FETCH",
    "AGGREGATE",
    "SORT",
    "JOIN",
    "LATERAL_JOIN",
    "PROJECT",
    "SET",
    "CROSS",
    "REFERENCE",
    "WRITE",
    "DDL",
    "UPDATE",
    "HASH_JOIN",
    "MERGE_JOIN",
    "NESTED_LOOP_JOIN",
    "CONSISTENT_PARTITION_WINDOW",
    "EXCHANGE",
    "EXPAND",
    "EXTENSION_LEAF",
    "EXTENSION_SINGLE",
    "EXTENSION_MULTI",
];
const EXPRESSIONS: &[&str] = &[
    "LITERAL",
    "SELECTION",
    "SCALAR_FUNCTION",
    "WINDOW_FUNCTION",
    "IF_THEN",
    "SWITCH",
    "SINGULAR_OR_LIST",
    "MULTI_OR_LIST",
    "CAST",
    "SUBQUERY",
    "NESTED",
    "DYNAMIC_PARAMETER",
    "EXECUTION_CONTEXT_VARIABLE",
];
/// The keys under which the dialect format lists a relation's or expression's variants.
/// A cast's `failure_options` are its variants: the plan's failure behavior, when set.
const VARIANT_KEYS: &[&str] = &[
    "join_types",
    "operations",
    "read_types",
    "subquery_types",
    "failure_options",
];

/// Relation or expression names → the variants allowed (`None`: all).
type VariantLists = HashMap<String, Option<HashSet<String>>>;

/// A feature an engine lacks, with where the plan uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingFeature {
    /// What is missing (`relation JOIN LEFT_MARK`, `scalar function regexp_like(str, str)`).
    pub feature: String,
    /// Where in the plan.
    pub path: String,
}

/// What one engine can run, read from its manifest.
#[derive(Debug, Clone)]
pub struct Capabilities {
    /// `None`: every relation. Otherwise relation → allowed variants (`None`: all).
    relations: Option<VariantLists>,
    expressions: Option<VariantLists>,
    types: Option<HashSet<DataKind>>,
    /// Kind → name → entries (nested so lookups borrow the name).
    functions: HashMap<FunctionKind, HashMap<String, Vec<FunctionImpls>>>,
    /// How far out outer references may point (`None`: any distance).
    max_outer_reference_steps: Option<u32>,
    /// Calls function test cases showed the engine answers wrongly.
    refuted: Vec<Refuted>,
    /// The engine's name in explanations (the manifest's `name`).
    engine: String,
}

#[derive(Debug, Clone)]
struct FunctionImpls {
    urn: String,
    /// Each implementation's argument tokens (`["i64", "i64"]`).
    impls: Vec<Vec<String>>,
    /// The option values the implementations honor.
    options: HonoredOptions,
}

impl Capabilities {
    /// Reads a manifest; malformed entries are errors that say which entry and why.
    pub fn from_manifest(manifest: &Manifest) -> Result<Self, String> {
        let relations = variant_lists(&manifest.supported_relations, "relation", RELATIONS)?;
        let expressions =
            variant_lists(&manifest.supported_expressions, "expression", EXPRESSIONS)?;
        let types = if manifest.supported_types.is_empty() {
            None
        } else {
            let mut kinds = HashSet::new();
            for entry in &manifest.supported_types {
                let name = match entry {
                    serde_yaml::Value::String(name) => name.as_str(),
                    serde_yaml::Value::Mapping(m) => m
                        .get("type")
                        .and_then(serde_yaml::Value::as_str)
                        .ok_or_else(|| {
                            format!("supported_types: an entry has no `type`: {entry:?}")
                        })?,
                    other => return Err(format!("supported_types: unexpected entry {other:?}")),
                };
                let kind = DataKind::from_dialect_name(name)
                    .ok_or_else(|| format!("supported_types: unknown type {name:?}"))?;
                kinds.insert(kind);
            }
            Some(kinds)
        };
        let mut functions: HashMap<FunctionKind, HashMap<String, Vec<FunctionImpls>>> =
            HashMap::new();
        for (kind, list) in function_lists(manifest) {
            for entry in list {
                let impls = function_impls(manifest, kind, entry)?;
                functions
                    .entry(kind)
                    .or_default()
                    .entry(entry.name.clone())
                    .or_default()
                    .push(impls);
            }
        }
        Ok(Self {
            relations,
            expressions,
            types,
            functions,
            max_outer_reference_steps: manifest.metadata.switchyard.max_outer_reference_steps,
            refuted: manifest
                .metadata
                .switchyard
                .contradicted
                .iter()
                .map(Refuted::new)
                .collect(),
            engine: manifest
                .name
                .clone()
                .unwrap_or_else(|| "the engine".to_string()),
        })
    }

    /// Everything `features` uses that these capabilities lack, in plan order.
    pub fn missing(&self, features: &PlanFeatures) -> Vec<MissingFeature> {
        let mut missing = Vec::new();
        for r in &features.relations {
            if let Some(feature) =
                check_variant(self.relations.as_ref(), "relation", r.relation, r.variant)
            {
                missing.push(MissingFeature {
                    feature,
                    path: r.path.clone(),
                });
            }
        }
        for e in &features.expressions {
            if let Some(feature) = check_variant(
                self.expressions.as_ref(),
                "expression",
                e.expression,
                e.variant,
            ) {
                missing.push(MissingFeature {
                    feature,
                    path: e.path.clone(),
                });
            }
        }
        if let Some(types) = &self.types {
            for t in features.types.iter().filter(|t| !types.contains(&t.kind)) {
                missing.push(MissingFeature {
                    feature: format!("type {}", t.kind),
                    path: t.path.clone(),
                });
            }
        }
        if let (Some(max), Some(outer)) = (
            self.max_outer_reference_steps,
            features.deepest_outer_reference.as_ref(),
        ) && outer.steps_out > max
        {
            missing.push(MissingFeature {
                feature: format!(
                    "an outer reference {} subqueries out (this engine resolves {max} at most)",
                    outer.steps_out
                ),
                path: outer.path.clone(),
            });
        }
        let mut reported = HashSet::new();
        for call in &features.functions {
            if let Some(feature) = self.check_function(call)
                && reported.insert(feature.clone())
            {
                missing.push(MissingFeature {
                    feature,
                    path: call.path.clone(),
                });
            }
        }
        missing
    }

    fn check_function(&self, call: &FunctionUse) -> Option<String> {
        let described = || format!("{} function {}", call.kind, call.described());
        let Some(entries) = self
            .functions
            .get(&call.kind)
            .and_then(|by_name| by_name.get(call.name.as_str()))
        else {
            // Unknown by name: say which extension it came from, when the plan says.
            return Some(match call.urn.as_deref() {
                Some(urn) => format!("{} (from {urn})", described()),
                None => described(),
            });
        };
        let entries: Vec<&FunctionImpls> = entries
            .iter()
            .filter(|e| e.urn == ANY_URN || call.urn.as_ref().is_none_or(|urn| *urn == e.urn))
            .collect();
        if entries.is_empty() {
            return Some(format!(
                "{} (from {})",
                described(),
                call.urn.as_deref().unwrap_or("?")
            ));
        }
        let matching: Vec<&HonoredOptions> = entries
            .iter()
            .filter(|e| {
                e.impls
                    .iter()
                    .any(|tokens| signature_matches(tokens, &call.arguments))
            })
            .map(|e| &e.options)
            .collect();
        if matching.is_empty() {
            return Some(described());
        }
        // Every option value the call asks for must be honored: an engine that ignores an
        // option computes something else (wraps where the plan asks for an error).
        if !matching
            .iter()
            .any(|honored| honors(honored, &call.options))
        {
            return Some(format!(
                "{}: {}",
                described(),
                unhonored(&self.engine, &matching, call)
            ));
        }
        self.refuted
            .iter()
            .find(|refuted| refuted.refutes(call))
            .map(|refuted| format!("{}: {}", described(), refuted.reason(&self.engine)))
    }
}

/// A manifest's three function lists, each with its kind.
pub(crate) fn function_lists(manifest: &Manifest) -> [(FunctionKind, &[FunctionSupport]); 3] {
    [
        (FunctionKind::Scalar, &manifest.supported_scalar_functions),
        (
            FunctionKind::Aggregate,
            &manifest.supported_aggregate_functions,
        ),
        (FunctionKind::Window, &manifest.supported_window_functions),
    ]
}

/// Whether an implementation's tokens accept the arguments. A single token accepts any
/// number of arguments of that kind (variadic `and`, `or`, `concat`); `any`, `any1`, ...
/// accept anything; arguments whose type the walk could not derive are not held against
/// an engine.
pub(crate) fn signature_matches(tokens: &[String], arguments: &[ArgumentKind]) -> bool {
    let token_accepts = |token: &str, argument: &ArgumentKind| match argument {
        ArgumentKind::Unknown => true,
        ArgumentKind::Enum => matches!(token, "req" | "opt") || token.starts_with("any"),
        ArgumentKind::Type => token == "type" || token.starts_with("any"),
        ArgumentKind::Value(kind) => {
            token.starts_with("any")
                || token == kind.signature_name()
                || matches!(
                    (token, kind),
                    ("ts", DataKind::PrecisionTimestamp)
                        | ("tstz", DataKind::PrecisionTimestampTz)
                        | ("time", DataKind::PrecisionTime)
                )
        }
    };
    if tokens.len() == arguments.len() {
        return tokens
            .iter()
            .zip(arguments)
            .all(|(t, a)| token_accepts(t, a));
    }
    match tokens {
        [only] if !arguments.is_empty() => arguments.iter().all(|a| token_accepts(only, a)),
        _ => false,
    }
}

fn function_impls(
    manifest: &Manifest,
    kind: FunctionKind,
    entry: &FunctionSupport,
) -> Result<FunctionImpls, String> {
    let urn = manifest.dependencies.get(&entry.source).ok_or_else(|| {
        format!(
            "{kind} function {}: source {:?} is not in `dependencies`",
            entry.name, entry.source
        )
    })?;
    if entry.supported_impls.is_empty() {
        return Err(format!(
            "{kind} function {}: no supported_impls",
            entry.name
        ));
    }
    let impls = entry
        .supported_impls
        .iter()
        .map(|signature| {
            if signature.is_empty() {
                Vec::new()
            } else {
                signature.split('_').map(str::to_string).collect()
            }
        })
        .collect();
    let options = entry
        .honored_options()
        .map_err(|e| format!("{kind} function {e}"))?;
    Ok(FunctionImpls {
        urn: urn.clone(),
        impls,
        options,
    })
}

/// Reads `supported_relations` or `supported_expressions`: names, or mappings with the name
/// under `key` and optional variant lists.
fn variant_lists(
    entries: &[serde_yaml::Value],
    key: &str,
    known: &[&str],
) -> Result<Option<VariantLists>, String> {
    if entries.is_empty() {
        return Ok(None);
    }
    let mut map = HashMap::new();
    for entry in entries {
        let (name, variants) = match entry {
            serde_yaml::Value::String(name) => (name.clone(), None),
            serde_yaml::Value::Mapping(m) => {
                let name = m
                    .get(key)
                    .and_then(serde_yaml::Value::as_str)
                    .ok_or_else(|| {
                        format!("supported_{key}s: an entry has no `{key}`: {entry:?}")
                    })?;
                let mut variants: Option<HashSet<String>> = None;
                for variant_key in VARIANT_KEYS {
                    if let Some(list) = m.get(*variant_key) {
                        let list = list.as_sequence().ok_or_else(|| {
                            format!("supported_{key}s: {name}.{variant_key} is not a list")
                        })?;
                        let set = variants.get_or_insert_with(HashSet::new);
                        for v in list {
                            let v = v.as_str().ok_or_else(|| {
                                format!(
                                    "supported_{key}s: {name}.{variant_key} has a non-text entry"
                                )
                            })?;
                            set.insert(v.to_string());
                        }
                    }
                }
                (name.to_string(), variants)
            }
            other => return Err(format!("supported_{key}s: unexpected entry {other:?}")),
        };
        if !known.contains(&name.as_str()) {
            return Err(format!("supported_{key}s: unknown {key} {name:?}"));
        }
        map.insert(name, variants);
    }
    Ok(Some(map))
}

fn check_variant(
    allowed: Option<&VariantLists>,
    what: &str,
    name: &str,
    variant: Option<&str>,
) -> Option<String> {
    let allowed = allowed?;
    let Some(variants) = allowed.get(name) else {
        return Some(format!("{what} {name}"));
    };
    match (variants, variant) {
        (Some(variants), Some(variant)) if !variants.contains(variant) => {
            Some(format!("{what} {name} {variant}"))
        }
        _ => None,
    }
}

//! Capability manifests from measurement, and the check that a manifest claims nothing that
//! no passing case exercised.
//!
//! A conformance run leaves, per engine, the features of every plan that passed (relations
//! with their variants, expression kinds, types, function calls with argument kinds). The
//! measured manifest lists exactly those, in the dialect format the router reads, so routing
//! metadata comes from evidence instead of from someone's belief. [`unexercised_claims`] holds
//! any manifest, hand-written or measured, to the same evidence.

use std::collections::{BTreeMap, BTreeSet};

use serde_yaml::{Mapping, Value};
use switchyard_consumer::manifest::{ANY_URN, HonoredOptions, UnsupportedQuery};
use switchyard_consumer::{FunctionSupport, Manifest};
use switchyard_producer::standard_functions::standard_extension_for;

use crate::capabilities::{function_lists, signature_matches};
use crate::features::{ArgumentKind, DataKind, FunctionKind, PlanFeatures};

/// The key under which the dialect format lists a relation's or expression's variants.
fn variant_key(name: &str) -> &'static str {
    match name {
        "JOIN" => "join_types",
        "SET" => "operations",
        "READ" => "read_types",
        "CAST" => "failure_options",
        _ => "subquery_types",
    }
}

/// The URN a measured manifest files a call under: the plan's, else the standard extension
/// that defines the name for those arguments (DataFusion's producer declares no URNs;
/// decimal arithmetic and date arithmetic have files of their own), else any.
fn call_urn(urn: Option<&str>, name: &str, arguments: &[ArgumentKind]) -> String {
    if let Some(urn) = urn {
        return urn.to_string();
    }
    let temporal = arguments.iter().any(|argument| {
        matches!(
            argument,
            ArgumentKind::Value(
                DataKind::Date
                    | DataKind::PrecisionTime
                    | DataKind::PrecisionTimestamp
                    | DataKind::PrecisionTimestampTz
                    | DataKind::IntervalDay
                    | DataKind::IntervalYear
                    | DataKind::IntervalCompound
            )
        )
    });
    if temporal && matches!(name, "add" | "subtract") {
        return "extension:io.substrait:functions_datetime".to_string();
    }
    match standard_extension_for(&format!("{name}:{}", written_signature(arguments))) {
        Some(stem) => format!("extension:io.substrait:{stem}"),
        None => ANY_URN.to_string(),
    }
}

/// The alias a manifest gives a URN: `functions_arithmetic` → `arithmetic`.
fn alias_of(urn: &str) -> String {
    if urn == ANY_URN {
        return "any".to_string();
    }
    let stem = urn.rsplit([':', '/']).next().unwrap_or(urn);
    let stem = stem.strip_suffix(".yaml").unwrap_or(stem);
    stem.strip_prefix("functions_").unwrap_or(stem).to_string()
}

/// A signature as manifests write it; an argument whose type the plan walk could not derive
/// is written `any`, as the router accepts any type there.
fn written_signature(arguments: &[ArgumentKind]) -> String {
    arguments
        .iter()
        .map(|argument| match argument {
            ArgumentKind::Unknown => "any".to_string(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join("_")
}

/// Names and variants of relations or expressions, as the dialect format lists them.
fn variant_entries(uses: &BTreeMap<&'static str, BTreeSet<&'static str>>, key: &str) -> Vec<Value> {
    uses.iter()
        .map(|(name, variants)| {
            if variants.is_empty() {
                return Value::String((*name).to_string());
            }
            let mut entry = Mapping::new();
            entry.insert(key.into(), (*name).into());
            entry.insert(
                variant_key(name).into(),
                Value::Sequence(variants.iter().map(|v| (*v).into()).collect()),
            );
            Value::Mapping(entry)
        })
        .collect()
}

/// What the evidence says of one function signature: exercised without options, and the
/// option values passing cases set on it.
#[derive(Debug, Default)]
struct SignatureClaim {
    plain: bool,
    options: HonoredOptions,
}

/// The manifest `passing` plans prove: every relation, expression, type and function
/// signature they use, and the option values their calls set, and nothing else; less every
/// call a `wrong` plan makes (a function test case's plan makes one): a wrong answer without
/// options removes the signature, one with options removes those option values. `base`
/// gives the name and execution facts; `unsupported` lists the queries that failed.
pub fn measured_manifest(
    base: &Manifest,
    passing: &[&PlanFeatures],
    wrong: &[&PlanFeatures],
    unsupported: Vec<UnsupportedQuery>,
) -> Manifest {
    let mut relations: BTreeMap<&'static str, BTreeSet<&'static str>> = BTreeMap::new();
    let mut expressions: BTreeMap<&'static str, BTreeSet<&'static str>> = BTreeMap::new();
    let mut types: BTreeSet<&'static str> = BTreeSet::new();
    let mut functions: BTreeMap<(FunctionKind, String, String), BTreeMap<String, SignatureClaim>> =
        BTreeMap::new();
    for features in passing {
        for relation in &features.relations {
            let variants = relations.entry(relation.relation).or_default();
            variants.extend(relation.variant);
        }
        for expression in &features.expressions {
            let variants = expressions.entry(expression.expression).or_default();
            variants.extend(expression.variant);
        }
        types.extend(features.types.iter().map(|t| t.kind.dialect_name()));
        for call in &features.functions {
            let urn = call_urn(call.urn.as_deref(), &call.name, &call.arguments);
            let claim = functions
                .entry((call.kind, urn, call.name.clone()))
                .or_default()
                .entry(written_signature(&call.arguments))
                .or_default();
            claim.plain |= call.options.is_empty();
            for option in &call.options {
                // The value a consumer honoring the option uses: the first preference.
                if let Some(value) = option.preference.first() {
                    claim
                        .options
                        .entry(option.name.clone())
                        .or_default()
                        .insert(value.clone());
                }
            }
        }
    }
    for call in wrong.iter().flat_map(|features| &features.functions) {
        let urn = call_urn(call.urn.as_deref(), &call.name, &call.arguments);
        let Some(signatures) = functions.get_mut(&(call.kind, urn, call.name.clone())) else {
            continue;
        };
        let signature = written_signature(&call.arguments);
        if call.options.is_empty() {
            signatures.remove(&signature);
        } else if let Some(claim) = signatures.get_mut(&signature) {
            for option in &call.options {
                if let Some(values) = claim.options.get_mut(&option.name) {
                    values.retain(|v| !option.preference.contains(v));
                }
            }
            claim.options.retain(|_, values| !values.is_empty());
            if !claim.plain && claim.options.is_empty() {
                signatures.remove(&signature);
            }
        }
    }
    let mut manifest = Manifest {
        name: base.name.clone(),
        supported_types: types.into_iter().map(Value::from).collect(),
        supported_relations: variant_entries(&relations, "relation"),
        supported_expressions: variant_entries(&expressions, "expression"),
        ..Manifest::default()
    };
    manifest.metadata.switchyard.execution = base.metadata.switchyard.execution.clone();
    manifest.metadata.switchyard.unsupported_queries = unsupported;
    // The suites do not vary correlation depth, so it stays what the base manifest measured
    // (conformance/tests/plan_semantics.rs).
    manifest.metadata.switchyard.max_outer_reference_steps =
        base.metadata.switchyard.max_outer_reference_steps;
    for ((kind, urn, name), signatures) in functions {
        if signatures.is_empty() {
            continue;
        }
        let alias = alias_of(&urn);
        manifest.dependencies.insert(alias.clone(), urn);
        // One entry per set of honored options: the dialect format's entries carry options
        // for all their implementations.
        let mut by_options: BTreeMap<HonoredOptions, Vec<String>> = BTreeMap::new();
        for (signature, claim) in signatures {
            by_options.entry(claim.options).or_default().push(signature);
        }
        for (honored, supported_impls) in by_options {
            let mut entry = FunctionSupport {
                source: alias.clone(),
                name: name.clone(),
                supported_impls,
                metadata: None,
                system_metadata: None,
                required_options: None,
                variadic: None,
            };
            entry.set_honored_options(&honored);
            match kind {
                FunctionKind::Scalar => manifest.supported_scalar_functions.push(entry),
                FunctionKind::Aggregate => manifest.supported_aggregate_functions.push(entry),
                FunctionKind::Window => manifest.supported_window_functions.push(entry),
            }
        }
    }
    manifest
}

/// Every claim of `manifest` that no plan in `passing` exercises, described; empty when each
/// claim has a passing case behind it. An empty list in the manifest claims everything of
/// its kind, so it is reported as one claim.
pub fn unexercised_claims(
    manifest: &Manifest,
    passing: &[&PlanFeatures],
) -> Result<Vec<String>, String> {
    let mut claims = Vec::new();
    for (what, entries, key) in [
        ("relation", &manifest.supported_relations, "relation"),
        ("expression", &manifest.supported_expressions, "expression"),
    ] {
        if entries.is_empty() {
            claims.push(format!("every {what} (the list is empty)"));
        }
        for (name, variants) in named_variants(entries, key)? {
            let used = |variant: Option<&str>| {
                passing.iter().any(|features| match what {
                    "relation" => features.relations.iter().any(|r| {
                        r.relation == name && variant.is_none_or(|v| r.variant == Some(v))
                    }),
                    _ => features.expressions.iter().any(|e| {
                        e.expression == name && variant.is_none_or(|v| e.variant == Some(v))
                    }),
                })
            };
            match variants {
                None if !used(None) => claims.push(format!("{what} {name}")),
                Some(variants) => claims.extend(
                    variants
                        .iter()
                        .filter(|v| !used(Some(v.as_str())))
                        .map(|v| format!("{what} {name} {v}")),
                ),
                None => {}
            }
        }
    }
    if manifest.supported_types.is_empty() {
        claims.push("every type (the list is empty)".to_string());
    }
    for entry in &manifest.supported_types {
        let name = entry
            .as_str()
            .or_else(|| entry.get("type").and_then(Value::as_str));
        let kind = name
            .and_then(DataKind::from_dialect_name)
            .ok_or_else(|| format!("supported_types: cannot read {entry:?}"))?;
        if !passing
            .iter()
            .any(|f| f.types.iter().any(|t| t.kind == kind))
        {
            claims.push(format!("type {}", kind.dialect_name()));
        }
    }
    for (kind, list) in function_lists(manifest) {
        for entry in list {
            let urn = manifest.dependencies.get(&entry.source).ok_or_else(|| {
                format!(
                    "{kind} function {}: source {:?} is not declared",
                    entry.name, entry.source
                )
            })?;
            let honored = entry.honored_options()?;
            for signature in &entry.supported_impls {
                let tokens: Vec<String> = if signature.is_empty() {
                    Vec::new()
                } else {
                    signature.split('_').map(str::to_string).collect()
                };
                let exercised = passing.iter().any(|features| {
                    features.functions.iter().any(|call| {
                        call.kind == kind
                            && call.name == entry.name
                            // As the router reads it: a call whose plan names no URN
                            // matches the function in any extension.
                            && (urn == ANY_URN || call.urn.as_ref().is_none_or(|u| u == urn))
                            && signature_matches(&tokens, &call.arguments)
                    })
                });
                if !exercised {
                    claims.push(format!(
                        "{kind} function {}({signature}) from {urn}",
                        entry.name
                    ));
                }
                // Each option value claimed needs a passing call of this signature that sets it.
                for (option, values) in &honored {
                    for value in values {
                        let exercised = passing.iter().any(|features| {
                            features.functions.iter().any(|call| {
                                call.kind == kind
                                    && call.name == entry.name
                                    && signature_matches(&tokens, &call.arguments)
                                    && call.options.iter().any(|o| {
                                        &o.name == option && o.preference.first() == Some(value)
                                    })
                            })
                        });
                        if !exercised {
                            claims.push(format!(
                                "{kind} function {}({signature}) with {option}={value} from {urn}",
                                entry.name
                            ));
                        }
                    }
                }
            }
        }
    }
    Ok(claims)
}

/// A relation or expression name with its variant list (`None`: all variants).
type NamedVariants = (String, Option<Vec<String>>);

/// Relation or expression entries as names with their variant lists.
fn named_variants(entries: &[Value], key: &str) -> Result<Vec<NamedVariants>, String> {
    entries
        .iter()
        .map(|entry| match entry {
            Value::String(name) => Ok((name.clone(), None)),
            Value::Mapping(mapping) => {
                let name = mapping
                    .get(key)
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("an entry has no `{key}`: {entry:?}"))?;
                let variants = mapping
                    .iter()
                    .filter(|(k, _)| k.as_str() != Some(key))
                    .filter_map(|(_, list)| list.as_sequence())
                    .flatten()
                    .filter_map(Value::as_str)
                    .map(str::to_string)
                    .collect::<Vec<_>>();
                Ok((name.to_string(), (!variants.is_empty()).then_some(variants)))
            }
            other => Err(format!("unexpected entry {other:?}")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use switchyard_consumer::Manifest;

    use super::{measured_manifest, unexercised_claims};
    use crate::Capabilities;
    use crate::features::{
        ArgumentKind, DataKind, ExpressionUse, FunctionKind, FunctionUse, PlanFeatures,
        RelationUse, TypeUse,
    };

    /// A plan that joins two reads and adds two i32 columns.
    fn features() -> PlanFeatures {
        let mut features = PlanFeatures::default();
        for (relation, variant) in [
            ("PROJECT", None),
            ("JOIN", Some("INNER")),
            ("READ", Some("NAMED_TABLE")),
        ] {
            features.relations.push(RelationUse {
                relation,
                variant,
                path: String::new(),
            });
        }
        features.expressions.push(ExpressionUse {
            expression: "SCALAR_FUNCTION",
            variant: None,
            path: String::new(),
        });
        features.types.push(TypeUse {
            kind: DataKind::I32,
            path: String::new(),
        });
        features.functions.push(FunctionUse {
            kind: FunctionKind::Scalar,
            urn: None,
            name: "add".to_string(),
            arguments: vec![ArgumentKind::Value(DataKind::I32); 2],
            options: Vec::new(),
            path: String::new(),
        });
        features
    }

    #[test]
    fn a_measured_manifest_admits_the_passing_plans_and_claims_nothing_more() {
        let passing = features();
        let manifest = measured_manifest(&Manifest::default(), &[&passing], &[], Vec::new());
        let text = serde_yaml::to_string(&manifest).expect("yaml");
        assert!(text.contains("join_types:\n  - INNER"), "{text}");
        assert!(
            text.contains("arithmetic: extension:io.substrait:functions_arithmetic"),
            "{text}"
        );
        assert!(text.contains("i32_i32"), "{text}");
        let capabilities = Capabilities::from_manifest(&manifest).expect("reads");
        assert!(capabilities.missing(&passing).is_empty());
        assert_eq!(unexercised_claims(&manifest, &[&passing]), Ok(Vec::new()));
    }

    #[test]
    fn claims_without_a_passing_case_are_named() {
        let passing = features();
        let manifest: Manifest = serde_yaml::from_str(
            "dependencies: { arithmetic: 'extension:io.substrait:functions_arithmetic' }\n\
             supported_types: [I32, I64]\n\
             supported_relations: [PROJECT, READ, SET, { relation: JOIN, join_types: [INNER, LEFT] }]\n\
             supported_scalar_functions:\n\
             - { source: arithmetic, name: add, supported_impls: [i32_i32, i64_i64] }\n",
        )
        .expect("manifest");
        assert_eq!(
            unexercised_claims(&manifest, &[&passing]),
            Ok(vec![
                "relation SET".to_string(),
                "relation JOIN LEFT".to_string(),
                "every expression (the list is empty)".to_string(),
                "type I64".to_string(),
                "scalar function add(i64_i64) from extension:io.substrait:functions_arithmetic"
                    .to_string(),
            ])
        );
    }
}

//! `--write-manifests`: each engine's capability manifest from a conformance run.
//!
//! An engine's manifest lists what the plans of its passing cases use (relations, expression
//! kinds, types, function signatures; `switchyard_router::measured_manifest`) and, as known
//! gaps, the TPC-H queries that failed with their errors; a function test case answered wrongly
//! removes the claim it contradicts ([`admitted_wrong_cases`] holds any manifest to that). Its name and how plans reach the
//! engine come from the built-in manifest of the engine's kind.

use std::collections::BTreeMap;
use std::path::Path;

use switchyard_consumer::Manifest;
use switchyard_consumer::manifest::UnsupportedQuery;
use switchyard_router::measured_manifest::measured_manifest;
use switchyard_router::{Capabilities, PlanFeatures, Switchyard};

use crate::function_tests::{CaseOutcome, CaseRecord};
use crate::suites::Suite;

/// The features of every passing case's plan on `engine`.
pub fn passing_features<'a>(records: &'a [CaseRecord], engine: &str) -> Vec<&'a PlanFeatures> {
    records
        .iter()
        .filter(|record| record.engine == engine && record.outcome == CaseOutcome::Pass)
        .filter_map(|record| record.exercised.as_ref())
        .map(|exercised| exercised.0.as_ref())
        .collect()
}

/// The features of every function test case's plan that gave a wrong answer on `engine`:
/// each plan makes one call, so the case contradicts that call's claim.
pub fn wrong_function_cases<'a>(
    records: &'a [CaseRecord],
    engine: &str,
) -> Vec<(&'a CaseRecord, &'a PlanFeatures)> {
    let suite = Suite::SubstraitFunctions.to_string();
    records
        .iter()
        .filter(|record| record.engine == engine && record.suite == suite)
        .filter(|record| matches!(record.outcome, CaseOutcome::Fail { .. }))
        .filter_map(|record| Some((record, record.exercised.as_ref()?.0.as_ref())))
        .collect()
}

/// The function test cases that gave a wrong answer on `engine` and that `manifest` still
/// admits, as `file:line: difference`: what the router would send to the engine and get a
/// wrong answer back. Empty when the manifest holds to the evidence.
pub fn admitted_wrong_cases(
    manifest: &Manifest,
    records: &[CaseRecord],
    engine: &str,
) -> Result<Vec<String>, String> {
    let capabilities = Capabilities::from_manifest(manifest)?;
    Ok(wrong_function_cases(records, engine)
        .into_iter()
        .filter(|(_, features)| capabilities.missing(features).is_empty())
        .map(|(record, _)| {
            let difference = match &record.outcome {
                CaseOutcome::Fail { difference } => difference.as_str(),
                _ => "",
            };
            format!("{}:{}: {difference}", record.file, record.line)
        })
        .collect())
}

/// The TPC-H queries that did not pass on `engine`, each with the start of its error.
fn failed_tpch_queries(records: &[CaseRecord], engine: &str) -> Vec<UnsupportedQuery> {
    let tpch = Suite::Tpch.to_string();
    records
        .iter()
        .filter(|record| record.engine == engine && record.suite == tpch)
        .filter_map(|record| {
            let error = match &record.outcome {
                // An inconclusive case says nothing about the engine either way.
                CaseOutcome::Pass | CaseOutcome::Inconclusive { .. } => return None,
                CaseOutcome::Fail { difference } => format!("wrong result: {difference}"),
                CaseOutcome::Unsupported { reason } => reason.clone(),
                CaseOutcome::Error { message } => message.clone(),
            };
            Some(UnsupportedQuery {
                suite: tpch.clone(),
                query: record.function.trim_start_matches('q').to_string(),
                error: error.chars().take(160).collect(),
            })
        })
        .collect()
}

/// One measured manifest per engine in `engines`.
pub fn measured_manifests(
    switchyard: &Switchyard,
    records: &[CaseRecord],
    engines: &[String],
) -> Result<BTreeMap<String, Manifest>, String> {
    let mut manifests = BTreeMap::new();
    for name in engines {
        let engine = switchyard
            .engine_for(Some(name.as_str()))
            .map_err(|e| e.to_string())?;
        let base = Manifest::builtin(engine.kind())?;
        let passing = passing_features(records, name);
        let wrong: Vec<&PlanFeatures> = wrong_function_cases(records, name)
            .into_iter()
            .map(|(_, features)| features)
            .collect();
        let manifest =
            measured_manifest(&base, &passing, &wrong, failed_tpch_queries(records, name));
        manifests.insert(name.clone(), manifest);
    }
    Ok(manifests)
}

/// Writes each manifest to `dir/<engine>.yaml`, headed by a comment saying how it was made.
pub fn write_manifests(
    dir: &Path,
    manifests: &BTreeMap<String, Manifest>,
    records: &[CaseRecord],
    suites: &[Suite],
) -> Result<Vec<std::path::PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let suite_names: Vec<&str> = suites.iter().map(|suite| suite.name()).collect();
    let mut written = Vec::new();
    for (engine, manifest) in manifests {
        let passing = passing_features(records, engine).len();
        let yaml = serde_yaml::to_string(manifest).map_err(|e| format!("{engine}: {e}"))?;
        let text = format!(
            "# Measured by `switchyard conformance --write-manifests` on engine {engine}:\n\
             # what the plans of its {passing} passing cases use (suites: {}), nothing else.\n{yaml}",
            suite_names.join(", ")
        );
        let path = dir.join(format!("{engine}.yaml"));
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

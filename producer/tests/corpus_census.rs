//! Every Substrait JSON plan in the shared corpus through import and validation: none may
//! panic, each is either validated (with its warnings counted by class) or refused with a
//! reason, and the figures are printed for `docs/conformance.md`
//! (`cargo test -p switchyard-producer --test corpus_census -- --nocapture`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use switchyard_producer::import::declared_result_types;
use switchyard_producer::{Catalog, ValidatedPlan, import_json};

fn corpus() -> PathBuf {
    std::env::var_os("SWITCHYARD_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"))
}

/// Every `.json` file under `dir` whose top level has `relations`: a Substrait plan (the
/// corpus also holds test definitions and results as JSON).
fn plans(dir: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            plans(&path, found);
        } else if path.extension().is_some_and(|e| e == "json") {
            let is_plan = std::fs::read_to_string(&path)
                .ok()
                .and_then(|text| serde_json::from_str::<serde_json::Value>(&text).ok())
                .is_some_and(|v| v.get("relations").is_some());
            if is_plan {
                found.push(path);
            }
        }
    }
}

/// The first words of an error, so refusals group by reason.
fn reason_class(message: &str) -> String {
    let message = message
        .split_once(": ")
        .filter(|(head, _)| head.contains('/') || *head == "root")
        .map_or(message, |(_, tail)| tail);
    message
        .split_whitespace()
        .take(6)
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_corpus_plan_imports_and_validates_or_is_refused_with_a_reason() {
    let root = corpus();
    let mut found = Vec::new();
    plans(&root, &mut found);
    assert!(found.len() > 500, "the corpus holds {} plans", found.len());
    let catalog = Catalog::new();
    let mut validated = 0;
    let mut refused: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut warnings: BTreeMap<&'static str, Vec<String>> = BTreeMap::new();
    let mut repaired: Vec<String> = Vec::new();
    let mut repaired_calls = 0;
    for path in &found {
        let name = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string();
        let text = std::fs::read_to_string(path).expect("readable");
        let outcome = import_json(&text, &catalog)
            .map_err(|e| e.to_string())
            .and_then(|(plan, report)| {
                if let Some(pass) = report.pass(declared_result_types::NAME) {
                    repaired_calls += pass.changes;
                    repaired.push(format!("{name}: {}", pass.detail));
                }
                ValidatedPlan::new(plan).map_err(|e| e.to_string())
            });
        match outcome {
            Ok(plan) => {
                validated += 1;
                for warning in plan.warnings() {
                    warnings
                        .entry(warning.class.name())
                        .or_default()
                        .push(format!("{name}: {warning}"));
                }
            }
            Err(message) => {
                assert!(!message.is_empty(), "{name}: refused without a reason");
                refused
                    .entry(reason_class(&message))
                    .or_default()
                    .push(format!("{name}: {message}"));
            }
        }
    }
    println!("{} corpus plans: {validated} validated", found.len());
    for (reason, plans) in &refused {
        println!("refused ({}): {reason}", plans.len());
        for plan in plans.iter().take(12) {
            println!("    {plan}");
        }
    }
    for (class, found) in &warnings {
        println!("warning {class}: {}", found.len());
        for warning in found.iter().take(5) {
            println!("    {warning}");
        }
    }
    // Validation refuses a call whose declared type contradicts its extension's, so every
    // plan above that validated had none left after this pass.
    println!(
        "{}: {repaired_calls} calls repaired in {} plans",
        declared_result_types::NAME,
        repaired.len()
    );
    for line in &repaired {
        println!("    {line}");
    }
    assert!(
        validated * 10 >= found.len() * 9,
        "fewer than 90% of the corpus plans validate"
    );
}

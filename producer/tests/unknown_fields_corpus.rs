//! Every foreign plan in the shared corpus that imported before the unknown-field check still
//! imports, except the ones listed in [`REFUSED`], each refused for a field that really is
//! unknown to spec 0.85.
//!
//! The corpus (`../shared/corpus`, or `$SWITCHYARD_CORPUS`) holds plans from Isthmus, DuckDB
//! 1.1.3, DataFusion and ibis at many spec versions: JSON files (`*.json` whose top level has
//! `relations`) and DuckDB's binary plans (`*.pb`). Each goes through `import_plan_bytes`, as
//! the CLI and the service read plans.

use std::path::{Path, PathBuf};

use switchyard_producer::{Catalog, ProducerError, import_plan_bytes};

/// How many corpus plans imported before the check existed: all of them, 684 JSON and 15
/// binary (measured on this branch with both checks returning at once, 2026-12-07).
const IMPORTED_BEFORE: usize = 699;

/// Plans the check newly refuses: (file, path in the plan, unknown field). None today: the
/// only fields of older specs in the corpus are the extension URIs, which the import maps
/// (JSON) or drops with a note (binary, see [`BINARY_WITH_LEGACY_URIS`]), and the old join
/// type names, which `legacy_enums` respells. A genuine refusal added here must say why.
const REFUSED: &[(&str, &str, &str)] = &[];

/// DuckDB 1.1.3's binary TPC-H plans: spec 0.5x, so extension URIs by field number, which
/// spec 0.85 reserves. They import, with a note saying the URIs were dropped.
const BINARY_WITH_LEGACY_URIS: usize = 15;

fn corpus() -> PathBuf {
    std::env::var_os("SWITCHYARD_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus"),
        PathBuf::from,
    )
}

/// Plan files under `dir`, sorted: `*.pb`, and `*.json` whose top level is a plan.
fn plan_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            plan_files(&path, out);
            continue;
        }
        match path.extension().and_then(|ext| ext.to_str()) {
            Some("pb") => out.push(path),
            Some("json") => {
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let is_plan = serde_json::from_str::<serde_json::Value>(&text)
                    .ok()
                    .and_then(|value| value.get("relations").map(|_| ()))
                    .is_some();
                if is_plan {
                    out.push(path);
                }
            }
            _ => {}
        }
    }
}

#[test]
fn corpus_plans_that_imported_still_import() {
    let root = corpus();
    let mut files = Vec::new();
    plan_files(&root, &mut files);
    assert!(files.len() > 500, "only {} plan files found", files.len());

    let mut imported = 0;
    let mut with_notes = 0;
    let mut legacy_noted = 0;
    let mut injected_refused = 0;
    let mut refused = Vec::new();
    let mut failed_otherwise = 0;
    for path in &files {
        let name = path
            .strip_prefix(&root)
            .unwrap_or(path)
            .display()
            .to_string();
        let bytes = std::fs::read(path).expect("readable");
        match import_plan_bytes(&bytes, &Catalog::new()) {
            Ok((_, report)) => {
                imported += 1;
                if !report.notes.is_empty() {
                    with_notes += 1;
                    eprintln!("noted {name}: {}", report.notes.join("; "));
                }
                if report
                    .notes
                    .iter()
                    .any(|note| note.starts_with("extension_uris "))
                {
                    legacy_noted += 1;
                }
                // The check really reads this plan: the same plan with one key of a newer
                // spec in its first relation is refused, naming it.
                if let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(&bytes)
                    && let Some(relation) = value["relations"][0].as_object_mut()
                {
                    relation.insert("fromTheFuture".to_string(), serde_json::json!(1));
                    match import_plan_bytes(value.to_string().as_bytes(), &Catalog::new()) {
                        Err(ProducerError::UnknownField { path, field, .. })
                            if path == "relations[0]" && field == r#"field "fromTheFuture""# =>
                        {
                            injected_refused += 1;
                        }
                        other => panic!("{name} with an unknown key: {other:?}"),
                    }
                }
            }
            Err(ProducerError::UnknownField { path, field, .. }) => {
                eprintln!("refused {name}: {field} at {path}");
                refused.push((name, path, field));
            }
            Err(_) => failed_otherwise += 1,
        }
    }
    eprintln!(
        "{} plan files: {imported} imported ({with_notes} with notes), {} refused for unknown \
         fields, {failed_otherwise} failed for other reasons",
        files.len(),
        refused.len()
    );

    let expected: Vec<(String, String, String)> = REFUSED
        .iter()
        .map(|(file, path, field)| (file.to_string(), path.to_string(), field.to_string()))
        .collect();
    assert_eq!(refused, expected, "the refusals changed");
    assert_eq!(legacy_noted, BINARY_WITH_LEGACY_URIS);
    assert_eq!(
        injected_refused + BINARY_WITH_LEGACY_URIS,
        imported,
        "every imported JSON plan refused with an unknown key added"
    );
    assert_eq!(
        imported + REFUSED.len(),
        IMPORTED_BEFORE,
        "a plan that imported before the check no longer does (or a new one does: update \
         IMPORTED_BEFORE)"
    );
}

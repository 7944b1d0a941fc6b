//! Importing plans from other producers: parse leniently, then normalize with small named passes.
//!
//! Foreign plans (Isthmus, DuckDB, older DataFusion) differ from what Switchyard produces in
//! ways a strict decoder either rejects or silently loses. Each difference is fixed by one pass,
//! and the [`ImportReport`] says which passes changed what, so a surprising result can be traced
//! back to the rewrite that caused it.
//!
//! Unknown fields: the `substrait` crate's pbjson deserializers map every key they do not know
//! to `GeneratedField::__SkipField__` and discard its value (`IgnoredAny`), and prost skips
//! unknown field numbers, so neither decoder fails on them: they would be lost silently. So
//! fields older specs had and 0.85 renamed are mapped first ([`uris::extension_uris_to_urns`],
//! [`legacy_enums::legacy_enums`]), and then whatever is still unknown is refused
//! ([`crate::unknown_fields`]); what passed unchecked is listed in [`ImportReport::notes`].

pub mod boolean_results;
pub mod calls_mut;
pub mod compound_names;
pub mod declared_result_types;
pub mod enum_arguments;
pub mod grouping_set_index;
pub mod identifier_case;
pub mod legacy_enums;
pub mod project_emit;
pub mod read_filters;
pub mod read_types;
pub mod untyped_null_casts;
pub mod uris;
pub mod urns_by_name;

use datafusion_substrait::substrait::proto::Plan;
use serde_json::Value;

use crate::catalog::Catalog;
use crate::error::ProducerError;
use crate::plan_io::{MAX_PLAN_BYTES, PlanFormat, decode_checked};
use crate::plan_size::{MAX_PLAN_ELEMENTS, check_json_elements};
use crate::to_substrait::PRODUCER_NAME;
use crate::unknown_fields::{LegacyFields, check_plan_json};

/// What an import did to a plan.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// The producer the plan names in `version.producer`, if any.
    pub producer: Option<String>,
    /// The passes that changed something, in the order they ran.
    pub passes: Vec<AppliedPass>,
    /// What the unknown-field check let through without vouching for it: opaque `Any`
    /// payloads, unknown fields inside inert fields (hints, optimizations), the extension URIs
    /// of older binary plans ([`crate::unknown_fields`]).
    pub notes: Vec<String>,
}

impl ImportReport {
    /// The entry for the pass called `name`, if it changed anything.
    pub fn pass(&self, name: &str) -> Option<&AppliedPass> {
        self.passes.iter().find(|pass| pass.name == name)
    }
}

/// One normalization pass that changed the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedPass {
    /// The pass's name (each pass module's `NAME`).
    pub name: &'static str,
    /// How many fields or names it rewrote.
    pub changes: usize,
    /// A short human-readable summary.
    pub detail: String,
}

/// Parses a Substrait JSON plan from any producer and normalizes it for Switchyard.
///
/// Passes, in order: on the JSON, [`uris::extension_uris_to_urns`],
/// [`urns_by_name::urns_by_name`], [`legacy_enums::legacy_enums`], then the unknown-field
/// check ([`check_plan_json`]: what the passes so far did not map is refused), then
/// [`read_filters::read_filters`], [`project_emit::project_emit`],
/// [`grouping_set_index::grouping_set_index`],
/// [`identifier_case::identifier_case`] and [`read_types::read_types`] (both against
/// `catalog`), [`untyped_null_casts::untyped_null_casts`], [`boolean_results::boolean_results`], [`enum_arguments::enum_arguments`];
/// after decoding,
/// [`compound_names::compound_function_names`] and
/// [`declared_result_types::declared_result_types`]. The result is not
/// validated; pass it to [`ValidatedPlan::new`](crate::ValidatedPlan::new).
pub fn import_json(text: &str, catalog: &Catalog) -> Result<(Plan, ImportReport), ProducerError> {
    if text.len() > MAX_PLAN_BYTES {
        return Err(ProducerError::Decode(format!(
            "plan is {} bytes, over the {MAX_PLAN_BYTES}-byte limit",
            text.len()
        )));
    }
    check_json_elements(text.as_bytes(), MAX_PLAN_ELEMENTS)?;
    let mut value: Value =
        serde_json::from_str(text).map_err(|e| ProducerError::Decode(format!("not JSON: {e}")))?;
    if !value.is_object() {
        return Err(ProducerError::Decode(
            "a Substrait JSON plan is a JSON object".to_string(),
        ));
    }
    let mut passes = Vec::new();
    let changes = uris::extension_uris_to_urns(&mut value);
    record(
        &mut passes,
        uris::NAME,
        changes,
        "extension URIs and URI references rewritten as URNs",
    );
    normalize(value, catalog, passes, Origin::Json)
}

/// Reads a plan in either encoding (see [`PlanFormat::detect`]) from any producer and
/// normalizes it as [`import_json`] does.
///
/// A binary plan is checked for unknown fields on its raw bytes first (for Switchyard's own
/// plans too). Its extension URIs (spec 0.85 has no such fields) are dropped with a note, so
/// the URN pass cannot apply to it; its functions still resolve by name. Binary plans
/// Switchyard made itself are returned as decoded.
pub fn import_plan_bytes(
    bytes: &[u8],
    catalog: &Catalog,
) -> Result<(Plan, ImportReport), ProducerError> {
    if PlanFormat::detect(bytes) == PlanFormat::Json {
        let text = std::str::from_utf8(bytes)
            .map_err(|e| ProducerError::Decode(format!("JSON plan is not UTF-8: {e}")))?;
        return import_json(text, catalog);
    }
    let (plan, notes) = decode_checked(bytes, PlanFormat::Binary, LegacyFields::Note)?;
    let producer = plan.version.as_ref().map(|v| v.producer.as_str());
    if producer == Some(PRODUCER_NAME) {
        // Our own plans name the catalog as it is; skip the round trip through JSON.
        let report = ImportReport {
            producer: producer.map(str::to_owned),
            passes: Vec::new(),
            notes,
        };
        return Ok((plan, report));
    }
    let value = serde_json::to_value(&plan)
        .map_err(|e| ProducerError::Encode(format!("plan as JSON: {e}")))?;
    normalize(value, catalog, Vec::new(), Origin::Binary { notes })
}

/// Where the JSON value [`normalize`] works on came from.
enum Origin {
    /// The plan's own JSON: not yet checked for unknown fields.
    Json,
    /// A decoded binary plan, checked on its bytes (with the check's notes): decoding kept only
    /// known fields, so there is nothing left to check.
    Binary { notes: Vec<String> },
}

/// The passes common to every encoding: names and read types on the JSON, then decoding and
/// the passes on the decoded plan.
fn normalize(
    mut value: Value,
    catalog: &Catalog,
    mut passes: Vec<AppliedPass>,
    origin: Origin,
) -> Result<(Plan, ImportReport), ProducerError> {
    let changes = urns_by_name::urns_by_name(&mut value);
    record(
        &mut passes,
        urns_by_name::NAME,
        changes,
        "functions without a usable URN placed in their standard extension",
    );

    let changes = legacy_enums::legacy_enums(&mut value);
    record(
        &mut passes,
        legacy_enums::NAME,
        changes,
        "renamed enum values respelled",
    );

    // After the passes that map older specs' fields and values, before the passes that move
    // things around (so a refusal's path is the plan's own), and before decoding drops anything.
    let notes = match origin {
        Origin::Json => check_plan_json(&value)?,
        Origin::Binary { notes } => notes,
    };

    let changes = read_filters::read_filters(&mut value);
    record(
        &mut passes,
        read_filters::NAME,
        changes,
        "read filters moved into filter relations",
    );

    let changes = project_emit::project_emit(&mut value);
    record(
        &mut passes,
        project_emit::NAME,
        changes,
        "projections without emit given the expressions-only emit their producer meant",
    );

    let changes = grouping_set_index::grouping_set_index(&mut value);
    record(
        &mut passes,
        grouping_set_index::NAME,
        changes,
        "grouping-set aggregates whose root names leave out the set index given the emit that drops it",
    );

    let changes = identifier_case::identifier_case(&mut value, catalog);
    record(
        &mut passes,
        identifier_case::NAME,
        changes,
        "table and column names respelled to the catalog's case",
    );

    let changes = read_types::read_types(&mut value, catalog)?;
    record(
        &mut passes,
        read_types::NAME,
        changes,
        "read column types replaced by the catalog's",
    );

    let changes = untyped_null_casts::untyped_null_casts(&mut value);
    record(
        &mut passes,
        untyped_null_casts::NAME,
        changes,
        "untyped null literals given the type they are cast to",
    );

    let changes = boolean_results::boolean_results(&mut value);
    record(
        &mut passes,
        boolean_results::NAME,
        changes,
        "predicate output types set to boolean",
    );

    let changes = enum_arguments::enum_arguments(&mut value);
    record(
        &mut passes,
        enum_arguments::NAME,
        changes,
        "extract calls with an enum component rewritten as date_part",
    );

    let mut plan: Plan = serde_json::from_value(value)
        .map_err(|e| ProducerError::Decode(format!("not a Substrait JSON plan: {e}")))?;

    let changes = compound_names::compound_function_names(&mut plan);
    record(
        &mut passes,
        compound_names::NAME,
        changes,
        "signatures stripped from compound function names",
    );

    // Last: it types the plan with the walk, which needs the names and types settled above.
    let repairs = declared_result_types::declared_result_types(&mut plan);
    if repairs.count() > 0 {
        passes.push(AppliedPass {
            name: declared_result_types::NAME,
            changes: repairs.count(),
            detail: repairs.summary(),
        });
    }

    let producer = plan
        .version
        .as_ref()
        .map(|version| version.producer.clone())
        .filter(|producer| !producer.is_empty());
    Ok((
        plan,
        ImportReport {
            producer,
            passes,
            notes,
        },
    ))
}

/// Adds an entry for pass `name` to `passes` if it changed anything: "`changes` `what`".
pub(crate) fn record(
    passes: &mut Vec<AppliedPass>,
    name: &'static str,
    changes: usize,
    what: &str,
) {
    if changes > 0 {
        passes.push(AppliedPass {
            name,
            changes,
            detail: format!("{changes} {what}"),
        });
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use datafusion_substrait::substrait::proto::extensions::simple_extension_declaration::MappingType;

    use super::{compound_names, identifier_case, import_json, uris};
    use crate::catalog::Catalog;
    use crate::validated::ValidatedPlan;

    const ISTHMUS_TPCH: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/datafusion-substrait/tests/testdata/tpch_substrait_plans"
    );

    #[test]
    fn imports_a_small_isthmus_style_plan() {
        let text = r#"{
            "version": { "minorNumber": 54, "producer": "isthmus" },
            "extensionUris": [{ "extensionUriAnchor": 1, "uri": "/functions_arithmetic.yaml" }],
            "extensions": [{ "extensionFunction": {
                "extensionUriReference": 1, "functionAnchor": 0, "name": "add:i64_i64"
            } }],
            "relations": [{ "root": { "input": { "read": {
                "baseSchema": { "names": ["A"], "struct": { "types": [
                    { "i64": { "nullability": "NULLABILITY_REQUIRED" } }
                ] } },
                "namedTable": { "names": ["T"] }
            } }, "names": ["A"] } }]
        }"#;
        let (plan, report) = import_json(text, &Catalog::new()).expect("imports");
        assert_eq!(report.producer.as_deref(), Some("isthmus"));
        assert_eq!(report.pass(uris::NAME).map(|p| p.changes), Some(2));
        assert_eq!(
            report.pass(compound_names::NAME).map(|p| p.changes),
            Some(1)
        );
        // Nothing is in the catalog, so no names are respelled.
        assert!(report.pass(identifier_case::NAME).is_none());
        assert_eq!(plan.extension_urns.len(), 1);
        assert_eq!(plan.extension_urns[0].extension_urn_anchor, 1);
        assert_eq!(
            plan.extension_urns[0].urn,
            "extension:io.substrait:functions_arithmetic"
        );
        match plan.extensions[0].mapping_type.as_ref() {
            Some(MappingType::ExtensionFunction(f)) => {
                assert_eq!(f.name, "add");
                assert_eq!(f.extension_urn_reference, 1);
            }
            other => panic!("expected an extension function, got {other:?}"),
        }
        ValidatedPlan::new(plan).expect("the imported plan validates");
    }

    #[test]
    fn rejects_what_is_not_a_plan() {
        assert!(import_json("not json", &Catalog::new()).is_err());
        assert!(import_json("[1, 2]", &Catalog::new()).is_err());
        assert!(import_json(r#"{ "relations": 3 }"#, &Catalog::new()).is_err());
    }

    #[test]
    fn imports_every_isthmus_tpch_plan() {
        let mut entries: Vec<_> = std::fs::read_dir(Path::new(ISTHMUS_TPCH))
            .expect("the shared corpus is beside the project")
            .map(|entry| entry.expect("directory entry").path())
            .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
            .collect();
        entries.sort();
        let mut imported = 0;
        for path in &entries {
            let text = std::fs::read_to_string(path).expect("readable plan");
            // Query 15 is a placeholder: the file holds just `{}`.
            let trimmed = text.trim();
            if trimmed.is_empty() || trimmed == "{}" {
                continue;
            }
            let had_uris = text.contains("\"extensionUris\"");
            let (plan, report) = import_json(&text, &Catalog::new())
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            if had_uris {
                assert!(
                    report.pass(uris::NAME).is_some(),
                    "{}: URIs not converted",
                    path.display()
                );
                assert!(!plan.extension_urns.is_empty(), "{}", path.display());
            }
            ValidatedPlan::new(plan).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            imported += 1;
        }
        assert_eq!(imported, 21, "21 of Isthmus's 22 TPC-H plans are real");
    }
}

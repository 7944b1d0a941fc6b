//! `urns_by_name`: places functions whose extension cannot be told from the plan.
//!
//! DuckDB 1.1.3 declares every function under one URI, the extensions *folder*
//! (`https://github.com/substrait-io/substrait/blob/main/extensions/`), which names no file and
//! so no URN; DataFusion's producer declares functions with no URN at all. Switchyard's
//! manifests match functions by URN and name, so such declarations are pointed at the standard
//! file that defines the function
//! ([`standard_extension_for`](crate::standard_functions::standard_extension_for)). Functions it
//! does not know keep their reference; capability checks then report them as they are.

use serde_json::{Map, Value, json};

use crate::standard_functions::standard_extension_for;

/// The pass's name in an [`ImportReport`](super::ImportReport).
pub const NAME: &str = "urns_by_name";

/// Points every function declaration without a usable URN at the standard extension that
/// defines its name; returns how many declarations changed. Runs after
/// [`extension_uris_to_urns`](super::uris::extension_uris_to_urns).
pub fn urns_by_name(plan: &mut Value) -> usize {
    let Some(root) = plan.as_object_mut() else {
        return 0;
    };
    let mut urns: Vec<(u64, String)> = root
        .get("extensionUrns")
        .and_then(Value::as_array)
        .map(|urns| {
            urns.iter()
                .filter_map(|urn| {
                    let anchor = urn
                        .get("extensionUrnAnchor")
                        .and_then(Value::as_u64)
                        .unwrap_or(0);
                    Some((anchor, urn.get("urn")?.as_str()?.to_string()))
                })
                .collect()
        })
        .unwrap_or_default();
    let before = urns.len();
    let mut changes = 0;
    if let Some(Value::Array(declarations)) = root.get_mut("extensions") {
        for declaration in declarations.iter_mut().filter_map(Value::as_object_mut) {
            if let Some(Value::Object(function)) = declaration.get_mut("extensionFunction") {
                changes += place(function, &mut urns);
            }
        }
    }
    if urns.len() > before {
        let entries: Vec<Value> = urns
            .iter()
            .map(|(anchor, urn)| json!({ "extensionUrnAnchor": anchor, "urn": urn }))
            .collect();
        root.insert("extensionUrns".to_string(), Value::Array(entries));
    }
    changes
}

fn place(function: &mut Map<String, Value>, urns: &mut Vec<(u64, String)>) -> usize {
    let reference = function
        .get("extensionUrnReference")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let usable = urns
        .iter()
        .any(|(anchor, urn)| *anchor == reference && urn.starts_with("extension:"));
    if usable {
        return 0;
    }
    let name = function
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let Some(stem) = standard_extension_for(name) else {
        return 0;
    };
    let urn = format!("extension:io.substrait:{stem}");
    let anchor = match urns.iter().find(|(_, known)| *known == urn) {
        Some((anchor, _)) => *anchor,
        None => {
            let anchor = urns.iter().map(|(anchor, _)| anchor + 1).max().unwrap_or(1);
            urns.push((anchor, urn));
            anchor
        }
    };
    function.insert("extensionUrnReference".to_string(), Value::from(anchor));
    1
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::urns_by_name;

    #[test]
    fn places_functions_declared_under_a_folder_uri() {
        let folder = "https://github.com/substrait-io/substrait/blob/main/extensions/";
        let mut plan = json!({
            "extensionUrns": [
                { "extensionUrnAnchor": 1, "urn": folder },
                { "extensionUrnAnchor": 2, "urn": "extension:io.substrait:functions_string" }
            ],
            "extensions": [
                { "extensionFunction": { "extensionUrnReference": 1, "functionAnchor": 0, "name": "lt:dec_dec" } },
                { "extensionFunction": { "extensionUrnReference": 2, "functionAnchor": 1, "name": "like" } },
                { "extensionFunction": { "extensionUrnReference": 1, "functionAnchor": 2, "name": "gte" } },
                { "extensionFunction": { "extensionUrnReference": 1, "functionAnchor": 3, "name": "duckdb_only" } },
                { "extensionFunction": { "functionAnchor": 4, "name": "sum" } }
            ]
        });
        assert_eq!(urns_by_name(&mut plan), 3);
        assert_eq!(
            plan["extensionUrns"],
            json!([
                { "extensionUrnAnchor": 1, "urn": folder },
                { "extensionUrnAnchor": 2, "urn": "extension:io.substrait:functions_string" },
                { "extensionUrnAnchor": 3, "urn": "extension:io.substrait:functions_comparison" },
                { "extensionUrnAnchor": 4, "urn": "extension:io.substrait:functions_arithmetic" }
            ])
        );
        let reference =
            |i: usize| plan["extensions"][i]["extensionFunction"]["extensionUrnReference"].clone();
        assert_eq!(
            [
                reference(0),
                reference(1),
                reference(2),
                reference(3),
                reference(4)
            ],
            [json!(3), json!(2), json!(3), json!(1), json!(4)]
        );
        assert_eq!(urns_by_name(&mut plan), 0);
    }
}

//! `extension_uris_to_urns`: rewrites pre-0.85 extension URIs as spec 0.85 URNs, on the JSON.
//!
//! This has to run on the JSON value, before deserializing: the `substrait` crate (spec 0.85)
//! has no URI fields, and its deserializer silently skips unknown keys, so `extensionUris` and
//! `extensionUriReference` would vanish and every declaration would point at URN anchor 0.

use serde_json::{Map, Value, json};

/// The pass's name in an [`ImportReport`](super::ImportReport).
pub const NAME: &str = "extension_uris_to_urns";

/// The URN for an extension URI: `extension:io.substrait:<file stem>`.
///
/// Both forms producers write are accepted: a full URL
/// (`https://github.com/substrait-io/substrait/blob/main/extensions/functions_arithmetic.yaml`)
/// and a bare path (`/functions_arithmetic.yaml`). A value that already is a URN is kept.
pub fn uri_to_urn(uri: &str) -> String {
    if uri.starts_with("extension:") {
        return uri.to_string();
    }
    let without_suffix = uri.split(['?', '#']).next().unwrap_or(uri);
    let file = without_suffix
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(without_suffix);
    let stem = file
        .strip_suffix(".yaml")
        .or_else(|| file.strip_suffix(".yml"))
        .unwrap_or(file);
    if stem.is_empty() {
        // Nothing to derive a name from; keeping the text is better than an empty URN.
        return uri.to_string();
    }
    format!("extension:io.substrait:{stem}")
}

/// Moves `extensionUris` to `extensionUrns` and renames every declaration's
/// `extensionUriReference` to `extensionUrnReference`; returns how many entries changed.
///
/// If the plan already declares URNs (producers in the migration period wrote both), the URIs
/// and URI references are dropped instead: the URN side is authoritative.
pub fn extension_uris_to_urns(plan: &mut Value) -> usize {
    let Some(root) = plan.as_object_mut() else {
        return 0;
    };
    let has_urns = ["extensionUrns", "extension_urns"].iter().any(|key| {
        root.get(*key)
            .and_then(Value::as_array)
            .is_some_and(|urns| !urns.is_empty())
    });
    let mut changes = 0;
    for key in ["extensionUris", "extension_uris"] {
        let Some(uris) = root.remove(key) else {
            continue;
        };
        let uris = match uris {
            Value::Array(uris) => uris,
            _ => continue,
        };
        changes += uris.len();
        if has_urns {
            continue;
        }
        let urns: Vec<Value> = uris
            .iter()
            .filter_map(Value::as_object)
            .map(|uri| {
                let anchor = field(uri, "extensionUriAnchor", "extension_uri_anchor")
                    .cloned()
                    .unwrap_or_else(|| Value::from(0));
                let text = uri.get("uri").and_then(Value::as_str).unwrap_or_default();
                json!({ "extensionUrnAnchor": anchor, "urn": uri_to_urn(text) })
            })
            .collect();
        match root.get_mut("extensionUrns").and_then(Value::as_array_mut) {
            Some(existing) => existing.extend(urns),
            None => {
                root.insert("extensionUrns".to_string(), Value::Array(urns));
            }
        }
    }
    if let Some(Value::Array(declarations)) = root.get_mut("extensions") {
        for declaration in declarations.iter_mut().filter_map(Value::as_object_mut) {
            // A declaration is `{ "<mapping kind>": { ... } }`.
            for mapping in declaration.values_mut().filter_map(Value::as_object_mut) {
                changes += rename_reference(mapping, has_urns);
            }
        }
    }
    changes
}

fn field<'a>(object: &'a Map<String, Value>, camel: &str, snake: &str) -> Option<&'a Value> {
    object.get(camel).or_else(|| object.get(snake))
}

fn rename_reference(mapping: &mut Map<String, Value>, drop_only: bool) -> usize {
    let mut changes = 0;
    for key in ["extensionUriReference", "extension_uri_reference"] {
        let Some(reference) = mapping.remove(key) else {
            continue;
        };
        changes += 1;
        let has_urn_reference = mapping.contains_key("extensionUrnReference")
            || mapping.contains_key("extension_urn_reference");
        if !drop_only && !has_urn_reference {
            mapping.insert("extensionUrnReference".to_string(), reference);
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{extension_uris_to_urns, uri_to_urn};

    #[test]
    fn urns_come_from_the_file_stem() {
        assert_eq!(
            uri_to_urn(
                "https://github.com/substrait-io/substrait/blob/main/extensions/functions_arithmetic.yaml"
            ),
            "extension:io.substrait:functions_arithmetic"
        );
        assert_eq!(
            uri_to_urn("/functions_datetime.yaml"),
            "extension:io.substrait:functions_datetime"
        );
        assert_eq!(
            uri_to_urn("extension:io.substrait:functions_string"),
            "extension:io.substrait:functions_string"
        );
    }

    #[test]
    fn moves_uris_and_renames_references() {
        let mut plan = json!({
            "extensionUris": [
                { "extensionUriAnchor": 1, "uri": "/functions_datetime.yaml" },
                { "extensionUriAnchor": 2, "uri": "/functions_arithmetic.yaml" }
            ],
            "extensions": [
                { "extensionFunction": { "extensionUriReference": 1, "name": "lte:date_date" } },
                { "extensionFunction": {
                    "extensionUriReference": 2, "functionAnchor": 1, "name": "add:i64_i64"
                } }
            ],
            "relations": []
        });
        assert_eq!(extension_uris_to_urns(&mut plan), 4);
        assert_eq!(
            plan,
            json!({
                "extensionUrns": [
                    { "extensionUrnAnchor": 1, "urn": "extension:io.substrait:functions_datetime" },
                    { "extensionUrnAnchor": 2, "urn": "extension:io.substrait:functions_arithmetic" }
                ],
                "extensions": [
                    { "extensionFunction": { "extensionUrnReference": 1, "name": "lte:date_date" } },
                    { "extensionFunction": {
                        "extensionUrnReference": 2, "functionAnchor": 1, "name": "add:i64_i64"
                    } }
                ],
                "relations": []
            })
        );
    }

    #[test]
    fn existing_urns_win() {
        let mut plan = json!({
            "extensionUris": [{ "extensionUriAnchor": 1, "uri": "/functions_string.yaml" }],
            "extensionUrns": [{ "extensionUrnAnchor": 7, "urn": "extension:io.substrait:functions_string" }],
            "extensions": [{ "extensionFunction": {
                "extensionUriReference": 1, "extensionUrnReference": 7, "name": "concat"
            } }]
        });
        assert_eq!(extension_uris_to_urns(&mut plan), 2);
        assert_eq!(
            plan,
            json!({
                "extensionUrns": [{ "extensionUrnAnchor": 7, "urn": "extension:io.substrait:functions_string" }],
                "extensions": [{ "extensionFunction": { "extensionUrnReference": 7, "name": "concat" } }]
            })
        );
    }

    #[test]
    fn plans_without_uris_are_untouched() {
        let mut plan = json!({
            "extensionUrns": [{ "extensionUrnAnchor": 1, "urn": "extension:io.substrait:functions_string" }],
            "extensions": [{ "extensionFunction": { "extensionUrnReference": 1, "name": "concat" } }]
        });
        let before = plan.clone();
        assert_eq!(extension_uris_to_urns(&mut plan), 0);
        assert_eq!(plan, before);
    }
}

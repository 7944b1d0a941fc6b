//! `extension_uris`: declares each extension by URI, as consumers before spec 0.85 expect.
//!
//! Acero resolves a function by (extension URI, name) and knows only the standard extension
//! files under their GitHub URLs. A spec 0.85 plan names extensions by URN
//! (`extension:io.substrait:functions_arithmetic`) or, as DataFusion's producer does, not at all
//! (every declaration points at an undeclared URN anchor). URNs of standard extensions become
//! the standard URL; declarations without one are placed by name in the standard extension
//! file that defines the function
//! ([`standard_extension_of`](crate::standard_functions::standard_extension_of)).

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::standard_functions::standard_extension_of;

/// The pass's name in an export report.
pub const NAME: &str = "extension_uris";

/// Where the spec's own extension files live, as pre-URN producers wrote them.
pub const STANDARD_URI_PREFIX: &str =
    "https://github.com/substrait-io/substrait/blob/main/extensions/";

/// The URI an older consumer knows for a URN (standard extensions), else the URN itself.
pub fn urn_to_uri(urn: &str) -> String {
    match urn.strip_prefix("extension:io.substrait:") {
        Some(stem) => format!("{STANDARD_URI_PREFIX}{stem}.yaml"),
        None => urn.to_string(),
    }
}

/// Replaces `extensionUrns` with `extensionUris` and each declaration's URN reference with a
/// URI reference; returns how many declarations were given a URI.
///
/// A declaration whose URN is undeclared and whose name is not a standard function gets the
/// URI `unresolved:NAME`, so the consumer's error names what it could not find.
pub fn extension_uris(plan: &mut Value) -> usize {
    let Some(root) = plan.as_object_mut() else {
        return 0;
    };
    let urns: BTreeMap<u64, String> = root
        .remove("extensionUrns")
        .and_then(|urns| match urns {
            Value::Array(urns) => Some(urns),
            _ => None,
        })
        .unwrap_or_default()
        .iter()
        .filter_map(|urn| {
            let anchor = urn.get("extensionUrnAnchor").and_then(Value::as_u64)?;
            let text = urn.get("urn").and_then(Value::as_str)?;
            Some((anchor, text.to_string()))
        })
        .collect();
    let mut uris: Vec<String> = Vec::new();
    let mut changes = 0;
    if let Some(Value::Array(declarations)) = root.get_mut("extensions") {
        for declaration in declarations.iter_mut().filter_map(Value::as_object_mut) {
            for inner in declaration.values_mut().filter_map(Value::as_object_mut) {
                let uri = uri_for(inner, &urns);
                let anchor = match uris.iter().position(|known| *known == uri) {
                    Some(index) => index + 1,
                    None => {
                        uris.push(uri);
                        uris.len()
                    }
                };
                inner.remove("extensionUrnReference");
                inner.insert("extensionUriReference".to_string(), Value::from(anchor));
                changes += 1;
            }
        }
    }
    if !uris.is_empty() {
        let entries = uris
            .iter()
            .enumerate()
            .map(|(index, uri)| json!({ "extensionUriAnchor": index + 1, "uri": uri }))
            .collect();
        root.insert("extensionUris".to_string(), Value::Array(entries));
    }
    changes
}

fn uri_for(declaration: &Map<String, Value>, urns: &BTreeMap<u64, String>) -> String {
    let declared = declaration
        .get("extensionUrnReference")
        .and_then(Value::as_u64)
        .or(Some(0))
        .and_then(|reference| urns.get(&reference));
    if let Some(urn) = declared {
        return urn_to_uri(urn);
    }
    let name = declaration
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default();
    match standard_extension_of(name) {
        Some(stem) => format!("{STANDARD_URI_PREFIX}{stem}.yaml"),
        None => format!("unresolved:{name}"),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{STANDARD_URI_PREFIX, extension_uris};

    #[test]
    fn declares_urns_and_unanchored_functions_by_uri() {
        let mut plan = json!({
            "extensionUrns": [{ "extensionUrnAnchor": 7, "urn": "extension:io.substrait:functions_string" }],
            "extensions": [
                { "extensionFunction": { "extensionUrnReference": 7, "functionAnchor": 0, "name": "like" } },
                { "extensionFunction": { "extensionUrnReference": 4294967295u64, "functionAnchor": 1, "name": "lte" } },
                { "extensionFunction": { "extensionUrnReference": 4294967295u64, "functionAnchor": 2, "name": "sum" } },
                { "extensionFunction": { "extensionUrnReference": 4294967295u64, "functionAnchor": 3, "name": "my_udf" } },
                { "extensionFunction": { "extensionUrnReference": 4294967295u64, "functionAnchor": 4, "name": "gt" } }
            ]
        });
        assert_eq!(extension_uris(&mut plan), 5);
        let uri = |stem: &str| format!("{STANDARD_URI_PREFIX}{stem}.yaml");
        assert_eq!(
            plan["extensionUris"],
            json!([
                { "extensionUriAnchor": 1, "uri": uri("functions_string") },
                { "extensionUriAnchor": 2, "uri": uri("functions_comparison") },
                { "extensionUriAnchor": 3, "uri": uri("functions_arithmetic") },
                { "extensionUriAnchor": 4, "uri": "unresolved:my_udf" }
            ])
        );
        let references: Vec<_> = (0..5)
            .map(|i| plan["extensions"][i]["extensionFunction"]["extensionUriReference"].clone())
            .collect();
        assert_eq!(
            references,
            vec![json!(1), json!(2), json!(3), json!(4), json!(2)]
        );
        assert!(plan.get("extensionUrns").is_none());
        assert!(
            plan["extensions"][0]["extensionFunction"]
                .get("extensionUrnReference")
                .is_none()
        );
    }
}

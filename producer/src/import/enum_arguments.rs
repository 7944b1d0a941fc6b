//! `enum_arguments`: rewrites `extract(YEAR, x)` with an enum argument as `date_part('year', x)`.
//!
//! The standard `extract` takes the component as an enum argument (`{"enum": "YEAR"}`), as
//! Isthmus writes it. DataFusion's consumer reads only value arguments ("Function argument
//! non-Value type not supported") and knows the function as `date_part(text, x)`, which is also
//! what its producer writes, so the call is redeclared under that name with the component as a
//! string literal.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::json_walk::for_each_object;

/// The pass's name in an [`ImportReport`](super::ImportReport).
pub const NAME: &str = "enum_arguments";

/// Rewrites every `extract` call whose first argument is an enum; returns how many changed.
pub fn enum_arguments(plan: &mut Value) -> usize {
    let Some(root) = plan.as_object_mut() else {
        return 0;
    };
    let declarations = function_declarations(root);
    let extract_anchors: Vec<u64> = declarations
        .iter()
        .filter(|(_, (name, _))| name.split(':').next() == Some("extract"))
        .map(|(anchor, _)| *anchor)
        .collect();
    if extract_anchors.is_empty() {
        return 0;
    }
    let date_part = declarations
        .iter()
        .find(|(_, (name, _))| name == "date_part")
        .map(|(anchor, _)| *anchor);
    let date_part = date_part.unwrap_or_else(|| {
        let anchor = declarations.keys().max().map_or(0, |max| max + 1);
        // Same extension as `extract`, so capability checks see a datetime function.
        let urn_reference = declarations
            .get(&extract_anchors[0])
            .map_or(Value::from(0), |(_, urn)| urn.clone());
        if let Some(Value::Array(extensions)) = root.get_mut("extensions") {
            extensions.push(json!({ "extensionFunction": {
                "extensionUrnReference": urn_reference,
                "functionAnchor": anchor,
                "name": "date_part"
            } }));
        }
        anchor
    });
    let mut changes = 0;
    if let Some(relations) = root.get_mut("relations") {
        for_each_object(relations, &mut |object| {
            if let Some(Value::Object(call)) = object.get_mut("scalarFunction") {
                rewrite(call, &extract_anchors, date_part, &mut changes);
            }
        });
    }
    if changes == 0 {
        // Nothing used the declaration just added; leave the plan as it was.
        if let Some(Value::Array(extensions)) = root.get_mut("extensions")
            && !declarations.contains_key(&date_part)
        {
            extensions.pop();
        }
    }
    changes
}

/// Function anchor → (name, URN reference) of every function declaration.
fn function_declarations(root: &Map<String, Value>) -> BTreeMap<u64, (String, Value)> {
    root.get("extensions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|declaration| declaration.get("extensionFunction"))
        .map(|function| {
            let anchor = function
                .get("functionAnchor")
                .and_then(Value::as_u64)
                .unwrap_or(0);
            let name = function
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string();
            let urn = function
                .get("extensionUrnReference")
                .cloned()
                .unwrap_or_else(|| Value::from(0));
            (anchor, (name, urn))
        })
        .collect()
}

fn rewrite(call: &mut Map<String, Value>, extract: &[u64], date_part: u64, changes: &mut usize) {
    let reference = call
        .get("functionReference")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if !extract.contains(&reference) {
        return;
    }
    let Some(Value::Array(arguments)) = call.get_mut("arguments") else {
        return;
    };
    let Some(component) = arguments
        .first()
        .and_then(|first| first.get("enum"))
        .and_then(Value::as_str)
        .map(str::to_lowercase)
    else {
        return;
    };
    arguments[0] = json!({ "value": { "literal": { "string": component } } });
    call.insert("functionReference".to_string(), Value::from(date_part));
    *changes += 1;
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::enum_arguments;

    fn extract_call(component: &str) -> serde_json::Value {
        json!({ "scalarFunction": {
            "functionReference": 4,
            "arguments": [{ "enum": component }, { "value": { "selection": {} } }]
        } })
    }

    #[test]
    fn redeclares_extract_with_enum_as_date_part() {
        let mut plan = json!({
            "extensions": [{ "extensionFunction": {
                "extensionUrnReference": 2, "functionAnchor": 4, "name": "extract:req_date"
            } }],
            "relations": [{ "root": { "input": { "project": {
                "expressions": [extract_call("YEAR"), extract_call("MONTH")]
            } } } }]
        });
        assert_eq!(enum_arguments(&mut plan), 2);
        assert_eq!(
            plan["extensions"][1],
            json!({ "extensionFunction": {
                "extensionUrnReference": 2, "functionAnchor": 5, "name": "date_part"
            } })
        );
        let first = &plan["relations"][0]["root"]["input"]["project"]["expressions"][0];
        assert_eq!(first["scalarFunction"]["functionReference"], 5);
        assert_eq!(
            first["scalarFunction"]["arguments"][0],
            json!({ "value": { "literal": { "string": "year" } } })
        );
        assert_eq!(enum_arguments(&mut plan), 0);
    }

    #[test]
    fn leaves_value_arguments_alone() {
        let mut plan = json!({
            "extensions": [{ "extensionFunction": { "functionAnchor": 4, "name": "extract" } }],
            "relations": [{ "root": { "input": { "scalarFunction": {
                "functionReference": 4,
                "arguments": [{ "value": { "literal": { "string": "year" } } }]
            } } } }]
        });
        let before = plan.clone();
        assert_eq!(enum_arguments(&mut plan), 0);
        assert_eq!(plan, before);
    }
}

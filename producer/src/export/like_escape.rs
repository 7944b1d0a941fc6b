//! `like_escape`: drops the null escape character DataFusion passes to every `like`.
//!
//! DataFusion's producer writes `x LIKE p` as `like(x, p, NULL)`: the third argument is the
//! escape character, null when the SQL names none. The spec's `like` has two arguments, and
//! DuckDB 1.1.3 finds no three-argument `~~` ("No function matches the given name and argument
//! types '~~(VARCHAR, STRING_LITERAL, "NULL")'"). A null escape means "no escape character",
//! which is what the two-argument form means, so the argument goes. A real escape character
//! is kept: dropping it would change which rows match.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::json_walk::for_each_object;

/// The pass's name in an export report.
pub const NAME: &str = "like_escape";

/// Removes a null third argument from every `like` and `ilike` call; returns how many calls
/// changed.
pub fn like_escape(plan: &mut Value) -> usize {
    let anchors = like_anchors(plan);
    if anchors.is_empty() {
        return 0;
    }
    let mut changes = 0;
    for_each_object(plan, &mut |object| {
        let Some(Value::Object(call)) = object.get_mut("scalarFunction") else {
            return;
        };
        let reference = call
            .get("functionReference")
            .and_then(Value::as_u64)
            .unwrap_or(0);
        if !anchors.contains(&reference) {
            return;
        }
        if let Some(Value::Array(arguments)) = call.get_mut("arguments")
            && arguments.len() == 3
            && is_null_literal(&arguments[2])
        {
            arguments.pop();
            changes += 1;
        }
    });
    changes
}

/// The anchors of the plan's `like` and `ilike` declarations (compound names included).
fn like_anchors(plan: &Value) -> BTreeSet<u64> {
    plan.get("extensions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|declaration| declaration.get("extensionFunction"))
        .filter(|function| {
            let name = function.get("name").and_then(Value::as_str).unwrap_or("");
            let base = name.split(':').next().unwrap_or(name);
            base == "like" || base == "ilike"
        })
        .map(|function| {
            function
                .get("functionAnchor")
                .and_then(Value::as_u64)
                .unwrap_or(0)
        })
        .collect()
}

fn is_null_literal(argument: &Value) -> bool {
    argument
        .get("value")
        .and_then(|value| value.get("literal"))
        .is_some_and(|literal| literal.get("null").is_some())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::like_escape;

    fn plan_with_like(escape: serde_json::Value) -> serde_json::Value {
        json!({
            "extensions": [
                { "extensionFunction": { "name": "equal" } },
                { "extensionFunction": { "name": "like", "functionAnchor": 1 } }
            ],
            "relations": [{ "root": { "input": { "filter": { "condition": { "scalarFunction": {
                "functionReference": 1,
                "arguments": [
                    { "value": { "selection": {} } },
                    { "value": { "literal": { "string": "%TIN" } } },
                    { "value": { "literal": escape } }
                ]
            } } } } } }]
        })
    }

    fn arguments(plan: &serde_json::Value) -> usize {
        plan["relations"][0]["root"]["input"]["filter"]["condition"]["scalarFunction"]["arguments"]
            .as_array()
            .map_or(0, Vec::len)
    }

    #[test]
    fn a_null_escape_character_is_dropped() {
        let mut plan = plan_with_like(json!({ "null": { "string": {} }, "nullable": true }));
        assert_eq!(like_escape(&mut plan), 1);
        assert_eq!(arguments(&plan), 2);
        assert_eq!(like_escape(&mut plan), 0);
    }

    #[test]
    fn a_real_escape_character_is_kept() {
        let mut plan = plan_with_like(json!({ "string": "\\" }));
        assert_eq!(like_escape(&mut plan), 0);
        assert_eq!(arguments(&plan), 3);
    }

    #[test]
    fn other_functions_with_three_arguments_are_left_alone() {
        let mut plan = plan_with_like(json!({ "null": { "string": {} } }));
        plan["extensions"][1]["extensionFunction"]["name"] = json!("replace");
        assert_eq!(like_escape(&mut plan), 0);
    }
}

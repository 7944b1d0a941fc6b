//! `boolean_output_types`: writes the boolean output type of predicates DataFusion leaves
//! untyped.
//!
//! DataFusion writes no `outputType` on some calls (`like`, `not`); Acero converts the empty
//! type anyway and fails ("conversion to arrow::DataType from Substrait type ..."), before it
//! gets to say which function it cannot run. These functions return a boolean whatever their
//! arguments, so a nullable boolean is their type.

use serde_json::Value;

use super::{BOOLEAN_FUNCTIONS, function_names, nullable_bool};
use crate::json_walk::for_each_object;

/// The pass's name in an export report.
pub const NAME: &str = "boolean_output_types";

/// Types every call of a predicate that has no output type; returns how many.
pub fn boolean_output_types(plan: &mut Value) -> usize {
    let names = function_names(plan);
    let mut changes = 0;
    for_each_object(plan, &mut |object| {
        let Some(Value::Object(call)) = object.get_mut("scalarFunction") else {
            return;
        };
        if call.contains_key("outputType") {
            return;
        }
        let reference = call.get("functionReference").and_then(Value::as_u64);
        let is_predicate = names
            .get(&reference.unwrap_or(0))
            .is_some_and(|name| BOOLEAN_FUNCTIONS.contains(&name.as_str()));
        if is_predicate {
            call.insert("outputType".to_string(), nullable_bool());
            changes += 1;
        }
    });
    changes
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::boolean_output_types;

    #[test]
    fn untyped_predicates_become_boolean_and_other_calls_are_kept() {
        let mut plan = json!({
            "extensions": [
                { "extensionFunction": { "name": "not", "functionAnchor": 1 } },
                { "extensionFunction": { "name": "substring", "functionAnchor": 2 } }
            ],
            "relations": [
                { "scalarFunction": { "functionReference": 1, "arguments": [] } },
                { "scalarFunction": { "functionReference": 2, "arguments": [] } },
                { "scalarFunction": { "functionReference": 1, "outputType": { "i32": {} } } }
            ]
        });
        assert_eq!(boolean_output_types(&mut plan), 1);
        assert!(plan["relations"][0]["scalarFunction"]["outputType"]["bool"].is_object());
        assert!(
            plan["relations"][1]["scalarFunction"]
                .get("outputType")
                .is_none()
        );
        assert_eq!(
            plan["relations"][2]["scalarFunction"]["outputType"],
            json!({ "i32": {} })
        );
    }
}

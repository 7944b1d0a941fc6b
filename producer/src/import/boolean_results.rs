//! `boolean_results`: gives predicates the boolean output type the standard declares.
//!
//! DuckDB 1.1.3 writes a comparison's *argument* type as its output type (`lt(dec, dec)`
//! declared as returning `decimal(15,2)`, `is_not_null(date)` as `date`). Anything that reads
//! output types then sees `and(dec, dec)`, which no engine has; so every call of a function
//! the standard defines as a predicate is given a boolean output, keeping its nullability.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

use crate::json_walk::for_each_object;

/// The pass's name in an [`ImportReport`](super::ImportReport).
pub const NAME: &str = "boolean_results";

/// Standard functions whose result is always boolean.
const PREDICATES: &[&str] = &[
    "equal",
    "not_equal",
    "lt",
    "gt",
    "lte",
    "gte",
    "between",
    "is_null",
    "is_not_null",
    "is_nan",
    "is_finite",
    "is_infinite",
    "is_distinct_from",
    "is_not_distinct_from",
    "is_true",
    "is_false",
    "is_not_true",
    "is_not_false",
    "and",
    "or",
    "not",
    "xor",
    "and_not",
    "like",
    "starts_with",
    "ends_with",
    "contains",
];

/// Sets the output type of every predicate call whose declared output is not boolean; returns
/// how many changed.
pub fn boolean_results(plan: &mut Value) -> usize {
    let predicates: BTreeSet<u64> = plan
        .get("extensions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|declaration| declaration.get("extensionFunction"))
        .filter(|function| {
            let name = function
                .get("name")
                .and_then(Value::as_str)
                .unwrap_or_default();
            PREDICATES.contains(&name.split(':').next().unwrap_or(name))
        })
        .map(|function| {
            function
                .get("functionAnchor")
                .and_then(Value::as_u64)
                .unwrap_or(0)
        })
        .collect();
    if predicates.is_empty() {
        return 0;
    }
    let mut changes = 0;
    if let Some(relations) = plan.get_mut("relations") {
        for_each_object(relations, &mut |object| {
            if let Some(Value::Object(call)) = object.get_mut("scalarFunction") {
                set_boolean(call, &predicates, &mut changes);
            }
        });
    }
    changes
}

fn set_boolean(call: &mut Map<String, Value>, predicates: &BTreeSet<u64>, changes: &mut usize) {
    let reference = call
        .get("functionReference")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    if predicates.contains(&reference)
        && let Some(output) = call.get_mut("outputType")
        && output.get("bool").is_none()
    {
        let nullability = output
            .as_object()
            .and_then(|kind| kind.values().next())
            .and_then(|inner| inner.get("nullability"))
            .cloned()
            .unwrap_or_else(|| Value::from("NULLABILITY_NULLABLE"));
        *output = json!({ "bool": { "nullability": nullability } });
        *changes += 1;
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::boolean_results;

    #[test]
    fn predicates_return_booleans_other_functions_keep_their_type() {
        let decimal = json!({ "decimal": { "scale": 2, "precision": 15, "nullability": "NULLABILITY_REQUIRED" } });
        let mut plan = json!({
            "extensions": [
                { "extensionFunction": { "functionAnchor": 1, "name": "lt:decimal_decimal" } },
                { "extensionFunction": { "functionAnchor": 2, "name": "multiply:decimal_decimal" } }
            ],
            "relations": [{ "root": { "input": { "filter": { "condition": { "scalarFunction": {
                "functionReference": 1, "outputType": decimal.clone(),
                "arguments": [{ "value": { "scalarFunction": {
                    "functionReference": 2, "outputType": decimal.clone()
                } } }]
            } } } } } }]
        });
        assert_eq!(boolean_results(&mut plan), 1);
        let call = &plan["relations"][0]["root"]["input"]["filter"]["condition"]["scalarFunction"];
        assert_eq!(
            call["outputType"],
            json!({ "bool": { "nullability": "NULLABILITY_REQUIRED" } })
        );
        assert_eq!(
            call["arguments"][0]["value"]["scalarFunction"]["outputType"],
            decimal
        );
        assert_eq!(boolean_results(&mut plan), 0);
    }
}

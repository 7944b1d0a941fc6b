//! `one_row_joins`: joins an input with a one-row relation on a constant key.
//!
//! DataFusion flattens an uncorrelated scalar subquery (`WHERE x > (SELECT sum(...) ...)`)
//! into an inner join whose condition is the comparison, with no equality: Acero joins only on
//! a key equality ("Only `equal` or `is_not_distinct_from` are supported for join key
//! comparison but got greater"). When the right input is an aggregate without grouping keys
//! (seen through projections, filters, sorts and fetches), it has at most one row, so joining
//! every left row with it is a join on a constant: both sides get a column holding `0`, the
//! join is on their equality, and the original condition filters above, whose emit drops the
//! two constant columns. Only inner joins: a left join keeps left rows the condition rejects,
//! which a filter would drop.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::join_keys::has_key_equality;
use super::{
    declare_function, field_reference, function_names, grouping_keys, nullable_bool, remove_emit,
};
use crate::import::project_emit::width;
use crate::json_walk::for_each_object;

/// The pass's name in an export report.
pub const NAME: &str = "one_row_joins";

/// Rewrites every inner join over a one-row right input whose condition has no key equality
/// (those are [`join_keys`](super::join_keys)'s); returns how many.
pub fn one_row_joins(plan: &mut Value) -> usize {
    let mut found = false;
    let names = function_names(plan);
    for_each_object(plan, &mut |object| {
        found |= object.get("join").is_some_and(|join| applies(join, &names));
    });
    if !found {
        return 0;
    }
    let Some(equal) = declare_function(plan, "equal") else {
        return 0;
    };
    // With `equal` declared, the joins made below have a key equality and are not rewritten
    // again when the walk goes into them.
    let names = function_names(plan);
    let mut changes = 0;
    for_each_object(plan, &mut |object| {
        let Some(join) = object.get("join").filter(|join| applies(join, &names)) else {
            return;
        };
        if let Some(filter) = rewrite(join, equal) {
            object.remove("join");
            object.insert("filter".to_string(), filter);
            changes += 1;
        }
    });
    changes
}

/// An inner join with a condition that compares no left column with a right one for
/// equality, over a right input of at most one row.
fn applies(join: &Value, names: &BTreeMap<u64, String>) -> bool {
    let inner = join.get("type").and_then(Value::as_str) == Some("JOIN_TYPE_INNER");
    let Some(condition) = join.get("expression") else {
        return false;
    };
    // Subqueries have references of their own, which the rewrite must not shift.
    let plain = !contains_subquery(condition);
    inner
        && plain
        && !has_key_equality(join, names)
        && join.get("right").is_some_and(at_most_one_row)
}

/// Whether an expression holds a subquery anywhere inside it.
fn contains_subquery(expression: &Value) -> bool {
    match expression {
        Value::Object(object) => {
            object.contains_key("subquery") || object.values().any(contains_subquery)
        }
        Value::Array(items) => items.iter().any(contains_subquery),
        _ => false,
    }
}

/// Whether `rel` yields at most one row: an aggregate without grouping keys, under
/// relations that only drop rows or change columns.
fn at_most_one_row(rel: &Value) -> bool {
    let Some((kind, body)) = rel.as_object().and_then(|object| object.iter().next()) else {
        return false;
    };
    match kind.as_str() {
        "aggregate" => grouping_keys(body) == Some(0),
        "project" | "filter" | "sort" | "fetch" => body.get("input").is_some_and(at_most_one_row),
        _ => false,
    }
}

/// The filter over a constant-key join that `join` becomes.
fn rewrite(join: &Value, equal: u64) -> Option<Value> {
    let left_width = join.get("left").and_then(width)?;
    let right_width = join.get("right").and_then(width)?;
    // Right columns move one place: the left side gains its constant column.
    let shift = |column: usize| {
        if column < left_width {
            column
        } else {
            column + 1
        }
    };
    let mut condition = join.get("expression")?.clone();
    for_each_object(&mut condition, &mut |object| {
        let Some(Value::Object(selection)) = object.get_mut("selection") else {
            return;
        };
        if !selection.contains_key("rootReference") {
            return;
        }
        if let Some(Value::Object(field)) = selection
            .get_mut("directReference")
            .and_then(|reference| reference.get_mut("structField"))
        {
            let column = field.get("field").and_then(Value::as_u64).unwrap_or(0) as usize;
            field.insert("field".to_string(), Value::from(shift(column)));
        }
    });
    let mapping: Vec<usize> = match join.pointer("/common/emit/outputMapping") {
        Some(Value::Array(mapping)) => mapping
            .iter()
            .map(|i| i.as_u64().map(|i| shift(i as usize)))
            .collect::<Option<_>>()?,
        _ => (0..left_width + right_width).map(shift).collect(),
    };
    let with_zero = |input: &Value| json!({ "project": { "input": input, "expressions": [{ "literal": { "i32": 0 } }] } });
    let mut inner: Map<String, Value> = join.as_object()?.clone();
    inner.insert("left".to_string(), with_zero(join.get("left")?));
    inner.insert("right".to_string(), with_zero(join.get("right")?));
    inner.insert(
        "expression".to_string(),
        json!({ "scalarFunction": {
            "functionReference": equal,
            "arguments": [
                { "value": field_reference(left_width) },
                { "value": field_reference(left_width + 1 + right_width) }
            ],
            "outputType": nullable_bool()
        } }),
    );
    remove_emit(&mut inner);
    Some(json!({
        "common": { "emit": { "outputMapping": mapping } },
        "input": { "join": inner },
        "condition": condition
    }))
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::one_row_joins;
    use crate::export::acero::field_reference;

    fn read(columns: usize) -> Value {
        json!({ "read": { "baseSchema": { "struct": { "types": vec![json!({}); columns] } } } })
    }

    fn plan(kind: &str, groupings: Value) -> Value {
        let total = json!({ "aggregate": { "input": read(3), "groupings": groupings,
            "measures": [{ "measure": { "functionReference": 5 } }] } });
        json!({
            "extensionUris": [{ "extensionUriAnchor": 1, "uri": "https://github.com/substrait-io/substrait/blob/main/extensions/functions_comparison.yaml" }],
            "extensions": [{ "extensionFunction": { "name": "gt", "functionAnchor": 3, "extensionUriReference": 1 } }],
            "relations": [{ "root": { "input": { "join": {
                "common": { "emit": { "outputMapping": [2, 0] } },
                "type": kind, "left": read(2),
                "right": { "project": { "input": total, "expressions": [] } },
                "expression": { "scalarFunction": { "functionReference": 3,
                    "arguments": [{ "value": field_reference(1) }, { "value": field_reference(2) }] } }
            } } } }]
        })
    }

    #[test]
    fn a_comparison_with_a_global_aggregate_becomes_a_constant_key_join() {
        let mut plan = plan("JOIN_TYPE_INNER", json!([{}]));
        assert_eq!(one_row_joins(&mut plan), 1);
        let filter = &plan["relations"][0]["root"]["input"]["filter"];
        assert_eq!(filter["common"]["emit"]["outputMapping"], json!([3, 0]));
        let condition = &filter["condition"]["scalarFunction"]["arguments"];
        assert_eq!(condition[0]["value"], field_reference(1));
        assert_eq!(condition[1]["value"], field_reference(3));
        let join = &filter["input"]["join"];
        assert!(join.get("common").is_none());
        assert_eq!(
            join["left"]["project"]["expressions"][0]["literal"]["i32"],
            0
        );
        assert_eq!(
            join["right"]["project"]["expressions"][0]["literal"]["i32"],
            0
        );
        let key = &join["expression"]["scalarFunction"];
        assert_eq!(key["functionReference"], 4);
        assert_eq!(key["arguments"][0]["value"], field_reference(2));
        assert_eq!(key["arguments"][1]["value"], field_reference(4));
        assert_eq!(plan["extensions"][1]["extensionFunction"]["name"], "equal");
        assert_eq!(one_row_joins(&mut plan), 0);
    }

    #[test]
    fn grouped_right_sides_and_left_joins_are_kept() {
        let grouped = json!([{ "groupingExpressions": [field_reference(0)] }]);
        for (kind, groupings) in [
            ("JOIN_TYPE_INNER", grouped),
            ("JOIN_TYPE_LEFT", json!([{}])),
        ] {
            let mut plan = plan(kind, groupings);
            let before = plan.clone();
            assert_eq!(one_row_joins(&mut plan), 0, "{kind}");
            assert_eq!(plan, before);
        }
    }
}

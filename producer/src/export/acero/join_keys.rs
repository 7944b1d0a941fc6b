//! `join_keys`: joins on a single key equality, the rest of the condition in a filter above.
//!
//! Acero's join takes exactly one `equal(left column, right column)` and has no residual
//! condition ("Only `equal` or `is_not_distinct_from` are supported for join key comparison
//! but got and_kleene"). Two rewrites are exact:
//! - an inner join on `k AND rest` is the inner join on `k` filtered by `rest`;
//! - a left semi join on `k AND rest` whose right input is unique on right columns of its key
//!   equalities (an aggregate grouped by them, seen through projections, filters, sorts and
//!   fetches) matches each left row with at most one right row, so it is the inner join on `k`
//!   filtered by `rest`, keeping the left columns: no left row is duplicated.
//!
//! Other joins are left as they are (Acero refuses them), among them semi and anti joins with
//! a residual over a right side that may hold several matches per key.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use super::{
    called_name, field_index, field_reference, function_names, grouping_keys, nullable_bool,
    remove_emit,
};
use crate::import::project_emit::width;
use crate::json_walk::for_each_object;

/// The pass's name in an export report.
pub const NAME: &str = "join_keys";

/// Splits the condition of every inner join, and of every semi join over a right side unique
/// on its keys, into one key equality and a filter; returns how many joins changed.
pub fn join_keys(plan: &mut Value) -> usize {
    let names = function_names(plan);
    let mut changes = 0;
    for_each_object(plan, &mut |object| {
        if let Some(filter) = object.get("join").and_then(|join| split(join, &names)) {
            object.remove("join");
            object.insert("filter".to_string(), filter);
            changes += 1;
        }
    });
    changes
}

/// The filter over a single-key join that `join` becomes, if it has an exact one.
fn split(join: &Value, names: &BTreeMap<u64, String>) -> Option<Value> {
    let expression = join.get("expression")?;
    let mut conjuncts = Vec::new();
    let and_anchor = collect_conjuncts(expression, names, &mut conjuncts);
    if conjuncts.len() < 2 {
        return None;
    }
    let left_width = join.get("left").and_then(width)?;
    let equalities: Vec<(usize, usize, usize)> = conjuncts
        .iter()
        .enumerate()
        .filter_map(|(i, conjunct)| {
            let (left, right) = key_equality(conjunct, left_width, names)?;
            Some((i, left, right))
        })
        .collect();
    let &(key_at, key_left, key_right) = equalities.first()?;
    let emit = join.pointer("/common/emit").cloned();
    let left_columns = || json!({ "outputMapping": (0..left_width).collect::<Vec<_>>() });
    let filter_emit = match join.get("type").and_then(Value::as_str)? {
        "JOIN_TYPE_INNER" => emit,
        "JOIN_TYPE_LEFT_SEMI" => {
            let key_columns: BTreeSet<usize> = equalities
                .iter()
                .map(|&(_, _, right)| right - left_width)
                .collect();
            let right = join.get("right")?;
            if !unique_sets(right)
                .iter()
                .any(|set| set.is_subset(&key_columns))
            {
                return None;
            }
            Some(emit.unwrap_or_else(left_columns))
        }
        _ => return None,
    };
    let key_reference = conjuncts[key_at]
        .pointer("/scalarFunction/functionReference")
        .cloned()
        .unwrap_or(Value::from(0));
    let key = json!({ "scalarFunction": {
        "functionReference": key_reference,
        "arguments": [{ "value": field_reference(key_left) }, { "value": field_reference(key_right) }],
        "outputType": nullable_bool()
    } });
    let mut rest: Vec<Value> = conjuncts
        .into_iter()
        .enumerate()
        .filter(|&(i, _)| i != key_at)
        .map(|(_, conjunct)| conjunct.clone())
        .collect();
    let condition = if rest.len() == 1 {
        rest.pop()?
    } else {
        let arguments: Vec<Value> = rest.into_iter().map(|c| json!({ "value": c })).collect();
        json!({ "scalarFunction": {
            "functionReference": and_anchor?, "arguments": arguments, "outputType": nullable_bool()
        } })
    };
    let mut inner = join.as_object()?.clone();
    inner.insert("type".to_string(), Value::from("JOIN_TYPE_INNER"));
    inner.insert("expression".to_string(), key);
    remove_emit(&mut inner);
    let mut filter = Map::new();
    if let Some(emit) = filter_emit {
        filter.insert("common".to_string(), json!({ "emit": emit }));
    }
    filter.insert("input".to_string(), json!({ "join": inner }));
    filter.insert("condition".to_string(), condition);
    Some(Value::Object(filter))
}

/// Whether one of the join's top-level conjuncts is an equality of a left and a right column.
pub(super) fn has_key_equality(join: &Value, names: &BTreeMap<u64, String>) -> bool {
    let (Some(expression), Some(left_width)) =
        (join.get("expression"), join.get("left").and_then(width))
    else {
        return false;
    };
    let mut conjuncts = Vec::new();
    collect_conjuncts(expression, names, &mut conjuncts);
    conjuncts
        .iter()
        .any(|conjunct| key_equality(conjunct, left_width, names).is_some())
}

/// Appends the conjuncts of `expression` (through nested `and`s) to `out`; returns the anchor
/// of `and` if there was one.
fn collect_conjuncts<'a>(
    expression: &'a Value,
    names: &BTreeMap<u64, String>,
    out: &mut Vec<&'a Value>,
) -> Option<u64> {
    let call = expression.get("scalarFunction");
    let Some(call) = call.filter(|call| called_name(call, names) == Some("and")) else {
        out.push(expression);
        return None;
    };
    let arguments = call.get("arguments").and_then(Value::as_array);
    for argument in arguments.into_iter().flatten() {
        match argument.get("value") {
            Some(value) => {
                collect_conjuncts(value, names, out);
            }
            None => out.push(argument),
        }
    }
    Some(
        call.get("functionReference")
            .and_then(Value::as_u64)
            .unwrap_or(0),
    )
}

/// `(left column, right column)` (in the join's input coordinates) of an
/// `equal(column, column)` between the two sides.
fn key_equality(
    conjunct: &Value,
    left_width: usize,
    names: &BTreeMap<u64, String>,
) -> Option<(usize, usize)> {
    let call = conjunct.get("scalarFunction")?;
    if called_name(call, names)? != "equal" {
        return None;
    }
    let [a, b] = call.get("arguments")?.as_array()?.as_slice() else {
        return None;
    };
    let a = field_index(a.get("value")?)?;
    let b = field_index(b.get("value")?)?;
    match (a < left_width, b < left_width) {
        (true, false) => Some((a, b)),
        (false, true) => Some((b, a)),
        _ => None,
    }
}

/// Sets of output columns on which `rel` is known to hold no two equal rows: an aggregate's
/// grouping keys, followed up through relations that keep or drop rows and columns.
fn unique_sets(rel: &Value) -> Vec<BTreeSet<usize>> {
    let Some((kind, body)) = rel.as_object().and_then(|object| object.iter().next()) else {
        return Vec::new();
    };
    let input = || body.get("input");
    let (sets, columns): (Vec<BTreeSet<usize>>, Vec<Option<usize>>) = match kind.as_str() {
        "aggregate" => {
            let Some(keys) = grouping_keys(body) else {
                return Vec::new();
            };
            let measures = body
                .get("measures")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            (
                vec![(0..keys).collect()],
                (0..keys + measures).map(Some).collect(),
            )
        }
        "filter" | "sort" | "fetch" => {
            let Some(input) = input() else {
                return Vec::new();
            };
            (
                unique_sets(input),
                (0..width(input).unwrap_or(0)).map(Some).collect(),
            )
        }
        "project" => {
            let Some(input) = input() else {
                return Vec::new();
            };
            let mut columns: Vec<Option<usize>> =
                (0..width(input).unwrap_or(0)).map(Some).collect();
            let expressions = body.get("expressions").and_then(Value::as_array);
            columns.extend(expressions.into_iter().flatten().map(field_index));
            (unique_sets(input), columns)
        }
        _ => return Vec::new(),
    };
    let columns: Vec<Option<usize>> = match body.pointer("/common/emit/outputMapping") {
        Some(Value::Array(mapping)) => mapping
            .iter()
            .map(|i| {
                i.as_u64()
                    .and_then(|i| columns.get(i as usize).copied().flatten())
            })
            .collect(),
        _ => columns,
    };
    sets.into_iter()
        .filter_map(|set| {
            set.iter()
                .map(|&column| columns.iter().position(|c| *c == Some(column)))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::{join_keys, unique_sets};
    use crate::export::acero::field_reference;

    fn read(columns: usize) -> Value {
        json!({ "read": { "baseSchema": { "struct": { "types": vec![json!({}); columns] } } } })
    }

    fn call(anchor: u64, arguments: Vec<Value>) -> Value {
        let arguments: Vec<Value> = arguments
            .into_iter()
            .map(|a| json!({ "value": a }))
            .collect();
        json!({ "scalarFunction": { "functionReference": anchor, "arguments": arguments } })
    }

    fn plan(kind: &str, right: Value) -> Value {
        // and = 1, equal = 2, lt = 3; condition: $0 = $3 AND $1 < $4 AND $2 = $4
        let condition = call(
            1,
            vec![
                call(2, vec![field_reference(0), field_reference(3)]),
                call(
                    1,
                    vec![
                        call(3, vec![field_reference(1), field_reference(4)]),
                        call(2, vec![field_reference(4), field_reference(2)]),
                    ],
                ),
            ],
        );
        json!({
            "extensions": [
                { "extensionFunction": { "name": "and", "functionAnchor": 1 } },
                { "extensionFunction": { "name": "equal", "functionAnchor": 2 } },
                { "extensionFunction": { "name": "lt", "functionAnchor": 3 } }
            ],
            "relations": [{ "root": { "input": { "join": {
                "type": kind, "left": read(3), "right": right, "expression": condition
            } } } }]
        })
    }

    fn grouped_by_both() -> Value {
        json!({ "aggregate": { "input": read(4),
            "groupings": [{ "groupingExpressions": [field_reference(0), field_reference(1)] }],
            "measures": [{ "measure": { "functionReference": 9 } }] } })
    }

    #[test]
    fn an_inner_join_keeps_the_first_equality_and_filters_by_the_rest() {
        let mut plan = plan("JOIN_TYPE_INNER", read(2));
        plan["relations"][0]["root"]["input"]["join"]["common"] =
            json!({ "emit": { "outputMapping": [4, 0] } });
        assert_eq!(join_keys(&mut plan), 1);
        let filter = &plan["relations"][0]["root"]["input"]["filter"];
        assert_eq!(filter["common"]["emit"]["outputMapping"], json!([4, 0]));
        let join = &filter["input"]["join"];
        assert!(join.get("common").is_none());
        assert_eq!(join["expression"]["scalarFunction"]["functionReference"], 2);
        assert_eq!(
            join["expression"]["scalarFunction"]["arguments"][1]["value"],
            field_reference(3)
        );
        let rest = &filter["condition"]["scalarFunction"];
        assert_eq!(rest["functionReference"], 1);
        assert_eq!(rest["arguments"].as_array().map(Vec::len), Some(2));
        assert_eq!(join_keys(&mut plan), 0);
    }

    #[test]
    fn a_semi_join_over_a_right_side_unique_on_its_keys_becomes_inner() {
        let mut plan = plan("JOIN_TYPE_LEFT_SEMI", grouped_by_both());
        assert_eq!(join_keys(&mut plan), 1);
        let filter = &plan["relations"][0]["root"]["input"]["filter"];
        assert_eq!(filter["common"]["emit"]["outputMapping"], json!([0, 1, 2]));
        assert_eq!(filter["input"]["join"]["type"], "JOIN_TYPE_INNER");
    }

    #[test]
    fn semi_joins_with_several_matches_per_key_and_other_joins_are_kept() {
        let not_unique = json!({ "aggregate": { "input": read(4),
            "groupings": [{ "groupingExpressions": [field_reference(0), field_reference(1), field_reference(2)] }],
            "measures": [] } });
        for (kind, right) in [
            ("JOIN_TYPE_LEFT_SEMI", read(2)),
            ("JOIN_TYPE_LEFT_SEMI", not_unique),
            ("JOIN_TYPE_LEFT_ANTI", grouped_by_both()),
            ("JOIN_TYPE_LEFT", read(2)),
        ] {
            let mut plan = plan(kind, right);
            let before = plan.clone();
            assert_eq!(join_keys(&mut plan), 0, "{kind}");
            assert_eq!(plan, before);
        }
    }

    #[test]
    fn uniqueness_follows_projections_and_emits() {
        let projected = json!({ "project": {
            "common": { "emit": { "outputMapping": [4, 2, 3] } },
            "input": grouped_by_both(),
            "expressions": [field_reference(1), field_reference(0)]
        } });
        assert_eq!(unique_sets(&projected), vec![[2, 0].into_iter().collect()]);
        let dropped = json!({ "project": {
            "common": { "emit": { "outputMapping": [0, 2] } },
            "input": grouped_by_both(), "expressions": []
        } });
        assert!(unique_sets(&dropped).is_empty());
    }
}

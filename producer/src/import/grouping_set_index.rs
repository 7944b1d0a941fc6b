//! `grouping_set_index`: grouping-set aggregates whose producer did not count the set
//! index column.
//!
//! By the spec an aggregate with several grouping sets outputs its grouping columns, its
//! measures and then an `i32` naming the set each row comes from. Isthmus (Calcite) leaves
//! that last column out of its count: consumer-testing's `aggregate_with_group_by_cube`
//! plan groups by `CUBE (a, b)`, measures one count, and names three root columns (and
//! those plans name no producer). So when the root names exactly one column fewer than such
//! an aggregate outputs, and the aggregate reaches the root through sorts, fetches and
//! filters only (which pass columns through), the aggregate gets the emit that keeps every
//! column but the set index: the only reading under which the plan's names add up.

use serde_json::{Map, Value, json};

/// The pass's name in an [`ImportReport`](super::ImportReport).
pub const NAME: &str = "grouping_set_index";

/// Gives the grouping-set aggregate under the root an emit without the set index when the
/// root's names leave that index out; returns how many aggregates changed.
pub fn grouping_set_index(plan: &mut Value) -> usize {
    let Some(relations) = plan.get_mut("relations").and_then(Value::as_array_mut) else {
        return 0;
    };
    let mut changes = 0;
    for relation in relations {
        let Some(root) = relation.get_mut("root").and_then(Value::as_object_mut) else {
            continue;
        };
        let names = root
            .get("names")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
        let Some(aggregate) = root.get_mut("input").and_then(pass_through_to_aggregate) else {
            continue;
        };
        if names + 1 == spec_width(aggregate) {
            changes += drop_set_index(aggregate);
        }
    }
    changes
}

/// The aggregate `rel` is, or reaches through sorts, fetches and filters without emits.
fn pass_through_to_aggregate(rel: &mut Value) -> Option<&mut Map<String, Value>> {
    let (kind, body) = rel.as_object_mut()?.iter_mut().next()?;
    let body = body.as_object_mut()?;
    if body.get("common").and_then(|c| c.get("emit")).is_some() {
        return None;
    }
    match kind.as_str() {
        "aggregate" => Some(body),
        "sort" | "fetch" | "filter" => body.get_mut("input").and_then(pass_through_to_aggregate),
        _ => None,
    }
}

/// The aggregate's output width by the spec, set index included.
fn spec_width(aggregate: &Map<String, Value>) -> usize {
    let sets = aggregate
        .get("groupings")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let measures = aggregate
        .get("measures")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    grouping_columns(aggregate) + measures + usize::from(sets > 1)
}

fn drop_set_index(aggregate: &mut Map<String, Value>) -> usize {
    let sets = aggregate
        .get("groupings")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let has_emit = aggregate
        .get("common")
        .and_then(|common| common.get("emit"))
        .is_some();
    if sets < 2 || has_emit {
        return 0;
    }
    let width = grouping_columns(aggregate)
        + aggregate
            .get("measures")
            .and_then(Value::as_array)
            .map_or(0, Vec::len);
    let common = aggregate
        .entry("common")
        .or_insert_with(|| Value::Object(Map::new()));
    let Some(common) = common.as_object_mut() else {
        return 0;
    };
    common.remove("direct");
    common.insert(
        "emit".to_string(),
        json!({ "outputMapping": (0..width).collect::<Vec<_>>() }),
    );
    1
}

/// How many grouping columns the aggregate outputs: its top-level grouping expressions, or
/// the distinct expressions of its sets (as often as one set repeats one).
fn grouping_columns(aggregate: &Map<String, Value>) -> usize {
    if let Some(top) = aggregate
        .get("groupingExpressions")
        .and_then(Value::as_array)
        .filter(|top| !top.is_empty())
    {
        return top.len();
    }
    let mut columns: Vec<&Value> = Vec::new();
    let sets = aggregate
        .get("groupings")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
        .unwrap_or_default();
    for set in sets {
        let expressions = set
            .get("groupingExpressions")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (i, e) in expressions.iter().enumerate() {
            let in_set = expressions[..=i].iter().filter(|other| *other == e).count();
            let listed = columns.iter().filter(|other| **other == e).count();
            if listed < in_set {
                columns.push(e);
            }
        }
    }
    columns.len()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::grouping_set_index;

    fn field(i: u32) -> serde_json::Value {
        json!({ "selection": { "directReference": { "structField": { "field": i } } } })
    }

    fn cube(names: &[&str]) -> serde_json::Value {
        json!({
            "relations": [{ "root": { "names": names, "input": { "sort": { "input": { "aggregate": {
                "groupings": [
                    { "groupingExpressions": [field(0), field(1)] },
                    { "groupingExpressions": [field(0)] },
                    {}
                ],
                "measures": [{ "measure": { "functionReference": 1 } }]
            } } } } } }]
        })
    }

    #[test]
    fn a_cube_named_without_its_set_index_keeps_its_keys_and_measures() {
        let mut plan = cube(&["a", "b", "n"]);
        assert_eq!(grouping_set_index(&mut plan), 1);
        let aggregate = &plan["relations"][0]["root"]["input"]["sort"]["input"]["aggregate"];
        assert_eq!(
            aggregate["common"]["emit"],
            json!({ "outputMapping": [0, 1, 2] })
        );
    }

    #[test]
    fn a_cube_named_with_its_set_index_is_left_alone() {
        let mut plan = cube(&["a", "b", "n", "set"]);
        assert_eq!(grouping_set_index(&mut plan), 0);
        let mut fewer = cube(&["a", "n"]);
        assert_eq!(grouping_set_index(&mut fewer), 0);
    }
}

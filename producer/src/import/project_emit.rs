//! `project_emit`: gives DuckDB 1.1.3's and DataFusion 40's projections the emit they mean.
//!
//! A `ProjectRel` outputs its input's fields followed by its expressions, unless an `emit`
//! picks some. DuckDB 1.1.3 writes projections without `emit` but means "the expressions
//! only": its TPC-H q6 projects one expression over a one-column aggregate and names one output
//! column, and DataFusion refuses the plan ("Named schema must contain names for all fields").
//! For plans whose `version.producer` is `DuckDB`, every projection without an emit gets the
//! emit that keeps just its expressions, which needs each relation's output width.

use serde_json::{Map, Value, json};

use crate::json_walk::for_each_object_children_first;

/// The pass's name in an [`ImportReport`](super::ImportReport).
pub const NAME: &str = "project_emit";

/// Adds, in plans DuckDB made, an expressions-only emit to every projection without one;
/// returns how many projections changed. Projections over an input whose width cannot be
/// told are left alone.
pub fn project_emit(plan: &mut Value) -> usize {
    if !means_expressions_only(plan) {
        return 0;
    }
    let mut changes = 0;
    // Inner projections first: an outer projection's emit starts after its input's width,
    // which for a projection below it is only known once that projection has its emit.
    for_each_object_children_first(plan, &mut |object| {
        if let Some(Value::Object(project)) = object.get_mut("project") {
            changes += add_emit(project);
        }
    });
    changes
}

/// Whether the plan's producer writes projections without emit meaning "the expressions
/// only": DuckDB 1.1.3, and DataFusion up to version 40 (its plans say spec 0.51; its own
/// consumer of that time read projections that way, and its union plans only add up so:
/// consumer-testing's `union_all-datafusion_plan.json` projects one expression over a
/// one-column read and unions it with a one-column read).
fn means_expressions_only(plan: &Value) -> bool {
    let version = plan.get("version");
    let producer = version
        .and_then(|version| version.get("producer"))
        .and_then(Value::as_str)
        .unwrap_or_default();
    let minor = version
        .and_then(|version| version.get("minorNumber"))
        .and_then(Value::as_u64)
        .unwrap_or(0);
    producer.eq_ignore_ascii_case("duckdb")
        || (producer.eq_ignore_ascii_case("datafusion") && minor <= 51)
}

fn add_emit(project: &mut Map<String, Value>) -> usize {
    let has_emit = project
        .get("common")
        .and_then(|common| common.get("emit"))
        .is_some();
    if has_emit {
        return 0;
    }
    let Some(input_width) = project.get("input").and_then(width) else {
        return 0;
    };
    let expressions = project
        .get("expressions")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let mapping: Vec<usize> = (input_width..input_width + expressions).collect();
    let common = project
        .entry("common")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(common) = common.as_object_mut() {
        common.remove("direct");
        common.insert("emit".to_string(), json!({ "outputMapping": mapping }));
        return 1;
    }
    0
}

/// How many fields a relation (`{"read": {...}}`, `{"join": {...}}`, ...) outputs, if known.
pub fn width(rel: &Value) -> Option<usize> {
    let (kind, body) = rel.as_object()?.iter().next()?;
    if let Some(mapping) = body
        .get("common")
        .and_then(|common| common.get("emit"))
        .and_then(|emit| emit.get("outputMapping"))
        .and_then(Value::as_array)
    {
        return Some(mapping.len());
    }
    let input = || body.get("input").and_then(width);
    match kind.as_str() {
        "read" => read_width(body),
        "filter" | "sort" | "fetch" => input(),
        "project" => Some(input()? + body.get("expressions")?.as_array()?.len()),
        "aggregate" => aggregate_width(body),
        "cross" => Some(body.get("left").and_then(width)? + body.get("right").and_then(width)?),
        "join" => {
            let left = body.get("left").and_then(width)?;
            let right = body.get("right").and_then(width)?;
            match body.get("type").and_then(Value::as_str).unwrap_or_default() {
                "JOIN_TYPE_LEFT_SEMI" | "JOIN_TYPE_LEFT_ANTI" => Some(left),
                "JOIN_TYPE_RIGHT_SEMI" | "JOIN_TYPE_RIGHT_ANTI" => Some(right),
                "JOIN_TYPE_LEFT_MARK" => Some(left + 1),
                "JOIN_TYPE_RIGHT_MARK" => Some(right + 1),
                _ => Some(left + right),
            }
        }
        "set" => body.get("inputs")?.as_array()?.first().and_then(width),
        _ => None,
    }
}

fn read_width(read: &Value) -> Option<usize> {
    if let Some(items) = read
        .get("projection")
        .and_then(|projection| projection.get("select"))
        .and_then(|select| select.get("structItems"))
        .and_then(Value::as_array)
    {
        return Some(items.len());
    }
    let types = read
        .get("baseSchema")?
        .get("struct")?
        .get("types")?
        .as_array()?;
    Some(types.len())
}

/// Distinct grouping expressions plus measures (plus the grouping-set id column when there
/// is more than one grouping set), in both the old (`groupingExpressions` in each grouping)
/// and the 0.85 (`expressionReferences` into the aggregate's list) forms.
fn aggregate_width(aggregate: &Value) -> Option<usize> {
    let groupings = aggregate
        .get("groupings")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let measures = aggregate
        .get("measures")
        .and_then(Value::as_array)
        .map_or(0, Vec::len);
    let keys = match aggregate
        .get("groupingExpressions")
        .and_then(Value::as_array)
    {
        Some(shared) => shared.len(),
        None => {
            let mut distinct: Vec<&Value> = Vec::new();
            for grouping in &groupings {
                for expression in grouping
                    .get("groupingExpressions")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if !distinct.contains(&expression) {
                        distinct.push(expression);
                    }
                }
            }
            distinct.len()
        }
    };
    let set_id = usize::from(groupings.len() > 1);
    Some(keys + measures + set_id)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{project_emit, width};

    fn read(columns: usize) -> serde_json::Value {
        let types: Vec<_> = (0..columns).map(|_| json!({ "i64": {} })).collect();
        json!({ "read": { "baseSchema": { "names": [], "struct": { "types": types } } } })
    }

    #[test]
    fn duckdb_projections_keep_only_their_expressions() {
        let mut plan = json!({
            "version": { "producer": "DuckDB" },
            "relations": [{ "root": { "input": { "project": {
                "input": { "aggregate": {
                    "input": { "read": {
                        "baseSchema": { "names": [], "struct": { "types": [{}, {}, {}] } },
                        "projection": { "select": { "structItems": [{ "field": 2 }, { "field": 0 }] } }
                    } },
                    "groupings": [{}],
                    "measures": [{ "measure": {} }]
                } },
                "expressions": [{ "selection": {} }]
            } }, "names": ["revenue"] } }]
        });
        assert_eq!(project_emit(&mut plan), 1);
        assert_eq!(
            plan["relations"][0]["root"]["input"]["project"]["common"]["emit"],
            json!({ "outputMapping": [1] })
        );
        assert_eq!(project_emit(&mut plan), 0);
    }

    #[test]
    fn a_projection_over_a_join_with_a_projection_counts_the_inner_expressions_only() {
        // DuckDB's TPC-H q3 shape: project(join(read, project(read))).
        let mut plan = json!({
            "version": { "producer": "DuckDB" },
            "relations": [{ "root": { "input": { "project": {
                "input": { "join": {
                    "left": read(3),
                    "right": { "project": { "input": read(4), "expressions": [{}, {}] } },
                    "type": "JOIN_TYPE_INNER"
                } },
                "expressions": [{}, {}, {}]
            } } } }]
        });
        assert_eq!(project_emit(&mut plan), 2);
        let outer = &plan["relations"][0]["root"]["input"]["project"];
        assert_eq!(
            outer["common"]["emit"],
            json!({ "outputMapping": [5, 6, 7] })
        );
        assert_eq!(
            outer["input"]["join"]["right"]["project"]["common"]["emit"],
            json!({ "outputMapping": [4, 5] })
        );
    }

    #[test]
    fn other_producers_projections_are_left_as_the_spec_reads_them() {
        let mut plan = json!({
            "version": { "producer": "isthmus" },
            "relations": [{ "root": { "input": { "project": {
                "input": read(2), "expressions": [{}]
            } } } }]
        });
        let before = plan.clone();
        assert_eq!(project_emit(&mut plan), 0);
        assert_eq!(plan, before);
    }

    #[test]
    fn widths_follow_joins_and_emits() {
        let join =
            |kind: &str| json!({ "join": { "left": read(3), "right": read(2), "type": kind } });
        assert_eq!(width(&join("JOIN_TYPE_INNER")), Some(5));
        assert_eq!(width(&join("JOIN_TYPE_LEFT_SEMI")), Some(3));
        assert_eq!(width(&join("JOIN_TYPE_LEFT_MARK")), Some(4));
        let emitted = json!({ "filter": { "input": read(4), "common": { "emit": { "outputMapping": [0, 3] } } } });
        assert_eq!(width(&emitted), Some(2));
        assert_eq!(width(&json!({ "extensionLeaf": {} })), None);
    }
}

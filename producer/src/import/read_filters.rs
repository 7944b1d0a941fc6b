//! `read_filters`: turns a `ReadRel`'s filter into a `FilterRel` above the read.
//!
//! A read's `filter` must be applied in full (only `best_effort_filter` may be skipped).
//! DataFusion's consumer hands it to the table provider as a pushdown hint, which Parquet
//! tables treat as *inexact* (row-group pruning only), so rows it should remove come back:
//! DuckDB 1.1.3's TPC-H q1 keeps every shipping date and sums too much. The filter is moved to
//! a `FilterRel` over the unprojected read, and the read's projection (and emit) become that
//! relation's emit, since the filter refers to base schema fields the projection may drop.

use serde_json::{Map, Value, json};

use crate::json_walk::for_each_object;

/// The pass's name in an [`ImportReport`](super::ImportReport).
pub const NAME: &str = "read_filters";

/// Moves every read's filter into a filter relation above it; returns how many moved.
pub fn read_filters(plan: &mut Value) -> usize {
    let mut changes = 0;
    for_each_object(plan, &mut |rel| {
        let has_filter = rel
            .get("read")
            .and_then(|read| read.get("filter"))
            .is_some();
        if has_filter && let Some(filter) = lift_filter(rel) {
            rel.remove("read");
            rel.insert("filter".to_string(), filter);
            changes += 1;
        }
    });
    changes
}

/// The `FilterRel` body replacing the read in `rel`, or `None` (leaving `rel` untouched) when
/// the read's output fields cannot be told.
fn lift_filter(rel: &mut Map<String, Value>) -> Option<Value> {
    let read = rel.get("read")?.as_object()?;
    let width = read
        .get("baseSchema")?
        .get("struct")?
        .get("types")?
        .as_array()?
        .len();
    let projected: Vec<u64> = match read
        .get("projection")
        .and_then(|projection| projection.get("select"))
        .and_then(|select| select.get("structItems"))
        .and_then(Value::as_array)
    {
        Some(items) => items
            .iter()
            .map(|item| item.get("field").and_then(Value::as_u64).unwrap_or(0))
            .collect(),
        None => (0..width as u64).collect(),
    };
    let output: Vec<u64> = match read
        .get("common")
        .and_then(|common| common.get("emit"))
        .and_then(|emit| emit.get("outputMapping"))
        .and_then(Value::as_array)
    {
        Some(mapping) => mapping
            .iter()
            .map(|index| {
                let index = usize::try_from(index.as_u64()?).ok()?;
                projected.get(index).copied()
            })
            .collect::<Option<_>>()?,
        None => projected,
    };
    let Some(Value::Object(mut read)) = rel.get("read").cloned() else {
        return None;
    };
    let condition = read.remove("filter")?;
    read.remove("projection");
    read.remove("common");
    Some(json!({
        "common": { "emit": { "outputMapping": output } },
        "input": { "read": read },
        "condition": condition
    }))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::read_filters;

    #[test]
    fn the_filter_moves_above_the_read_and_the_projection_becomes_an_emit() {
        let condition =
            json!({ "selection": { "directReference": { "structField": { "field": 2 } } } });
        let mut plan = json!({ "aggregate": { "input": { "read": {
            "baseSchema": { "names": ["a", "b", "c"], "struct": { "types": [{}, {}, {}] } },
            "projection": { "select": { "structItems": [{ "field": 1 }, { "field": 0 }] } },
            "filter": condition.clone(),
            "namedTable": { "names": ["t"] }
        } } } });
        assert_eq!(read_filters(&mut plan), 1);
        assert_eq!(
            plan["aggregate"]["input"],
            json!({ "filter": {
                "common": { "emit": { "outputMapping": [1, 0] } },
                "input": { "read": {
                    "baseSchema": { "names": ["a", "b", "c"], "struct": { "types": [{}, {}, {}] } },
                    "namedTable": { "names": ["t"] }
                } },
                "condition": condition
            } })
        );
        assert_eq!(read_filters(&mut plan), 0);
    }

    #[test]
    fn an_emit_on_the_read_picks_from_the_projection() {
        let mut plan = json!({ "read": {
            "baseSchema": { "names": ["a", "b", "c"], "struct": { "types": [{}, {}, {}] } },
            "projection": { "select": { "structItems": [{ "field": 2 }, { "field": 0 }] } },
            "common": { "emit": { "outputMapping": [1] } },
            "filter": { "literal": { "boolean": true } }
        } });
        assert_eq!(read_filters(&mut plan), 1);
        assert_eq!(
            plan["filter"]["common"]["emit"]["outputMapping"],
            json!([0])
        );
    }
}

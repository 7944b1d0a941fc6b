//! `read_projection`: writes a read's column mask as a projection above the read.
//!
//! DataFusion reads only the columns a query needs through `ReadRel.projection`, which Acero
//! refuses ("substrait::ReadRel::projection"). A projection of references to the same columns,
//! emitting only them, outputs exactly what the masked read outputs. The read's `filter` keeps
//! its indices: it refers to the base schema with or without the mask.

use serde_json::{Map, Value, json};

use super::field_reference;
use crate::json_walk::for_each_object;

/// The pass's name in an export report.
pub const NAME: &str = "read_projection";

/// Moves every read's projection into a ProjectRel above it; returns how many reads changed.
pub fn read_projection(plan: &mut Value) -> usize {
    let mut changes = 0;
    for_each_object(plan, &mut |object| {
        let Some(Value::Object(read)) = object.get_mut("read") else {
            return;
        };
        let Some(columns) = masked_columns(read) else {
            return;
        };
        let Some(width) = read
            .get("baseSchema")
            .and_then(|schema| schema.pointer("/struct/types"))
            .and_then(Value::as_array)
            .map(Vec::len)
        else {
            return;
        };
        read.remove("projection");
        let Some(read) = object.remove("read") else {
            return;
        };
        let expressions: Vec<Value> = columns
            .iter()
            .map(|&column| field_reference(column))
            .collect();
        let emit: Vec<usize> = (width..width + columns.len()).collect();
        object.insert(
            "project".to_string(),
            json!({
                "common": { "emit": { "outputMapping": emit } },
                "input": { "read": read },
                "expressions": expressions
            }),
        );
        changes += 1;
    });
    changes
}

/// The base-schema columns a read's projection selects, if it has a plain column mask.
fn masked_columns(read: &Map<String, Value>) -> Option<Vec<usize>> {
    let items = read
        .get("projection")?
        .get("select")?
        .get("structItems")?
        .as_array()?;
    items
        .iter()
        .map(|item| {
            if item.get("child").is_some() {
                return None;
            }
            Some(item.get("field").and_then(Value::as_u64).unwrap_or(0) as usize)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::read_projection;
    use crate::import::project_emit::width;

    #[test]
    fn the_mask_becomes_a_projection_emitting_the_selected_columns() {
        let filter = json!({ "literal": { "boolean": true } });
        let mut plan = json!({ "fetch": { "input": { "read": {
            "baseSchema": { "names": ["a", "b", "c"], "struct": { "types": [{}, {}, {}] } },
            "filter": filter,
            "namedTable": { "names": ["t"] },
            "projection": { "select": { "structItems": [{}, { "field": 2 }] } }
        } } } });
        let before = width(&plan["fetch"]["input"]);
        assert_eq!(read_projection(&mut plan), 1);
        let project = &plan["fetch"]["input"]["project"];
        assert_eq!(project["common"]["emit"]["outputMapping"], json!([3, 4]));
        let fields: Vec<_> = project["expressions"]
            .as_array()
            .expect("expressions")
            .iter()
            .map(|e| e["selection"]["directReference"]["structField"]["field"].clone())
            .collect();
        assert_eq!(fields, [json!(0), json!(2)]);
        assert!(project["input"]["read"].get("projection").is_none());
        assert_eq!(project["input"]["read"]["filter"], filter);
        assert_eq!(width(&plan["fetch"]["input"]), before);
        assert_eq!(read_projection(&mut plan), 0);
    }
}

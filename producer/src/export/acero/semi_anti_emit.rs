//! `semi_anti_emit`: gives semi and anti joins an explicit emit of their left columns.
//!
//! Acero's Substrait consumer declares every join's output as the left columns followed by
//! the right ones, but its semi and anti hash joins output the left columns only, so every
//! reference above past the left width points at the wrong column or none ("No match for
//! FieldRef.FieldPath(2) in FieldPath(0): ..."). An emit of the left columns is exactly a
//! semi or anti join's output in Substrait, and makes Acero's declared schema agree with it.

use serde_json::{Value, json};

use crate::import::project_emit::width;
use crate::json_walk::for_each_object;

/// The pass's name in an export report.
pub const NAME: &str = "semi_anti_emit";

/// The join types whose output is the left input's columns only.
const LEFT_ONLY: [&str; 2] = ["JOIN_TYPE_LEFT_SEMI", "JOIN_TYPE_LEFT_ANTI"];

/// Adds an emit of the left columns to every semi and anti join without one; returns how many.
pub fn semi_anti_emit(plan: &mut Value) -> usize {
    let mut changes = 0;
    for_each_object(plan, &mut |object| {
        let Some(Value::Object(join)) = object.get_mut("join") else {
            return;
        };
        let left_only = join
            .get("type")
            .and_then(Value::as_str)
            .is_some_and(|kind| LEFT_ONLY.contains(&kind));
        if !left_only || join.get("common").and_then(|c| c.get("emit")).is_some() {
            return;
        }
        let Some(left) = join.get("left").and_then(width) else {
            return;
        };
        let common = join.entry("common").or_insert_with(|| json!({}));
        if let Some(common) = common.as_object_mut() {
            let mapping: Vec<usize> = (0..left).collect();
            common.insert("emit".to_string(), json!({ "outputMapping": mapping }));
            changes += 1;
        }
    });
    changes
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::semi_anti_emit;

    fn join(kind: &str) -> serde_json::Value {
        let read = |n: usize| json!({ "read": { "baseSchema": { "struct": { "types": vec![json!({}); n] } } } });
        json!({ "join": { "type": kind, "left": read(2), "right": read(3) } })
    }

    #[test]
    fn semi_and_anti_joins_emit_their_left_columns() {
        for kind in ["JOIN_TYPE_LEFT_SEMI", "JOIN_TYPE_LEFT_ANTI"] {
            let mut plan = join(kind);
            assert_eq!(semi_anti_emit(&mut plan), 1);
            assert_eq!(
                plan["join"]["common"]["emit"]["outputMapping"],
                json!([0, 1])
            );
            assert_eq!(semi_anti_emit(&mut plan), 0);
        }
    }

    #[test]
    fn other_joins_are_left_alone() {
        let mut plan = join("JOIN_TYPE_INNER");
        assert_eq!(semi_anti_emit(&mut plan), 0);
        assert!(plan["join"].get("common").is_none());
    }
}

//! `legacy_enums`: respells enum values that later spec versions renamed.
//!
//! Spec 0.58 split `JOIN_TYPE_SEMI`, `JOIN_TYPE_ANTI` and `JOIN_TYPE_SINGLE` into left and right
//! variants; the old names meant the left ones. DuckDB 1.1.3 still writes the old names, which
//! a spec 0.85 reader rejects ("unknown variant `JOIN_TYPE_SEMI`"), so they are renamed on the
//! JSON before decoding. (Binary plans carry numbers, which kept their meaning.)

use serde_json::Value;

use crate::json_walk::for_each_object;

/// The pass's name in an [`ImportReport`](super::ImportReport).
pub const NAME: &str = "legacy_enums";

/// Old enum value names and the names they have now.
const RENAMED: &[(&str, &str)] = &[
    ("JOIN_TYPE_SEMI", "JOIN_TYPE_LEFT_SEMI"),
    ("JOIN_TYPE_ANTI", "JOIN_TYPE_LEFT_ANTI"),
    ("JOIN_TYPE_SINGLE", "JOIN_TYPE_LEFT_SINGLE"),
];

/// Renames every join's old join type; returns how many changed.
pub fn legacy_enums(plan: &mut Value) -> usize {
    let mut changes = 0;
    for_each_object(plan, &mut |object| {
        if let Some(Value::Object(join)) = object.get_mut("join")
            && let Some(Value::String(kind)) = join.get_mut("type")
            && let Some((_, new)) = RENAMED.iter().find(|(old, _)| old == kind)
        {
            *kind = (*new).to_string();
            changes += 1;
        }
    });
    changes
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::legacy_enums;

    #[test]
    fn renames_old_join_types_only_in_joins() {
        let mut plan = json!({ "project": { "input": { "join": {
            "type": "JOIN_TYPE_SEMI",
            "left": { "join": { "type": "JOIN_TYPE_ANTI" } },
            "right": { "join": { "type": "JOIN_TYPE_INNER" } }
        } }, "names": ["JOIN_TYPE_SEMI"] } });
        assert_eq!(legacy_enums(&mut plan), 2);
        assert_eq!(
            plan["project"]["input"]["join"]["type"],
            "JOIN_TYPE_LEFT_SEMI"
        );
        assert_eq!(
            plan["project"]["input"]["join"]["left"]["join"]["type"],
            "JOIN_TYPE_LEFT_ANTI"
        );
        assert_eq!(
            plan["project"]["input"]["join"]["right"]["join"]["type"],
            "JOIN_TYPE_INNER"
        );
        // A column that happens to carry the name is data, not an enum.
        assert_eq!(plan["project"]["names"][0], "JOIN_TYPE_SEMI");
    }
}

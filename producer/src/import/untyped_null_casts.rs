//! `untyped_null_casts`: a null literal without a type, cast to a type, is a null of that type.
//!
//! Substrait types every null literal (`"null": { "i64": {...} }`); DuckDB 1.1.3 writes
//! `CAST(NULL AS T)` as a cast of an untyped null (`"null": {}`), which consumers cannot type
//! (datafusion-substrait: "`None` Substrait kind is not supported"). The cast says the type, so
//! the literal is given the cast's target type (the cast stays, now a no-op). An untyped null
//! anywhere else has no type to take and is refused by validation with its path.

use serde_json::Value;

use crate::json_walk::for_each_object;

/// The pass's name in an [`ImportReport`](super::ImportReport).
pub const NAME: &str = "untyped_null_casts";

/// Types every untyped null literal that is the direct input of a cast; returns how many.
pub fn untyped_null_casts(plan: &mut Value) -> usize {
    let mut changes = 0;
    for_each_object(plan, &mut |object| {
        let Some(Value::Object(cast)) = object.get_mut("cast") else {
            return;
        };
        let Some(target) = cast.get("type").filter(|t| is_typed(t)).cloned() else {
            return;
        };
        let null = cast
            .get_mut("input")
            .and_then(|input| input.get_mut("literal"))
            .and_then(|literal| literal.get_mut("null"));
        if let Some(null) = null
            && !is_typed(null)
        {
            *null = target;
            changes += 1;
        }
    });
    changes
}

/// Whether a JSON type names a kind (`{}` and `null` do not).
fn is_typed(ty: &Value) -> bool {
    ty.as_object().is_some_and(|kind| !kind.is_empty())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::untyped_null_casts;

    #[test]
    fn a_cast_of_an_untyped_null_types_the_null() {
        let target = json!({ "decimal": { "precision": 7, "scale": 2, "nullability": "NULLABILITY_NULLABLE" } });
        let mut plan = json!({ "ifThen": { "else": { "cast": {
            "type": target.clone(),
            "input": { "literal": { "null": {} } },
            "failureBehavior": "FAILURE_BEHAVIOR_THROW_EXCEPTION"
        } } } });
        assert_eq!(untyped_null_casts(&mut plan), 1);
        assert_eq!(
            plan["ifThen"]["else"]["cast"]["input"]["literal"]["null"],
            target
        );
        // Typed nulls, and nulls not under a cast, are left as they are.
        assert_eq!(untyped_null_casts(&mut plan), 0);
        let mut bare = json!({ "literal": { "null": {} } });
        assert_eq!(untyped_null_casts(&mut bare), 0);
    }
}

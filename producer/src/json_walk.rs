//! Visiting every object of a plan's JSON form.
//!
//! Import and export passes work on the JSON value rather than the decoded plan: relations sit
//! inside expressions (subqueries) and expressions inside relations, and one generic walk
//! reaches them all without a visitor over every relation and expression kind.

use serde_json::{Map, Value};

/// A JSON object of a plan.
pub type JsonObject = Map<String, Value>;

/// Calls `visit` on every JSON object under `value`, parents before their children (so a
/// visit's changes are walked into).
pub fn for_each_object(value: &mut Value, visit: &mut dyn FnMut(&mut JsonObject)) {
    let _: Result<(), std::convert::Infallible> = try_for_each_object(value, &mut |object| {
        visit(object);
        Ok(())
    });
}

/// Calls `visit` on every JSON object under `value`, children before their parents, for
/// passes whose rewrite of a relation depends on its inputs already being rewritten.
pub fn for_each_object_children_first(value: &mut Value, visit: &mut dyn FnMut(&mut JsonObject)) {
    match value {
        Value::Object(object) => {
            for child in object.values_mut() {
                for_each_object_children_first(child, visit);
            }
            visit(object);
        }
        Value::Array(items) => {
            for item in items {
                for_each_object_children_first(item, visit);
            }
        }
        _ => {}
    }
}

/// [`for_each_object`] for visits that can fail: the first error stops the walk.
pub fn try_for_each_object<E>(
    value: &mut Value,
    visit: &mut dyn FnMut(&mut JsonObject) -> Result<(), E>,
) -> Result<(), E> {
    match value {
        Value::Object(object) => {
            visit(object)?;
            for child in object.values_mut() {
                try_for_each_object(child, visit)?;
            }
        }
        Value::Array(items) => {
            for item in items {
                try_for_each_object(item, visit)?;
            }
        }
        _ => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{for_each_object, for_each_object_children_first, try_for_each_object};

    #[test]
    fn visits_nested_objects_in_arrays_parents_first() {
        let mut value = json!({ "a": [{ "b": { "c": 1 } }, 2, { "d": {} }] });
        let mut keys = Vec::new();
        for_each_object(&mut value, &mut |object| {
            keys.push(object.keys().cloned().collect::<Vec<_>>().join(","));
        });
        assert_eq!(keys, ["a", "b", "c", "d", ""]);
    }

    #[test]
    fn children_first_visits_each_object_after_everything_inside_it() {
        let mut value = json!({ "a": [{ "b": { "c": 1 } }, 2, { "d": {} }] });
        let mut keys = Vec::new();
        for_each_object_children_first(&mut value, &mut |object| {
            keys.push(object.keys().cloned().collect::<Vec<_>>().join(","));
        });
        assert_eq!(keys, ["c", "b", "", "d", "a"]);
    }

    #[test]
    fn the_first_error_stops_the_walk() {
        let mut value = json!([{ "stop": true }, { "never": true }]);
        let mut seen = 0;
        let result = try_for_each_object(&mut value, &mut |object| {
            seen += 1;
            if object.contains_key("stop") {
                Err("stopped")
            } else {
                Ok(())
            }
        });
        assert_eq!(result, Err("stopped"));
        assert_eq!(seen, 1);
    }
}

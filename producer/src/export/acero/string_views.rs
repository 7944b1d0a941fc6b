//! `string_views`: drops DataFusion's string-view type variation from strings.
//!
//! DataFusion marks every `string` type and string literal with type variation 2, its
//! `VIEW_CONTAINER_TYPE_VARIATION_REF` (Arrow's `Utf8View`), a built-in anchor it never
//! declares in the plan's extensions. Acero refuses any variation it does not know
//! ("conversion to arrow::DataType from Substrait type ..."). The variation says how the
//! strings are laid out in memory, not what they are: Acero's tables hold plain strings, and
//! the values are the same.

use serde_json::Value;

use crate::json_walk::for_each_object;

/// The pass's name in an export report.
pub const NAME: &str = "string_views";

/// DataFusion's variation anchor for view types (`Utf8View`).
const VIEW_VARIATION: u64 = 2;

/// Removes the view variation from string types and string literals; returns how many.
pub fn string_views(plan: &mut Value) -> usize {
    let declared = plan
        .get("extensions")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|declaration| declaration.get("extensionTypeVariation"))
        .any(|variation| {
            variation.get("typeVariationAnchor").and_then(Value::as_u64) == Some(VIEW_VARIATION)
        });
    // A plan that declares anchor 2 means its own variation by it, not DataFusion's.
    if declared {
        return 0;
    }
    let mut changes = 0;
    for_each_object(plan, &mut |object| {
        for key in ["string", "literal"] {
            let Some(Value::Object(inner)) = object.get_mut(key) else {
                continue;
            };
            let is_string = key == "string" || inner.contains_key("string");
            let is_view =
                inner.get("typeVariationReference").and_then(Value::as_u64) == Some(VIEW_VARIATION);
            if is_string && is_view {
                inner.remove("typeVariationReference");
                changes += 1;
            }
        }
    });
    changes
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::string_views;

    #[test]
    fn the_view_variation_goes_from_string_types_and_literals_only() {
        let mut plan = json!({ "relations": [{
            "types": [{ "string": { "typeVariationReference": 2, "nullability": "NULLABILITY_NULLABLE" } },
                      { "binary": { "typeVariationReference": 2 } }],
            "literal": { "typeVariationReference": 2, "string": "ASIA" },
            "other": { "literal": { "typeVariationReference": 2, "binary": "AA==" } }
        }] });
        assert_eq!(string_views(&mut plan), 2);
        assert_eq!(
            plan["relations"][0]["types"][0],
            json!({ "string": { "nullability": "NULLABILITY_NULLABLE" } })
        );
        assert_eq!(plan["relations"][0]["literal"], json!({ "string": "ASIA" }));
        assert_eq!(
            plan["relations"][0]["types"][1]["binary"]["typeVariationReference"],
            2
        );
        assert_eq!(
            plan["relations"][0]["other"]["literal"]["typeVariationReference"],
            2
        );
    }

    #[test]
    fn a_declared_variation_2_is_the_plans_own_and_is_kept() {
        let mut plan = json!({
            "extensions": [{ "extensionTypeVariation": { "typeVariationAnchor": 2, "name": "mine" } }],
            "relations": [{ "string": { "typeVariationReference": 2 } }]
        });
        assert_eq!(string_views(&mut plan), 0);
    }
}

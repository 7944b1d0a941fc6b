//! `like_predicates`: writes `like` with a prefix, suffix or substring pattern as
//! `starts_with`, `ends_with` or `contains`.
//!
//! pyarrow 26 maps no `like` to an Arrow call ("No conversion function exists to convert the
//! Substrait function ...functions_string.yaml#like"), but maps these three from
//! functions_string.yaml. `x LIKE 'abc%'` is `starts_with(x, 'abc')`, `'%abc'` is
//! `ends_with`, `'%abc%'` is `contains`, exactly, when `abc` holds no wildcard (`%`, `_`) and
//! no backslash (DataFusion's default escape character) and no escape character is given.
//! Every other pattern is left as it is, and Acero refuses it.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::{called_name, declare_function, function_names, nullable_bool};
use crate::json_walk::for_each_object;

/// The pass's name in an export report.
pub const NAME: &str = "like_predicates";

/// Rewrites every `like` call whose pattern has one of the three shapes; returns how many.
pub fn like_predicates(plan: &mut Value) -> usize {
    let names = function_names(plan);
    let mut needed = Vec::new();
    for_each_object(plan, &mut |object| {
        if let Some((name, _)) = rewrite_of(object, &names)
            && !needed.contains(&name)
        {
            needed.push(name);
        }
    });
    let anchors: BTreeMap<&str, u64> = needed
        .into_iter()
        .filter_map(|name| Some((name, declare_function(plan, name)?)))
        .collect();
    let mut changes = 0;
    for_each_object(plan, &mut |object| {
        let Some((name, needle)) = rewrite_of(object, &names) else {
            return;
        };
        let Some(anchor) = anchors.get(name) else {
            return;
        };
        let Some(Value::Object(call)) = object.get_mut("scalarFunction") else {
            return;
        };
        let Some(Value::Array(arguments)) = call.get_mut("arguments") else {
            return;
        };
        arguments.truncate(1);
        arguments.push(json!({ "value": { "literal": { "string": needle } } }));
        call.insert("functionReference".to_string(), Value::from(*anchor));
        call.insert("outputType".to_string(), nullable_bool());
        changes += 1;
    });
    changes
}

/// The function and its string argument that an object's `like` call becomes, if any.
fn rewrite_of(
    object: &Map<String, Value>,
    names: &BTreeMap<u64, String>,
) -> Option<(&'static str, String)> {
    let call = object.get("scalarFunction")?;
    if called_name(call, names)? != "like" {
        return None;
    }
    let arguments = call.get("arguments")?.as_array()?;
    // A third argument is a real escape character (export drops null ones before).
    if arguments.len() != 2 {
        return None;
    }
    let pattern = arguments[1].pointer("/value/literal/string")?.as_str()?;
    shape_of(pattern)
}

/// The function equal to matching `pattern`, with its argument, for the three exact shapes.
fn shape_of(pattern: &str) -> Option<(&'static str, String)> {
    let leading = pattern.starts_with('%');
    let trailing = pattern.len() > 1 && pattern.ends_with('%');
    let start = usize::from(leading);
    let end = pattern.len() - usize::from(trailing);
    let needle = pattern.get(start..end)?;
    if needle.is_empty() || needle.contains(['%', '_', '\\']) {
        return None;
    }
    let name = match (leading, trailing) {
        (true, true) => "contains",
        (true, false) => "ends_with",
        (false, true) => "starts_with",
        (false, false) => return None,
    };
    Some((name, needle.to_string()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{like_predicates, shape_of};
    use crate::export::acero::field_reference;

    #[test]
    fn only_prefix_suffix_and_substring_patterns_have_a_shape() {
        let shape = |p: &str| shape_of(p).map(|(name, needle)| format!("{name} {needle}"));
        assert_eq!(shape("PROMO%").as_deref(), Some("starts_with PROMO"));
        assert_eq!(shape("%BRASS").as_deref(), Some("ends_with BRASS"));
        assert_eq!(shape("%green%").as_deref(), Some("contains green"));
        for refused in [
            "%express%requests%",
            "%%abc",
            "a_c%",
            "abc",
            "%",
            "%%",
            "a\\%b%",
            "",
        ] {
            assert_eq!(shape(refused), None, "{refused}");
        }
    }

    fn plan(pattern: &str, arguments: usize) -> serde_json::Value {
        let mut args = vec![
            json!({ "value": field_reference(4) }),
            json!({ "value": { "literal": { "string": pattern } } }),
            json!({ "value": { "literal": { "string": "\\" } } }),
        ];
        args.truncate(arguments);
        json!({
            "extensionUris": [{ "extensionUriAnchor": 1, "uri": "https://github.com/substrait-io/substrait/blob/main/extensions/functions_string.yaml" }],
            "extensions": [{ "extensionFunction": { "name": "like", "functionAnchor": 7, "extensionUriReference": 1 } }],
            "relations": [{ "root": { "input": { "filter": { "condition": { "scalarFunction": {
                "functionReference": 7, "arguments": args
            } } } } } }]
        })
    }

    #[test]
    fn a_suffix_pattern_becomes_a_declared_ends_with() {
        let mut plan = plan("%BRASS", 2);
        assert_eq!(like_predicates(&mut plan), 1);
        let call = &plan["relations"][0]["root"]["input"]["filter"]["condition"]["scalarFunction"];
        assert_eq!(call["functionReference"], 8);
        assert_eq!(call["arguments"][0]["value"], field_reference(4));
        assert_eq!(call["arguments"][1]["value"]["literal"]["string"], "BRASS");
        assert!(call["outputType"]["bool"].is_object());
        assert_eq!(
            plan["extensions"][1]["extensionFunction"]["name"],
            "ends_with"
        );
        assert_eq!(
            plan["extensions"][1]["extensionFunction"]["extensionUriReference"],
            1
        );
        assert_eq!(like_predicates(&mut plan), 0);
    }

    #[test]
    fn other_patterns_and_escaped_likes_are_kept() {
        for (pattern, arguments) in [("%express%requests%", 2), ("%BRASS", 3)] {
            let mut plan = plan(pattern, arguments);
            let before = plan.clone();
            assert_eq!(like_predicates(&mut plan), 0);
            assert_eq!(plan, before);
        }
    }
}

//! `date_part_extract`: writes DataFusion's `date_part('YEAR', d)` as the standard
//! `extract(YEAR, d)`.
//!
//! DataFusion declares `date_part` outside the standard extensions (export gives it the URI
//! `unresolved:date_part`) with the component as a string argument; Acero knows no such
//! function ("No conversion function exists to convert the Substrait function
//! unresolved:date_part#date_part"). It maps the standard `extract` (functions_datetime.yaml),
//! whose component is an enum argument, to Arrow's `year`, `month`, ... kernels. Only the
//! components whose numbering is the same in both (calendar fields, not day-of-week or week
//! numbers) are rewritten; the call keeps its output type.

use serde_json::{Value, json};

use super::{called_name, declare_function, function_names};
use crate::json_walk::for_each_object;

/// The pass's name in an export report.
pub const NAME: &str = "date_part_extract";

/// The components rewritten, as `extract` spells them.
const COMPONENTS: [&str; 6] = ["YEAR", "QUARTER", "MONTH", "DAY", "HOUR", "MINUTE"];

/// Rewrites every `date_part` call with a literal component listed above; returns how many.
pub fn date_part_extract(plan: &mut Value) -> usize {
    let names = function_names(plan);
    let component_of = |object: &serde_json::Map<String, Value>| -> Option<&'static str> {
        let call = object.get("scalarFunction")?;
        if called_name(call, &names)? != "date_part" {
            return None;
        }
        let component = call
            .pointer("/arguments/0/value/literal/string")?
            .as_str()?;
        let component = component.to_ascii_uppercase();
        COMPONENTS.into_iter().find(|known| *known == component)
    };
    let mut found = false;
    for_each_object(plan, &mut |object| found |= component_of(object).is_some());
    if !found {
        return 0;
    }
    let Some(extract) = declare_function(plan, "extract") else {
        return 0;
    };
    let mut changes = 0;
    for_each_object(plan, &mut |object| {
        let Some(component) = component_of(object) else {
            return;
        };
        let Some(Value::Object(call)) = object.get_mut("scalarFunction") else {
            return;
        };
        if let Some(Value::Array(arguments)) = call.get_mut("arguments") {
            arguments[0] = json!({ "enum": component });
        }
        call.insert("functionReference".to_string(), Value::from(extract));
        changes += 1;
    });
    changes
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::date_part_extract;
    use crate::export::acero::field_reference;

    fn plan(component: &str) -> serde_json::Value {
        json!({
            "extensionUris": [{ "extensionUriAnchor": 1, "uri": "unresolved:date_part" }],
            "extensions": [{ "extensionFunction": { "name": "date_part", "functionAnchor": 0, "extensionUriReference": 1 } }],
            "relations": [{ "scalarFunction": {
                "functionReference": 0,
                "arguments": [{ "value": { "literal": { "string": component } } }, { "value": field_reference(2) }],
                "outputType": { "i32": {} }
            } }]
        })
    }

    #[test]
    fn a_year_becomes_extract_with_an_enum_argument() {
        let mut plan = plan("year");
        assert_eq!(date_part_extract(&mut plan), 1);
        let call = &plan["relations"][0]["scalarFunction"];
        assert_eq!(call["functionReference"], 1);
        assert_eq!(call["arguments"][0], json!({ "enum": "YEAR" }));
        assert_eq!(call["arguments"][1]["value"], field_reference(2));
        assert_eq!(call["outputType"], json!({ "i32": {} }));
        assert_eq!(
            plan["extensions"][1]["extensionFunction"]["name"],
            "extract"
        );
    }

    #[test]
    fn components_numbered_differently_are_kept() {
        let mut plan = plan("dow");
        let before = plan.clone();
        assert_eq!(date_part_extract(&mut plan), 0);
        assert_eq!(plan, before);
    }
}

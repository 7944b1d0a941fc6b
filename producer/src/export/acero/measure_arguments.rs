//! `measure_arguments`: computes aggregate arguments in a projection below the aggregate.
//!
//! Acero takes only column references as aggregate arguments ("Expected an aggregate call
//! ... to have a direct reference"), while DataFusion writes `sum(a * b)`, `sum(CASE ...)`
//! and `count(1)` with the expression in place. Each such argument is appended as a column
//! of a projection inserted below the aggregate and referred to instead. The projection keeps
//! every input column in place, so grouping keys and the other arguments still refer to the
//! same columns, and each measure aggregates the same values.

use serde_json::{Value, json};

use super::{field_index, field_reference};
use crate::import::project_emit::width;
use crate::json_walk::for_each_object;

/// The pass's name in an export report.
pub const NAME: &str = "measure_arguments";

/// Moves every measure argument that is not a column reference into a projection below its
/// aggregate; returns how many arguments moved.
pub fn measure_arguments(plan: &mut Value) -> usize {
    let mut changes = 0;
    for_each_object(plan, &mut |object| {
        let Some(Value::Object(aggregate)) = object.get_mut("aggregate") else {
            return;
        };
        let Some(input_width) = aggregate.get("input").and_then(width) else {
            return;
        };
        let mut computed = Vec::new();
        if let Some(Value::Array(measures)) = aggregate.get_mut("measures") {
            let arguments = measures
                .iter_mut()
                .filter_map(|measure| measure.pointer_mut("/measure/arguments"))
                .filter_map(Value::as_array_mut)
                .flatten();
            for argument in arguments {
                let Some(value) = argument.get_mut("value") else {
                    continue;
                };
                if field_index(value).is_none() {
                    let reference = field_reference(input_width + computed.len());
                    computed.push(std::mem::replace(value, reference));
                }
            }
        }
        if computed.is_empty() {
            return;
        }
        changes += computed.len();
        if let Some(input) = aggregate.remove("input") {
            aggregate.insert(
                "input".to_string(),
                json!({ "project": { "input": input, "expressions": computed } }),
            );
        }
    });
    changes
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::measure_arguments;
    use crate::export::acero::field_reference;

    #[test]
    fn computed_arguments_become_appended_columns() {
        let multiply = json!({ "scalarFunction": { "functionReference": 4,
            "arguments": [{ "value": field_reference(0) }, { "value": field_reference(1) }] } });
        let one = json!({ "literal": { "i64": "1" } });
        let mut plan = json!({ "aggregate": {
            "input": { "read": { "baseSchema": { "struct": { "types": [{}, {}, {}] } } } },
            "groupings": [{ "groupingExpressions": [field_reference(2)] }],
            "measures": [
                { "measure": { "functionReference": 5, "arguments": [{ "value": multiply }] } },
                { "measure": { "functionReference": 6, "arguments": [{ "value": field_reference(1) }] } },
                { "measure": { "functionReference": 7, "arguments": [{ "value": one }] } }
            ]
        } });
        assert_eq!(measure_arguments(&mut plan), 2);
        let aggregate = &plan["aggregate"];
        assert_eq!(
            aggregate["input"]["project"]["expressions"],
            json!([multiply, one])
        );
        assert!(aggregate["input"]["project"]["input"]["read"].is_object());
        let argument =
            |i: usize| aggregate["measures"][i]["measure"]["arguments"][0]["value"].clone();
        assert_eq!(argument(0), field_reference(3));
        assert_eq!(argument(1), field_reference(1));
        assert_eq!(argument(2), field_reference(4));
        assert_eq!(
            aggregate["groupings"][0]["groupingExpressions"][0],
            field_reference(2)
        );
        assert_eq!(measure_arguments(&mut plan), 0);
    }
}

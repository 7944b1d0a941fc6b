//! `measure_output_type`: gives aggregate measures the output type Acero insists on reading.
//!
//! DataFusion writes no `outputType` on aggregate functions; Acero converts the (empty) type
//! anyway and fails ("conversion to arrow::DataType from Substrait type ..."). Acero never
//! uses the converted type: the Arrow aggregate kernel decides the result type from its input.
//! So the type written changes nothing that Acero computes; nullable `fp64` is the one the
//! experiments ran with.

use serde_json::{Value, json};

use crate::json_walk::for_each_object;

/// The pass's name in an export report.
pub const NAME: &str = "measure_output_type";

/// Adds an output type to every aggregate measure without one; returns how many.
pub fn measure_output_type(plan: &mut Value) -> usize {
    let mut changes = 0;
    for_each_object(plan, &mut |object| {
        let Some(Value::Array(measures)) = object.get_mut("measures") else {
            return;
        };
        for measure in measures {
            if let Some(Value::Object(function)) = measure.get_mut("measure")
                && !function.contains_key("outputType")
            {
                function.insert(
                    "outputType".to_string(),
                    json!({ "fp64": { "nullability": "NULLABILITY_NULLABLE" } }),
                );
                changes += 1;
            }
        }
    });
    changes
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::measure_output_type;

    #[test]
    fn measures_without_a_type_get_one_and_typed_ones_keep_theirs() {
        let mut plan = json!({ "aggregate": { "measures": [
            { "measure": { "functionReference": 1 } },
            { "measure": { "functionReference": 2, "outputType": { "i64": {} } } }
        ] } });
        assert_eq!(measure_output_type(&mut plan), 1);
        let measures = &plan["aggregate"]["measures"];
        assert!(measures[0]["measure"]["outputType"]["fp64"].is_object());
        assert_eq!(measures[1]["measure"]["outputType"], json!({ "i64": {} }));
        assert_eq!(measure_output_type(&mut plan), 0);
    }
}

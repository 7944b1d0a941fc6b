//! `aggregation_phase`: spells out the phase of every aggregate function call.
//!
//! DataFusion leaves `phase` unset (`AGGREGATION_PHASE_UNSPECIFIED`), which the spec reads as
//! "consumer decides". Acero accepts only `INITIAL_TO_RESULT` and refuses the rest, and a
//! single-stage aggregate is exactly what an unsplit plan means, so that is what is written.

use serde_json::Value;

use crate::json_walk::for_each_object;

/// The pass's name in an export report.
pub const NAME: &str = "aggregation_phase";

const INITIAL_TO_RESULT: &str = "AGGREGATION_PHASE_INITIAL_TO_RESULT";

/// Sets the phase of every aggregate measure and window function whose phase is unset or
/// unspecified; returns how many changed.
pub fn aggregation_phase(plan: &mut Value) -> usize {
    let mut changes = 0;
    for_each_object(plan, &mut |object| {
        if let Some(Value::Array(measures)) = object.get_mut("measures") {
            for measure in measures.iter_mut() {
                if let Some(function) = measure.get_mut("measure") {
                    set_phase(function, &mut changes);
                }
            }
        }
        if let Some(function) = object.get_mut("windowFunction") {
            set_phase(function, &mut changes);
        }
    });
    changes
}

fn set_phase(function: &mut Value, changes: &mut usize) {
    let Some(function) = function.as_object_mut() else {
        return;
    };
    let unspecified = match function.get("phase") {
        None => true,
        Some(phase) => {
            phase.as_str() == Some("AGGREGATION_PHASE_UNSPECIFIED") || phase.as_i64() == Some(0)
        }
    };
    if unspecified {
        function.insert("phase".to_string(), Value::from(INITIAL_TO_RESULT));
        *changes += 1;
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::aggregation_phase;

    #[test]
    fn sets_unspecified_phases_of_measures_and_window_functions() {
        let mut plan = json!({ "aggregate": { "measures": [
            { "measure": { "functionReference": 1 } },
            { "measure": { "functionReference": 2, "phase": "AGGREGATION_PHASE_INITIAL_TO_INTERMEDIATE" } }
        ], "input": { "project": { "expressions": [
            { "windowFunction": { "functionReference": 3, "phase": "AGGREGATION_PHASE_UNSPECIFIED" } }
        ] } } } });
        assert_eq!(aggregation_phase(&mut plan), 2);
        assert_eq!(
            plan["aggregate"]["measures"][0]["measure"]["phase"],
            "AGGREGATION_PHASE_INITIAL_TO_RESULT"
        );
        // A phase the producer chose is kept.
        assert_eq!(
            plan["aggregate"]["measures"][1]["measure"]["phase"],
            "AGGREGATION_PHASE_INITIAL_TO_INTERMEDIATE"
        );
        assert_eq!(
            plan["aggregate"]["input"]["project"]["expressions"][0]["windowFunction"]["phase"],
            "AGGREGATION_PHASE_INITIAL_TO_RESULT"
        );
        assert_eq!(aggregation_phase(&mut plan), 0);
    }
}

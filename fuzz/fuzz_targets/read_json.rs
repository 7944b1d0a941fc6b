//! JSON plans read strictly (Switchyard's own encoding) and checked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchyard_producer::{PlanFormat, ValidatedPlan, decode_plan_as};

fuzz_target!(|data: &[u8]| {
    if let Ok(plan) = decode_plan_as(data, PlanFormat::Json) {
        let _ = ValidatedPlan::new(plan);
    }
});

//! Binary protobuf plans: decoding and the structural checks every engine relies on.
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchyard_producer::{PlanFormat, ValidatedPlan, decode_plan_as};

fuzz_target!(|data: &[u8]| {
    if let Ok(plan) = decode_plan_as(data, PlanFormat::Binary) {
        let _ = ValidatedPlan::new(plan);
    }
});

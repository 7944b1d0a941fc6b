//! Foreign plans (either encoding) through every import and normalization pass.
#![no_main]

use libfuzzer_sys::fuzz_target;
use switchyard_fuzz::imported_plan;

fuzz_target!(|data: &[u8]| {
    let _ = imported_plan(data);
});

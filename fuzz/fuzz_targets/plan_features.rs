//! Plan features and the capability check against every built-in manifest.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use switchyard_consumer::{EngineKind, Manifest};
use switchyard_fuzz::imported_plan;
use switchyard_router::{Capabilities, PlanFeatures};

fn capabilities() -> &'static [Capabilities] {
    static ALL: OnceLock<Vec<Capabilities>> = OnceLock::new();
    ALL.get_or_init(|| {
        [
            EngineKind::DataFusion,
            EngineKind::DuckDb,
            EngineKind::Postgres,
        ]
        .into_iter()
        .map(|kind| {
            let manifest = Manifest::builtin(kind).expect("built-in manifest");
            Capabilities::from_manifest(&manifest).expect("built-in capabilities")
        })
        .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    let Some(plan) = imported_plan(data) else {
        return;
    };
    let features = PlanFeatures::of(&plan);
    for function in &features.functions {
        let _ = function.signature();
    }
    for engine in capabilities() {
        let _ = engine.missing(&features);
    }
});

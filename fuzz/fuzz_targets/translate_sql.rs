//! Substrait → DataFusion logical plan → DuckDB and PostgreSQL SQL.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use switchyard_consumer::{SqlTarget, SqlTranslator};
use switchyard_fuzz::{contain_consumer_panics, imported_plan, runtime, tpch_catalog};

fn translators() -> &'static [SqlTranslator] {
    static ALL: OnceLock<Vec<SqlTranslator>> = OnceLock::new();
    ALL.get_or_init(|| {
        [SqlTarget::DuckDb, SqlTarget::Postgres]
            .into_iter()
            .map(|target| SqlTranslator::new("fuzz", target, tpch_catalog()).expect("a translator"))
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    contain_consumer_panics();
    let Some(plan) = imported_plan(data) else {
        return;
    };
    runtime().block_on(async {
        for translator in translators() {
            let _ = translator.translate(&plan).await;
        }
    });
});

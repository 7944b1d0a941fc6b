//! Inputs the fuzz targets (`fuzz/`) found crashing, kept as they were found
//! (`fuzz/regressions/`), each now a clear error. The catalog is the fuzz targets' own: the
//! TPC-H tables of the shared corpus's DDL, empty.

use std::sync::Arc;

use datafusion::prelude::SessionContext;
use switchyard_consumer::{DataFusionConfig, DataFusionEngine, Engine, SqlTarget, SqlTranslator};
use switchyard_producer::{Catalog, ValidatedPlan, import_plan_bytes};

async fn tpch_catalog() -> Catalog {
    let ddl = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/corpus/duckdb-1.1.3-generated/ddl/tpch_ddl.sql"
    ))
    .expect("the corpus DDL");
    let ctx = SessionContext::new();
    let mut catalog = Catalog::new();
    for statement in ddl.split(';').map(str::trim).filter(|s| !s.is_empty()) {
        ctx.sql(statement).await.expect("DDL runs");
        let name = statement
            .trim_start_matches("CREATE TABLE ")
            .split('(')
            .next()
            .expect("a name")
            .trim()
            .to_string();
        let provider = ctx.table_provider(name.as_str()).await.expect("created");
        catalog = catalog.with_table(name, Arc::clone(&provider));
    }
    catalog
}

/// Three of these inputs are JSON plans with mangled keys, which import dropped silently
/// until the unknown-field check (`producer/src/unknown_fields/`); now import refuses them,
/// naming one of `keys` (which one first depends on the JSON map's key order). What the
/// engines used to receive is the plan without those keys (exactly what pbjson's decoding
/// made of it), so the tests go on checking containment on it.
async fn without_unknown_keys(bytes: &[u8], keys: &[&str]) -> Vec<u8> {
    let catalog = tpch_catalog().await;
    let error = import_plan_bytes(bytes, &catalog).expect_err("the unknown-field check refuses it");
    let message = error.to_string();
    assert!(
        keys.iter()
            .any(|key| message.contains(&format!("refused: unknown field {key:?}"))),
        "{message}"
    );
    let mut value: serde_json::Value = serde_json::from_slice(bytes).expect("a JSON plan");
    for key in keys {
        remove_key(&mut value, key);
    }
    serde_json::to_vec(&value).expect("JSON encodes")
}

fn remove_key(value: &mut serde_json::Value, key: &str) {
    match value {
        serde_json::Value::Object(object) => {
            object.remove(key);
            for child in object.values_mut() {
                remove_key(child, key);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                remove_key(item, key);
            }
        }
        _ => {}
    }
}

/// A DuckDB plan whose read projection was mangled away (an unknown JSON field, dropped on
/// import before the unknown-field check), so a field reference points past an empty input:
/// datafusion-substrait 55 indexes out of bounds. Switchyard consumes plans on a task of their
/// own, so the panic is an error.
#[tokio::test]
async fn translate_sql_crash_cf4a5c7c_a_field_past_an_empty_projection() {
    let catalog = tpch_catalog().await;
    let bytes = without_unknown_keys(
        include_bytes!("../../fuzz/regressions/translate_sql-crash-cf4a5c7c.json"),
        &["sl_commenttructItems"],
    )
    .await;
    let (plan, _) = import_plan_bytes(&bytes, &catalog).expect("imports");
    let plan = ValidatedPlan::new(plan).expect("valid in structure");
    for target in [SqlTarget::DuckDb, SqlTarget::Postgres] {
        let translator = SqlTranslator::new("fuzz", target, &catalog).expect("translator");
        let error = translator
            .translate(&plan)
            .await
            .expect_err("no SQL for a plan that references a missing field");
        let message = error.to_string();
        assert!(
            message.contains("engine fuzz cannot run the plan")
                && message.contains("malformed plan: index out of bounds"),
            "{message}"
        );
    }
}

/// Each translator and the DataFusion engine refuse `bytes` with an error naming the engine.
async fn refused_everywhere(bytes: &[u8]) -> Vec<String> {
    let catalog = tpch_catalog().await;
    let (plan, _) = import_plan_bytes(bytes, &catalog).expect("imports");
    let plan = ValidatedPlan::new(plan).expect("valid in structure");
    let mut errors = Vec::new();
    for target in [SqlTarget::DuckDb, SqlTarget::Postgres] {
        let translator = SqlTranslator::new("fuzz", target, &catalog).expect("translator");
        let error = translator.translate(&plan).await.expect_err("no SQL");
        errors.push(error.to_string());
    }
    let engine =
        DataFusionEngine::new("fuzz", &catalog, &DataFusionConfig::default()).expect("engine");
    match engine.execute(&plan).await {
        Ok(_) => panic!("the DataFusion engine started a malformed plan"),
        Err(error) => errors.push(error.to_string()),
    }
    for error in &errors {
        assert!(error.contains("engine fuzz"), "{error}");
    }
    errors
}

/// A decimal whose scale arrow cannot format: formatting it overflowed (a panic with overflow
/// checks on) while DataFusion named an aggregate. The typed walk's type rules now refuse the
/// type on entry, with its path, so no engine or translator is handed the plan.
#[tokio::test]
async fn translate_sql_crash_ad01145a_a_decimal_arrow_cannot_format() {
    let bytes = include_bytes!("../../fuzz/regressions/translate_sql-crash-ad01145a.bin");
    let catalog = tpch_catalog().await;
    let (plan, _) = import_plan_bytes(bytes, &catalog).expect("imports");
    let error = ValidatedPlan::new(plan).expect_err("a decimal of precision 0 is invalid");
    let message = error.to_string();
    assert!(
        message.contains("decimal(0, 2) has precision 0; it must be 1 to 38"),
        "{message}"
    );
}

/// The same kind of decimal, found again: a literal whose `precision` key was mangled (an
/// unknown JSON field, dropped on import before the unknown-field check), so it reads as
/// DECIMAL(0, 2). Contained here; `switchyard run` refuses it before any engine (now on
/// import, and the router's type rules too).
#[tokio::test]
async fn translate_sql_crash_08c3152c_a_decimal_literal_of_precision_zero() {
    // A mangled `structField` too (`structieFld`), in a projection's field reference.
    let bytes = without_unknown_keys(
        include_bytes!("../../fuzz/regressions/translate_sql-crash-08c3152c.json"),
        &["precisio~", "structieFld"],
    )
    .await;
    refused_everywhere(&bytes).await;
}

/// A field index past an empty schema, reached in optimizing or planning after consumption:
/// those steps run contained too.
#[tokio::test]
async fn translate_sql_crash_fcf1d9dd_a_field_past_an_empty_schema_in_planning() {
    // The emit's mangled `outputMapping` key is what the unknown-field check now refuses.
    let bytes = without_unknown_keys(
        include_bytes!("../../fuzz/regressions/translate_sql-crash-fcf1d9dd.json"),
        &["outputMappqng"],
    )
    .await;
    let errors = refused_everywhere(&bytes).await;
    assert!(
        errors.iter().all(|e| e.contains("malformed plan")),
        "{errors:#?}"
    );
}

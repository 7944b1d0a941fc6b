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

/// A DuckDB plan whose read projection was mangled away (an unknown JSON field, dropped on
/// import), so a field reference points past an empty input: datafusion-substrait 55 indexes
/// out of bounds. Switchyard consumes plans on a task of their own, so the panic is an error.
#[tokio::test]
async fn translate_sql_crash_cf4a5c7c_a_field_past_an_empty_projection() {
    let catalog = tpch_catalog().await;
    let bytes = include_bytes!("../../fuzz/regressions/translate_sql-crash-cf4a5c7c.json");
    let (plan, _) = import_plan_bytes(bytes, &catalog).expect("imports");
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

/// A decimal whose scale arrow cannot format: formatting it overflows (a panic with overflow
/// checks on) while DataFusion names an aggregate; consumption runs contained.
#[tokio::test]
async fn translate_sql_crash_ad01145a_a_decimal_arrow_cannot_format() {
    let bytes = include_bytes!("../../fuzz/regressions/translate_sql-crash-ad01145a.bin");
    refused_everywhere(bytes).await;
}

/// The same kind of decimal, found again: a literal whose `precision` key was mangled (an
/// unknown JSON field, dropped on import), so it reads as DECIMAL(0, 2). Contained here;
/// `switchyard run` refuses it before any engine (the router's type rules).
#[tokio::test]
async fn translate_sql_crash_08c3152c_a_decimal_literal_of_precision_zero() {
    let bytes = include_bytes!("../../fuzz/regressions/translate_sql-crash-08c3152c.json");
    refused_everywhere(bytes).await;
}

/// A field index past an empty schema, reached in optimizing or planning after consumption:
/// those steps run contained too.
#[tokio::test]
async fn translate_sql_crash_fcf1d9dd_a_field_past_an_empty_schema_in_planning() {
    let bytes = include_bytes!("../../fuzz/regressions/translate_sql-crash-fcf1d9dd.json");
    let errors = refused_everywhere(bytes).await;
    assert!(
        errors.iter().all(|e| e.contains("malformed plan")),
        "{errors:#?}"
    );
}

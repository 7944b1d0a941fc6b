//! Inputs the fuzz targets (`fuzz/`) found crashing, kept as they were found
//! (`fuzz/regressions/`), each now a clear error on entry. The catalog is the fuzz targets' own: the
//! TPC-H tables of the shared corpus's DDL, empty.

use std::sync::Arc;

use datafusion::prelude::SessionContext;
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

/// Imports `bytes` and checks that `ValidatedPlan` refuses the plan naming `needle`: the
/// typed walk (`producer/src/visit/`) resolves every reference and checks every type on
/// entry, so no translator or engine is ever handed these plans (engines take only
/// `ValidatedPlan`). They used to reach datafusion-substrait and panic there, contained on a
/// task of their own.
async fn refused_on_entry(bytes: &[u8], needle: &str) {
    let catalog = tpch_catalog().await;
    let (plan, _) = import_plan_bytes(bytes, &catalog).expect("imports");
    let error = ValidatedPlan::new(plan).expect_err("refused on entry");
    let message = error.to_string();
    assert!(message.contains(needle), "{message}");
}

/// A DuckDB plan whose read projection was mangled away (an unknown JSON field, which import
/// now refuses), so a field reference points past an empty input: datafusion-substrait 55
/// indexed out of bounds.
#[tokio::test]
async fn translate_sql_crash_cf4a5c7c_a_field_past_an_empty_projection() {
    let bytes = without_unknown_keys(
        include_bytes!("../../fuzz/regressions/translate_sql-crash-cf4a5c7c.json"),
        &["sl_commenttructItems"],
    )
    .await;
    refused_on_entry(
        &bytes,
        "project/aggregate/measures[0]/arguments[0]: references field 0, but its input has 0 columns",
    )
    .await;
}

/// A decimal whose scale arrow cannot format: formatting it overflowed (a panic with overflow
/// checks on) while DataFusion named an aggregate. The type rules refuse the type on entry.
#[tokio::test]
async fn translate_sql_crash_ad01145a_a_decimal_arrow_cannot_format() {
    let bytes = include_bytes!("../../fuzz/regressions/translate_sql-crash-ad01145a.bin");
    refused_on_entry(bytes, "decimal(0, 2) has precision 0; it must be 1 to 38").await;
}

/// The same kind of decimal, found again: a literal whose `precision` key was mangled (an
/// unknown JSON field, which import now refuses), so it reads as DECIMAL(0, 2); and a mangled
/// `structField` in a projection's field reference.
#[tokio::test]
async fn translate_sql_crash_08c3152c_a_decimal_literal_of_precision_zero() {
    let bytes = without_unknown_keys(
        include_bytes!("../../fuzz/regressions/translate_sql-crash-08c3152c.json"),
        &["precisio~", "structieFld"],
    )
    .await;
    refused_on_entry(&bytes, "decimal(0, 2) has precision 0; it must be 1 to 38").await;
    refused_on_entry(
        &bytes,
        "sort/project/expressions[8]: a reference into a row must start with a struct field",
    )
    .await;
}

/// A field index past an empty schema, reached in optimizing or planning after consumption:
/// the walk finds the `IN` subquery returning no column on entry.
#[tokio::test]
async fn translate_sql_crash_fcf1d9dd_a_field_past_an_empty_schema_in_planning() {
    // The emit's mangled `outputMapping` key is what the unknown-field check now refuses.
    let bytes = without_unknown_keys(
        include_bytes!("../../fuzz/regressions/translate_sql-crash-fcf1d9dd.json"),
        &["outputMappqng"],
    )
    .await;
    refused_on_entry(
        &bytes,
        "IN compares 1 values with a subquery returning 0 columns",
    )
    .await;
}

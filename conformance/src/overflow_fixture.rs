//! A fixture for verify tests: a table whose `Int8` values overflow when added, and a way to
//! set a function option on every call of a JSON plan (our producer writes none, so a plan
//! asking for `overflow: SILENT` is made by editing one).

use std::path::Path;

use datafusion::error::DataFusionError;
use datafusion::prelude::SessionContext;

/// Writes `small_ints(a, b)` as Parquet at `path`: two `Int8` columns whose sum overflows in
/// the first row (120 + 10) and not in the second (1 + 2).
pub async fn write_overflowing_i8_table(path: &Path) -> Result<(), DataFusionError> {
    SessionContext::new()
        .sql(&format!(
            "COPY (SELECT arrow_cast(a, 'Int8') AS a, arrow_cast(b, 'Int8') AS b \
             FROM (VALUES (120, 10), (1, 2)) AS t(a, b)) TO '{}' STORED AS PARQUET",
            path.display()
        ))
        .await?
        .collect()
        .await?;
    Ok(())
}

/// Sets option `name` to `[value]` on every scalar function call of a plan in Substrait's
/// JSON form; returns how many calls it set.
pub fn set_scalar_option(plan: &mut serde_json::Value, name: &str, value: &str) -> usize {
    match plan {
        serde_json::Value::Object(map) => {
            let mut set = 0;
            if let Some(serde_json::Value::Object(call)) = map.get_mut("scalarFunction") {
                call.insert(
                    "options".to_string(),
                    serde_json::json!([{ "name": name, "preference": [value] }]),
                );
                set += 1;
            }
            set + map
                .values_mut()
                .map(|v| set_scalar_option(v, name, value))
                .sum::<usize>()
        }
        serde_json::Value::Array(items) => items
            .iter_mut()
            .map(|v| set_scalar_option(v, name, value))
            .sum(),
        _ => 0,
    }
}

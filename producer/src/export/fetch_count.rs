//! `fetch_count`: writes `FetchRel.count_expr` and `offset_expr` as the old constant fields.
//!
//! Spec 0.55 moved `LIMIT`/`OFFSET` from `int64 count`/`offset` to expressions. Acero (spec
//! 0.44) skips the unknown expression fields and reads the unset `count` as 0: every limited
//! query returns no rows. DuckDB 1.1.3 rejects the fields outright. Both read the old fields.

use serde_json::{Map, Value};

use crate::error::ProducerError;
use crate::json_walk::try_for_each_object;

/// The pass's name in an export report.
pub const NAME: &str = "fetch_count";

/// Rewrites every fetch's constant count and offset expressions as `count`/`offset`; returns how
/// many fields changed. A count or offset that is not a constant integer is an error: the old
/// fields cannot hold it.
pub fn fetch_count(plan: &mut Value) -> Result<usize, ProducerError> {
    let mut changes = 0;
    try_for_each_object(plan, &mut |object| {
        if let Some(Value::Object(fetch)) = object.get_mut("fetch") {
            rewrite(fetch, "countExpr", "count", &mut changes)?;
            rewrite(fetch, "offsetExpr", "offset", &mut changes)?;
        }
        Ok(())
    })?;
    Ok(changes)
}

fn rewrite(
    fetch: &mut Map<String, Value>,
    expression_key: &str,
    constant_key: &str,
    changes: &mut usize,
) -> Result<(), ProducerError> {
    let Some(expression) = fetch.remove(expression_key) else {
        return Ok(());
    };
    let Some(constant) = integer_literal(&expression) else {
        return Err(ProducerError::Invalid(format!(
            "a fetch's {constant_key} is the expression {expression}, but consumers before \
             Substrait 0.55 read only a constant {constant_key}"
        )));
    };
    // pbjson writes 64-bit integers as strings.
    fetch.insert(
        constant_key.to_string(),
        Value::String(constant.to_string()),
    );
    *changes += 1;
    Ok(())
}

/// The value of an integer literal expression (`{"literal": {"i64": "10"}}` and narrower).
fn integer_literal(expression: &Value) -> Option<i64> {
    let literal = expression.get("literal")?.as_object()?;
    ["i64", "i32", "i16", "i8"].iter().find_map(|kind| {
        let value = literal.get(*kind)?;
        value
            .as_i64()
            .or_else(|| value.as_str().and_then(|text| text.parse().ok()))
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::fetch_count;

    #[test]
    fn writes_constant_counts_and_offsets_in_the_old_fields() {
        let mut plan = json!({ "root": { "input": { "fetch": {
            "input": { "read": {} },
            "offsetExpr": { "literal": { "i64": "5" } },
            "countExpr": { "literal": { "i32": 10 } }
        } } } });
        assert_eq!(fetch_count(&mut plan).expect("constants convert"), 2);
        assert_eq!(
            plan,
            json!({ "root": { "input": { "fetch": {
                "input": { "read": {} }, "offset": "5", "count": "10"
            } } } })
        );
    }

    #[test]
    fn refuses_a_computed_count_naming_it() {
        let mut plan = json!({ "fetch": { "countExpr": { "selection": {} } } });
        let error = fetch_count(&mut plan).expect_err("a computed count has no old form");
        assert!(error.to_string().contains("constant count"), "{error}");
    }
}

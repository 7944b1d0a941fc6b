//! `decimal_literals`: gives each decimal literal the precision its value needs.
//!
//! DataFusion writes the integer in `1 - l_discount` as `decimal(20, 0)`. Arrow derives the
//! precision of decimal arithmetic from its operands' and, unlike DataFusion, does not cap it
//! at 38: `decimal(15, 2) * (decimal(20, 0) - decimal(15, 2))` needs 39 digits and Acero stops
//! ("Decimal precision out of range [1, 38]: 39"). The literal's value and scale stay as they
//! are; only its declared precision shrinks to the digits the value has (at least its scale,
//! at least 1), so it denotes the same number.

use datafusion_substrait::substrait::proto::expression::literal::Decimal;
use serde_json::Value;

use crate::json_walk::for_each_object;

/// The pass's name in an export report.
pub const NAME: &str = "decimal_literals";

/// Narrows every decimal literal wider than its value; returns how many.
pub fn decimal_literals(plan: &mut Value) -> usize {
    let mut changes = 0;
    for_each_object(plan, &mut |object| {
        let Some(Value::Object(literal)) = object.get_mut("literal") else {
            return;
        };
        let Some(decimal) = literal.get_mut("decimal") else {
            return;
        };
        let Ok(parsed) = serde_json::from_value::<Decimal>(decimal.clone()) else {
            return;
        };
        let Some(needed) = needed_precision(&parsed) else {
            return;
        };
        if needed < parsed.precision
            && let Some(decimal) = decimal.as_object_mut()
        {
            decimal.insert("precision".to_string(), Value::from(needed));
            changes += 1;
        }
    });
    changes
}

/// The digits of the literal's unscaled value (16 bytes, little-endian two's complement), at
/// least its scale and at least 1.
fn needed_precision(decimal: &Decimal) -> Option<i32> {
    let bytes: [u8; 16] = decimal.value.as_slice().try_into().ok()?;
    let unscaled = i128::from_le_bytes(bytes).unsigned_abs();
    let digits = i32::try_from(unscaled.checked_ilog10().map_or(1, |log| log + 1)).ok()?;
    Some(digits.max(decimal.scale).max(1))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::decimal_literals;

    #[test]
    fn literals_shrink_to_their_digits_and_never_below_their_scale() {
        // 1 as decimal(20, 0); 12345 as decimal(15, 2) (123.45); 0 as decimal(15, 2); -7 as
        // decimal(1, 0), already as narrow as it gets.
        let mut plan = json!([
            { "literal": { "decimal": { "value": "AQAAAAAAAAAAAAAAAAAAAA==", "precision": 20 } } },
            { "literal": { "decimal": { "value": "OTAAAAAAAAAAAAAAAAAAAA==", "precision": 15, "scale": 2 } } },
            { "literal": { "decimal": { "value": "AAAAAAAAAAAAAAAAAAAAAA==", "precision": 15, "scale": 2 } } },
            { "literal": { "decimal": { "value": "+f///////////////////w==", "precision": 1 } } }
        ]);
        assert_eq!(decimal_literals(&mut plan), 3);
        let precision = |i: usize| plan[i]["literal"]["decimal"]["precision"].clone();
        assert_eq!(precision(0), 1);
        assert_eq!(precision(1), 5);
        assert_eq!(precision(2), 2);
        assert_eq!(precision(3), 1);
        assert_eq!(
            plan[1]["literal"]["decimal"]["value"],
            "OTAAAAAAAAAAAAAAAAAAAA=="
        );
    }
}

//! Comparing an engine's answer to a case with the value the case expects.
//!
//! A case plan returns one row with one column, so [`check_result`] first checks that shape and
//! then compares the one value. The rule for types: the result's Arrow type must be of the same
//! *kind* as the declared type (integer, floating point, decimal, string, binary, boolean, date,
//! time, timestamp, interval, list), but its width, scale or time unit may differ as long as the
//! value is the same. So `3::i8` matches an `Int64` 3 and `1.5::dec<38,1>` a `Decimal128(38, 2)`
//! 1.50, while `3::i8` does not match a `Float64` 3.0.
//!
//! * Null matches null whatever the types (engines often type an all-null result `Null`);
//!   nothing else matches null.
//! * Integers, decimals, dates, times and timestamps compare exactly, the expected text read at
//!   the result's scale or time unit; a result that cannot hold the expected value exactly
//!   (1.25 against a scale-1 decimal) differs. Zoned timestamps compare as UTC instants, and
//!   whether the Arrow type carries a zone is not checked.
//! * Floats match within [`FLOAT_RELATIVE_TOLERANCE`]; NaN matches NaN, an infinity only itself.
//! * Strings and binary compare exactly, binary against the text's UTF-8 bytes as the plan
//!   builder writes binary literals; UUIDs as hex digits, ignoring case and hyphens.
//! * Intervals compare as (months, days, nanoseconds), a year being 12 months. Arrow's
//!   `Duration`, which has no day field, matches when months are zero and the total length
//!   (a day being 24 hours) agrees.
//! * Lists compare their length, then each element by these same rules.

mod arrow_value;

use datafusion::arrow::array::Array;
use datafusion::arrow::record_batch::RecordBatch;

use super::{DataType, Expected, Literal, PlanError, TypeKind};
use arrow_value::{Interval, MILLIS_PER_DAY};

// The plan builder's own readers of decimal and temporal text, so that an expected value is read
// exactly as an argument is.
use super::to_plan::{decimal as decimal_text, temporal as temporal_text};

/// The relative tolerance for floating-point results. Looser than
/// [`DEFAULT_RELATIVE_TOLERANCE`](crate::DEFAULT_RELATIVE_TOLERANCE) because an `fp32` result
/// holds only about seven significant digits.
pub const FLOAT_RELATIVE_TOLERANCE: f64 = 1e-6;

/// The widest decimal Substrait has; expected decimal text is read with this many digits.
const MAX_DECIMAL_DIGITS: u32 = 38;
const NANOS_PER_DAY: i128 = 86_400 * 1_000_000_000;

/// Checks an engine's result for a case against the case's expectation (rules in the module
/// docs). `Err` is a readable difference such as `expected 3::i8, got 4 (Int8)`.
///
/// The result must be exactly one row of one column, whatever the expectation:
/// [`Expected::Undefined`] accepts any single value. [`Expected::Error`] is the runner's to
/// check before a result exists; a result here means the call did not fail, so it differs.
pub fn check_result(batches: &[RecordBatch], expected: &Expected) -> Result<(), String> {
    let (array, row) = single_value(batches)?;
    match expected {
        Expected::Undefined => Ok(()),
        Expected::Error => Err(format!(
            "expected an error, got {}",
            arrow_value::shown(array, row)
        )),
        Expected::Value(value) => compare(array, row, &value.value, &value.data_type)
            .map_err(|mismatch| difference(array, row, &value.value, &value.data_type, mismatch)),
    }
}

/// A short description of a result: its value and type if it is one value, else its shape.
pub(super) fn describe_result(batches: &[RecordBatch]) -> String {
    if let Ok((array, row)) = single_value(batches) {
        return arrow_value::shown(array, row);
    }
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    let columns = batches.first().map_or(0, RecordBatch::num_columns);
    format!("{rows} row(s) of {columns} column(s)")
}

/// The one value of a one-row, one-column result, as its array and row.
fn single_value(batches: &[RecordBatch]) -> Result<(&dyn Array, usize), String> {
    let columns = batches.first().map_or(1, RecordBatch::num_columns);
    if columns != 1 {
        return Err(format!("expected one column, got {columns}"));
    }
    let rows: usize = batches.iter().map(RecordBatch::num_rows).sum();
    if rows != 1 {
        return Err(format!("expected one row, got {rows}"));
    }
    // Engines may send empty batches around the one that holds the row.
    batches
        .iter()
        .filter(|batch| batch.num_rows() == 1)
        .find_map(|batch| batch.columns().first())
        .map(|column| (column.as_ref(), 0))
        .ok_or_else(|| "expected one row, got none".to_string())
}

/// Why a value did not match; [`difference`] turns it into text.
enum Mismatch {
    /// A type of the right kind holding another value.
    Value,
    /// A type of another kind, e.g. `not an integer type`.
    Kind(&'static str),
    /// A difference that needs explaining: a list element, a value the result cannot hold.
    Detail(String),
}

fn same(equal: bool) -> Result<(), Mismatch> {
    if equal { Ok(()) } else { Err(Mismatch::Value) }
}

/// `expected 3::i8, got 4 (Int8)`, with the reason appended when there is more to say.
fn difference(
    array: &dyn Array,
    row: usize,
    expected: &Literal,
    data_type: &DataType,
    mismatch: Mismatch,
) -> String {
    let head = format!(
        "expected {}::{data_type}, got {}",
        shown(expected),
        arrow_value::shown(array, row)
    );
    match mismatch {
        Mismatch::Value => head,
        Mismatch::Kind(kind) => format!("{head}: {kind}"),
        Mismatch::Detail(detail) => format!("{head}: {detail}"),
    }
}

fn compare(
    array: &dyn Array,
    row: usize,
    expected: &Literal,
    data_type: &DataType,
) -> Result<(), Mismatch> {
    match (arrow_value::is_null(array, row), expected) {
        (true, Literal::Null) => return Ok(()),
        (true, _) | (false, Literal::Null) => return Err(Mismatch::Value),
        (false, _) => {}
    }
    match (&data_type.kind, expected) {
        (TypeKind::Boolean, Literal::Boolean(want)) => {
            let got =
                arrow_value::boolean(array, row).ok_or(Mismatch::Kind("not a boolean type"))?;
            same(got == *want)
        }
        (TypeKind::I8 | TypeKind::I16 | TypeKind::I32 | TypeKind::I64, Literal::Integer(want)) => {
            let got =
                arrow_value::integer(array, row).ok_or(Mismatch::Kind("not an integer type"))?;
            same(got == i128::from(*want))
        }
        (TypeKind::Fp32 | TypeKind::Fp64, Literal::Float(text)) => {
            let got = arrow_value::float(array, row)
                .ok_or(Mismatch::Kind("not a floating-point type"))?;
            let want = expected
                .as_f64()
                .ok_or_else(|| Mismatch::Detail(format!("{text} is not a number")))?;
            same(floats_match(want, got))
        }
        (TypeKind::Decimal(_), Literal::Decimal(text)) => compare_decimal(array, row, text),
        (
            TypeKind::String | TypeKind::VarChar(_) | TypeKind::FixedChar(_),
            Literal::String(want),
        ) => {
            let got = arrow_value::string(array, row).ok_or(Mismatch::Kind("not a string type"))?;
            same(got == want)
        }
        (TypeKind::Binary | TypeKind::FixedBinary(_), Literal::String(want)) => {
            let got = arrow_value::binary(array, row).ok_or(Mismatch::Kind("not a binary type"))?;
            same(got == want.as_bytes())
        }
        (TypeKind::Uuid, Literal::String(want)) => {
            let got = match (
                arrow_value::string(array, row),
                arrow_value::binary(array, row),
            ) {
                (Some(text), _) => uuid_digits(text),
                (None, Some(bytes)) => bytes.iter().map(|b| format!("{b:02x}")).collect(),
                (None, None) => return Err(Mismatch::Kind("not a string or binary type")),
            };
            same(got == uuid_digits(want))
        }
        (TypeKind::Date, Literal::Date(text)) => {
            let got =
                arrow_value::date_millis(array, row).ok_or(Mismatch::Kind("not a date type"))?;
            let want = temporal_text::date_days(text).map_err(cannot_hold)?;
            same(got == i64::from(want) * MILLIS_PER_DAY)
        }
        (TypeKind::Time | TypeKind::PrecisionTime(_), Literal::Time(text)) => {
            let (got, precision) =
                arrow_value::time(array, row).ok_or(Mismatch::Kind("not a time type"))?;
            let want = temporal_text::time_of_day(text, precision).map_err(cannot_hold)?;
            same(got == want)
        }
        (
            TypeKind::Timestamp
            | TypeKind::TimestampTz
            | TypeKind::PrecisionTimestamp(_)
            | TypeKind::PrecisionTimestampTz(_),
            Literal::Timestamp(text) | Literal::TimestampTz(text),
        ) => {
            let (got, precision) =
                arrow_value::timestamp(array, row).ok_or(Mismatch::Kind("not a timestamp type"))?;
            let want = temporal_text::timestamp(text, precision).map_err(cannot_hold)?;
            same(got == want)
        }
        (
            TypeKind::IntervalYear | TypeKind::IntervalDay(_) | TypeKind::IntervalCompound(_),
            Literal::IntervalYear(text)
            | Literal::IntervalDay(text)
            | Literal::IntervalCompound(text),
        ) => compare_interval(array, row, text),
        (TypeKind::List(element), Literal::List(items)) => compare_list(array, row, items, element),
        (kind, _) => Err(Mismatch::Detail(format!(
            "comparing `{}` values is not supported",
            DataType::new(kind.clone())
        ))),
    }
}

fn floats_match(want: f64, got: f64) -> bool {
    if want.is_nan() || got.is_nan() {
        return want.is_nan() && got.is_nan();
    }
    // Without this an infinity would be "within tolerance" of any finite value.
    if want.is_infinite() || got.is_infinite() {
        return want == got;
    }
    (want - got).abs() <= FLOAT_RELATIVE_TOLERANCE * want.abs().max(got.abs())
}

fn compare_decimal(array: &dyn Array, row: usize, text: &str) -> Result<(), Mismatch> {
    let (unscaled, scale) =
        arrow_value::decimal(array, row).ok_or(Mismatch::Kind("not a decimal type"))?;
    let unscaled = unscaled
        .ok_or_else(|| Mismatch::Detail("the value needs more than 38 digits".to_string()))?;
    // Arrow allows a negative scale (the unscaled value counts tens, hundreds, ...).
    let (unscaled, scale) = if scale < 0 {
        let scaled_up = 10_i128
            .checked_pow(u32::from(scale.unsigned_abs()))
            .and_then(|factor| unscaled.checked_mul(factor))
            .ok_or(Mismatch::Value)?;
        (scaled_up, 0)
    } else {
        (unscaled, u32::from(scale.unsigned_abs()))
    };
    // Reading the text at the result's scale fails exactly when that scale drops digits the
    // expected value has, so any scale that holds the value passes.
    match decimal_text::unscaled(text, MAX_DECIMAL_DIGITS, scale) {
        Ok(want) => same(want == unscaled),
        Err(_) => Err(Mismatch::Value),
    }
}

fn compare_interval(array: &dyn Array, row: usize, text: &str) -> Result<(), Mismatch> {
    // Nanoseconds, the finest unit an Arrow interval holds.
    let want = temporal_text::duration(text, 9).map_err(cannot_hold)?;
    let months = i128::from(want.years) * 12 + i128::from(want.months);
    let days = i128::from(want.days);
    let nanos = want.subseconds;
    match arrow_value::interval(array, row) {
        Some(got @ Interval::Calendar { .. }) => same(
            got == Interval::Calendar {
                months,
                days,
                nanos,
            },
        ),
        Some(Interval::Duration(got)) => same(months == 0 && days * NANOS_PER_DAY + nanos == got),
        None => Err(Mismatch::Kind("not an interval type")),
    }
}

fn compare_list(
    array: &dyn Array,
    row: usize,
    items: &[Literal],
    element: &DataType,
) -> Result<(), Mismatch> {
    let values = arrow_value::list_values(array, row).ok_or(Mismatch::Kind("not a list type"))?;
    if values.len() != items.len() {
        return Err(Mismatch::Detail(format!(
            "expected {} elements, got {}",
            items.len(),
            values.len()
        )));
    }
    for (index, item) in items.iter().enumerate() {
        compare(values.as_ref(), index, item, element).map_err(|mismatch| {
            let inner = difference(values.as_ref(), index, item, element, mismatch);
            Mismatch::Detail(format!("element {index}: {inner}"))
        })?;
    }
    Ok(())
}

/// Why expected text could not be read at the result's unit, without the plan error's prefix.
fn cannot_hold(error: PlanError) -> Mismatch {
    match error {
        PlanError::Invalid(reason) | PlanError::Unsupported(reason) => Mismatch::Detail(reason),
    }
}

/// A UUID's hex digits in lower case, hyphens dropped.
fn uuid_digits(text: &str) -> String {
    text.chars()
        .filter(|c| *c != '-')
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// An expected value as the test format writes it.
fn shown(literal: &Literal) -> String {
    match literal {
        Literal::Null => "null".to_string(),
        Literal::Boolean(value) => value.to_string(),
        Literal::Integer(value) => value.to_string(),
        Literal::Decimal(text) | Literal::Float(text) => text.clone(),
        Literal::String(text)
        | Literal::Date(text)
        | Literal::Time(text)
        | Literal::Timestamp(text)
        | Literal::TimestampTz(text)
        | Literal::IntervalYear(text)
        | Literal::IntervalDay(text)
        | Literal::IntervalCompound(text) => format!("'{text}'"),
        Literal::List(items) => {
            let items: Vec<String> = items.iter().map(shown).collect();
            format!("[{}]", items.join(", "))
        }
        Literal::Lambda(lambda) => {
            format!(
                "({} -> {}(...))",
                lambda.parameters.join(", "),
                lambda.body.name
            )
        }
    }
}

#[cfg(test)]
mod tests;

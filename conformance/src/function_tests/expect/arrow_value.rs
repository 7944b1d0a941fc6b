//! Reading the one value at a row of an Arrow array, whatever width, scale or unit the engine
//! chose. Each reader returns `None` when the array is of another kind of type.

use datafusion::arrow::array::{Array, ArrayRef, AsArray};
use datafusion::arrow::datatypes::{
    ArrowPrimitiveType, DataType, Date32Type, Date64Type, Decimal32Type, Decimal64Type,
    Decimal128Type, Decimal256Type, DurationMicrosecondType, DurationMillisecondType,
    DurationNanosecondType, DurationSecondType, Float16Type, Float32Type, Float64Type, Int8Type,
    Int16Type, Int32Type, Int64Type, IntervalDayTimeType, IntervalMonthDayNanoType, IntervalUnit,
    IntervalYearMonthType, Time32MillisecondType, Time32SecondType, Time64MicrosecondType,
    Time64NanosecondType, TimeUnit, TimestampMicrosecondType, TimestampMillisecondType,
    TimestampNanosecondType, TimestampSecondType, UInt8Type, UInt16Type, UInt32Type, UInt64Type,
};
use datafusion::arrow::util::display::array_value_to_string;

/// Milliseconds in a day, the unit dates are read in so `Date32` and `Date64` compare alike.
pub(super) const MILLIS_PER_DAY: i64 = 86_400_000;

/// An interval value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Interval {
    /// Arrow's interval types: months, days and nanoseconds kept apart.
    Calendar {
        /// Months (a year is 12).
        months: i128,
        /// Days.
        days: i128,
        /// Nanoseconds.
        nanos: i128,
    },
    /// Arrow's `Duration`, a length in nanoseconds with no month or day field.
    Duration(i128),
}

/// Whether the value is null; `logical_nulls` so that a `Null`-typed array counts.
pub(super) fn is_null(array: &dyn Array, row: usize) -> bool {
    array
        .logical_nulls()
        .is_some_and(|nulls| nulls.is_null(row))
}

/// A boolean.
pub(super) fn boolean(array: &dyn Array, row: usize) -> Option<bool> {
    array.as_boolean_opt().map(|values| values.value(row))
}

/// Any signed or unsigned integer.
pub(super) fn integer(array: &dyn Array, row: usize) -> Option<i128> {
    Some(match array.data_type() {
        DataType::Int8 => i128::from(primitive::<Int8Type>(array, row)?),
        DataType::Int16 => i128::from(primitive::<Int16Type>(array, row)?),
        DataType::Int32 => i128::from(primitive::<Int32Type>(array, row)?),
        DataType::Int64 => i128::from(primitive::<Int64Type>(array, row)?),
        DataType::UInt8 => i128::from(primitive::<UInt8Type>(array, row)?),
        DataType::UInt16 => i128::from(primitive::<UInt16Type>(array, row)?),
        DataType::UInt32 => i128::from(primitive::<UInt32Type>(array, row)?),
        DataType::UInt64 => i128::from(primitive::<UInt64Type>(array, row)?),
        _ => return None,
    })
}

/// Any floating-point width.
pub(super) fn float(array: &dyn Array, row: usize) -> Option<f64> {
    Some(match array.data_type() {
        DataType::Float16 => primitive::<Float16Type>(array, row)?.to_f64(),
        DataType::Float32 => f64::from(primitive::<Float32Type>(array, row)?),
        DataType::Float64 => primitive::<Float64Type>(array, row)?,
        _ => return None,
    })
}

/// The unscaled value and the scale of any decimal width; the value is `None` when a
/// `Decimal256` holds more than an `i128` can.
pub(super) fn decimal(array: &dyn Array, row: usize) -> Option<(Option<i128>, i8)> {
    Some(match array.data_type() {
        DataType::Decimal32(_, scale) => {
            let value = primitive::<Decimal32Type>(array, row)?;
            (Some(i128::from(value)), *scale)
        }
        DataType::Decimal64(_, scale) => {
            let value = primitive::<Decimal64Type>(array, row)?;
            (Some(i128::from(value)), *scale)
        }
        DataType::Decimal128(_, scale) => (Some(primitive::<Decimal128Type>(array, row)?), *scale),
        DataType::Decimal256(_, scale) => {
            let value = primitive::<Decimal256Type>(array, row)?;
            (value.to_i128(), *scale)
        }
        _ => return None,
    })
}

/// Text of any string layout.
pub(super) fn string(array: &dyn Array, row: usize) -> Option<&str> {
    match array.data_type() {
        DataType::Utf8 => Some(array.as_string_opt::<i32>()?.value(row)),
        DataType::LargeUtf8 => Some(array.as_string_opt::<i64>()?.value(row)),
        DataType::Utf8View => Some(array.as_string_view_opt()?.value(row)),
        _ => None,
    }
}

/// Bytes of any binary layout, fixed-size included.
pub(super) fn binary(array: &dyn Array, row: usize) -> Option<&[u8]> {
    match array.data_type() {
        DataType::Binary => Some(array.as_binary_opt::<i32>()?.value(row)),
        DataType::LargeBinary => Some(array.as_binary_opt::<i64>()?.value(row)),
        DataType::BinaryView => Some(array.as_binary_view_opt()?.value(row)),
        DataType::FixedSizeBinary(_) => Some(array.as_fixed_size_binary_opt()?.value(row)),
        _ => None,
    }
}

/// A `Date32` or `Date64` as milliseconds since 1970-01-01.
pub(super) fn date_millis(array: &dyn Array, row: usize) -> Option<i64> {
    match array.data_type() {
        DataType::Date32 => Some(i64::from(primitive::<Date32Type>(array, row)?) * MILLIS_PER_DAY),
        DataType::Date64 => primitive::<Date64Type>(array, row),
        _ => None,
    }
}

/// A time of day and its precision (digits after the second: 0, 3, 6 or 9).
pub(super) fn time(array: &dyn Array, row: usize) -> Option<(i64, u32)> {
    Some(match array.data_type() {
        DataType::Time32(TimeUnit::Second) => {
            (i64::from(primitive::<Time32SecondType>(array, row)?), 0)
        }
        DataType::Time32(TimeUnit::Millisecond) => (
            i64::from(primitive::<Time32MillisecondType>(array, row)?),
            3,
        ),
        DataType::Time64(TimeUnit::Microsecond) => {
            (primitive::<Time64MicrosecondType>(array, row)?, 6)
        }
        DataType::Time64(TimeUnit::Nanosecond) => {
            (primitive::<Time64NanosecondType>(array, row)?, 9)
        }
        _ => return None,
    })
}

/// A timestamp since the epoch (UTC, whatever zone the type names) and its precision.
pub(super) fn timestamp(array: &dyn Array, row: usize) -> Option<(i64, u32)> {
    let DataType::Timestamp(unit, _) = array.data_type() else {
        return None;
    };
    Some(match unit {
        TimeUnit::Second => (primitive::<TimestampSecondType>(array, row)?, 0),
        TimeUnit::Millisecond => (primitive::<TimestampMillisecondType>(array, row)?, 3),
        TimeUnit::Microsecond => (primitive::<TimestampMicrosecondType>(array, row)?, 6),
        TimeUnit::Nanosecond => (primitive::<TimestampNanosecondType>(array, row)?, 9),
    })
}

/// Any interval or duration.
pub(super) fn interval(array: &dyn Array, row: usize) -> Option<Interval> {
    let calendar = |months: i128, days: i128, nanos: i128| Interval::Calendar {
        months,
        days,
        nanos,
    };
    Some(match array.data_type() {
        DataType::Interval(IntervalUnit::YearMonth) => {
            calendar(primitive::<IntervalYearMonthType>(array, row)?.into(), 0, 0)
        }
        DataType::Interval(IntervalUnit::DayTime) => {
            let value = primitive::<IntervalDayTimeType>(array, row)?;
            calendar(
                0,
                value.days.into(),
                i128::from(value.milliseconds) * 1_000_000,
            )
        }
        DataType::Interval(IntervalUnit::MonthDayNano) => {
            let value = primitive::<IntervalMonthDayNanoType>(array, row)?;
            calendar(
                value.months.into(),
                value.days.into(),
                value.nanoseconds.into(),
            )
        }
        DataType::Duration(unit) => Interval::Duration(match unit {
            TimeUnit::Second => {
                i128::from(primitive::<DurationSecondType>(array, row)?) * 1_000_000_000
            }
            TimeUnit::Millisecond => {
                i128::from(primitive::<DurationMillisecondType>(array, row)?) * 1_000_000
            }
            TimeUnit::Microsecond => {
                i128::from(primitive::<DurationMicrosecondType>(array, row)?) * 1_000
            }
            TimeUnit::Nanosecond => i128::from(primitive::<DurationNanosecondType>(array, row)?),
        }),
        _ => return None,
    })
}

/// The elements of a list of any layout.
pub(super) fn list_values(array: &dyn Array, row: usize) -> Option<ArrayRef> {
    Some(match array.data_type() {
        DataType::List(_) => array.as_list_opt::<i32>()?.value(row),
        DataType::LargeList(_) => array.as_list_opt::<i64>()?.value(row),
        DataType::ListView(_) => array.as_list_view_opt::<i32>()?.value(row),
        DataType::LargeListView(_) => array.as_list_view_opt::<i64>()?.value(row),
        DataType::FixedSizeList(..) => array.as_fixed_size_list_opt()?.value(row),
        _ => return None,
    })
}

/// A value and its Arrow type, for messages: `4 (Int8)`, `'abc' (Utf8)`, `null (Int32)`.
pub(super) fn shown(array: &dyn Array, row: usize) -> String {
    let value = if is_null(array, row) {
        "null".to_string()
    } else if let Some(text) = string(array, row) {
        format!("'{text}'")
    } else {
        array_value_to_string(array, row).unwrap_or_else(|error| format!("<{error}>"))
    };
    format!("{value} ({})", array.data_type())
}

fn primitive<T: ArrowPrimitiveType>(array: &dyn Array, row: usize) -> Option<T::Native> {
    array
        .as_primitive_opt::<T>()
        .map(|values| values.value(row))
}

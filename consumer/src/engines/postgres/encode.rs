//! Arrow values as PostgreSQL binary COPY values, and the column types they load into.

use std::error::Error;

use arrow::array::{
    Array, ArrayRef, BinaryArray, BooleanArray, Date32Array, Decimal128Array, Float32Array,
    Float64Array, Int8Array, Int16Array, Int32Array, Int64Array, LargeBinaryArray,
    LargeStringArray, StringArray, StringViewArray, TimestampMicrosecondArray,
    TimestampMillisecondArray, TimestampNanosecondArray, TimestampSecondArray, UInt8Array,
    UInt16Array, UInt32Array,
};
use arrow::datatypes::{DataType, TimeUnit};
use bytes::{BufMut, BytesMut};
use postgres_types::{IsNull, ToSql, Type, to_sql_checked};

use super::numeric::encode_scaled;

type BoxError = Box<dyn Error + Sync + Send>;

const EPOCH_DAYS: i32 = 10_957;
const EPOCH_MICROS: i64 = 946_684_800_000_000;

/// The PostgreSQL column type (for `CREATE TABLE` and binary COPY) of an Arrow type.
pub fn pg_column_type(data_type: &DataType) -> Option<(Type, String)> {
    Some(match data_type {
        DataType::Boolean => (Type::BOOL, "BOOLEAN".into()),
        DataType::Int8 | DataType::Int16 | DataType::UInt8 => (Type::INT2, "SMALLINT".into()),
        DataType::Int32 | DataType::UInt16 => (Type::INT4, "INTEGER".into()),
        DataType::Int64 | DataType::UInt32 => (Type::INT8, "BIGINT".into()),
        DataType::Float32 => (Type::FLOAT4, "REAL".into()),
        DataType::Float64 => (Type::FLOAT8, "DOUBLE PRECISION".into()),
        DataType::Decimal128(precision, scale) if *scale >= 0 => {
            (Type::NUMERIC, format!("NUMERIC({precision}, {scale})"))
        }
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => (Type::TEXT, "TEXT".into()),
        DataType::Binary | DataType::LargeBinary => (Type::BYTEA, "BYTEA".into()),
        DataType::Date32 => (Type::DATE, "DATE".into()),
        DataType::Timestamp(_, None) => (Type::TIMESTAMP, "TIMESTAMP".into()),
        DataType::Timestamp(_, Some(_)) => (Type::TIMESTAMPTZ, "TIMESTAMPTZ".into()),
        _ => return None,
    })
}

/// The cells of one row, in column order (an iterator without closures, so it can be held
/// across the COPY writer's awaits).
#[derive(Debug)]
pub struct RowCells<'a> {
    columns: &'a [ArrayRef],
    row: usize,
    next: usize,
}

impl<'a> RowCells<'a> {
    /// Row `row` of `columns`.
    pub fn new(columns: &'a [ArrayRef], row: usize) -> Self {
        Self {
            columns,
            row,
            next: 0,
        }
    }
}

impl<'a> Iterator for RowCells<'a> {
    type Item = ArrowCell<'a>;

    fn next(&mut self) -> Option<Self::Item> {
        let array = self.columns.get(self.next)?;
        self.next += 1;
        Some(ArrowCell {
            array: array.as_ref(),
            row: self.row,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.columns.len() - self.next;
        (left, Some(left))
    }
}

impl ExactSizeIterator for RowCells<'_> {}

/// One cell of an Arrow column, written in PostgreSQL's binary format for the column type
/// [`pg_column_type`] chose.
#[derive(Debug)]
pub struct ArrowCell<'a> {
    /// The column.
    pub array: &'a dyn Array,
    /// The row.
    pub row: usize,
}

impl ToSql for ArrowCell<'_> {
    fn to_sql(&self, _: &Type, out: &mut BytesMut) -> Result<IsNull, BoxError> {
        if self.array.is_null(self.row) {
            return Ok(IsNull::Yes);
        }
        let array = self.array;
        let row = self.row;
        macro_rules! value {
            ($array_type:ty) => {
                array
                    .as_any()
                    .downcast_ref::<$array_type>()
                    .ok_or("column type changed mid-stream")?
                    .value(row)
            };
        }
        match array.data_type() {
            DataType::Boolean => out.put_u8(u8::from(value!(BooleanArray))),
            DataType::Int8 => out.put_i16(i16::from(value!(Int8Array))),
            DataType::Int16 => out.put_i16(value!(Int16Array)),
            DataType::UInt8 => out.put_i16(i16::from(value!(UInt8Array))),
            DataType::Int32 => out.put_i32(value!(Int32Array)),
            DataType::UInt16 => out.put_i32(i32::from(value!(UInt16Array))),
            DataType::Int64 => out.put_i64(value!(Int64Array)),
            DataType::UInt32 => out.put_i64(i64::from(value!(UInt32Array))),
            DataType::Float32 => out.put_f32(value!(Float32Array)),
            DataType::Float64 => out.put_f64(value!(Float64Array)),
            DataType::Decimal128(_, scale) => {
                let mut encoded = Vec::with_capacity(16);
                encode_scaled(
                    value!(Decimal128Array),
                    u32::from(scale.unsigned_abs()),
                    &mut encoded,
                );
                out.put_slice(&encoded);
            }
            DataType::Utf8 => out.put_slice(value!(StringArray).as_bytes()),
            DataType::LargeUtf8 => out.put_slice(value!(LargeStringArray).as_bytes()),
            DataType::Utf8View => out.put_slice(value!(StringViewArray).as_bytes()),
            DataType::Binary => out.put_slice(value!(BinaryArray)),
            DataType::LargeBinary => out.put_slice(value!(LargeBinaryArray)),
            DataType::Date32 => out.put_i32(
                value!(Date32Array)
                    .checked_sub(EPOCH_DAYS)
                    .ok_or("date out of PostgreSQL's range")?,
            ),
            DataType::Timestamp(unit, _) => {
                let micros = match unit {
                    TimeUnit::Second => value!(TimestampSecondArray)
                        .checked_mul(1_000_000)
                        .ok_or("timestamp out of range")?,
                    TimeUnit::Millisecond => value!(TimestampMillisecondArray)
                        .checked_mul(1_000)
                        .ok_or("timestamp out of range")?,
                    TimeUnit::Microsecond => value!(TimestampMicrosecondArray),
                    TimeUnit::Nanosecond => value!(TimestampNanosecondArray) / 1_000,
                };
                out.put_i64(
                    micros
                        .checked_sub(EPOCH_MICROS)
                        .ok_or("timestamp out of PostgreSQL's range")?,
                );
            }
            other => {
                return Err(format!("Arrow type {other} cannot be copied to PostgreSQL").into());
            }
        }
        Ok(IsNull::No)
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use arrow::array::{Date32Array, TimestampSecondArray};

    use super::*;

    fn encode(array: &dyn Array) -> Result<IsNull, BoxError> {
        ArrowCell { array, row: 0 }.to_sql(&Type::DATE, &mut BytesMut::new())
    }

    #[test]
    fn dates_and_timestamps_out_of_range_are_errors_not_wrapped_values() {
        assert!(encode(&Date32Array::from(vec![i32::MIN])).is_err());
        assert!(encode(&TimestampSecondArray::from(vec![i64::MAX])).is_err());
        let fine: ArrayRef = Arc::new(Date32Array::from(vec![10_957]));
        let mut out = BytesMut::new();
        let written = ArrowCell {
            array: fine.as_ref(),
            row: 0,
        }
        .to_sql(&Type::DATE, &mut out);
        assert!(matches!(written, Ok(IsNull::No)));
        assert_eq!(out.as_ref(), &0i32.to_be_bytes());
    }
}

//! PostgreSQL result rows (binary format) into Arrow columns of the types the plan declares.

use std::error::Error;
use std::sync::Arc;

use arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, Decimal128Builder, Float64Builder, Int64Builder,
    StringBuilder, TimestampMicrosecondBuilder,
};
use arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use arrow::record_batch::RecordBatch;
use postgres_types::{FromSql, Type};
use tokio_postgres::Row;

use super::numeric::Numeric;

type BoxError = Box<dyn Error + Sync + Send>;

/// Days from 1970-01-01 (Arrow's epoch) to 2000-01-01 (PostgreSQL's).
const EPOCH_DAYS: i32 = 10_957;
/// Microseconds between the same two epochs.
const EPOCH_MICROS: i64 = 946_684_800_000_000;

/// A value's bytes as the server sent them.
struct RawValue<'a>(&'a [u8]);

impl<'a> FromSql<'a> for RawValue<'a> {
    fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(Self(raw))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// Builds one batch from rows, column by column.
pub struct BatchBuilder {
    expected: SchemaRef,
    columns: Vec<ColumnBuilder>,
    rows: usize,
}

impl BatchBuilder {
    /// A builder for results conforming to `expected`.
    pub fn new(expected: &SchemaRef, capacity: usize) -> Result<Self, String> {
        let columns = expected
            .fields()
            .iter()
            .map(|field| ColumnBuilder::for_type(field.data_type(), capacity))
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Self {
            expected: Arc::clone(expected),
            columns,
            rows: 0,
        })
    }

    /// Rows appended since the last batch.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Appends one row.
    pub fn append(&mut self, row: &Row) -> Result<(), String> {
        if row.len() != self.columns.len() {
            return Err(format!(
                "PostgreSQL returned {} columns where the plan declares {}",
                row.len(),
                self.columns.len()
            ));
        }
        for (index, column) in self.columns.iter_mut().enumerate() {
            let pg_type = row.columns()[index].type_();
            let raw: Option<RawValue> = row.try_get(index).map_err(|e| e.to_string())?;
            let value = match raw {
                None => None,
                Some(RawValue(bytes)) => {
                    Some(PgValue::decode(pg_type, bytes).map_err(|e| {
                        format!("column {}: {e}", self.expected.field(index).name())
                    })?)
                }
            };
            column.append(value).map_err(|e| {
                format!(
                    "column {}: PostgreSQL {pg_type} as {}: {e}",
                    self.expected.field(index).name(),
                    self.expected.field(index).data_type()
                )
            })?;
        }
        self.rows += 1;
        Ok(())
    }

    /// The rows so far as a batch (in the builders' own types: `conform_batch` casts them to
    /// the exact declared ones); the builder starts over.
    pub fn finish(&mut self) -> Result<RecordBatch, String> {
        let arrays: Vec<ArrayRef> = self.columns.iter_mut().map(ColumnBuilder::finish).collect();
        let fields: Vec<Field> = arrays
            .iter()
            .zip(self.expected.fields())
            .map(|(array, field)| Field::new(field.name(), array.data_type().clone(), true))
            .collect();
        self.rows = 0;
        RecordBatch::try_new(Arc::new(Schema::new(fields)), arrays).map_err(|e| e.to_string())
    }
}

/// One decoded value.
#[derive(Debug)]
enum PgValue<'a> {
    Bool(bool),
    Int(i64),
    Float(f64),
    Numeric(Numeric),
    Text(&'a str),
    Date(i32),
    Timestamp(i64),
}

impl<'a> PgValue<'a> {
    fn decode(pg_type: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
        Ok(match *pg_type {
            Type::BOOL => Self::Bool(bool::from_sql(pg_type, raw)?),
            Type::INT2 => Self::Int(i64::from(i16::from_sql(pg_type, raw)?)),
            Type::INT4 => Self::Int(i64::from(i32::from_sql(pg_type, raw)?)),
            Type::INT8 => Self::Int(i64::from_sql(pg_type, raw)?),
            Type::FLOAT4 => Self::Float(f64::from(f32::from_sql(pg_type, raw)?)),
            Type::FLOAT8 => Self::Float(f64::from_sql(pg_type, raw)?),
            Type::NUMERIC => Self::Numeric(Numeric::decode(raw)?),
            Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME | Type::UNKNOWN => {
                Self::Text(std::str::from_utf8(raw)?)
            }
            Type::DATE => Self::Date(i32::from_sql(&Type::INT4, raw)?.saturating_add(EPOCH_DAYS)),
            Type::TIMESTAMP | Type::TIMESTAMPTZ => {
                Self::Timestamp(i64::from_sql(&Type::INT8, raw)?.saturating_add(EPOCH_MICROS))
            }
            _ => return Err(format!("PostgreSQL type {pg_type} is not supported").into()),
        })
    }
}

/// A column under construction, in the Arrow type family the plan declares.
enum ColumnBuilder {
    Boolean(BooleanBuilder),
    Int(Int64Builder),
    Float(Float64Builder),
    Decimal(Decimal128Builder, u8, i8),
    Text(StringBuilder),
    Date(Date32Builder),
    Timestamp(TimestampMicrosecondBuilder),
}

impl ColumnBuilder {
    fn for_type(data_type: &DataType, capacity: usize) -> Result<Self, String> {
        Ok(match data_type {
            DataType::Boolean => Self::Boolean(BooleanBuilder::with_capacity(capacity)),
            DataType::Int8
            | DataType::Int16
            | DataType::Int32
            | DataType::Int64
            | DataType::UInt8
            | DataType::UInt16
            | DataType::UInt32
            // Built as signed and cast by `conform_batch`, which refuses negatives.
            | DataType::UInt64 => Self::Int(Int64Builder::with_capacity(capacity)),
            DataType::Float16 | DataType::Float32 | DataType::Float64 => {
                Self::Float(Float64Builder::with_capacity(capacity))
            }
            DataType::Decimal128(precision, scale) => Self::Decimal(
                Decimal128Builder::with_capacity(capacity),
                *precision,
                *scale,
            ),
            DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => {
                Self::Text(StringBuilder::with_capacity(capacity, capacity * 16))
            }
            DataType::Date32 | DataType::Date64 => {
                Self::Date(Date32Builder::with_capacity(capacity))
            }
            // Time zones are kept so the cast to the declared unit never shifts the instant.
            DataType::Timestamp(_, zone) => Self::Timestamp(
                TimestampMicrosecondBuilder::with_capacity(capacity)
                    .with_timezone_opt(zone.clone()),
            ),
            other => {
                return Err(format!(
                    "results of type {other} cannot be read from PostgreSQL"
                ));
            }
        })
    }

    fn append(&mut self, value: Option<PgValue<'_>>) -> Result<(), String> {
        let Some(value) = value else {
            self.append_null();
            return Ok(());
        };
        let mismatch = |value: &PgValue<'_>| format!("unexpected value {value:?}");
        match (self, value) {
            (Self::Boolean(b), PgValue::Bool(v)) => b.append_value(v),
            (Self::Int(b), PgValue::Int(v)) => b.append_value(v),
            (Self::Int(b), PgValue::Numeric(n)) => b.append_value(
                n.to_scaled_i128(0)
                    .filter(|_| n.is_integral())
                    .and_then(|v| i64::try_from(v).ok())
                    .ok_or("the value is not a 64-bit integer")?,
            ),
            // PostgreSQL's date_part and extract answer in double precision or numeric where
            // the plan says integer: whole values convert, anything else is an error.
            (Self::Int(b), PgValue::Float(v)) => {
                if v.fract() != 0.0 || v.abs() >= 9.2e18 {
                    return Err(format!("{v} is not a 64-bit integer"));
                }
                b.append_value(v as i64)
            }
            (Self::Float(b), PgValue::Float(v)) => b.append_value(v),
            (Self::Float(b), PgValue::Int(v)) => b.append_value(v as f64),
            (Self::Float(b), PgValue::Numeric(n)) => b.append_value(n.to_f64()),
            (Self::Decimal(b, _, scale), PgValue::Numeric(n)) => b.append_value(
                n.to_scaled_i128(*scale)
                    .ok_or("the value does not fit a 128-bit decimal")?,
            ),
            (Self::Decimal(b, _, scale), PgValue::Int(v)) => b.append_value(
                u32::try_from(*scale)
                    .ok()
                    .and_then(|scale| 10i128.checked_pow(scale))
                    .and_then(|factor| i128::from(v).checked_mul(factor))
                    .ok_or("the value does not fit the decimal type")?,
            ),
            (Self::Text(b), PgValue::Text(v)) => b.append_value(v),
            (Self::Date(b), PgValue::Date(v)) => b.append_value(v),
            // date ± interval is a timestamp in PostgreSQL and a date in DataFusion: midnight
            // converts, any other time of day is an error.
            (Self::Date(b), PgValue::Timestamp(micros)) => {
                const DAY: i64 = 86_400_000_000;
                if micros.rem_euclid(DAY) != 0 {
                    return Err(format!("timestamp {micros} µs is not a whole day"));
                }
                b.append_value(
                    i32::try_from(micros.div_euclid(DAY)).map_err(|_| "date out of range")?,
                )
            }
            (Self::Timestamp(b), PgValue::Timestamp(v)) => b.append_value(v),
            (_, value) => return Err(mismatch(&value)),
        }
        Ok(())
    }

    fn append_null(&mut self) {
        match self {
            Self::Boolean(b) => b.append_null(),
            Self::Int(b) => b.append_null(),
            Self::Float(b) => b.append_null(),
            Self::Decimal(b, _, _) => b.append_null(),
            Self::Text(b) => b.append_null(),
            Self::Date(b) => b.append_null(),
            Self::Timestamp(b) => b.append_null(),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            Self::Boolean(b) => Arc::new(b.finish()),
            Self::Int(b) => Arc::new(b.finish()),
            Self::Float(b) => Arc::new(b.finish()),
            Self::Decimal(b, precision, scale) => Arc::new(
                b.finish()
                    .with_data_type(DataType::Decimal128((*precision).max(1), *scale)),
            ),
            Self::Text(b) => Arc::new(b.finish()),
            Self::Date(b) => Arc::new(b.finish()),
            Self::Timestamp(b) => Arc::new(b.finish()),
        }
    }
}

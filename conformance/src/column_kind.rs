//! What kind of value a result column holds, from its Arrow type or the Substrait type a plan
//! declares: the comparator holds an engine's column to the plan's declaration, so an integer
//! where the plan says decimal is a difference even when the numbers agree.

use std::fmt;

use datafusion::arrow::datatypes::DataType;
use switchyard_producer::substrait::proto::Type;
use switchyard_producer::substrait::proto::r#type::Kind;

/// A column's kind, coarse where engines legitimately differ (integer width, string encoding,
/// decimal precision, time units) and exact where the value's meaning changes (decimal scale).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// A signed or unsigned integer of any width.
    Integer,
    /// A decimal of this scale (any precision).
    Decimal(i8),
    /// A binary floating-point number.
    Float,
    /// A boolean.
    Boolean,
    /// Text of any encoding or length bound.
    Text,
    /// Bytes.
    Binary,
    /// A calendar date.
    Date,
    /// A time of day.
    Time,
    /// A point in time, with or without a zone.
    Timestamp,
    /// A duration or interval.
    Interval,
}

impl ColumnKind {
    /// The kind of an Arrow column; `None` for nested and other kinds the check leaves alone.
    pub fn of_arrow(data_type: &DataType) -> Option<Self> {
        use DataType::*;
        Some(match data_type {
            Int8 | Int16 | Int32 | Int64 | UInt8 | UInt16 | UInt32 | UInt64 => Self::Integer,
            Decimal32(_, scale)
            | Decimal64(_, scale)
            | Decimal128(_, scale)
            | Decimal256(_, scale) => Self::Decimal(*scale),
            Float16 | Float32 | Float64 => Self::Float,
            Boolean => Self::Boolean,
            Utf8 | LargeUtf8 | Utf8View => Self::Text,
            Binary | LargeBinary | BinaryView | FixedSizeBinary(_) => Self::Binary,
            Date32 | Date64 => Self::Date,
            Time32(_) | Time64(_) => Self::Time,
            Timestamp(_, _) => Self::Timestamp,
            Interval(_) | Duration(_) => Self::Interval,
            Dictionary(_, value) => return Self::of_arrow(value),
            _ => return None,
        })
    }

    /// The kind a Substrait type declares; `None` for nested, user-defined and other kinds.
    #[allow(deprecated)] // older producers still write the deprecated kinds
    pub fn of_substrait(ty: &Type) -> Option<Self> {
        Some(match ty.kind.as_ref()? {
            Kind::I8(_) | Kind::I16(_) | Kind::I32(_) | Kind::I64(_) => Self::Integer,
            Kind::Decimal(d) => Self::Decimal(i8::try_from(d.scale).ok()?),
            Kind::Fp32(_) | Kind::Fp64(_) => Self::Float,
            Kind::Bool(_) => Self::Boolean,
            Kind::String(_) | Kind::Varchar(_) | Kind::FixedChar(_) => Self::Text,
            Kind::Binary(_) | Kind::FixedBinary(_) | Kind::Uuid(_) => Self::Binary,
            Kind::Date(_) => Self::Date,
            Kind::Time(_) | Kind::PrecisionTime(_) => Self::Time,
            Kind::Timestamp(_)
            | Kind::TimestampTz(_)
            | Kind::PrecisionTimestamp(_)
            | Kind::PrecisionTimestampTz(_) => Self::Timestamp,
            Kind::IntervalYear(_) | Kind::IntervalDay(_) | Kind::IntervalCompound(_) => {
                Self::Interval
            }
            _ => return None,
        })
    }

    /// The kinds of a plan's declared output columns.
    pub fn of_declared(types: &[Option<Type>]) -> Vec<Option<Self>> {
        types
            .iter()
            .map(|ty| ty.as_ref().and_then(Self::of_substrait))
            .collect()
    }

    /// The decimal scale, for a decimal.
    pub fn scale(self) -> Option<i8> {
        match self {
            Self::Decimal(scale) => Some(scale),
            _ => None,
        }
    }

    /// Whether a reference of kind `self` and an answer of kind `other` may hold the same
    /// values when the plan's declaration is not known: the same kind at any decimal scale,
    /// or two numbers. Without the declaration the reference's numeric type says nothing about
    /// the right one: DuckDB divides and averages decimals into doubles where Substrait keeps a
    /// decimal, and its Parquet writer stores a `HUGEINT` sum as a double. With a declaration,
    /// [`Comparison::declared`](crate::compare::Comparison) holds the engine to it exactly.
    pub fn same_family(self, other: Self) -> bool {
        let numeric = |k: Self| matches!(k, Self::Integer | Self::Decimal(_) | Self::Float);
        matches!((self, other), (Self::Decimal(_), Self::Decimal(_)))
            || (numeric(self) && numeric(other))
            || self == other
    }

    /// Whether a declaration of kind `self` can describe a column of kind `other` at all:
    /// the same kind, or kinds a cast converts in meaning (numbers; a date and a timestamp).
    /// Anything else (text declared where the engine returns a number) means the declaration
    /// is off by a column, not that the engine chose another type.
    pub fn could_describe(self, other: Self) -> bool {
        let numeric = |k: Self| matches!(k, Self::Integer | Self::Decimal(_) | Self::Float);
        let temporal = |k: Self| matches!(k, Self::Date | Self::Timestamp);
        self.same_family(other)
            || (numeric(self) && numeric(other))
            || (temporal(self) && temporal(other))
    }
}

impl fmt::Display for ColumnKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Integer => f.write_str("integer"),
            Self::Decimal(scale) => write!(f, "decimal(_, {scale})"),
            Self::Float => f.write_str("floating point"),
            Self::Boolean => f.write_str("boolean"),
            Self::Text => f.write_str("text"),
            Self::Binary => f.write_str("binary"),
            Self::Date => f.write_str("date"),
            Self::Time => f.write_str("time"),
            Self::Timestamp => f.write_str("timestamp"),
            Self::Interval => f.write_str("interval"),
        }
    }
}

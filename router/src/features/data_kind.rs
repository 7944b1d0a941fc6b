//! The kinds of Substrait data type, named both ways the ecosystem names them: the dialect
//! format's `supported_types` (`I64`, `DECIMAL`) and function signatures (`i64`, `dec`).

use std::fmt;

use serde::Serialize;
use switchyard_producer::substrait::proto::expression::literal::LiteralType;
use switchyard_producer::substrait::proto::{Type, r#type::Kind};

/// A Substrait type without its parameters (precision, length, nullability).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
#[allow(missing_docs)] // the names are the dialect format's
pub enum DataKind {
    Bool,
    I8,
    I16,
    I32,
    I64,
    Fp32,
    Fp64,
    String,
    Varchar,
    FixedChar,
    Binary,
    FixedBinary,
    Date,
    PrecisionTime,
    PrecisionTimestamp,
    PrecisionTimestampTz,
    IntervalYear,
    IntervalDay,
    IntervalCompound,
    Uuid,
    Decimal,
    Struct,
    List,
    Map,
    UserDefined,
    Func,
}

impl DataKind {
    /// The name in the dialect format's `supported_types`.
    pub fn dialect_name(self) -> &'static str {
        match self {
            Self::Bool => "BOOL",
            Self::I8 => "I8",
            Self::I16 => "I16",
            Self::I32 => "I32",
            Self::I64 => "I64",
            Self::Fp32 => "FP32",
            Self::Fp64 => "FP64",
            Self::String => "STRING",
            Self::Varchar => "VARCHAR",
            Self::FixedChar => "FIXED_CHAR",
            Self::Binary => "BINARY",
            Self::FixedBinary => "FIXED_BINARY",
            Self::Date => "DATE",
            Self::PrecisionTime => "PRECISION_TIME",
            Self::PrecisionTimestamp => "PRECISION_TIMESTAMP",
            Self::PrecisionTimestampTz => "PRECISION_TIMESTAMP_TZ",
            Self::IntervalYear => "INTERVAL_YEAR",
            Self::IntervalDay => "INTERVAL_DAY",
            Self::IntervalCompound => "INTERVAL_COMPOUND",
            Self::Uuid => "UUID",
            Self::Decimal => "DECIMAL",
            Self::Struct => "STRUCT",
            Self::List => "LIST",
            Self::Map => "MAP",
            Self::UserDefined => "USER_DEFINED",
            Self::Func => "FUNC",
        }
    }

    /// The short name used in function signatures (`add:i64_i64`).
    pub fn signature_name(self) -> &'static str {
        match self {
            Self::Bool => "bool",
            Self::I8 => "i8",
            Self::I16 => "i16",
            Self::I32 => "i32",
            Self::I64 => "i64",
            Self::Fp32 => "fp32",
            Self::Fp64 => "fp64",
            Self::String => "str",
            Self::Varchar => "vchar",
            Self::FixedChar => "fchar",
            Self::Binary => "vbin",
            Self::FixedBinary => "fbin",
            Self::Date => "date",
            Self::PrecisionTime => "pt",
            Self::PrecisionTimestamp => "pts",
            Self::PrecisionTimestampTz => "ptstz",
            Self::IntervalYear => "iyear",
            Self::IntervalDay => "iday",
            Self::IntervalCompound => "icompound",
            Self::Uuid => "uuid",
            Self::Decimal => "dec",
            Self::Struct => "struct",
            Self::List => "list",
            Self::Map => "map",
            Self::UserDefined => "u!",
            Self::Func => "func",
        }
    }

    /// The kind of a type; `None` for an unset or aliased type, whose kind is not in the
    /// message.
    #[allow(deprecated)] // old plans still carry the deprecated timestamp kinds
    pub fn of_type(data_type: &Type) -> Option<Self> {
        Some(match data_type.kind.as_ref()? {
            Kind::Bool(_) => Self::Bool,
            Kind::I8(_) => Self::I8,
            Kind::I16(_) => Self::I16,
            Kind::I32(_) => Self::I32,
            Kind::I64(_) => Self::I64,
            Kind::Fp32(_) => Self::Fp32,
            Kind::Fp64(_) => Self::Fp64,
            Kind::String(_) => Self::String,
            Kind::Binary(_) => Self::Binary,
            Kind::Timestamp(_) | Kind::PrecisionTimestamp(_) => Self::PrecisionTimestamp,
            Kind::TimestampTz(_) | Kind::PrecisionTimestampTz(_) => Self::PrecisionTimestampTz,
            Kind::Date(_) => Self::Date,
            Kind::Time(_) | Kind::PrecisionTime(_) => Self::PrecisionTime,
            Kind::IntervalYear(_) => Self::IntervalYear,
            Kind::IntervalDay(_) => Self::IntervalDay,
            Kind::IntervalCompound(_) => Self::IntervalCompound,
            Kind::Uuid(_) => Self::Uuid,
            Kind::FixedChar(_) => Self::FixedChar,
            Kind::Varchar(_) => Self::Varchar,
            Kind::FixedBinary(_) => Self::FixedBinary,
            Kind::Decimal(_) => Self::Decimal,
            Kind::Struct(_) => Self::Struct,
            Kind::List(_) => Self::List,
            Kind::Map(_) => Self::Map,
            Kind::Func(_) => Self::Func,
            Kind::UserDefined(_) | Kind::UserDefinedTypeReference(_) => Self::UserDefined,
            Kind::Alias(_) => return None,
        })
    }

    /// The kind of a literal's value.
    #[allow(deprecated)]
    pub fn of_literal(literal: &LiteralType) -> Option<Self> {
        Some(match literal {
            LiteralType::Boolean(_) => Self::Bool,
            LiteralType::I8(_) => Self::I8,
            LiteralType::I16(_) => Self::I16,
            LiteralType::I32(_) => Self::I32,
            LiteralType::I64(_) => Self::I64,
            LiteralType::Fp32(_) => Self::Fp32,
            LiteralType::Fp64(_) => Self::Fp64,
            LiteralType::String(_) => Self::String,
            LiteralType::Binary(_) => Self::Binary,
            LiteralType::Timestamp(_) | LiteralType::PrecisionTimestamp(_) => {
                Self::PrecisionTimestamp
            }
            LiteralType::TimestampTz(_) | LiteralType::PrecisionTimestampTz(_) => {
                Self::PrecisionTimestampTz
            }
            LiteralType::Date(_) => Self::Date,
            LiteralType::Time(_) | LiteralType::PrecisionTime(_) => Self::PrecisionTime,
            LiteralType::IntervalYearToMonth(_) => Self::IntervalYear,
            LiteralType::IntervalDayToSecond(_) => Self::IntervalDay,
            LiteralType::IntervalCompound(_) => Self::IntervalCompound,
            LiteralType::FixedChar(_) => Self::FixedChar,
            LiteralType::VarChar(_) => Self::Varchar,
            LiteralType::FixedBinary(_) => Self::FixedBinary,
            LiteralType::Decimal(_) => Self::Decimal,
            LiteralType::Struct(_) => Self::Struct,
            LiteralType::Map(_) | LiteralType::EmptyMap(_) => Self::Map,
            LiteralType::List(_) | LiteralType::EmptyList(_) => Self::List,
            LiteralType::Uuid(_) => Self::Uuid,
            LiteralType::UserDefined(_) => Self::UserDefined,
            LiteralType::Null(data_type) => return Self::of_type(data_type),
        })
    }

    /// Reads a dialect-format type name (`I64`, `DECIMAL`).
    pub fn from_dialect_name(name: &str) -> Option<Self> {
        ALL.iter().copied().find(|kind| kind.dialect_name() == name)
    }
}

/// Every kind, for name lookups.
const ALL: [DataKind; 26] = [
    DataKind::Bool,
    DataKind::I8,
    DataKind::I16,
    DataKind::I32,
    DataKind::I64,
    DataKind::Fp32,
    DataKind::Fp64,
    DataKind::String,
    DataKind::Varchar,
    DataKind::FixedChar,
    DataKind::Binary,
    DataKind::FixedBinary,
    DataKind::Date,
    DataKind::PrecisionTime,
    DataKind::PrecisionTimestamp,
    DataKind::PrecisionTimestampTz,
    DataKind::IntervalYear,
    DataKind::IntervalDay,
    DataKind::IntervalCompound,
    DataKind::Uuid,
    DataKind::Decimal,
    DataKind::Struct,
    DataKind::List,
    DataKind::Map,
    DataKind::UserDefined,
    DataKind::Func,
];

impl fmt::Display for DataKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.dialect_name())
    }
}

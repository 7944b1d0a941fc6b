//! Concrete types: what arguments have and what return programs compute, convertible to and
//! from `substrait::proto::Type`.
//!
//! Matching and evaluation work on this small form rather than on the proto so that parameters
//! (precision, scale, length) can be read and compared without the proto's optional wrappers and
//! nullability enums.

use std::fmt;

use substrait::proto::Type;
use substrait::proto::r#type::{self, Kind, Nullability};

/// A fully known type.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConcreteType {
    /// Which type, with its parameters.
    pub kind: ConcreteKind,
    /// Whether values may be null.
    pub nullable: bool,
}

/// The kinds of [`ConcreteType`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // the variants are the proto's, named the same
pub enum ConcreteKind {
    Boolean,
    I8,
    I16,
    I32,
    I64,
    Fp32,
    Fp64,
    String,
    Binary,
    /// The deprecated zone-less timestamp (microseconds).
    Timestamp,
    /// The deprecated timestamp with zone (microseconds).
    TimestampTz,
    Date,
    /// The deprecated time of day (microseconds).
    Time,
    IntervalYear,
    /// Sub-second precision (0 to 9).
    IntervalDay(i64),
    /// Sub-second precision (0 to 9).
    IntervalCompound(i64),
    Uuid,
    FixedChar(i64),
    VarChar(i64),
    FixedBinary(i64),
    /// Precision then scale.
    Decimal(i64, i64),
    PrecisionTime(i64),
    PrecisionTimestamp(i64),
    PrecisionTimestampTz(i64),
    Struct(Vec<ConcreteType>),
    List(Box<ConcreteType>),
    Map(Box<ConcreteType>, Box<ConcreteType>),
    /// A lambda: parameter types and result type.
    Func(Vec<ConcreteType>, Box<ConcreteType>),
}

/// The precision an interval day type has when the proto leaves it unset.
const DEFAULT_INTERVAL_PRECISION: i64 = 6;

impl ConcreteType {
    /// A type of `kind` with the given nullability.
    pub fn new(kind: ConcreteKind, nullable: bool) -> Self {
        Self { kind, nullable }
    }

    /// The same type, with nullability `nullable`.
    pub fn with_nullable(mut self, nullable: bool) -> Self {
        self.nullable = nullable;
        self
    }

    /// Reads a proto type. Errors name what cannot be represented: an unset kind, type aliases
    /// and user-defined types (known in a plan only by anchor).
    pub fn from_proto(proto: &Type) -> Result<Self, String> {
        let Some(kind) = &proto.kind else {
            return Err("the type has no kind".to_string());
        };
        let nullable = |n: i32| n == Nullability::Nullable as i32;
        let int = i64::from;
        Ok(match kind {
            Kind::Bool(t) => Self::new(ConcreteKind::Boolean, nullable(t.nullability)),
            Kind::I8(t) => Self::new(ConcreteKind::I8, nullable(t.nullability)),
            Kind::I16(t) => Self::new(ConcreteKind::I16, nullable(t.nullability)),
            Kind::I32(t) => Self::new(ConcreteKind::I32, nullable(t.nullability)),
            Kind::I64(t) => Self::new(ConcreteKind::I64, nullable(t.nullability)),
            Kind::Fp32(t) => Self::new(ConcreteKind::Fp32, nullable(t.nullability)),
            Kind::Fp64(t) => Self::new(ConcreteKind::Fp64, nullable(t.nullability)),
            Kind::String(t) => Self::new(ConcreteKind::String, nullable(t.nullability)),
            Kind::Binary(t) => Self::new(ConcreteKind::Binary, nullable(t.nullability)),
            #[allow(deprecated)]
            Kind::Timestamp(t) => Self::new(ConcreteKind::Timestamp, nullable(t.nullability)),
            #[allow(deprecated)]
            Kind::TimestampTz(t) => Self::new(ConcreteKind::TimestampTz, nullable(t.nullability)),
            #[allow(deprecated)]
            Kind::Time(t) => Self::new(ConcreteKind::Time, nullable(t.nullability)),
            Kind::Date(t) => Self::new(ConcreteKind::Date, nullable(t.nullability)),
            Kind::IntervalYear(t) => Self::new(ConcreteKind::IntervalYear, nullable(t.nullability)),
            Kind::IntervalDay(t) => Self::new(
                ConcreteKind::IntervalDay(t.precision.map_or(DEFAULT_INTERVAL_PRECISION, int)),
                nullable(t.nullability),
            ),
            Kind::IntervalCompound(t) => Self::new(
                ConcreteKind::IntervalCompound(int(t.precision)),
                nullable(t.nullability),
            ),
            Kind::Uuid(t) => Self::new(ConcreteKind::Uuid, nullable(t.nullability)),
            Kind::FixedChar(t) => Self::new(
                ConcreteKind::FixedChar(int(t.length)),
                nullable(t.nullability),
            ),
            Kind::Varchar(t) => Self::new(
                ConcreteKind::VarChar(int(t.length)),
                nullable(t.nullability),
            ),
            Kind::FixedBinary(t) => Self::new(
                ConcreteKind::FixedBinary(int(t.length)),
                nullable(t.nullability),
            ),
            Kind::Decimal(t) => Self::new(
                ConcreteKind::Decimal(int(t.precision), int(t.scale)),
                nullable(t.nullability),
            ),
            Kind::PrecisionTime(t) => Self::new(
                ConcreteKind::PrecisionTime(int(t.precision)),
                nullable(t.nullability),
            ),
            Kind::PrecisionTimestamp(t) => Self::new(
                ConcreteKind::PrecisionTimestamp(int(t.precision)),
                nullable(t.nullability),
            ),
            Kind::PrecisionTimestampTz(t) => Self::new(
                ConcreteKind::PrecisionTimestampTz(int(t.precision)),
                nullable(t.nullability),
            ),
            Kind::Struct(t) => Self::new(
                ConcreteKind::Struct(
                    t.types
                        .iter()
                        .map(Self::from_proto)
                        .collect::<Result<_, _>>()?,
                ),
                nullable(t.nullability),
            ),
            Kind::List(t) => Self::new(
                ConcreteKind::List(Box::new(Self::from_proto(
                    t.r#type
                        .as_deref()
                        .ok_or("a list without an element type")?,
                )?)),
                nullable(t.nullability),
            ),
            Kind::Map(t) => Self::new(
                ConcreteKind::Map(
                    Box::new(Self::from_proto(
                        t.key.as_deref().ok_or("a map without a key type")?,
                    )?),
                    Box::new(Self::from_proto(
                        t.value.as_deref().ok_or("a map without a value type")?,
                    )?),
                ),
                nullable(t.nullability),
            ),
            Kind::Func(t) => Self::new(
                ConcreteKind::Func(
                    t.parameter_types
                        .iter()
                        .map(Self::from_proto)
                        .collect::<Result<_, _>>()?,
                    Box::new(Self::from_proto(
                        t.return_type
                            .as_deref()
                            .ok_or("a function type without a return type")?,
                    )?),
                ),
                nullable(t.nullability),
            ),
            Kind::UserDefined(t) => {
                return Err(format!(
                    "user-defined type (anchor {}) has no name to match `u!name` against",
                    t.type_reference
                ));
            }
            #[allow(deprecated)]
            Kind::UserDefinedTypeReference(anchor) => {
                return Err(format!(
                    "user-defined type (anchor {anchor}) has no name to match `u!name` against"
                ));
            }
            Kind::Alias(_) => return Err("type alias references are not resolved".to_string()),
        })
    }

    /// The proto form, with type variation 0.
    pub fn to_proto(&self) -> Type {
        let n = if self.nullable {
            Nullability::Nullable as i32
        } else {
            Nullability::Required as i32
        };
        // Evaluation checks parameters are in range (`evaluate::build_type`); saturate, never panic.
        let int = |v: i64| i32::try_from(v).unwrap_or(i32::MAX);
        // The kinds whose message holds only nullability (and a variation reference).
        macro_rules! plain {
            ($kind:ident, $message:ident) => {
                Kind::$kind(r#type::$message {
                    nullability: n,
                    ..Default::default()
                })
            };
        }
        #[allow(deprecated)]
        let kind = match &self.kind {
            ConcreteKind::Boolean => plain!(Bool, Boolean),
            ConcreteKind::I8 => plain!(I8, I8),
            ConcreteKind::I16 => plain!(I16, I16),
            ConcreteKind::I32 => plain!(I32, I32),
            ConcreteKind::I64 => plain!(I64, I64),
            ConcreteKind::Fp32 => plain!(Fp32, Fp32),
            ConcreteKind::Fp64 => plain!(Fp64, Fp64),
            ConcreteKind::String => plain!(String, String),
            ConcreteKind::Binary => plain!(Binary, Binary),
            ConcreteKind::Timestamp => plain!(Timestamp, Timestamp),
            ConcreteKind::TimestampTz => plain!(TimestampTz, TimestampTz),
            ConcreteKind::Time => plain!(Time, Time),
            ConcreteKind::Date => plain!(Date, Date),
            ConcreteKind::IntervalYear => plain!(IntervalYear, IntervalYear),
            ConcreteKind::Uuid => plain!(Uuid, Uuid),
            ConcreteKind::IntervalDay(p) => Kind::IntervalDay(r#type::IntervalDay {
                nullability: n,
                precision: Some(int(*p)),
                ..Default::default()
            }),
            ConcreteKind::IntervalCompound(p) => Kind::IntervalCompound(r#type::IntervalCompound {
                nullability: n,
                precision: int(*p),
                ..Default::default()
            }),
            ConcreteKind::FixedChar(l) => Kind::FixedChar(r#type::FixedChar {
                length: int(*l),
                nullability: n,
                ..Default::default()
            }),
            ConcreteKind::VarChar(l) => Kind::Varchar(r#type::VarChar {
                length: int(*l),
                nullability: n,
                ..Default::default()
            }),
            ConcreteKind::FixedBinary(l) => Kind::FixedBinary(r#type::FixedBinary {
                length: int(*l),
                nullability: n,
                ..Default::default()
            }),
            ConcreteKind::Decimal(p, s) => Kind::Decimal(r#type::Decimal {
                precision: int(*p),
                scale: int(*s),
                nullability: n,
                ..Default::default()
            }),
            ConcreteKind::PrecisionTime(p) => Kind::PrecisionTime(r#type::PrecisionTime {
                precision: int(*p),
                nullability: n,
                ..Default::default()
            }),
            ConcreteKind::PrecisionTimestamp(p) => {
                Kind::PrecisionTimestamp(r#type::PrecisionTimestamp {
                    precision: int(*p),
                    nullability: n,
                    ..Default::default()
                })
            }
            ConcreteKind::PrecisionTimestampTz(p) => {
                Kind::PrecisionTimestampTz(r#type::PrecisionTimestampTz {
                    precision: int(*p),
                    nullability: n,
                    ..Default::default()
                })
            }
            ConcreteKind::Struct(fields) => Kind::Struct(r#type::Struct {
                types: fields.iter().map(Self::to_proto).collect(),
                nullability: n,
                ..Default::default()
            }),
            ConcreteKind::List(element) => Kind::List(Box::new(r#type::List {
                r#type: Some(Box::new(element.to_proto())),
                nullability: n,
                ..Default::default()
            })),
            ConcreteKind::Map(key, value) => Kind::Map(Box::new(r#type::Map {
                key: Some(Box::new(key.to_proto())),
                value: Some(Box::new(value.to_proto())),
                nullability: n,
                ..Default::default()
            })),
            ConcreteKind::Func(params, result) => Kind::Func(Box::new(r#type::Func {
                parameter_types: params.iter().map(Self::to_proto).collect(),
                return_type: Some(Box::new(result.to_proto())),
                nullability: n,
            })),
        };
        Type { kind: Some(kind) }
    }
}

impl fmt::Display for ConcreteType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = if self.nullable { "?" } else { "" };
        let join = |types: &[ConcreteType]| {
            types
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        };
        match &self.kind {
            ConcreteKind::Boolean => write!(f, "boolean{q}"),
            ConcreteKind::I8 => write!(f, "i8{q}"),
            ConcreteKind::I16 => write!(f, "i16{q}"),
            ConcreteKind::I32 => write!(f, "i32{q}"),
            ConcreteKind::I64 => write!(f, "i64{q}"),
            ConcreteKind::Fp32 => write!(f, "fp32{q}"),
            ConcreteKind::Fp64 => write!(f, "fp64{q}"),
            ConcreteKind::String => write!(f, "string{q}"),
            ConcreteKind::Binary => write!(f, "binary{q}"),
            ConcreteKind::Timestamp => write!(f, "timestamp{q}"),
            ConcreteKind::TimestampTz => write!(f, "timestamp_tz{q}"),
            ConcreteKind::Date => write!(f, "date{q}"),
            ConcreteKind::Time => write!(f, "time{q}"),
            ConcreteKind::IntervalYear => write!(f, "interval_year{q}"),
            ConcreteKind::IntervalDay(p) => write!(f, "interval_day{q}<{p}>"),
            ConcreteKind::IntervalCompound(p) => write!(f, "interval_compound{q}<{p}>"),
            ConcreteKind::Uuid => write!(f, "uuid{q}"),
            ConcreteKind::FixedChar(l) => write!(f, "fixedchar{q}<{l}>"),
            ConcreteKind::VarChar(l) => write!(f, "varchar{q}<{l}>"),
            ConcreteKind::FixedBinary(l) => write!(f, "fixedbinary{q}<{l}>"),
            ConcreteKind::Decimal(p, s) => write!(f, "decimal{q}<{p},{s}>"),
            ConcreteKind::PrecisionTime(p) => write!(f, "precision_time{q}<{p}>"),
            ConcreteKind::PrecisionTimestamp(p) => write!(f, "precision_timestamp{q}<{p}>"),
            ConcreteKind::PrecisionTimestampTz(p) => write!(f, "precision_timestamp_tz{q}<{p}>"),
            ConcreteKind::Struct(fields) => write!(f, "struct{q}<{}>", join(fields)),
            ConcreteKind::List(element) => write!(f, "list{q}<{element}>"),
            ConcreteKind::Map(k, v) => write!(f, "map{q}<{k}, {v}>"),
            ConcreteKind::Func(params, result) => {
                write!(f, "func{q}<({}) -> {result}>", join(params))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proto_round_trip_keeps_parameters_and_nullability() {
        let types = [
            ConcreteType::new(ConcreteKind::Decimal(38, 10), true),
            ConcreteType::new(ConcreteKind::VarChar(5), false),
            ConcreteType::new(
                ConcreteKind::List(Box::new(ConcreteType::new(
                    ConcreteKind::PrecisionTimestamp(9),
                    true,
                ))),
                false,
            ),
            ConcreteType::new(
                ConcreteKind::Map(
                    Box::new(ConcreteType::new(ConcreteKind::String, false)),
                    Box::new(ConcreteType::new(ConcreteKind::IntervalDay(3), true)),
                ),
                true,
            ),
        ];
        for t in types {
            let back = ConcreteType::from_proto(&t.to_proto()).expect("converts back");
            assert_eq!(back, t);
        }
    }

    #[test]
    fn unset_interval_precision_reads_as_microseconds() {
        let proto = Type {
            kind: Some(Kind::IntervalDay(r#type::IntervalDay {
                precision: None,
                ..Default::default()
            })),
        };
        let t = ConcreteType::from_proto(&proto).expect("converts");
        assert_eq!(t.kind, ConcreteKind::IntervalDay(6));
        assert!(!t.nullable, "unspecified nullability is not nullable");
        assert!(ConcreteType::from_proto(&Type { kind: None }).is_err());
    }
}

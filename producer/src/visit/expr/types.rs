//! Types the walk states itself: booleans of predicates, integers of grouping ids, and the
//! type of each literal.

use datafusion_substrait::substrait::proto::Type;
use datafusion_substrait::substrait::proto::expression::Literal;
use datafusion_substrait::substrait::proto::expression::literal::LiteralType;
use datafusion_substrait::substrait::proto::r#type::{self, Kind, Nullability};

fn nullability(nullable: bool) -> i32 {
    if nullable {
        Nullability::Nullable as i32
    } else {
        Nullability::Required as i32
    }
}

/// `boolean`, nullable or not.
pub fn boolean(nullable: bool) -> Type {
    Type {
        kind: Some(Kind::Bool(r#type::Boolean {
            type_variation_reference: 0,
            nullability: nullability(nullable),
        })),
    }
}

/// `i32`, nullable or not.
pub fn i32(nullable: bool) -> Type {
    Type {
        kind: Some(Kind::I32(r#type::I32 {
            type_variation_reference: 0,
            nullability: nullability(nullable),
        })),
    }
}

/// Whether a type says it is nullable (unspecified counts as nullable).
pub fn is_nullable(ty: &Type) -> bool {
    nullability_of(ty) != Some(Nullability::Required as i32)
}

/// The nullability field of a type, for kinds that have one.
#[allow(deprecated)] // older producers still write the deprecated kinds
fn nullability_of(ty: &Type) -> Option<i32> {
    Some(match ty.kind.as_ref()? {
        Kind::Bool(t) => t.nullability,
        Kind::I8(t) => t.nullability,
        Kind::I16(t) => t.nullability,
        Kind::I32(t) => t.nullability,
        Kind::I64(t) => t.nullability,
        Kind::Fp32(t) => t.nullability,
        Kind::Fp64(t) => t.nullability,
        Kind::String(t) => t.nullability,
        Kind::Binary(t) => t.nullability,
        Kind::Timestamp(t) => t.nullability,
        Kind::Date(t) => t.nullability,
        Kind::Time(t) => t.nullability,
        Kind::IntervalYear(t) => t.nullability,
        Kind::IntervalDay(t) => t.nullability,
        Kind::IntervalCompound(t) => t.nullability,
        Kind::TimestampTz(t) => t.nullability,
        Kind::Uuid(t) => t.nullability,
        Kind::FixedChar(t) => t.nullability,
        Kind::Varchar(t) => t.nullability,
        Kind::FixedBinary(t) => t.nullability,
        Kind::Decimal(t) => t.nullability,
        Kind::PrecisionTime(t) => t.nullability,
        Kind::PrecisionTimestamp(t) => t.nullability,
        Kind::PrecisionTimestampTz(t) => t.nullability,
        Kind::Struct(t) => t.nullability,
        Kind::List(t) => t.nullability,
        Kind::Map(t) => t.nullability,
        Kind::Func(t) => t.nullability,
        Kind::UserDefined(t) => t.nullability,
        _ => return None,
    })
}

/// The type of a literal's value (`None` for kinds that say too little, such as a
/// user-defined value).
#[allow(deprecated)] // older producers still write the deprecated kinds
pub fn literal_type(literal: &Literal) -> Option<Type> {
    let n = nullability(literal.nullable);
    let v = literal.type_variation_reference;
    macro_rules! simple {
        ($kind:ident, $message:ident) => {
            Kind::$kind(r#type::$message {
                type_variation_reference: v,
                nullability: n,
            })
        };
    }
    let kind = match literal.literal_type.as_ref()? {
        LiteralType::Boolean(_) => simple!(Bool, Boolean),
        LiteralType::I8(_) => simple!(I8, I8),
        LiteralType::I16(_) => simple!(I16, I16),
        LiteralType::I32(_) => simple!(I32, I32),
        LiteralType::I64(_) => simple!(I64, I64),
        LiteralType::Fp32(_) => simple!(Fp32, Fp32),
        LiteralType::Fp64(_) => simple!(Fp64, Fp64),
        LiteralType::String(_) => simple!(String, String),
        LiteralType::Binary(_) => simple!(Binary, Binary),
        LiteralType::Date(_) => simple!(Date, Date),
        LiteralType::Uuid(_) => simple!(Uuid, Uuid),
        LiteralType::Timestamp(_) => simple!(Timestamp, Timestamp),
        LiteralType::TimestampTz(_) => simple!(TimestampTz, TimestampTz),
        LiteralType::Time(_) => simple!(Time, Time),
        LiteralType::IntervalYearToMonth(_) => simple!(IntervalYear, IntervalYear),
        LiteralType::IntervalDayToSecond(d) => Kind::IntervalDay(r#type::IntervalDay {
            type_variation_reference: v,
            nullability: n,
            precision: match d.precision_mode {
                Some(
                    datafusion_substrait::substrait::proto::expression::literal::interval_day_to_second::PrecisionMode::Precision(p),
                ) => Some(p),
                _ => None,
            },
        }),
        LiteralType::IntervalCompound(c) => Kind::IntervalCompound(r#type::IntervalCompound {
            type_variation_reference: v,
            nullability: n,
            precision: c
                .interval_day_to_second
                .as_ref()
                .and_then(|d| match d.precision_mode {
                    Some(
                        datafusion_substrait::substrait::proto::expression::literal::interval_day_to_second::PrecisionMode::Precision(p),
                    ) => Some(p),
                    _ => None,
                })
                .unwrap_or(6),
        }),
        LiteralType::FixedChar(s) => Kind::FixedChar(r#type::FixedChar {
            length: i32::try_from(s.chars().count()).ok()?,
            type_variation_reference: v,
            nullability: n,
        }),
        LiteralType::VarChar(s) => Kind::Varchar(r#type::VarChar {
            length: i32::try_from(s.length).ok()?,
            type_variation_reference: v,
            nullability: n,
        }),
        LiteralType::FixedBinary(b) => Kind::FixedBinary(r#type::FixedBinary {
            length: i32::try_from(b.len()).ok()?,
            type_variation_reference: v,
            nullability: n,
        }),
        LiteralType::Decimal(d) => Kind::Decimal(r#type::Decimal {
            scale: d.scale,
            precision: d.precision,
            type_variation_reference: v,
            nullability: n,
        }),
        LiteralType::PrecisionTime(t) => Kind::PrecisionTime(r#type::PrecisionTime {
            precision: t.precision,
            type_variation_reference: v,
            nullability: n,
        }),
        LiteralType::PrecisionTimestamp(t) => {
            Kind::PrecisionTimestamp(r#type::PrecisionTimestamp {
                precision: t.precision,
                type_variation_reference: v,
                nullability: n,
            })
        }
        LiteralType::PrecisionTimestampTz(t) => {
            Kind::PrecisionTimestampTz(r#type::PrecisionTimestampTz {
                precision: t.precision,
                type_variation_reference: v,
                nullability: n,
            })
        }
        LiteralType::Struct(s) => Kind::Struct(r#type::Struct {
            types: s.fields.iter().map(literal_type).collect::<Option<_>>()?,
            type_variation_reference: v,
            nullability: n,
        }),
        LiteralType::List(l) => Kind::List(Box::new(r#type::List {
            r#type: l.values.first().and_then(literal_type).map(Box::new),
            type_variation_reference: v,
            nullability: n,
        })),
        LiteralType::Map(m) => {
            let first = m.key_values.first();
            Kind::Map(Box::new(r#type::Map {
                key: first
                    .and_then(|kv| kv.key.as_ref())
                    .and_then(literal_type)
                    .map(Box::new),
                value: first
                    .and_then(|kv| kv.value.as_ref())
                    .and_then(literal_type)
                    .map(Box::new),
                type_variation_reference: v,
                nullability: n,
            }))
        }
        LiteralType::Null(ty) => return Some(ty.clone()),
        LiteralType::EmptyList(list) => Kind::List(Box::new(list.clone())),
        LiteralType::EmptyMap(map) => Kind::Map(Box::new(map.clone())),
        LiteralType::UserDefined(_) => return None,
    };
    Some(Type { kind: Some(kind) })
}

/// `ty` made nullable: the columns an outer join may fill with nulls.
#[allow(deprecated)] // older producers still write the deprecated kinds
pub fn nullable(mut ty: Type) -> Type {
    let n = Nullability::Nullable as i32;
    match ty.kind.as_mut() {
        Some(Kind::Bool(t)) => t.nullability = n,
        Some(Kind::I8(t)) => t.nullability = n,
        Some(Kind::I16(t)) => t.nullability = n,
        Some(Kind::I32(t)) => t.nullability = n,
        Some(Kind::I64(t)) => t.nullability = n,
        Some(Kind::Fp32(t)) => t.nullability = n,
        Some(Kind::Fp64(t)) => t.nullability = n,
        Some(Kind::String(t)) => t.nullability = n,
        Some(Kind::Binary(t)) => t.nullability = n,
        Some(Kind::Timestamp(t)) => t.nullability = n,
        Some(Kind::Date(t)) => t.nullability = n,
        Some(Kind::Time(t)) => t.nullability = n,
        Some(Kind::IntervalYear(t)) => t.nullability = n,
        Some(Kind::IntervalDay(t)) => t.nullability = n,
        Some(Kind::IntervalCompound(t)) => t.nullability = n,
        Some(Kind::TimestampTz(t)) => t.nullability = n,
        Some(Kind::Uuid(t)) => t.nullability = n,
        Some(Kind::FixedChar(t)) => t.nullability = n,
        Some(Kind::Varchar(t)) => t.nullability = n,
        Some(Kind::FixedBinary(t)) => t.nullability = n,
        Some(Kind::Decimal(t)) => t.nullability = n,
        Some(Kind::PrecisionTime(t)) => t.nullability = n,
        Some(Kind::PrecisionTimestamp(t)) => t.nullability = n,
        Some(Kind::PrecisionTimestampTz(t)) => t.nullability = n,
        Some(Kind::Struct(t)) => t.nullability = n,
        Some(Kind::List(t)) => t.nullability = n,
        Some(Kind::Map(t)) => t.nullability = n,
        Some(Kind::Func(t)) => t.nullability = n,
        Some(Kind::UserDefined(t)) => t.nullability = n,
        _ => {}
    }
    ty
}

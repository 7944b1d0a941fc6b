//! Test-file types and values as Substrait types and literals.
//!
//! `ts`, `tstz` and `time` become `precision_timestamp<6>`, `precision_timestamp_tz<6>` and
//! `precision_time<6>`: the zone-less kinds are deprecated in the proto, and microseconds are
//! what they meant. A bare `dec` is `dec<38, 0>`; a bare `iday`/`icompound` has precision 6.

use switchyard_producer::substrait::proto::Type;
use switchyard_producer::substrait::proto::expression::Literal as ProtoLiteral;
use switchyard_producer::substrait::proto::expression::literal::interval_day_to_second::PrecisionMode;
use switchyard_producer::substrait::proto::expression::literal::{
    self, IntervalDayToSecond, IntervalYearToMonth, LiteralType,
};
use switchyard_producer::substrait::proto::r#type::{self, Kind, Nullability};

use super::PlanError;
use super::decimal;
use super::temporal::{self, Duration};
use crate::function_tests::{DataType, Literal, TypeKind};

/// The precision given to `ts`, `tstz`, `time` and unparameterised intervals.
const MICROSECONDS: u32 = 6;

/// `T` or, with `?`, `T?`, as a Substrait type.
pub(super) fn proto_type(data_type: &DataType) -> Result<Type, PlanError> {
    let n = nullability(data_type.nullable);
    let kind = match &data_type.kind {
        TypeKind::Boolean => Kind::Bool(r#type::Boolean {
            nullability: n,
            ..Default::default()
        }),
        TypeKind::I8 => Kind::I8(r#type::I8 {
            nullability: n,
            ..Default::default()
        }),
        TypeKind::I16 => Kind::I16(r#type::I16 {
            nullability: n,
            ..Default::default()
        }),
        TypeKind::I32 => Kind::I32(r#type::I32 {
            nullability: n,
            ..Default::default()
        }),
        TypeKind::I64 => Kind::I64(r#type::I64 {
            nullability: n,
            ..Default::default()
        }),
        TypeKind::Fp32 => Kind::Fp32(r#type::Fp32 {
            nullability: n,
            ..Default::default()
        }),
        TypeKind::Fp64 => Kind::Fp64(r#type::Fp64 {
            nullability: n,
            ..Default::default()
        }),
        TypeKind::String => Kind::String(r#type::String {
            nullability: n,
            ..Default::default()
        }),
        TypeKind::Binary => Kind::Binary(r#type::Binary {
            nullability: n,
            ..Default::default()
        }),
        TypeKind::Date => Kind::Date(r#type::Date {
            nullability: n,
            ..Default::default()
        }),
        TypeKind::Uuid => Kind::Uuid(r#type::Uuid {
            nullability: n,
            ..Default::default()
        }),
        TypeKind::IntervalYear => Kind::IntervalYear(r#type::IntervalYear {
            nullability: n,
            ..Default::default()
        }),
        TypeKind::IntervalDay(p) => Kind::IntervalDay(r#type::IntervalDay {
            nullability: n,
            precision: Some(int32(interval_precision(*p)?)),
            ..Default::default()
        }),
        TypeKind::IntervalCompound(p) => Kind::IntervalCompound(r#type::IntervalCompound {
            nullability: n,
            precision: int32(interval_precision(*p)?),
            ..Default::default()
        }),
        TypeKind::FixedChar(length) => Kind::FixedChar(r#type::FixedChar {
            length: int32(*length),
            nullability: n,
            ..Default::default()
        }),
        TypeKind::VarChar(length) => Kind::Varchar(r#type::VarChar {
            length: int32(*length),
            nullability: n,
            ..Default::default()
        }),
        TypeKind::FixedBinary(length) => Kind::FixedBinary(r#type::FixedBinary {
            length: int32(*length),
            nullability: n,
            ..Default::default()
        }),
        TypeKind::Decimal(params) => {
            let (precision, scale) = decimal::params(*params)?;
            Kind::Decimal(r#type::Decimal {
                precision: int32(precision),
                scale: int32(scale),
                nullability: n,
                ..Default::default()
            })
        }
        TypeKind::Time => time_kind(MICROSECONDS, n)?,
        TypeKind::PrecisionTime(p) => time_kind(*p, n)?,
        TypeKind::Timestamp => Kind::PrecisionTimestamp(r#type::PrecisionTimestamp {
            precision: int32(timestamp_precision(MICROSECONDS)?),
            nullability: n,
            ..Default::default()
        }),
        TypeKind::PrecisionTimestamp(p) => Kind::PrecisionTimestamp(r#type::PrecisionTimestamp {
            precision: int32(timestamp_precision(*p)?),
            nullability: n,
            ..Default::default()
        }),
        TypeKind::TimestampTz => Kind::PrecisionTimestampTz(r#type::PrecisionTimestampTz {
            precision: int32(timestamp_precision(MICROSECONDS)?),
            nullability: n,
            ..Default::default()
        }),
        TypeKind::PrecisionTimestampTz(p) => {
            Kind::PrecisionTimestampTz(r#type::PrecisionTimestampTz {
                precision: int32(timestamp_precision(*p)?),
                nullability: n,
                ..Default::default()
            })
        }
        TypeKind::List(element) => Kind::List(Box::new(list_type(element, data_type.nullable)?)),
        TypeKind::Func { .. } => return Err(lambda_unsupported()),
        TypeKind::UserDefined(name) => return Err(user_defined_unsupported(name)),
    };
    Ok(Type { kind: Some(kind) })
}

/// A value of `data_type` as a Substrait literal. A null becomes a typed null of the nullable
/// form of `data_type`, whatever the `?` says, since a null value makes the type nullable.
pub(super) fn proto_literal(
    value: &Literal,
    data_type: &DataType,
) -> Result<ProtoLiteral, PlanError> {
    if matches!(value, Literal::Null) {
        let null_type = DataType::nullable(data_type.kind.clone());
        return Ok(ProtoLiteral {
            nullable: true,
            type_variation_reference: 0,
            literal_type: Some(LiteralType::Null(proto_type(&null_type)?)),
        });
    }
    let mismatch = || PlanError::Invalid(format!("{value:?} is not a `{data_type}` value"));
    let literal_type = match (value, &data_type.kind) {
        (Literal::Lambda(_), _) | (_, TypeKind::Func { .. }) => return Err(lambda_unsupported()),
        (_, TypeKind::UserDefined(name)) => return Err(user_defined_unsupported(name)),
        (Literal::Boolean(b), TypeKind::Boolean) => LiteralType::Boolean(*b),
        (Literal::Integer(v), TypeKind::I8) => {
            LiteralType::I8(i32::from(integer::<i8>(*v, data_type)?))
        }
        (Literal::Integer(v), TypeKind::I16) => {
            LiteralType::I16(i32::from(integer::<i16>(*v, data_type)?))
        }
        (Literal::Integer(v), TypeKind::I32) => LiteralType::I32(integer::<i32>(*v, data_type)?),
        (Literal::Integer(v), TypeKind::I64) => LiteralType::I64(*v),
        (Literal::Float(text), TypeKind::Fp32) => LiteralType::Fp32(float(text, data_type)?),
        (Literal::Float(text), TypeKind::Fp64) => LiteralType::Fp64(float(text, data_type)?),
        (Literal::Decimal(text), TypeKind::Decimal(params)) => {
            let (precision, scale) = decimal::params(*params)?;
            let unscaled = decimal::unscaled(text, precision, scale)?;
            LiteralType::Decimal(literal::Decimal {
                value: unscaled.to_le_bytes().to_vec(),
                precision: int32(precision),
                scale: int32(scale),
            })
        }
        (Literal::String(text), kind) => string_literal(text, kind, data_type)?,
        (Literal::Date(text), TypeKind::Date) => LiteralType::Date(temporal::date_days(text)?),
        (Literal::Time(text), TypeKind::Time) => time_literal(text, MICROSECONDS)?,
        (Literal::Time(text), TypeKind::PrecisionTime(p)) => time_literal(text, *p)?,
        (Literal::Timestamp(text), TypeKind::Timestamp) => {
            LiteralType::PrecisionTimestamp(timestamp_literal(text, MICROSECONDS)?)
        }
        (Literal::Timestamp(text), TypeKind::PrecisionTimestamp(p)) => {
            LiteralType::PrecisionTimestamp(timestamp_literal(text, *p)?)
        }
        (Literal::TimestampTz(text), TypeKind::TimestampTz) => {
            LiteralType::PrecisionTimestampTz(timestamp_literal(text, MICROSECONDS)?)
        }
        (Literal::TimestampTz(text), TypeKind::PrecisionTimestampTz(p)) => {
            LiteralType::PrecisionTimestampTz(timestamp_literal(text, *p)?)
        }
        (Literal::IntervalYear(text), TypeKind::IntervalYear) => {
            let duration = temporal::duration(text, 0)?;
            if duration.days != 0 || duration.subseconds != 0 {
                return Err(mismatch());
            }
            LiteralType::IntervalYearToMonth(year_month(&duration)?)
        }
        (Literal::IntervalDay(text), TypeKind::IntervalDay(p)) => {
            let precision = interval_precision(*p)?;
            let duration = temporal::duration(text, precision)?;
            if duration.years != 0 || duration.months != 0 {
                return Err(mismatch());
            }
            LiteralType::IntervalDayToSecond(day_second(&duration, precision)?)
        }
        (Literal::IntervalCompound(text), TypeKind::IntervalCompound(p)) => {
            let precision = interval_precision(*p)?;
            let duration = temporal::duration(text, precision)?;
            LiteralType::IntervalCompound(literal::IntervalCompound {
                interval_year_to_month: Some(year_month(&duration)?),
                interval_day_to_second: Some(day_second(&duration, precision)?),
            })
        }
        (Literal::List(items), TypeKind::List(element)) if items.is_empty() => {
            // Substrait spells an empty list by its type, since there is no element to type it.
            LiteralType::EmptyList(list_type(element, data_type.nullable)?)
        }
        (Literal::List(items), TypeKind::List(element)) => LiteralType::List(literal::List {
            values: items
                .iter()
                .map(|item| proto_literal(item, element))
                .collect::<Result<_, _>>()?,
        }),
        _ => return Err(mismatch()),
    };
    Ok(ProtoLiteral {
        nullable: data_type.nullable,
        type_variation_reference: 0,
        literal_type: Some(literal_type),
    })
}

fn string_literal(
    text: &str,
    kind: &TypeKind,
    data_type: &DataType,
) -> Result<LiteralType, PlanError> {
    let wrong_length = || PlanError::Invalid(format!("'{text}' does not fit `{data_type}`"));
    let chars = text.chars().count();
    Ok(match kind {
        TypeKind::String => LiteralType::String(text.to_string()),
        TypeKind::VarChar(length) if chars <= as_usize(*length) => {
            LiteralType::VarChar(literal::VarChar {
                value: text.to_string(),
                length: *length,
            })
        }
        TypeKind::FixedChar(length) if chars == as_usize(*length) => {
            LiteralType::FixedChar(text.to_string())
        }
        // The format has no byte escapes; binary values are the text's UTF-8 bytes.
        TypeKind::Binary => LiteralType::Binary(text.as_bytes().to_vec()),
        TypeKind::FixedBinary(length) if text.len() == as_usize(*length) => {
            LiteralType::FixedBinary(text.as_bytes().to_vec())
        }
        TypeKind::Uuid => LiteralType::Uuid(uuid_bytes(text)?),
        TypeKind::VarChar(_) | TypeKind::FixedChar(_) | TypeKind::FixedBinary(_) => {
            return Err(wrong_length());
        }
        _ => {
            return Err(PlanError::Invalid(format!(
                "'{text}' is not a `{data_type}` value"
            )));
        }
    })
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (hyphens optional) as 16 bytes.
fn uuid_bytes(text: &str) -> Result<Vec<u8>, PlanError> {
    let hex: Vec<u8> = text.bytes().filter(|b| *b != b'-').collect();
    if hex.len() != 32 || !hex.iter().all(u8::is_ascii_hexdigit) {
        return Err(PlanError::Invalid(format!("'{text}' is not a UUID")));
    }
    let nibble = |b: u8| match b {
        b'0'..=b'9' => b - b'0',
        b'a'..=b'f' => b - b'a' + 10,
        _ => b - b'A' + 10,
    };
    Ok(hex
        .chunks(2)
        .map(|pair| pair.iter().fold(0_u8, |acc, &b| (acc << 4) | nibble(b)))
        .collect())
}

fn time_kind(precision: u32, nullability: i32) -> Result<Kind, PlanError> {
    Ok(Kind::PrecisionTime(r#type::PrecisionTime {
        precision: int32(timestamp_precision(precision)?),
        nullability,
        ..Default::default()
    }))
}

fn time_literal(text: &str, precision: u32) -> Result<LiteralType, PlanError> {
    Ok(LiteralType::PrecisionTime(literal::PrecisionTime {
        precision: int32(timestamp_precision(precision)?),
        value: temporal::time_of_day(text, precision)?,
    }))
}

fn timestamp_literal(text: &str, precision: u32) -> Result<literal::PrecisionTimestamp, PlanError> {
    Ok(literal::PrecisionTimestamp {
        precision: int32(timestamp_precision(precision)?),
        value: temporal::timestamp(text, precision)?,
    })
}

fn year_month(duration: &Duration) -> Result<IntervalYearToMonth, PlanError> {
    Ok(IntervalYearToMonth {
        years: interval_part(duration.years)?,
        months: interval_part(duration.months)?,
    })
}

/// Days, then whole seconds and the remaining `10^-precision` units, all with the same sign.
fn day_second(duration: &Duration, precision: u32) -> Result<IntervalDayToSecond, PlanError> {
    let unit = 10_i128.pow(precision);
    let seconds = duration.subseconds / unit;
    let subseconds = duration.subseconds % unit;
    Ok(IntervalDayToSecond {
        days: interval_part(duration.days)?,
        seconds: interval_part(seconds)?,
        subseconds: i64::try_from(subseconds).map_err(|_| interval_overflow())?,
        precision_mode: Some(PrecisionMode::Precision(int32(precision))),
    })
}

fn interval_part<T: TryInto<i32>>(value: T) -> Result<i32, PlanError> {
    value.try_into().map_err(|_| interval_overflow())
}

fn interval_overflow() -> PlanError {
    PlanError::Invalid("an interval component does not fit 32 bits".to_string())
}

/// The precision of `iday<P>` / `icompound<P>`, 6 when not given; Substrait allows 0 to 9.
fn interval_precision(precision: Option<u32>) -> Result<u32, PlanError> {
    match precision.unwrap_or(MICROSECONDS) {
        p @ 0..=9 => Ok(p),
        p => Err(PlanError::Unsupported(format!(
            "interval precision {p} is above the 9 Substrait allows"
        ))),
    }
}

/// The precision of a time or timestamp type; Substrait allows 0 to 12.
fn timestamp_precision(precision: u32) -> Result<u32, PlanError> {
    match precision {
        p @ 0..=12 => Ok(p),
        p => Err(PlanError::Unsupported(format!(
            "time precision {p} is above the 12 Substrait allows"
        ))),
    }
}

fn list_type(element: &DataType, nullable: bool) -> Result<r#type::List, PlanError> {
    Ok(r#type::List {
        r#type: Some(Box::new(proto_type(element)?)),
        nullability: nullability(nullable),
        ..Default::default()
    })
}

fn integer<T: TryFrom<i64>>(value: i64, data_type: &DataType) -> Result<T, PlanError> {
    T::try_from(value)
        .map_err(|_| PlanError::Invalid(format!("{value} is out of range for `{data_type}`")))
}

/// A float as written, including `inf`, `-inf`, `nan` and `snan` (read as a quiet NaN: protobuf
/// floats cannot carry a signalling one reliably).
fn float<T: std::str::FromStr>(text: &str, data_type: &DataType) -> Result<T, PlanError> {
    let unsigned = text.trim_start_matches(['+', '-']);
    let text = if unsigned.eq_ignore_ascii_case("snan") {
        "nan"
    } else {
        text
    };
    text.parse()
        .map_err(|_| PlanError::Invalid(format!("{text} is not a `{data_type}` value")))
}

fn lambda_unsupported() -> PlanError {
    PlanError::Unsupported(
        "lambda arguments (func<...>) are not supported: their bodies call functions from other \
         extensions and refer to lambda parameters"
            .to_string(),
    )
}

fn user_defined_unsupported(name: &str) -> PlanError {
    PlanError::Unsupported(format!(
        "user-defined type `u!{name}` needs a type declaration the test format does not give"
    ))
}

fn nullability(nullable: bool) -> i32 {
    if nullable {
        Nullability::Nullable as i32
    } else {
        Nullability::Required as i32
    }
}

/// Lengths and precisions are small; saturate rather than fail on absurd ones, which a consumer
/// then rejects with its own message.
fn int32(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

fn as_usize(value: u32) -> usize {
    usize::try_from(value).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_sixteen_bytes() {
        let bytes = uuid_bytes("00112233-4455-6677-8899-AABBCCDDEEFF").expect("valid");
        assert_eq!(bytes.len(), 16);
        assert_eq!((bytes[0], bytes[15]), (0x00, 0xff));
        assert!(uuid_bytes("not-a-uuid").is_err());
    }

    #[test]
    fn nulls_are_typed_and_nullable() {
        let literal =
            proto_literal(&Literal::Null, &DataType::new(TypeKind::I8)).expect("a null i8");
        assert!(literal.nullable);
        let Some(LiteralType::Null(Type {
            kind: Some(Kind::I8(i8_type)),
        })) = &literal.literal_type
        else {
            panic!("expected a typed null, got {literal:?}");
        };
        assert_eq!(i8_type.nullability, Nullability::Nullable as i32);
    }
}

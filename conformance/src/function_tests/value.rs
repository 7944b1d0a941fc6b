//! Literal values, and how a value as written becomes one once its `::type` is known.

use super::error::TestFileError;
use super::model::{FunctionCall, Lambda};
use super::temporal::{self, IntervalKind};
use super::types::{DataType, TypeKind};

/// A literal and its declared type: `120::i8`, `null::dec<38, 0>`, `[1, 2]::list<i32>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedValue {
    /// The value.
    pub value: Literal,
    /// The type written after `::`.
    pub data_type: DataType,
}

/// A literal value. Which variant a value becomes depends on its declared type, so `'P5D'` is an
/// [`Literal::IntervalDay`] when written `'P5D'::iday` and a [`Literal::String`] when written
/// `'P5D'::str`. Numbers other than integers, and temporal values, keep their exact text so that
/// no precision is lost before an engine sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    /// `null` (any spelling), of any type.
    Null,
    /// `true` / `false`, for `bool`.
    Boolean(bool),
    /// An integer for `i8`..`i64`, checked against the type's range.
    Integer(i64),
    /// A number for `dec`, as written: `-2.5`, `99999999999999999999999999999999999999`, and
    /// even `1.5e+10`, which one test writes.
    Decimal(String),
    /// A number for `fp32`/`fp64`, as written: `2.5`, `1.5e+308`, `inf`, `-inf`, `nan`, `snan`.
    /// See [`Literal::as_f64`].
    Float(String),
    /// Quoted text for `str`, `varchar`, `fixedchar`, `binary`, `fixedbinary` and `uuid`, with
    /// `\'`, `''` and `\\` unescaped and any other backslash kept.
    String(String),
    /// `'YYYY-MM-DD'` for `date`, without quotes.
    Date(String),
    /// `'HH:MM:SS[.f]'` for `time` and `precision_time`, without quotes.
    Time(String),
    /// `'YYYY-MM-DDTHH:MM:SS[.f]'` for `ts` and `precision_timestamp`, without quotes.
    Timestamp(String),
    /// A timestamp with a `±HH:MM` offset for `tstz` and `precision_timestamp_tz`.
    TimestampTz(String),
    /// An ISO 8601 duration such as `P1Y2M` for `iyear`, without quotes.
    IntervalYear(String),
    /// An ISO 8601 duration such as `P1DT2H` or `PT5H` for `iday`, without quotes.
    IntervalDay(String),
    /// An ISO 8601 duration with year, day and time parts for `icompound`, without quotes.
    IntervalCompound(String),
    /// `[a, b, ...]` for `list<T>`; each element is typed by `T`.
    List(Vec<Literal>),
    /// `(x -> f(x, ...))` for `func<...>`.
    Lambda(Lambda),
}

impl Literal {
    /// The value as an `f64`, for floats (including `inf`, `nan` and `snan`), decimals and
    /// integers; `None` for anything else.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Literal::Float(text) | Literal::Decimal(text) => {
                if text.eq_ignore_ascii_case("snan") {
                    Some(f64::NAN)
                } else {
                    text.parse().ok()
                }
            }
            Literal::Integer(value) => Some(*value as f64),
            _ => None,
        }
    }
}

/// A value as written, before its `::type` says what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum RawValue {
    Null,
    Bool(bool),
    /// A number as written, or `inf` / `nan` / `snan`.
    Number(String),
    /// Unescaped text of a quoted literal.
    Str(String),
    List(Vec<RawValue>),
    Lambda {
        parameters: Vec<String>,
        body: FunctionCall,
    },
}

impl RawValue {
    /// How the value reads in an error message.
    fn describe(&self) -> String {
        match self {
            RawValue::Null => "null".to_string(),
            RawValue::Bool(value) => value.to_string(),
            RawValue::Number(text) => text.clone(),
            RawValue::Str(text) => format!("'{text}'"),
            RawValue::List(items) => {
                let items: Vec<String> = items.iter().map(RawValue::describe).collect();
                format!("[{}]", items.join(", "))
            }
            RawValue::Lambda { parameters, body } => {
                format!("({} -> {}(...))", parameters.join(", "), body.name)
            }
        }
    }
}

/// Gives `raw` the meaning its declared type `data_type` asks for, checking that it fits.
pub(super) fn type_value(
    raw: RawValue,
    data_type: &DataType,
    line: usize,
) -> Result<Literal, TestFileError> {
    let shown = raw.describe();
    let invalid = |reason: &str| TestFileError::InvalidLiteral {
        line,
        literal: shown.clone(),
        data_type: data_type.to_string(),
        reason: reason.to_string(),
    };
    match (raw, &data_type.kind) {
        (RawValue::Null, _) => Ok(Literal::Null),
        (RawValue::Bool(value), TypeKind::Boolean) => Ok(Literal::Boolean(value)),
        (RawValue::Number(text), TypeKind::I8 | TypeKind::I16 | TypeKind::I32 | TypeKind::I64) => {
            integer(&text, &data_type.kind)
                .map(Literal::Integer)
                .map_err(invalid)
        }
        (RawValue::Number(text), TypeKind::Fp32 | TypeKind::Fp64) if is_float(&text) => {
            Ok(Literal::Float(text))
        }
        (RawValue::Number(text), TypeKind::Decimal(_)) if is_number(&text) => {
            Ok(Literal::Decimal(text))
        }
        (
            RawValue::Str(text),
            TypeKind::String
            | TypeKind::VarChar(_)
            | TypeKind::FixedChar(_)
            | TypeKind::Binary
            | TypeKind::FixedBinary(_)
            | TypeKind::Uuid,
        ) => Ok(Literal::String(text)),
        (RawValue::Str(text), TypeKind::Date) if temporal::is_date(&text) => {
            Ok(Literal::Date(text))
        }
        (RawValue::Str(text), TypeKind::Time | TypeKind::PrecisionTime(_))
            if temporal::is_time(&text) =>
        {
            Ok(Literal::Time(text))
        }
        (RawValue::Str(text), TypeKind::Timestamp | TypeKind::PrecisionTimestamp(_))
            if temporal::is_timestamp(&text) =>
        {
            Ok(Literal::Timestamp(text))
        }
        (RawValue::Str(text), TypeKind::TimestampTz | TypeKind::PrecisionTimestampTz(_))
            if temporal::is_timestamp_tz(&text) =>
        {
            Ok(Literal::TimestampTz(text))
        }
        (RawValue::Str(text), TypeKind::IntervalYear)
            if temporal::is_interval(&text, IntervalKind::Year) =>
        {
            Ok(Literal::IntervalYear(text))
        }
        (RawValue::Str(text), TypeKind::IntervalDay(_))
            if temporal::is_interval(&text, IntervalKind::Day) =>
        {
            Ok(Literal::IntervalDay(text))
        }
        (RawValue::Str(text), TypeKind::IntervalCompound(_))
            if temporal::is_interval(&text, IntervalKind::Compound) =>
        {
            Ok(Literal::IntervalCompound(text))
        }
        (RawValue::List(items), TypeKind::List(element)) => items
            .into_iter()
            .map(|item| type_value(item, element, line))
            .collect::<Result<Vec<_>, _>>()
            .map(Literal::List),
        (
            RawValue::Lambda { parameters, body },
            TypeKind::Func {
                parameters: types, ..
            },
        ) if parameters.len() == types.len() => Ok(Literal::Lambda(Lambda { parameters, body })),
        (_, kind) => Err(invalid(expectation(kind))),
    }
}

/// What a literal of type `kind` must look like, for error messages.
fn expectation(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Boolean => "expected true or false",
        TypeKind::I8 | TypeKind::I16 | TypeKind::I32 | TypeKind::I64 => "expected an integer",
        TypeKind::Fp32 | TypeKind::Fp64 => "expected a number, inf or nan",
        TypeKind::Decimal(_) => "expected a finite number",
        TypeKind::String
        | TypeKind::VarChar(_)
        | TypeKind::FixedChar(_)
        | TypeKind::Binary
        | TypeKind::FixedBinary(_)
        | TypeKind::Uuid => "expected a quoted string",
        TypeKind::Date => "expected 'YYYY-MM-DD'",
        TypeKind::Time | TypeKind::PrecisionTime(_) => "expected 'HH:MM:SS[.fraction]'",
        TypeKind::Timestamp | TypeKind::PrecisionTimestamp(_) => {
            "expected 'YYYY-MM-DDTHH:MM:SS[.fraction]'"
        }
        TypeKind::TimestampTz | TypeKind::PrecisionTimestampTz(_) => {
            "expected 'YYYY-MM-DDTHH:MM:SS[.fraction]+HH:MM'"
        }
        TypeKind::IntervalYear => "expected 'P[n]Y[n]M'",
        TypeKind::IntervalDay(_) => "expected 'P[n]DT[n]H[n]M[n]S'",
        TypeKind::IntervalCompound(_) => "expected 'P[n]Y[n]M[n]DT[n]H[n]M[n]S'",
        TypeKind::List(_) => "expected a [...] list",
        TypeKind::Func { .. } => "expected a lambda (x -> f(x, ...)) with one name per parameter",
        TypeKind::UserDefined(_) => "user-defined types have no literal syntax",
    }
}

/// An integer that fits the integer type `kind`.
fn integer(text: &str, kind: &TypeKind) -> Result<i64, &'static str> {
    let digits = text.strip_prefix(['+', '-']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err("not an integer");
    }
    let value: i64 = text.parse().map_err(|_| "out of range for i64")?;
    let (min, max) = match kind {
        TypeKind::I8 => (i64::from(i8::MIN), i64::from(i8::MAX)),
        TypeKind::I16 => (i64::from(i16::MIN), i64::from(i16::MAX)),
        TypeKind::I32 => (i64::from(i32::MIN), i64::from(i32::MAX)),
        _ => (i64::MIN, i64::MAX),
    };
    if !(min..=max).contains(&value) {
        return Err("out of range for its type");
    }
    Ok(value)
}

/// A floating-point literal: a number, or a (signed) `inf`/`infinity`, `nan` or `snan`.
fn is_float(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let unsigned = lower.strip_prefix(['+', '-']).unwrap_or(&lower);
    matches!(unsigned, "inf" | "infinity" | "nan" | "snan") || is_number(text)
}

/// `[+-]? digits (. digits)? ([eE] [+-]? digits)?`, the shapes the lexer produces.
fn is_number(text: &str) -> bool {
    let unsigned = text.strip_prefix(['+', '-']).unwrap_or(text);
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => (mantissa, Some(exponent)),
        None => (unsigned, None),
    };
    let all_digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((whole, fraction)) => all_digits(whole) && all_digits(fraction),
        None => all_digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| all_digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

//! The data types a test file can name after `::`.

use std::fmt;

/// A data type as written after `::`, e.g. `i8`, `dec<38, 2>`, `list<i32?>`, `func<i32 -> bool?>`.
///
/// Long and short spellings (`boolean`/`bool`, `timestamp`/`ts`, `decimal`/`dec`, ...) parse to
/// the same value; [`fmt::Display`] writes the short spelling.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DataType {
    /// Which type, with its parameters.
    pub kind: TypeKind,
    /// Whether the type was marked nullable with `?`.
    pub nullable: bool,
}

impl DataType {
    /// A non-nullable type of `kind`.
    pub fn new(kind: TypeKind) -> Self {
        Self {
            kind,
            nullable: false,
        }
    }

    /// A nullable (`?`) type of `kind`.
    pub fn nullable(kind: TypeKind) -> Self {
        Self {
            kind,
            nullable: true,
        }
    }
}

/// The kinds of [`DataType`]; parameters are kept as written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum TypeKind {
    /// `bool` / `boolean`.
    Boolean,
    /// `i8`.
    I8,
    /// `i16`.
    I16,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `fp32` (also `f32`, as the README spells it).
    Fp32,
    /// `fp64` (also `f64`).
    Fp64,
    /// `str` / `string`.
    String,
    /// `vbin` / `binary`.
    Binary,
    /// `ts` / `timestamp`.
    Timestamp,
    /// `tstz` / `timestamp_tz`.
    TimestampTz,
    /// `date`.
    Date,
    /// `time`.
    Time,
    /// `iyear` / `interval_year`.
    IntervalYear,
    /// `iday` / `interval_day`, with its optional `<precision>`.
    IntervalDay(Option<u32>),
    /// `icompound` / `interval_compound`, with its optional `<precision>`.
    IntervalCompound(Option<u32>),
    /// `uuid`.
    Uuid,
    /// `fchar<L>` / `fixedchar<L>`.
    FixedChar(u32),
    /// `vchar<L>` / `varchar<L>`.
    VarChar(u32),
    /// `fbin<L>` / `fixedbinary<L>`.
    FixedBinary(u32),
    /// `dec<P, S>` / `decimal<P, S>` as `(precision, scale)`; `None` for a bare `dec`.
    Decimal(Option<(u32, u32)>),
    /// `pt<P>` / `precision_time<P>`.
    PrecisionTime(u32),
    /// `pts<P>` / `precision_timestamp<P>`.
    PrecisionTimestamp(u32),
    /// `ptstz<P>` / `precision_timestamp_tz<P>`.
    PrecisionTimestampTz(u32),
    /// `list<T>`.
    List(Box<DataType>),
    /// `func<P -> R>` or `func<(P1, P2) -> R>`: the type of a lambda argument.
    Func {
        /// The lambda's parameter types.
        parameters: Vec<DataType>,
        /// The lambda's result type.
        result: Box<DataType>,
    },
    /// `u!name`: a user-defined type.
    UserDefined(String),
}

impl fmt::Display for DataType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The grammar puts `?` between the name and its parameters: `dec?<38,2>`.
        let q = if self.nullable { "?" } else { "" };
        let (name, params) = match &self.kind {
            TypeKind::Boolean => ("bool", String::new()),
            TypeKind::I8 => ("i8", String::new()),
            TypeKind::I16 => ("i16", String::new()),
            TypeKind::I32 => ("i32", String::new()),
            TypeKind::I64 => ("i64", String::new()),
            TypeKind::Fp32 => ("fp32", String::new()),
            TypeKind::Fp64 => ("fp64", String::new()),
            TypeKind::String => ("str", String::new()),
            TypeKind::Binary => ("vbin", String::new()),
            TypeKind::Timestamp => ("ts", String::new()),
            TypeKind::TimestampTz => ("tstz", String::new()),
            TypeKind::Date => ("date", String::new()),
            TypeKind::Time => ("time", String::new()),
            TypeKind::IntervalYear => ("iyear", String::new()),
            TypeKind::IntervalDay(p) => ("iday", optional_param(*p)),
            TypeKind::IntervalCompound(p) => ("icompound", optional_param(*p)),
            TypeKind::Uuid => ("uuid", String::new()),
            TypeKind::FixedChar(n) => ("fchar", format!("<{n}>")),
            TypeKind::VarChar(n) => ("vchar", format!("<{n}>")),
            TypeKind::FixedBinary(n) => ("fbin", format!("<{n}>")),
            TypeKind::Decimal(None) => ("dec", String::new()),
            TypeKind::Decimal(Some((p, s))) => ("dec", format!("<{p},{s}>")),
            TypeKind::PrecisionTime(p) => ("pt", format!("<{p}>")),
            TypeKind::PrecisionTimestamp(p) => ("pts", format!("<{p}>")),
            TypeKind::PrecisionTimestampTz(p) => ("ptstz", format!("<{p}>")),
            TypeKind::List(element) => ("list", format!("<{element}>")),
            TypeKind::Func { parameters, result } => {
                let parameters = match parameters.as_slice() {
                    [single] => single.to_string(),
                    many => {
                        let many: Vec<String> = many.iter().map(ToString::to_string).collect();
                        format!("({})", many.join(", "))
                    }
                };
                ("func", format!("<{parameters} -> {result}>"))
            }
            TypeKind::UserDefined(name) => return write!(f, "u!{name}{q}"),
        };
        write!(f, "{name}{q}{params}")
    }
}

fn optional_param(param: Option<u32>) -> String {
    param.map(|p| format!("<{p}>")).unwrap_or_default()
}

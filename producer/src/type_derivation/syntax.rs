//! The syntax tree of Substrait type expressions and return programs, as written in extension
//! YAMLs (`decimal<P1,S1>`, `any1?`, `list<varchar<L1>>`, and multi-line programs ending in a
//! type such as `DECIMAL<prec, scale>`).
//!
//! Names are kept lower-cased: the spec's grammar (`SubstraitType.g4`) is case-insensitive, and
//! the core YAMLs rely on it (`fixedchar<l1>` in an argument binds the `L1` of the return type).

use std::fmt;

/// A whole `return:` value: zero or more assignments, then the expression giving the type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    /// `name = expr` lines, evaluated in order; later lines may use earlier names.
    pub assignments: Vec<(String, Expr)>,
    /// The last line: normally a type expression.
    pub result: Expr,
}

/// One expression of the type language: a type, an integer, a boolean, a parameter name or an
/// operation on them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    /// A type, possibly with parameters that are themselves expressions.
    Type(TypeExpr),
    /// An integer literal (`38`, `-1`).
    Int(i64),
    /// `true` / `false`.
    Bool(bool),
    /// A parameter or variable name (`P1`, `prec`), lower-cased. A trailing `?` on a name is
    /// only meaningful for type variables and is kept in [`Expr::Type`] as `any1?`-style types.
    Name(String),
    /// `min(a, b, ...)`, `max(a, b, ...)`; other names are rejected when evaluated.
    Call {
        /// The function name, lower-cased.
        function: String,
        /// Its arguments.
        args: Vec<Expr>,
    },
    /// `!x` or `-x`.
    Unary {
        /// Which operator.
        op: UnaryOp,
        /// Its operand.
        operand: Box<Expr>,
    },
    /// `a op b`.
    Binary {
        /// Which operator.
        op: BinaryOp,
        /// The left operand.
        left: Box<Expr>,
        /// The right operand.
        right: Box<Expr>,
    },
    /// `cond ? a : b`, or `IF cond THEN a ELSE b`.
    If {
        /// The condition; must evaluate to a boolean.
        condition: Box<Expr>,
        /// The value when it holds.
        then: Box<Expr>,
        /// The value otherwise.
        otherwise: Box<Expr>,
    },
}

/// A prefix operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    /// `!` / `NOT`: boolean negation.
    Not,
    /// `-`: integer negation.
    Negate,
}

/// An infix operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryOp {
    /// `+`
    Add,
    /// `-`
    Subtract,
    /// `*`
    Multiply,
    /// `/` (integer division, truncating)
    Divide,
    /// `&&` / `AND`
    And,
    /// `||` / `OR`
    Or,
    /// `==` (a lone `=` inside an expression means the same)
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// A type written in the type language: its name, whether it is marked nullable with `?`, and
/// its parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeExpr {
    /// Which type.
    pub name: TypeName,
    /// `?` after the name: the type is nullable.
    pub nullable: bool,
    /// The parameters between `<` and `>`, in order: integers or names for lengths, precisions
    /// and scales; types for list elements, map keys and values, struct fields.
    pub params: Vec<Expr>,
}

/// The name part of a [`TypeExpr`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TypeName {
    /// `boolean` / `bool`
    Boolean,
    /// `i8`
    I8,
    /// `i16`
    I16,
    /// `i32`
    I32,
    /// `i64`
    I64,
    /// `fp32`
    Fp32,
    /// `fp64`
    Fp64,
    /// `string` / `str`
    String,
    /// `binary` / `vbin`
    Binary,
    /// `timestamp` / `ts` (deprecated in the proto, still used by the YAMLs)
    Timestamp,
    /// `timestamp_tz` / `tstz` (deprecated likewise)
    TimestampTz,
    /// `date`
    Date,
    /// `time` (deprecated likewise)
    Time,
    /// `interval_year` / `iyear`
    IntervalYear,
    /// `interval_day<P>` / `iday<P>`; the precision may be omitted (then 6).
    IntervalDay,
    /// `interval_compound<P>` / `icompound<P>`
    IntervalCompound,
    /// `uuid`
    Uuid,
    /// `fixedchar<L>` / `fchar<L>`
    FixedChar,
    /// `varchar<L>` / `vchar<L>`
    VarChar,
    /// `fixedbinary<L>` / `fbin<L>`
    FixedBinary,
    /// `decimal<P,S>` / `dec<P,S>`
    Decimal,
    /// `precision_time<P>` / `pt<P>`
    PrecisionTime,
    /// `precision_timestamp<P>` / `pts<P>`
    PrecisionTimestamp,
    /// `precision_timestamp_tz<P>` / `ptstz<P>`
    PrecisionTimestampTz,
    /// `struct<T1, T2, ...>`
    Struct,
    /// `nstruct<name1 T1, ...>`: the field names, lower-cased, in order (types are the params).
    NStruct(Vec<String>),
    /// `list<T>`
    List,
    /// `map<K, V>`
    Map,
    /// `func<P -> R>` / `func<(P1, P2) -> R>`: a lambda's type; the last param is the result.
    Func,
    /// `u!name`, a user-defined type, by its lower-cased name.
    UserDefined(String),
    /// `any` (matches any type, binds nothing) or `anyN` (binds type variable N); the number.
    Any(Option<u8>),
    /// `unknown`: the core `unknown.yaml` type some functions declare; matches nothing here.
    Unknown,
}

impl TypeName {
    /// The name's short form used in function signature keys (`add:i64_i64`, `sum:dec`).
    pub fn signature_name(&self) -> String {
        let short = match self {
            TypeName::Boolean => "bool",
            TypeName::I8 => "i8",
            TypeName::I16 => "i16",
            TypeName::I32 => "i32",
            TypeName::I64 => "i64",
            TypeName::Fp32 => "fp32",
            TypeName::Fp64 => "fp64",
            TypeName::String => "str",
            TypeName::Binary => "vbin",
            TypeName::Timestamp => "ts",
            TypeName::TimestampTz => "tstz",
            TypeName::Date => "date",
            TypeName::Time => "time",
            TypeName::IntervalYear => "iyear",
            TypeName::IntervalDay => "iday",
            TypeName::IntervalCompound => "icompound",
            TypeName::Uuid => "uuid",
            TypeName::FixedChar => "fchar",
            TypeName::VarChar => "vchar",
            TypeName::FixedBinary => "fbin",
            TypeName::Decimal => "dec",
            TypeName::PrecisionTime => "pt",
            TypeName::PrecisionTimestamp => "pts",
            TypeName::PrecisionTimestampTz => "ptstz",
            TypeName::Struct | TypeName::NStruct(_) => "struct",
            TypeName::List => "list",
            TypeName::Map => "map",
            TypeName::Func => "func",
            TypeName::UserDefined(name) => return format!("u!{name}"),
            TypeName::Any(None) => "any",
            TypeName::Any(Some(n)) => return format!("any{n}"),
            TypeName::Unknown => "unknown",
        };
        short.to_string()
    }

    /// The name for a keyword, long or short spelling, already lower-cased; `None` when the
    /// word is not a type name (so it is a parameter name or function).
    pub fn from_keyword(word: &str) -> Option<TypeName> {
        Some(match word {
            "boolean" | "bool" => TypeName::Boolean,
            "i8" => TypeName::I8,
            "i16" => TypeName::I16,
            "i32" => TypeName::I32,
            "i64" => TypeName::I64,
            "fp32" => TypeName::Fp32,
            "fp64" => TypeName::Fp64,
            "string" | "str" => TypeName::String,
            "binary" | "vbin" => TypeName::Binary,
            "timestamp" | "ts" => TypeName::Timestamp,
            "timestamp_tz" | "tstz" => TypeName::TimestampTz,
            "date" => TypeName::Date,
            "time" => TypeName::Time,
            "interval_year" | "iyear" => TypeName::IntervalYear,
            "interval_day" | "iday" => TypeName::IntervalDay,
            "interval_compound" | "icompound" => TypeName::IntervalCompound,
            "uuid" => TypeName::Uuid,
            "fixedchar" | "fchar" => TypeName::FixedChar,
            "varchar" | "vchar" => TypeName::VarChar,
            "fixedbinary" | "fbin" => TypeName::FixedBinary,
            "decimal" | "dec" => TypeName::Decimal,
            "precision_time" | "pt" => TypeName::PrecisionTime,
            "precision_timestamp" | "pts" => TypeName::PrecisionTimestamp,
            "precision_timestamp_tz" | "ptstz" => TypeName::PrecisionTimestampTz,
            "struct" => TypeName::Struct,
            "nstruct" => TypeName::NStruct(Vec::new()),
            "list" => TypeName::List,
            "map" => TypeName::Map,
            "func" => TypeName::Func,
            "any" => TypeName::Any(None),
            "unknown" => TypeName::Unknown,
            _ => {
                let digits = word.strip_prefix("any")?;
                if digits.len() == 1 {
                    TypeName::Any(Some(digits.parse().ok()?))
                } else {
                    return None;
                }
            }
        })
    }
}

impl fmt::Display for TypeExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name.signature_name())?;
        if self.nullable {
            f.write_str("?")?;
        }
        if !self.params.is_empty() {
            let params: Vec<String> = self.params.iter().map(ToString::to_string).collect();
            write!(f, "<{}>", params.join(", "))?;
        }
        Ok(())
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Type(t) => t.fmt(f),
            Expr::Int(n) => write!(f, "{n}"),
            Expr::Bool(b) => write!(f, "{b}"),
            Expr::Name(name) => f.write_str(name),
            Expr::Call { function, args } => {
                let args: Vec<String> = args.iter().map(ToString::to_string).collect();
                write!(f, "{function}({})", args.join(", "))
            }
            Expr::Unary { op, operand } => match op {
                UnaryOp::Not => write!(f, "!{operand}"),
                UnaryOp::Negate => write!(f, "-{operand}"),
            },
            Expr::Binary { op, left, right } => {
                let op = match op {
                    BinaryOp::Add => "+",
                    BinaryOp::Subtract => "-",
                    BinaryOp::Multiply => "*",
                    BinaryOp::Divide => "/",
                    BinaryOp::And => "&&",
                    BinaryOp::Or => "||",
                    BinaryOp::Eq => "==",
                    BinaryOp::Ne => "!=",
                    BinaryOp::Lt => "<",
                    BinaryOp::Le => "<=",
                    BinaryOp::Gt => ">",
                    BinaryOp::Ge => ">=",
                };
                write!(f, "({left} {op} {right})")
            }
            Expr::If {
                condition,
                then,
                otherwise,
            } => write!(f, "({condition} ? {then} : {otherwise})"),
        }
    }
}

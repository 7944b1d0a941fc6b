//! A cursor over the tokens, with the expression-level grammar: types, literals, lambdas and
//! argument lists. The case-level grammar is in `parse.rs` and `aggregate.rs`.

use super::error::TestFileError;
use super::lexer::{Tok, Token};
use super::model::{Argument, FunctionCall};
use super::types::{DataType, TypeKind};
use super::value::{RawValue, TypedValue, type_value};

/// The tokens and the position of the next one.
pub(super) struct Cursor {
    tokens: Vec<Token>,
    pos: usize,
    /// The line of the last token consumed, for errors at the end of the file and for telling a
    /// trailing comment from a group heading.
    last_line: usize,
    /// How many lists, lambdas and type parameters enclose the current position.
    depth: usize,
}

/// How deeply lists, lambdas and types may nest. Deeper input is rejected rather than risking
/// the stack.
const MAX_DEPTH: usize = 100;

impl Cursor {
    pub(super) fn new(tokens: Vec<Token>) -> Self {
        Self {
            tokens,
            pos: 0,
            last_line: 1,
            depth: 0,
        }
    }

    pub(super) fn peek(&self) -> Option<&Tok> {
        self.peek_at(0)
    }

    pub(super) fn peek_at(&self, offset: usize) -> Option<&Tok> {
        self.tokens.get(self.pos + offset).map(|token| &token.tok)
    }

    /// The line of the next token (of the last one at the end of the file).
    pub(super) fn line(&self) -> usize {
        self.tokens
            .get(self.pos)
            .map_or(self.last_line, |token| token.line)
    }

    pub(super) fn last_line(&self) -> usize {
        self.last_line
    }

    pub(super) fn advance(&mut self) {
        if let Some(token) = self.tokens.get(self.pos) {
            self.last_line = token.line;
            self.pos += 1;
        }
    }

    /// Consumes the next token if it is `tok`.
    pub(super) fn eat(&mut self, tok: &Tok) -> bool {
        let found = self.peek() == Some(tok);
        if found {
            self.advance();
        }
        found
    }

    pub(super) fn expect(&mut self, tok: &Tok, expected: &str) -> Result<(), TestFileError> {
        if self.eat(tok) {
            Ok(())
        } else {
            Err(self.unexpected(expected))
        }
    }

    /// An error saying the next token is not `expected`.
    pub(super) fn unexpected(&self, expected: &str) -> TestFileError {
        TestFileError::Unexpected {
            line: self.line(),
            expected: expected.to_string(),
            found: self
                .peek()
                .map_or_else(|| "end of file".to_string(), Tok::describe),
        }
    }

    /// Consumes a name.
    pub(super) fn word(&mut self, expected: &str) -> Result<String, TestFileError> {
        if let Some(Tok::Word(word)) = self.peek() {
            let word = word.clone();
            self.advance();
            Ok(word)
        } else {
            Err(self.unexpected(expected))
        }
    }

    /// Runs `parse` one nesting level deeper, failing if that is too deep.
    fn nested<T>(
        &mut self,
        parse: impl FnOnce(&mut Self) -> Result<T, TestFileError>,
    ) -> Result<T, TestFileError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.unexpected("less deeply nested brackets"));
        }
        self.depth += 1;
        let result = parse(&mut *self);
        self.depth -= 1;
        result
    }

    /// Parses `item`s separated by commas up to and including `close`; the opening bracket has
    /// already been consumed. An empty list is allowed.
    pub(super) fn list_until<T>(
        &mut self,
        close: &Tok,
        mut item: impl FnMut(&mut Self) -> Result<T, TestFileError>,
    ) -> Result<Vec<T>, TestFileError> {
        let mut items = Vec::new();
        if self.eat(close) {
            return Ok(items);
        }
        loop {
            items.push(item(&mut *self)?);
            if !self.eat(&Tok::Comma) {
                break;
            }
        }
        self.expect(close, &format!("`,` or {}", close.describe()))?;
        Ok(items)
    }

    /// `name(arg, ...)` with scalar arguments: a test case's call or a lambda body.
    pub(super) fn call(&mut self) -> Result<FunctionCall, TestFileError> {
        let name = self.word("a function name")?;
        self.expect(&Tok::LParen, "`(` after the function name")?;
        let arguments = self.list_until(&Tok::RParen, Self::argument)?;
        Ok(FunctionCall { name, arguments })
    }

    /// `value::type`, or a bare name (a lambda parameter).
    pub(super) fn argument(&mut self) -> Result<Argument, TestFileError> {
        if let Some(Tok::Word(word)) = self.peek()
            && !is_literal_word(word)
            && self.peek_at(1) != Some(&Tok::DoubleColon)
        {
            let name = word.clone();
            self.advance();
            return Ok(Argument::Parameter(name));
        }
        self.typed_value().map(Argument::Value)
    }

    /// `value::type`, where the value may be a list or a lambda.
    pub(super) fn typed_value(&mut self) -> Result<TypedValue, TestFileError> {
        let raw = match self.peek() {
            Some(Tok::LBracket) => self.nested(Self::list)?,
            Some(Tok::LParen) => self.nested(Self::lambda)?,
            _ => self.literal()?,
        };
        self.expect(&Tok::DoubleColon, "`::` and a type")?;
        let line = self.line();
        let data_type = self.data_type()?;
        let value = type_value(raw, &data_type, line)?;
        Ok(TypedValue { value, data_type })
    }

    /// A single literal: `null`, `true`/`false`, a number, `inf`/`nan`/`snan`, or a string.
    pub(super) fn literal(&mut self) -> Result<RawValue, TestFileError> {
        let value = match self.peek() {
            Some(Tok::Number(text)) => RawValue::Number(text.clone()),
            Some(Tok::Str(text)) => RawValue::Str(text.clone()),
            Some(Tok::Word(word)) if is_literal_word(word) => {
                match word.to_ascii_lowercase().as_str() {
                    "null" => RawValue::Null,
                    "true" => RawValue::Bool(true),
                    "false" => RawValue::Bool(false),
                    _ => RawValue::Number(word.clone()),
                }
            }
            _ => return Err(self.unexpected("a literal")),
        };
        self.advance();
        Ok(value)
    }

    /// `[a, b, ...]`, elements being literals or nested lists.
    fn list(&mut self) -> Result<RawValue, TestFileError> {
        self.expect(&Tok::LBracket, "`[`")?;
        let items = self.list_until(&Tok::RBracket, |cursor| {
            if cursor.peek() == Some(&Tok::LBracket) {
                cursor.nested(Self::list)
            } else {
                cursor.literal()
            }
        })?;
        Ok(RawValue::List(items))
    }

    /// `(x -> f(...))` or `((x, y) -> f(...))`.
    fn lambda(&mut self) -> Result<RawValue, TestFileError> {
        self.expect(&Tok::LParen, "`(`")?;
        let parameters = if self.eat(&Tok::LParen) {
            self.list_until(&Tok::RParen, |cursor| cursor.word("a lambda parameter"))?
        } else {
            vec![self.word("a lambda parameter")?]
        };
        self.expect(&Tok::Arrow, "`->` after the lambda parameters")?;
        let body = self.call()?;
        self.expect(&Tok::RParen, "`)` closing the lambda")?;
        Ok(RawValue::Lambda { parameters, body })
    }

    /// `( a, b, ... )`: one column of an aggregate case's table, or one row of it.
    pub(super) fn column_values(&mut self) -> Result<Vec<RawValue>, TestFileError> {
        self.expect(&Tok::LParen, "`(` opening a list of values")?;
        self.list_until(&Tok::RParen, Self::literal)
    }

    /// A data type, e.g. `i8`, `dec<38, 2>`, `list<i32?>`, `func<(i32, i32) -> i32>`.
    pub(super) fn data_type(&mut self) -> Result<DataType, TestFileError> {
        let line = self.line();
        let name = self.word("a type name")?;
        if name.eq_ignore_ascii_case("u") && self.eat(&Tok::Bang) {
            let name = self.word("a user-defined type name after `u!`")?;
            let nullable = self.eat(&Tok::QMark);
            return Ok(DataType {
                kind: TypeKind::UserDefined(name),
                nullable,
            });
        }
        // The grammar writes `?` before the parameters (`dec?<38,2>`); accept it after them too.
        let mut nullable = self.eat(&Tok::QMark);
        let bad = |reason: &str| TestFileError::BadType {
            line,
            name: name.clone(),
            reason: reason.to_string(),
        };
        let kind = match name.to_ascii_lowercase().as_str() {
            "bool" | "boolean" => TypeKind::Boolean,
            "i8" => TypeKind::I8,
            "i16" => TypeKind::I16,
            "i32" => TypeKind::I32,
            "i64" => TypeKind::I64,
            "fp32" | "f32" => TypeKind::Fp32,
            "fp64" | "f64" => TypeKind::Fp64,
            "str" | "string" => TypeKind::String,
            "vbin" | "binary" => TypeKind::Binary,
            "ts" | "timestamp" => TypeKind::Timestamp,
            "tstz" | "timestamp_tz" => TypeKind::TimestampTz,
            "date" => TypeKind::Date,
            "time" => TypeKind::Time,
            "iyear" | "interval_year" => TypeKind::IntervalYear,
            "uuid" => TypeKind::Uuid,
            "list" => self.nested(Self::list_type)?,
            "func" => self.nested(Self::func_type)?,
            other => {
                let params = self.int_params()?;
                parameterized(other, &params).ok_or_else(|| {
                    bad(if PARAMETERIZED.contains(&other) {
                        "wrong number of type parameters"
                    } else {
                        "unknown type name"
                    })
                })?
            }
        };
        nullable |= self.eat(&Tok::QMark);
        Ok(DataType { kind, nullable })
    }

    /// The rest of `list<T>` after `list`.
    fn list_type(&mut self) -> Result<TypeKind, TestFileError> {
        self.expect(&Tok::LAngle, "`<` after `list`")?;
        let element = self.data_type()?;
        self.expect(&Tok::RAngle, "`>` closing `list<...>`")?;
        Ok(TypeKind::List(Box::new(element)))
    }

    /// The rest of `func<P -> R>` or `func<(P1, P2) -> R>` after `func`.
    fn func_type(&mut self) -> Result<TypeKind, TestFileError> {
        self.expect(&Tok::LAngle, "`<` after `func`")?;
        let parameters = if self.eat(&Tok::LParen) {
            self.list_until(&Tok::RParen, Self::data_type)?
        } else {
            vec![self.data_type()?]
        };
        self.expect(&Tok::Arrow, "`->` in `func<...>`")?;
        let result = Box::new(self.data_type()?);
        self.expect(&Tok::RAngle, "`>` closing `func<...>`")?;
        Ok(TypeKind::Func { parameters, result })
    }

    /// Optional `<n, ...>` integer type parameters.
    fn int_params(&mut self) -> Result<Vec<u32>, TestFileError> {
        if !self.eat(&Tok::LAngle) {
            return Ok(Vec::new());
        }
        self.list_until(&Tok::RAngle, |cursor| {
            let value = match cursor.peek() {
                Some(Tok::Number(text)) => text.parse::<u32>().ok(),
                _ => None,
            };
            let Some(value) = value else {
                return Err(cursor.unexpected("a non-negative integer type parameter"));
            };
            cursor.advance();
            Ok(value)
        })
    }
}

/// The types that take integer parameters, by every spelling.
const PARAMETERIZED: [&str; 18] = [
    "iday",
    "interval_day",
    "icompound",
    "interval_compound",
    "dec",
    "decimal",
    "fchar",
    "fixedchar",
    "vchar",
    "varchar",
    "fbin",
    "fixedbinary",
    "pt",
    "precision_time",
    "pts",
    "precision_timestamp",
    "ptstz",
    "precision_timestamp_tz",
];

/// The type `name<params>` (lower-case name), if the name takes that many parameters.
fn parameterized(name: &str, params: &[u32]) -> Option<TypeKind> {
    Some(match (name, params) {
        ("iday" | "interval_day", []) => TypeKind::IntervalDay(None),
        ("iday" | "interval_day", [p]) => TypeKind::IntervalDay(Some(*p)),
        ("icompound" | "interval_compound", []) => TypeKind::IntervalCompound(None),
        ("icompound" | "interval_compound", [p]) => TypeKind::IntervalCompound(Some(*p)),
        ("dec" | "decimal", []) => TypeKind::Decimal(None),
        ("dec" | "decimal", [p, s]) => TypeKind::Decimal(Some((*p, *s))),
        ("fchar" | "fixedchar", [n]) => TypeKind::FixedChar(*n),
        ("vchar" | "varchar", [n]) => TypeKind::VarChar(*n),
        ("fbin" | "fixedbinary", [n]) => TypeKind::FixedBinary(*n),
        ("pt" | "precision_time", [p]) => TypeKind::PrecisionTime(*p),
        ("pts" | "precision_timestamp", [p]) => TypeKind::PrecisionTimestamp(*p),
        ("ptstz" | "precision_timestamp_tz", [p]) => TypeKind::PrecisionTimestampTz(*p),
        _ => return None,
    })
}

/// Names that are literals rather than lambda parameters (matched ignoring case, like the grammar).
fn is_literal_word(word: &str) -> bool {
    ["null", "true", "false", "inf", "infinity", "nan", "snan"]
        .iter()
        .any(|literal| word.eq_ignore_ascii_case(literal))
}

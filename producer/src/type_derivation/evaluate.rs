//! Evaluates return programs: integer arithmetic, booleans and type construction over the
//! parameters that matching bound (`P1`, `S1`, `L1`, `any1`, ...).

use std::collections::HashMap;

use super::concrete::{ConcreteKind, ConcreteType};
use super::error::EvalError;
use super::syntax::{BinaryOp, Expr, Program, TypeExpr, TypeName, UnaryOp};

/// A value in the type language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// An integer parameter (precision, scale, length) or intermediate.
    Int(i64),
    /// The result of a comparison or logical operator.
    Bool(bool),
    /// A type, from a type variable (`any1`) or a type expression.
    Type(ConcreteType),
}

/// Names bound so far: parameters bound by matching, then the program's assignments. Keys are
/// lower-cased, as the parser lower-cases names.
pub type Bindings = HashMap<String, Value>;

/// The maximum decimal precision Substrait allows.
pub const MAX_DECIMAL_PRECISION: i64 = 38;

/// Runs `program` with `bindings` and returns the type its last line computes. The program's
/// assignments are added to `bindings`.
pub fn evaluate_program(
    program: &Program,
    bindings: &mut Bindings,
) -> Result<ConcreteType, EvalError> {
    for (name, expr) in &program.assignments {
        let value = evaluate(expr, bindings)?;
        bindings.insert(name.clone(), value);
    }
    match evaluate(&program.result, bindings)? {
        Value::Type(t) => Ok(t),
        _ => Err(EvalError::Mismatch {
            expr: program.result.to_string(),
            expected: "a type",
        }),
    }
}

/// The value of `expr` under `bindings`.
pub fn evaluate(expr: &Expr, bindings: &Bindings) -> Result<Value, EvalError> {
    match expr {
        Expr::Int(n) => Ok(Value::Int(*n)),
        Expr::Bool(b) => Ok(Value::Bool(*b)),
        Expr::Name(name) => bindings
            .get(name)
            .cloned()
            .ok_or_else(|| EvalError::Unbound(name.clone())),
        Expr::Call { function, args } => {
            let pick: fn(i64, i64) -> i64 = match function.as_str() {
                "min" => std::cmp::min,
                "max" => std::cmp::max,
                _ => return Err(EvalError::UnknownFunction(function.clone())),
            };
            let mut result: Option<i64> = None;
            for arg in args {
                let v = int(arg, bindings)?;
                result = Some(result.map_or(v, |r| pick(r, v)));
            }
            result
                .map(Value::Int)
                .ok_or_else(|| EvalError::UnknownFunction(format!("{function}()")))
        }
        Expr::Unary { op, operand } => match op {
            UnaryOp::Not => Ok(Value::Bool(!boolean(operand, bindings)?)),
            UnaryOp::Negate => int(operand, bindings)?
                .checked_neg()
                .map(Value::Int)
                .ok_or_else(|| EvalError::Arithmetic(expr.to_string())),
        },
        Expr::Binary { op, left, right } => binary(expr, *op, left, right, bindings),
        Expr::If {
            condition,
            then,
            otherwise,
        } => {
            if boolean(condition, bindings)? {
                evaluate(then, bindings)
            } else {
                evaluate(otherwise, bindings)
            }
        }
        Expr::Type(t) => build_type(t, bindings).map(Value::Type),
    }
}

fn binary(
    whole: &Expr,
    op: BinaryOp,
    left: &Expr,
    right: &Expr,
    bindings: &Bindings,
) -> Result<Value, EvalError> {
    let arithmetic = |f: fn(i64, i64) -> Option<i64>| -> Result<Value, EvalError> {
        f(int(left, bindings)?, int(right, bindings)?)
            .map(Value::Int)
            .ok_or_else(|| EvalError::Arithmetic(whole.to_string()))
    };
    let compare = |f: fn(&i64, &i64) -> bool| -> Result<Value, EvalError> {
        Ok(Value::Bool(f(
            &int(left, bindings)?,
            &int(right, bindings)?,
        )))
    };
    match op {
        BinaryOp::Add => arithmetic(i64::checked_add),
        BinaryOp::Subtract => arithmetic(i64::checked_sub),
        BinaryOp::Multiply => arithmetic(i64::checked_mul),
        BinaryOp::Divide => arithmetic(i64::checked_div),
        // Short-circuit, as a program may guard a later operand with an earlier one.
        BinaryOp::And => Ok(Value::Bool(
            boolean(left, bindings)? && boolean(right, bindings)?,
        )),
        BinaryOp::Or => Ok(Value::Bool(
            boolean(left, bindings)? || boolean(right, bindings)?,
        )),
        BinaryOp::Eq | BinaryOp::Ne => {
            let equal = evaluate(left, bindings)? == evaluate(right, bindings)?;
            Ok(Value::Bool(equal == (op == BinaryOp::Eq)))
        }
        BinaryOp::Lt => compare(i64::lt),
        BinaryOp::Le => compare(i64::le),
        BinaryOp::Gt => compare(i64::gt),
        BinaryOp::Ge => compare(i64::ge),
    }
}

fn int(expr: &Expr, bindings: &Bindings) -> Result<i64, EvalError> {
    match evaluate(expr, bindings)? {
        Value::Int(n) => Ok(n),
        _ => Err(EvalError::Mismatch {
            expr: expr.to_string(),
            expected: "an integer",
        }),
    }
}

fn boolean(expr: &Expr, bindings: &Bindings) -> Result<bool, EvalError> {
    match evaluate(expr, bindings)? {
        Value::Bool(b) => Ok(b),
        _ => Err(EvalError::Mismatch {
            expr: expr.to_string(),
            expected: "a boolean",
        }),
    }
}

fn type_param(expr: &Expr, bindings: &Bindings) -> Result<ConcreteType, EvalError> {
    match evaluate(expr, bindings)? {
        Value::Type(t) => Ok(t),
        _ => Err(EvalError::Mismatch {
            expr: expr.to_string(),
            expected: "a type",
        }),
    }
}

/// Builds the concrete type `t` describes, checking that its parameters are ones Substrait
/// allows (a program is wrong if it computes `DECIMAL<39, 2>`).
fn build_type(t: &TypeExpr, bindings: &Bindings) -> Result<ConcreteType, EvalError> {
    let ints = |count: usize| -> Result<Vec<i64>, EvalError> {
        if t.params.len() != count {
            return Err(EvalError::InvalidType(format!(
                "`{t}` needs {count} parameter(s)"
            )));
        }
        t.params.iter().map(|p| int(p, bindings)).collect()
    };
    // An interval's precision may be omitted; the proto then means microseconds.
    let optional_precision = || -> Result<i64, EvalError> {
        match t.params.as_slice() {
            [] => Ok(6),
            [p] => int(p, bindings),
            _ => Err(EvalError::InvalidType(format!(
                "`{t}` has too many parameters"
            ))),
        }
    };
    let none = |kind: ConcreteKind| -> Result<ConcreteKind, EvalError> {
        if t.params.is_empty() {
            Ok(kind)
        } else {
            Err(EvalError::InvalidType(format!("`{t}` takes no parameters")))
        }
    };
    let kind = match &t.name {
        TypeName::Any(Some(n)) => {
            let name = format!("any{n}");
            return match bindings.get(&name) {
                Some(Value::Type(bound)) => {
                    // `any1?` is the bound type made nullable; plain `any1` keeps the binding's.
                    Ok(bound.clone().with_nullable(bound.nullable || t.nullable))
                }
                Some(_) => Err(EvalError::Mismatch {
                    expr: name,
                    expected: "a type",
                }),
                None => Err(EvalError::Unbound(name)),
            };
        }
        TypeName::UserDefined(name) => return Err(EvalError::UserDefinedResult(name.clone())),
        TypeName::Any(None) | TypeName::Unknown => {
            return Err(EvalError::NotConcrete(t.to_string()));
        }
        TypeName::Boolean => none(ConcreteKind::Boolean)?,
        TypeName::I8 => none(ConcreteKind::I8)?,
        TypeName::I16 => none(ConcreteKind::I16)?,
        TypeName::I32 => none(ConcreteKind::I32)?,
        TypeName::I64 => none(ConcreteKind::I64)?,
        TypeName::Fp32 => none(ConcreteKind::Fp32)?,
        TypeName::Fp64 => none(ConcreteKind::Fp64)?,
        TypeName::String => none(ConcreteKind::String)?,
        TypeName::Binary => none(ConcreteKind::Binary)?,
        TypeName::Timestamp => none(ConcreteKind::Timestamp)?,
        TypeName::TimestampTz => none(ConcreteKind::TimestampTz)?,
        TypeName::Date => none(ConcreteKind::Date)?,
        TypeName::Time => none(ConcreteKind::Time)?,
        TypeName::IntervalYear => none(ConcreteKind::IntervalYear)?,
        TypeName::Uuid => none(ConcreteKind::Uuid)?,
        TypeName::IntervalDay => {
            ConcreteKind::IntervalDay(in_range(t, optional_precision()?, 0, 9)?)
        }
        TypeName::IntervalCompound => {
            ConcreteKind::IntervalCompound(in_range(t, optional_precision()?, 0, 9)?)
        }
        TypeName::FixedChar => ConcreteKind::FixedChar(length(t, ints(1)?[0])?),
        TypeName::VarChar => ConcreteKind::VarChar(length(t, ints(1)?[0])?),
        TypeName::FixedBinary => ConcreteKind::FixedBinary(length(t, ints(1)?[0])?),
        TypeName::Decimal => {
            let ps = ints(2)?;
            let precision = in_range(t, ps[0], 1, MAX_DECIMAL_PRECISION)?;
            ConcreteKind::Decimal(precision, in_range(t, ps[1], 0, precision)?)
        }
        TypeName::PrecisionTime => ConcreteKind::PrecisionTime(in_range(t, ints(1)?[0], 0, 12)?),
        TypeName::PrecisionTimestamp => {
            ConcreteKind::PrecisionTimestamp(in_range(t, ints(1)?[0], 0, 12)?)
        }
        TypeName::PrecisionTimestampTz => {
            ConcreteKind::PrecisionTimestampTz(in_range(t, ints(1)?[0], 0, 12)?)
        }
        TypeName::Struct | TypeName::NStruct(_) => ConcreteKind::Struct(
            t.params
                .iter()
                .map(|p| type_param(p, bindings))
                .collect::<Result<_, _>>()?,
        ),
        TypeName::List => match t.params.as_slice() {
            [element] => ConcreteKind::List(Box::new(type_param(element, bindings)?)),
            _ => {
                return Err(EvalError::InvalidType(format!(
                    "`{t}` needs one element type"
                )));
            }
        },
        TypeName::Map => match t.params.as_slice() {
            [key, value] => ConcreteKind::Map(
                Box::new(type_param(key, bindings)?),
                Box::new(type_param(value, bindings)?),
            ),
            _ => {
                return Err(EvalError::InvalidType(format!(
                    "`{t}` needs key and value types"
                )));
            }
        },
        TypeName::Func => match t.params.split_last() {
            Some((result, params)) => ConcreteKind::Func(
                params
                    .iter()
                    .map(|p| type_param(p, bindings))
                    .collect::<Result<_, _>>()?,
                Box::new(type_param(result, bindings)?),
            ),
            None => return Err(EvalError::InvalidType(format!("`{t}` needs a result type"))),
        },
    };
    Ok(ConcreteType::new(kind, t.nullable))
}

fn in_range(t: &TypeExpr, value: i64, min: i64, max: i64) -> Result<i64, EvalError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(EvalError::InvalidType(format!(
            "`{t}` gives {value}, outside {min}..={max}"
        )))
    }
}

fn length(t: &TypeExpr, value: i64) -> Result<i64, EvalError> {
    in_range(t, value, 1, i64::from(i32::MAX))
}

#[cfg(test)]
mod tests {
    use super::super::parser::parse_program;
    use super::*;

    fn run(program: &str, bindings: &[(&str, i64)]) -> Result<ConcreteType, EvalError> {
        let program = parse_program(program).expect("parses");
        let mut bindings: Bindings = bindings
            .iter()
            .map(|(k, v)| (k.to_string(), Value::Int(*v)))
            .collect();
        evaluate_program(&program, &mut bindings)
    }

    #[test]
    fn arithmetic_min_max_and_ternaries() {
        let t = run(
            "a = max(P, 3) * 2 - 1\nb = a >= 9 && !(a == 10) ? min(a, 38, 12) : 1\nDECIMAL<b, a / 3>",
            &[("p", 5)],
        )
        .expect("evaluates");
        // a = 5*2-1 = 9; b = min(9, 38, 12) = 9; scale = 9/3 = 3.
        assert_eq!(t, ConcreteType::new(ConcreteKind::Decimal(9, 3), false));
    }

    #[test]
    fn failures_say_why() {
        assert_eq!(
            run("DECIMAL<P, 0>", &[]),
            Err(EvalError::Unbound("p".into()))
        );
        assert!(matches!(
            run("DECIMAL<39, 0>", &[]),
            Err(EvalError::InvalidType(_))
        ));
        assert!(matches!(
            run("x = P / 0\ni32", &[("p", 1)]),
            Err(EvalError::Arithmetic(_))
        ));
        assert!(matches!(
            run("x = foo(1)\ni32", &[]),
            Err(EvalError::UnknownFunction(_))
        ));
        assert!(matches!(
            run("P + 1", &[("p", 1)]),
            Err(EvalError::Mismatch { .. })
        ));
        assert!(matches!(run("any", &[]), Err(EvalError::NotConcrete(_))));
    }

    #[test]
    fn type_variables_keep_their_binding_and_take_a_nullable_marker() {
        let program = parse_program("list<any1?>").expect("parses");
        let mut bindings = Bindings::new();
        bindings.insert(
            "any1".into(),
            Value::Type(ConcreteType::new(ConcreteKind::VarChar(5), false)),
        );
        let t = evaluate_program(&program, &mut bindings).expect("evaluates");
        assert_eq!(
            t,
            ConcreteType::new(
                ConcreteKind::List(Box::new(ConcreteType::new(ConcreteKind::VarChar(5), true))),
                false
            )
        );
    }
}

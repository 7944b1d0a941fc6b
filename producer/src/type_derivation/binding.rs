//! Matching one argument's concrete type against the type pattern an implementation declares
//! for it, binding the pattern's parameters (`P1`, `S1` in `decimal<P1,S1>`, `L1` in
//! `varchar<L1>`, type variables `any1`) on the way.
//!
//! A name bound by an earlier argument must agree with later ones: `add(decimal<10,2>,
//! decimal<10,2>)` against `decimal<P,S>, decimal<P,S>` binds P=10, S=2 once, and `any1, any1`
//! requires both arguments to be the same type.

use super::concrete::{ConcreteKind, ConcreteType};
use super::evaluate::{Bindings, Value, evaluate};
use super::syntax::{Expr, TypeExpr, TypeName};

/// A parameter of a concrete type, as matching sees it.
enum Param<'a> {
    Int(i64),
    Type(&'a ConcreteType),
}

/// Matches `actual` against `pattern`, extending `bindings`. `strict_nullability` (the DISCRETE
/// nullability mode) also requires the pattern's `?` to equal the argument's nullability; in the
/// other modes declared argument nullability is ignored. The error says why it does not match.
pub fn bind(
    pattern: &Expr,
    actual: &ConcreteType,
    bindings: &mut Bindings,
    strict_nullability: bool,
) -> Result<(), String> {
    let Expr::Type(pattern) = pattern else {
        return Err(format!("`{pattern}` is not a type pattern"));
    };
    if strict_nullability && pattern.nullable != actual.nullable {
        return Err(format!(
            "`{actual}` differs in nullability from `{pattern}` (DISCRETE)"
        ));
    }
    match &pattern.name {
        TypeName::Any(None) => return Ok(()),
        TypeName::Any(Some(n)) => {
            let name = format!("any{n}");
            return match bindings.get(&name) {
                Some(Value::Type(bound)) if same_ignoring_nullability(bound, actual) => Ok(()),
                Some(Value::Type(bound)) => Err(format!(
                    "`{name}` is already `{bound}`, but this argument is `{actual}`"
                )),
                Some(_) => Err(format!("`{name}` is bound to a non-type")),
                None => {
                    bindings.insert(name, Value::Type(actual.clone()));
                    Ok(())
                }
            };
        }
        TypeName::UserDefined(name) => {
            return Err(format!(
                "`{actual}` is not the user-defined type `u!{name}`"
            ));
        }
        TypeName::Unknown => return Err("the `unknown` type matches no argument".to_string()),
        _ => {}
    }
    let reconciled;
    let actual = match deprecated_equivalent(&pattern.name, actual) {
        Some(equivalent) => {
            reconciled = equivalent;
            &reconciled
        }
        None => actual,
    };
    if !same_name(&pattern.name, &type_name(&actual.kind)) {
        return Err(format!("`{actual}` is not a `{pattern}`"));
    }
    let params = params(&actual.kind);
    // `decimal` or `interval_day` without parameters accepts any parameters.
    if pattern.params.is_empty() {
        return Ok(());
    }
    if pattern.params.len() != params.len() {
        return Err(format!(
            "`{actual}` has {} parameter(s), `{pattern}` {}",
            params.len(),
            pattern.params.len()
        ));
    }
    for (expected, param) in pattern.params.iter().zip(params) {
        match param {
            Param::Type(inner) => bind(expected, inner, bindings, strict_nullability)?,
            Param::Int(value) => bind_int(pattern, expected, value, bindings)?,
        }
    }
    Ok(())
}

/// A cheap first test, without allocating: whether `actual` has the kind `pattern` names (type
/// variables and `any` always may). Resolution runs it over every candidate before the full
/// [`bind`], whose messages cost allocations, so rejecting the many overloads of `add` or
/// `multiply` stays cheap.
pub fn may_match(pattern: &Expr, actual: &ConcreteType) -> bool {
    let Expr::Type(pattern) = pattern else {
        return false;
    };
    match &pattern.name {
        TypeName::Any(_) => true,
        TypeName::UserDefined(_) | TypeName::Unknown => false,
        name => {
            same_name(name, &type_name(&actual.kind))
                || deprecated_equivalent(name, actual).is_some()
        }
    }
}

/// Matches an integer parameter: a literal must equal it, a fresh name is bound to it, a bound
/// name or an expression over bound names must evaluate to it.
fn bind_int(
    pattern: &TypeExpr,
    expected: &Expr,
    value: i64,
    bindings: &mut Bindings,
) -> Result<(), String> {
    if let Expr::Name(name) = expected
        && !bindings.contains_key(name)
    {
        bindings.insert(name.clone(), Value::Int(value));
        return Ok(());
    }
    match evaluate(expected, bindings) {
        Ok(Value::Int(n)) if n == value => Ok(()),
        Ok(Value::Int(n)) => Err(format!(
            "parameter `{expected}` of `{pattern}` is {n}, the argument has {value}"
        )),
        Ok(_) => Err(format!(
            "parameter `{expected}` of `{pattern}` is not a number"
        )),
        Err(error) => Err(format!("parameter `{expected}` of `{pattern}`: {error}")),
    }
}

/// The name a pattern gives a concrete type's kind.
fn type_name(kind: &ConcreteKind) -> TypeName {
    use ConcreteKind as K;
    match kind {
        K::Boolean => TypeName::Boolean,
        K::I8 => TypeName::I8,
        K::I16 => TypeName::I16,
        K::I32 => TypeName::I32,
        K::I64 => TypeName::I64,
        K::Fp32 => TypeName::Fp32,
        K::Fp64 => TypeName::Fp64,
        K::String => TypeName::String,
        K::Binary => TypeName::Binary,
        K::Timestamp => TypeName::Timestamp,
        K::TimestampTz => TypeName::TimestampTz,
        K::Date => TypeName::Date,
        K::Time => TypeName::Time,
        K::IntervalYear => TypeName::IntervalYear,
        K::IntervalDay(_) => TypeName::IntervalDay,
        K::IntervalCompound(_) => TypeName::IntervalCompound,
        K::Uuid => TypeName::Uuid,
        K::FixedChar(_) => TypeName::FixedChar,
        K::VarChar(_) => TypeName::VarChar,
        K::FixedBinary(_) => TypeName::FixedBinary,
        K::Decimal(..) => TypeName::Decimal,
        K::PrecisionTime(_) => TypeName::PrecisionTime,
        K::PrecisionTimestamp(_) => TypeName::PrecisionTimestamp,
        K::PrecisionTimestampTz(_) => TypeName::PrecisionTimestampTz,
        K::Struct(_) => TypeName::Struct,
        K::List(_) => TypeName::List,
        K::Map(..) => TypeName::Map,
        K::Func(..) => TypeName::Func,
    }
}

/// A concrete type's parameters, in the order patterns write them.
fn params(kind: &ConcreteKind) -> Vec<Param<'_>> {
    use ConcreteKind as K;
    match kind {
        K::IntervalDay(p)
        | K::IntervalCompound(p)
        | K::FixedChar(p)
        | K::VarChar(p)
        | K::FixedBinary(p)
        | K::PrecisionTime(p)
        | K::PrecisionTimestamp(p)
        | K::PrecisionTimestampTz(p) => vec![Param::Int(*p)],
        K::Decimal(p, s) => vec![Param::Int(*p), Param::Int(*s)],
        K::Struct(fields) => fields.iter().map(Param::Type).collect(),
        K::List(element) => vec![Param::Type(element)],
        K::Map(key, value) => vec![Param::Type(key), Param::Type(value)],
        K::Func(params, result) => params
            .iter()
            .chain(std::iter::once(result.as_ref()))
            .map(Param::Type)
            .collect(),
        _ => Vec::new(),
    }
}

/// The proto deprecates `timestamp`, `timestamp_tz` and `time` in favour of the precision
/// kinds, and they mean microseconds: precision 6. The YAMLs still declare some functions only
/// with the old names (`extract(.., time)`) and others only with the new (`precision_time<P>`),
/// while plans carry either, so each stands for the other at precision 6. `actual` as the kind
/// `name` expects, when it is the other spelling of it.
fn deprecated_equivalent(name: &TypeName, actual: &ConcreteType) -> Option<ConcreteType> {
    use ConcreteKind as K;
    let kind = match (name, &actual.kind) {
        (TypeName::Timestamp, K::PrecisionTimestamp(6)) => K::Timestamp,
        (TypeName::TimestampTz, K::PrecisionTimestampTz(6)) => K::TimestampTz,
        (TypeName::Time, K::PrecisionTime(6)) => K::Time,
        (TypeName::PrecisionTimestamp, K::Timestamp) => K::PrecisionTimestamp(6),
        (TypeName::PrecisionTimestampTz, K::TimestampTz) => K::PrecisionTimestampTz(6),
        (TypeName::PrecisionTime, K::Time) => K::PrecisionTime(6),
        _ => return None,
    };
    Some(ConcreteType::new(kind, actual.nullable))
}

/// A deprecated kind as its precision kind (see [`deprecated_equivalent`]); others unchanged.
fn undeprecated(kind: &ConcreteKind) -> Option<ConcreteKind> {
    use ConcreteKind as K;
    match kind {
        K::Timestamp => Some(K::PrecisionTimestamp(6)),
        K::TimestampTz => Some(K::PrecisionTimestampTz(6)),
        K::Time => Some(K::PrecisionTime(6)),
        _ => None,
    }
}

fn same_name(pattern: &TypeName, actual: &TypeName) -> bool {
    match (pattern, actual) {
        // Field names are not part of a concrete struct type.
        (TypeName::NStruct(_), TypeName::Struct) => true,
        _ => pattern == actual,
    }
}

/// Type-variable consistency: `coalesce(i32, i32?)` binds `any1` to both, so nullability (at
/// every level) does not take part; nor does the spelling of a deprecated kind
/// (`timestamp` is `precision_timestamp<6>`).
pub fn same_ignoring_nullability(a: &ConcreteType, b: &ConcreteType) -> bool {
    use ConcreteKind as K;
    match (&a.kind, &b.kind) {
        (K::Struct(x), K::Struct(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|(x, y)| same_ignoring_nullability(x, y))
        }
        (K::List(x), K::List(y)) => same_ignoring_nullability(x, y),
        (K::Map(xk, xv), K::Map(yk, yv)) => {
            same_ignoring_nullability(xk, yk) && same_ignoring_nullability(xv, yv)
        }
        (K::Func(xp, xr), K::Func(yp, yr)) => {
            xp.len() == yp.len()
                && xp
                    .iter()
                    .zip(yp)
                    .all(|(x, y)| same_ignoring_nullability(x, y))
                && same_ignoring_nullability(xr, yr)
        }
        (x, y) => {
            x == y
                || undeprecated(x).is_some_and(|x| &x == y)
                || undeprecated(y).is_some_and(|y| x == &y)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::parser::parse_type_expression;
    use super::*;

    fn pattern(text: &str) -> Expr {
        parse_type_expression(text).expect("parses")
    }

    fn dec(p: i64, s: i64) -> ConcreteType {
        ConcreteType::new(ConcreteKind::Decimal(p, s), false)
    }

    #[test]
    fn decimal_parameters_bind_and_must_agree() {
        let mut b = Bindings::new();
        bind(&pattern("decimal<P1,S1>"), &dec(10, 2), &mut b, false).expect("binds");
        assert_eq!(b.get("p1"), Some(&Value::Int(10)));
        assert_eq!(b.get("s1"), Some(&Value::Int(2)));
        bind(&pattern("decimal<P1,S1>"), &dec(10, 2), &mut b, false).expect("agrees");
        assert!(bind(&pattern("decimal<P1,S1>"), &dec(12, 2), &mut b, false).is_err());
        let mut b = Bindings::new();
        assert!(bind(&pattern("DECIMAL<P,0>"), &dec(12, 2), &mut b, false).is_err());
        bind(&pattern("DECIMAL<P,0>"), &dec(12, 0), &mut b, false).expect("scale 0");
    }

    #[test]
    fn type_variables_are_consistent_up_to_nullability() {
        let i32_ = ConcreteType::new(ConcreteKind::I32, false);
        let mut b = Bindings::new();
        bind(&pattern("any1"), &i32_, &mut b, false).expect("binds");
        bind(
            &pattern("any1"),
            &i32_.clone().with_nullable(true),
            &mut b,
            false,
        )
        .expect("nullability aside");
        let i64_ = ConcreteType::new(ConcreteKind::I64, false);
        let error = bind(&pattern("any1"), &i64_, &mut b, false).expect_err("inconsistent");
        assert!(error.contains("already"), "{error}");
        bind(&pattern("any"), &i64_, &mut b, false).expect("any binds nothing");
        let list = ConcreteType::new(ConcreteKind::List(Box::new(i32_.clone())), false);
        bind(&pattern("list<any1>"), &list, &mut b, false).expect("element binds");
    }

    #[test]
    fn discrete_nullability_and_kind_mismatches() {
        let b_true = ConcreteType::new(ConcreteKind::Boolean, false);
        let mut b = Bindings::new();
        bind(&pattern("boolean?"), &b_true, &mut b, false).expect("ignored when not DISCRETE");
        assert!(bind(&pattern("boolean?"), &b_true, &mut b, true).is_err());
        assert!(bind(&pattern("i64"), &b_true, &mut b, false).is_err());
        let ts = ConcreteType::new(ConcreteKind::PrecisionTimestamp(3), false);
        assert!(bind(&pattern("timestamp"), &ts, &mut b, false).is_err());
        bind(&pattern("precision_timestamp<P>"), &ts, &mut b, false).expect("binds P");
        assert_eq!(b.get("p"), Some(&Value::Int(3)));
        // At precision 6 the deprecated and precision spellings stand for each other.
        let ts6 = ConcreteType::new(ConcreteKind::PrecisionTimestamp(6), false);
        let old_ts = ConcreteType::new(ConcreteKind::Timestamp, false);
        bind(&pattern("timestamp"), &ts6, &mut Bindings::new(), false).expect("pts<6> is ts");
        let mut b = Bindings::new();
        bind(&pattern("precision_timestamp<P>"), &old_ts, &mut b, false).expect("ts is pts<6>");
        assert_eq!(b.get("p"), Some(&Value::Int(6)));
        let ts9 = ConcreteType::new(ConcreteKind::PrecisionTimestamp(9), false);
        assert!(bind(&pattern("timestamp"), &ts9, &mut b, false).is_err());
        assert!(same_ignoring_nullability(&old_ts, &ts6));
        assert!(!same_ignoring_nullability(&old_ts, &ts9));
    }
}

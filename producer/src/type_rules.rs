//! Parameter rules every Substrait type and literal must keep, checked by a visitor over the
//! typed walk: a decimal's precision and scale, a timestamp's or time's precision. Engines
//! assume them (Arrow cannot even format a decimal of precision 0), so a plan that breaks
//! one is refused as invalid before any engine sees it.

use datafusion_substrait::substrait::proto::Type;
use datafusion_substrait::substrait::proto::expression::Literal;
use datafusion_substrait::substrait::proto::expression::literal::LiteralType;
use datafusion_substrait::substrait::proto::r#type::Kind;

use crate::visit::{PlanProblem, PlanVisitor};

/// Collects every type and literal that breaks a parameter rule, with its path.
#[derive(Debug, Default)]
pub struct TypeRules {
    /// What breaks a rule.
    pub problems: Vec<PlanProblem>,
}

impl PlanVisitor for TypeRules {
    fn declared_type(&mut self, ty: &Type, path: &str) {
        if let Some(message) = type_defect(ty) {
            self.problems.push(PlanProblem {
                path: path.to_string(),
                message,
            });
        }
    }

    fn literal(&mut self, literal: &Literal, path: &str) {
        if let Some(message) = literal_defect(literal) {
            self.problems.push(PlanProblem {
                path: path.to_string(),
                message,
            });
        }
    }
}

/// The widest decimal Substrait allows (and Arrow's `Decimal128`).
const MAX_DECIMAL_PRECISION: i32 = 38;
/// Sub-second digits allowed for precision timestamps and times (picoseconds).
const MAX_TIME_PRECISION: i32 = 12;

/// What is wrong with a type, looking into nested types too; `None` when it is valid.
pub fn type_defect(data_type: &Type) -> Option<String> {
    match data_type.kind.as_ref()? {
        Kind::Decimal(d) => decimal_defect(d.precision, d.scale),
        Kind::PrecisionTimestamp(t) => time_precision_defect("precision_timestamp", t.precision),
        Kind::PrecisionTimestampTz(t) => {
            time_precision_defect("precision_timestamp_tz", t.precision)
        }
        Kind::PrecisionTime(t) => time_precision_defect("precision_time", t.precision),
        Kind::Struct(s) => s.types.iter().find_map(type_defect),
        Kind::List(l) => l.r#type.as_deref().and_then(type_defect),
        Kind::Map(m) => m
            .key
            .as_deref()
            .and_then(type_defect)
            .or_else(|| m.value.as_deref().and_then(type_defect)),
        _ => None,
    }
}

/// What is wrong with a literal (its value's parameters, or a typed null's type).
pub fn literal_defect(literal: &Literal) -> Option<String> {
    match literal.literal_type.as_ref()? {
        LiteralType::Decimal(d) => decimal_defect(d.precision, d.scale).or_else(|| {
            (d.value.len() != 16).then(|| {
                format!(
                    "a decimal literal holds {} bytes; Substrait decimals are 16 bytes",
                    d.value.len()
                )
            })
        }),
        LiteralType::PrecisionTimestamp(t) | LiteralType::PrecisionTimestampTz(t) => {
            time_precision_defect("precision_timestamp literal", t.precision)
        }
        LiteralType::PrecisionTime(t) => {
            time_precision_defect("precision_time literal", t.precision)
        }
        LiteralType::Null(data_type) if data_type.kind.is_none() => {
            Some("a null literal without a type (Substrait types every null)".to_string())
        }
        LiteralType::Null(data_type) => type_defect(data_type),
        LiteralType::EmptyList(l) => l.r#type.as_deref().and_then(type_defect),
        LiteralType::EmptyMap(m) => m
            .key
            .as_deref()
            .and_then(type_defect)
            .or_else(|| m.value.as_deref().and_then(type_defect)),
        LiteralType::List(l) => l.values.iter().find_map(literal_defect),
        LiteralType::Struct(s) => s.fields.iter().find_map(literal_defect),
        LiteralType::Map(m) => m.key_values.iter().find_map(|kv| {
            kv.key
                .as_ref()
                .and_then(literal_defect)
                .or_else(|| kv.value.as_ref().and_then(literal_defect))
        }),
        _ => None,
    }
}

fn decimal_defect(precision: i32, scale: i32) -> Option<String> {
    if !(1..=MAX_DECIMAL_PRECISION).contains(&precision) {
        return Some(format!(
            "decimal({precision}, {scale}) has precision {precision}; it must be 1 to \
             {MAX_DECIMAL_PRECISION}"
        ));
    }
    if !(0..=precision).contains(&scale) {
        return Some(format!(
            "decimal({precision}, {scale}) has scale {scale}; it must be 0 to the precision"
        ));
    }
    None
}

fn time_precision_defect(what: &str, precision: i32) -> Option<String> {
    (!(0..=MAX_TIME_PRECISION).contains(&precision))
        .then(|| format!("{what} has precision {precision}; it must be 0 to {MAX_TIME_PRECISION}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion_substrait::substrait::proto::expression::literal::Decimal as DecimalLiteral;
    use datafusion_substrait::substrait::proto::r#type::{Decimal, List, Struct};

    fn defect(found: Option<String>) -> String {
        found.expect("a defect")
    }

    fn decimal(precision: i32, scale: i32) -> Type {
        Type {
            kind: Some(Kind::Decimal(Decimal {
                precision,
                scale,
                ..Default::default()
            })),
        }
    }

    fn decimal_literal(precision: i32, scale: i32, bytes: usize) -> Literal {
        Literal {
            literal_type: Some(LiteralType::Decimal(DecimalLiteral {
                value: vec![0; bytes],
                precision,
                scale,
            })),
            ..Default::default()
        }
    }

    #[test]
    fn valid_decimals_pass() {
        for (p, s) in [(1, 0), (15, 2), (38, 38), (38, 0)] {
            assert_eq!(type_defect(&decimal(p, s)), None, "decimal({p}, {s})");
            assert_eq!(literal_defect(&decimal_literal(p, s, 16)), None);
        }
    }

    #[test]
    fn decimal_precision_and_scale_out_of_range_are_named() {
        assert!(defect(type_defect(&decimal(0, 0))).contains("precision 0"));
        assert!(defect(type_defect(&decimal(39, 2))).contains("precision 39"));
        assert!(defect(type_defect(&decimal(10, 11))).contains("scale 11"));
        assert!(defect(type_defect(&decimal(10, -1))).contains("scale -1"));
        assert!(defect(literal_defect(&decimal_literal(10, 2, 3))).contains("3 bytes"));
    }

    #[test]
    fn an_untyped_null_is_named() {
        let null = Literal {
            literal_type: Some(LiteralType::Null(Type { kind: None })),
            ..Default::default()
        };
        assert!(defect(literal_defect(&null)).contains("a null literal without a type"));
    }

    #[test]
    fn nested_types_are_checked() {
        let nested = Type {
            kind: Some(Kind::Struct(Struct {
                types: vec![Type {
                    kind: Some(Kind::List(Box::new(List {
                        r#type: Some(Box::new(decimal(50, 1))),
                        ..Default::default()
                    }))),
                }],
                ..Default::default()
            })),
        };
        assert!(defect(type_defect(&nested)).contains("precision 50"));
        let null = Literal {
            literal_type: Some(LiteralType::Null(decimal(5, 6))),
            ..Default::default()
        };
        assert!(defect(literal_defect(&null)).contains("scale 6"));
    }
}

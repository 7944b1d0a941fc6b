//! Arrow's run-time types of the columns `typed_measure_inputs` types, and Arrow's decimal
//! rules (uncapped precision, unlike DataFusion's).

use serde_json::{Map, Value, json};

use super::MAX_PRECISION;

/// An Arrow type a column can have at run time, as far as this pass tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ArrowType {
    Boolean,
    /// A signed integer of this many bits.
    Int(u32),
    Float32,
    Float64,
    Utf8,
    Binary,
    Date32,
    Decimal {
        precision: i64,
        scale: i64,
    },
}

impl ArrowType {
    /// The Arrow type Acero gives a Substrait type.
    pub(super) fn from_substrait(substrait: &Value) -> Result<Self, String> {
        let (kind, body) = substrait
            .as_object()
            .filter(|object| object.len() == 1)
            .and_then(|object| object.iter().next())
            .ok_or_else(|| format!("type {substrait}"))?;
        if body
            .get("typeVariationReference")
            .and_then(Value::as_u64)
            .unwrap_or(0)
            != 0
        {
            return Err(format!("{kind} with a type variation"));
        }
        Ok(match kind.as_str() {
            "bool" => Self::Boolean,
            "i8" => Self::Int(8),
            "i16" => Self::Int(16),
            "i32" => Self::Int(32),
            "i64" => Self::Int(64),
            "fp32" => Self::Float32,
            "fp64" => Self::Float64,
            "string" => Self::Utf8,
            "binary" => Self::Binary,
            "date" => Self::Date32,
            "decimal" => decimal(number(body, "precision"), number(body, "scale"))?,
            // Acero reads varchar and fixedChar as Arrow extension types, which no table
            // column has; other kinds are not needed.
            _ => return Err(format!("type {kind}")),
        })
    }

    /// The nullable Substrait type Acero reads back as this type.
    pub(super) fn to_substrait(self) -> Value {
        let kind = match self {
            Self::Decimal { precision, scale } => {
                return json!({ "decimal": {
                    "scale": scale, "precision": precision, "nullability": "NULLABILITY_NULLABLE"
                } });
            }
            Self::Boolean => "bool",
            Self::Int(8) => "i8",
            Self::Int(16) => "i16",
            Self::Int(32) => "i32",
            Self::Int(_) => "i64",
            Self::Float32 => "fp32",
            Self::Float64 => "fp64",
            Self::Utf8 => "string",
            Self::Binary => "binary",
            Self::Date32 => "date",
        };
        let mut object = Map::new();
        object.insert(
            kind.to_string(),
            json!({ "nullability": "NULLABILITY_NULLABLE" }),
        );
        Value::Object(object)
    }

    pub(super) fn is_decimal(self) -> bool {
        matches!(self, Self::Decimal { .. })
    }

    /// Precision and scale of a decimal, or of the decimal Arrow widens an integer to.
    pub(super) fn decimal_parts(self) -> Option<(i64, i64)> {
        match self {
            Self::Decimal { precision, scale } => Some((precision, scale)),
            Self::Int(8) => Some((3, 0)),
            Self::Int(16) => Some((5, 0)),
            Self::Int(32) => Some((10, 0)),
            Self::Int(_) => Some((19, 0)),
            _ => None,
        }
    }
}

/// A decimal type, refused past precision 38 as Arrow refuses it.
pub(super) fn decimal(precision: i64, scale: i64) -> Result<ArrowType, String> {
    if precision > MAX_PRECISION {
        return Err(format!(
            "decimal precision {precision} is over {MAX_PRECISION}, which Arrow refuses"
        ));
    }
    if precision < 1 || scale < 0 || scale > precision {
        return Err(format!("decimal({precision}, {scale})"));
    }
    Ok(ArrowType::Decimal { precision, scale })
}

/// A JSON number field, 0 when absent (the JSON form leaves zeros out).
pub(super) fn number(object: &Value, key: &str) -> i64 {
    object.get(key).and_then(Value::as_i64).unwrap_or(0)
}

/// Arrow's common type of `case_when` or `coalesce` values (`None`: an untyped NULL, which
/// takes the others' type), and of integer or float arithmetic.
pub(super) fn common_type(values: &[Option<ArrowType>]) -> Result<ArrowType, String> {
    let types: Vec<ArrowType> = values.iter().flatten().copied().collect();
    let Some(&first) = types.first() else {
        return Err("no value with a type".to_string());
    };
    if types.iter().all(|t| *t == first) {
        return Ok(first);
    }
    let numeric = types.iter().all(|t| {
        matches!(
            t,
            ArrowType::Int(_) | ArrowType::Float64 | ArrowType::Decimal { .. }
        )
    });
    if !numeric {
        // Float32 mixes included: their rules are not needed.
        return Err(format!("no common type of {types:?}"));
    }
    if types.contains(&ArrowType::Float64) {
        return Ok(ArrowType::Float64);
    }
    if types.iter().any(|t| t.is_decimal()) {
        let parts: Vec<(i64, i64)> = types.iter().filter_map(|t| t.decimal_parts()).collect();
        let scale = parts.iter().map(|&(_, s)| s).max().unwrap_or(0);
        let integer = parts.iter().map(|&(p, s)| p - s).max().unwrap_or(0);
        return decimal(integer + scale, scale);
    }
    let bits = types
        .iter()
        .filter_map(|t| match t {
            ArrowType::Int(bits) => Some(*bits),
            _ => None,
        })
        .max()
        .unwrap_or(64);
    Ok(ArrowType::Int(bits))
}

/// Arrow's result type of `add`, `subtract`, `multiply` or `divide` (checked or not).
pub(super) fn arithmetic(
    name: &str,
    left: ArrowType,
    right: ArrowType,
) -> Result<ArrowType, String> {
    let float = |t: ArrowType| matches!(t, ArrowType::Float32 | ArrowType::Float64);
    if float(left) || float(right) {
        return common_type(&[Some(left), Some(right)]);
    }
    if left.is_decimal() || right.is_decimal() {
        let (Some((p1, s1)), Some((p2, s2))) = (left.decimal_parts(), right.decimal_parts()) else {
            return Err(format!("{name}({left:?}, {right:?})"));
        };
        return match name {
            "add" | "subtract" => {
                let scale = s1.max(s2);
                decimal((p1 - s1).max(p2 - s2) + scale + 1, scale)
            }
            "multiply" => decimal(p1 + p2 + 1, s1 + s2),
            "divide" => {
                let scale = (s1 + p2 - s2 + 1).max(4);
                decimal(p1 - s1 + s2 + scale, scale)
            }
            _ => Err(format!("function {name}")),
        };
    }
    if matches!(left, ArrowType::Int(_)) && matches!(right, ArrowType::Int(_)) {
        return common_type(&[Some(left), Some(right)]);
    }
    // Dates and intervals: not needed by the measures this pass types.
    Err(format!("{name}({left:?}, {right:?})"))
}

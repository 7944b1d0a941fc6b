//! Whether casting a numeric literal changes its value: digits a decimal's scale drops,
//! integer digits its precision cannot hold, fractions or ranges an integer cannot hold.

use datafusion_substrait::substrait::proto::Type;
use datafusion_substrait::substrait::proto::expression::Literal;
use datafusion_substrait::substrait::proto::expression::literal::LiteralType;
use datafusion_substrait::substrait::proto::r#type::Kind;

/// An exact numeric value: `unscaled / 10^scale`.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Number {
    Exact { unscaled: i128, scale: u32 },
    Float(f64),
}

impl Number {
    fn of(literal: &Literal) -> Option<Self> {
        let exact = |unscaled: i128| Some(Self::Exact { unscaled, scale: 0 });
        match literal.literal_type.as_ref()? {
            LiteralType::I8(v) | LiteralType::I16(v) | LiteralType::I32(v) => exact(i128::from(*v)),
            LiteralType::I64(v) => exact(i128::from(*v)),
            LiteralType::Fp32(v) => Some(Self::Float(f64::from(*v))),
            LiteralType::Fp64(v) => Some(Self::Float(*v)),
            LiteralType::Decimal(d) => {
                let bytes: [u8; 16] = d.value.as_slice().try_into().ok()?;
                Some(Self::Exact {
                    unscaled: i128::from_le_bytes(bytes),
                    scale: u32::try_from(d.scale).ok()?,
                })
            }
            _ => None,
        }
    }

    fn render(self) -> String {
        match self {
            Self::Float(v) => v.to_string(),
            Self::Exact { unscaled, scale: 0 } => unscaled.to_string(),
            Self::Exact { unscaled, scale } => {
                let digits = unscaled.unsigned_abs().to_string();
                let scale = scale as usize;
                let padded = format!("{digits:0>width$}", width = scale + 1);
                let (whole, fraction) = padded.split_at(padded.len() - scale);
                let sign = if unscaled < 0 { "-" } else { "" };
                format!("{sign}{whole}.{fraction}")
            }
        }
    }

    /// Whether the value has no more than `scale` fractional digits and fewer than
    /// `integer_digits` integer digits.
    fn fits_decimal(self, scale: u32, integer_digits: u32) -> bool {
        match self {
            Self::Exact {
                unscaled,
                scale: own,
            } => {
                let (whole, fraction_fits) = if own > scale {
                    let Some(divisor) = 10i128.checked_pow(own - scale) else {
                        return unscaled == 0;
                    };
                    (unscaled / 10i128.pow(own), unscaled % divisor == 0)
                } else {
                    (unscaled / 10i128.pow(own), true)
                };
                fraction_fits && digits(whole) <= integer_digits
            }
            Self::Float(v) => {
                if !v.is_finite() {
                    return false;
                }
                let scaled = v * 10f64.powi(scale as i32);
                let fraction_fits = (scaled - scaled.round()).abs() <= 1e-9 * scaled.abs().max(1.0);
                fraction_fits && digits(v.trunc() as i128) <= integer_digits
            }
        }
    }

    /// Whether the value is a whole number within `min..=max`.
    fn fits_integer(self, min: i128, max: i128) -> bool {
        match self {
            Self::Exact { unscaled, scale } => {
                let divisor = 10i128.pow(scale);
                unscaled % divisor == 0 && (min..=max).contains(&(unscaled / divisor))
            }
            Self::Float(v) => v.fract() == 0.0 && v >= min as f64 && v <= max as f64,
        }
    }
}

fn digits(whole: i128) -> u32 {
    if whole == 0 {
        0
    } else {
        whole.unsigned_abs().ilog10() + 1
    }
}

/// What a cast of `literal` to `target` does to its value, when it changes it.
pub(super) fn describe(literal: &Literal, target: &Type) -> Option<String> {
    let number = Number::of(literal)?;
    let (fits, target_name) = match target.kind.as_ref()? {
        Kind::Decimal(d) => {
            let scale = u32::try_from(d.scale).ok()?;
            let integer_digits = u32::try_from(d.precision - d.scale).ok()?;
            (
                number.fits_decimal(scale, integer_digits),
                format!("decimal({}, {})", d.precision, d.scale),
            )
        }
        Kind::I8(_) => (number.fits_integer(-128, 127), "i8".to_string()),
        Kind::I16(_) => (
            number.fits_integer(i128::from(i16::MIN), i128::from(i16::MAX)),
            "i16".to_string(),
        ),
        Kind::I32(_) => (
            number.fits_integer(i128::from(i32::MIN), i128::from(i32::MAX)),
            "i32".to_string(),
        ),
        Kind::I64(_) => (
            number.fits_integer(i128::from(i64::MIN), i128::from(i64::MAX)),
            "i64".to_string(),
        ),
        _ => return None,
    };
    (!fits).then(|| {
        format!(
            "the literal {} cast to {target_name} cannot keep its value (it is rounded, \
             truncated or overflows)",
            number.render()
        )
    })
}

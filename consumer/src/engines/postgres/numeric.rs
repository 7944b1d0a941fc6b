//! PostgreSQL's binary `numeric`: base-10000 digits with a weight, a sign and a display scale.
//! Decoded straight to Arrow decimals (scaled `i128`), integers and floats; encoded from Arrow
//! decimals for COPY.

use std::error::Error;

const POSITIVE: u16 = 0x0000;
const NEGATIVE: u16 = 0x4000;
const NAN: u16 = 0xC000;

/// A decoded `numeric` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Numeric {
    negative: bool,
    /// Power of 10000 of the first digit.
    weight: i16,
    digits: Vec<i16>,
}

type BoxError = Box<dyn Error + Sync + Send>;

impl Numeric {
    /// Reads the wire format.
    pub fn decode(raw: &[u8]) -> Result<Self, BoxError> {
        let word = |at: usize| -> Result<u16, BoxError> {
            raw.get(at..at + 2)
                .map(|b| u16::from_be_bytes([b[0], b[1]]))
                .ok_or_else(|| "truncated numeric".into())
        };
        let count = word(0)? as usize;
        let weight = word(2)? as i16;
        let sign = word(4)?;
        let negative = match sign {
            POSITIVE => false,
            NEGATIVE => true,
            NAN => return Err("numeric NaN has no Arrow decimal value".into()),
            _ => return Err("numeric infinity has no Arrow decimal value".into()),
        };
        let digits = (0..count)
            .map(|i| word(8 + 2 * i).map(|d| d as i16))
            .collect::<Result<Vec<_>, _>>()?;
        if digits.iter().any(|d| !(0..10_000).contains(d)) {
            return Err("malformed numeric digit".into());
        }
        Ok(Self {
            negative,
            weight,
            digits,
        })
    }

    /// The value times 10^`scale`, truncated toward zero as DataFusion's decimal arithmetic
    /// truncates (PostgreSQL's `avg` has 16 or more places where the plan asks for fewer);
    /// `None` if it overflows.
    pub fn to_scaled_i128(&self, scale: i8) -> Option<i128> {
        let scale = i32::from(scale);
        let mut accumulated: i128 = 0;
        let mut last_power: Option<i32> = None;
        for (i, digit) in self.digits.iter().enumerate() {
            let power = i32::from(self.weight) - i as i32;
            // A digit whose first decimal place is past the scale cannot change the result.
            if -4 * power > scale + 3 {
                break;
            }
            accumulated = accumulated
                .checked_mul(10_000)?
                .checked_add(i128::from(*digit))?;
            last_power = Some(power);
        }
        let Some(last_power) = last_power else {
            return Some(0);
        };
        let exponent = 4 * last_power + scale;
        let magnitude = if exponent >= 0 {
            accumulated.checked_mul(10i128.checked_pow(exponent as u32)?)?
        } else {
            accumulated / 10i128.checked_pow((-exponent) as u32)?
        };
        Some(if self.negative { -magnitude } else { magnitude })
    }

    /// Whether the value has no fractional part.
    pub fn is_integral(&self) -> bool {
        self.digits
            .iter()
            .enumerate()
            .all(|(i, d)| *d == 0 || i32::from(self.weight) - i as i32 >= 0)
    }

    /// The nearest `f64` (through the decimal text, which Rust parses correctly rounded).
    pub fn to_f64(&self) -> f64 {
        let mut text = String::with_capacity(8 + 4 * self.digits.len());
        if self.negative {
            text.push('-');
        }
        text.push_str("0.");
        for digit in &self.digits {
            text.push_str(&format!("{digit:04}"));
        }
        // 0.d1d2... is the value divided by 10000^(weight + 1).
        text.push_str(&format!("e{}", 4 * (i32::from(self.weight) + 1)));
        text.parse().unwrap_or(f64::NAN)
    }
}

/// Writes `value / 10^scale` in the wire format.
pub fn encode_scaled(value: i128, scale: u32, out: &mut Vec<u8>) {
    let magnitude = value.unsigned_abs();
    let divisor = 10u128.pow(scale);
    let mut integer = (magnitude / divisor).to_string();
    let mut fraction = if scale == 0 {
        String::new()
    } else {
        format!("{:0width$}", magnitude % divisor, width = scale as usize)
    };
    while !integer.len().is_multiple_of(4) {
        integer.insert(0, '0');
    }
    while !fraction.len().is_multiple_of(4) {
        fraction.push('0');
    }
    let group = |chunk: &[u8]| {
        chunk
            .iter()
            .fold(0i16, |acc, b| acc * 10 + i16::from(b - b'0'))
    };
    let mut digits: Vec<i16> = integer.as_bytes().chunks(4).map(group).collect();
    let mut weight = digits.len() as i16 - 1;
    digits.extend(fraction.as_bytes().chunks(4).map(group));
    while digits.first() == Some(&0) {
        digits.remove(0);
        weight -= 1;
    }
    while digits.last() == Some(&0) {
        digits.pop();
    }
    if digits.is_empty() {
        weight = 0;
    }
    let sign = if value < 0 { NEGATIVE } else { POSITIVE };
    out.extend_from_slice(&(digits.len() as u16).to_be_bytes());
    out.extend_from_slice(&weight.to_be_bytes());
    out.extend_from_slice(&sign.to_be_bytes());
    out.extend_from_slice(&(scale as u16).to_be_bytes());
    for digit in digits {
        out.extend_from_slice(&digit.to_be_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(value: i128, scale: u32) -> Option<i128> {
        let mut wire = Vec::new();
        encode_scaled(value, scale, &mut wire);
        Numeric::decode(&wire).ok()?.to_scaled_i128(scale as i8)
    }

    #[test]
    fn encoded_values_decode_to_themselves() {
        for (value, scale) in [
            (0, 2),
            (1, 0),
            (-1, 0),
            (12_345, 2),
            (-987_654_321, 4),
            (10_000_000, 0),
            (5, 6),
            (i128::from(i64::MAX), 3),
            (99_999_999_999_999_999_999_999_999_999_999_999, 10),
        ] {
            assert_eq!(
                round_trip(value, scale),
                Some(value),
                "{value} scale {scale}"
            );
        }
    }

    #[test]
    fn decoding_truncates_toward_zero_at_the_target_scale() {
        let mut wire = Vec::new();
        // 2.345678 at scale 6, read at scale 2 → 2.34; negative → -2.34
        encode_scaled(2_345_678, 6, &mut wire);
        assert_eq!(
            Numeric::decode(&wire)
                .ok()
                .and_then(|n| n.to_scaled_i128(2)),
            Some(234)
        );
        wire.clear();
        encode_scaled(-2_345_678, 6, &mut wire);
        assert_eq!(
            Numeric::decode(&wire)
                .ok()
                .and_then(|n| n.to_scaled_i128(2)),
            Some(-234)
        );
        wire.clear();
        encode_scaled(12_345, 2, &mut wire);
        assert_eq!(
            Numeric::decode(&wire)
                .ok()
                .and_then(|n| n.to_scaled_i128(4)),
            Some(1_234_500)
        );
        assert_eq!(
            Numeric::decode(&wire).ok().map(|n| n.to_f64()),
            Some(123.45)
        );
        assert_eq!(
            Numeric::decode(&wire).ok().map(|n| n.is_integral()),
            Some(false)
        );
        wire.clear();
        encode_scaled(120_000, 4, &mut wire);
        assert_eq!(
            Numeric::decode(&wire).ok().map(|n| n.is_integral()),
            Some(true)
        );
    }

    #[test]
    fn long_fractions_keep_only_what_the_scale_needs() {
        // 1/3 as PostgreSQL's avg returns it: 0.33333333333333333333 (20 places).
        let digits = [3333i16; 5];
        let mut wire = Vec::new();
        wire.extend_from_slice(&5u16.to_be_bytes());
        wire.extend_from_slice(&(-1i16).to_be_bytes());
        wire.extend_from_slice(&POSITIVE.to_be_bytes());
        wire.extend_from_slice(&20u16.to_be_bytes());
        for d in digits {
            wire.extend_from_slice(&d.to_be_bytes());
        }
        assert_eq!(
            Numeric::decode(&wire)
                .ok()
                .and_then(|n| n.to_scaled_i128(6)),
            Some(333_333)
        );
    }

    #[test]
    fn malformed_input_is_an_error() {
        assert!(Numeric::decode(&[0, 1]).is_err());
        assert!(Numeric::decode(&[0, 0, 0, 0, 0xC0, 0, 0, 0]).is_err());
    }
}

//! Decimal literal text as the exact unscaled integer Substrait's 16-byte decimals hold.

use super::PlanError;

/// The unscaled value of decimal text at `scale`: `1.50` at scale 2 is 150. Takes an exponent
/// (`1.5e+10`), and fails rather than round when digits would be lost or the value needs more
/// than `precision` digits.
pub(crate) fn unscaled(text: &str, precision: u32, scale: u32) -> Result<i128, PlanError> {
    let bad = |reason: &str| {
        PlanError::Invalid(format!(
            "{text} is not a dec<{precision},{scale}> value: {reason}"
        ))
    };
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(unsigned) => (true, unsigned),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        Some((mantissa, exponent)) => {
            let exponent: i64 = exponent.parse().map_err(|_| bad("bad exponent"))?;
            (mantissa, exponent)
        }
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let digits = format!("{whole}{fraction}");
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("not a number"));
    }
    // Where the scaled value's decimal point sits relative to the last written digit.
    let fraction_len = i64::try_from(fraction.len()).map_err(|_| bad("too long"))?;
    let shift = exponent
        .checked_add(i64::from(scale))
        .and_then(|s| s.checked_sub(fraction_len))
        .ok_or_else(|| bad("exponent out of range"))?;
    let digits = digits.trim_start_matches('0');
    let kept = if shift >= 0 {
        digits
    } else {
        let drop = usize::try_from(shift.unsigned_abs()).unwrap_or(usize::MAX);
        let (kept, dropped) = digits.split_at(digits.len().saturating_sub(drop));
        if dropped.bytes().any(|b| b != b'0') {
            return Err(bad("more fractional digits than its scale"));
        }
        kept
    };
    let mut value: i128 = 0;
    for b in kept.bytes() {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i128::from(b - b'0')))
            .ok_or_else(|| bad("too many digits"))?;
    }
    if shift > 0 && value != 0 {
        value = u32::try_from(shift)
            .ok()
            .and_then(|shift| 10_i128.checked_pow(shift))
            .and_then(|factor| value.checked_mul(factor))
            .ok_or_else(|| bad("too many digits"))?;
    }
    let limit = 10_i128
        .checked_pow(precision)
        .ok_or_else(|| bad("precision above 38"))?;
    if value >= limit {
        return Err(bad("needs more digits than its precision"));
    }
    Ok(if negative { -value } else { value })
}

/// `dec<P, S>` as `(P, S)`, with a bare `dec` read as `dec<38, 0>`.
pub(crate) fn params(declared: Option<(u32, u32)>) -> Result<(u32, u32), PlanError> {
    let (precision, scale) = declared.unwrap_or((38, 0));
    if precision > 38 {
        return Err(PlanError::Unsupported(format!(
            "dec<{precision},{scale}>: Substrait decimals hold at most 38 digits"
        )));
    }
    if precision == 0 || scale > precision {
        return Err(PlanError::Invalid(format!(
            "dec<{precision},{scale}> is not a valid decimal type"
        )));
    }
    Ok((precision, scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_scale_exactly() {
        assert_eq!(unscaled("1.50", 5, 2), Ok(150));
        assert_eq!(unscaled("-2.5", 2, 1), Ok(-25));
        assert_eq!(unscaled("1.5e+10", 38, 0), Ok(15_000_000_000));
        assert_eq!(unscaled("1.0", 38, 0), Ok(1));
        assert_eq!(unscaled("0", 23, 22), Ok(0));
        assert_eq!(
            unscaled("99999999999999999999999999999999999999", 38, 0),
            Ok(10_i128.pow(38) - 1)
        );
        assert!(unscaled("1.25", 5, 1).is_err());
        assert!(unscaled("1000", 3, 0).is_err());
    }
}

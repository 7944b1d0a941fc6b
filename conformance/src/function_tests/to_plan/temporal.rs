//! Date, time, timestamp and interval text as the numbers Substrait literals carry.
//!
//! The parser has already checked each literal's shape (`function_tests::temporal`); these
//! helpers still check every field's range and return errors rather than trusting it, so a
//! malformed value can never panic or wrap around.

use super::PlanError;

/// The largest sub-second precision Substrait allows (picoseconds).
const MAX_PRECISION: u32 = 12;

/// Days from 1970-01-01 to the date `YYYY-MM-DD`.
pub(crate) fn date_days(text: &str) -> Result<i32, PlanError> {
    let days = civil_days(text)?;
    i32::try_from(days).map_err(|_| invalid(text, "out of range"))
}

/// `HH:MM:SS[.fraction]` as a count of `10^-precision` seconds since midnight.
pub(crate) fn time_of_day(text: &str, precision: u32) -> Result<i64, PlanError> {
    let (clock, fraction) = text.split_once('.').unwrap_or((text, ""));
    let parts: Vec<&str> = clock.split(':').collect();
    let [hour, minute, second] = parts.as_slice() else {
        return Err(invalid(text, "expected HH:MM:SS"));
    };
    let (hour, minute, second) = (
        field(hour, text)?,
        field(minute, text)?,
        field(second, text)?,
    );
    if hour > 23 || minute > 59 || second > 59 {
        return Err(invalid(text, "no such time of day"));
    }
    let whole = (hour * 3_600 + minute * 60 + second)
        .checked_mul(unit(precision)?)
        .ok_or_else(|| invalid(text, "out of range"))?;
    Ok(whole + fraction_units(fraction, precision, text)?)
}

/// `YYYY-MM-DD[T ]HH:MM:SS[.fraction]`, with an optional `±HH:MM` offset, as a count of
/// `10^-precision` seconds since 1970-01-01T00:00:00 UTC. A value without an offset is read as
/// UTC, which is what Substrait's zone-less timestamps mean.
pub(crate) fn timestamp(text: &str, precision: u32) -> Result<i64, PlanError> {
    let date = text.get(..10).ok_or_else(|| invalid(text, "too short"))?;
    if !matches!(text.get(10..11), Some("T" | "t" | " ")) {
        return Err(invalid(text, "expected `T` between date and time"));
    }
    let rest = text.get(11..).unwrap_or_default();
    // The clock part never contains a sign, so the first one starts the offset.
    let (clock, offset) = match rest.find(['+', '-']) {
        Some(at) => {
            let (clock, offset) = rest.split_at(at);
            (clock, offset_seconds(offset, text)?)
        }
        None => (rest, 0),
    };
    let of_day = time_of_day(clock, precision)?;
    civil_days(date)?
        .checked_mul(86_400)
        .and_then(|seconds| seconds.checked_sub(offset))
        .and_then(|seconds| seconds.checked_mul(unit(precision).ok()?))
        .and_then(|units| units.checked_add(of_day))
        .ok_or_else(|| invalid(text, "out of range at this precision"))
}

/// An ISO 8601 duration split into the parts Substrait's interval literals hold.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Duration {
    /// The `Y` component.
    pub(crate) years: i64,
    /// The `M` component before `T`.
    pub(crate) months: i64,
    /// The `D` component.
    pub(crate) days: i64,
    /// Hours, minutes and seconds together, in `10^-precision` seconds.
    pub(crate) subseconds: i128,
}

/// Reads `P[n]Y[n]M[n]DT[n]H[n]M[n[.f]]S` (components optional, each may be signed), with the
/// time part counted in `10^-precision` seconds.
pub(crate) fn duration(text: &str, precision: u32) -> Result<Duration, PlanError> {
    let body = text
        .strip_prefix(['P', 'p'])
        .ok_or_else(|| invalid(text, "expected a leading `P`"))?;
    let (date_part, time_part) = match body.split_once(['T', 't']) {
        Some((date_part, time_part)) => (date_part, time_part),
        None => (body, ""),
    };
    let unit = i128::from(unit(precision)?);
    let mut duration = Duration::default();
    for component in components(date_part, text)? {
        if !component.fraction.is_empty() {
            return Err(invalid(text, "only seconds may have a fraction"));
        }
        let value = field(component.whole, text)?;
        let value = if component.negative { -value } else { value };
        match component.designator {
            'Y' => duration.years = value,
            'M' => duration.months = value,
            'D' => duration.days = value,
            other => return Err(invalid(text, &format!("unknown date unit `{other}`"))),
        }
    }
    for component in components(time_part, text)? {
        let seconds_per = match component.designator {
            'H' => 3_600,
            'M' => 60,
            'S' => 1,
            other => return Err(invalid(text, &format!("unknown time unit `{other}`"))),
        };
        if !component.fraction.is_empty() && component.designator != 'S' {
            return Err(invalid(text, "only seconds may have a fraction"));
        }
        // At most 18 digits times 3600 times 10^12 stays far inside i128.
        let magnitude = i128::from(field(component.whole, text)?) * seconds_per * unit
            + i128::from(fraction_units(component.fraction, precision, text)?);
        let signed = if component.negative {
            -magnitude
        } else {
            magnitude
        };
        duration.subseconds = duration
            .subseconds
            .checked_add(signed)
            .ok_or_else(|| invalid(text, "out of range"))?;
    }
    Ok(duration)
}

/// One `<number><designator>` pair of a duration.
struct Component<'a> {
    negative: bool,
    whole: &'a str,
    fraction: &'a str,
    designator: char,
}

fn components<'a>(mut rest: &'a str, text: &str) -> Result<Vec<Component<'a>>, PlanError> {
    let mut out = Vec::new();
    while !rest.is_empty() {
        let negative = rest.starts_with('-');
        let unsigned = rest.strip_prefix(['+', '-']).unwrap_or(rest);
        let end = unsigned
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(|| invalid(text, "a number without a unit"))?;
        let (number, tail) = unsigned.split_at(end);
        let mut chars = tail.chars();
        let designator = chars
            .next()
            .ok_or_else(|| invalid(text, "a number without a unit"))?
            .to_ascii_uppercase();
        rest = chars.as_str();
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        out.push(Component {
            negative,
            whole,
            fraction,
            designator,
        });
    }
    Ok(out)
}

/// Days from 1970-01-01, for a checked `YYYY-MM-DD`.
fn civil_days(text: &str) -> Result<i64, PlanError> {
    let parts: Vec<&str> = text.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return Err(invalid(text, "expected YYYY-MM-DD"));
    };
    let (year, month, day) = (field(year, text)?, field(month, text)?, field(day, text)?);
    // Four-digit years only, which also keeps the arithmetic below far from overflow.
    if year > 9_999 || !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
        return Err(invalid(text, "no such date"));
    }
    Ok(days_from_civil(year, month, day))
}

/// Howard Hinnant's `days_from_civil`: proleptic Gregorian date to days since 1970-01-01.
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let day_of_year = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

fn days_in_month(year: i64, month: i64) -> i64 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// A `±HH:MM` offset in seconds east of UTC.
fn offset_seconds(offset: &str, text: &str) -> Result<i64, PlanError> {
    let (negative, unsigned) = match offset.strip_prefix('-') {
        Some(unsigned) => (true, unsigned),
        None => (false, offset.strip_prefix('+').unwrap_or(offset)),
    };
    let (hours, minutes) = unsigned
        .split_once(':')
        .ok_or_else(|| invalid(text, "expected a ±HH:MM offset"))?;
    let (hours, minutes) = (field(hours, text)?, field(minutes, text)?);
    if hours > 23 || minutes > 59 {
        return Err(invalid(text, "offset out of range"));
    }
    let seconds = hours * 3_600 + minutes * 60;
    Ok(if negative { -seconds } else { seconds })
}

/// The digits after a decimal point as `10^-precision` units; digits beyond the precision must
/// be zeros, since dropping others would change the value the test states.
fn fraction_units(fraction: &str, precision: u32, text: &str) -> Result<i64, PlanError> {
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(text, "bad fraction"));
    }
    unit(precision)?;
    let keep = usize::try_from(precision).unwrap_or(usize::MAX);
    let (kept, dropped) = fraction.split_at(fraction.len().min(keep));
    if dropped.bytes().any(|b| b != b'0') {
        let reason = format!("more fractional digits than precision {precision} holds");
        return Err(invalid(text, &reason));
    }
    let mut units = kept
        .bytes()
        .fold(0_i64, |acc, b| acc * 10 + i64::from(b - b'0'));
    for _ in kept.len()..keep {
        units *= 10;
    }
    Ok(units)
}

/// `10^precision`, the number of units in one second.
fn unit(precision: u32) -> Result<i64, PlanError> {
    if precision > MAX_PRECISION {
        return Err(PlanError::Unsupported(format!(
            "precision {precision} is above the {MAX_PRECISION} Substrait allows"
        )));
    }
    Ok(10_i64.pow(precision))
}

/// A run of 1 to 18 ASCII digits (18 so that it always fits an `i64`).
fn field(digits: &str, text: &str) -> Result<i64, PlanError> {
    if digits.is_empty() || digits.len() > 18 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(text, "expected digits"));
    }
    digits.parse().map_err(|_| invalid(text, "expected digits"))
}

fn invalid(text: &str, reason: &str) -> PlanError {
    PlanError::Invalid(format!("'{text}': {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_count_days_from_the_epoch() {
        assert_eq!(date_days("1970-01-01"), Ok(0));
        assert_eq!(date_days("1969-12-31"), Ok(-1));
        assert_eq!(date_days("2020-03-01"), Ok(18_322));
        assert_eq!(date_days("1900-03-01"), Ok(-25_508));
        assert!(date_days("2021-02-29").is_err());
        assert!(date_days("2020-13-01").is_err());
    }

    #[test]
    fn times_and_timestamps_count_units() {
        assert_eq!(time_of_day("01:02:03.155", 3), Ok(3_723_155));
        assert_eq!(time_of_day("01:02:03.45", 6), Ok(3_723_450_000));
        assert!(time_of_day("01:02:03.1234", 3).is_err());
        assert_eq!(time_of_day("01:02:03.1230", 3), Ok(3_723_123));
        assert_eq!(
            timestamp("2016-12-31T13:30:15", 6),
            Ok(1_483_191_015_000_000)
        );
        assert_eq!(timestamp("2016-12-31 13:30:15", 0), Ok(1_483_191_015));
        assert_eq!(
            timestamp("1999-01-08T01:05:05.25-08:00", 6),
            Ok(915_786_305_250_000)
        );
        assert!(timestamp("2016-12-31T13:30:15", 13).is_err());
    }

    #[test]
    fn durations_split_into_interval_parts() {
        let d = duration("P1Y2M", 6).expect("valid");
        assert_eq!((d.years, d.months, d.days, d.subseconds), (1, 2, 0, 0));
        let d = duration("P1DT10H0M1.5S", 6).expect("valid");
        assert_eq!((d.days, d.subseconds), (1, 36_001_500_000));
        let d = duration("PT-5H", 0).expect("valid");
        assert_eq!(d.subseconds, -18_000);
        assert!(duration("P1.5D", 6).is_err());
        assert!(duration("P5", 6).is_err());
    }
}

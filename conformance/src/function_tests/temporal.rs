//! Shape checks for date, time, timestamp and interval literals.
//!
//! The ANTLR lexer tells these literals apart by shape (`DateLiteral`, `TimestampTzLiteral`,
//! `IntervalDayLiteral`, ...). This parser reads them all as strings and lets the `::type` decide,
//! so it checks the shape here instead; the text itself is kept as written.

/// Which interval type a literal is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum IntervalKind {
    /// `iyear`: `P[n]Y[n]M`.
    Year,
    /// `iday`: `P[n]DT[n]H[n]M[n.f]S`.
    Day,
    /// `icompound`: both of the above.
    Compound,
}

/// `YYYY-MM-DD`.
pub(super) fn is_date(text: &str) -> bool {
    whole(text, date)
}

/// `HH:MM:SS[.fraction]`.
pub(super) fn is_time(text: &str) -> bool {
    whole(text, time)
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]`; a space instead of `T` is accepted, as the README writes it.
pub(super) fn is_timestamp(text: &str) -> bool {
    whole(text, timestamp)
}

/// A timestamp followed by a `±HH:MM` offset.
pub(super) fn is_timestamp_tz(text: &str) -> bool {
    whole(text, |scan| {
        timestamp(scan)
            && (scan.byte(b'+') || scan.byte(b'-'))
            && scan.digits(2)
            && scan.byte(b':')
            && scan.digits(2)
    })
}

/// An ISO 8601 duration with the components `kind` allows, e.g. `P5D`, `PT5H`, `P1Y2M`,
/// `P0DT15H0M0S`. Components must come in order and at least one must be present; only seconds
/// may have a fraction.
pub(super) fn is_interval(text: &str, kind: IntervalKind) -> bool {
    let mut scan = Scan::new(text);
    if !scan.byte_ignore_case(b'P') {
        return false;
    }
    let Some(date_units) = components(&mut scan, b"YMD") else {
        return false;
    };
    let time_units = if scan.byte_ignore_case(b'T') {
        match components(&mut scan, b"HMS") {
            Some(units) if !units.is_empty() => units,
            _ => return false,
        }
    } else {
        Vec::new()
    };
    if !scan.done() || (date_units.is_empty() && time_units.is_empty()) {
        return false;
    }
    match kind {
        IntervalKind::Year => time_units.is_empty() && !date_units.contains(&b'D'),
        IntervalKind::Day => !date_units.contains(&b'Y') && !date_units.contains(&b'M'),
        IntervalKind::Compound => true,
    }
}

/// Reads `<number><unit>` pairs whose units come from `order`, each at most once and in that
/// order. Returns the units seen (upper case), or `None` if the text breaks the rules.
fn components(scan: &mut Scan<'_>, order: &[u8]) -> Option<Vec<u8>> {
    let mut units = Vec::new();
    let mut allowed_from = 0;
    while scan.at_number() {
        let fractional = scan.number()?;
        let unit = scan.take()?.to_ascii_uppercase();
        let position = order.get(allowed_from..)?.iter().position(|&u| u == unit)?;
        if fractional && unit != b'S' {
            return None;
        }
        units.push(unit);
        allowed_from += position + 1;
    }
    Some(units)
}

fn date(scan: &mut Scan<'_>) -> bool {
    scan.digits(4) && scan.byte(b'-') && scan.digits(2) && scan.byte(b'-') && scan.digits(2)
}

fn time(scan: &mut Scan<'_>) -> bool {
    scan.digits(2)
        && scan.byte(b':')
        && scan.digits(2)
        && scan.byte(b':')
        && scan.digits(2)
        && scan.fraction()
}

fn timestamp(scan: &mut Scan<'_>) -> bool {
    date(scan) && (scan.byte_ignore_case(b'T') || scan.byte(b' ')) && time(scan)
}

/// Whether `rule` matches all of `text`.
fn whole(text: &str, rule: impl FnOnce(&mut Scan<'_>) -> bool) -> bool {
    let mut scan = Scan::new(text);
    rule(&mut scan) && scan.done()
}

/// A cursor over the bytes of a literal; every method consumes only on success.
struct Scan<'a> {
    rest: &'a [u8],
}

impl<'a> Scan<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            rest: text.as_bytes(),
        }
    }

    fn done(&self) -> bool {
        self.rest.is_empty()
    }

    fn take(&mut self) -> Option<u8> {
        let (&first, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(first)
    }

    fn byte(&mut self, expected: u8) -> bool {
        self.take_if(|b| b == expected)
    }

    fn byte_ignore_case(&mut self, expected: u8) -> bool {
        self.take_if(|b| b.eq_ignore_ascii_case(&expected))
    }

    fn take_if(&mut self, accept: impl FnOnce(u8) -> bool) -> bool {
        let Some((&first, rest)) = self.rest.split_first() else {
            return false;
        };
        if !accept(first) {
            return false;
        }
        self.rest = rest;
        true
    }

    /// Exactly `n` digits.
    fn digits(&mut self, n: usize) -> bool {
        match self.rest.get(..n) {
            Some(head) if head.iter().all(u8::is_ascii_digit) => {
                self.rest = self.rest.get(n..).unwrap_or_default();
                true
            }
            _ => false,
        }
    }

    /// One or more digits.
    fn some_digits(&mut self) -> bool {
        let n = self.rest.iter().take_while(|b| b.is_ascii_digit()).count();
        n > 0 && self.digits(n)
    }

    /// An optional `.digits`.
    fn fraction(&mut self) -> bool {
        !self.byte(b'.') || self.some_digits()
    }

    fn at_number(&self) -> bool {
        matches!(self.rest.first(), Some(b) if b.is_ascii_digit() || *b == b'+' || *b == b'-')
    }

    /// `[+-]? digits (. digits)?`; `Some(true)` if it had a fraction.
    fn number(&mut self) -> Option<bool> {
        let _sign = self.byte(b'+') || self.byte(b'-');
        if !self.some_digits() {
            return None;
        }
        if self.byte(b'.') {
            return self.some_digits().then_some(true);
        }
        Some(false)
    }
}

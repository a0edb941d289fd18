//! Money as integer cents (分), and the exact rounding DOMAIN §2 prescribes.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};
use std::str::FromStr;

use serde::{Serialize, Serializer};

/// An amount in cents. Never a float, in storage or in arithmetic.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Money(i64);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("empty amount")]
    Empty,
    #[error("'{0}' is not an amount: use digits with up to two decimals, e.g. 1234.56")]
    Malformed(String),
    #[error("'{0}' has thousands separators: write 1000.00, not 1,000.00")]
    Thousands(String),
    #[error("'{0}' has more than two decimals")]
    TooPrecise(String),
    #[error("'{0}' is too large")]
    Overflow(String),
}

impl Money {
    pub const ZERO: Money = Money(0);

    pub const fn from_cents(cents: i64) -> Self {
        Money(cents)
    }

    pub const fn cents(self) -> i64 {
        self.0
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    /// Parses `123`, `123.4`, `123.45`, optionally with a leading `-`.
    pub fn parse(text: &str) -> Result<Self, MoneyError> {
        let s = text.trim();
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        if s.contains(',') {
            return Err(MoneyError::Thousands(s.to_string()));
        }
        let (negative, body) = match s.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let (whole, frac) = match body.split_once('.') {
            Some((w, f)) => (w, f),
            None => (body, ""),
        };
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(frac) || (body.contains('.') && frac.is_empty()) {
            return Err(MoneyError::Malformed(s.to_string()));
        }
        if frac.len() > 2 {
            return Err(MoneyError::TooPrecise(s.to_string()));
        }
        let overflow = || MoneyError::Overflow(s.to_string());
        let whole: i64 = whole.parse().map_err(|_| overflow())?;
        let mut frac_cents: i64 = if frac.is_empty() { 0 } else { frac.parse().map_err(|_| overflow())? };
        if frac.len() == 1 {
            frac_cents *= 10;
        }
        let cents = whole.checked_mul(100).and_then(|c| c.checked_add(frac_cents)).ok_or_else(overflow)?;
        Ok(Money(if negative { -cents } else { cents }))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let text = format!("{sign}{}.{:02}", abs / 100, abs % 100);
        f.pad(&text)
    }
}

impl Money {
    /// The amount with its thousands grouped (`10,980,764.97`), as the desk shows it; scripts
    /// read the plain form (`Display`).
    pub fn grouped(self) -> String {
        let plain = self.to_string();
        let (sign, rest) = plain.split_at(usize::from(plain.starts_with('-')));
        let (whole, cents) = rest.split_once('.').unwrap_or((rest, "00"));
        let mut out = String::with_capacity(plain.len() + whole.len() / 3);
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        format!("{sign}{out}.{cents}")
    }
}

impl FromStr for Money {
    type Err = MoneyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Money::parse(s)
    }
}

impl Serialize for Money {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0 + rhs.0)
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        self.0 += rhs.0;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0 - rhs.0)
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        self.0 -= rhs.0;
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(-self.0)
    }
}

impl Sum for Money {
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        Money(iter.map(|m| m.0).sum())
    }
}

/// `num / den` rounded to the nearest integer, halves away from zero. `den` must not be zero.
pub fn div_round(num: i128, den: i128) -> i128 {
    debug_assert!(den != 0);
    let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
    let q = num / den;
    let r = num % den;
    if 2 * r.abs() >= den { q + num.signum() } else { q }
}

/// Narrows an exact result to cents; balances never approach `i64::MAX` cents.
pub(crate) fn to_money(v: i128) -> Money {
    Money(i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_are_grouped_for_the_desk() {
        for (cents, want) in [
            (1_098_076_497, "10,980,764.97"),
            (99_999, "999.99"),
            (100_000, "1,000.00"),
            (-123_456_789, "-1,234,567.89"),
            (0, "0.00"),
        ] {
            assert_eq!(Money::from_cents(cents).grouped(), want);
        }
    }

    #[test]
    fn parses_zero_to_two_decimals() {
        assert_eq!(Money::parse("1234.56"), Ok(Money(123456)));
        assert_eq!(Money::parse("1234.5"), Ok(Money(123450)));
        assert_eq!(Money::parse("1234"), Ok(Money(123400)));
        assert_eq!(Money::parse("0.07"), Ok(Money(7)));
        assert_eq!(Money::parse("-3.10"), Ok(Money(-310)));
    }

    #[test]
    fn rejects_bad_amounts() {
        assert_eq!(Money::parse("1,000.00"), Err(MoneyError::Thousands("1,000.00".into())));
        assert!(matches!(Money::parse("1.234"), Err(MoneyError::TooPrecise(_))));
        assert!(matches!(Money::parse("1."), Err(MoneyError::Malformed(_))));
        assert!(matches!(Money::parse(".5"), Err(MoneyError::Malformed(_))));
        assert!(matches!(Money::parse("1e5"), Err(MoneyError::Malformed(_))));
        assert!(matches!(Money::parse("+5"), Err(MoneyError::Malformed(_))));
        assert!(matches!(Money::parse("¥5"), Err(MoneyError::Malformed(_))));
        assert_eq!(Money::parse("  "), Err(MoneyError::Empty));
        assert!(matches!(Money::parse("999999999999999999999"), Err(MoneyError::Overflow(_))));
    }

    #[test]
    fn formats_with_two_decimals() {
        assert_eq!(Money(123456).to_string(), "1234.56");
        assert_eq!(Money(5).to_string(), "0.05");
        assert_eq!(Money(-5).to_string(), "-0.05");
        assert_eq!(Money(0).to_string(), "0.00");
        assert_eq!(format!("{:>8}", Money(100)), "    1.00");
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(div_round(47575, 1000), 48);
        assert_eq!(div_round(47574, 1000), 48);
        assert_eq!(div_round(47499, 1000), 47);
        assert_eq!(div_round(-47500, 1000), -48);
        assert_eq!(div_round(5, 10), 1);
        assert_eq!(div_round(4, 10), 0);
        assert_eq!(div_round(-5, 10), -1);
        assert_eq!(div_round(5, -10), -1);
    }
}

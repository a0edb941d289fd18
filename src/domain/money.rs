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

    /// The largest amount the book takes in: a principal, a payment, a promise (10,000,000,000.00).
    /// Sums of such amounts stay far inside `i64` cents.
    pub const MAX_INPUT: Money = Money(1_000_000_000_000);

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

    /// An amount as the book takes one in: 0–2 decimals, no sign, no thousands separator, more
    /// than 0.00 and at most [`Money::MAX_INPUT`].
    pub fn parse_amount(text: &str) -> Result<Self, String> {
        if text.trim_start().starts_with(['-', '+']) {
            return Err(format!("'{text}' has a sign: write amounts without '+' or '-'"));
        }
        let money = Money::parse(text).map_err(|e| e.to_string())?;
        money.check_amount().map_err(|_| {
            if money.is_positive() {
                format!("'{text}' is more than {}, the largest amount the desk takes", Money::MAX_INPUT)
            } else {
                format!("'{text}' is not more than 0.00")
            }
        })
    }

    /// This amount, when it is one the book takes in (see [`Money::parse_amount`]).
    pub fn check_amount(self) -> Result<Self, String> {
        if !self.is_positive() {
            Err(format!("'{self}' is not more than 0.00"))
        } else if self > Money::MAX_INPUT {
            Err(format!("'{self}' is more than {}, the largest amount the desk takes", Money::MAX_INPUT))
        } else {
            Ok(self)
        }
    }

    pub fn checked_add(self, rhs: Money) -> Option<Money> {
        self.0.checked_add(rhs.0).map(Money)
    }

    pub fn checked_sub(self, rhs: Money) -> Option<Money> {
        self.0.checked_sub(rhs.0).map(Money)
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

// Arithmetic never wraps: a result past the range of `i64` cents stays at its end (with inputs
// bounded by `MAX_INPUT` no book comes near), so no figure can turn negative by overflowing.

impl Add for Money {
    type Output = Money;
    fn add(self, rhs: Money) -> Money {
        Money(self.0.saturating_add(rhs.0))
    }
}

impl AddAssign for Money {
    fn add_assign(&mut self, rhs: Money) {
        *self = *self + rhs;
    }
}

impl Sub for Money {
    type Output = Money;
    fn sub(self, rhs: Money) -> Money {
        Money(self.0.saturating_sub(rhs.0))
    }
}

impl SubAssign for Money {
    fn sub_assign(&mut self, rhs: Money) {
        *self = *self - rhs;
    }
}

impl Neg for Money {
    type Output = Money;
    fn neg(self) -> Money {
        Money(self.0.saturating_neg())
    }
}

impl Sum for Money {
    /// Summed in `i128`, then narrowed.
    fn sum<I: Iterator<Item = Money>>(iter: I) -> Money {
        to_money(iter.map(|m| i128::from(m.0)).sum())
    }
}

impl<'a> Sum<&'a Money> for Money {
    fn sum<I: Iterator<Item = &'a Money>>(iter: I) -> Money {
        iter.copied().sum()
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

/// Narrows an exact result to cents, holding at the ends of the range instead of wrapping.
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
    fn amounts_taken_in_are_positive_and_at_most_ten_billion() {
        assert_eq!(Money::parse_amount("10000000000.00"), Ok(Money::MAX_INPUT));
        assert_eq!(Money::parse_amount("0.01"), Ok(Money(1)));
        for bad in ["10000000000.01", "92233720368547758.07", "0", "-5", "+5", "1,000"] {
            assert!(Money::parse_amount(bad).is_err(), "{bad}");
        }
        assert!(Money::parse_amount("92233720368547758.07").expect_err("huge").contains("10000000000.00"));
    }

    #[test]
    fn no_figure_wraps() {
        let max = Money(i64::MAX);
        assert_eq!(max + Money(1), max);
        assert_eq!(Money(i64::MIN) - Money(1), Money(i64::MIN));
        assert_eq!(-Money(i64::MIN), max);
        assert_eq!([max, max, Money(-5)].into_iter().sum::<Money>(), max);
        assert_eq!(
            [max, max, Money(-max.0), Money(-max.0)].into_iter().sum::<Money>(),
            Money::ZERO,
            "summed exactly"
        );
        let mut m = max;
        m += Money(7);
        assert_eq!(m, max);
        assert_eq!(max.checked_add(Money(1)), None);
        assert_eq!(Money(5).checked_sub(Money(7)), Some(Money(-2)));
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

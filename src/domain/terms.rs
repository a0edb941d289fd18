//! Loan terms: annual rate, product, term, disbursement date, and calendar arithmetic on due dates.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Serialize, Serializer};

use super::money::Money;

/// An annual percentage with up to four decimals, held as percent × 10⁴ (`4.90` → 49 000).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Rate(i64);

/// Denominator that turns `balance × rate_e4` into one month's interest: 12 months × 100 % × 10⁴.
pub const MONTHLY_DEN: i128 = 12 * 100 * 10_000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RateError {
    #[error("'{0}' is not a rate: write a percentage such as 4.90")]
    Malformed(String),
    #[error("'{0}' has more than four decimals")]
    TooPrecise(String),
    #[error("'{0}' is out of range: 0 ≤ rate < 100")]
    OutOfRange(String),
}

impl Rate {
    pub const fn from_e4(e4: i64) -> Self {
        Rate(e4)
    }

    pub const fn e4(self) -> i64 {
        self.0
    }

    pub fn parse(text: &str) -> Result<Self, RateError> {
        let s = text.trim();
        let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
        let digits = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(frac) || (s.contains('.') && frac.is_empty()) {
            return Err(RateError::Malformed(s.to_string()));
        }
        if frac.len() > 4 {
            return Err(RateError::TooPrecise(s.to_string()));
        }
        if whole.len() > 2 {
            return Err(RateError::OutOfRange(s.to_string()));
        }
        let whole: i64 = whole.parse().map_err(|_| RateError::Malformed(s.to_string()))?;
        let mut f: i64 = if frac.is_empty() {
            0
        } else {
            frac.parse().map_err(|_| RateError::Malformed(s.to_string()))?
        };
        for _ in frac.len()..4 {
            f *= 10;
        }
        Ok(Rate(whole * 10_000 + f))
    }
}

impl fmt::Display for Rate {
    /// Two decimals at least, more only when the rate has them: `4.90`, `19.0325`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 10_000;
        let frac = self.0 % 10_000;
        let mut frac_text = format!("{frac:04}");
        while frac_text.len() > 2 && frac_text.ends_with('0') {
            frac_text.pop();
        }
        f.pad(&format!("{whole}.{frac_text}"))
    }
}

impl FromStr for Rate {
    type Err = RateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Rate::parse(s)
    }
}

impl Serialize for Rate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// The four repayment products of DOMAIN §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Product {
    Annuity,
    EqualPrincipal,
    InterestOnly,
    Bullet,
}

impl Product {
    pub const ALL: [Product; 4] =
        [Product::Annuity, Product::EqualPrincipal, Product::InterestOnly, Product::Bullet];

    pub fn as_str(self) -> &'static str {
        match self {
            Product::Annuity => "annuity",
            Product::EqualPrincipal => "equal_principal",
            Product::InterestOnly => "interest_only",
            Product::Bullet => "bullet",
        }
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Product {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Product::ALL.into_iter().find(|p| p.as_str() == s).ok_or_else(|| {
            format!("unknown product '{s}': use annuity, equal_principal, interest_only or bullet")
        })
    }
}

pub const MAX_TERM_MONTHS: u32 = 480;

/// What the schedule is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoanTerms {
    pub product: Product,
    pub principal: Money,
    pub rate: Rate,
    pub term_months: u32,
    pub disbursed_on: NaiveDate,
}

/// `d0 + k months`, keeping `d0`'s day of month and clamping to the month's last day.
pub fn add_months(d0: NaiveDate, k: u32) -> NaiveDate {
    d0.checked_add_months(Months::new(k)).unwrap_or(NaiveDate::MAX)
}

/// The years the book's dates fall in (DOMAIN §2).
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// Parses `YYYY-MM-DD` strictly: four digits, two, two, nothing around them (no sign, no space),
/// a real calendar day in [`YEARS`].
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let b = text.as_bytes();
    let shaped = b.len() == 10
        && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    let day = shaped.then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()).flatten();
    match day {
        Some(d) if YEARS.contains(&d.year()) => Ok(d),
        Some(_) => Err(format!(
            "'{text}' is out of range: dates fall between {}-01-01 and {}-12-31",
            YEARS.start(),
            YEARS.end()
        )),
        None => Err(format!("'{}' is not a date: use YYYY-MM-DD", text.escape_debug())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).expect("test date")
    }

    #[test]
    fn rate_parsing() {
        assert_eq!(Rate::parse("4.90"), Ok(Rate(49_000)));
        assert_eq!(Rate::parse("19.0325"), Ok(Rate(190_325)));
        assert_eq!(Rate::parse("0"), Ok(Rate(0)));
        assert_eq!(Rate::parse("99.9999"), Ok(Rate(999_999)));
        assert!(matches!(Rate::parse("100"), Err(RateError::OutOfRange(_))));
        assert!(matches!(Rate::parse("4.12345"), Err(RateError::TooPrecise(_))));
        assert!(matches!(Rate::parse("-1"), Err(RateError::Malformed(_))));
        assert!(matches!(Rate::parse("4.9%"), Err(RateError::Malformed(_))));
        assert_eq!(Rate(49_000).to_string(), "4.90");
        assert_eq!(Rate(190_325).to_string(), "19.0325");
        assert_eq!(Rate(0).to_string(), "0.00");
    }

    #[test]
    fn month_end_clamping_counts_from_disbursement() {
        let d0 = d("2025-01-31");
        let dues: Vec<_> = (1..=4).map(|k| add_months(d0, k).to_string()).collect();
        assert_eq!(dues, ["2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31"]);
        // Leap year: 31 January → 29 February; 29 February → 28 February the next year.
        assert_eq!(add_months(d("2024-01-31"), 1), d("2024-02-29"));
        assert_eq!(add_months(d("2024-02-29"), 12), d("2025-02-28"));
        assert_eq!(add_months(d("2024-02-29"), 48), d("2028-02-29"));
        assert_eq!(add_months(d("2023-01-29"), 1), d("2023-02-28"));
        assert_eq!(add_months(d("2024-01-29"), 1), d("2024-02-29"));
    }

    #[test]
    fn dates_are_strict() {
        assert!(parse_date("2025-02-30").is_err());
        assert!(parse_date("2025-2-3").is_err());
        assert!(parse_date("2025/02/03").is_err());
        assert_eq!(parse_date("2025-02-03"), Ok(d("2025-02-03")));
        for bad in [
            "+2024-1-01",
            "+2024-01-01",
            "-2024-01-01",
            " 2025-02-03",
            "2025-02-03 ",
            "２０２５-02-03",
            "2025-02-3 ",
        ] {
            assert!(parse_date(bad).expect_err(bad).contains("is not a date"), "{bad:?}");
        }
        assert_eq!(parse_date("1900-01-01"), Ok(d("1900-01-01")));
        assert_eq!(parse_date("2199-12-31"), Ok(d("2199-12-31")));
        for far in ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-01"] {
            assert!(parse_date(far).expect_err(far).contains("out of range"), "{far}");
        }
    }
}

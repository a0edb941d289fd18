//! The collateral register (押品, DOMAIN §10): what a customer pledged, its valuations, when it
//! is to be valued again, and the loan-to-value figure.

use std::fmt;

use chrono::NaiveDate;
use serde::{Serialize, Serializer};

use super::money::{Money, div_round};
use super::terms::add_months;

text_enum!(
    /// What a pledged item is.
    CollateralKind, "collateral type", {
        /// 房产
        House => "house",
        /// 车辆
        Vehicle => "vehicle",
        /// 土地
        Land => "land",
        /// 存单
        Deposit => "deposit",
        /// 设备
        Equipment => "equipment",
        Other => "other",
    }
);

text_enum!(
    /// Where a pledged item stands.
    CollateralStatus, "collateral status", {
        /// Pledged and held as security.
        Held => "held",
        /// Given back: it secures nothing any more.
        Released => "released",
        /// Seized (查封) for enforcement.
        Seized => "seized",
    }
);

/// When an item valued on `valued_on` is to be valued again.
pub fn revaluation_due(valued_on: NaiveDate, months: u32) -> NaiveDate {
    add_months(valued_on, months)
}

/// Loan to value: outstanding principal over the collateral's value, in tenths of a percent,
/// rounded half away from zero; `None` without a value to measure against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ltv(i64);

impl Ltv {
    pub fn of(outstanding: Money, value: Money) -> Option<Ltv> {
        if value.cents() <= 0 {
            return None;
        }
        let permille = div_round(i128::from(outstanding.cents()) * 1_000, i128::from(value.cents()));
        Some(Ltv(i64::try_from(permille).unwrap_or(i64::MAX)))
    }

    /// Tenths of a percent.
    pub fn permille(self) -> i64 {
        self.0
    }
}

impl fmt::Display for Ltv {
    /// `83.4%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{}.{}%", self.0 / 10, self.0 % 10))
    }
}

impl Serialize for Ltv {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> Money {
        Money::parse(s).expect("money")
    }

    #[test]
    fn loan_to_value_in_tenths_of_a_percent() {
        let cases = [
            ("834000.00", "1000000.00", Some("83.4%")),
            ("1.00", "3.00", Some("33.3%")),
            ("2.00", "3.00", Some("66.7%")),
            ("0.00", "100.00", Some("0.0%")),
            ("1500.00", "1000.00", Some("150.0%")),
            ("100.00", "0.00", None),
        ];
        for (out, value, want) in cases {
            assert_eq!(Ltv::of(m(out), m(value)).map(|l| l.to_string()).as_deref(), want, "{out}/{value}");
        }
    }

    #[test]
    fn revaluation_falls_due_a_year_on_clamped_to_the_month() {
        let d = |s: &str| crate::domain::parse_date(s).expect("date");
        assert_eq!(revaluation_due(d("2025-03-10"), 12), d("2026-03-10"));
        assert_eq!(revaluation_due(d("2024-02-29"), 12), d("2025-02-28"));
        for k in CollateralKind::ALL {
            assert_eq!(k.as_str().parse::<CollateralKind>(), Ok(*k));
        }
    }
}

//! A calendar month, as month-end rows are keyed (`YYYY-MM`; stored as `YYYYMM`).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Serialize, Serializer};

/// A month of the calendar; its month-end is its last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    /// 1–12.
    month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Month> {
        ((1900..=2199).contains(&year) && (1..=12).contains(&month)).then_some(Month { year, month })
    }

    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> Month {
        Month { year: date.year(), month: date.month() }
    }

    /// The stored key, `YYYYMM`.
    pub fn key(self) -> i64 {
        i64::from(self.year) * 100 + i64::from(self.month)
    }

    pub fn from_key(key: i64) -> Option<Month> {
        Month::new(i32::try_from(key / 100).ok()?, u32::try_from(key % 100).ok()?)
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The month-end: the month's last calendar day.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MIN)
    }

    pub fn next(self) -> Month {
        self.plus(1)
    }

    pub fn prev(self) -> Month {
        self.plus(-1)
    }

    /// The month `n` months later (earlier when negative).
    pub fn plus(self, n: i32) -> Month {
        let index = self.year * 12 + self.month as i32 - 1 + n;
        Month { year: index.div_euclid(12), month: index.rem_euclid(12) as u32 + 1 }
    }

    /// Months from `self` to `later` (negative when `later` is earlier).
    pub fn months_to(self, later: Month) -> i32 {
        (later.year - self.year) * 12 + later.month as i32 - self.month as i32
    }

    /// The last month-end on or before a date.
    pub fn last_ended_by(date: NaiveDate) -> Month {
        let m = Month::of(date);
        if m.last_day() == date { m } else { m.prev() }
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&format!("{:04}-{:02}", self.year, self.month))
    }
}

impl FromStr for Month {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("'{s}' is not a month: use YYYY-MM (1900-01 to 2199-12)");
        let (y, m) = s.split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        Month::new(y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?).ok_or_else(bad)
    }
}

impl Serialize for Month {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        crate::domain::parse_date(s).expect("date")
    }

    #[test]
    fn month_ends_and_steps() {
        let feb: Month = "2024-02".parse().expect("month");
        assert_eq!(feb.last_day(), day("2024-02-29"));
        assert_eq!("2025-02".parse::<Month>().expect("month").last_day(), day("2025-02-28"));
        assert_eq!(feb.plus(-2).to_string(), "2023-12");
        assert_eq!(feb.plus(11).to_string(), "2025-01");
        assert_eq!(feb.months_to(feb.plus(14)), 14);
        assert_eq!(Month::from_key(feb.key()), Some(feb));
        assert_eq!(Month::last_ended_by(day("2024-03-31")).to_string(), "2024-03");
        assert_eq!(Month::last_ended_by(day("2024-03-30")).to_string(), "2024-02");
    }

    #[test]
    fn only_yyyy_mm_is_a_month() {
        for bad in ["2024-2", "2024-13", "2024-00", "24-02", "2024/02", "1899-12", "2024-02-01", ""] {
            assert!(bad.parse::<Month>().is_err(), "{bad}");
        }
    }
}

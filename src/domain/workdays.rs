//! Working days (DOMAIN §10): every "within N working days" rule counts days that are not a
//! Saturday or Sunday and not a holiday of the store's calendar, where a make-up working day
//! (调休: a weekend day worked in exchange for a holiday) counts as a working day.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

text_enum!(
    /// What a date of the holiday calendar is.
    DayKind, "day kind", {
        /// A public holiday: no work, whatever the weekday.
        Holiday => "holiday",
        /// A make-up working day (调休): a Saturday or Sunday worked.
        Workday => "workday",
    }
);

/// The store's holiday calendar: the dates that are not what their weekday says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    days: BTreeMap<NaiveDate, DayKind>,
}

/// A "within N working days" count never looks further than this many calendar days (a calendar
/// that calls every day a holiday must not loop for ever).
const MAX_SPAN_DAYS: i64 = 3_660;

impl WorkCalendar {
    pub fn new(days: impl IntoIterator<Item = (NaiveDate, DayKind)>) -> Self {
        WorkCalendar { days: days.into_iter().collect() }
    }

    /// Whether people work on `day`.
    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        match self.days.get(&day) {
            Some(DayKind::Holiday) => false,
            Some(DayKind::Workday) => true,
            None => !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// The `n`-th working day after `from` (`from` itself not counted): a review due "within 2
    /// working days" of a Friday's record is due on the Tuesday. `n = 0` is `from`.
    pub fn add_working_days(&self, from: NaiveDate, n: u32) -> NaiveDate {
        let mut day = from;
        let mut left = n;
        let mut steps = 0;
        while left > 0 && steps < MAX_SPAN_DAYS {
            day += Duration::days(1);
            steps += 1;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        day
    }

    /// Working days from `from` to `to`: the days after `from` up to and including `to` that are
    /// worked, negative when `to` is before `from` (days overdue). What a list's "days left" says.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (lo, hi, sign) = if to >= from { (from, to, 1) } else { (to, from, -1) };
        let span = (hi - lo).num_days().min(MAX_SPAN_DAYS);
        let worked = (1..=span).filter(|k| self.is_working_day(lo + Duration::days(*k))).count();
        sign * i64::try_from(worked).unwrap_or(i64::MAX)
    }

    /// The calendar's dates in order, with what each is.
    pub fn days(&self) -> impl Iterator<Item = (NaiveDate, DayKind)> + '_ {
        self.days.iter().map(|(d, k)| (*d, *k))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::domain::parse_date(s).expect("date")
    }

    /// 2026's Spring Festival as the State Council set it: 15–23 February off (a Sunday to a
    /// Monday), with Saturday 14 and Saturday 28 February worked in exchange.
    fn spring_festival() -> WorkCalendar {
        let mut days = vec![(d("2026-02-14"), DayKind::Workday), (d("2026-02-28"), DayKind::Workday)];
        days.extend((15..=23).map(|n| (d(&format!("2026-02-{n:02}")), DayKind::Holiday)));
        days.push((d("2026-01-01"), DayKind::Holiday));
        WorkCalendar::new(days)
    }

    #[test]
    fn working_days_skip_weekends_and_holidays_and_count_make_up_days() {
        let cal = spring_festival();
        // (from, n, due): each row one edge.
        let cases = [
            // Monday + 2: Wednesday.
            ("2026-03-02", 2, "2026-03-04"),
            // Thursday + 2 over a weekend: Monday.
            ("2026-03-05", 2, "2026-03-09"),
            // Friday + 2: Tuesday.
            ("2026-03-06", 2, "2026-03-10"),
            // A record made on a Saturday: Monday and Tuesday.
            ("2026-03-07", 2, "2026-03-10"),
            // Wednesday 31 December + 1: New Year's Day is a holiday, Friday 2 January.
            ("2025-12-31", 1, "2026-01-02"),
            // Thursday 12 February + 2: Friday 13, then Saturday 14 is a make-up working day.
            ("2026-02-12", 2, "2026-02-14"),
            // Friday 13 February + 2: the make-up Saturday, then the festival to Monday 23; Tuesday 24.
            ("2026-02-13", 2, "2026-02-24"),
            // Inside the festival: the first working days after it.
            ("2026-02-18", 1, "2026-02-24"),
            ("2026-02-18", 5, "2026-02-28"),
            // Ten working days after a due date, over the festival (the dunning notice's rule).
            ("2026-02-10", 10, "2026-03-02"),
            ("2026-03-02", 0, "2026-03-02"),
        ];
        for (from, n, due) in cases {
            assert_eq!(cal.add_working_days(d(from), n), d(due), "{from} + {n} working days");
        }
        // With no calendar, weekends only.
        let plain = WorkCalendar::default();
        assert_eq!(plain.add_working_days(d("2026-02-13"), 2), d("2026-02-17"));
        assert!(!plain.is_working_day(d("2026-02-14")) && cal.is_working_day(d("2026-02-14")));
        assert!(plain.is_working_day(d("2026-02-16")) && !cal.is_working_day(d("2026-02-16")));
    }

    #[test]
    fn working_days_between_two_dates_count_those_worked_after_the_first() {
        let cal = spring_festival();
        let cases = [
            ("2026-03-02", "2026-03-04", 2),
            ("2026-03-04", "2026-03-02", -2),
            ("2026-03-06", "2026-03-09", 1),
            ("2026-03-06", "2026-03-06", 0),
            ("2026-02-13", "2026-02-24", 2),
            ("2026-02-24", "2026-02-13", -2),
        ];
        for (from, to, n) in cases {
            assert_eq!(cal.working_days_between(d(from), d(to)), n, "{from} → {to}");
        }
        for (from, n) in [("2026-02-10", 10), ("2026-03-06", 2), ("2026-02-13", 7)] {
            let due = cal.add_working_days(d(from), n);
            assert_eq!(cal.working_days_between(d(from), due), i64::from(n), "{from} + {n}");
        }
    }

    #[test]
    fn a_calendar_of_holidays_only_ends() {
        let all =
            WorkCalendar::new((0..5_000).map(|k| (d("2026-01-01") + Duration::days(k), DayKind::Holiday)));
        let far = all.add_working_days(d("2026-01-01"), 2);
        assert_eq!((far - d("2026-01-01")).num_days(), MAX_SPAN_DAYS);
        assert_eq!(all.working_days_between(d("2026-01-01"), d("2030-01-01")), 0);
        assert_eq!(all.days().count(), 5_000);
    }
}

//! The holiday calendar (`holidays`, migration 0019): the dates that are not what their weekday
//! says, which every "within N working days" rule reads.

use super::Result;
use super::db::Db;
use super::row::{Cols, FromRow};
use crate::domain::workdays::DayKind;
use chrono::NaiveDate;

/// A date of the calendar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayRow {
    pub day: NaiveDate,
    pub kind: DayKind,
    pub name: Option<String>,
}

impl FromRow for HolidayRow {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(HolidayRow { day: c.day("day")?, kind: c.word("kind")?, name: c.get("name")? })
    }
}

/// The calendar's dates in order (a few dozen a year: read whole).
pub fn holidays<'a>(db: impl Into<Db<'a>>) -> Result<Vec<HolidayRow>> {
    db.into().rows("SELECT day, kind, name FROM holidays ORDER BY day", &[])
}

/// Replaces the calendar of each of `years` by `days`; how many dates the years held before.
pub fn replace_holiday_years<'a>(db: impl Into<Db<'a>>, years: &[i32], days: &[HolidayRow]) -> Result<u64> {
    let db = db.into();
    let mut removed = 0;
    for y in years {
        let (from, to) = (format!("{y:04}-01-01"), format!("{y:04}-12-31"));
        removed +=
            db.execute("DELETE FROM holidays WHERE day BETWEEN ?1 AND ?2", &[(&from).into(), (&to).into()])?;
    }
    for d in days {
        let day = d.day.to_string();
        db.execute(
            "INSERT INTO holidays (day, kind, name) VALUES (?1, ?2, ?3) \
             ON CONFLICT (day) DO UPDATE SET kind = excluded.kind, name = excluded.name",
            &[(&day).into(), d.kind.as_str().into(), d.name.as_deref().into()],
        )?;
    }
    Ok(removed)
}

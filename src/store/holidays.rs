//! The holiday calendar (`holidays`, migration 0019): the dates that are not what their weekday
//! says, which every "within N working days" rule reads.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::Result;
use super::row::{self, Cols, FromRow};
use crate::domain::workdays::DayKind;

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
pub fn holidays(conn: &Connection) -> Result<Vec<HolidayRow>> {
    row::all(&mut *conn.prepare_cached("SELECT day, kind, name FROM holidays ORDER BY day")?, [])
}

/// Replaces the calendar of each of `years` by `days`; how many dates the years held before.
pub fn replace_holiday_years(conn: &Connection, years: &[i32], days: &[HolidayRow]) -> Result<u64> {
    let mut removed = 0;
    for y in years {
        removed += conn
            .prepare_cached("DELETE FROM holidays WHERE day BETWEEN ?1 AND ?2")?
            .execute(params![format!("{y:04}-01-01"), format!("{y:04}-12-31")])?;
    }
    let mut insert =
        conn.prepare_cached("INSERT OR REPLACE INTO holidays (day, kind, name) VALUES (?1, ?2, ?3)")?;
    for d in days {
        insert.execute(params![d.day.to_string(), d.kind.as_str(), d.name])?;
    }
    Ok(removed as u64)
}

//! The holiday calendar every "within N working days" rule counts with (DOMAIN §10): listed by
//! `holidays list`, replaced a year at a time by `holidays import` (`import/holidays.rs`).

use crate::store::Db;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use super::{Desk, Result};
use crate::domain::workdays::{DayKind, WorkCalendar};
use crate::store;

/// A date of the calendar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HolidayView {
    pub date: NaiveDate,
    pub kind: DayKind,
    pub name: Option<String>,
}

/// The store's calendar, read whole (a few dozen dates a year).
pub(crate) fn calendar_of<'a>(conn: impl Into<Db<'a>>) -> Result<WorkCalendar> {
    let conn = conn.into();
    Ok(WorkCalendar::new(store::holidays(conn)?.into_iter().map(|h| (h.day, h.kind))))
}

impl Desk {
    /// The working-day calendar in force.
    pub fn calendar(&self) -> Result<WorkCalendar> {
        calendar_of(self.store.db())
    }

    /// The calendar's dates, of one year or all.
    pub fn holidays(&self, year: Option<i32>) -> Result<Vec<HolidayView>> {
        Ok(store::holidays(self.store.db())?
            .into_iter()
            .filter(|h| year.is_none_or(|y| h.day.year() == y))
            .map(|h| HolidayView { date: h.day, kind: h.kind, name: h.name })
            .collect())
    }
}

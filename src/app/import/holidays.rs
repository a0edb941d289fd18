//! The holidays file (CONTRACT.md "holidays CSV"): `date`, optional `kind` (`holiday`, the
//! default, or `workday` for a make-up working day) and `name`. Each year the file names is
//! replaced as a whole, so a corrected file for a year is imported again as it is.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate};

use super::checks::line_text;
use super::columns::Row;
use super::problems::{FieldErrors, Parsed, Problems};
use crate::app::Result;
use crate::domain::parse_date;
use crate::domain::workdays::DayKind;
use crate::store::HolidayRow;

#[derive(Debug)]
pub(super) struct HolidayLine {
    day: NaiveDate,
    kind: DayKind,
    name: Option<String>,
}

pub(super) fn parse_holiday_row(row: &Row<'_>) -> Parsed<HolidayLine> {
    Parsed { loan_ref: None, row: parse_holiday(row) }
}

fn parse_holiday(row: &Row<'_>) -> Result<HolidayLine, FieldErrors> {
    let mut e = FieldErrors::default();
    let day = e.take("date", row.required("date").and_then(parse_date));
    let kind = e.take("kind", row.get("kind").map_or(Ok(DayKind::Holiday), str::parse));
    let name = e.take("name", row.get("name").map(line_text).transpose());
    let (Some(day), Some(kind), Some(name)) = (day, kind, name) else { return Err(e) };
    Ok(HolidayLine { day, kind, name })
}

/// The dates of a file as they come, each once.
#[derive(Default)]
pub(super) struct HolidayImport {
    lines: BTreeMap<NaiveDate, u64>,
    pub(super) days: Vec<HolidayRow>,
}

impl HolidayImport {
    pub(super) fn row(&mut self, row: Parsed<HolidayLine>, line: u64, problems: &mut Problems) -> Result<()> {
        match row.row {
            Err(errors) => problems.add_row(line, errors),
            Ok(h) => match self.lines.insert(h.day, line) {
                Some(first) => problems.add(
                    line,
                    "date",
                    format!("'{}' is repeated: it is first on line {first}", h.day),
                ),
                None => self.days.push(HolidayRow { day: h.day, kind: h.kind, name: h.name }),
            },
        }
        Ok(())
    }

    /// The years the file covers.
    pub(super) fn years(&self) -> Vec<i32> {
        self.lines.keys().map(|d| d.year()).collect::<BTreeSet<_>>().into_iter().collect()
    }
}

//! One value of a snapshot row as the schedules' thread makes it: the fixed words and the dates
//! without a heap string each. A whole-book refresh makes a million rows on one thread and frees
//! them on the other, and freeing another thread's small strings was a third of the writing
//! thread's time (docs/BENCHMARKS.md).

use chrono::NaiveDate;
use rusqlite::types::Value;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Cell {
    Null,
    Int(i64),
    Word(&'static str),
    /// A date as the store keeps it, `YYYY-MM-DD`.
    Day([u8; 10]),
    Text(String),
}

impl Cell {
    pub(super) fn day(date: NaiveDate) -> Cell {
        use chrono::Datelike;
        let (y, m, d) = (date.year(), date.month(), date.day());
        if !(0..=9999).contains(&y) {
            return Cell::Text(date.to_string());
        }
        let y = y as u32;
        let digit = |n: u32| b'0' + (n % 10) as u8;
        Cell::Day([
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(d / 10),
            digit(d),
        ])
    }

    /// The integer, if the cell is one (else none: a null).
    pub(super) fn int(&self) -> Option<i64> {
        match self {
            Cell::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The text of a word, a day or a text; none for a null or an integer.
    pub(super) fn text(&self) -> Option<&str> {
        match self {
            Cell::Word(w) => Some(w),
            Cell::Day(d) => std::str::from_utf8(d).ok(),
            Cell::Text(t) => Some(t),
            Cell::Null | Cell::Int(_) => None,
        }
    }

    /// The value as a statement's slot takes it.
    pub(super) fn val(&self) -> crate::store::db::Val<'_> {
        use crate::store::db::Val;
        match self {
            Cell::Null => Val::Null,
            Cell::Int(n) => Val::Int(*n),
            Cell::Word(_) | Cell::Day(_) | Cell::Text(_) => self.text().map_or(Val::Null, Val::Text),
        }
    }

    /// Whether the store already holds this value.
    pub(super) fn is(&self, stored: &Value) -> bool {
        match (self, stored) {
            (Cell::Null, Value::Null) => true,
            (Cell::Int(a), Value::Integer(b)) => a == b,
            (Cell::Word(a), Value::Text(b)) => a == b,
            (Cell::Day(a), Value::Text(b)) => a.as_slice() == b.as_bytes(),
            (Cell::Text(a), Value::Text(b)) => a == b,
            _ => false,
        }
    }
}

impl rusqlite::ToSql for Cell {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Cell::Null => ValueRef::Null,
            Cell::Int(n) => ValueRef::Integer(*n),
            Cell::Word(w) => ValueRef::Text(w.as_bytes()),
            Cell::Day(d) => ValueRef::Text(d),
            Cell::Text(t) => ValueRef::Text(t.as_bytes()),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_cell_is_the_text_the_store_keeps() {
        for (y, m, d) in
            [(2026, 3, 1), (1999, 12, 31), (999, 1, 9), (0, 1, 1), (9999, 12, 31), (10_000, 1, 1)]
        {
            let date = NaiveDate::from_ymd_opt(y, m, d).expect("date");
            let cell = Cell::day(date);
            assert!(cell.is(&Value::Text(date.to_string())), "{date}: {cell:?}");
            assert!(!cell.is(&Value::Text("2026-03-02".into())), "{date}");
            let out = rusqlite::ToSql::to_sql(&cell).expect("to sql");
            let rusqlite::types::ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(bytes)) = out else {
                panic!("{out:?}")
            };
            assert_eq!(bytes, date.to_string().as_bytes());
        }
    }

    #[test]
    fn cells_match_stored_values_of_their_own_kind_only() {
        assert!(Cell::Int(5).is(&Value::Integer(5)));
        assert!(!Cell::Int(5).is(&Value::Text("5".into())));
        assert!(Cell::Word("active").is(&Value::Text("active".into())));
        assert!(!Cell::Null.is(&Value::Text(String::new())));
        assert!(Cell::Null.is(&Value::Null));
    }
}

//! Reading a statement's rows into records: a record that is read from rows says how in one
//! `FromRow::read`, taking the columns one after the other by name. Builds with debug assertions
//! (the tests) check each name against the statement's column, so a reader out of step with its
//! statement fails on its first row; a release build reads by position and pays nothing for it.

use std::fmt::Display;
use std::str::FromStr;

use chrono::NaiveDate;
use rusqlite::types::FromSql;
use rusqlite::{Params, Row, Statement};

use super::{Result, StoreError};
use crate::domain::{LoanTerms, Money, Rate};

/// A value the store holds that does not read as what it should be.
pub(crate) fn corrupt<E: Display>(what: &str) -> impl FnOnce(E) -> StoreError + '_ {
    move |e| StoreError::Corrupt(format!("{what}: {e}"))
}

/// The row a record is read from: a SQLite statement's, or the server's.
enum Source<'r, 's> {
    File(&'r Row<'s>),
    Server(&'r postgres::Row),
}

/// The columns of one row, taken in the order the statement selects them.
pub(crate) struct Cols<'r, 's> {
    row: Source<'r, 's>,
    next: usize,
}

impl<'r, 's> Cols<'r, 's> {
    pub(crate) fn new(row: &'r Row<'s>) -> Self {
        Cols { row: Source::File(row), next: 0 }
    }

    pub(crate) fn server(row: &'r postgres::Row) -> Self {
        Cols { row: Source::Server(row), next: 0 }
    }

    /// The next column, which the statement names `name` (its column, or its `AS` name).
    pub(crate) fn get<T: Readable>(&mut self, name: &str) -> Result<T> {
        let at = self.next;
        match self.row {
            Source::File(row) => debug_assert_eq!(
                row.as_ref().column_name(at).ok(),
                Some(name),
                "column {at} of {:?}",
                row.as_ref().expanded_sql()
            ),
            Source::Server(row) => {
                debug_assert_eq!(row.columns().get(at).map(|c| c.name()), Some(name), "column {at}");
            }
        }
        self.any()
    }

    /// The next column, whatever its name.
    pub(crate) fn any<T: Readable>(&mut self) -> Result<T> {
        let at = self.next;
        self.next += 1;
        match self.row {
            Source::File(row) => Ok(row.get(at)?),
            Source::Server(row) => T::from_server(row, at),
        }
    }

    pub(crate) fn day(&mut self, name: &str) -> Result<NaiveDate> {
        parse_day(&self.get::<String>(name)?)
    }

    pub(crate) fn opt_day(&mut self, name: &str) -> Result<Option<NaiveDate>> {
        self.get::<Option<String>>(name)?.as_deref().map(parse_day).transpose()
    }

    /// Integer cents.
    pub(crate) fn money(&mut self, name: &str) -> Result<Money> {
        Ok(Money::from_cents(self.get(name)?))
    }

    /// A word stored as text (a stage, a kind, a status).
    pub(crate) fn word<T: FromStr<Err: Display>>(&mut self, name: &str) -> Result<T> {
        self.get::<String>(name)?.parse().map_err(corrupt(name))
    }

    pub(crate) fn opt_word<T: FromStr<Err: Display>>(&mut self, name: &str) -> Result<Option<T>> {
        self.get::<Option<String>>(name)?.map(|w| w.parse().map_err(corrupt(name))).transpose()
    }

    /// A manual class: the columns `manual_class`, `manual_class_from`, `manual_class_until`.
    pub(crate) fn manual_class(&mut self) -> Result<Option<crate::domain::ManualClass>> {
        let class = self.opt_word("manual_class")?;
        let (from, until) = (self.opt_day("manual_class_from")?, self.opt_day("manual_class_until")?);
        Ok(class.zip(from).map(|(class, from)| crate::domain::ManualClass { class, from, until }))
    }

    /// A loan's terms: the columns `product`, `principal_cents`, `rate_e4`, `term_months`,
    /// `disbursed_on`, in that order.
    pub(crate) fn terms(&mut self) -> Result<LoanTerms> {
        Ok(LoanTerms {
            product: self.word("product")?,
            principal: self.money("principal_cents")?,
            rate: Rate::from_e4(self.get("rate_e4")?),
            term_months: self.get("term_months")?,
            disbursed_on: self.day("disbursed_on")?,
        })
    }
}

/// A value read from a column on either backend: SQLite's conversion, and the server's for the
/// same stored form (integers as `BIGINT`, flags as 0 or 1, days and words as text).
pub(crate) trait Readable: FromSql + Sized {
    fn from_server(row: &postgres::Row, at: usize) -> Result<Self>;
}

fn server_value<T: for<'a> postgres::types::FromSql<'a>>(row: &postgres::Row, at: usize) -> Result<T> {
    Ok(row.try_get(at)?)
}

macro_rules! readable_as_is {
    ($($t:ty),*) => {$(
        impl Readable for $t {
            fn from_server(row: &postgres::Row, at: usize) -> Result<Self> {
                server_value(row, at)
            }
        }
        impl Readable for Option<$t> {
            fn from_server(row: &postgres::Row, at: usize) -> Result<Self> {
                server_value(row, at)
            }
        }
    )*};
}
readable_as_is!(String);

/// An integer: the store's are `BIGINT`, a literal in a statement is the server's `INT4`.
impl Readable for Option<i64> {
    fn from_server(row: &postgres::Row, at: usize) -> Result<Self> {
        if row.columns().get(at).is_some_and(|c| *c.type_() == postgres::types::Type::INT4) {
            return Ok(server_value::<Option<i32>>(row, at)?.map(i64::from));
        }
        server_value(row, at)
    }
}

impl Readable for i64 {
    fn from_server(row: &postgres::Row, at: usize) -> Result<Self> {
        Option::<i64>::from_server(row, at)?
            .ok_or_else(|| StoreError::Corrupt(format!("column {at}: no value where one is stored")))
    }
}

/// Integers narrower than the server's `BIGINT`, and ids, read from it.
macro_rules! readable_from_i64 {
    ($($t:ty => $make:expr),*) => {$(
        impl Readable for $t {
            fn from_server(row: &postgres::Row, at: usize) -> Result<Self> {
                let wide: i64 = server_value(row, at)?;
                #[allow(clippy::redundant_closure_call)]
                ($make)(wide).ok_or_else(|| StoreError::Corrupt(format!("column {at}: {wide} out of range")))
            }
        }
        impl Readable for Option<$t> {
            fn from_server(row: &postgres::Row, at: usize) -> Result<Self> {
                let wide: Option<i64> = server_value(row, at)?;
                wide.map(|w| {
                    #[allow(clippy::redundant_closure_call)]
                    ($make)(w).ok_or_else(|| StoreError::Corrupt(format!("column {at}: {w} out of range")))
                })
                .transpose()
            }
        }
    )*};
}
/// A value as the file keeps it, whatever its kind: the server's integers, flags and text read
/// into the same (a row compared cell by cell with what is written next).
impl Readable for rusqlite::types::Value {
    fn from_server(row: &postgres::Row, at: usize) -> Result<Self> {
        use postgres::types::Type;
        use rusqlite::types::Value;
        let ty = row.columns().get(at).map(|c| c.type_().clone());
        Ok(match ty {
            Some(Type::INT8) => server_value::<Option<i64>>(row, at)?.map_or(Value::Null, Value::Integer),
            Some(Type::INT4) => {
                server_value::<Option<i32>>(row, at)?.map_or(Value::Null, |n| Value::Integer(n.into()))
            }
            Some(Type::BOOL) => {
                server_value::<Option<bool>>(row, at)?.map_or(Value::Null, |b| Value::Integer(b.into()))
            }
            _ => server_value::<Option<String>>(row, at)?.map_or(Value::Null, Value::Text),
        })
    }
}

/// A flag: stored as 0 or 1, and what a comparison or `EXISTS` gives (the server's `BOOL`).
impl Readable for bool {
    fn from_server(row: &postgres::Row, at: usize) -> Result<Self> {
        if row.columns().get(at).is_some_and(|c| *c.type_() == postgres::types::Type::BOOL) {
            return server_value(row, at);
        }
        Ok(server_value::<i64>(row, at)? != 0)
    }
}

impl Readable for Option<bool> {
    fn from_server(row: &postgres::Row, at: usize) -> Result<Self> {
        if row.columns().get(at).is_some_and(|c| *c.type_() == postgres::types::Type::BOOL) {
            return server_value(row, at);
        }
        Ok(server_value::<Option<i64>>(row, at)?.map(|w| w != 0))
    }
}

readable_from_i64!(
    i32 => |w: i64| i32::try_from(w).ok(),
    u32 => |w: i64| u32::try_from(w).ok(),
    crate::store::UserId => |w: i64| Some(crate::store::UserId(w)),
    crate::store::LoanId => |w: i64| Some(crate::store::LoanId(w)),
    crate::store::CustomerId => |w: i64| Some(crate::store::CustomerId(w))
);

/// A record read from one row of its statement.
pub(crate) trait FromRow: Sized {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self>;

    fn from_row(row: &Row<'_>) -> Result<Self> {
        Self::read(&mut Cols::new(row))
    }
}

/// One column, whatever its name (a statement's rows handed over one by one, `Db::each`).
impl<A: Readable> FromRow for (A,) {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok((c.any()?,))
    }
}

/// Two columns, whatever their names.
impl<A: Readable, B: Readable> FromRow for (A, B) {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok((c.any()?, c.any()?))
    }
}

/// Three columns, whatever their names.
impl<A: Readable, B: Readable, C: Readable> FromRow for (A, B, C) {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok((c.any()?, c.any()?, c.any()?))
    }
}

/// Four columns, whatever their names.
impl<A: Readable, B: Readable, C: Readable, D: Readable> FromRow for (A, B, C, D) {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok((c.any()?, c.any()?, c.any()?, c.any()?))
    }
}

/// Every row the statement gives for `params`, read as `T`.
pub(crate) fn all<T: FromRow>(stmt: &mut Statement<'_>, params: impl Params) -> Result<Vec<T>> {
    let mut rows = stmt.query(params)?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(T::from_row(r)?);
    }
    Ok(out)
}

/// The first row the statement gives for `params`, if any, read as `T`.
pub(crate) fn first<T: FromRow>(stmt: &mut Statement<'_>, params: impl Params) -> Result<Option<T>> {
    let mut rows = stmt.query(params)?;
    rows.next()?.map(T::from_row).transpose()
}

/// A stored date (`YYYY-MM-DD`).
pub(crate) fn parse_day(s: &str) -> Result<NaiveDate> {
    // The stored form, read by hand: a refresh parses every payment date of the book.
    let b = s.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let num = |r: std::ops::Range<usize>| {
            b[r].iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
        };
        if let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10))
            && let Some(day) = i32::try_from(y).ok().and_then(|y| NaiveDate::from_ymd_opt(y, m, d))
        {
            return Ok(day);
        }
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| StoreError::Corrupt(format!("bad date '{s}'")))
}

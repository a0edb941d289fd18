//! Reading a statement's rows into records: a record that is read from rows says how in one
//! `FromRow::read`, taking the columns one after the other by name. Builds with debug assertions
//! (the tests) check each name against the statement's column, so a reader out of step with its
//! statement fails on its first row; a release build reads by position and pays nothing for it.

use std::fmt::Display;
use std::str::FromStr;

use chrono::NaiveDate;
use rusqlite::types::FromSql;
use rusqlite::{Params, Row, Statement};

use super::settings::parse_day;
use super::{Result, StoreError};
use crate::domain::{LoanTerms, Money, Rate};

/// A value the store holds that does not read as what it should be.
pub(crate) fn corrupt<E: Display>(what: &str) -> impl FnOnce(E) -> StoreError + '_ {
    move |e| StoreError::Corrupt(format!("{what}: {e}"))
}

/// The columns of one row, taken in the order the statement selects them.
pub(crate) struct Cols<'r, 's> {
    row: &'r Row<'s>,
    next: usize,
}

impl<'r, 's> Cols<'r, 's> {
    pub(crate) fn new(row: &'r Row<'s>) -> Self {
        Cols { row, next: 0 }
    }

    /// The next column, which the statement names `name` (its column, or its `AS` name).
    pub(crate) fn get<T: FromSql>(&mut self, name: &str) -> Result<T> {
        let at = self.next;
        self.next += 1;
        debug_assert_eq!(
            self.row.as_ref().column_name(at).ok(),
            Some(name),
            "column {at} of {:?}",
            self.row.as_ref().expanded_sql()
        );
        Ok(self.row.get(at)?)
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

/// A record read from one row of its statement.
pub(crate) trait FromRow: Sized {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self>;

    fn from_row(row: &Row<'_>) -> Result<Self> {
        Self::read(&mut Cols::new(row))
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

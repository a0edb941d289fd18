//! A month-end recomputed from the ledger and recorded a page a transaction: the ledger walked on
//! a reading connection of its own (one view of the book for the whole walk, so the pages that
//! commit meanwhile on the store's connection, and other desks' writes, do not move under it).

use std::collections::HashSet;

use super::month_end::{captured_through, watched_on, write_sources};
use super::month_rows::side_reader;
use super::state::{StateAt, month_end_walk};
use super::{Result, Store};
use crate::domain::AssessRules;
use crate::domain::report::Month;

impl Store {
    /// Records the rows of the month-end of `month` computed from the ledger, on from where a
    /// stopped capture left off, `page` loans a transaction; `progress` gets the rows written so
    /// far. Returns the loans walked.
    pub fn capture_from_ledger(
        &mut self,
        month: Month,
        rules: &AssessRules,
        page: usize,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64> {
        let Some(path) = self.path.clone() else {
            // A store in memory has no second connection: one transaction.
            return self.write(|tx| capture_from_ledger_in(tx, month, rules, page));
        };
        let (after, watched, at) = begun(self.db(), month, rules)?;
        let reader = side_reader(&path)?;
        let mut written = 0u64;
        month_end_walk(&reader, month, rules, after, page, &mut |rows| {
            self.write(|tx| write_sources(tx, &at, month, &watched, rows))?;
            written += rows.len() as u64;
            progress(written);
            Ok(())
        })
    }
}

/// `Store::capture_from_ledger` inside a transaction the caller holds (the demo's making).
pub fn capture_from_ledger_in<'a>(
    db: impl Into<super::Db<'a>>,
    month: Month,
    rules: &AssessRules,
    page: usize,
) -> Result<u64> {
    let db = db.into();
    let (after, watched, at) = begun(db, month, rules)?;
    month_end_walk(db, month, rules, after, page, &mut |rows| write_sources(db, &at, month, &watched, rows))
}

/// Where a capture of `month` goes on from (the last loan recorded), who was on the watchlist that
/// day (history, unchanged by what the capture writes), and the day its rows are derived for.
fn begun<'a>(
    db: impl Into<super::Db<'a>>,
    month: Month,
    rules: &AssessRules,
) -> Result<(i64, HashSet<i64>, StateAt)> {
    let db = db.into();
    let after = captured_through(db, month)?;
    let watched = watched_on(db, month.last_day())?;
    Ok((after, watched, StateAt::scratch(month.last_day(), *rules)))
}

//! The loan lists: which snapshot answers for the desk's date (rolling the shared one forward to
//! today on the day's first look), the list's question, its pages and counts.

use chrono::NaiveDate;

use super::summary::LoanSummary;
use crate::app::search::SearchNote;
use crate::app::{AppError, Desk, Result};
use crate::domain::search;
use crate::domain::{LoanStatus, Role, Stage};
use crate::store::{self, LoanFilter, StateTable};

/// A page of a list, how many loans the list holds (when asked), and what came of its search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPage {
    pub rows: Vec<LoanSummary>,
    pub total: Option<u64>,
    pub search: Option<SearchNote>,
}

/// The list orders of CONTRACT's `--sort`.
pub use crate::store::SortKey;

/// The loan list's question: filters by name as the user gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoanQuery {
    pub stage: Option<Stage>,
    pub status: Option<LoanStatus>,
    pub assignee: Option<String>,
    pub dpd_min: Option<i64>,
    pub due_within: Option<i64>,
    pub due_soon: bool,
    pub search: Option<String>,
    /// A search matching more loans than this lists none and says so (the desk's, whose list
    /// must answer a key at once on a million loans); none: every match (the command line).
    pub search_cap: Option<u64>,
    /// Active promises due today first (the collector's queue).
    pub promises_first: bool,
    pub sort: SortKey,
    pub limit: Option<u64>,
    pub offset: u64,
}

/// The last day of `--due-within N`: no date after the calendar's last year (DOMAIN §2), so a
/// large N asks for everything due from the as-of date on.
fn due_within_end(as_of: NaiveDate, days: i64) -> NaiveDate {
    let last = NaiveDate::from_ymd_opt(2199, 12, 31).unwrap_or(NaiveDate::MAX);
    u64::try_from(days)
        .ok()
        .and_then(|d| as_of.checked_add_days(chrono::Days::new(d)))
        .map_or(last, |end| end.min(last))
}

impl Desk {
    /// Which snapshot answers questions as of the desk's date: the shared one when it is for that
    /// date, else a private scratch copy computed now (the shared date is not moved).
    pub fn state_table(&mut self, progress: &mut dyn FnMut(u64)) -> Result<StateTable> {
        let shared = store::snapshot_as_of(self.store.conn())?;
        if shared == Some(self.as_of) {
            return Ok(StateTable::Shared);
        }
        // The branch's book moves forward to today on the day's first use, for every desk: the
        // figures the nightly run would write. Never backwards, never into the future, never by a
        // login that is not a desk user; a desk that finds another one rolling it answers privately.
        let (as_of, rules) = (self.as_of, self.rules);
        // A read never waits for a bulk load: while one holds the store the answer is private.
        if shared.is_none_or(|d| d < as_of)
            && as_of <= self.now.date_naive()
            && self.actor.role().is_some()
            && self.store.load_running().is_none()
        {
            let rolled = self.store.write(|tx| -> store::Result<()> {
                if store::snapshot_as_of(tx)?.is_none_or(|d| d < as_of) {
                    store::refresh_all(tx, StateTable::Shared, as_of, &rules, progress)?;
                }
                Ok(())
            });
            match rolled {
                Ok(()) => return Ok(StateTable::Shared),
                Err(e) if e.is_busy() => {}
                Err(e) => return Err(e.into()),
            }
        }
        if !self.store.scratch_is_current(as_of)? {
            self.store.refresh_scratch(as_of, &rules, progress)?;
        }
        Ok(StateTable::Scratch)
    }

    fn filter_for(&self, q: &LoanQuery) -> Result<LoanFilter> {
        let assignee = match q.assignee.as_deref() {
            Some(login) => Some(
                store::user_by_login(self.store.conn(), login)?
                    .ok_or_else(|| AppError::Input(format!("unknown desk user '{login}'")))?
                    .id,
            ),
            None => None,
        };
        if let Some(n) = q.due_within.filter(|n| *n < 0) {
            return Err(AppError::Input(format!("--due-within {n}: give a number of days, 0 or more")));
        }
        Ok(LoanFilter {
            stage: q.stage,
            status: q.status,
            assignee,
            dpd_min: q.dpd_min,
            next_due_between: q.due_within.map(|n| (self.as_of, due_within_end(self.as_of, n))),
            due_soon: q.due_soon,
            search: q.search.clone(),
            search_phones: q.search.is_some() && self.searches_phones()?,
            promises_first: q.promises_first.then_some(self.as_of),
            promise_due: None,
        })
    }

    /// The loan list as of the desk's date.
    pub fn list_loans(&mut self, q: &LoanQuery, progress: &mut dyn FnMut(u64)) -> Result<Vec<LoanSummary>> {
        Ok(self.list_page(q, false, progress)?.rows)
    }

    /// A page of the loan list and, with `want_total`, how many loans the list holds (the desk's
    /// list asks both on its first page; counts and a search's matches are kept until the store
    /// changes, so the next pages and a sort change do not find them again).
    pub fn list_page(
        &mut self,
        q: &LoanQuery,
        want_total: bool,
        progress: &mut dyn FnMut(u64),
    ) -> Result<ListPage> {
        let filter = self.filter_for(q)?;
        let typed = filter.search.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let note = typed
            .map(|t| SearchNote { phone: search::query(t, filter.search_phones).phone, too_broad: None });
        if let (Some(t), Some(cap), Some(mut note)) = (typed, q.search_cap, note.clone())
            && self.store.search_terms_upto(&search::query(t, filter.search_phones), cap + 1)? > cap
        {
            note.too_broad = Some(cap);
            self.note_search(typed, None)?;
            return Ok(ListPage { rows: Vec::new(), total: Some(0), search: Some(note) });
        }
        let table = self.state_table(progress)?;
        let (rows, total) = self.store.list_page(table, &filter, q.sort, q.limit, q.offset, want_total)?;
        // A list asked without its count (the command line) found the rows it lists.
        let found = total.or_else(|| q.limit.is_none().then_some(rows.len() as u64));
        self.note_search(typed, found)?;
        let worked_by = self.worked_by()?;
        // The page's loans with an inspection overdue: an index lookup each, for the lists' mark.
        let ids: Vec<store::LoanId> = rows.iter().map(|r| r.loan_id).collect();
        let late = store::overdue_among(self.store.conn(), &ids, self.as_of)?;
        let mut rows: Vec<LoanSummary> = rows
            .into_iter()
            .map(|r| {
                let by = worked_by.get(&r.loan_id).cloned();
                let inspection_overdue = late.contains(&r.loan_id);
                LoanSummary { worked_by: by, inspection_overdue, ..LoanSummary::from(r) }
            })
            .collect();
        self.mask_rows(&mut rows)?;
        Ok(ListPage { rows, total, search: note })
    }

    /// How many loans the list's question matches (limit and offset aside).
    pub fn count_loans(&mut self, q: &LoanQuery) -> Result<u64> {
        let filter = self.filter_for(q)?;
        let table = self.state_table(&mut |_| {})?;
        Ok(self.store.count_loans(table, &filter)?)
    }

    /// Recomputes the shared snapshot as of the desk's date (the nightly roll of the book).
    pub fn refresh(&mut self, progress: &mut dyn FnMut(u64)) -> Result<u64> {
        self.actor.require(Role::Collector, "refreshing the book")?;
        let (as_of, rules, inspections) = (self.as_of, self.rules, self.policy.inspections);
        self.store.write(|tx| -> Result<u64> {
            let n = store::refresh_all(tx, StateTable::Shared, as_of, &rules, progress)?;
            crate::app::inspect::sync_schedule(tx, &inspections)?;
            Ok(n)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_due_within_past_the_calendar_ends_on_its_last_day() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).expect("date");
        assert_eq!(due_within_end(day(2026, 3, 1), 3), day(2026, 3, 4));
        assert_eq!(due_within_end(day(2026, 3, 1), 100_000_000), day(2199, 12, 31));
        assert_eq!(due_within_end(day(2026, 3, 1), i64::MAX), day(2199, 12, 31));
    }
}

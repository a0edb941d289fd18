//! The loan lists: which snapshot answers for the desk's date (rolling the shared one forward to
//! today on the day's first look), the list's question, its pages and counts.

use chrono::NaiveDate;

use super::summary::LoanSummary;
use crate::app::search::SearchNote;
use crate::app::{AppError, Desk, Result};
use crate::domain::search;
use crate::domain::{LoanStatus, Role, Stage};
use crate::store::{self, LoanFilter, SnapshotFor, StateAt, StateTable};

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
    /// Only loans whose warning level (their highest open signal) is this one.
    pub warning: Option<crate::domain::warning::Level>,
    /// Only loans of customers on the watchlist.
    pub watched: bool,
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
    /// Which snapshot answers questions as of the desk's date: the shared one when its rows hold
    /// on that date, else a private scratch copy computed now (the shared date is not moved back).
    pub fn state_table(&mut self, progress: &mut dyn FnMut(u64)) -> Result<StateAt> {
        let (on, rules) = (self.as_of, self.rules);
        let shared = StateAt::shared(on, rules);
        match store::snapshot_for(self.store.db(), on)? {
            SnapshotFor::Holds => return Ok(shared),
            SnapshotFor::Ahead => {}
            // The branch's book moves forward to today on the day's first use, for every desk: the
            // rows the day changed (`roll`). Never backwards, never into the future, never by a
            // login that is not a desk user. A terminal desk rolls on a second connection while its
            // lists read the standing rows (`roll_elsewhere`), and asks again when it is done. Any
            // other question wants its answer exact now, and the rows that stop holding by the
            // date (an installment fell due, a promise's grace ended) are exact only once rolled:
            // it rolls, or, while a bulk load or another desk holds the store, answers privately.
            // A read never waits for a load, nor takes the write lock beside one.
            SnapshotFor::Behind | SnapshotFor::Missing if self.may_roll() => {
                if self.roll_elsewhere {
                    return Ok(shared);
                }
                match self.roll_unless_loading(&mut |done, _| progress(done)) {
                    Ok(Some(_)) => return Ok(shared),
                    Ok(None) => {}
                    Err(AppError::Store(e)) if e.is_busy() => {}
                    Err(e) => return Err(e),
                }
            }
            SnapshotFor::Behind | SnapshotFor::Missing => {}
        }
        if !self.store.scratch_is_current(on)? {
            self.store.refresh_scratch(on, &rules, progress)?;
        }
        Ok(StateAt::scratch(on, rules))
    }

    /// Whether this desk moves the shared book to its date: a desk user's, for a date not after
    /// the clock's today. On a server the shared snapshot is written by the run and the
    /// supervisors' desks (a collector's role may write only its own cases' rows there,
    /// migration 0033): a collector's desk on a day the book has not been rolled to reads a
    /// private copy, as for another date.
    fn may_roll(&self) -> bool {
        let Some(role) = self.actor.role() else { return false };
        let may = !self.store.on_server() || role >= Role::Supervisor || self.owns_book;
        may && self.as_of <= self.now.date_naive()
    }

    /// Whether the shared book must be rolled forward before it holds on the desk's date, and this
    /// desk may do it (the terminal desk then asks for `roll` beside its lists).
    pub fn roll_due(&self) -> Result<bool> {
        Ok(self.may_roll()
            && match store::snapshot_for(self.store.db(), self.as_of)? {
                SnapshotFor::Behind => true,
                SnapshotFor::Missing => self.loan_count()? > 0,
                SnapshotFor::Holds | SnapshotFor::Ahead => false,
            })
    }

    /// Rolls the shared snapshot forward to the desk's date: the rows that stop holding by then,
    /// a short transaction a batch (or, for a store that has none, the whole book at once),
    /// waiting for a bulk load as any write. `progress` gets the rows done and the rows to do.
    /// How many rows were recomputed.
    pub fn roll(&mut self, progress: &mut dyn FnMut(u64, u64)) -> Result<u64> {
        Ok(self.roll_with(progress, false)?.unwrap_or(0))
    }

    /// `roll` for a read: stopped (`None`) when a bulk load holds the store.
    fn roll_unless_loading(&mut self, progress: &mut dyn FnMut(u64, u64)) -> Result<Option<u64>> {
        self.roll_with(progress, true)
    }

    fn roll_with(&mut self, progress: &mut dyn FnMut(u64, u64), unless_loading: bool) -> Result<Option<u64>> {
        let (on, rules) = (self.as_of, self.rules);
        match store::snapshot_for(self.store.db(), on)? {
            SnapshotFor::Missing => {
                let total = u64::try_from(self.loan_count()?).unwrap_or(0);
                let all = |tx: store::Db<'_>| {
                    store::refresh_all(tx, StateTable::Shared, on, &rules, &mut |n| progress(n, total))
                };
                Ok(if unless_loading {
                    self.store.write_unless_loading(all)?
                } else {
                    Some(self.store.write(all)?)
                })
            }
            SnapshotFor::Behind if unless_loading => {
                Ok(self.store.roll_unless_loading(on, &rules, progress)?)
            }
            SnapshotFor::Behind => Ok(Some(self.store.roll_to(on, &rules, progress)?)),
            SnapshotFor::Holds | SnapshotFor::Ahead => Ok(Some(0)),
        }
    }

    fn filter_for(&self, q: &LoanQuery) -> Result<LoanFilter> {
        let assignee = match q.assignee.as_deref() {
            Some(login) => Some(
                store::user_by_login(self.store.db(), login)?
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
            warning: q.warning,
            watched: q.watched,
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
        let at = self.state_table(progress)?;
        let (rows, total) = self.store.list_page(at, &filter, q.sort, q.limit, q.offset, want_total)?;
        // A list asked without its count (the command line) found the rows it lists.
        let found = total.or_else(|| q.limit.is_none().then_some(rows.len() as u64));
        self.note_search(typed, found)?;
        let worked_by = self.worked_by()?;
        // The page's loans with an inspection overdue: an index lookup each, for the lists' mark.
        let ids: Vec<store::LoanId> = rows.iter().map(|r| r.loan_id).collect();
        let late = store::overdue_among(self.store.db(), &ids, self.as_of)?;
        let mut rows: Vec<LoanSummary> = rows
            .into_iter()
            .map(|r| {
                let by = worked_by.get(&r.loan_id).cloned();
                let inspection_overdue = late.contains(&r.loan_id);
                LoanSummary { worked_by: by, inspection_overdue, ..LoanSummary::from(r) }
            })
            .collect();
        let risk = store::risk_facts(self.store.db(), &ids, &at)?;
        for (row, id) in rows.iter_mut().zip(&ids) {
            if let Some(f) = risk.get(id) {
                row.with_risk(f);
            }
        }
        self.mask_rows(&mut rows)?;
        Ok(ListPage { rows, total, search: note })
    }

    /// How many loans the list's question matches (limit and offset aside).
    pub fn count_loans(&mut self, q: &LoanQuery) -> Result<u64> {
        let filter = self.filter_for(q)?;
        let at = self.state_table(&mut |_| {})?;
        Ok(self.store.count_loans(at, &filter)?)
    }

    /// Recomputes the whole shared snapshot as of the desk's date, every row from its ledger (a
    /// repair: a new day's rows are brought forward by `roll`).
    pub fn refresh(&mut self, progress: &mut dyn FnMut(u64)) -> Result<u64> {
        self.actor.require(Role::Supervisor, "refreshing the book")?;
        let (as_of, rules, inspections) = (self.as_of, self.rules, self.policy.inspections);
        let n = self.store.write(|tx| -> Result<u64> {
            let n = store::refresh_all(tx, StateTable::Shared, as_of, &rules, progress)?;
            crate::app::inspect::sync_schedule(tx, &inspections, &store::StateAt::shared(as_of, rules))?;
            Ok(n)
        })?;
        let policy = self.policy.clone();
        self.warnings_pass(&policy, &mut |_| {})?;
        Ok(n)
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

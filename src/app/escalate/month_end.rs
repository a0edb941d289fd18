//! The month-ends a run passes (DOMAIN §11): before the run rolls the book to its own date, each
//! month-end since the last one recorded is captured as the book stood that day — the shared
//! snapshot rolled to the month-end first where it has not passed it yet, else recomputed from
//! the ledger as of that day — a page a transaction, so a stopped run is finished by the next.

use chrono::NaiveDate;

use super::super::{Desk, Result};
use crate::domain::AssessRules;
use crate::domain::report::Month;
use crate::store::{self, SnapshotFor, StateAt, StateTable};

/// Loans whose month-end rows are written per transaction.
pub const CAPTURE_BATCH: u32 = 20_000;

/// How a month-end came to be recorded.
pub const BY_RUN: &str = "run";
pub const BY_CAPTURE: &str = "capture";

/// The month-ends a run for `as_of` records: each after the latest recorded up to the last one on
/// or before `as_of`; on a store with none yet, only that last one.
pub(crate) fn months_due(last: Option<Month>, as_of: NaiveDate) -> Vec<Month> {
    let target = Month::last_ended_by(as_of);
    let mut m = last.map_or(target, Month::next);
    let mut out = Vec::new();
    while m <= target {
        out.push(m);
        m = m.next();
    }
    out
}

impl Desk {
    /// Records the month-ends a run for `as_of` passes that end by `through`, from the shared
    /// snapshot rolled forward to each (or a scratch copy for one the snapshot has already
    /// passed). Returns those recorded.
    pub(super) fn capture_passed_month_ends(
        &mut self,
        as_of: NaiveDate,
        through: NaiveDate,
        rules: &AssessRules,
        actor: &str,
        progress: &mut dyn FnMut(&'static str, u64),
    ) -> Result<Vec<Month>> {
        let last = store::last_month_end(self.store.db())?;
        let mut done = Vec::new();
        for month in months_due(last, as_of).into_iter().filter(|m| m.last_day() <= through) {
            if store::month_end_info(self.store.db(), month)?.is_some() {
                continue;
            }
            let end = month.last_day();
            let phase = super::RunPhase::Refresh.as_str();
            let at = match store::snapshot_for(self.store.db(), end)? {
                SnapshotFor::Holds => StateAt::shared(end, *rules),
                SnapshotFor::Behind => {
                    self.store.roll_to(end, rules, &mut |n, _| progress(phase, n))?;
                    StateAt::shared(end, *rules)
                }
                SnapshotFor::Missing => {
                    self.store.write(|tx| {
                        store::refresh_all(tx, StateTable::Shared, end, rules, &mut |n| progress(phase, n))
                    })?;
                    StateAt::shared(end, *rules)
                }
                SnapshotFor::Ahead => {
                    self.capture_from_ledger(month, rules, actor, &mut |n| {
                        progress(super::RunPhase::MonthEnd.as_str(), n)
                    })?;
                    done.push(month);
                    continue;
                }
            };
            self.capture_from(&at, month, BY_RUN, actor, &mut |n| {
                progress(super::RunPhase::MonthEnd.as_str(), n)
            })?;
            done.push(month);
        }
        Ok(done)
    }

    /// Writes a month-end's rows from a snapshot holding for it, on from where a stopped capture
    /// left off, then marks it complete. Returns the loans recorded.
    pub(crate) fn capture_from(
        &mut self,
        at: &StateAt,
        month: Month,
        source: &str,
        actor: &str,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64> {
        let mut after = store::captured_through(self.store.db(), month)?;
        // Who was on the watchlist that day: history, unchanged by what the capture writes.
        let watched = store::watched_on(self.store.db(), month.last_day())?;
        let mut written = 0u64;
        while let Some(last) =
            self.store.write(|tx| store::capture_page(tx, at, month, &watched, after, CAPTURE_BATCH))?
        {
            after = last;
            written += u64::from(CAPTURE_BATCH);
            progress(written);
        }
        self.finish_month_end(month, source, actor)
    }

    /// Recomputes a month-end's rows from the ledger as of that day, on from where a stopped
    /// capture left off, then marks it complete. Returns the loans recorded.
    pub(crate) fn capture_from_ledger(
        &mut self,
        month: Month,
        rules: &AssessRules,
        actor: &str,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64> {
        self.store.capture_from_ledger(month, rules, CAPTURE_BATCH as usize, progress)?;
        self.finish_month_end(month, BY_CAPTURE, actor)
    }

    /// Marks a month-end whose rows are all written complete and audits it, in one transaction, once
    /// a month-end: a killed run's rerun that finds it recorded writes nothing more.
    fn finish_month_end(&mut self, month: Month, source: &str, actor: &str) -> Result<u64> {
        let stamp = self.stamp();
        self.store.write(|tx| -> Result<u64> {
            let loans = store::finish_capture(tx, month, source, actor, &stamp, store::RowsWritten::Committed)?;
            let detail = serde_json::json!({ "month": month, "as_of": month.last_day(), "loans": loans, "source": source });
            store::insert_audit(tx, &stamp, actor, "month_end_capture", "month_end", Some(&month.to_string()), &detail.to_string())?;
            Ok(loans)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        crate::domain::parse_date(s).expect("date")
    }

    fn words(months: Vec<Month>) -> Vec<String> {
        months.into_iter().map(|m| m.to_string()).collect()
    }

    #[test]
    fn a_run_records_the_month_ends_since_the_last() {
        let nov: Month = "2026-11".parse().expect("month");
        assert_eq!(words(months_due(Some(nov.prev()), day("2026-12-03"))), ["2026-11"]);
        assert!(months_due(Some(nov), day("2026-12-03")).is_empty());
        assert_eq!(words(months_due(Some(nov), day("2026-12-31"))), ["2026-12"]);
        assert_eq!(
            words(months_due(Some(nov.plus(-3)), day("2026-12-01"))),
            ["2026-09", "2026-10", "2026-11"]
        );
        // A first run records only the last month-end it passed.
        assert_eq!(words(months_due(None, day("2026-12-03"))), ["2026-11"]);
    }
}

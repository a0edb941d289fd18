//! `report capture --month`: a past month-end recomputed from the ledger as of that day and
//! recorded; a supervisor's action, audited, `--replace` for one already recorded.

use serde::Serialize;

use crate::app::{AppError, Desk, Result};
use crate::domain::Role;
use crate::domain::report::Month;
use crate::store;

/// What a capture did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaptureReport {
    pub month: Month,
    pub as_of: chrono::NaiveDate,
    pub loans: u64,
    pub replaced: bool,
}

impl Desk {
    /// Recomputes the month-end of `month` from the ledger and records it.
    pub fn capture_month_end(
        &mut self,
        month: Month,
        replace: bool,
        progress: &mut dyn FnMut(u64),
    ) -> Result<CaptureReport> {
        let actor = self.actor.require(Role::Supervisor, "capturing a month-end")?.login.clone();
        let end = month.last_day();
        if end > self.as_of {
            return Err(AppError::Refused(format!(
                "the month-end of {month} ({end}) is after the desk's date {}: a month-end is recorded once it has come",
                self.as_of
            )));
        }
        let before = store::month_end_info(self.store.db(), month)?;
        if before.is_some() && !replace {
            return Err(AppError::Refused(format!(
                "the month-end of {month} is recorded already; `duedesk report capture --month {month} --replace` \
                 computes it again from the ledger"
            )));
        }
        let at = self.stamp();
        let replaced = before.is_some();
        if replace {
            let detail = serde_json::json!({ "month": month, "replace": replaced }).to_string();
            self.store.write(|tx| {
                store::forget_month_end(tx, month)?;
                store::insert_audit(
                    tx,
                    &at,
                    &actor,
                    "month_end_forget",
                    "month_end",
                    Some(&month.to_string()),
                    &detail,
                )
            })?;
        }
        let rules = self.rules;
        let loans = self.capture_from_ledger(month, &rules, &actor, progress)?;
        Ok(CaptureReport { month, as_of: end, loans, replaced })
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;
    use crate::domain::parse_date;
    use crate::store::{StateAt, Store};

    fn rows(desk: &Desk, month: Month) -> Vec<Vec<String>> {
        let mut q = desk
            .store
            .conn()
            .prepare("SELECT * FROM month_end WHERE month = ?1 ORDER BY loan_id")
            .expect("query");
        let n = q.column_count();
        q.query_map([month.key()], |r| {
            (0..n).map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}"))).collect()
        })
        .expect("rows")
        .collect::<rusqlite::Result<_>>()
        .expect("rows")
    }

    /// The ledger's walk gives each month-end the rows a snapshot computed for that day gives, and
    /// a capture stopped after its first page goes on to the same rows.
    #[test]
    fn a_month_end_from_the_ledger_is_the_one_from_a_snapshot_of_that_day() {
        let store = Store::open_in_memory().expect("store");
        let as_of = parse_date("2026-03-01").expect("day");
        let now = DateTime::parse_from_rfc3339("2026-03-01T10:00:00+08:00").expect("now");
        let mut desk = Desk::open(store, "admin", as_of, now).expect("desk");
        crate::app::demo::generate(&mut desk, 400, 11, &mut |_| {}).expect("demo");
        let rules = desk.rules;
        for month in ["2025-06", "2025-12", "2026-02"] {
            let month: Month = month.parse().expect("month");
            let from_ledger = rows(&desk, month);
            assert!(from_ledger.len() > 200, "{month}: {}", from_ledger.len());
            let at = StateAt::scratch(month.last_day(), rules);
            desk.store.write(|tx| store::forget_month_end(tx, month)).expect("forget");
            desk.store.refresh_scratch(month.last_day(), &rules, &mut |_| {}).expect("scratch");
            let watched = store::watched_on(desk.store.conn(), month.last_day()).expect("watched");
            let mut after = 0;
            while let Some(last) = desk
                .store
                .write(|tx| store::capture_page(tx, &at, month, &watched, after, 150))
                .expect("page")
            {
                after = last;
            }
            let differ = |got: Vec<Vec<String>>| -> Vec<(Vec<String>, Vec<String>)> {
                got.into_iter()
                    .zip(from_ledger.iter())
                    .filter(|(a, b)| a != *b)
                    .map(|(a, b)| (a, b.clone()))
                    .collect()
            };
            let got = rows(&desk, month);
            assert_eq!(got.len(), from_ledger.len());
            assert_eq!(differ(got), vec![], "{month} from a snapshot");
            // Stopped after a page: the walk goes on after the last loan written.
            desk.store.write(|tx| store::forget_month_end(tx, month)).expect("forget");
            desk.store.write(|tx| store::capture_page(tx, &at, month, &watched, 0, 100)).expect("page");
            assert_eq!(rows(&desk, month).len(), 100);
            desk.store.capture_from_ledger(month, &rules, 64, &mut |_| {}).expect("ledger");
            assert_eq!(rows(&desk, month), from_ledger, "{month} gone on from the ledger");
        }
    }
}

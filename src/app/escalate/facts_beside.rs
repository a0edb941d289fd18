//! The customer facts of a run's warnings pass, read beside the run's other phases.

use std::collections::BTreeMap;
use std::thread::JoinHandle;

use chrono::NaiveDate;

use crate::app::Result;
use crate::domain::policy::Policy;
use crate::store::{LoanId, Store};

/// The customer facts of a run's warnings pass (`customer_facts_bits`), read on a connection and
/// a thread of their own while the run records class changes, moves and notices; joined when
/// dropped. Started once the snapshot is rolled to the run's date, whose rows they read.
pub(super) struct FactsBeside(Option<JoinHandle<Result<BTreeMap<LoanId, u32>>>>);

impl FactsBeside {
    /// Starts the read. A store in memory has no second connection, and a system out of threads
    /// none to give: the pass then reads the facts itself.
    pub(super) fn start(store: &Store, policy: &Policy, as_of: NaiveDate) -> Result<FactsBeside> {
        let Some(conn) = store.side_reader()? else { return Ok(FactsBeside(None)) };
        let policy = policy.clone();
        let read = move || super::warnings::customer_facts_bits(&conn, &policy, as_of);
        Ok(FactsBeside(std::thread::Builder::new().name("customer facts".into()).spawn(read).ok()))
    }

    pub(super) fn take(mut self) -> Result<Option<BTreeMap<LoanId, u32>>> {
        match self.0.take().map(JoinHandle::join) {
            None => Ok(None),
            Some(Ok(read)) => read.map(Some),
            Some(Err(panic)) => std::panic::resume_unwind(panic),
        }
    }
}

impl Drop for FactsBeside {
    fn drop(&mut self) {
        if let Some(h) = self.0.take() {
            let _ = h.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::app::Desk;
    use crate::domain::parse_date;
    use crate::domain::policy::Policy;
    use crate::store::Store;

    fn signals(d: &Desk) -> Vec<(i64, String, String, String, Option<String>)> {
        let mut stmt = d
            .store
            .conn()
            .prepare("SELECT loan_id, code, level, raised_on, closed_on FROM signals ORDER BY loan_id, code, raised_on")
            .expect("prepare");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .expect("query")
            .collect::<rusqlite::Result<_>>()
            .expect("rows")
    }

    /// A store in memory has no second connection: its run reads the facts in the pass itself.
    #[test]
    fn a_run_reading_the_customer_facts_beside_its_phases_does_what_one_reading_them_in_its_pass_does() {
        let policy = Policy::default();
        let now =
            |d: &str| chrono::DateTime::parse_from_rfc3339(&format!("{d}T10:00:00+08:00")).expect("now");
        let day = parse_date("2026-03-01").expect("date");
        let mut in_memory =
            Desk::open(Store::open_in_memory().expect("store"), "admin", day, now("2026-03-01"))
                .expect("desk");
        crate::app::demo::generate(&mut in_memory, 400, 7, &mut |_| {}).expect("demo");
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("book.db");
        let copy = path.to_str().expect("path").to_string();
        in_memory.store.conn().execute("VACUUM INTO ?1", [copy]).expect("copy");
        let mut on_file =
            Desk::open(Store::open(&path).expect("file"), "admin", day, now("2026-03-01")).expect("desk");
        assert!(on_file.store.side_reader().expect("reader").is_some());

        // Seven weeks on: many loans fall overdue in the roll the facts must be read after.
        let later = parse_date("2026-04-20").expect("date");
        let mut runs = Vec::new();
        for d in [&mut in_memory, &mut on_file] {
            d.as_of = later;
            d.now = now("2026-04-20");
            runs.push(d.escalate(&policy, false, &mut |_, _| {}).expect("run").signals);
        }
        assert!(runs[0].opened > 0 && runs[0].closed > 0, "{:?}", runs[0]);
        assert_eq!(runs[0], runs[1]);
        assert_eq!(signals(&in_memory), signals(&on_file));
    }
}

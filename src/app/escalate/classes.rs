//! The run's class changes (DOMAIN §5): the loans whose class moved since the last run that
//! recorded classes, each an event with its reason, found by index ranges of what can move a class
//! by the date (`store::class_candidates`) rather than by deriving every loan's class, and written
//! a batch a transaction. The run's date becomes the last one only with the last batch, so a
//! stopped run's rerun looks at the same loans and records only what is left; a second run on the
//! same date looks at none.
//!
//! A loan whose class moved gets its next inspection again in the same transaction (the interval
//! follows the class, DOMAIN §8), so the run need not compare the whole schedule each night.
//!
//! The first run after migration 0023 records no changes: it takes every loan's class on its date
//! as the last recorded, silently, since what moved before is not known.

use super::RunPhase;
use crate::app::inspect::reschedule_loans;
use crate::app::{Desk, Result};
use crate::domain::inspection::InspectionRules;
use crate::domain::{AssessRules, ClassCause};
use crate::store::{self, ClassMove, StateAt};

impl Desk {
    /// Records the class changes up to the run's date on the rolled shared snapshot; how many.
    pub(super) fn record_class_moves(
        &mut self,
        rules: &AssessRules,
        inspections: &InspectionRules,
        batch_size: u32,
        progress: &mut dyn FnMut(&'static str, u64),
    ) -> Result<u64> {
        let (as_of, stamp) = (self.as_of, self.stamp());
        let at = StateAt::shared(as_of, *rules);
        let phase = RunPhase::Classes.as_str();
        let Some(since) = store::class_run_on(self.store.db())? else {
            let mut after = 0;
            loop {
                let page = self.store.write(|tx| store::class_baseline_page(tx, &at, after, batch_size))?;
                match page {
                    Some(last) => after = last,
                    None => break,
                }
                progress(phase, u64::try_from(after).unwrap_or(0));
            }
            self.store.write(|tx| store::set_class_run_on(tx, as_of))?;
            return Ok(0);
        };
        if since >= as_of {
            return Ok(0);
        }
        let loans = store::class_candidates(self.store.db(), since, as_of, rules.class_bands)?;
        let how = ClassMove { cause: ClassCause::Run, user: None, at: &stamp };
        let (mut changed, mut done) = (0, 0u64);
        let chunk = usize::try_from(batch_size).unwrap_or(usize::MAX).max(1);
        let mut batches = loans.chunks(chunk).peekable();
        if batches.peek().is_none() {
            self.store.write(|tx| store::set_class_run_on(tx, as_of))?;
        }
        while let Some(batch) = batches.next() {
            let last = batches.peek().is_none();
            changed += self.store.write(|tx| -> Result<u64> {
                let moved = store::note_classes(tx, batch, &at, how)?;
                reschedule_loans(tx, &moved, inspections, &at)?;
                if last {
                    store::set_class_run_on(tx, as_of)?;
                }
                Ok(moved.len() as u64)
            })?;
            done += batch.len() as u64;
            progress(phase, done);
        }
        Ok(changed)
    }
}

#[cfg(test)]
mod tests {
    use crate::app::Desk;
    use crate::domain::policy::Policy;

    use super::super::tests::{demo_book as demo_desk, on_day};

    /// Runs on `day` (the clock at ten that morning) in batches of `batch`.
    fn run_on(d: &mut Desk, day: &str, batch: u32, progress: &mut dyn FnMut(&'static str, u64)) {
        on_day(d, day);
        d.escalate_in_batches(&Policy::default(), false, batch, progress).expect("run");
    }

    /// Every class event but its time, in the order written.
    fn events(d: &Desk) -> Vec<(i64, String, String, String, String, String)> {
        let conn = d.store.conn();
        let mut stmt = conn
            .prepare("SELECT loan_id, on_date, class_before, class_after, reason, cause FROM class_events ORDER BY id")
            .expect("events");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect()
    }

    /// Each loan's last recorded class and the class `show` derives for the desk's date.
    fn recorded_and_derived(d: &Desk) -> (Vec<String>, Vec<String>) {
        let conn = d.store.conn();
        let mut stmt = conn
            .prepare(
                "SELECT l.loan_ref, c.class FROM class_last c JOIN loans l ON l.id = c.loan_id ORDER BY l.id",
            )
            .expect("last");
        let rows: Vec<(String, String)> = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect();
        let derived = rows
            .iter()
            .map(|(loan, _)| d.show(loan).expect("show").summary.class.as_str().to_string())
            .collect();
        (rows.into_iter().map(|(_, c)| c).collect(), derived)
    }

    #[test]
    fn the_runs_ranges_find_every_class_that_moved() {
        let mut d = demo_desk();
        run_on(&mut d, "2026-04-20", 10_000, &mut |_, _| {});
        assert!(events(&d).is_empty(), "the first run takes the baseline silently");
        let (recorded, derived) = recorded_and_derived(&d);
        assert_eq!(recorded.len(), 400);
        assert_eq!(recorded, derived);
        for day in ["2026-04-21", "2026-05-20", "2026-07-31", "2027-03-01"] {
            run_on(&mut d, day, 10_000, &mut |_, _| {});
            let (recorded, derived) = recorded_and_derived(&d);
            assert_eq!(recorded, derived, "after the run of {day}");
            // Each loan whose class moved has its next inspection for its new class.
            let rules = Policy::default().assess_rules(d.rules.penalty_uplift_pct);
            let at = crate::store::StateAt::shared(d.as_of, rules);
            let behind = crate::store::customers_out_of_step(d.store.conn(), &at).expect("schedule");
            assert!(behind.is_empty(), "after the run of {day}: {behind:?}");
        }
        assert!(events(&d).len() > 50, "{}", events(&d).len());
    }

    #[test]
    fn a_run_killed_while_recording_classes_and_run_again_equals_an_uninterrupted_one() {
        let mut whole = demo_desk();
        run_on(&mut whole, "2026-04-20", 20, &mut |_, _| {});
        run_on(&mut whole, "2026-06-20", 20, &mut |_, _| {});
        let want = events(&whole);
        assert!(want.len() > 40, "{}", want.len());

        let mut cut = demo_desk();
        run_on(&mut cut, "2026-04-20", 20, &mut |_, _| {});
        let stopped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            run_on(&mut cut, "2026-06-20", 20, &mut |phase, n| {
                assert!(!(phase == super::RunPhase::Classes.as_str() && n >= 40), "killed");
            });
        }));
        assert!(stopped.is_err());
        let part = events(&cut);
        assert!(!part.is_empty() && part.len() < want.len(), "{} of {}", part.len(), want.len());
        run_on(&mut cut, "2026-06-20", 20, &mut |_, _| {});
        assert_eq!(events(&cut), want);
        // A second run on the date records nothing.
        run_on(&mut cut, "2026-06-20", 20, &mut |_, _| {});
        assert_eq!(events(&cut), want);
    }
}

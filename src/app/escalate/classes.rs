//! The run's class changes (DOMAIN §5): the loans whose class moved since the last run that
//! recorded classes, each an event with its reason, found by index ranges of what can move a class
//! by the date (`store::class_candidates`) rather than by deriving every loan's class, and written
//! a batch a transaction. The run's date becomes the last one only with the last batch, so a
//! stopped run's rerun looks at the same loans and records only what is left; a second run on the
//! same date looks at none.
//!
//! The first run after migration 0023 records no changes: it takes every loan's class on its date
//! as the last recorded, silently, since what moved before is not known.

use super::RunPhase;
use crate::app::{Desk, Result};
use crate::domain::{AssessRules, ClassCause};
use crate::store::{self, ClassMove, StateAt};

impl Desk {
    /// Records the class changes up to the run's date on the rolled shared snapshot; how many.
    pub(super) fn record_class_moves(
        &mut self,
        rules: &AssessRules,
        batch_size: u32,
        progress: &mut dyn FnMut(&'static str, u64),
    ) -> Result<u64> {
        let (as_of, stamp) = (self.as_of, self.stamp());
        let at = StateAt::shared(as_of, *rules);
        let phase = RunPhase::Classes.as_str();
        let Some(since) = store::class_run_on(self.store.conn())? else {
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
        let loans = store::class_candidates(self.store.conn(), since, as_of, rules.class_bands)?;
        let how = ClassMove { cause: ClassCause::Run, user: None, at: &stamp };
        let (mut changed, mut done) = (0, 0u64);
        let chunk = usize::try_from(batch_size).unwrap_or(usize::MAX).max(1);
        let mut batches = loans.chunks(chunk).peekable();
        if batches.peek().is_none() {
            self.store.write(|tx| store::set_class_run_on(tx, as_of))?;
        }
        while let Some(batch) = batches.next() {
            let last = batches.peek().is_none();
            changed += self.store.write(|tx| -> store::Result<u64> {
                let n = store::note_classes(tx, batch, &at, how)?;
                if last {
                    store::set_class_run_on(tx, as_of)?;
                }
                Ok(n)
            })?;
            done += batch.len() as u64;
            progress(phase, done);
        }
        Ok(changed)
    }
}

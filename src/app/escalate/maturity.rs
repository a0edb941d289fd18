//! A run's maturity notices (到期通知书): a month before final maturity, once per loan. The loans
//! come from the snapshot's due-soon range, not the run's candidates (most are current and paying).

use super::{EscalationReport, Run};
use crate::app::{Desk, Result, tasks};
use crate::domain::LoanStatus;
use crate::store::{self, StateAt};

impl Desk {
    /// Adds (a dry run: counts) the maturity notice of every active loan whose final maturity is
    /// its due-soon date and a month or less away, a batch of them a transaction.
    pub(super) fn maturity_notices(
        &mut self,
        run: &Run<'_>,
        book: StateAt,
        batch_size: u32,
        report: &mut EscalationReport,
    ) -> Result<()> {
        let due = store::maturity_due(self.store.db(), book)?;
        for page in due.chunks(usize::try_from(batch_size).unwrap_or(usize::MAX).max(1)) {
            let batch = |conn: crate::store::Db<'_>, report: &mut EscalationReport| -> Result<()> {
                for m in page {
                    if m.status != LoanStatus::Active
                        || !tasks::maturity_notice_wanted(m.maturity_on, run.as_of)
                    {
                        continue;
                    }
                    let added = if run.dry_run {
                        store::maturity_notice_due(conn, m.loan, tasks::maturity_notice_on(m.maturity_on))?
                    } else {
                        tasks::add_maturity_notice(conn, m.loan, m.maturity_on, super::POLICY_ACTOR, &run.at)?
                    };
                    report.maturity_notices += u64::from(added);
                }
                Ok(())
            };
            if run.dry_run {
                batch(self.store.db(), report)?;
            } else {
                self.store.write(|tx| batch(tx, report))?;
            }
        }
        Ok(())
    }
}

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
                let (Some(first), Some(last)) = (page.first(), page.last()) else { return Ok(()) };
                // Every notice of the page falls due on or after a month before today.
                let since = tasks::maturity_notice_on(run.as_of);
                let had = store::maturity_notices_had(conn, (first.loan.0, last.loan.0), since)?;
                for m in page {
                    if m.status != LoanStatus::Active
                        || !tasks::maturity_notice_wanted(m.maturity_on, run.as_of)
                    {
                        continue;
                    }
                    let notice_on = tasks::maturity_notice_on(m.maturity_on);
                    let added = match (&had, run.dry_run) {
                        (Some(had), true) => had.due(m.loan, notice_on),
                        (None, true) => store::maturity_notice_due(conn, m.loan, notice_on)?,
                        (Some(had), false) => {
                            had.due(m.loan, notice_on)
                                && tasks::add_maturity_lacking(
                                    conn,
                                    m.loan,
                                    m.maturity_on,
                                    super::POLICY_ACTOR,
                                    &run.at,
                                )?
                        }
                        (None, false) => tasks::add_maturity_notice(
                            conn,
                            m.loan,
                            m.maturity_on,
                            super::POLICY_ACTOR,
                            &run.at,
                        )?,
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

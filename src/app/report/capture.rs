//! `report capture --month`: a past month-end recomputed from the ledger (a scratch snapshot for
//! that day) and recorded; a supervisor's action, audited, `--replace` for one already recorded.

use serde::Serialize;

use crate::app::escalate::BY_CAPTURE;
use crate::app::{AppError, Desk, Result};
use crate::domain::Role;
use crate::domain::report::Month;
use crate::store::{self, StateAt};

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
        let before = store::month_end_info(self.store.conn(), month)?;
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
        self.store.refresh_scratch(end, &rules, &mut |_| {})?;
        let loans = self.capture_from(&StateAt::scratch(end, rules), month, BY_CAPTURE, &actor, progress)?;
        Ok(CaptureReport { month, as_of: end, loans, replaced })
    }
}

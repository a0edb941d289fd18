//! A special inspection (专项检查, DOMAIN §10): asked for by a measure on a warning, or when an
//! orange or red signal opens, and due the policy's days after. The early-warning work calls
//! `ask_special` in its own transaction; the desk and the command line ask through the desk.

use crate::store::Db;
use chrono::NaiveDate;

use crate::app::text_in::reason_of;
use crate::app::{AppError, Desk, Result};
use crate::domain::LoanStatus;
use crate::domain::inspection::InspectionRules;
use crate::store::{self, LoanId};

/// Puts a special inspection on an active loan's schedule, due the policy's days after
/// `asked_on`, in the caller's transaction; its due date, or `None` when one is asked for already
/// (the earlier request stands).
pub(crate) fn ask_special<'a>(
    conn: impl Into<Db<'a>>,
    loan: LoanId,
    asked_on: NaiveDate,
    reason: &str,
    rules: &InspectionRules,
) -> Result<Option<NaiveDate>> {
    let conn = conn.into();
    let owner = store::loan_by_id(conn, loan)?.and_then(|l| l.assignee_id);
    let due = rules.special_due(asked_on);
    Ok(store::put_special(conn, loan, due, owner, asked_on, reason)?.then_some(due))
}

impl Desk {
    /// Asks for a special inspection of a loan (its owner or a supervisor), with a reason; when it
    /// is due, or `None` when one is asked for already.
    pub fn ask_special_inspection(&mut self, loan_ref: &str, reason: &str) -> Result<Option<NaiveDate>> {
        let loan = self.loan(loan_ref)?;
        self.require_case(&loan, "asking for a special inspection")?;
        let reason = reason_of(reason, "a special inspection")?;
        let status = self.show_full(loan_ref)?.summary.status;
        if status != LoanStatus::Active {
            return Err(AppError::Refused(format!(
                "loan {loan_ref} is {status}: inspections are of active loans"
            )));
        }
        let (as_of, at, actor, rules) =
            (self.as_of, self.stamp(), self.actor.login.clone(), self.policy.inspections);
        self.store.write(|tx| -> Result<Option<NaiveDate>> {
            let due = ask_special(tx, loan.id, as_of, reason, &rules)?;
            let detail = serde_json::json!({ "reason": reason, "due_on": due.map(|d| d.to_string()) });
            store::insert_audit(
                tx,
                &at,
                &actor,
                "special_inspection",
                "loan",
                Some(loan_ref),
                &detail.to_string(),
            )?;
            Ok(due)
        })
    }
}

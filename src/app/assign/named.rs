//! Reassigning named loans' cases to one desk user (supervisor): all of a customer's loans move
//! together.

use serde::Serialize;

use crate::app::text_in::text_in;
use crate::app::{AppError, Desk, Result};
use crate::domain::Role;
use crate::domain::input::Lines;
use crate::store::{self, Loan};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reassigned {
    pub loan_id: String,
    pub customer_id: String,
    pub from: Option<String>,
    pub to: String,
}

impl Desk {
    /// Gives the cases of these loans to `to`, all or nothing. Each customer moves once with all
    /// of its loans (一户一人); a case edit claims every one of its loans' versions, so an edit made
    /// on an older view of the case is refused afterwards.
    pub fn assign(
        &mut self,
        loan_refs: &[String],
        to: &str,
        reason: Option<&str>,
    ) -> Result<Vec<Reassigned>> {
        let by = self.actor.require(Role::Supervisor, "reassigning cases")?.clone();
        if loan_refs.is_empty() {
            return Err(AppError::Input("name at least one loan to reassign".into()));
        }
        let target = store::user_by_login(self.store.db(), to)?
            .ok_or_else(|| AppError::Input(format!("unknown desk user '{to}'")))?;
        if !target.active {
            return Err(AppError::Input(format!(
                "desk user '{to}' is disabled; cases go to active users only"
            )));
        }
        let mut loans: Vec<Loan> = Vec::new();
        for r in loan_refs {
            let loan = self.loan(r)?;
            if !loans.iter().any(|l| l.customer_id == loan.customer_id) {
                loans.push(loan);
            }
        }
        let reason = reason.map(str::trim).filter(|r| !r.is_empty()).unwrap_or("reassigned");
        let reason = text_in(reason, "the reason", Lines::One)?;
        let at = self.stamp();
        let me = self.edit_as();
        self.store.write(|tx| -> Result<Vec<Reassigned>> {
            let mut out = Vec::new();
            for loan in &loans {
                // The owner now, not when read: another desk may have moved the case meanwhile.
                let now = store::loan_by_ref(tx, &loan.loan_ref)?;
                let loan = now.as_ref().unwrap_or(loan);
                if loan.assignee_id == Some(target.id) {
                    continue;
                }
                // A case another user has open is refused whole; the bulk forms skip it instead.
                Self::check_lease(tx, loan, me)?;
                for id in store::reassign_customer(
                    tx,
                    loan.customer_id,
                    loan.assignee_id,
                    target.id,
                    Some(by.id),
                    reason,
                    &at,
                )? {
                    // Any version: the owner changes whatever the case's state; others' stale edits
                    // are refused afterwards.
                    let _ = store::bump_version(tx, id, None)?;
                }
                let detail = serde_json::json!({
                    "customer": loan.customer_ref,
                    "from": loan.assignee,
                    "to": target.login,
                    "reason": reason,
                });
                store::insert_audit(
                    tx,
                    &at,
                    &by.login,
                    "assign",
                    "loan",
                    Some(&loan.loan_ref),
                    &detail.to_string(),
                )?;
                out.push(Reassigned {
                    loan_id: loan.loan_ref.clone(),
                    customer_id: loan.customer_ref.clone(),
                    from: loan.assignee.clone(),
                    to: target.login.clone(),
                });
            }
            Ok(out)
        })
    }
}

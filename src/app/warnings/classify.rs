//! A supervisor's class on a loan (DOMAIN §5): worse than its DPD floor only, with a reason and
//! an optional end date, or lifted with a reason; both history and audited.

use chrono::NaiveDate;
use serde_json::json;

use crate::app::inspect::reschedule_loans;
use crate::app::text_in::text_in;
use crate::app::views::LoanSummary;
use crate::app::{AppError, Desk, Result};
use crate::domain::input::Lines;
use crate::domain::{ClassCause, LoanStatus, RiskClass, Role};
use crate::store::{self, ClassMove, StateAt};

fn reason_text(reason: &str) -> Result<String> {
    let r = text_in(reason.trim(), "the reason", Lines::Many)?;
    if r.is_empty() {
        return Err(AppError::Input("a class needs its reason (--reason TEXT)".into()));
    }
    Ok(r.to_string())
}

impl Desk {
    /// Puts a manual class on a loan (supervisor): refused unless worse than its DPD floor.
    pub fn classify(
        &mut self,
        loan_ref: &str,
        class: RiskClass,
        reason: &str,
        until: Option<NaiveDate>,
    ) -> Result<LoanSummary> {
        let loan = self.loan(loan_ref)?;
        let user = self.actor.require(Role::Supervisor, "setting a loan's class")?.clone();
        let reason = reason_text(reason)?;
        if until.is_some_and(|u| u < self.as_of) {
            return Err(AppError::Input(format!(
                "--until {} is before the desk's date",
                until.unwrap_or_default()
            )));
        }
        let now = self.show_full(loan_ref)?.summary;
        if now.status != LoanStatus::Active {
            return Err(AppError::Refused(format!(
                "loan {loan_ref} is {}: only an active loan is classified",
                now.status
            )));
        }
        let floor = self.rules.class_bands.floor(now.dpd);
        if class <= floor {
            return Err(AppError::Refused(format!(
                "loan {loan_ref} is {} by its DPD ({}): a manual class is worse than the floor only, never the same or better",
                floor, now.dpd
            )));
        }
        let (as_of, at, rules, inspections) = (self.as_of, self.stamp(), self.rules, self.policy.inspections);
        self.store.write(|tx| -> Result<()> {
            store::set_manual_class(tx, loan.id, class, as_of, until, &reason, None, Some(user.id), &at)?;
            store::refresh_loans(tx, &[loan.id], &rules)?;
            let how = ClassMove { cause: ClassCause::Classify, user: Some(&user.login), at: &at };
            store::note_class(tx, loan.id, &StateAt::shared(as_of, rules), how)?;
            reschedule_loans(tx, &[loan.id], &inspections, &StateAt::shared(as_of, rules))?;
            let detail = json!({
                "class": class.as_str(), "before": now.class.as_str(), "reason": reason,
                "until": until.map(|d| d.to_string()),
            });
            store::insert_audit(
                tx,
                &at,
                &user.login,
                "classify",
                "loan",
                Some(&loan.loan_ref),
                &detail.to_string(),
            )
            .map_err(Into::into)
        })?;
        Ok(self.show(loan_ref)?.summary)
    }

    /// Lifts a loan's manual class (supervisor), with a reason; refused when none is in force.
    pub fn lift_class(&mut self, loan_ref: &str, reason: &str) -> Result<LoanSummary> {
        let loan = self.loan(loan_ref)?;
        let actor = self.actor.require(Role::Supervisor, "lifting a loan's class")?.login.clone();
        let reason = reason_text(reason)?;
        let Some(manual) = loan.manual_class.filter(|m| m.in_force(self.as_of).is_some()) else {
            return Err(AppError::Refused(format!(
                "loan {loan_ref} has no manual class in force: nothing to lift"
            )));
        };
        let (as_of, at, rules, inspections) = (self.as_of, self.stamp(), self.rules, self.policy.inspections);
        self.store.write(|tx| -> Result<()> {
            store::lift_manual_class(tx, loan.id, as_of, &reason)?;
            store::refresh_loans(tx, &[loan.id], &rules)?;
            let how = ClassMove { cause: ClassCause::Lift, user: Some(&actor), at: &at };
            store::note_class(tx, loan.id, &StateAt::shared(as_of, rules), how)?;
            reschedule_loans(tx, &[loan.id], &inspections, &StateAt::shared(as_of, rules))?;
            let detail = json!({ "lifted": manual.class.as_str(), "reason": reason });
            store::insert_audit(
                tx,
                &at,
                &actor,
                "classify_lift",
                "loan",
                Some(&loan.loan_ref),
                &detail.to_string(),
            )
            .map_err(Into::into)
        })?;
        Ok(self.show(loan_ref)?.summary)
    }
}

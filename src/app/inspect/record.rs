//! Recording an inspection (DOMAIN §10): by the case's owner or a supervisor, of an active loan,
//! appended (a correction is a new record naming the old), its review due within the policy's
//! working days; the loan's next inspection moves at once.

use crate::store::Db;
use chrono::NaiveDate;
use serde_json::json;

use super::schedule::reschedule_loans;
use crate::app::holidays::calendar_of;
use crate::app::text_in::text_in;
use crate::app::views::InspectionView;
use crate::app::{AppError, Desk, Result};
use crate::domain::input::Lines;
use crate::domain::inspection::{Checklist, Conclusion, InspectionKind, InspectionMode};
use crate::domain::{LoanStatus, RiskClass};
use crate::store::{self, NewInspection};

/// An inspection as the inspector gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectInput {
    pub loan: String,
    pub kind: InspectionKind,
    pub mode: InspectionMode,
    /// The day it was made [default: the desk's date].
    pub on: Option<NaiveDate>,
    pub checklist: Checklist,
    pub findings: String,
    pub conclusion: Conclusion,
    /// A worse class than the loan's, for a supervisor to accept.
    pub recommend_class: Option<RiskClass>,
    /// The record this one corrects.
    pub corrects: Option<i64>,
}

impl Desk {
    /// Records an inspection and moves the loan's next one; the record as stored.
    pub fn inspect(&mut self, input: &InspectInput) -> Result<InspectionView> {
        let loan = self.loan(&input.loan)?;
        self.require_case(&loan, "recording an inspection")?;
        let findings = text_in(input.findings.trim(), "the findings", Lines::Many)?;
        if findings.is_empty() {
            return Err(AppError::Input("an inspection needs its findings (--findings TEXT)".into()));
        }
        let on = input.on.unwrap_or(self.as_of);
        if on > self.as_of {
            return Err(AppError::Input(format!(
                "an inspection on {on} is after the desk's date ({})",
                self.as_of
            )));
        }
        if on < loan.terms.disbursed_on {
            return Err(AppError::Input(format!(
                "an inspection on {on} is before loan {} was disbursed ({})",
                loan.loan_ref, loan.terms.disbursed_on
            )));
        }
        let summary = self.show_full(&loan.loan_ref)?.summary;
        if summary.status != LoanStatus::Active {
            return Err(AppError::Refused(format!(
                "loan {} is {}: inspections are of active loans",
                loan.loan_ref, summary.status
            )));
        }
        if let Some(c) = input.recommend_class.filter(|c| *c <= summary.class) {
            return Err(AppError::Input(format!(
                "recommending {c} for loan {}: it is {} already; a recommendation is of a worse class",
                loan.loan_ref, summary.class
            )));
        }
        let user = self.actor.user.as_ref().map(|u| u.id);
        let (as_of, at, actor) = (self.as_of, self.stamp(), self.actor.login.clone());
        let (rules, assess) = (self.policy.inspections, self.rules);
        let id = self.store.write(|tx| -> Result<i64> {
            if let Some(old) = input.corrects {
                let record = store::inspection_by_id(tx, old)?
                    .ok_or_else(|| AppError::Input(format!("unknown inspection {old}")))?;
                if record.loan != loan.id {
                    return Err(AppError::Input(format!(
                        "inspection {old} is of loan {}, not {}",
                        record.loan_ref, loan.loan_ref
                    )));
                }
                if let Some(newer) = record.corrected_by {
                    return Err(AppError::Refused(format!(
                        "inspection {old} was corrected already by {newer}: correct {newer}"
                    )));
                }
            }
            // The inspection it answers: the loan's special one when that is its kind, else its
            // regular one.
            let due_on = due_date(tx, loan.id, input.kind)?;
            let review_due = calendar_of(tx)?.add_working_days(as_of, rules.review_working_days);
            let id = store::insert_inspection(
                tx,
                &NewInspection {
                    loan: loan.id,
                    kind: input.kind,
                    mode: input.mode,
                    done_on: on,
                    inspector: user,
                    checklist: input.checklist,
                    findings,
                    conclusion: input.conclusion,
                    recommend_class: input.recommend_class,
                    corrects: input.corrects,
                    due_on,
                    recorded_on: as_of,
                    review_due,
                    created_at: &at,
                },
            )?;
            if input.kind == InspectionKind::Special
                && store::special_asked_on(tx, loan.id)?.is_some_and(|asked| asked <= on)
            {
                store::drop_due(tx, loan.id, Some(true))?;
            }
            reschedule_loans(tx, &[loan.id], &rules, &store::StateAt::shared(as_of, assess))?;
            let detail = json!({
                "inspection": id,
                "kind": input.kind.as_str(),
                "mode": input.mode.as_str(),
                "on": on.to_string(),
                "conclusion": input.conclusion.as_str(),
                "recommend_class": input.recommend_class.map(RiskClass::as_str),
                "corrects": input.corrects,
            });
            store::insert_audit(
                tx,
                &at,
                &actor,
                "inspection",
                "loan",
                Some(&loan.loan_ref),
                &detail.to_string(),
            )?;
            Ok(id)
        })?;
        self.inspection(id)
    }

    /// One inspection on record.
    pub fn inspection(&self, id: i64) -> Result<InspectionView> {
        let record = store::inspection_by_id(self.store.db(), id)?
            .ok_or_else(|| AppError::Input(format!("unknown inspection {id}")))?;
        Ok(record.into())
    }
}

/// When the inspection an inspection of `kind` answers was due: the loan's special one for a
/// special inspection, else its regular one.
fn due_date<'a>(
    conn: impl Into<Db<'a>>,
    loan: store::LoanId,
    kind: InspectionKind,
) -> Result<Option<NaiveDate>> {
    let conn = conn.into();
    let filter = store::DueFilter { loan: Some(loan), ..store::DueFilter::default() };
    let special = kind == InspectionKind::Special;
    Ok(store::due_page(conn, &filter, None, 0, None)?
        .into_iter()
        .find(|r| (r.kind == InspectionKind::Special) == special)
        .map(|r| r.due_on))
}

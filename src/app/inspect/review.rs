//! A supervisor's review of an inspection (签署意见, DOMAIN §10): a comment, once, within the
//! policy's working days; a recommended worse class becomes the loan's manual class only when
//! the supervisor accepts it.

use chrono::NaiveDate;
use serde_json::json;

use super::schedule::reschedule_loans;
use crate::app::text_in::text_in;
use crate::app::views::InspectionView;
use crate::app::{AppError, Desk, Result};
use crate::domain::input::Lines;
use crate::domain::{RiskClass, Role};
use crate::store;

/// What the reviewing supervisor decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewInput {
    pub id: i64,
    pub comment: String,
    /// Accept the recommended class: it becomes the loan's manual class from the desk's date.
    pub accept_class: bool,
    /// The accepted class's end date (none: until lifted).
    pub class_until: Option<NaiveDate>,
}

impl Desk {
    /// Reviews an inspection (supervisor): the comment, and the recommended class accepted or not.
    pub fn review_inspection(&mut self, input: &ReviewInput) -> Result<InspectionView> {
        let reviewer = self.actor.require(Role::Supervisor, "reviewing an inspection")?.id;
        let comment = text_in(input.comment.trim(), "the comment", Lines::Many)?;
        if comment.is_empty() {
            return Err(AppError::Input("a review needs a comment (--comment TEXT)".into()));
        }
        let id = input.id;
        let record = self.inspection(id)?;
        let accepted = match (input.accept_class, record.recommend_class) {
            (false, _) => None,
            (true, Some(class)) => Some(class),
            (true, None) => {
                return Err(AppError::Input(format!("inspection {id} recommends no class to accept")));
            }
        };
        if let Some(until) = input.class_until.filter(|u| accepted.is_none() || *u < self.as_of) {
            return Err(AppError::Input(format!(
                "--class-until {until}: an accepted class ends on or after the desk's date ({})",
                self.as_of
            )));
        }
        let loan = self.loan(&record.loan_id)?;
        let (as_of, at, actor) = (self.as_of, self.stamp(), self.actor.login.clone());
        let (rules, inspections) = (self.rules, self.policy.inspections);
        self.store.write(|tx| -> Result<()> {
            let current = store::inspection_by_id(tx, id)?
                .ok_or_else(|| AppError::Input(format!("unknown inspection {id}")))?;
            if let Some(newer) = current.corrected_by {
                return Err(AppError::Refused(format!(
                    "inspection {id} was corrected by {newer}: review {newer} instead"
                )));
            }
            if !store::review_inspection(tx, id, reviewer, as_of, &at, comment, accepted)? {
                return Err(AppError::Refused(format!(
                    "inspection {id} was reviewed already by {} on {}",
                    current.reviewed_by.as_deref().unwrap_or("?"),
                    current.reviewed_on.map_or_else(|| "?".to_string(), |d| d.to_string())
                )));
            }
            if let Some(class) = accepted {
                let reason = format!("inspection {id} recommends it; accepted: {comment}");
                store::set_manual_class(
                    tx,
                    loan.id,
                    class,
                    as_of,
                    input.class_until,
                    &reason,
                    Some(id),
                    Some(reviewer),
                    &at,
                )?;
                store::refresh_loans(tx, &[loan.id], &rules)?;
                let how = store::ClassMove {
                    cause: crate::domain::ClassCause::Classify,
                    user: Some(&actor),
                    at: &at,
                };
                store::note_class(tx, loan.id, &store::StateAt::shared(as_of, rules), how)?;
                reschedule_loans(tx, &[loan.id], &inspections, &store::StateAt::shared(as_of, rules))?;
            }
            let late = as_of > current.review_due;
            let detail = json!({
                "inspection": id,
                "comment": comment,
                "recommend_class": current.recommend_class.map(RiskClass::as_str),
                "accepted_class": accepted.map(RiskClass::as_str),
                "class_until": input.class_until.map(|d| d.to_string()),
                "review_due": current.review_due.to_string(),
                "late": late,
            });
            store::insert_audit(
                tx,
                &at,
                &actor,
                "inspection_review",
                "loan",
                Some(&loan.loan_ref),
                &detail.to_string(),
            )?;
            Ok(())
        })?;
        self.inspection(id)
    }
}

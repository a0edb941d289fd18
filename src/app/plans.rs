//! Payment plans, extensions and restructures (DOMAIN §3, §5): a preview, or a schedule put in
//! force that holds the class the loan had and the arrears it takes over until it is kept.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::text_in::text_in;
use super::{AppError, Desk, Result};
use crate::domain::input::Lines;
use crate::domain::{ClassCause, Money, Role};
use crate::store;

/// A plan as proposed (`saved: None`) or as saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanOutcome {
    pub loan_id: String,
    pub kind: String,
    pub effective_on: NaiveDate,
    pub schedule: Vec<super::views::ScheduleLine>,
    /// What the plan reschedules (the arrears, or the balance): its headline.
    pub rescheduled: Money,
    /// The whole new schedule, later installments carried over included.
    pub total: Money,
    /// The installments that are the plan's own, by number (the others are the contract's).
    pub plan_installments: Vec<u32>,
    /// Paid on the loan so far (before the plan), for the preview's header.
    pub paid_so_far: Money,
    pub saved: Option<i64>,
    pub observation_until: Option<NaiveDate>,
}

impl Desk {
    /// Builds a payment plan, extension or restructure as of the desk's date; with `save`, puts it
    /// in force (with a reason, a version check, and the audit record). The preview and the saved
    /// schedule are the same lines.
    pub fn plan(
        &mut self,
        loan_ref: &str,
        req: &crate::domain::plan::PlanRequest,
        save: Option<&str>,
        expected_version: Option<i64>,
    ) -> Result<PlanOutcome> {
        use crate::domain::plan::{
            PlanHold, PlanKind, arrears_left, build_plan, held_class, observation_until, plan_lines,
            rescheduled,
        };
        let loan = self.loan(loan_ref)?;
        if req.kind == PlanKind::Plan {
            self.require_case(&loan, "proposing a payment plan")?;
        } else {
            self.actor.require(Role::Supervisor, &format!("an {}", req.kind))?;
        }
        // Saved for a date ahead of the clock, a plan would count no payment until then and
        // make the loan current today.
        let clock_day = self.now.date_naive();
        if save.is_some() && self.as_of > clock_day {
            return Err(AppError::Refused(format!(
                "a plan, extension or restructure is saved as of today ({clock_day}), not {}: leave out \
                 --as-of to save it, or keep it to preview one",
                self.as_of
            )));
        }
        let conn = self.store.db();
        let (schedule, payments) = store::schedule_inputs(conn, &loan)?;
        let a = crate::domain::assess(&schedule, &payments, loan.terms.rate, self.as_of, &self.rules);
        let lines =
            build_plan(&loan.terms, &a, req, self.policy.plan_max_first_days).map_err(AppError::Input)?;
        // Payments dated after the plan's date count against the new schedule.
        let effective_on = self.as_of + Duration::days(1);
        let observation =
            (req.kind == PlanKind::Restructure).then(|| observation_until(effective_on, &lines));
        // The plan holds the class the loan carries now and the arrears it takes over.
        let before = store::plan_hold(conn, &loan)?;
        let holds = crate::domain::ClassHolds {
            observation_until: loan.observation_until,
            plan_held: held_class(before, &schedule, &payments, &a),
            manual: loan.manual_class.and_then(|m| m.in_force(self.as_of)),
            npl: crate::domain::npl::npl_hold(&schedule, &payments, self.as_of, self.rules.class_bands).class,
        };
        let (class, _) = crate::domain::loan_class(&a, holds);
        let arrears = a.overdue_amount().max(arrears_left(before, &payments, self.as_of));
        let hold = PlanHold { since: effective_on, class, arrears };
        let preview = crate::domain::assess(&lines, &[], loan.terms.rate, self.as_of, &self.rules);
        let mut outcome = PlanOutcome {
            loan_id: loan.loan_ref.clone(),
            kind: req.kind.as_str().to_string(),
            effective_on,
            schedule: preview.installments.iter().map(super::views::ScheduleLine::from).collect(),
            rescheduled: rescheduled(&a, req.scope),
            total: lines.iter().map(|l| l.payment()).sum(),
            plan_installments: lines
                .iter()
                .zip(plan_lines(&a, &lines))
                .filter(|(_, own)| *own)
                .map(|(l, _)| l.seq)
                .collect(),
            paid_so_far: store::payments_of(self.store.db(), loan.id)?.iter().map(|p| p.amount).sum(),
            saved: None,
            observation_until: observation,
        };
        let Some(reason) = save else { return Ok(outcome) };
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(AppError::Input(format!("saving an {} needs a reason", req.kind)));
        }
        text_in(reason, "the reason", Lines::One)?;
        let (at, actor, rules) = (self.stamp(), self.actor.login.clone(), self.rules);
        let user = self.actor.user.as_ref().map(|u| u.id);
        let today = self.as_of;
        let me = self.edit_as();
        let inspections = self.policy.inspections;
        let id = self.store.write(|tx| -> Result<i64> {
            Self::claim_edit(tx, &loan, expected_version, me)?;
            let id = store::insert_schedule(
                tx,
                &store::NewSchedule {
                    loan: loan.id,
                    kind: req.kind.as_str(),
                    effective_on,
                    reason,
                    created_by: user,
                    at: &at,
                    lines: &lines,
                    hold,
                },
            )?;
            if observation.is_some() {
                store::set_observation_until(tx, loan.id, observation)?;
            }
            store::refresh_loans(tx, &[loan.id], &rules)?;
            let how = store::ClassMove { cause: ClassCause::Plan, user: Some(&actor), at: &at };
            store::note_class(tx, loan.id, &store::StateAt::shared(today, rules), how)?;
            // A plan holds the class it was saved at, and with it the inspection interval.
            super::inspect::reschedule_loans(
                tx,
                &[loan.id],
                &inspections,
                &store::StateAt::shared(today, rules),
            )?;
            let detail = serde_json::json!({
                "schedule": id,
                "schedule_before": loan.schedule_id,
                "kind": req.kind.as_str(),
                "installments": lines.len(),
                "total": outcome.total,
                "effective_on": effective_on.to_string(),
                "reason": reason,
                "holds": { "class": class.as_str(), "arrears": arrears },
            });
            store::insert_audit(
                tx,
                &at,
                &actor,
                "plan_save",
                "loan",
                Some(&loan.loan_ref),
                &detail.to_string(),
            )?;
            let task = super::tasks::TaskKind::PlanOffer;
            super::tasks::complete_work(tx, loan.id, task, today, &actor, &format!("plan {id} saved"))?;
            Ok(id)
        })?;
        outcome.saved = Some(id);
        Ok(outcome)
    }
}

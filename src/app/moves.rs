//! Holds and manual moves (issue #6, DOMAIN §6 and §8): a supervisor's dispute or hardship hold,
//! a stage move by hand with a reason, agency placement (委外), write-off and its reopening.

use chrono::NaiveDate;
use serde::Serialize;

use super::text_in::{reason_of, text_in};
use super::views::HoldView;
use super::{AppError, Desk, Result, tasks};
use crate::domain::input::Lines;
use crate::domain::plan::cure_held;
use crate::domain::{ClassCause, Role, Stage, assess, is_secured};
use crate::store::{self, NewHold, StageEvent};

pub use crate::domain::HoldKind;

/// A stage move made by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Moved {
    pub loan_id: String,
    pub from: Stage,
    pub to: Stage,
}

impl Desk {
    /// Puts a loan on hold from `from` (default: the desk's date; may be in the past) to `until`.
    /// One hold at a time: a loan already held (or with a hold to come) is refused until lifted.
    pub fn hold(
        &mut self,
        loan_ref: &str,
        kind: HoldKind,
        from: Option<NaiveDate>,
        until: NaiveDate,
        reason: &str,
    ) -> Result<HoldView> {
        let loan = self.loan(loan_ref)?;
        self.actor.require(Role::Supervisor, "putting a loan on hold")?;
        let reason = reason_of(reason, "a hold")?;
        let from = from.unwrap_or(self.as_of);
        if until < from {
            return Err(AppError::Input(format!("hold until {until} is before its first day {from}")));
        }
        if until < self.as_of {
            return Err(AppError::Input(format!(
                "hold until {until} has already ended (as of {})",
                self.as_of
            )));
        }
        let conn = self.store.db();
        if let Some(h) = store::holds_of(conn, loan.id, self.as_of)?
            .into_iter()
            .find(|h| h.until_on >= self.as_of && h.lifted_on.is_none_or(|d| d > self.as_of))
        {
            return Err(AppError::Refused(format!(
                "loan {} already has a {} hold from {} until {}; lift it first (duedesk hold-lift)",
                loan.loan_ref, h.kind, h.from_on, h.until_on
            )));
        }
        let (at, actor, as_of) = (self.stamp(), self.actor.login.clone(), self.as_of);
        let by = self.actor.user.as_ref().map(|u| u.id);
        let me = self.edit_as();
        self.store.write(|tx| -> Result<HoldView> {
            Self::check_lease(tx, &loan, me)?;
            let id = store::insert_hold(
                tx,
                &NewHold { loan: loan.id, kind, from_on: from, until_on: until, reason, by, at: &at },
            )?;
            let detail = serde_json::json!({
                "hold": id, "kind": kind.as_str(), "from": from.to_string(), "until": until.to_string(), "reason": reason,
            });
            store::insert_audit(tx, &at, &actor, "hold", "loan", Some(&loan.loan_ref), &detail.to_string())?;
            store::holds_of(tx, loan.id, as_of)?
                .into_iter()
                .find(|h| h.id == id)
                .map(HoldView::from)
                .ok_or_else(|| AppError::Input(format!("hold {id} vanished")))
        })
    }

    /// Lifts the loan's hold (in force or to come) as of the desk's date; the number lifted.
    pub fn lift_hold(&mut self, loan_ref: &str, reason: &str) -> Result<usize> {
        let loan = self.loan(loan_ref)?;
        self.actor.require(Role::Supervisor, "lifting a hold")?;
        let reason = reason_of(reason, "lifting a hold")?;
        let (at, actor, as_of) = (self.stamp(), self.actor.login.clone(), self.as_of);
        let by = self.actor.user.as_ref().map(|u| u.id);
        let me = self.edit_as();
        self.store.write(|tx| -> Result<usize> {
            Self::check_lease(tx, &loan, me)?;
            let n = store::lift_holds(tx, loan.id, as_of, by, reason)?;
            if n == 0 {
                return Err(AppError::Refused(format!(
                    "loan {} has no hold in force or to come",
                    loan.loan_ref
                )));
            }
            let detail = serde_json::json!({ "lifted": n, "on": as_of.to_string(), "reason": reason });
            store::insert_audit(
                tx,
                &at,
                &actor,
                "hold_lift",
                "loan",
                Some(&loan.loan_ref),
                &detail.to_string(),
            )?;
            Ok(n)
        })
    }

    /// One loan's holds, newest first, or the book's holds in force or to come by end date.
    pub fn holds(&self, loan_ref: Option<&str>) -> Result<Vec<HoldView>> {
        let conn = self.store.db();
        let holds = match loan_ref {
            Some(r) => store::holds_of(conn, self.loan(r)?.id, self.as_of)?,
            None => store::current_holds(conn, self.as_of)?,
        };
        Ok(holds.into_iter().map(HoldView::from).collect())
    }

    fn stage_event(&self, from: Stage, to: Stage, reason: &str) -> StageEvent {
        StageEvent {
            from,
            to,
            as_of: self.as_of,
            actor: self.actor.login.clone(),
            reason: reason.to_string(),
            at: self.stamp(),
        }
    }

    /// Moves a case to another working stage by hand. Forward (escalating by hand): the owning
    /// collector or a supervisor. Back to current when nothing is overdue (a cure): the same. Any
    /// other move back: a supervisor (DOMAIN §6). The case's version is claimed.
    pub fn move_stage(
        &mut self,
        loan_ref: &str,
        to: Stage,
        reason: &str,
        expected_version: Option<i64>,
    ) -> Result<Moved> {
        let loan = self.loan(loan_ref)?;
        self.require_case(&loan, "moving a case")?;
        let reason = reason_of(reason, "a manual move")?;
        if to.is_terminal() {
            return Err(AppError::Input(format!(
                "a move goes to current, reminder, negotiation, guarantor or legal; {to}: {}",
                if to == Stage::WrittenOff {
                    "use duedesk write-off"
                } else {
                    "a loan closes when it is paid"
                }
            )));
        }
        let from = loan.stage;
        if loan.written_off_on.is_some() || from.is_terminal() {
            return Err(AppError::Refused(format!(
                "loan {} is {from}; {}",
                loan.loan_ref,
                if from == Stage::Closed {
                    "a closed loan does not move"
                } else {
                    "reopen it first (duedesk reopen)"
                }
            )));
        }
        if to == from {
            return Err(AppError::Refused(format!("loan {} is already in stage {to}", loan.loan_ref)));
        }
        if to == Stage::Guarantor && !is_secured(loan.guarantor.as_deref(), loan.collateral.as_deref()) {
            return Err(AppError::Input(format!(
                "loan {} has no guarantor or collateral on file, so no guarantor stage",
                loan.loan_ref
            )));
        }
        if to < from {
            let conn = self.store.db();
            let (schedule, payments) = store::schedule_inputs(conn, &loan)?;
            let dpd = assess(&schedule, &payments, loan.terms.rate, self.as_of, &self.rules).dpd;
            // Under a plan whose arrears are unpaid, DPD 0 is the plan's, not a cure.
            let cured = dpd <= 0 && !cure_held(store::plan_hold(conn, &loan)?, &payments, self.as_of);
            if !(to == Stage::Current && cured) {
                self.actor.require(Role::Supervisor, &format!("moving a case back from {from} to {to}"))?;
            }
        }
        let ev = self.stage_event(from, to, &format!("by hand: {reason}"));
        let (rules, as_of) = (self.rules, self.as_of);
        let me = self.edit_as();
        self.store.write(|tx| -> Result<()> {
            Self::claim_edit(tx, &loan, expected_version, me)?;
            store::record_stage_change(tx, loan.id, &ev)?;
            if to < from {
                // The work of the stages after the one moved back to no longer applies.
                let note = format!("no longer applies: moved back from {from} to {to} by hand: {reason}");
                tasks::close_work(tx, loan.id, Some(to), as_of, &ev.actor, &note)?;
            }
            tasks::create_stage_work(tx, loan.id, to, as_of, &ev.actor, &ev.at)?;
            let detail = serde_json::json!({ "from": from.as_str(), "to": to.as_str(), "reason": reason });
            store::insert_audit(
                tx,
                &ev.at,
                &ev.actor,
                "stage_move",
                "loan",
                Some(&loan.loan_ref),
                &detail.to_string(),
            )?;
            store::refresh_loans(tx, &[loan.id], &rules)?;
            Ok(())
        })?;
        Ok(Moved { loan_id: loan.loan_ref, from, to })
    }

    /// Places a negotiation or legal case with an agency (委外), or takes it back (`None`).
    pub fn set_agency(
        &mut self,
        loan_ref: &str,
        agency: Option<&str>,
        reason: Option<&str>,
        expected_version: Option<i64>,
    ) -> Result<()> {
        let loan = self.loan(loan_ref)?;
        self.actor.require(Role::Supervisor, "agency placement")?;
        let agency = agency.map(|a| text_in(a.trim(), "the agency's name", Lines::One)).transpose()?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let reason = reason.map(|r| reason_of(r, "an agency placement")).transpose()?;
        match (agency, &loan.agency) {
            (Some(""), _) => {
                return Err(AppError::Input("an agency placement needs the agency's name".into()));
            }
            (Some(_), _) if !matches!(loan.stage, Stage::Negotiation | Stage::Legal) => {
                return Err(AppError::Refused(format!(
                    "loan {} is in stage {}; only negotiation and legal cases go to an agency",
                    loan.loan_ref, loan.stage
                )));
            }
            (Some(a), Some(b)) if a == b => {
                return Err(AppError::Refused(format!("loan {} is already placed with {a}", loan.loan_ref)));
            }
            (None, None) => {
                return Err(AppError::Refused(format!(
                    "loan {} is not placed with an agency",
                    loan.loan_ref
                )));
            }
            (None, Some(_)) if reason.is_none() => {
                return Err(AppError::Input(
                    "taking a case back from its agency needs a reason (--reason TEXT)".into(),
                ));
            }
            _ => {}
        }
        let (at, actor) = (self.stamp(), self.actor.login.clone());
        let me = self.edit_as();
        self.store.write(|tx| -> Result<()> {
            Self::claim_edit(tx, &loan, expected_version, me)?;
            store::set_agency(tx, loan.id, agency)?;
            let detail = serde_json::json!({ "before": loan.agency, "after": agency, "reason": reason });
            store::insert_audit(
                tx,
                &at,
                &actor,
                "agency",
                "loan",
                Some(&loan.loan_ref),
                &detail.to_string(),
            )?;
            Ok(())
        })
    }

    /// Writes a loan off as of the desk's date (supervisor, with a reason), recorded as a stage event.
    pub fn write_off(
        &mut self,
        loan_ref: &str,
        reason: &str,
        expected_version: Option<i64>,
    ) -> Result<Moved> {
        let loan = self.loan(loan_ref)?;
        self.actor.require(Role::Supervisor, "a write-off")?;
        let reason = reason_of(reason, "a write-off")?;
        if loan.written_off_on.is_some() || loan.stage == Stage::WrittenOff {
            return Err(AppError::Refused(format!("loan {} is already written off", loan.loan_ref)));
        }
        if loan.stage == Stage::Closed {
            return Err(AppError::Refused(format!(
                "loan {} is closed (paid); nothing to write off",
                loan.loan_ref
            )));
        }
        let from = loan.stage;
        let ev = self.stage_event(from, Stage::WrittenOff, &format!("written off: {reason}"));
        let (as_of, inspections, rules) = (self.as_of, self.policy.inspections, self.rules);
        let me = self.edit_as();
        self.store.write(|tx| -> Result<()> {
            Self::claim_edit(tx, &loan, expected_version, me)?;
            store::record_stage_change(tx, loan.id, &ev)?;
            store::write_off(tx, loan.id, as_of)?;
            let how = store::ClassMove { cause: ClassCause::WriteOff, user: Some(&ev.actor), at: &ev.at };
            store::note_class(tx, loan.id, &store::StateAt::shared(as_of, rules), how)?;
            let note = format!("no longer needed: written off: {reason}");
            tasks::close_work(tx, loan.id, None, as_of, &ev.actor, &note)?;
            // DOMAIN §9: writing a loan off closes its open signals.
            store::close_loan_signals(tx, loan.id, as_of, &ev.actor, "loan written off")?;
            super::inspect::reschedule_loans(tx, &[loan.id], &inspections, &store::StateAt::shared(as_of, rules))?;
            let detail =
                serde_json::json!({ "from": from.as_str(), "to": "written_off", "on": as_of.to_string(), "reason": reason });
            store::insert_audit(
                tx,
                &ev.at,
                &ev.actor,
                "write_off",
                "loan",
                Some(&loan.loan_ref),
                &detail.to_string(),
            )?;
            Ok(())
        })?;
        Ok(Moved { loan_id: loan.loan_ref, from, to: Stage::WrittenOff })
    }

    /// Reopens a loan written off by mistake (supervisor, with a reason): back to the stage it had
    /// before the write-off, `written_off_on` cleared, its snapshot row recomputed.
    pub fn reopen(&mut self, loan_ref: &str, reason: &str, expected_version: Option<i64>) -> Result<Moved> {
        let loan = self.loan(loan_ref)?;
        self.actor.require(Role::Supervisor, "reopening a written-off loan")?;
        let reason = reason_of(reason, "reopening a loan")?;
        if loan.written_off_on.is_none() && loan.stage != Stage::WrittenOff {
            return Err(AppError::Refused(format!("loan {} is not written off", loan.loan_ref)));
        }
        let before = store::stage_events_of(self.store.db(), loan.id)?
            .into_iter()
            .rev()
            .find(|e| e.to == Stage::WrittenOff)
            .map(|e| e.from)
            .filter(|s| !s.is_terminal())
            .ok_or_else(|| {
                AppError::Input(format!(
                    "loan {} has no recorded stage before its write-off to go back to",
                    loan.loan_ref
                ))
            })?;
        let ev =
            self.stage_event(Stage::WrittenOff, before, &format!("reopened after a write-off: {reason}"));
        let (rules, as_of, inspections) = (self.rules, self.as_of, self.policy.inspections);
        let me = self.edit_as();
        self.store.write(|tx| -> Result<()> {
            Self::claim_edit(tx, &loan, expected_version, me)?;
            store::clear_write_off(tx, loan.id, before)?;
            store::record_stage_change(tx, loan.id, &ev)?;
            tasks::create_stage_work(tx, loan.id, before, as_of, &ev.actor, &ev.at)?;
            store::refresh_loans(tx, &[loan.id], &rules)?;
            let how = store::ClassMove { cause: ClassCause::Reopen, user: Some(&ev.actor), at: &ev.at };
            store::note_class(tx, loan.id, &store::StateAt::shared(as_of, rules), how)?;
            super::inspect::reschedule_loans(
                tx,
                &[loan.id],
                &inspections,
                &store::StateAt::shared(as_of, rules),
            )?;
            let detail = serde_json::json!({
                "from": "written_off",
                "to": before.as_str(),
                "written_off_on": loan.written_off_on.map(|d| d.to_string()),
                "reason": reason,
            });
            store::insert_audit(
                tx,
                &ev.at,
                &ev.actor,
                "reopen",
                "loan",
                Some(&loan.loan_ref),
                &detail.to_string(),
            )?;
            Ok(())
        })?;
        Ok(Moved { loan_id: loan.loan_ref, from: Stage::WrittenOff, to: before })
    }
}

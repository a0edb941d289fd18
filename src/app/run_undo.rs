//! Undoing the last escalation run (issue #14: a run dated by a typo moved 1,700 loans and locked
//! out every correct run after it). An admin's action, with a reason: each loan the run moved and
//! nobody moved since goes back to the stage it left, as a stage event of its own; the run's
//! events stay as history, marked undone, so the date of the last run is that of the one before;
//! the open tasks the run created are closed. A loan moved since (by hand, by a later run) keeps
//! that decision and is listed. Batches commit whole, so an undo stopped midway is finished by
//! running it again.

use chrono::NaiveDate;
use serde::Serialize;

use super::escalate::{BATCH, POLICY_ACTOR};
use super::text_in::reason_of;
use super::{AppError, Desk, Result, tasks};
use crate::domain::{Role, Stage};
use crate::store::{self, StageEvent, StateTable};

/// A loan the undone run moved that was moved again since: left as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LeftAsIs {
    pub loan_id: String,
    /// Where the run put it, and where it is now.
    pub run_moved_to: Stage,
    pub stage: Stage,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UndoReport {
    /// The as-of date of the run undone.
    pub as_of: NaiveDate,
    /// Moves reversed.
    pub reversed: u64,
    pub left: Vec<LeftAsIs>,
    /// Open tasks of the run closed.
    pub tasks_closed: u64,
    /// The date of the last run that stands now, if any.
    pub last_run_now: Option<NaiveDate>,
}

impl Desk {
    /// Undoes the last escalation run that stands (admin, with a reason).
    pub fn undo_last_run(&mut self, reason: &str, progress: &mut dyn FnMut(u64)) -> Result<UndoReport> {
        let admin = self.actor.require(Role::Admin, "undoing an escalation run")?.login.clone();
        let reason = reason_of(reason, "undoing a run")?.to_string();
        let Some(run) = store::last_stage_change_as_of(self.store.db(), POLICY_ACTOR)? else {
            return Err(AppError::Refused("there is no escalation run to undo".into()));
        };
        let (at, on) = (self.stamp(), self.now.date_naive());
        let why = format!("undo of the run as of {run}: {reason}");
        let mut report =
            UndoReport { as_of: run, reversed: 0, left: Vec::new(), tasks_closed: 0, last_run_now: None };
        loop {
            let moves = store::run_moves(self.store.db(), POLICY_ACTOR, run, BATCH)?;
            if moves.is_empty() {
                break;
            }
            self.store.write(|tx| -> Result<()> {
                for m in &moves {
                    store::mark_undone(tx, m.event, &at)?;
                    if m.stage_now != m.to {
                        report.left.push(LeftAsIs {
                            loan_id: m.loan_ref.clone(),
                            run_moved_to: m.to,
                            stage: m.stage_now,
                        });
                        continue;
                    }
                    let ev = StageEvent {
                        from: m.to,
                        to: m.from,
                        as_of: on,
                        actor: admin.clone(),
                        reason: why.clone(),
                        at: at.clone(),
                    };
                    store::record_stage_change(tx, m.loan, &ev)?;
                    if m.from < m.to {
                        tasks::close_work(tx, m.loan, Some(m.from), on, &admin, &why)?;
                    }
                    tasks::create_stage_work(tx, m.loan, m.from, on, &admin, &at)?;
                    let detail = serde_json::json!({
                        "before": m.to.as_str(),
                        "after": m.from.as_str(),
                        "reason": why,
                        "as_of": on.to_string(),
                        "by": admin,
                    });
                    store::insert_audit(
                        tx,
                        &at,
                        &admin,
                        "stage_change",
                        "loan",
                        Some(&m.loan_ref),
                        &detail.to_string(),
                    )?;
                    report.reversed += 1;
                }
                Ok(())
            })?;
            progress(report.reversed + report.left.len() as u64);
        }
        let rules = self.rules;
        let snapshot_at_run = store::snapshot_as_of(self.store.db())? == Some(run);
        report.tasks_closed = self.store.write(|tx| -> Result<u64> {
            let closed = store::close_tasks_created(tx, POLICY_ACTOR, run, on, &admin, &why)?;
            let left: Vec<&str> = report.left.iter().map(|l| l.loan_id.as_str()).collect();
            let detail = serde_json::json!({
                "as_of": run.to_string(),
                "reason": reason,
                "reversed": report.reversed,
                "left": left,
                "tasks_closed": closed,
            });
            store::insert_audit(
                tx,
                &at,
                &admin,
                "escalate_undo",
                "book",
                Some(&run.to_string()),
                &detail.to_string(),
            )?;
            Ok(closed)
        })?;
        // The run left the shared snapshot at its date: back to the desk's, so lists read it again.
        if snapshot_at_run && run != self.as_of {
            let as_of = self.as_of;
            let inspections = self.policy.inspections;
            self.store.write(|tx| -> Result<()> {
                store::refresh_all(tx, StateTable::Shared, as_of, &rules, &mut |_| {})?;
                crate::app::inspect::sync_schedule(tx, &inspections, &store::StateAt::shared(as_of, rules))
            })?;
        }
        report.last_run_now = store::last_stage_change_as_of(self.store.db(), POLICY_ACTOR)?;
        Ok(report)
    }
}

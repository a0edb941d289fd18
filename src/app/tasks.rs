//! The work each stage creates (DOMAIN §6): the escalation run adds a stage's tasks in the same
//! transaction as the stage change; the action that does the work completes its task (a notice, a
//! saved plan, the legal packet), or a user marks it done.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::Serialize;

use super::{AppError, Desk, Result};
use crate::domain::Stage;
use crate::store::{self, LoanId, StoreError, TaskFilter, TaskRecord};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskKind {
    Call,
    DunningNotice,
    GuarantorDemand,
    CollateralRevaluation,
    LegalPacket,
    PlanOffer,
}

impl TaskKind {
    pub const ALL: [TaskKind; 6] = [
        TaskKind::Call,
        TaskKind::DunningNotice,
        TaskKind::PlanOffer,
        TaskKind::GuarantorDemand,
        TaskKind::CollateralRevaluation,
        TaskKind::LegalPacket,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskKind::Call => "call",
            TaskKind::DunningNotice => "dunning_notice",
            TaskKind::GuarantorDemand => "guarantor_demand",
            TaskKind::CollateralRevaluation => "collateral_revaluation",
            TaskKind::LegalPacket => "legal_packet",
            TaskKind::PlanOffer => "plan_offer",
        }
    }
}

impl fmt::Display for TaskKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for TaskKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TaskKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = TaskKind::ALL.iter().map(|k| k.as_str()).collect();
            format!("unknown task kind '{s}': use one of {}", names.join(", "))
        })
    }
}

/// The tasks entering `stage` creates (DOMAIN §6); a collateral revaluation only with collateral on file.
pub fn stage_work(stage: Stage, has_collateral: bool) -> Vec<TaskKind> {
    match stage {
        Stage::Reminder => vec![TaskKind::Call, TaskKind::DunningNotice],
        Stage::Negotiation => vec![TaskKind::PlanOffer],
        Stage::Guarantor if has_collateral => {
            vec![TaskKind::GuarantorDemand, TaskKind::CollateralRevaluation]
        }
        Stage::Guarantor => vec![TaskKind::GuarantorDemand],
        Stage::Legal => vec![TaskKind::LegalPacket],
        _ => Vec::new(),
    }
}

/// Adds the work of the entered stage, due `as_of`, inside the caller's transaction; never a
/// second open task of a kind. How many were added.
pub(crate) fn create_stage_work(
    conn: &Connection,
    loan: LoanId,
    stage: Stage,
    as_of: NaiveDate,
    created_by: &str,
    at: &str,
) -> Result<u64> {
    let kinds = stage_work(stage, false);
    if kinds.is_empty() {
        return Ok(0);
    }
    let kinds = if stage == Stage::Guarantor {
        stage_work(stage, store::loan_has_collateral(conn, loan)?)
    } else {
        kinds
    };
    let mut added = 0;
    for k in kinds {
        if store::add_task_once(conn, loan, k.as_str(), as_of, created_by, at)? {
            added += 1;
        }
    }
    Ok(added)
}

/// Completes the loan's open task of `kind`, if any, inside the caller's transaction.
pub(crate) fn complete_work(
    conn: &Connection,
    loan: LoanId,
    kind: TaskKind,
    on: NaiveDate,
    by: &str,
    note: &str,
) -> Result<Option<i64>> {
    Ok(store::complete_open_task(conn, loan, kind.as_str(), on, by, Some(note))?)
}

/// A task as the command line and `show` give it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskView {
    pub id: i64,
    pub loan_id: String,
    pub borrower: String,
    pub assignee: Option<String>,
    pub kind: TaskKind,
    pub due_on: NaiveDate,
    pub created_by: String,
    pub created_at: String,
    pub done_on: Option<NaiveDate>,
    pub done_by: Option<String>,
    pub note: Option<String>,
}

pub(crate) fn view(r: TaskRecord) -> Result<TaskView> {
    let kind = r
        .kind
        .parse()
        .map_err(|_| AppError::Store(StoreError::Corrupt(format!("task kind '{}'", r.kind))))?;
    Ok(TaskView {
        id: r.id,
        loan_id: r.loan_ref,
        borrower: r.borrower,
        assignee: r.assignee,
        kind,
        due_on: r.due_on,
        created_by: r.created_by,
        created_at: r.created_at,
        done_on: r.done_on,
        done_by: r.done_by,
        note: r.note,
    })
}

/// The task list's question.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskQuery {
    pub assignee: Option<String>,
    pub kind: Option<TaskKind>,
    pub due_by: Option<NaiveDate>,
    /// Done tasks too.
    pub all: bool,
}

impl Desk {
    /// Tasks by due date: open ones unless `all`.
    pub fn tasks(&self, q: &TaskQuery) -> Result<Vec<TaskView>> {
        let conn = self.store.conn();
        let assignee = match q.assignee.as_deref() {
            Some(login) => Some(
                store::user_by_login(conn, login)?
                    .ok_or_else(|| AppError::Input(format!("unknown desk user '{login}'")))?
                    .id,
            ),
            None => None,
        };
        let filter = TaskFilter {
            assignee,
            kind: q.kind.map(|k| k.as_str().to_string()),
            due_by: q.due_by,
            open: !q.all,
        };
        store::list_tasks(conn, &filter)?.into_iter().map(view).collect()
    }

    /// A loan's tasks, open first.
    pub(crate) fn tasks_of(&self, loan: LoanId) -> Result<Vec<TaskView>> {
        store::tasks_of(self.store.conn(), loan)?.into_iter().map(view).collect()
    }

    /// Marks a task done by hand (the case's owner or a supervisor), with an audit entry.
    pub fn task_done(&mut self, id: i64, note: Option<&str>) -> Result<TaskView> {
        let record = store::task_by_id(self.store.conn(), id)?
            .ok_or_else(|| AppError::Input(format!("unknown task {id}")))?;
        let loan = self.loan(&record.loan_ref)?;
        self.require_case(&loan, "completing a task")?;
        let (on, at, actor) = (self.as_of, self.stamp(), self.actor.login.clone());
        self.store.write(|tx| -> Result<TaskView> {
            let current =
                store::task_by_id(tx, id)?.ok_or_else(|| AppError::Input(format!("unknown task {id}")))?;
            if let Some(done) = current.done_on {
                return Err(AppError::Refused(format!(
                    "task {id} ({} on {}) was already done on {done} by {}",
                    current.kind,
                    current.loan_ref,
                    current.done_by.as_deref().unwrap_or("?")
                )));
            }
            store::complete_task(tx, id, on, &actor, note)?;
            let audit = serde_json::json!({
                "task": id, "kind": current.kind, "note": note, "before": "open", "after": format!("done on {on}"),
            });
            store::insert_audit(
                tx,
                &at,
                &actor,
                "task_done",
                "loan",
                Some(&loan.loan_ref),
                &audit.to_string(),
            )?;
            let done =
                store::task_by_id(tx, id)?.ok_or_else(|| AppError::Input(format!("unknown task {id}")))?;
            view(done)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_stage_creates_its_work() {
        assert_eq!(stage_work(Stage::Current, true), vec![]);
        assert_eq!(stage_work(Stage::Reminder, false), vec![TaskKind::Call, TaskKind::DunningNotice]);
        assert_eq!(stage_work(Stage::Negotiation, false), vec![TaskKind::PlanOffer]);
        assert_eq!(stage_work(Stage::Guarantor, false), vec![TaskKind::GuarantorDemand]);
        assert_eq!(
            stage_work(Stage::Guarantor, true),
            vec![TaskKind::GuarantorDemand, TaskKind::CollateralRevaluation]
        );
        assert_eq!(stage_work(Stage::Legal, true), vec![TaskKind::LegalPacket]);
        assert_eq!(stage_work(Stage::Closed, true), vec![]);
        for k in TaskKind::ALL {
            assert_eq!(k.as_str().parse::<TaskKind>(), Ok(k));
        }
        assert!("visit".parse::<TaskKind>().is_err());
    }
}

//! A run's page of stage moves and their work, written as they come on a file and together at
//! the page's end on the server (four statements a page instead of five or more round trips a
//! move), in the same order, so both backends end with the same rows and ids.

use chrono::NaiveDate;

use super::Result;
use super::book::LoanId;
use super::casework::{StageEvent, record_stage_change};
use super::db::Db;
use super::tasks::add_task_once;

/// A task to add unless the loan has one of its kind open.
struct NewTask {
    loan: LoanId,
    kind: &'static str,
    due_on: NaiveDate,
    created_by: String,
    created_at: String,
}

/// The page's writes: held back on the server (`for_page`), else done at once.
#[derive(Default)]
pub struct RunWrites {
    held: bool,
    moves: Vec<(LoanId, StageEvent)>,
    tasks: Vec<NewTask>,
    /// Tasks added at once (held ones are not known until the page is written).
    added: u64,
}

impl RunWrites {
    /// Writes held for the page's end on the server, done at once on a file.
    pub fn for_page(db: Db<'_>) -> Self {
        RunWrites { held: matches!(db, Db::Server(_)), ..Self::default() }
    }

    /// Writes done at once on either backend.
    pub fn now() -> Self {
        Self::default()
    }

    /// `record_stage_change`.
    pub fn stage_change(&mut self, db: Db<'_>, loan: LoanId, ev: &StageEvent) -> Result<()> {
        if self.held {
            self.moves.push((loan, ev.clone()));
            return Ok(());
        }
        record_stage_change(db, loan, ev)
    }

    /// `add_task_once`. A page holds one task of a kind for a loan at most: a second would be
    /// refused by the open tasks' unique index when the page is written.
    pub fn task_once(
        &mut self,
        db: Db<'_>,
        loan: LoanId,
        kind: &'static str,
        due_on: NaiveDate,
        created_by: &str,
        created_at: &str,
    ) -> Result<()> {
        if self.held {
            self.tasks.push(NewTask {
                loan,
                kind,
                due_on,
                created_by: created_by.into(),
                created_at: created_at.into(),
            });
            return Ok(());
        }
        self.added += u64::from(add_task_once(db, loan, kind, due_on, created_by, created_at)?);
        Ok(())
    }

    /// Tasks added at once so far.
    pub fn added(&self) -> u64 {
        self.added
    }

    /// Writes what was held, in the order it came.
    pub fn flush(&mut self, db: Db<'_>) -> Result<()> {
        let from = "FROM jsonb_to_recordset(CAST(CAST(?1 AS TEXT) AS JSONB))";
        if !self.moves.is_empty() {
            let rows: Vec<serde_json::Value> = self
                .moves
                .drain(..)
                .enumerate()
                .map(|(n, (loan, ev))| {
                    serde_json::json!({
                        "n": n, "loan_id": loan.0, "from_stage": ev.from.as_str(), "to_stage": ev.to.as_str(),
                        "as_of": ev.as_of.to_string(), "actor": ev.actor, "reason": ev.reason, "at": ev.at,
                    })
                })
                .collect();
            let json = serde_json::Value::Array(rows).to_string();
            let v = format!(
                "{from} AS v(n BIGINT, loan_id BIGINT, from_stage TEXT, to_stage TEXT, as_of TEXT, actor TEXT, \
                 reason TEXT, at TEXT)"
            );
            db.execute(
                &format!(
                    "INSERT INTO stage_events (loan_id, from_stage, to_stage, as_of, actor, reason, at) \
                     SELECT loan_id, from_stage, to_stage, as_of, actor, reason, at {v} ORDER BY n"
                ),
                &[(&json).into()],
            )?;
            // A loan moves once a page: its last move is its stage.
            db.execute(
                &format!("UPDATE loans l SET stage = v.to_stage, version = l.version + 1 {v} WHERE l.id = v.loan_id"),
                &[(&json).into()],
            )?;
            db.execute(
                &format!(
                    "UPDATE loan_state s SET workflow_stage = v.to_stage, \
                     stage = CASE WHEN s.status = 'active' THEN v.to_stage ELSE s.stage END {v} \
                     WHERE s.loan_id = v.loan_id"
                ),
                &[(&json).into()],
            )?;
        }
        if !self.tasks.is_empty() {
            let rows: Vec<serde_json::Value> = self
                .tasks
                .drain(..)
                .enumerate()
                .map(|(n, t)| {
                    serde_json::json!({
                        "n": n, "loan_id": t.loan.0, "kind": t.kind, "due_on": t.due_on.to_string(),
                        "created_by": t.created_by, "created_at": t.created_at,
                    })
                })
                .collect();
            db.execute(
                &format!(
                    "INSERT INTO tasks (loan_id, kind, due_on, created_by, created_at) \
                     SELECT loan_id, kind, due_on, created_by, created_at \
                     {from} AS v(n BIGINT, loan_id BIGINT, kind TEXT, due_on TEXT, created_by TEXT, created_at TEXT) \
                     WHERE NOT EXISTS (SELECT 1 FROM tasks t WHERE t.loan_id = v.loan_id AND t.kind = v.kind \
                     AND t.done_on IS NULL) ORDER BY n"
                ),
                &[(&serde_json::Value::Array(rows).to_string()).into()],
            )?;
        }
        Ok(())
    }
}

//! The work stages create (`tasks`, migration 0008): created by the escalation run, completed by
//! the action that does the work or by hand. On either backend.

use super::Result;
use super::book::LoanId;
use super::db::Db;
use super::row::{Cols, FromRow};
use super::users::UserId;
use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

/// A task on record, with its loan's id, borrower and owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskRecord {
    pub id: i64,
    pub loan: LoanId,
    pub loan_ref: String,
    pub borrower: String,
    pub assignee: Option<String>,
    pub kind: String,
    pub due_on: NaiveDate,
    pub created_by: String,
    pub created_at: String,
    pub done_on: Option<NaiveDate>,
    pub done_by: Option<String>,
    pub note: Option<String>,
}

/// Which tasks to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TaskFilter {
    pub assignee: Option<UserId>,
    pub kind: Option<String>,
    pub due_by: Option<NaiveDate>,
    /// Only the open ones (not done).
    pub open: bool,
}

const COLUMNS: &str = "t.id, t.loan_id, l.loan_ref, l.borrower, u.login, t.kind, t.due_on, t.created_by, \
     t.created_at, t.done_on, t.done_by, t.note \
     FROM tasks t JOIN loans l ON l.id = t.loan_id JOIN customers c ON c.id = l.customer_id \
     LEFT JOIN users u ON u.id = c.assignee_id";

impl FromRow for TaskRecord {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(TaskRecord {
            id: c.get("id")?,
            loan: c.get("loan_id")?,
            loan_ref: c.get("loan_ref")?,
            borrower: c.get("borrower")?,
            assignee: c.get("login")?,
            kind: c.get("kind")?,
            due_on: c.day("due_on")?,
            created_by: c.get("created_by")?,
            created_at: c.get("created_at")?,
            done_on: c.opt_day("done_on")?,
            done_by: c.get("done_by")?,
            note: c.get("note")?,
        })
    }
}

/// Adds an open task of `kind` to the loan unless one is open already; whether it was added.
pub fn add_task_once<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    kind: &str,
    due_on: NaiveDate,
    created_by: &str,
    created_at: &str,
) -> Result<bool> {
    let db = db.into();
    let due_on = due_on.to_string();
    let values = [loan.0.into(), kind.into(), (&due_on).into(), created_by.into(), created_at.into()];
    // One row's VALUES on a file: SQLite keeps no statement journal for it (an INSERT … SELECT's
    // went to a temporary file in a run's large transaction). Not on the server, whose sequence
    // would give an id to the row the key refuses, and the two backends' ids would part.
    let sql = match db {
        Db::File(_) => {
            "INSERT INTO tasks (loan_id, kind, due_on, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT DO NOTHING"
        }
        Db::Server(_) => {
            "INSERT INTO tasks (loan_id, kind, due_on, created_by, created_at) \
             SELECT CAST(?1 AS BIGINT), CAST(?2 AS TEXT), CAST(?3 AS TEXT), CAST(?4 AS TEXT), CAST(?5 AS TEXT) \
             WHERE NOT EXISTS (SELECT 1 FROM tasks WHERE loan_id = ?1 AND kind = ?2 AND done_on IS NULL)"
        }
    };
    let n = db.execute(sql, &values)?;
    Ok(n > 0)
}

/// Whether the month `[month_start, month_end]` still lacks the loan's task of `kind`: none open
/// (whatever its due date), none due in the month (done or not), and no `notice_kind` notice issued
/// in it.
pub fn monthly_task_due<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    kind: &str,
    notice_kind: &str,
    month_start: NaiveDate,
    month_end: NaiveDate,
) -> Result<bool> {
    let (from, to) = (month_start.to_string(), month_end.to_string());
    let due = db.into().value(
        "SELECT NOT EXISTS (SELECT 1 FROM tasks WHERE loan_id = ?1 AND kind = ?2 \
         AND (done_on IS NULL OR due_on BETWEEN ?4 AND ?5)) \
         AND NOT EXISTS (SELECT 1 FROM notices WHERE loan_id = ?1 AND kind = ?3 AND issued_on BETWEEN ?4 AND ?5)",
        &[loan.0.into(), kind.into(), notice_kind.into(), (&from).into(), (&to).into()],
    )?;
    Ok(due.unwrap_or(false))
}

/// `monthly_task_due` for every loan with an id in `(after, last]` at once (a page of the run):
/// the loans whose month already has their task or notice, so lacks nothing. On the server only,
/// where a statement a loan is a round trip each; on a file (`None`) a loan's own lookup is
/// cheaper than the page's range.
pub fn monthly_task_had<'a>(
    db: impl Into<Db<'a>>,
    (after, last): (i64, i64),
    kind: &str,
    notice_kind: &str,
    month_start: NaiveDate,
    month_end: NaiveDate,
) -> Result<Option<HashSet<i64>>> {
    let db = db.into();
    if let Db::File(_) = db {
        return Ok(None);
    }
    let (from, to) = (month_start.to_string(), month_end.to_string());
    let had: Vec<i64> = db.column(
        "SELECT loan_id FROM tasks WHERE loan_id > ?1 AND loan_id <= ?2 AND kind = ?3 \
         AND (done_on IS NULL OR due_on BETWEEN ?5 AND ?6) \
         UNION SELECT loan_id FROM notices WHERE loan_id > ?1 AND loan_id <= ?2 AND kind = ?4 \
         AND issued_on BETWEEN ?5 AND ?6",
        &[after.into(), last.into(), kind.into(), notice_kind.into(), (&from).into(), (&to).into()],
    )?;
    Ok(Some(had.into_iter().collect()))
}

/// The maturity-notice tasks and notices of a range of loans, from a day on: `maturity_notice_due`
/// answered for each of them from one statement.
pub struct MaturityHad {
    tasks: HashSet<(i64, String)>,
    notices: HashMap<i64, String>,
}

impl MaturityHad {
    /// `maturity_notice_due` for a loan of the range and a day on or after the one read from.
    pub fn due(&self, loan: LoanId, due_on: NaiveDate) -> bool {
        let due_on = due_on.to_string();
        !self.tasks.contains(&(loan.0, due_on.clone()))
            && self.notices.get(&loan.0).is_none_or(|last| *last < due_on)
    }
}

/// What `MaturityHad` holds for the loans with an id in `[first, last]` from `since` on; on the
/// server only (`None` on a file, as `monthly_task_had`).
pub fn maturity_notices_had<'a>(
    db: impl Into<Db<'a>>,
    (first, last): (i64, i64),
    since: NaiveDate,
) -> Result<Option<MaturityHad>> {
    let db = db.into();
    if let Db::File(_) = db {
        return Ok(None);
    }
    let since = since.to_string();
    let rows: Vec<(i64, String, bool)> = db.rows(
        "SELECT loan_id, due_on, false AS notice FROM tasks WHERE loan_id >= ?1 AND loan_id <= ?2 \
         AND kind = 'maturity_notice' AND due_on >= ?3 \
         UNION ALL SELECT loan_id, max(issued_on), true FROM notices WHERE loan_id >= ?1 AND loan_id <= ?2 \
         AND kind = 'maturity' AND issued_on >= ?3 GROUP BY loan_id",
        &[first.into(), last.into(), (&since).into()],
    )?;
    let mut had = MaturityHad { tasks: HashSet::new(), notices: HashMap::new() };
    for (loan, day, notice) in rows {
        if notice {
            had.notices.insert(loan, day);
        } else {
            had.tasks.insert((loan, day));
        }
    }
    Ok(Some(had))
}

/// Whether the loan's maturity notice due on `due_on` is still to be asked for: no task for it yet
/// (done or not), and no maturity notice issued since it fell due a month ahead.
pub fn maturity_notice_due<'a>(db: impl Into<Db<'a>>, loan: LoanId, due_on: NaiveDate) -> Result<bool> {
    let due_on = due_on.to_string();
    let due = db.into().value(
        "SELECT NOT EXISTS (SELECT 1 FROM tasks WHERE loan_id = ?1 AND kind = 'maturity_notice' AND due_on = ?2) \
         AND NOT EXISTS (SELECT 1 FROM notices WHERE loan_id = ?1 AND kind = 'maturity' AND issued_on >= ?2)",
        &[loan.0.into(), (&due_on).into()],
    )?;
    Ok(due.unwrap_or(false))
}

/// Closes the loan's open tasks (of `kinds` only, if given) with a note saying why; how many.
/// Closed, not deleted: the history of the work stays.
pub fn close_open_tasks<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    kinds: Option<&[&str]>,
    done_on: NaiveDate,
    done_by: &str,
    note: &str,
) -> Result<u64> {
    let (db, done_on) = (db.into(), done_on.to_string());
    let close = |kind: Option<&str>| {
        db.execute(
            "UPDATE tasks SET done_on = ?3, done_by = ?4, note = ?5 \
             WHERE loan_id = ?1 AND done_on IS NULL AND (CAST(?2 AS TEXT) IS NULL OR kind = ?2)",
            &[loan.0.into(), kind.into(), (&done_on).into(), done_by.into(), note.into()],
        )
    };
    match kinds {
        None => close(None),
        Some(kinds) => kinds.iter().try_fold(0, |n, k| Ok(n + close(Some(k))?)),
    }
}

/// Closes every open task `created_by` added due on `due_on` (the work of one escalation run),
/// noting why; how many.
pub fn close_tasks_created<'a>(
    db: impl Into<Db<'a>>,
    created_by: &str,
    due_on: NaiveDate,
    done_on: NaiveDate,
    done_by: &str,
    note: &str,
) -> Result<u64> {
    let (due_on, done_on) = (due_on.to_string(), done_on.to_string());
    db.into().execute(
        "UPDATE tasks SET done_on = ?3, done_by = ?4, note = ?5 \
         WHERE due_on = ?2 AND created_by = ?1 AND done_on IS NULL",
        &[created_by.into(), (&due_on).into(), (&done_on).into(), done_by.into(), note.into()],
    )
}

/// Marks the loan's open task of `kind` done, if there is one; its id.
pub fn complete_open_task<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    kind: &str,
    done_on: NaiveDate,
    done_by: &str,
    note: Option<&str>,
) -> Result<Option<i64>> {
    let db = db.into();
    let id: Option<i64> = db.value(
        "SELECT id FROM tasks WHERE loan_id = ?1 AND kind = ?2 AND done_on IS NULL",
        &[loan.0.into(), kind.into()],
    )?;
    if let Some(id) = id {
        complete_task(db, id, done_on, done_by, note)?;
    }
    Ok(id)
}

/// Marks a task done (whatever it was); the caller checks it was open.
pub fn complete_task<'a>(
    db: impl Into<Db<'a>>,
    id: i64,
    done_on: NaiveDate,
    done_by: &str,
    note: Option<&str>,
) -> Result<()> {
    let done_on = done_on.to_string();
    db.into().execute(
        "UPDATE tasks SET done_on = ?2, done_by = ?3, note = coalesce(?4, note) WHERE id = ?1",
        &[id.into(), (&done_on).into(), done_by.into(), note.into()],
    )?;
    Ok(())
}

pub fn task_by_id<'a>(db: impl Into<Db<'a>>, id: i64) -> Result<Option<TaskRecord>> {
    db.into().first(&format!("SELECT {COLUMNS} WHERE t.id = ?1"), &[id.into()])
}

/// A loan's tasks, open first, then by due date.
pub fn tasks_of<'a>(db: impl Into<Db<'a>>, loan: LoanId) -> Result<Vec<TaskRecord>> {
    let sql = format!("SELECT {COLUMNS} WHERE t.loan_id = ?1 ORDER BY t.done_on IS NOT NULL, t.due_on, t.id");
    db.into().rows(&sql, &[loan.0.into()])
}

/// Tasks matching `f`, by due date then loan.
pub fn list_tasks<'a>(db: impl Into<Db<'a>>, f: &TaskFilter) -> Result<Vec<TaskRecord>> {
    let sql = format!(
        "SELECT {COLUMNS} WHERE (CAST(?1 AS BIGINT) IS NULL OR c.assignee_id = ?1) \
         AND (CAST(?2 AS TEXT) IS NULL OR t.kind = ?2) AND (CAST(?3 AS TEXT) IS NULL OR t.due_on <= ?3) \
         AND (?4 = 0 OR t.done_on IS NULL) ORDER BY t.due_on, l.loan_ref, t.id"
    );
    let due_by = f.due_by.map(|d| d.to_string());
    db.into().rows(
        &sql,
        &[f.assignee.map(|u| u.0).into(), f.kind.as_deref().into(), due_by.as_deref().into(), f.open.into()],
    )
}

/// Whether the loan has a collateral description on file (non-empty after trimming).
pub fn loan_has_collateral<'a>(db: impl Into<Db<'a>>, loan: LoanId) -> Result<bool> {
    let c: Option<Option<String>> =
        db.into().value("SELECT collateral FROM loans WHERE id = ?1", &[loan.0.into()])?;
    Ok(c.flatten().is_some_and(|c| !c.trim().is_empty()))
}

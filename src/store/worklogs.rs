//! The work log (`work_logs`, migration 0019): notes on customers by their owners, append-only,
//! each signed once by a supervisor.

use chrono::NaiveDate;

use super::Result;
use super::book::CustomerId;
use super::db::Db;
use super::row::{Cols, FromRow};
use super::users::UserId;
use crate::domain::worklog::WorkLogKind;

/// A work log entry on record, with its customer and who wrote and signed it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkLogRecord {
    pub id: i64,
    pub customer: CustomerId,
    pub customer_ref: String,
    /// The customer's first loan, whose case a desk opens for the entry.
    pub loan_ref: Option<String>,
    pub name: String,
    pub user: Option<String>,
    pub kind: WorkLogKind,
    pub note: String,
    pub logged_on: NaiveDate,
    pub sign_due: NaiveDate,
    pub created_at: String,
    pub signed_by: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub sign_comment: Option<String>,
}

const COLUMNS: &str = "w.id, w.customer_id, c.customer_ref, \
     (SELECT min(l.loan_ref) FROM loans l WHERE l.customer_id = w.customer_id) AS loan_ref, c.name, u.login AS author, w.kind, w.note, w.logged_on, \
     w.sign_due, w.created_at, s.login AS signer, w.signed_on, w.sign_comment \
     FROM work_logs w JOIN customers c ON c.id = w.customer_id LEFT JOIN users u ON u.id = w.user_id \
     LEFT JOIN users s ON s.id = w.signed_by";

impl FromRow for WorkLogRecord {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(WorkLogRecord {
            id: c.get("id")?,
            customer: c.get("customer_id")?,
            customer_ref: c.get("customer_ref")?,
            loan_ref: c.get("loan_ref")?,
            name: c.get("name")?,
            user: c.get("author")?,
            kind: c.word("kind")?,
            note: c.get("note")?,
            logged_on: c.day("logged_on")?,
            sign_due: c.day("sign_due")?,
            created_at: c.get("created_at")?,
            signed_by: c.get("signer")?,
            signed_on: c.opt_day("signed_on")?,
            sign_comment: c.get("sign_comment")?,
        })
    }
}

#[allow(clippy::too_many_arguments)]
pub fn insert_work_log<'a>(
    db: impl Into<Db<'a>>,
    customer: CustomerId,
    user: Option<UserId>,
    kind: WorkLogKind,
    note: &str,
    logged_on: NaiveDate,
    sign_due: NaiveDate,
    at: &str,
) -> Result<i64> {
    let (logged_on, sign_due) = (logged_on.to_string(), sign_due.to_string());
    let id = db.into().value(
        "INSERT INTO work_logs (customer_id, user_id, kind, note, logged_on, sign_due, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
        &[
            customer.0.into(),
            user.map(|u| u.0).into(),
            kind.as_str().into(),
            note.into(),
            (&logged_on).into(),
            (&sign_due).into(),
            at.into(),
        ],
    )?;
    id.ok_or_else(|| super::StoreError::Corrupt("a work log entry added without an id".into()))
}

pub fn work_log_by_id<'a>(db: impl Into<Db<'a>>, id: i64) -> Result<Option<WorkLogRecord>> {
    db.into().first(&format!("SELECT {COLUMNS} WHERE w.id = ?1"), &[id.into()])
}

/// Signs an entry not signed yet; whether it was.
pub fn sign_work_log<'a>(
    db: impl Into<Db<'a>>,
    id: i64,
    by: UserId,
    on: NaiveDate,
    at: &str,
    comment: &str,
) -> Result<bool> {
    let on = on.to_string();
    let n = db.into().execute(
        "UPDATE work_logs SET signed_by = ?2, signed_on = ?3, signed_at = ?4, sign_comment = ?5 \
         WHERE id = ?1 AND signed_at IS NULL",
        &[id.into(), by.0.into(), (&on).into(), at.into(), comment.into()],
    )?;
    Ok(n == 1)
}

/// Which entries to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkLogFilter {
    pub user: Option<UserId>,
    pub customer: Option<CustomerId>,
    /// Not signed yet.
    pub unsigned: bool,
    /// Signed after their deadline, or unsigned past it on this date.
    pub late_on: Option<NaiveDate>,
    pub limit: Option<u64>,
}

/// Entries newest first (unsigned ones: soonest deadline first).
pub fn list_work_logs<'a>(db: impl Into<Db<'a>>, f: &WorkLogFilter) -> Result<Vec<WorkLogRecord>> {
    let db = db.into();
    // Stated literally, so the partial index of unsigned entries answers that list.
    let (only, order) = if f.unsigned {
        ("w.signed_at IS NULL AND", "w.sign_due, w.id")
    } else {
        ("", "w.logged_on DESC, w.id DESC")
    };
    let sql = format!(
        "SELECT {COLUMNS} WHERE {only} (CAST(?1 AS BIGINT) IS NULL OR w.user_id = ?1) \
         AND (CAST(?2 AS BIGINT) IS NULL OR w.customer_id = ?2) \
         AND (CAST(?3 AS TEXT) IS NULL OR (w.signed_on IS NOT NULL AND w.signed_on > w.sign_due) \
              OR (w.signed_on IS NULL AND w.sign_due < ?3)) \
         ORDER BY {order} LIMIT ?4"
    );
    let late_on = f.late_on.map(|d| d.to_string());
    db.rows(
        &sql,
        &[
            f.user.map(|u| u.0).into(),
            f.customer.map(|c| c.0).into(),
            late_on.as_ref().into(),
            super::casework::no_limit(db, f.limit),
        ],
    )
}

/// An owner of cases (customers) and their last work log entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerLogs {
    pub login: String,
    pub display_name: Option<String>,
    pub cases: i64,
    pub last_logged_on: Option<NaiveDate>,
}

/// The owners of customers who wrote no work log entry in `[from, to]`.
pub fn owners_without_logs<'a>(
    db: impl Into<Db<'a>>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<OwnerLogs>> {
    let (from, to) = (from.to_string(), to.to_string());
    let owners: Vec<OwnerLogs> = db.into().rows(
        "SELECT u.login, u.display_name, \
         (SELECT count(*) FROM customers c WHERE c.assignee_id = u.id) AS cases, \
         (SELECT max(w.logged_on) FROM work_logs w WHERE w.user_id = u.id) AS last \
         FROM users u WHERE u.active = 1 \
         AND NOT EXISTS (SELECT 1 FROM work_logs w WHERE w.user_id = u.id AND w.logged_on BETWEEN ?1 AND ?2) \
         ORDER BY u.login",
        &[(&from).into(), (&to).into()],
    )?;
    Ok(owners.into_iter().filter(|o| o.cases != 0).collect())
}

impl FromRow for OwnerLogs {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(OwnerLogs {
            login: c.get("login")?,
            display_name: c.get("display_name")?,
            cases: c.get("cases")?,
            last_logged_on: c.opt_day("last")?,
        })
    }
}

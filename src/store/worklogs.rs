//! The work log (`work_logs`, migration 0019): notes on customers by their owners, append-only,
//! each signed once by a supervisor.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::Result;
use super::book::CustomerId;
use super::row::{self, Cols, FromRow};
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
pub fn insert_work_log(
    conn: &Connection,
    customer: CustomerId,
    user: Option<UserId>,
    kind: WorkLogKind,
    note: &str,
    logged_on: NaiveDate,
    sign_due: NaiveDate,
    at: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO work_logs (customer_id, user_id, kind, note, logged_on, sign_due, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        customer,
        user,
        kind.as_str(),
        note,
        logged_on.to_string(),
        sign_due.to_string(),
        at
    ])?;
    Ok(conn.last_insert_rowid())
}

pub fn work_log_by_id(conn: &Connection, id: i64) -> Result<Option<WorkLogRecord>> {
    row::first(&mut *conn.prepare_cached(&format!("SELECT {COLUMNS} WHERE w.id = ?1"))?, [id])
}

/// Signs an entry not signed yet; whether it was.
pub fn sign_work_log(
    conn: &Connection,
    id: i64,
    by: UserId,
    on: NaiveDate,
    at: &str,
    comment: &str,
) -> Result<bool> {
    let n = conn
        .prepare_cached(
            "UPDATE work_logs SET signed_by = ?2, signed_on = ?3, signed_at = ?4, sign_comment = ?5 \
             WHERE id = ?1 AND signed_at IS NULL",
        )?
        .execute(params![id, by, on.to_string(), at, comment])?;
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
pub fn list_work_logs(conn: &Connection, f: &WorkLogFilter) -> Result<Vec<WorkLogRecord>> {
    // Stated literally, so the partial index of unsigned entries answers that list.
    let (only, order) = if f.unsigned {
        ("w.signed_at IS NULL AND", "w.sign_due, w.id")
    } else {
        ("", "w.logged_on DESC, w.id DESC")
    };
    let sql = format!(
        "SELECT {COLUMNS} WHERE {only} (?1 IS NULL OR w.user_id = ?1) AND (?2 IS NULL OR w.customer_id = ?2) \
         AND (?3 IS NULL OR (w.signed_on IS NOT NULL AND w.signed_on > w.sign_due) \
              OR (w.signed_on IS NULL AND w.sign_due < ?3)) \
         ORDER BY {order} LIMIT ?4"
    );
    let limit = f.limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
    row::all(
        &mut *conn.prepare_cached(&sql)?,
        params![f.user, f.customer, f.late_on.map(|d| d.to_string()), limit],
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
pub fn owners_without_logs(conn: &Connection, from: NaiveDate, to: NaiveDate) -> Result<Vec<OwnerLogs>> {
    let mut stmt = conn.prepare_cached(
        "SELECT u.login, u.display_name, \
         (SELECT count(*) FROM customers c WHERE c.assignee_id = u.id) AS cases, \
         (SELECT max(w.logged_on) FROM work_logs w WHERE w.user_id = u.id) AS last \
         FROM users u WHERE u.active = 1 \
         AND NOT EXISTS (SELECT 1 FROM work_logs w WHERE w.user_id = u.id AND w.logged_on BETWEEN ?1 AND ?2) \
         ORDER BY u.login",
    )?;
    let rows = stmt.query_map(params![from.to_string(), to.to_string()], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, Option<String>>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for r in rows {
        let (login, display_name, cases, last) = r?;
        if cases == 0 {
            continue;
        }
        let last_logged_on = last.as_deref().map(super::settings::parse_day).transpose()?;
        out.push(OwnerLogs { login, display_name, cases, last_logged_on });
    }
    Ok(out)
}

//! The watchlist (a customer's stays on it) and a supervisor's customer ratings.

use chrono::NaiveDate;

use crate::domain::warning::Rating;
use crate::store::Result;
use crate::store::book::CustomerId;
use crate::store::db::Db;
use crate::store::row::{self, Cols, FromRow};

/// A stay on the watchlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchRecord {
    pub id: i64,
    pub customer: CustomerId,
    pub customer_ref: String,
    pub name: String,
    pub owner: Option<String>,
    pub entered_on: NaiveDate,
    pub entered_by: String,
    pub reason: String,
    pub left_on: Option<NaiveDate>,
    pub left_by: Option<String>,
    pub left_reason: Option<String>,
}

const WATCH_COLUMNS: &str = "w.id, w.customer_id, c.customer_ref, c.name, u.login AS owner, w.entered_on, \
     w.entered_by, w.reason, w.left_on, w.left_by, w.left_reason FROM watchlist w \
     JOIN customers c ON c.id = w.customer_id LEFT JOIN users u ON u.id = c.assignee_id";

impl FromRow for WatchRecord {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(WatchRecord {
            id: c.get("id")?,
            customer: c.get("customer_id")?,
            customer_ref: c.get("customer_ref")?,
            name: c.get("name")?,
            owner: c.get("owner")?,
            entered_on: c.day("entered_on")?,
            entered_by: c.get("entered_by")?,
            reason: c.get("reason")?,
            left_on: c.opt_day("left_on")?,
            left_by: c.get("left_by")?,
            left_reason: c.get("left_reason")?,
        })
    }
}

/// A customer's current stay on the watchlist.
pub fn watch_of<'a>(db: impl Into<Db<'a>>, customer: CustomerId) -> Result<Option<WatchRecord>> {
    db.into().first(
        &format!("SELECT {WATCH_COLUMNS} WHERE w.customer_id = ?1 AND w.left_on IS NULL"),
        &[customer.0.into()],
    )
}

/// Puts a customer on the watchlist unless there already; whether it was put. Two desks putting
/// the same customer on at once on the server: the current stay's unique index
/// (`watchlist_current`) keeps one, and the other is told it was there (`DO NOTHING`), as the
/// file's one writer at a time would tell it.
pub fn enter_watchlist<'a>(
    db: impl Into<Db<'a>>,
    customer: CustomerId,
    on: NaiveDate,
    by: &str,
    reason: &str,
    at: &str,
) -> Result<bool> {
    let on = on.to_string();
    Ok(db.into().execute(
        "INSERT INTO watchlist (customer_id, entered_on, entered_by, reason, created_at) \
         SELECT CAST(?1 AS BIGINT), CAST(?2 AS TEXT), CAST(?3 AS TEXT), CAST(?4 AS TEXT), CAST(?5 AS TEXT) \
         WHERE NOT EXISTS (SELECT 1 FROM watchlist WHERE customer_id = ?1 AND left_on IS NULL) \
         ON CONFLICT DO NOTHING",
        &[customer.0.into(), (&on).into(), by.into(), reason.into(), at.into()],
    )? == 1)
}

/// Takes a customer off the watchlist; whether they were on it.
pub fn leave_watchlist<'a>(
    db: impl Into<Db<'a>>,
    customer: CustomerId,
    on: NaiveDate,
    by: &str,
    reason: &str,
) -> Result<bool> {
    let on = on.to_string();
    Ok(db.into().execute(
        "UPDATE watchlist SET left_on = ?2, left_by = ?3, left_reason = ?4 WHERE customer_id = ?1 AND left_on IS NULL",
        &[customer.0.into(), (&on).into(), by.into(), reason.into()],
    )? == 1)
}

/// The watchlist: current stays, or every stay with `all`.
pub fn watchlist<'a>(db: impl Into<Db<'a>>, all: bool) -> Result<Vec<WatchRecord>> {
    db.into().rows(
        &format!(
            "SELECT {WATCH_COLUMNS} WHERE (?1 OR w.left_on IS NULL) ORDER BY w.left_on IS NOT NULL, w.entered_on DESC, w.id DESC"
        ),
        &[all.into()],
    )
}

/// `CROSS JOIN` keeps SQLite to this order; the server takes no `ON` after a `CROSS JOIN`, and
/// plans the join itself.
const WATCHED_WITHOUT_ACTIVE_FILE: &str = "SELECT w.customer_id FROM watchlist w WHERE w.left_on IS NULL AND NOT EXISTS \
     (SELECT 1 FROM loans l CROSS JOIN loan_state s ON s.loan_id = l.id WHERE l.customer_id = w.customer_id \
      AND s.status = 'active') ORDER BY w.customer_id";
const WATCHED_WITHOUT_ACTIVE_SERVER: &str = "SELECT w.customer_id FROM watchlist w WHERE w.left_on IS NULL AND NOT EXISTS \
     (SELECT 1 FROM loans l JOIN loan_state s ON s.loan_id = l.id WHERE l.customer_id = w.customer_id \
      AND s.status = 'active') ORDER BY w.customer_id";

/// The customers on the watchlist whose loans are all closed or written off. Each customer's own
/// loans first (`CROSS JOIN` keeps that order): SQLite otherwise walked every active snapshot row
/// for each customer on the list, hours on a million loans.
pub fn watched_without_active<'a>(db: impl Into<Db<'a>>) -> Result<Vec<CustomerId>> {
    let db = db.into();
    let sql = match db {
        Db::File(_) => WATCHED_WITHOUT_ACTIVE_FILE,
        Db::Server(_) => WATCHED_WITHOUT_ACTIVE_SERVER,
    };
    db.column(sql, &[])
}

/// A user's customers on the watchlist.
pub fn watched_owned<'a>(db: impl Into<Db<'a>>, user: crate::store::users::UserId) -> Result<i64> {
    Ok(db
        .into()
        .value(
            "SELECT count(*) FROM customers c JOIN watchlist w ON w.customer_id = c.id \
             WHERE c.assignee_id = ?1 AND w.left_on IS NULL",
            &[user.0.into()],
        )?
        .unwrap_or(0))
}

/// A supervisor's rating of a customer in force (the latest), with its reason.
pub fn manual_rating<'a>(db: impl Into<Db<'a>>, customer: CustomerId) -> Result<Option<(Rating, String)>> {
    let row: Option<(String, String)> = db.into().first(
        "SELECT rating, reason FROM customer_ratings WHERE customer_id = ?1 ORDER BY id DESC LIMIT 1",
        &[customer.0.into()],
    )?;
    row.map(|(w, reason)| Ok((w.parse().map_err(row::corrupt("rating"))?, reason))).transpose()
}

pub fn set_rating<'a>(
    db: impl Into<Db<'a>>,
    customer: CustomerId,
    rating: Rating,
    reason: &str,
    by: &str,
    on: NaiveDate,
    at: &str,
) -> Result<()> {
    let on = on.to_string();
    db.into().execute(
        "INSERT INTO customer_ratings (customer_id, rating, reason, set_by, set_on, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[customer.0.into(), rating.as_str().into(), reason.into(), by.into(), (&on).into(), at.into()],
    )?;
    Ok(())
}

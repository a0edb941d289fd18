//! The supervisor's team figures: per desk user, by index ranges (owner, user and date), so the
//! report costs the team's share of the book, never a scan of a million loans.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::Result;
use super::book::LoanId;
use super::row::{self, Cols, FromRow};
use super::settings::parse_day;
use super::state::StateTable;
use super::users::UserId;
use crate::domain::{Money, Stage};

/// A user's open cases (customers with an active loan), open loans and their overdue amount.
pub fn open_book_of(conn: &Connection, table: StateTable, user: UserId) -> Result<(i64, i64, Money)> {
    let sql = format!(
        "SELECT count(DISTINCT l.customer_id), count(*), coalesce(sum(s.overdue_amount), 0) \
         FROM {} s JOIN loans l ON l.id = s.loan_id WHERE s.assignee_id = ?1 AND s.status = 'active'",
        table.name()
    );
    Ok(conn
        .prepare_cached(&sql)?
        .query_row([user], |r| Ok((r.get(0)?, r.get(1)?, Money::from_cents(r.get(2)?))))?)
}

/// Contacts the user logged from `from` (inclusive) to `to` (exclusive), compared as stamps' text;
/// a contact taken back as entered in error counts no more, nor does its taking back.
pub fn contacts_by(conn: &Connection, user: UserId, from: NaiveDate, to: NaiveDate) -> Result<i64> {
    let range = params![user, from.to_string(), to.to_string()];
    let all: i64 = conn
        .prepare_cached("SELECT count(*) FROM contacts WHERE user_id = ?1 AND at >= ?2 AND at < ?3")?
        .query_row(range, |r| r.get(0))?;
    // From the few taking-backs (a partial index), never a pass over the user's contacts.
    let voided: i64 = conn
        .prepare_cached(
            "SELECT (SELECT count(*) FROM contacts v WHERE v.voids = 1 AND v.user_id = ?1 AND v.at >= ?2 AND v.at < ?3) + \
             (SELECT count(*) FROM contacts v JOIN contacts o ON o.id = v.corrects_id WHERE v.voids = 1 \
              AND o.user_id = ?1 AND o.at >= ?2 AND o.at < ?3)",
        )?
        .query_row(params![user, from.to_string(), to.to_string()], |r| r.get(0))?;
    Ok(all - voided)
}

/// Promises the user took with `made_on` in the range (inclusive).
pub fn promises_made_by(conn: &Connection, user: UserId, from: NaiveDate, to: NaiveDate) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT count(*) FROM promises WHERE user_id = ?1 AND made_on BETWEEN ?2 AND ?3")?
        .query_row(params![user, from.to_string(), to.to_string()], |r| r.get(0))?)
}

/// A promise falling due in a range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuePromise {
    pub loan: LoanId,
    pub made_on: NaiveDate,
    pub due_on: NaiveDate,
    pub amount: Money,
}

impl FromRow for DuePromise {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(DuePromise {
            loan: c.get("loan_id")?,
            made_on: c.day("made_on")?,
            due_on: c.day("due_on")?,
            amount: c.money("amount_cents")?,
        })
    }
}

/// Promises the user took that fall due in the range (inclusive).
pub fn promises_due_by(
    conn: &Connection,
    user: UserId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DuePromise>> {
    let mut stmt = conn.prepare_cached(
        "SELECT loan_id, made_on, due_on, amount_cents FROM promises \
         WHERE user_id = ?1 AND due_on BETWEEN ?2 AND ?3 ORDER BY due_on, id",
    )?;
    row::all(&mut stmt, params![user, from.to_string(), to.to_string()])
}

/// Payments received in the range (inclusive) by day and by the case's owner now.
pub fn collections(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(NaiveDate, Option<UserId>, Money)>> {
    let rows = conn
        .prepare_cached(
            "SELECT p.paid_on, c.assignee_id, sum(p.amount_cents) FROM payments p \
             JOIN loans l ON l.id = p.loan_id JOIN customers c ON c.id = l.customer_id \
             WHERE p.paid_on BETWEEN ?1 AND ?2 GROUP BY p.paid_on, c.assignee_id ORDER BY p.paid_on",
        )?
        .query_map(params![from.to_string(), to.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, Option<i64>>(1)?.map(UserId), r.get::<_, i64>(2)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(|(d, u, c)| Ok((parse_day(&d)?, u, Money::from_cents(c)))).collect()
}

/// How many loans are in the stage (a count on the stage index).
pub fn stage_count(conn: &Connection, table: StateTable, stage: Stage) -> Result<i64> {
    let sql = format!("SELECT count(*) FROM {} WHERE stage = ?1", table.name());
    Ok(conn.prepare_cached(&sql)?.query_row([stage.as_str()], |r| r.get(0))?)
}

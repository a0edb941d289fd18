//! The supervisor's team figures: per desk user, by index ranges (owner, user and date), so the
//! report costs the team's share of the book, never a scan of a million loans.

use chrono::NaiveDate;

use super::Result;
use super::book::LoanId;
use super::db::Db;
use super::escalation::snapshot_table;
use super::row::parse_day;
use super::row::{Cols, FromRow};
use super::state::StateTable;
use super::users::UserId;
use crate::domain::{Money, Stage};

/// A user's open cases (customers with an active loan), open loans and their overdue amount.
pub fn open_book_of<'a>(db: impl Into<Db<'a>>, table: StateTable, user: UserId) -> Result<(i64, i64, Money)> {
    let db = db.into();
    let sql = format!(
        "SELECT count(DISTINCT l.customer_id), count(*), CAST(coalesce(sum(s.overdue_amount), 0) AS BIGINT) \
         FROM {} s JOIN loans l ON l.id = s.loan_id WHERE s.assignee_id = ?1 AND s.status = 'active'",
        snapshot_table(db, table)
    );
    let (cases, loans, cents): (i64, i64, i64) = db.first(&sql, &[user.0.into()])?.unwrap_or((0, 0, 0));
    Ok((cases, loans, Money::from_cents(cents)))
}

/// Contacts the user logged from `from` (inclusive) to `to` (exclusive), compared as stamps' text;
/// a contact taken back as entered in error counts no more, nor does its taking back.
pub fn contacts_by<'a>(db: impl Into<Db<'a>>, user: UserId, from: NaiveDate, to: NaiveDate) -> Result<i64> {
    let db = db.into();
    let (from, to) = (from.to_string(), to.to_string());
    let range = [user.0.into(), (&from).into(), (&to).into()];
    let all: i64 = db
        .value("SELECT count(*) FROM contacts WHERE user_id = ?1 AND at >= ?2 AND at < ?3", &range)?
        .unwrap_or(0);
    // From the few taking-backs (a partial index), never a pass over the user's contacts.
    let voided: i64 = db
        .value(
            "SELECT (SELECT count(*) FROM contacts v WHERE v.voids = 1 AND v.user_id = ?1 AND v.at >= ?2 AND v.at < ?3) + \
             (SELECT count(*) FROM contacts v JOIN contacts o ON o.id = v.corrects_id WHERE v.voids = 1 \
              AND o.user_id = ?1 AND o.at >= ?2 AND o.at < ?3)",
            &range,
        )?
        .unwrap_or(0);
    Ok(all - voided)
}

/// Promises the user took with `made_on` in the range (inclusive).
pub fn promises_made_by<'a>(
    db: impl Into<Db<'a>>,
    user: UserId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<i64> {
    let (from, to) = (from.to_string(), to.to_string());
    Ok(db
        .into()
        .value(
            "SELECT count(*) FROM promises WHERE user_id = ?1 AND made_on BETWEEN ?2 AND ?3",
            &[user.0.into(), (&from).into(), (&to).into()],
        )?
        .unwrap_or(0))
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
pub fn promises_due_by<'a>(
    db: impl Into<Db<'a>>,
    user: UserId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<DuePromise>> {
    let (from, to) = (from.to_string(), to.to_string());
    db.into().rows(
        "SELECT loan_id, made_on, due_on, amount_cents FROM promises \
         WHERE user_id = ?1 AND due_on BETWEEN ?2 AND ?3 ORDER BY due_on, id",
        &[user.0.into(), (&from).into(), (&to).into()],
    )
}

/// Payments received in the range (inclusive) by day and by the case's owner now, in day order
/// and, within a day, nobody's first, then by owner.
pub fn collections<'a>(
    db: impl Into<Db<'a>>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<(NaiveDate, Option<UserId>, Money)>> {
    let (from, to) = (from.to_string(), to.to_string());
    let rows: Vec<(String, Option<UserId>, i64)> = db.into().rows(
        "SELECT p.paid_on, c.assignee_id, CAST(sum(p.amount_cents) AS BIGINT) FROM payments p \
         JOIN loans l ON l.id = p.loan_id JOIN customers c ON c.id = l.customer_id \
         WHERE p.paid_on BETWEEN ?1 AND ?2 GROUP BY p.paid_on, c.assignee_id ORDER BY p.paid_on",
        &[(&from).into(), (&to).into()],
    )?;
    let mut out = rows
        .into_iter()
        .map(|(d, u, c)| Ok((parse_day(&d)?, u, Money::from_cents(c))))
        .collect::<Result<Vec<_>>>()?;
    // The owners of one day in the order SQLite's grouping gives them (the server's is its own).
    out.sort_by_key(|&(day, owner, _)| (day, owner));
    Ok(out)
}

/// How many loans are in the stage (a count on the stage index).
pub fn stage_count<'a>(db: impl Into<Db<'a>>, table: StateTable, stage: Stage) -> Result<i64> {
    let db = db.into();
    let sql = format!("SELECT count(*) FROM {} WHERE stage = ?1", snapshot_table(db, table));
    Ok(db.value(&sql, &[stage.as_str().into()])?.unwrap_or(0))
}

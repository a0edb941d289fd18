//! Case ownership: one owner per customer (一户一人).

use rusqlite::{Connection, params};

use super::Result;
use super::book::{CustomerId, LoanId};
use super::users::UserId;

/// Gives the customer (all of its loans) to `to`, records the move, and keeps the queue's copy of
/// the owner current. Returns the customer's loans.
pub fn reassign_customer(
    conn: &Connection,
    customer: CustomerId,
    from: Option<UserId>,
    to: UserId,
    by: Option<UserId>,
    reason: &str,
    at: &str,
) -> Result<Vec<LoanId>> {
    conn.prepare_cached("UPDATE customers SET assignee_id = ?2, version = version + 1 WHERE id = ?1")?
        .execute(params![customer, to])?;
    conn.prepare_cached(
        "INSERT INTO assignments (customer_id, from_user_id, to_user_id, by_user_id, reason, at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![customer, from, to, by, reason, at])?;
    let loans = conn
        .prepare_cached("SELECT id FROM loans WHERE customer_id = ?1 ORDER BY id")?
        .query_map([customer], |r| r.get::<_, LoanId>(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut state = conn.prepare_cached("UPDATE loan_state SET assignee_id = ?2 WHERE loan_id = ?1")?;
    for loan in &loans {
        state.execute(params![loan, to])?;
    }
    Ok(loans)
}

//! Case leases: who has a case (a customer) open to edit, and until when.

use rusqlite::{Connection, OptionalExtension, params};

use super::Result;
use super::book::{CustomerId, LoanId};
use super::users::UserId;

/// A lease on a customer's case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseRow {
    pub customer: CustomerId,
    pub user: UserId,
    pub login: String,
    pub taken_at: String,
    pub until_at: String,
    pub until_epoch: i64,
}

/// The customer's lease that is still running at `now_epoch`, if any.
pub fn lease_of(conn: &Connection, customer: CustomerId, now_epoch: i64) -> Result<Option<LeaseRow>> {
    Ok(conn
        .prepare_cached(
            "SELECT k.customer_id, k.user_id, u.login, k.taken_at, k.until_at, k.until_epoch \
             FROM case_leases k JOIN users u ON u.id = k.user_id \
             WHERE k.customer_id = ?1 AND k.until_epoch > ?2",
        )?
        .query_row(params![customer, now_epoch], |r| {
            Ok(LeaseRow {
                customer: r.get(0)?,
                user: UserId(r.get(1)?),
                login: r.get(2)?,
                taken_at: r.get(3)?,
                until_at: r.get(4)?,
                until_epoch: r.get(5)?,
            })
        })
        .optional()?)
}

/// Gives the customer's lease to `user` until the given time (a new lease or a renewal), and
/// sweeps leases that have run out so the table stays as small as the number of open desks.
pub fn put_lease(
    conn: &Connection,
    customer: CustomerId,
    user: UserId,
    taken_at: &str,
    until_at: &str,
    until_epoch: i64,
    now_epoch: i64,
) -> Result<()> {
    conn.prepare_cached("DELETE FROM case_leases WHERE until_epoch <= ?1")?.execute([now_epoch])?;
    conn.prepare_cached(
        "INSERT INTO case_leases (customer_id, user_id, taken_at, until_at, until_epoch) \
         VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (customer_id) DO UPDATE SET user_id = ?2, taken_at = ?3, until_at = ?4, until_epoch = ?5",
    )?
    .execute(params![customer, user.0, taken_at, until_at, until_epoch])?;
    Ok(())
}

/// Ends the customer's lease (any holder's); whether there was one.
pub fn drop_lease(conn: &Connection, customer: CustomerId) -> Result<bool> {
    Ok(conn.prepare_cached("DELETE FROM case_leases WHERE customer_id = ?1")?.execute([customer])? > 0)
}

/// The loans under a running lease and its holder. Driven from the lease table (one row per open
/// desk), so it costs the same on any size of book.
pub fn leased_loans(conn: &Connection, now_epoch: i64) -> Result<Vec<(LoanId, UserId, String)>> {
    let rows = conn
        .prepare_cached(
            "SELECT l.id, k.user_id, u.login FROM case_leases k \
             JOIN loans l ON l.customer_id = k.customer_id JOIN users u ON u.id = k.user_id \
             WHERE k.until_epoch > ?1",
        )?
        .query_map([now_epoch], |r| Ok((r.get::<_, LoanId>(0)?, UserId(r.get(1)?), r.get::<_, String>(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

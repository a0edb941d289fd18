//! Case leases: who has a case (a customer) open to edit, and until when; on either backend.

use super::Result;
use super::book::{CustomerId, LoanId};
use super::db::Db;
use super::row::{Cols, FromRow};
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

impl FromRow for LeaseRow {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(LeaseRow {
            customer: c.get("customer_id")?,
            user: c.get("user_id")?,
            login: c.get("login")?,
            taken_at: c.get("taken_at")?,
            until_at: c.get("until_at")?,
            until_epoch: c.get("until_epoch")?,
        })
    }
}

/// The server's advisory locks on cases: (this class, the customer's id).
const CASE_LOCKS: i32 = 0x6463;

/// The customer's lease that is still running at `now_epoch`, if any. Asked inside a transaction
/// on the server, it locks the case until that transaction ends, so that what is decided on the
/// lease (an edit allowed, a lease taken) holds when it is written: the file's writers are one at
/// a time already.
pub fn lease_of<'a>(db: impl Into<Db<'a>>, customer: CustomerId, now_epoch: i64) -> Result<Option<LeaseRow>> {
    let db = db.into();
    if let Db::Server(session) = db
        && session.in_transaction()
    {
        // Ids past 2^31 share a lock with another case: a wait, never a wrong answer.
        let key = i64::from(i32::try_from(customer.0 & 0x7fff_ffff).unwrap_or(0));
        db.execute("SELECT pg_advisory_xact_lock(?1, ?2)", &[i64::from(CASE_LOCKS).into(), key.into()])?;
    }
    db.first(
        "SELECT k.customer_id, k.user_id, u.login, k.taken_at, k.until_at, k.until_epoch \
         FROM case_leases k JOIN users u ON u.id = k.user_id \
         WHERE k.customer_id = ?1 AND k.until_epoch > ?2",
        &[customer.0.into(), now_epoch.into()],
    )
}

/// Gives the customer's lease to `user` until the given time (a new lease or a renewal), and
/// sweeps leases that have run out so the table stays as small as the number of open desks.
pub fn put_lease<'a>(
    db: impl Into<Db<'a>>,
    customer: CustomerId,
    user: UserId,
    taken_at: &str,
    until_at: &str,
    until_epoch: i64,
    now_epoch: i64,
) -> Result<()> {
    let db = db.into();
    db.execute("DELETE FROM case_leases WHERE until_epoch <= ?1", &[now_epoch.into()])?;
    db.execute(
        "INSERT INTO case_leases (customer_id, user_id, taken_at, until_at, until_epoch) \
         VALUES (?1, ?2, ?3, ?4, ?5) \
         ON CONFLICT (customer_id) DO UPDATE SET user_id = excluded.user_id, taken_at = excluded.taken_at, \
         until_at = excluded.until_at, until_epoch = excluded.until_epoch",
        &[customer.0.into(), user.0.into(), taken_at.into(), until_at.into(), until_epoch.into()],
    )?;
    Ok(())
}

/// Who took the customer's case over since `since` (RFC 3339), when, and the audit entry's detail
/// (with the reason): the latest such entry, by the audit log's entity index.
pub fn taken_over_since<'a>(
    db: impl Into<Db<'a>>,
    customer_ref: &str,
    since: &str,
) -> Result<Option<(String, String, String)>> {
    db.into().first(
        "SELECT actor, at, detail FROM audit_log \
         WHERE entity = 'case' AND entity_id = ?1 AND action = 'lease_take_over' AND at >= ?2 \
         ORDER BY id DESC LIMIT 1",
        &[customer_ref.into(), since.into()],
    )
}

/// Ends the customer's lease (any holder's); whether there was one.
pub fn drop_lease<'a>(db: impl Into<Db<'a>>, customer: CustomerId) -> Result<bool> {
    Ok(db.into().execute("DELETE FROM case_leases WHERE customer_id = ?1", &[customer.0.into()])? > 0)
}

/// The loans under a running lease and its holder. Driven from the lease table (one row per open
/// desk), so it costs the same on any size of book.
pub fn leased_loans<'a>(db: impl Into<Db<'a>>, now_epoch: i64) -> Result<Vec<(LoanId, UserId, String)>> {
    db.into().rows(
        "SELECT l.id, k.user_id, u.login FROM case_leases k \
         JOIN loans l ON l.customer_id = k.customer_id JOIN users u ON u.id = k.user_id \
         WHERE k.until_epoch > ?1",
        &[now_epoch.into()],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{LoanTerms, Money, Product, Rate, Role};
    use crate::store::{NewLoan, Store, insert_loan, insert_user};
    use rusqlite::Connection;

    fn loan(conn: &Connection, loan_ref: &str, customer: &str) -> LoanId {
        let terms = LoanTerms {
            product: Product::Bullet,
            principal: Money::from_cents(100_000),
            rate: Rate::from_e4(120_000),
            term_months: 1,
            disbursed_on: crate::domain::parse_date("2026-01-01").expect("date"),
        };
        let new = NewLoan {
            loan_ref: loan_ref.into(),
            customer_ref: Some(customer.into()),
            borrower: "赵一".into(),
            phone: None,
            terms,
            guarantor: None,
            guarantor_phone: None,
            collateral: None,
            branch: None,
            assignee: None,
        };
        insert_loan(conn, &new, "2026-01-01T00:00:00+08:00").expect("loan")
    }

    #[test]
    fn a_lease_runs_until_its_end_and_spent_ones_are_swept() {
        let store = Store::open_in_memory().expect("store");
        let conn = store.conn();
        let xu = insert_user(conn, "xu.na", None, Role::Collector, "t").expect("user");
        let hu = insert_user(conn, "hu.bin", None, Role::Collector, "t").expect("user");
        let (a1, a2, b1) = (loan(conn, "A-1", "K-A"), loan(conn, "A-2", "K-A"), loan(conn, "B-1", "K-B"));
        let cust = |l: LoanId| -> CustomerId {
            conn.query_row("SELECT customer_id FROM loans WHERE id = ?1", [l], |r| r.get(0))
                .expect("customer")
        };
        put_lease(conn, cust(a1), xu, "t0", "t15", 1_000, 100).expect("put");
        put_lease(conn, cust(b1), hu, "t0", "t5", 500, 100).expect("put");
        let l = lease_of(conn, cust(a2), 999).expect("read").expect("running");
        assert_eq!((l.user, l.login.as_str(), l.until_epoch), (xu, "xu.na", 1_000));
        assert_eq!(lease_of(conn, cust(a1), 1_000).expect("read"), None, "ended at its end");
        // Both of the customer's loans are leased; B-1's lease has run out at 600.
        let mut leased = leased_loans(conn, 600).expect("leased");
        leased.sort();
        assert_eq!(leased, vec![(a1, xu, "xu.na".into()), (a2, xu, "xu.na".into())]);
        // Taking a lease sweeps spent ones; a renewal replaces the holder's row.
        put_lease(conn, cust(a1), hu, "t1", "t20", 2_000, 600).expect("put");
        let rows: i64 = conn.query_row("SELECT count(*) FROM case_leases", [], |r| r.get(0)).expect("count");
        assert_eq!(rows, 1);
        assert_eq!(lease_of(conn, cust(a1), 600).expect("read").map(|l| l.user), Some(hu));
        assert!(drop_lease(conn, cust(a1)).expect("drop"));
        assert!(!drop_lease(conn, cust(a1)).expect("drop"));
    }
}

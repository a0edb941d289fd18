//! Case ownership: one owner per customer (一户一人).

use super::Result;
use super::book::{CustomerId, LoanId};
use super::db::{Db, Val};
use super::row::{Cols, FromRow};
use super::users::UserId;

/// Gives the customer (all of its loans) to `to`, records the move, and keeps the queue's and the
/// inspection schedule's copies of the owner current. Returns the customer's loans.
pub fn reassign_customer<'a>(
    db: impl Into<Db<'a>>,
    customer: CustomerId,
    from: Option<UserId>,
    to: UserId,
    by: Option<UserId>,
    reason: &str,
    at: &str,
) -> Result<Vec<LoanId>> {
    let db = db.into();
    db.execute(
        "UPDATE customers SET assignee_id = ?2, version = version + 1 WHERE id = ?1",
        &[customer.0.into(), to.0.into()],
    )?;
    db.execute(
        "INSERT INTO assignments (customer_id, from_user_id, to_user_id, by_user_id, reason, at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[
            customer.0.into(),
            from.map(|u| u.0).into(),
            to.0.into(),
            by.map(|u| u.0).into(),
            reason.into(),
            at.into(),
        ],
    )?;
    let loans: Vec<LoanId> =
        db.column("SELECT id FROM loans WHERE customer_id = ?1 ORDER BY id", &[customer.0.into()])?;
    let state =
        format!("UPDATE {} SET assignee_id = ?2 WHERE loan_id = ?1", super::StateTable::Shared.name_in(db));
    for loan in &loans {
        db.execute(&state, &[loan.0.into(), to.0.into()])?;
        super::set_due_owner(db, *loan, Some(to))?;
    }
    Ok(loans)
}

/// One case (customer) a bulk assignment selects: its owner now, and the loans of it the filter
/// matched (count and overdue amount).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRow {
    pub customer: CustomerId,
    pub customer_ref: String,
    pub owner: Option<UserId>,
    pub owner_login: Option<String>,
    /// The customer's first loan (by id) the filter matched: the case's name in messages.
    pub loan_ref: String,
    pub loans: i64,
    pub overdue_cents: i64,
}

/// Which loans a bulk assignment takes (each brings its customer's other loans along).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseFilter {
    pub stage: Option<crate::domain::Stage>,
    pub owner: Option<UserId>,
    pub dpd_min: Option<i64>,
}

/// The cases matching the filter, one row per customer, in customer order. Reads the snapshot's
/// stage or owner index, so only the selected loans are touched.
pub fn select_cases<'a>(db: impl Into<Db<'a>>, at: super::StateAt, f: &CaseFilter) -> Result<Vec<CaseRow>> {
    let db = db.into();
    let server = matches!(db, Db::Server(_));
    let mut conds = Vec::new();
    let mut args: Vec<Val<'_>> = Vec::new();
    if let Some(stage) = f.stage {
        args.push(stage.as_str().into());
        conds.push(format!("s.stage = ?{}", args.len()));
    }
    if let Some(owner) = f.owner {
        args.push(owner.0.into());
        conds.push(format!("s.assignee_id = ?{}", args.len()));
    }
    // DPD at least `min` on the date: overdue since that many days before it.
    let since = f.dpd_min.filter(|m| *m >= 1).map(|min| at.days_before(min).map(|d| d.to_string()));
    if let Some(since) = &since {
        args.push(since.as_ref().into());
        // The snapshot's DPD indexes lead with `overdue_since IS NULL`: a number on a file, a BOOL on the server.
        let not_null = if server { "false" } else { "0" };
        conds.push(format!("(s.overdue_since IS NULL) = {not_null} AND s.overdue_since <= ?{}", args.len()));
    }
    let clause = if conds.is_empty() { String::new() } else { format!("WHERE {}", conds.join(" AND ")) };
    let sql = match db {
        // With one min() in the query SQLite takes bare columns (the loan id) from that row. CROSS
        // JOIN keeps the snapshot's index first: grouping by customer would otherwise tempt the
        // planner into scanning every loan in customer order.
        Db::File(_) => format!(
            "SELECT l.customer_id, c.customer_ref, c.assignee_id, u.login, min(l.id) AS first_loan, l.loan_ref, \
             count(*) AS loans, sum(s.overdue_amount) AS overdue_cents \
             FROM {} s CROSS JOIN loans l ON l.id = s.loan_id JOIN customers c ON c.id = l.customer_id \
             LEFT JOIN users u ON u.id = c.assignee_id {clause} GROUP BY l.customer_id ORDER BY l.customer_id",
            at.table.name()
        ),
        // The server takes no bare column beside min(): the first loan's id is looked up.
        Db::Server(_) => format!(
            "SELECT l.customer_id, c.customer_ref, c.assignee_id, u.login, min(l.id) AS first_loan, \
             (SELECT f.loan_ref FROM loans f WHERE f.id = min(l.id)) AS loan_ref, \
             count(*) AS loans, CAST(sum(s.overdue_amount) AS BIGINT) AS overdue_cents \
             FROM {} s JOIN loans l ON l.id = s.loan_id JOIN customers c ON c.id = l.customer_id \
             LEFT JOIN users u ON u.id = c.assignee_id {clause} \
             GROUP BY l.customer_id, c.customer_ref, c.assignee_id, u.login ORDER BY l.customer_id",
            match at.table {
                super::StateTable::Shared => "loan_state",
                super::StateTable::Scratch => "pg_temp.loan_state_scratch",
            }
        ),
    };
    db.rows(&sql, &args)
}

impl FromRow for CaseRow {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        let (customer, customer_ref, owner, owner_login) =
            (c.get("customer_id")?, c.get("customer_ref")?, c.get("assignee_id")?, c.get("login")?);
        // The first loan's id only picks the row its loan id is read from.
        let _: i64 = c.get("first_loan")?;
        Ok(CaseRow {
            customer,
            customer_ref,
            owner,
            owner_login,
            loan_ref: c.get("loan_ref")?,
            loans: c.get("loans")?,
            overdue_cents: c.get("overdue_cents")?,
        })
    }
}

/// The customer's owner now.
pub fn customer_owner<'a>(db: impl Into<Db<'a>>, customer: CustomerId) -> Result<Option<UserId>> {
    Ok(db
        .into()
        .value::<Option<UserId>>("SELECT assignee_id FROM customers WHERE id = ?1", &[customer.0.into()])?
        // The error an unknown customer always gave.
        .ok_or(rusqlite::Error::QueryReturnedNoRows)?)
}

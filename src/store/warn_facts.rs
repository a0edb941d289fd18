//! What the early-warning run reads beyond the snapshot's rows for the customer-wide rules: the
//! active loans in one pass, the promises and call attempts in the rules' windows, the loans whose
//! latest inspection reads risk.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::Result;
use super::book::{CustomerId, LoanId};
use super::row;
use crate::domain::{Money, Outcome};

fn ids<T: rusqlite::types::FromSql>(
    conn: &Connection,
    sql: &str,
    p: impl rusqlite::Params,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(p, |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// An active loan as the customer-wide rules read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveLoan {
    pub loan: LoanId,
    pub customer: CustomerId,
    pub overdue_since: Option<NaiveDate>,
    pub outstanding: Money,
}

/// Every active loan with its customer, in one pass over the snapshot: the customer-wide rules
/// need each customer's outstanding principal and each of their loans' DPD, and a query per
/// customer costs more than the pass on a large book.
pub fn active_loans(conn: &Connection) -> Result<Vec<ActiveLoan>> {
    let mut stmt = conn.prepare_cached(
        // Nine loans in ten are active: a pass over the table beats the status index, which
        // SQLite would take and then read each row from the table again (1.1 s → 0.6 s).
        "SELECT s.loan_id, l.customer_id, s.overdue_since, s.outstanding_principal \
         FROM loan_state s NOT INDEXED JOIN loans l ON l.id = s.loan_id WHERE s.status = 'active' \
         ORDER BY s.loan_id",
    )?;
    row::all(&mut stmt, [])
}

impl row::FromRow for ActiveLoan {
    fn read(c: &mut row::Cols<'_, '_>) -> Result<Self> {
        Ok(ActiveLoan {
            loan: c.get("loan_id")?,
            customer: c.get("customer_id")?,
            overdue_since: c.opt_day("overdue_since")?,
            outstanding: c.money("outstanding_principal")?,
        })
    }
}

/// A customer's active loans with the date they are overdue since.
pub fn active_loans_of(conn: &Connection, customer: CustomerId) -> Result<Vec<(LoanId, Option<NaiveDate>)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.loan_id, s.overdue_since FROM loans l JOIN loan_state s ON s.loan_id = l.id \
         WHERE l.customer_id = ?1 AND s.status = 'active' ORDER BY s.loan_id",
    )?;
    let rows =
        stmt.query_map([customer], |r| Ok((r.get::<_, LoanId>(0)?, r.get::<_, Option<String>>(1)?)))?;
    let mut out = Vec::new();
    for r in rows {
        let (loan, since) = r?;
        let since = since
            .map(|s| crate::domain::parse_date(&s).map_err(row::corrupt("overdue_since")))
            .transpose()?;
        out.push((loan, since));
    }
    Ok(out)
}

/// The active loans whose latest inspection (by date, then record; a corrected one left out, as
/// `latest_conclusion` reads it) concludes `risk`, in one statement.
pub fn active_loans_latest_risk(conn: &Connection) -> Result<Vec<LoanId>> {
    ids(
        conn,
        "SELECT c.loan_id FROM (SELECT DISTINCT loan_id FROM inspections INDEXED BY inspections_risk \
         WHERE conclusion = 'risk') c \
         JOIN loan_state s ON s.loan_id = c.loan_id AND s.status = 'active' \
         WHERE (SELECT i.conclusion FROM inspections i WHERE i.loan_id = c.loan_id \
                AND NOT EXISTS (SELECT 1 FROM inspections n WHERE n.corrects_id = i.id) \
                ORDER BY i.done_on DESC, i.id DESC LIMIT 1) = 'risk' \
         ORDER BY c.loan_id",
        [],
    )
}

/// A promise as the broken-promises rule reads it: loan, customer, amount, made on, due on.
pub type PromiseDue = (LoanId, CustomerId, Money, NaiveDate, NaiveDate);

/// The promises due in [from, to], by customer (and in the order they were made). `customer_of`
/// gives the customer of a loan the caller has at hand (the active loans, in memory already);
/// another loan's is looked up, instead of every promise's loan read again from the table.
pub fn promises_due_between(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    customer_of: &dyn Fn(LoanId) -> Option<CustomerId>,
) -> Result<Vec<PromiseDue>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, loan_id, amount_cents, made_on, due_on FROM promises WHERE due_on >= ?1 AND due_on <= ?2",
    )?;
    let rows = stmt.query_map(params![from.to_string(), to.to_string()], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut owner = conn.prepare_cached("SELECT customer_id FROM loans WHERE id = ?1")?;
    let mut out = Vec::new();
    for r in rows {
        let (id, loan, cents, made, due) = r?;
        let customer = match customer_of(loan) {
            Some(c) => c,
            None => owner.query_row([loan], |r| r.get(0))?,
        };
        let day = |s: &str| crate::domain::parse_date(s).map_err(row::corrupt("promise date"));
        out.push((customer, id, (loan, customer, Money::from_cents(cents), day(&made)?, day(&due)?)));
    }
    out.sort_unstable_by_key(|(customer, id, _)| (*customer, *id));
    Ok(out.into_iter().map(|(_, _, p)| p).collect())
}

/// Call attempts to the debtor that count (outbound, not a correction, not taken back).
const ATTEMPTS: &str = "channel = 'call' AND party = 'debtor' AND direction = 'outbound' AND corrects_id IS NULL \
     AND NOT EXISTS (SELECT 1 FROM contacts v WHERE v.corrects_id = c.id AND v.voids = 1)";

/// The customers with at least `n` call attempts to the debtor at or after `since` (a time).
pub fn customers_called_since(conn: &Connection, since: &str, n: i64) -> Result<Vec<CustomerId>> {
    ids(
        conn,
        &format!(
            // The attempts in the window by time (migration 0026), not every contact by customer.
            "SELECT customer_id FROM contacts c INDEXED BY contacts_attempts WHERE at >= ?1 AND {ATTEMPTS} \
             GROUP BY customer_id HAVING count(*) >= ?2 ORDER BY customer_id"
        ),
        params![since, n],
    )
}

/// A customer's latest `n` call attempts to the debtor: the time and outcome, newest first.
pub fn last_calls(conn: &Connection, customer: CustomerId, n: i64) -> Result<Vec<(String, Outcome)>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT at, outcome FROM contacts c WHERE customer_id = ?1 AND {ATTEMPTS} ORDER BY at DESC, id DESC LIMIT ?2"
    ))?;
    let rows =
        stmt.query_map(params![customer, n], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut out = Vec::new();
    for r in rows {
        let (at, outcome) = r?;
        out.push((at, outcome.parse().map_err(row::corrupt("outcome"))?));
    }
    Ok(out)
}

/// The highest loan id of the book (0 when empty).
pub fn last_loan(conn: &Connection) -> Result<i64> {
    Ok(conn.prepare_cached("SELECT coalesce(max(id), 0) FROM loans")?.query_row([], |r| r.get(0))?)
}

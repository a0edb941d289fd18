//! What a payments import asks of the book beyond inserting a row: the loan a row pays, the
//! payments already stored that it could repeat, and what a loan has been paid in all.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::Result;
use super::book::LoanId;
use super::row::{self, Cols, FromRow};
use crate::domain::Money;

/// The loan a payment row names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PaymentTarget {
    pub loan: LoanId,
    pub disbursed_on: NaiveDate,
    pub principal: Money,
    /// An explicit schedule (a plan) is in force.
    pub planned: bool,
}

impl FromRow for PaymentTarget {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(PaymentTarget {
            loan: c.get("id")?,
            disbursed_on: c.day("disbursed_on")?,
            principal: c.money("principal_cents")?,
            planned: c.get::<Option<i64>>("schedule_id")?.is_some(),
        })
    }
}

pub fn payment_target(conn: &Connection, loan_ref: &str) -> Result<Option<PaymentTarget>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, disbursed_on, principal_cents, schedule_id FROM loans WHERE loan_ref = ?1",
    )?;
    row::first(&mut stmt, [loan_ref])
}

/// The newest payment's id (0 when there is none): the rows a running import inserts come after it.
pub fn last_payment_id(conn: &Connection) -> Result<i64> {
    Ok(conn.prepare_cached("SELECT coalesce(max(id), 0) FROM payments")?.query_row([], |r| r.get(0))?)
}

/// The references (`None`: none given) of the loan's payments of this amount on this day, among
/// those with an id up to `up_to` (the ones stored before an import began).
pub fn equal_payments(
    conn: &Connection,
    loan: LoanId,
    paid_on: NaiveDate,
    amount: Money,
    up_to: i64,
) -> Result<Vec<Option<String>>> {
    let mut stmt = conn.prepare_cached(
        "SELECT reference FROM payments WHERE loan_id = ?1 AND paid_on = ?2 AND amount_cents = ?3 AND id <= ?4 \
         ORDER BY id",
    )?;
    let refs = stmt
        .query_map(params![loan, paid_on.to_string(), amount.cents(), up_to], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(refs)
}

/// The day and amount of the loan's payment with this reference, if it has one.
pub fn payment_with_reference(
    conn: &Connection,
    loan: LoanId,
    reference: &str,
) -> Result<Option<(NaiveDate, Money)>> {
    let found: Option<(String, i64)> = conn
        .prepare_cached("SELECT paid_on, amount_cents FROM payments WHERE loan_id = ?1 AND reference = ?2")?
        .query_row(params![loan, reference], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    found.map(|(day, cents)| Ok((super::settings::parse_day(&day)?, Money::from_cents(cents)))).transpose()
}

/// Everything the loan has been paid, summed without overflowing.
pub fn paid_in_all(conn: &Connection, loan: LoanId) -> Result<Money> {
    let mut stmt = conn.prepare_cached("SELECT amount_cents FROM payments WHERE loan_id = ?1")?;
    let amounts = stmt.query_map([loan], |r| r.get::<_, i64>(0))?;
    let mut sum = 0i128;
    for a in amounts {
        sum += i128::from(a?);
    }
    Ok(Money::from_cents(i64::try_from(sum).unwrap_or(i64::MAX)))
}

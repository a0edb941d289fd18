//! What a payments import asks of the book beyond inserting a row: the loan a row pays, the
//! payments already stored that it could repeat, and what a loan has been paid in all. On either
//! backend.

use super::Result;
use super::book::LoanId;
use super::db::Db;
use super::row::{Cols, FromRow};
use crate::domain::Money;
use chrono::NaiveDate;

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

pub fn payment_target<'a>(db: impl Into<Db<'a>>, loan_ref: &str) -> Result<Option<PaymentTarget>> {
    db.into().first(
        "SELECT id, disbursed_on, principal_cents, schedule_id FROM loans WHERE loan_ref = ?1",
        &[loan_ref.into()],
    )
}

/// The newest payment's id (0 when there is none): the rows a running import inserts come after it.
pub fn last_payment_id<'a>(db: impl Into<Db<'a>>) -> Result<i64> {
    Ok(db.into().value("SELECT coalesce(max(id), 0) FROM payments", &[])?.unwrap_or(0))
}

/// The references (`None`: none given) of the loan's payments of this amount on this day, among
/// those with an id up to `up_to` (the ones stored before an import began).
pub fn equal_payments<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    paid_on: NaiveDate,
    amount: Money,
    up_to: i64,
) -> Result<Vec<Option<String>>> {
    let paid_on = paid_on.to_string();
    db.into().column(
        "SELECT reference FROM payments WHERE loan_id = ?1 AND paid_on = ?2 AND amount_cents = ?3 AND id <= ?4 \
         ORDER BY id",
        &[loan.0.into(), (&paid_on).into(), amount.cents().into(), up_to.into()],
    )
}

/// The day and amount of the loan's payment with this reference, if it has one.
pub fn payment_with_reference<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    reference: &str,
) -> Result<Option<(NaiveDate, Money)>> {
    let found: Option<(String, i64)> = db.into().first(
        "SELECT paid_on, amount_cents FROM payments WHERE loan_id = ?1 AND reference = ?2",
        &[loan.0.into(), reference.into()],
    )?;
    found.map(|(day, cents)| Ok((super::settings::parse_day(&day)?, Money::from_cents(cents)))).transpose()
}

/// Everything the loan has been paid, summed without overflowing.
pub fn paid_in_all<'a>(db: impl Into<Db<'a>>, loan: LoanId) -> Result<Money> {
    let amounts: Vec<i64> =
        db.into().column("SELECT amount_cents FROM payments WHERE loan_id = ?1", &[loan.0.into()])?;
    let sum: i128 = amounts.into_iter().map(i128::from).sum();
    Ok(Money::from_cents(i64::try_from(sum).unwrap_or(i64::MAX)))
}

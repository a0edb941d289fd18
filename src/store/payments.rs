//! What a payments import asks of the book beyond inserting a row: the loan a row pays, the
//! payments already stored that it could repeat, and what a loan has been paid in all. On either
//! backend; each also for a batch of rows, one statement on the server.

use std::collections::HashMap;

use super::Result;
use super::book::LoanId;
use super::db::{Db, IDS_IN, ids_json};
use super::import_batch::{TEXTS, each_found, json};
use super::row::parse_day;
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
    found.map(|(day, cents)| Ok((parse_day(&day)?, Money::from_cents(cents)))).transpose()
}

/// Everything the loan has been paid, summed without overflowing.
pub fn paid_in_all<'a>(db: impl Into<Db<'a>>, loan: LoanId) -> Result<Money> {
    let amounts: Vec<i64> =
        db.into().column("SELECT amount_cents FROM payments WHERE loan_id = ?1", &[loan.0.into()])?;
    let sum: i128 = amounts.into_iter().map(i128::from).sum();
    Ok(Money::from_cents(i64::try_from(sum).unwrap_or(i64::MAX)))
}

/// A payment row's key: one loan, one day, one amount.
pub type PaymentKey = (LoanId, NaiveDate, Money);

/// A loan reference with the loan it names.
struct Named(String, PaymentTarget);

impl FromRow for Named {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(Named(c.get("loan_ref")?, PaymentTarget::read(c)?))
    }
}

/// `payment_target` of each of these references; those found, by reference. On the server one
/// statement, on a file a look-up each (as the batch helpers of a loans import).
pub fn payment_targets<'a>(db: impl Into<Db<'a>>, refs: &[&str]) -> Result<HashMap<String, PaymentTarget>> {
    let db = db.into();
    if let Db::File(_) = db {
        return each_found(refs, |r| payment_target(db, r));
    }
    let rows: Vec<Named> = db.rows(
        &format!(
            "SELECT loan_ref, id, disbursed_on, principal_cents, schedule_id FROM loans WHERE loan_ref IN ({TEXTS})"
        ),
        &[(&json(refs.to_vec())).into()],
    )?;
    Ok(rows.into_iter().map(|Named(r, t)| (r, t)).collect())
}

/// `payment_with_reference` of each (loan, reference); those found.
pub fn payments_with_references<'a>(
    db: impl Into<Db<'a>>,
    pairs: &[(LoanId, &str)],
) -> Result<HashMap<(LoanId, String), (NaiveDate, Money)>> {
    let db = db.into();
    let mut found = HashMap::new();
    if let Db::File(_) = db {
        for &(loan, reference) in pairs {
            if let Some(v) = payment_with_reference(db, loan, reference)? {
                found.insert((loan, reference.to_string()), v);
            }
        }
        return Ok(found);
    }
    if pairs.is_empty() {
        return Ok(found);
    }
    let values: Vec<serde_json::Value> =
        pairs.iter().map(|(l, r)| serde_json::json!({ "loan_id": l.0, "reference": r })).collect();
    let rows: Vec<(LoanId, String, String, i64)> = db.rows(
        "SELECT p.loan_id, p.reference, p.paid_on, p.amount_cents FROM payments p \
         JOIN jsonb_to_recordset(CAST(CAST(?1 AS TEXT) AS JSONB)) AS v(loan_id BIGINT, reference TEXT) \
         ON p.loan_id = v.loan_id AND p.reference = v.reference",
        &[(&json(values)).into()],
    )?;
    for (loan, reference, day, cents) in rows {
        found.insert((loan, reference), (parse_day(&day)?, Money::from_cents(cents)));
    }
    Ok(found)
}

/// `equal_payments` of each key, among the payments with an id up to `up_to`; a key without any
/// has none in the map.
pub fn equal_payments_of<'a>(
    db: impl Into<Db<'a>>,
    keys: &[PaymentKey],
    up_to: i64,
) -> Result<HashMap<PaymentKey, Vec<Option<String>>>> {
    let db = db.into();
    let mut found: HashMap<PaymentKey, Vec<Option<String>>> = HashMap::new();
    if let Db::File(_) = db {
        for &(loan, day, amount) in keys {
            let stored = equal_payments(db, loan, day, amount, up_to)?;
            if !stored.is_empty() {
                found.insert((loan, day, amount), stored);
            }
        }
        return Ok(found);
    }
    if keys.is_empty() {
        return Ok(found);
    }
    let values: Vec<serde_json::Value> = keys
        .iter()
        .map(|(l, d, a)| serde_json::json!({ "loan_id": l.0, "paid_on": d.to_string(), "amount_cents": a.cents() }))
        .collect();
    let rows: Vec<(LoanId, String, i64, Option<String>)> = db.rows(
        "SELECT p.loan_id, p.paid_on, p.amount_cents, p.reference FROM payments p \
         JOIN jsonb_to_recordset(CAST(CAST(?1 AS TEXT) AS JSONB)) AS v(loan_id BIGINT, paid_on TEXT, amount_cents BIGINT) \
         ON p.loan_id = v.loan_id AND p.paid_on = v.paid_on AND p.amount_cents = v.amount_cents \
         WHERE p.id <= ?2 ORDER BY p.id",
        &[(&json(values)).into(), up_to.into()],
    )?;
    for (loan, day, cents, reference) in rows {
        found.entry((loan, parse_day(&day)?, Money::from_cents(cents))).or_default().push(reference);
    }
    Ok(found)
}

/// A payment a batch of an import inserts.
pub struct PaymentInsert {
    pub loan: LoanId,
    pub paid_on: NaiveDate,
    pub amount: Money,
    pub reference: Option<String>,
}

/// Inserts these payments (`insert_payment`), their ids in the given order.
pub fn insert_payments<'a>(db: impl Into<Db<'a>>, rows: &[PaymentInsert], at: &str) -> Result<()> {
    let db = db.into();
    if let Db::File(_) = db {
        for p in rows {
            super::book::insert_payment(db, p.loan, p.paid_on, p.amount, p.reference.as_deref(), at)?;
        }
        return Ok(());
    }
    if rows.is_empty() {
        return Ok(());
    }
    let values: Vec<serde_json::Value> = rows
        .iter()
        .enumerate()
        .map(|(n, p)| {
            serde_json::json!({ "n": n, "loan_id": p.loan.0, "paid_on": p.paid_on.to_string(),
                                "amount_cents": p.amount.cents(), "reference": p.reference })
        })
        .collect();
    db.execute(
        "INSERT INTO payments (loan_id, paid_on, amount_cents, reference, created_at) \
         SELECT loan_id, paid_on, amount_cents, reference, ?2 \
         FROM jsonb_to_recordset(CAST(CAST(?1 AS TEXT) AS JSONB)) \
         AS v(n BIGINT, loan_id BIGINT, paid_on TEXT, amount_cents BIGINT, reference TEXT) ORDER BY n",
        &[(&json(values)).into(), at.into()],
    )?;
    Ok(())
}

/// `paid_in_all` of each of these loans (a loan without payments has none in the map).
pub fn paid_in_all_of<'a>(db: impl Into<Db<'a>>, loans: &[LoanId]) -> Result<HashMap<LoanId, Money>> {
    let db = db.into();
    if let Db::File(_) = db {
        return loans.iter().map(|l| Ok((*l, paid_in_all(db, *l)?))).collect();
    }
    let mut found = HashMap::new();
    for chunk in loans.chunks(10_000) {
        let rows: Vec<(LoanId, i64)> = db.rows(
            &format!(
                "SELECT loan_id, CAST(LEAST(sum(amount_cents), 9223372036854775807) AS BIGINT) FROM payments \
                 WHERE loan_id {IDS_IN} GROUP BY loan_id"
            ),
            &[(&ids_json(chunk.iter().map(|l| l.0))).into()],
        )?;
        found.extend(rows.into_iter().map(|(l, cents)| (l, Money::from_cents(cents))));
    }
    Ok(found)
}

//! What the early-warning run reads beyond the snapshot's rows for the customer-wide rules: the
//! active loans in one pass, the promises and call attempts in the rules' windows, the loans whose
//! latest inspection reads risk.

use chrono::NaiveDate;

use super::Result;
use super::book::{CustomerId, LoanId};
use std::collections::HashMap;

use super::db::{Db, IDS_IN, ids_json};
use super::row;
use crate::domain::{Money, Outcome};

/// An active loan as the customer-wide rules read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActiveLoan {
    pub loan: LoanId,
    pub customer: CustomerId,
    pub overdue_since: Option<NaiveDate>,
    pub outstanding: Money,
}

// Nine loans in ten are active: a pass over the table beats the status index, which SQLite
// would take and then read each row from the table again (1.1 s → 0.6 s). The server plans its
// own pass.
const ACTIVE_FILE: &str = "SELECT s.loan_id, l.customer_id, s.overdue_since, s.outstanding_principal \
     FROM loan_state s NOT INDEXED JOIN loans l ON l.id = s.loan_id WHERE s.status = 'active' \
     ORDER BY s.loan_id";
const ACTIVE_SERVER: &str = "SELECT s.loan_id, l.customer_id, s.overdue_since, s.outstanding_principal \
     FROM loan_state s JOIN loans l ON l.id = s.loan_id WHERE s.status = 'active' \
     ORDER BY s.loan_id";

/// Every active loan with its customer, in one pass over the snapshot: the customer-wide rules
/// need each customer's outstanding principal and each of their loans' DPD, and a query per
/// customer costs more than the pass on a large book. Read row by row (only the records kept).
pub fn active_loans<'a>(db: impl Into<Db<'a>>) -> Result<Vec<ActiveLoan>> {
    let db = db.into();
    let sql = match db {
        Db::File(_) => ACTIVE_FILE,
        Db::Server(_) => ACTIVE_SERVER,
    };
    let mut out = Vec::new();
    db.each::<ActiveLoan>(sql, &[], &mut |l| {
        out.push(l);
        Ok(())
    })?;
    Ok(out)
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
pub fn active_loans_of<'a>(
    db: impl Into<Db<'a>>,
    customer: CustomerId,
) -> Result<Vec<(LoanId, Option<NaiveDate>)>> {
    let rows: Vec<(LoanId, Option<String>)> = db.into().rows(
        "SELECT s.loan_id, s.overdue_since FROM loans l JOIN loan_state s ON s.loan_id = l.id \
         WHERE l.customer_id = ?1 AND s.status = 'active' ORDER BY s.loan_id",
        &[customer.0.into()],
    )?;
    let mut out = Vec::with_capacity(rows.len());
    for (loan, since) in rows {
        let since = since
            .map(|s| crate::domain::parse_date(&s).map_err(row::corrupt("overdue_since")))
            .transpose()?;
        out.push((loan, since));
    }
    Ok(out)
}

const LATEST_RISK_FILE: &str = "SELECT c.loan_id FROM (SELECT DISTINCT loan_id FROM inspections INDEXED BY inspections_risk \
     WHERE conclusion = 'risk') c \
     JOIN loan_state s ON s.loan_id = c.loan_id AND s.status = 'active' \
     WHERE (SELECT i.conclusion FROM inspections i WHERE i.loan_id = c.loan_id \
            AND NOT EXISTS (SELECT 1 FROM inspections n WHERE n.corrects_id = i.id) \
            ORDER BY i.done_on DESC, i.id DESC LIMIT 1) = 'risk' \
     ORDER BY c.loan_id";
const LATEST_RISK_SERVER: &str = "SELECT c.loan_id FROM (SELECT DISTINCT loan_id FROM inspections \
     WHERE conclusion = 'risk') c \
     JOIN loan_state s ON s.loan_id = c.loan_id AND s.status = 'active' \
     WHERE (SELECT i.conclusion FROM inspections i WHERE i.loan_id = c.loan_id \
            AND NOT EXISTS (SELECT 1 FROM inspections n WHERE n.corrects_id = i.id) \
            ORDER BY i.done_on DESC, i.id DESC LIMIT 1) = 'risk' \
     ORDER BY c.loan_id";

/// The active loans whose latest inspection (by date, then record; a corrected one left out, as
/// `latest_conclusion` reads it) concludes `risk`, in one statement.
pub fn active_loans_latest_risk<'a>(db: impl Into<Db<'a>>) -> Result<Vec<LoanId>> {
    let db = db.into();
    let sql = match db {
        Db::File(_) => LATEST_RISK_FILE,
        Db::Server(_) => LATEST_RISK_SERVER,
    };
    db.column(sql, &[])
}

/// A promise as the broken-promises rule reads it: loan, customer, amount, made on, due on.
pub type PromiseDue = (LoanId, CustomerId, Money, NaiveDate, NaiveDate);

/// A promise due in the window, as read.
struct Due {
    id: i64,
    loan: LoanId,
    cents: i64,
    made: String,
    due: String,
}

impl row::FromRow for Due {
    fn read(c: &mut row::Cols<'_, '_>) -> Result<Self> {
        Ok(Due {
            id: c.get("id")?,
            loan: c.get("loan_id")?,
            cents: c.get("amount_cents")?,
            made: c.get("made_on")?,
            due: c.get("due_on")?,
        })
    }
}

/// The promises due in [from, to], by customer (and in the order they were made). `customer_of`
/// gives the customer of a loan the caller has at hand (the active loans, in memory already);
/// another loan's is looked up, instead of every promise's loan read again from the table. The
/// look-ups follow the window's pass: a session on the server runs one statement at a time.
pub fn promises_due_between<'a>(
    db: impl Into<Db<'a>>,
    from: NaiveDate,
    to: NaiveDate,
    customer_of: &dyn Fn(LoanId) -> Option<CustomerId>,
) -> Result<Vec<PromiseDue>> {
    let db = db.into();
    let (from, to) = (from.to_string(), to.to_string());
    let mut read: Vec<(Due, Option<CustomerId>)> = Vec::new();
    db.each::<Due>(
        "SELECT id, loan_id, amount_cents, made_on, due_on FROM promises WHERE due_on >= ?1 AND due_on <= ?2",
        &[(&from).into(), (&to).into()],
        &mut |p| {
            let customer = customer_of(p.loan);
            read.push((p, customer));
            Ok(())
        },
    )?;
    let mut out = Vec::with_capacity(read.len());
    for (p, customer) in read {
        let customer = match customer {
            Some(c) => c,
            None => db.value("SELECT customer_id FROM loans WHERE id = ?1", &[p.loan.0.into()])?.ok_or_else(
                || super::StoreError::Corrupt(format!("promise {}: no loan {}", p.id, p.loan.0)),
            )?,
        };
        let day = |s: &str| crate::domain::parse_date(s).map_err(row::corrupt("promise date"));
        let promise = (p.loan, customer, Money::from_cents(p.cents), day(&p.made)?, day(&p.due)?);
        out.push((customer, p.id, promise));
    }
    out.sort_unstable_by_key(|(customer, id, _)| (*customer, *id));
    Ok(out.into_iter().map(|(_, _, p)| p).collect())
}

/// Call attempts to the debtor that count (outbound, not a correction, not taken back).
const ATTEMPTS: &str = "channel = 'call' AND party = 'debtor' AND direction = 'outbound' AND corrects_id IS NULL \
     AND NOT EXISTS (SELECT 1 FROM contacts v WHERE v.corrects_id = c.id AND v.voids = 1)";

/// The customers with at least `n` call attempts to the debtor at or after `since` (a time).
pub fn customers_called_since<'a>(db: impl Into<Db<'a>>, since: &str, n: i64) -> Result<Vec<CustomerId>> {
    let db = db.into();
    // The attempts in the window by time (migration 0026), not every contact by customer; the
    // file is told the index, the server finds it.
    let index = match db {
        Db::File(_) => "INDEXED BY contacts_attempts",
        Db::Server(_) => "",
    };
    db.column(
        &format!(
            "SELECT customer_id FROM contacts c {index} WHERE at >= ?1 AND {ATTEMPTS} \
             GROUP BY customer_id HAVING count(*) >= ?2 ORDER BY customer_id"
        ),
        &[since.into(), n.into()],
    )
}

/// A customer's latest `n` call attempts to the debtor: the time and outcome, newest first.
pub fn last_calls<'a>(db: impl Into<Db<'a>>, customer: CustomerId, n: i64) -> Result<Vec<(String, Outcome)>> {
    let rows: Vec<(String, String)> = db.into().rows(
        &format!(
            "SELECT at, outcome FROM contacts c WHERE customer_id = ?1 AND {ATTEMPTS} ORDER BY at DESC, id DESC LIMIT ?2"
        ),
        &[customer.0.into(), n.into()],
    )?;
    rows.into_iter()
        .map(|(at, outcome)| Ok((at, outcome.parse().map_err(row::corrupt("outcome"))?)))
        .collect()
}

/// `last_calls` of each of these customers: on the server a thousand customers a statement (a
/// round trip a customer was most of the warnings' facts there), on a file a statement each.
pub fn last_calls_of<'a>(
    db: impl Into<Db<'a>>,
    customers: &[CustomerId],
    n: i64,
) -> Result<HashMap<CustomerId, Vec<(String, Outcome)>>> {
    let db = db.into();
    if let Db::File(_) = db {
        return customers.iter().map(|c| Ok((*c, last_calls(db, *c, n)?))).collect();
    }
    let mut out: HashMap<CustomerId, Vec<(String, Outcome)>> = HashMap::new();
    for chunk in customers.chunks(1_000) {
        let rows: Vec<(CustomerId, String, String)> = db.rows(
            &format!(
                "SELECT customer_id, at, outcome FROM (SELECT c.customer_id, c.at, c.outcome, row_number() OVER \
                 (PARTITION BY c.customer_id ORDER BY c.at DESC, c.id DESC) AS nth FROM contacts c \
                 WHERE c.customer_id {IDS_IN} AND {ATTEMPTS}) x WHERE nth <= ?2 ORDER BY customer_id, nth"
            ),
            &[(&ids_json(chunk.iter().map(|c| c.0))).into(), n.into()],
        )?;
        for (c, at, outcome) in rows {
            out.entry(c).or_default().push((at, outcome.parse().map_err(row::corrupt("outcome"))?));
        }
    }
    for c in customers {
        out.entry(*c).or_default();
    }
    Ok(out)
}

/// The highest loan id of the book (0 when empty).
pub fn last_loan<'a>(db: impl Into<Db<'a>>) -> Result<i64> {
    Ok(db.into().value("SELECT coalesce(max(id), 0) FROM loans", &[])?.unwrap_or(0))
}

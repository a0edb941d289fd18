//! The loan book: customers, loans, payments and explicit schedules.

use chrono::NaiveDate;
use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use serde::Serialize;

use super::db::Db;
use super::row::parse_day;
use super::row::{self, Cols, FromRow};
use super::users::UserId;
use super::{Result, opt_text};
use crate::domain::plan::{ExplicitSchedule, PlanHold, schedule_in_force};
use crate::domain::{Installment, LoanTerms, Money, Payment, Stage};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct LoanId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct CustomerId(pub i64);

macro_rules! sql_id {
    ($t:ty) => {
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.0))
            }
        }
        impl FromSql for $t {
            fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
                i64::column_result(v).map(Self)
            }
        }
    };
}
sql_id!(LoanId);
sql_id!(CustomerId);
sql_id!(UserId);

/// A loan as imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewLoan {
    pub loan_ref: String,
    /// Defaults to the loan's own id.
    pub customer_ref: Option<String>,
    pub borrower: String,
    pub phone: Option<String>,
    pub terms: LoanTerms,
    pub guarantor: Option<String>,
    pub guarantor_phone: Option<String>,
    pub collateral: Option<String>,
    pub branch: Option<String>,
    /// Owner of the customer, set when the customer is first seen.
    pub assignee: Option<UserId>,
}

impl NewLoan {
    /// The customer's id: the one given, else the loan's own.
    pub fn customer_ref(&self) -> &str {
        self.customer_ref.as_deref().and_then(|c| opt_text(Some(c))).unwrap_or(&self.loan_ref)
    }
}

/// A loan as stored, with its customer's owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Loan {
    pub id: LoanId,
    pub loan_ref: String,
    pub customer_id: CustomerId,
    pub customer_ref: String,
    pub borrower: String,
    pub phone: Option<String>,
    pub terms: LoanTerms,
    pub guarantor: Option<String>,
    pub guarantor_phone: Option<String>,
    pub collateral: Option<String>,
    pub branch: Option<String>,
    pub stage: Stage,
    pub agency: Option<String>,
    pub written_off_on: Option<NaiveDate>,
    pub schedule_id: Option<i64>,
    pub next_action_on: Option<NaiveDate>,
    pub last_contact_at: Option<String>,
    pub last_outcome: Option<String>,
    pub version: i64,
    pub assignee_id: Option<UserId>,
    pub assignee: Option<String>,
    pub next_action_kind: Option<String>,
    /// End of a restructured loan's observation period.
    pub observation_until: Option<NaiveDate>,
    /// A supervisor's class on the loan, from an inspection's recommendation.
    pub manual_class: Option<crate::domain::ManualClass>,
}

const LOAN_COLUMNS: &str = "l.id, l.loan_ref, l.customer_id, c.customer_ref, l.borrower, l.phone, l.product, \
     l.principal_cents, l.rate_e4, l.term_months, l.disbursed_on, l.guarantor, l.guarantor_phone, l.collateral, \
     l.branch, l.stage, l.agency, l.written_off_on, l.schedule_id, l.next_action_on, l.last_contact_at, \
     l.last_outcome, l.version, c.assignee_id, u.login, l.next_action_kind, l.observation_until, \
     l.manual_class, l.manual_class_from, l.manual_class_until";

const LOAN_FROM: &str =
    "FROM loans l JOIN customers c ON c.id = l.customer_id LEFT JOIN users u ON u.id = c.assignee_id";

impl FromRow for Loan {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(Loan {
            id: c.get("id")?,
            loan_ref: c.get("loan_ref")?,
            customer_id: c.get("customer_id")?,
            customer_ref: c.get("customer_ref")?,
            borrower: c.get("borrower")?,
            phone: c.get("phone")?,
            terms: c.terms()?,
            guarantor: c.get("guarantor")?,
            guarantor_phone: c.get("guarantor_phone")?,
            collateral: c.get("collateral")?,
            branch: c.get("branch")?,
            stage: c.word("stage")?,
            agency: c.get("agency")?,
            written_off_on: c.opt_day("written_off_on")?,
            schedule_id: c.get("schedule_id")?,
            next_action_on: c.opt_day("next_action_on")?,
            last_contact_at: c.get("last_contact_at")?,
            last_outcome: c.get("last_outcome")?,
            version: c.get("version")?,
            assignee_id: c.get("assignee_id")?,
            assignee: c.get("login")?,
            next_action_kind: c.get("next_action_kind")?,
            observation_until: c.opt_day("observation_until")?,
            manual_class: c.manual_class()?,
        })
    }
}

pub fn loan_by_ref<'a>(db: impl Into<Db<'a>>, loan_ref: &str) -> Result<Option<Loan>> {
    db.into().first(&format!("SELECT {LOAN_COLUMNS} {LOAN_FROM} WHERE l.loan_ref = ?1"), &[loan_ref.into()])
}

/// The loans of these references that exist, each once, in no order (a page of a list): a
/// statement each on a file, one for them all on the server, where each is a round trip.
pub fn loans_by_refs<'a>(db: impl Into<Db<'a>>, refs: &[&str]) -> Result<Vec<Loan>> {
    let db = db.into();
    if let Db::File(_) = db {
        let mut once = refs.to_vec();
        once.sort_unstable();
        once.dedup();
        return once.iter().filter_map(|r| loan_by_ref(db, r).transpose()).collect();
    }
    let json = serde_json::Value::from(refs.to_vec()).to_string();
    db.rows(
        &format!(
            "SELECT {LOAN_COLUMNS} {LOAN_FROM} WHERE l.loan_ref IN \
             (SELECT value FROM jsonb_array_elements_text(CAST(CAST(?1 AS TEXT) AS JSONB)))"
        ),
        &[(&json).into()],
    )
}

pub fn loan_by_id<'a>(db: impl Into<Db<'a>>, id: LoanId) -> Result<Option<Loan>> {
    db.into().first(&format!("SELECT {LOAN_COLUMNS} {LOAN_FROM} WHERE l.id = ?1"), &[id.0.into()])
}

/// The other loans of the same customer.
pub fn loans_of_customer<'a>(db: impl Into<Db<'a>>, customer: CustomerId) -> Result<Vec<Loan>> {
    db.into().rows(
        &format!("SELECT {LOAN_COLUMNS} {LOAN_FROM} WHERE l.customer_id = ?1 ORDER BY l.loan_ref"),
        &[customer.0.into()],
    )
}

pub fn loan_id_by_ref<'a>(db: impl Into<Db<'a>>, loan_ref: &str) -> Result<Option<LoanId>> {
    db.into().value("SELECT id FROM loans WHERE loan_ref = ?1", &[loan_ref.into()])
}

pub fn customer_count<'a>(db: impl Into<Db<'a>>) -> Result<i64> {
    Ok(db.into().value("SELECT count(*) FROM customers", &[])?.unwrap_or(0))
}

/// Whether the store holds any loan (one probe; `loan_count` reads a whole index).
pub fn any_loan<'a>(db: impl Into<Db<'a>>) -> Result<bool> {
    Ok(db.into().value("SELECT EXISTS (SELECT 1 FROM loans)", &[])?.unwrap_or(false))
}

pub fn loan_count<'a>(db: impl Into<Db<'a>>) -> Result<i64> {
    Ok(db.into().value("SELECT count(*) FROM loans", &[])?.unwrap_or(0))
}

pub fn payment_count<'a>(db: impl Into<Db<'a>>) -> Result<i64> {
    Ok(db.into().value("SELECT count(*) FROM payments", &[])?.unwrap_or(0))
}

/// The customer with this reference and its owner, if known.
pub fn customer_by_ref<'a>(
    db: impl Into<Db<'a>>,
    customer_ref: &str,
) -> Result<Option<(CustomerId, Option<UserId>)>> {
    db.into().first("SELECT id, assignee_id FROM customers WHERE customer_ref = ?1", &[customer_ref.into()])
}

/// Inserts a loan, creating its customer on first sight. `at` is the RFC 3339 time of the import.
pub fn insert_loan<'a>(db: impl Into<Db<'a>>, loan: &NewLoan, at: &str) -> Result<LoanId> {
    let db = db.into();
    let customer = match customer_by_ref(db, loan.customer_ref())? {
        Some((id, _)) => id,
        None => insert_customer(db, loan, at)?,
    };
    insert_loan_of(db, customer, loan, at)
}

/// The id a row just inserted was given (`RETURNING id`).
fn inserted<T>(id: Option<T>, what: &str) -> Result<T> {
    id.ok_or_else(|| super::StoreError::Corrupt(format!("{what} added without an id")))
}

/// Inserts the customer of a new loan (its borrower, its owner, the owner's assignment).
pub fn insert_customer<'a>(db: impl Into<Db<'a>>, loan: &NewLoan, at: &str) -> Result<CustomerId> {
    let db = db.into();
    let id: i64 = inserted(
        db.value(
            "INSERT INTO customers (customer_ref, name, assignee_id) VALUES (?1, ?2, ?3) RETURNING id",
            &[loan.customer_ref().into(), (&loan.borrower).into(), loan.assignee.map(|u| u.0).into()],
        )?,
        "a customer",
    )?;
    if let Some(to) = loan.assignee {
        db.execute(
            "INSERT INTO assignments (customer_id, from_user_id, to_user_id, by_user_id, reason, at) \
             VALUES (?1, NULL, ?2, NULL, 'import', ?3)",
            &[id.into(), to.0.into(), at.into()],
        )?;
    }
    Ok(CustomerId(id))
}

/// Inserts a loan of a customer already in the store.
pub fn insert_loan_of<'a>(
    db: impl Into<Db<'a>>,
    customer: CustomerId,
    loan: &NewLoan,
    at: &str,
) -> Result<LoanId> {
    let t = &loan.terms;
    let disbursed_on = t.disbursed_on.to_string();
    let id = db.into().value(
        "INSERT INTO loans (loan_ref, customer_id, borrower, phone, product, principal_cents, rate_e4, \
         term_months, disbursed_on, guarantor, guarantor_phone, collateral, branch, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) RETURNING id",
        &[
            (&loan.loan_ref).into(),
            customer.0.into(),
            (&loan.borrower).into(),
            opt_text(loan.phone.as_deref()).into(),
            t.product.as_str().into(),
            t.principal.cents().into(),
            t.rate.e4().into(),
            i64::from(t.term_months).into(),
            (&disbursed_on).into(),
            opt_text(loan.guarantor.as_deref()).into(),
            opt_text(loan.guarantor_phone.as_deref()).into(),
            opt_text(loan.collateral.as_deref()).into(),
            opt_text(loan.branch.as_deref()).into(),
            at.into(),
        ],
    )?;
    inserted(id, "a loan")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentRecord {
    pub paid_on: NaiveDate,
    pub amount: Money,
    pub reference: Option<String>,
}

pub fn insert_payment<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    paid_on: NaiveDate,
    amount: Money,
    reference: Option<&str>,
    at: &str,
) -> Result<()> {
    let paid_on = paid_on.to_string();
    db.into().execute(
        "INSERT INTO payments (loan_id, paid_on, amount_cents, reference, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        &[loan.0.into(), (&paid_on).into(), amount.cents().into(), opt_text(reference).into(), at.into()],
    )?;
    Ok(())
}

/// Whether this loan already has a payment with this reference.
pub fn payment_reference_exists<'a>(db: impl Into<Db<'a>>, loan: LoanId, reference: &str) -> Result<bool> {
    let found = db.into().value(
        "SELECT EXISTS (SELECT 1 FROM payments WHERE loan_id = ?1 AND reference = ?2)",
        &[loan.0.into(), reference.into()],
    )?;
    Ok(found.unwrap_or(false))
}

impl FromRow for PaymentRecord {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(PaymentRecord {
            paid_on: c.day("paid_on")?,
            amount: c.money("amount_cents")?,
            reference: c.get("reference")?,
        })
    }
}

impl FromRow for Payment {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(Payment { paid_on: c.day("paid_on")?, amount: c.money("amount_cents")? })
    }
}

/// A loan's payments as its figures read them, date and amount, in date order: from the index
/// `payments_loan` alone, no row read.
pub fn paid_of<'a>(db: impl Into<Db<'a>>, loan: LoanId) -> Result<Vec<Payment>> {
    // Ties in the index's order on either backend.
    db.into().rows(
        "SELECT paid_on, amount_cents FROM payments WHERE loan_id = ?1 ORDER BY paid_on, amount_cents",
        &[loan.0.into()],
    )
}

/// `paid_of` for each of these loans: on the server a thousand loans a statement, on a file a
/// statement each (an index range each, cheaper there than one over many loans).
pub fn paid_of_loans<'a>(
    db: impl Into<Db<'a>>,
    loans: &[LoanId],
) -> Result<std::collections::HashMap<LoanId, Vec<Payment>>> {
    let db = db.into();
    if let Db::File(_) = db {
        return loans.iter().map(|l| Ok((*l, paid_of(db, *l)?))).collect();
    }
    let mut out: std::collections::HashMap<LoanId, Vec<Payment>> =
        loans.iter().map(|l| (*l, Vec::new())).collect();
    for chunk in loans.chunks(1_000) {
        let rows: Vec<(LoanId, String, i64)> = db.rows(
            &format!(
                "SELECT loan_id, paid_on, amount_cents FROM payments WHERE loan_id {} \
                 ORDER BY loan_id, paid_on, amount_cents",
                super::db::IDS_IN
            ),
            &[(&super::db::ids_json(chunk.iter().map(|l| l.0))).into()],
        )?;
        for (loan, day, cents) in rows {
            let payment = Payment { paid_on: parse_day(&day)?, amount: Money::from_cents(cents) };
            out.entry(loan).or_default().push(payment);
        }
    }
    Ok(out)
}

pub fn payments_of<'a>(db: impl Into<Db<'a>>, loan: LoanId) -> Result<Vec<PaymentRecord>> {
    db.into().rows(
        "SELECT paid_on, amount_cents, reference FROM payments WHERE loan_id = ?1 ORDER BY paid_on, id",
        &[loan.0.into()],
    )
}

impl FromRow for Installment {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(Installment {
            seq: c.get("seq")?,
            due_on: c.day("due_on")?,
            principal: c.money("principal_cents")?,
            interest: c.money("interest_cents")?,
        })
    }
}

/// An explicit schedule as saved (a plan, extension or restructure), with what it holds.
pub fn explicit_schedule<'a>(db: impl Into<Db<'a>>, schedule_id: i64) -> Result<ExplicitSchedule> {
    let db = db.into();
    let (effective, held_class, held_arrears): (String, Option<String>, Option<i64>) = db
        .first(
            "SELECT effective_on, held_class, held_arrears_cents FROM schedules WHERE id = ?1",
            &[schedule_id.into()],
        )?
        // The error a missing schedule always gave.
        .ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    let effective_on = parse_day(&effective)?;
    let hold = match (held_class, held_arrears) {
        (Some(class), Some(arrears)) => Some(PlanHold {
            since: effective_on,
            class: class.parse().map_err(row::corrupt("held_class"))?,
            arrears: Money::from_cents(arrears),
        }),
        _ => None,
    };
    let lines = db.rows(
        "SELECT seq, due_on, principal_cents, interest_cents FROM schedule_lines WHERE schedule_id = ?1 ORDER BY seq",
        &[schedule_id.into()],
    )?;
    Ok(ExplicitSchedule { effective_on, lines, hold })
}

/// What the plan in force holds of the loan's standing, if a plan is in force.
pub fn plan_hold<'a>(db: impl Into<Db<'a>>, loan: &Loan) -> Result<Option<PlanHold>> {
    let db = db.into();
    Ok(loan.schedule_id.map(|id| explicit_schedule(db, id)).transpose()?.and_then(|e| e.hold))
}

/// The schedule in force and the payments that count against it, for one loan.
pub fn schedule_inputs<'a>(db: impl Into<Db<'a>>, loan: &Loan) -> Result<(Vec<Installment>, Vec<Payment>)> {
    let db = db.into();
    let payments =
        payments_of(db, loan.id)?.iter().map(|p| Payment { paid_on: p.paid_on, amount: p.amount }).collect();
    let explicit = loan.schedule_id.map(|id| explicit_schedule(db, id)).transpose()?;
    Ok(schedule_in_force(&loan.terms, explicit, payments))
}

/// An explicit schedule to put in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSchedule<'a> {
    pub loan: LoanId,
    pub kind: &'a str,
    pub effective_on: NaiveDate,
    pub reason: &'a str,
    pub created_by: Option<UserId>,
    pub at: &'a str,
    pub lines: &'a [Installment],
    /// The loan's class and arrears as the plan is saved, which it holds (`plan::held_class`).
    pub hold: PlanHold,
}

/// Saves an explicit schedule and puts it in force for the loan. The contractual schedule and any
/// earlier explicit ones stay on record.
pub fn insert_schedule<'a>(db: impl Into<Db<'a>>, s: &NewSchedule<'_>) -> Result<i64> {
    let db = db.into();
    let effective_on = s.effective_on.to_string();
    let id: i64 = inserted(
        db.value(
            "INSERT INTO schedules (loan_id, kind, effective_on, reason, created_by, created_at, held_class, \
             held_arrears_cents) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
            &[
                s.loan.0.into(),
                s.kind.into(),
                (&effective_on).into(),
                s.reason.into(),
                s.created_by.map(|u| u.0).into(),
                s.at.into(),
                s.hold.class.as_str().into(),
                s.hold.arrears.cents().into(),
            ],
        )?,
        "a schedule",
    )?;
    for l in s.lines {
        let due_on = l.due_on.to_string();
        db.execute(
            "INSERT INTO schedule_lines (schedule_id, seq, due_on, principal_cents, interest_cents) VALUES (?1, ?2, ?3, ?4, ?5)",
            &[id.into(), i64::from(l.seq).into(), (&due_on).into(), l.principal.cents().into(), l.interest.cents().into()],
        )?;
    }
    db.execute("UPDATE loans SET schedule_id = ?2 WHERE id = ?1", &[s.loan.0.into(), id.into()])?;
    Ok(id)
}

pub fn set_observation_until<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    until: Option<NaiveDate>,
) -> Result<()> {
    let until = until.map(|d| d.to_string());
    db.into().execute(
        "UPDATE loans SET observation_until = ?2 WHERE id = ?1",
        &[loan.0.into(), until.as_ref().into()],
    )?;
    Ok(())
}

/// A plan, extension or restructure on record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanRecord {
    pub id: i64,
    pub kind: String,
    pub effective_on: NaiveDate,
    pub reason: String,
    pub created_by: Option<String>,
    pub created_at: String,
    pub installments: i64,
    pub in_force: bool,
}

impl FromRow for PlanRecord {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(PlanRecord {
            id: c.get("id")?,
            kind: c.get("kind")?,
            effective_on: c.day("effective_on")?,
            reason: c.get("reason")?,
            created_by: c.get("login")?,
            created_at: c.get("created_at")?,
            installments: c.get("installments")?,
            in_force: c.get("in_force")?,
        })
    }
}

/// The loan's explicit schedules, oldest first.
pub fn plans_of<'a>(db: impl Into<Db<'a>>, loan: LoanId) -> Result<Vec<PlanRecord>> {
    db.into().rows(
        "SELECT s.id, s.kind, s.effective_on, s.reason, u.login, s.created_at, \
         (SELECT count(*) FROM schedule_lines sl WHERE sl.schedule_id = s.id) AS installments, \
         s.id = l.schedule_id AS in_force \
         FROM schedules s JOIN loans l ON l.id = s.loan_id LEFT JOIN users u ON u.id = s.created_by \
         WHERE s.loan_id = ?1 ORDER BY s.id",
        &[loan.0.into()],
    )
}

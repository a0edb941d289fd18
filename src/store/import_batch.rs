//! A loans import's questions and inserts for a batch of rows at once. On a file each row's own
//! statement runs, as it did one row at a time (SQLite answers in-process); on the server each
//! question and each insert is one statement a batch, the rows as one JSON text: a round trip a
//! row was nearly all of a server import's time.

use std::collections::{HashMap, HashSet};

use super::Result;
use super::book::{
    CustomerId, LoanId, NewLoan, customer_by_ref, insert_customer, insert_loan_of, loan_id_by_ref,
};
use super::db::Db;
use super::import_seen::{SeenCustomer, see_customer, seen_customer, seen_loan};
use super::ledger::set_address_employer;
use super::opt_text;
use super::row::{Cols, FromRow};
use super::users::UserId;

/// The values of a batch as the server unpacks them (`jsonb_to_recordset`, `jsonb_array_elements_text`).
pub(super) fn json(v: impl Into<serde_json::Value>) -> String {
    v.into().to_string()
}

/// The elements of `?1`, a JSON array of text.
pub(super) const TEXTS: &str = "SELECT value FROM jsonb_array_elements_text(CAST(CAST(?1 AS TEXT) AS JSONB))";

/// For each row's loan id and line, in file order: the line an earlier row had it on, if one did
/// (`seen_loan`). Every id is noted with the first line that had it.
pub fn seen_loans<'a>(db: impl Into<Db<'a>>, rows: &[(&str, u64)]) -> Result<Vec<Option<u64>>> {
    let db = db.into();
    if let Db::File(_) = db {
        return rows.iter().map(|(loan_ref, line)| seen_loan(db, loan_ref, *line)).collect();
    }
    let refs: Vec<&str> = rows.iter().map(|r| r.0).collect();
    let earlier: HashMap<String, u64> = db
        .rows::<(String, i64)>(
            &format!("SELECT loan_ref, line FROM pg_temp.import_loan_lines WHERE loan_ref IN ({TEXTS})"),
            &[(&json(refs)).into()],
        )?
        .into_iter()
        .map(|(r, l)| (r, l as u64))
        .collect();
    let mut first: HashMap<&str, u64> = HashMap::new();
    let mut found = Vec::with_capacity(rows.len());
    let mut new = Vec::new();
    for &(loan_ref, line) in rows {
        found.push(match earlier.get(loan_ref).or_else(|| first.get(loan_ref)) {
            Some(l) => Some(*l),
            None => {
                first.insert(loan_ref, line);
                new.push(serde_json::json!({ "loan_ref": loan_ref, "line": line }));
                None
            }
        });
    }
    if !new.is_empty() {
        db.execute(
            "INSERT INTO pg_temp.import_loan_lines (loan_ref, line) SELECT loan_ref, line \
             FROM jsonb_to_recordset(CAST(CAST(?1 AS TEXT) AS JSONB)) AS v(loan_ref TEXT, line BIGINT)",
            &[(&json(new)).into()],
        )?;
    }
    Ok(found)
}

/// On a file, each distinct reference's own look-up; those found, by reference.
pub(super) fn each_found<T>(
    refs: &[&str],
    mut look: impl FnMut(&str) -> Result<Option<T>>,
) -> Result<HashMap<String, T>> {
    let mut found = HashMap::new();
    for r in refs.iter().collect::<HashSet<_>>() {
        if let Some(v) = look(r)? {
            found.insert((*r).to_string(), v);
        }
    }
    Ok(found)
}

/// A customer's reference with how the import settled it.
struct Keyed(String, SeenCustomer);

impl FromRow for Keyed {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(Keyed(c.get("customer_ref")?, SeenCustomer::read(c)?))
    }
}

/// How the import settled these customers so far, by reference (`seen_customer`).
pub fn seen_customers<'a>(db: impl Into<Db<'a>>, refs: &[&str]) -> Result<HashMap<String, SeenCustomer>> {
    let db = db.into();
    if let Db::File(_) = db {
        return each_found(refs, |r| seen_customer(db, r));
    }
    let rows: Vec<Keyed> = db.rows(
        &format!(
            "SELECT customer_ref, line, owner, customer_id FROM pg_temp.import_customers \
             WHERE customer_ref IN ({TEXTS})"
        ),
        &[(&json(refs.to_vec())).into()],
    )?;
    Ok(rows.into_iter().map(|Keyed(r, s)| (r, s)).collect())
}

/// Records how the import settled these customers, each once (`see_customer`).
pub fn see_customers<'a>(db: impl Into<Db<'a>>, seen: &[(&str, &SeenCustomer)]) -> Result<()> {
    let db = db.into();
    if let Db::File(_) = db {
        return seen.iter().try_for_each(|(r, s)| see_customer(db, r, s));
    }
    if seen.is_empty() {
        return Ok(());
    }
    let rows: Vec<serde_json::Value> = seen
        .iter()
        .map(|(r, s)| {
            serde_json::json!({ "customer_ref": r, "line": s.line, "owner": s.owner, "customer_id": s.id.map(|c| c.0) })
        })
        .collect();
    db.execute(
        "INSERT INTO pg_temp.import_customers (customer_ref, line, owner, customer_id) \
         SELECT customer_ref, line, owner, customer_id FROM jsonb_to_recordset(CAST(CAST(?1 AS TEXT) AS JSONB)) \
         AS v(customer_ref TEXT, line BIGINT, owner TEXT, customer_id BIGINT) \
         ON CONFLICT (customer_ref) DO UPDATE SET line = excluded.line, owner = excluded.owner, \
         customer_id = excluded.customer_id",
        &[(&json(rows)).into()],
    )?;
    Ok(())
}

/// Which of these loan ids the store holds.
pub fn loans_present<'a>(db: impl Into<Db<'a>>, refs: &[&str]) -> Result<HashSet<String>> {
    let db = db.into();
    if let Db::File(_) = db {
        return Ok(each_found(refs, |r| loan_id_by_ref(db, r))?.into_keys().collect());
    }
    let found: Vec<String> = db
        .rows::<(String,)>(
            &format!("SELECT loan_ref FROM loans WHERE loan_ref IN ({TEXTS})"),
            &[(&json(refs.to_vec())).into()],
        )?
        .into_iter()
        .map(|(r,)| r)
        .collect();
    Ok(found.into_iter().collect())
}

/// These customers as the store holds them: id and owner, by reference (`customer_by_ref`).
pub fn customers_by_refs<'a>(
    db: impl Into<Db<'a>>,
    refs: &[&str],
) -> Result<HashMap<String, (CustomerId, Option<UserId>)>> {
    let db = db.into();
    if let Db::File(_) = db {
        return each_found(refs, |r| customer_by_ref(db, r));
    }
    let rows: Vec<(String, CustomerId, Option<UserId>)> = db.rows(
        &format!("SELECT customer_ref, id, assignee_id FROM customers WHERE customer_ref IN ({TEXTS})"),
        &[(&json(refs.to_vec())).into()],
    )?;
    Ok(rows.into_iter().map(|(r, id, owner)| (r, (id, owner))).collect())
}

/// Inserts the customers of these loans (each a customer new to the store, once), with their
/// owners' assignments (`insert_customer`): their ids, in order.
pub fn insert_customers<'a>(db: impl Into<Db<'a>>, loans: &[&NewLoan], at: &str) -> Result<Vec<CustomerId>> {
    let db = db.into();
    if let Db::File(_) = db {
        return loans.iter().map(|loan| insert_customer(db, loan, at)).collect();
    }
    if loans.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<serde_json::Value> = loans
        .iter()
        .enumerate()
        .map(|(n, l)| {
            serde_json::json!({ "n": n, "customer_ref": l.customer_ref(), "name": l.borrower, "assignee_id": l.assignee.map(|u| u.0) })
        })
        .collect();
    // Ids in the rows' order, as one row at a time gives them; each assignment after its customer's.
    let made: HashMap<String, CustomerId> = db
        .rows::<(String, CustomerId)>(
            "WITH v AS (SELECT * FROM jsonb_to_recordset(CAST(CAST(?1 AS TEXT) AS JSONB)) \
                 AS v(n BIGINT, customer_ref TEXT, name TEXT, assignee_id BIGINT)), \
             c AS (INSERT INTO customers (customer_ref, name, assignee_id) \
                 SELECT customer_ref, name, assignee_id FROM v ORDER BY n RETURNING id, customer_ref, assignee_id), \
             a AS (INSERT INTO assignments (customer_id, from_user_id, to_user_id, by_user_id, reason, at) \
                 SELECT id, NULL, assignee_id, NULL, 'import', ?2 FROM c WHERE assignee_id IS NOT NULL ORDER BY id) \
             SELECT customer_ref, id FROM c",
            &[(&json(rows)).into(), at.into()],
        )?
        .into_iter()
        .collect();
    loans.iter().map(|l| made.get(l.customer_ref()).copied().ok_or_else(|| missing("a customer"))).collect()
}

/// A new loan of a customer in the store, with its borrower's address and employer.
pub struct LoanInsert<'l> {
    pub customer: CustomerId,
    pub loan: &'l NewLoan,
    pub address: Option<&'l str>,
    pub employer: Option<&'l str>,
}

/// Inserts these loans (`insert_loan_of`, and `set_address_employer` where either is given):
/// their ids, in order.
pub fn insert_loans<'a>(db: impl Into<Db<'a>>, loans: &[LoanInsert<'_>], at: &str) -> Result<Vec<LoanId>> {
    let db = db.into();
    if let Db::File(_) = db {
        return loans
            .iter()
            .map(|l| {
                let id = insert_loan_of(db, l.customer, l.loan, at)?;
                if l.address.is_some() || l.employer.is_some() {
                    set_address_employer(db, id, l.address, l.employer)?;
                }
                Ok(id)
            })
            .collect();
    }
    if loans.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<serde_json::Value> = loans
        .iter()
        .enumerate()
        .map(|(n, l)| {
            let t = &l.loan.terms;
            serde_json::json!({
                "n": n,
                "loan_ref": l.loan.loan_ref,
                "customer_id": l.customer.0,
                "borrower": l.loan.borrower,
                "phone": opt_text(l.loan.phone.as_deref()),
                "product": t.product.as_str(),
                "principal_cents": t.principal.cents(),
                "rate_e4": t.rate.e4(),
                "term_months": t.term_months,
                "disbursed_on": t.disbursed_on.to_string(),
                "guarantor": opt_text(l.loan.guarantor.as_deref()),
                "guarantor_phone": opt_text(l.loan.guarantor_phone.as_deref()),
                "collateral": opt_text(l.loan.collateral.as_deref()),
                "branch": opt_text(l.loan.branch.as_deref()),
                "address": l.address,
                "employer": l.employer,
            })
        })
        .collect();
    const COLUMNS: &str = "loan_ref, customer_id, borrower, phone, product, principal_cents, rate_e4, term_months, \
                           disbursed_on, guarantor, guarantor_phone, collateral, branch, address, employer";
    let made: HashMap<String, LoanId> = db
        .rows::<(String, LoanId)>(
            &format!(
                "INSERT INTO loans ({COLUMNS}, created_at) SELECT {COLUMNS}, ?2 \
                 FROM jsonb_to_recordset(CAST(CAST(?1 AS TEXT) AS JSONB)) AS v(n BIGINT, loan_ref TEXT, \
                 customer_id BIGINT, borrower TEXT, phone TEXT, product TEXT, principal_cents BIGINT, rate_e4 BIGINT, \
                 term_months BIGINT, disbursed_on TEXT, guarantor TEXT, guarantor_phone TEXT, collateral TEXT, \
                 branch TEXT, address TEXT, employer TEXT) ORDER BY n RETURNING loan_ref, id"
            ),
            &[(&json(rows)).into(), at.into()],
        )?
        .into_iter()
        .collect();
    loans.iter().map(|l| made.get(&l.loan.loan_ref).copied().ok_or_else(|| missing("a loan"))).collect()
}

fn missing(what: &str) -> super::StoreError {
    super::StoreError::Corrupt(format!("{what} of the import's batch came back without its id"))
}

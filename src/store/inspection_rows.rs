//! Writing the inspection schedule's rows (`inspection_due`): a loan's regular row and a special
//! inspection asked for, and many at a time — a whole book into an empty schedule, a run's
//! customers rescheduled, a run's signals' special inspections (on the server a statement for many
//! where one a row would be a round trip each).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use rusqlite::params_from_iter;

use super::Result;
use super::book::{CustomerId, LoanId};
use super::db::{Db, IDS_IN, Val, ids_json};
use super::inspection_due::{DueFacts, due_facts_of_customer, facts_at, facts_sql};
use super::state::StateAt;
use super::users::UserId;
use crate::domain::RiskClass;
use crate::domain::inspection::InspectionKind;

/// The customers of these loans, each once.
pub fn customers_of_loans<'a>(db: impl Into<Db<'a>>, loans: &[LoanId]) -> Result<Vec<CustomerId>> {
    let db = db.into();
    let of: HashMap<i64, CustomerId> = match db {
        // A round trip a loan on the server: one statement for all.
        Db::Server(_) => db
            .rows::<(i64, CustomerId)>(
                &format!("SELECT id, customer_id FROM loans WHERE id {IDS_IN}"),
                &[(&ids_json(loans.iter().map(|l| l.0))).into()],
            )?
            .into_iter()
            .collect(),
        Db::File(_) => HashMap::new(),
    };
    let (mut out, mut seen) = (Vec::new(), HashSet::new());
    for loan in loans {
        let c = match (db, of.get(&loan.0)) {
            (_, Some(c)) => Some(*c),
            (Db::Server(_), None) => None,
            (Db::File(_), None) => {
                db.value("SELECT customer_id FROM loans WHERE id = ?1", &[loan.0.into()])?
            }
        };
        let c = c.ok_or_else(|| super::StoreError::Corrupt(format!("no loan {}", loan.0)))?;
        if seen.insert(c) {
            out.push(c);
        }
    }
    Ok(out)
}

/// `due_facts_of_customer` for each of these customers, in their order: on the server one
/// statement for all (a round trip a customer was most of a run's rescheduling there).
pub fn due_facts_of_customers<'a>(
    db: impl Into<Db<'a>>,
    customers: &[CustomerId],
    at: &StateAt,
) -> Result<Vec<Vec<DueFacts>>> {
    let db = db.into();
    if let Db::File(_) = db {
        return customers.iter().map(|c| due_facts_of_customer(db, *c, at)).collect();
    }
    if customers.is_empty() {
        return Ok(Vec::new());
    }
    let sql = facts_sql(db, &format!("l.customer_id {IDS_IN}"), true);
    let rows = db.rows(&sql, &[(&ids_json(customers.iter().map(|c| c.0))).into()])?;
    let mut of: HashMap<CustomerId, Vec<DueFacts>> = HashMap::new();
    for f in facts_at(rows, at) {
        of.entry(f.customer).or_default().push(f);
    }
    Ok(customers.iter().map(|c| of.remove(c).unwrap_or_default()).collect())
}

/// `put_regular` for each row, in order: on the server a few hundred rows a statement.
pub fn put_regulars<'a>(db: impl Into<Db<'a>>, rows: &[RegularRow]) -> Result<()> {
    let db = db.into();
    if let Db::File(_) = db {
        for r in rows {
            put_regular(db, r.loan, r.kind, r.due_on, r.assignee, r.class, r.capped)?;
        }
        return Ok(());
    }
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let days: Vec<String> = chunk.iter().map(|r| r.due_on.to_string()).collect();
        let sql =
            format!("{PUT_REGULAR_INTO} VALUES {} {PUT_REGULAR_UNLESS_SAME}", regular_slots(chunk.len()));
        db.execute(&sql, &regular_args(chunk, &days))?;
    }
    Ok(())
}

/// `put_regular`'s statement, around its rows' values.
const PUT_REGULAR_INTO: &str =
    "INSERT INTO inspection_due (loan_id, special, kind, due_on, assignee_id, class, capped)";
// `IS DISTINCT FROM`: SQLite's `IS NOT` of two values, in words both read.
const PUT_REGULAR_UNLESS_SAME: &str = "ON CONFLICT (loan_id, special) DO UPDATE SET \
     kind = excluded.kind, due_on = excluded.due_on, assignee_id = excluded.assignee_id, \
     class = excluded.class, capped = excluded.capped \
     WHERE inspection_due.kind IS DISTINCT FROM excluded.kind OR inspection_due.due_on IS DISTINCT FROM excluded.due_on \
     OR inspection_due.assignee_id IS DISTINCT FROM excluded.assignee_id \
     OR inspection_due.class IS DISTINCT FROM excluded.class OR inspection_due.capped IS DISTINCT FROM excluded.capped";

/// Keeps the loan's regular row (`special = 0`) as given, writing only when it changed.
#[allow(clippy::too_many_arguments)]
pub fn put_regular<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    kind: InspectionKind,
    due_on: NaiveDate,
    assignee: Option<UserId>,
    class: RiskClass,
    capped: bool,
) -> Result<()> {
    let due_on = due_on.to_string();
    db.into().execute(
        &format!("{PUT_REGULAR_INTO} VALUES (?1, 0, ?2, ?3, ?4, ?5, ?6) {PUT_REGULAR_UNLESS_SAME}"),
        &[
            loan.0.into(),
            kind.as_str().into(),
            (&due_on).into(),
            assignee.map(|u| u.0).into(),
            class.as_str().into(),
            capped.into(),
        ],
    )?;
    Ok(())
}

/// A loan's regular row as a whole-book schedule writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegularRow {
    pub loan: LoanId,
    pub kind: InspectionKind,
    pub due_on: NaiveDate,
    pub assignee: Option<UserId>,
    pub class: RiskClass,
    pub capped: bool,
}

/// Rows written per statement into an empty schedule: a statement per row was most of a million
/// loans' scheduling.
const ROWS_PER_INSERT: usize = 200;

/// Writes regular rows into a schedule that holds none of these loans (a whole book scheduled
/// into an empty table), a few hundred a statement. The server's slots are numbered.
pub fn insert_regular<'a>(db: impl Into<Db<'a>>, rows: &[RegularRow]) -> Result<()> {
    let db = db.into();
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let sql = format!("{PUT_REGULAR_INTO} VALUES {}", regular_slots(chunk.len()));
        let days: Vec<String> = chunk.iter().map(|r| r.due_on.to_string()).collect();
        let args = regular_args(chunk, &days);
        match db {
            Db::File(conn) if chunk.len() == ROWS_PER_INSERT => {
                conn.prepare_cached(&sql)?.execute(params_from_iter(&args))?;
            }
            // A last, shorter statement is not kept among the cached ones.
            Db::File(conn) => {
                conn.prepare(&sql)?.execute(params_from_iter(&args))?;
            }
            Db::Server(_) => {
                db.execute(&sql, &args)?;
            }
        }
    }
    Ok(())
}

/// The numbered slots of `rows` regular rows' values: `(?1, 0, ?2, …, ?6), (?7, 0, …)`.
fn regular_slots(rows: usize) -> String {
    (0..rows)
        .map(|r| {
            let n = r * 6;
            format!("(?{}, 0, ?{}, ?{}, ?{}, ?{}, ?{})", n + 1, n + 2, n + 3, n + 4, n + 5, n + 6)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The values of `regular_slots`, `days` each row's due date as text.
fn regular_args<'d>(rows: &'d [RegularRow], days: &'d [String]) -> Vec<Val<'d>> {
    let mut args: Vec<Val<'d>> = Vec::with_capacity(rows.len() * 6);
    for (r, due_on) in rows.iter().zip(days) {
        args.extend::<[Val<'d>; 6]>([
            r.loan.0.into(),
            r.kind.as_str().into(),
            due_on.into(),
            r.assignee.map(|u| u.0).into(),
            r.class.as_str().into(),
            r.capped.into(),
        ]);
    }
    args
}

/// Puts a special inspection on the loan's schedule (one at a time: a second request keeps the
/// earlier, sooner one).
pub fn put_special<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    due_on: NaiveDate,
    assignee: Option<UserId>,
    asked_on: NaiveDate,
    reason: &str,
) -> Result<bool> {
    let (due_on, asked_on) = (due_on.to_string(), asked_on.to_string());
    // Two desks asking at once on the server: the key keeps the first, as on the file.
    let n = db.into().execute(
        "INSERT INTO inspection_due (loan_id, special, kind, due_on, assignee_id, asked_on, reason) \
         VALUES (?1, 1, 'special', ?2, ?3, ?4, ?5) ON CONFLICT (loan_id, special) DO NOTHING",
        &[loan.0.into(), (&due_on).into(), assignee.map(|u| u.0).into(), (&asked_on).into(), reason.into()],
    )?;
    Ok(n == 1)
}

/// `put_special` for loans each asked for with a reason (a run's signals), their owners' the
/// customers': on the server in one statement. One asked for already is kept.
pub fn put_specials<'a>(
    db: impl Into<Db<'a>>,
    asks: &[(LoanId, String)],
    due_on: NaiveDate,
    asked_on: NaiveDate,
) -> Result<()> {
    let db = db.into();
    let (due_on, asked_on) = (due_on.to_string(), asked_on.to_string());
    let into = "INSERT INTO inspection_due (loan_id, special, kind, due_on, assignee_id, asked_on, reason)";
    if let Db::File(_) = db {
        for (loan, reason) in asks {
            db.execute(
                &format!(
                    "{into} VALUES (?1, 1, 'special', ?2, (SELECT c.assignee_id FROM loans l \
                     JOIN customers c ON c.id = l.customer_id WHERE l.id = ?1), ?3, ?4) \
                     ON CONFLICT (loan_id, special) DO NOTHING"
                ),
                &[loan.0.into(), (&due_on).into(), (&asked_on).into(), reason.into()],
            )?;
        }
        return Ok(());
    }
    if asks.is_empty() {
        return Ok(());
    }
    let rows: Vec<serde_json::Value> = asks
        .iter()
        .enumerate()
        .map(|(n, (loan, reason))| serde_json::json!({ "n": n, "loan_id": loan.0, "reason": reason }))
        .collect();
    db.execute(
        &format!(
            "{into} SELECT l.id, 1, 'special', CAST(?2 AS TEXT), c.assignee_id, CAST(?3 AS TEXT), v.reason \
             FROM jsonb_to_recordset(CAST(CAST(?1 AS TEXT) AS JSONB)) AS v(n BIGINT, loan_id BIGINT, reason TEXT) \
             JOIN loans l ON l.id = v.loan_id JOIN customers c ON c.id = l.customer_id ORDER BY v.n \
             ON CONFLICT (loan_id, special) DO NOTHING"
        ),
        &[(&serde_json::Value::Array(rows).to_string()).into(), (&due_on).into(), (&asked_on).into()],
    )?;
    Ok(())
}

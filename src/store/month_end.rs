//! Month-end history (migration 0022): each loan's row at a month-end, written a page at a time
//! from a snapshot rolled (or computed) to that date, and read back by the reports.

use chrono::NaiveDate;
use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::Result;
use super::row::{self, Cols, FromRow};
use super::state::StateAt;
use super::state_row::{CLASS_COLUMNS, ClassParts};
use crate::domain::report::{Month, MonthRow};
use crate::domain::{LoanStatus, Money, Product, RiskClass};

/// The codes month-end rows keep (migration 0022): a word's place in its list.
pub(super) const STATUSES: [LoanStatus; 3] = [LoanStatus::Active, LoanStatus::Closed, LoanStatus::WrittenOff];

pub(super) fn code<T: PartialEq>(all: &[T], v: &T) -> i64 {
    all.iter().position(|x| x == v).unwrap_or(0) as i64
}

pub(super) fn decode<T: Copy>(all: &[T], code: i64, what: &str) -> Result<T> {
    usize::try_from(code)
        .ok()
        .and_then(|i| all.get(i).copied())
        .ok_or_else(|| super::StoreError::Corrupt(format!("month-end {what} code {code}")))
}

/// A branch's id in `month_end_branch`, added the first time it is met.
fn branch_id(conn: &Connection, name: Option<&str>) -> Result<Option<i64>> {
    let Some(name) = name.filter(|n| !n.is_empty()) else { return Ok(None) };
    conn.prepare_cached("INSERT INTO month_end_branch (name) VALUES (?1) ON CONFLICT (name) DO NOTHING")?
        .execute([name])?;
    Ok(Some(
        conn.prepare_cached("SELECT id FROM month_end_branch WHERE name = ?1")?
            .query_row([name], |r| r.get(0))?,
    ))
}

/// A complete month-end: when it was captured and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthEndInfo {
    pub month: Month,
    pub as_of: NaiveDate,
    pub source: String,
    pub actor: String,
    pub loans: u64,
    pub captured_at: String,
}

impl FromRow for MonthEndInfo {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        let key: i64 = c.get("month")?;
        Ok(MonthEndInfo {
            month: Month::from_key(key).ok_or_else(|| super::StoreError::Corrupt(format!("month {key}")))?,
            as_of: c.day("as_of")?,
            source: c.get("source")?,
            actor: c.get("actor")?,
            loans: c.get::<i64>("loans")?.try_into().unwrap_or(0),
            captured_at: c.get("captured_at")?,
        })
    }
}

const INFO: &str = "SELECT month, as_of, source, actor, loans, captured_at FROM month_ends";

/// The month-end, if its capture is complete.
pub fn month_end_info(conn: &Connection, month: Month) -> Result<Option<MonthEndInfo>> {
    row::first(&mut *conn.prepare_cached(&format!("{INFO} WHERE month = ?1"))?, [month.key()])
}

/// Every complete month-end, oldest first.
pub fn month_ends(conn: &Connection) -> Result<Vec<MonthEndInfo>> {
    row::all(&mut *conn.prepare_cached(&format!("{INFO} ORDER BY month"))?, [])
}

/// The latest complete month-end.
pub fn last_month_end(conn: &Connection) -> Result<Option<Month>> {
    let key: Option<i64> =
        conn.prepare_cached("SELECT max(month) FROM month_ends")?.query_row([], |r| r.get(0))?;
    Ok(key.and_then(Month::from_key))
}

/// A loan's row as the snapshot has it, with what its class on the month-end is derived from.
struct Source {
    loan: i64,
    customer: i64,
    status: LoanStatus,
    outstanding: Money,
    overdue: Money,
    principal: Money,
    disbursed: NaiveDate,
    written_off_on: Option<NaiveDate>,
    product: Product,
    owner: Option<i64>,
    branch: Option<String>,
    class: ClassParts,
}

impl FromRow for Source {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(Source {
            loan: c.get("loan_id")?,
            customer: c.get("customer_id")?,
            status: c.word("status")?,
            outstanding: c.money("outstanding_principal")?,
            overdue: c.money("overdue_amount")?,
            principal: c.money("principal_cents")?,
            disbursed: c.day("disbursed_on")?,
            written_off_on: c.opt_day("written_off_on")?,
            product: c.word("product")?,
            owner: c.get("assignee_id")?,
            branch: c.get("branch")?,
            class: ClassParts::read(c)?,
        })
    }
}

/// Writes the month-end rows of up to `limit` loans after loan id `after` (loans disbursed by the
/// month-end only), from the snapshot `at` holds for the month-end; the last loan id written, or
/// `None` when no loan is left. A row already there is kept (a capture stopped and begun again).
pub fn capture_page(
    conn: &Connection,
    at: &StateAt,
    month: Month,
    after: i64,
    limit: u32,
) -> Result<Option<i64>> {
    let sql = format!(
        "SELECT s.loan_id, l.customer_id, s.status, s.outstanding_principal, s.overdue_amount, \
         l.principal_cents, l.disbursed_on, l.written_off_on, l.product, s.assignee_id, l.branch, {CLASS_COLUMNS} \
         FROM {} s JOIN loans l ON l.id = s.loan_id \
         WHERE s.loan_id > ?1 AND l.disbursed_on <= ?2 ORDER BY s.loan_id LIMIT ?3",
        at.table.name()
    );
    let end = month.last_day().to_string();
    let page: Vec<Source> = row::all(&mut *conn.prepare_cached(&sql)?, params![after, end, limit])?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO month_end (month, loan_id, customer_id, status, dpd, class, outstanding, \
         overdue, principal, disbursed, product, owner_id, branch) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13) \
         ON CONFLICT (month, loan_id) DO NOTHING",
    )?;
    let mut branches: std::collections::HashMap<String, Option<i64>> = std::collections::HashMap::new();
    for s in &page {
        let branch = match &s.branch {
            Some(name) => match branches.get(name) {
                Some(id) => *id,
                None => {
                    let id = branch_id(conn, Some(name))?;
                    branches.insert(name.clone(), id);
                    id
                }
            },
            None => None,
        };
        let (dpd, class, _) = s.class.on(at);
        // Written off after the month-end: active then (a recapture reads today's status).
        let status = match s.written_off_on {
            Some(on) if on > at.on && s.status == LoanStatus::WrittenOff => LoanStatus::Active,
            _ => s.status,
        };
        insert.execute(params![
            month.key(),
            s.loan,
            s.customer,
            code(&STATUSES, &status),
            dpd,
            code(&RiskClass::ALL, &class),
            s.outstanding.cents(),
            s.overdue.cents(),
            s.principal.cents(),
            Month::of(s.disbursed).key(),
            code(&Product::ALL, &s.product),
            s.owner,
            branch,
        ])?;
    }
    Ok(page.last().map(|s| s.loan))
}

/// The last loan id a month-end's capture has written (0 before any): where a stopped one goes on.
pub fn captured_through(conn: &Connection, month: Month) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT max(loan_id) FROM month_end WHERE month = ?1")?
        .query_row([month.key()], |r| r.get::<_, Option<i64>>(0))?
        .unwrap_or(0))
}

/// A month-end's rows in loan order, with the owner's login and the branch's name (each read
/// once into a map rather than joined on every row).
pub fn month_rows(conn: &Connection, month: Month) -> Result<Vec<MonthRow>> {
    let names = |sql: &str| -> Result<HashMap<i64, String>> {
        let mut q = conn.prepare_cached(sql)?;
        let pairs = q.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))?;
        Ok(pairs.collect::<rusqlite::Result<_>>()?)
    };
    let logins = names("SELECT id, login FROM users")?;
    let branches = names("SELECT id, name FROM month_end_branch")?;
    let mut q = conn.prepare_cached(
        "SELECT loan_id, customer_id, status, dpd, class, outstanding, overdue, principal, disbursed, product, \
         owner_id, branch FROM month_end WHERE month = ?1 ORDER BY loan_id",
    )?;
    let mut rows = q.query([month.key()])?;
    let mut out = Vec::new();
    let bad = |what: &str, key: i64| super::StoreError::Corrupt(format!("{what} {key}"));
    while let Some(r) = rows.next()? {
        let disbursed: i64 = r.get(8)?;
        let owner: Option<i64> = r.get(10)?;
        let branch: Option<i64> = r.get(11)?;
        out.push(MonthRow {
            loan: r.get(0)?,
            customer: r.get(1)?,
            status: decode(&STATUSES, r.get(2)?, "status")?,
            dpd: r.get(3)?,
            class: decode(&RiskClass::ALL, r.get(4)?, "class")?,
            outstanding: Money::from_cents(r.get(5)?),
            overdue: Money::from_cents(r.get(6)?),
            principal: Money::from_cents(r.get(7)?),
            disbursed: Month::from_key(disbursed).ok_or_else(|| bad("month", disbursed))?,
            product: decode(&Product::ALL, r.get(9)?, "product")?,
            owner: owner.and_then(|id| logins.get(&id).cloned()),
            branch: branch.and_then(|id| branches.get(&id).cloned()),
        });
    }
    Ok(out)
}

/// Customers' references by id, for the large-customer report.
pub fn customer_refs(conn: &Connection, ids: &[i64]) -> Result<Vec<String>> {
    let mut q = conn.prepare_cached("SELECT customer_ref FROM customers WHERE id = ?1")?;
    ids.iter()
        .map(|id| Ok(q.query_row([id], |r| r.get::<_, String>(0)).optional()?.unwrap_or_default()))
        .collect()
}

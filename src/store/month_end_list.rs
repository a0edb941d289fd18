//! The loan list as of a month-end read from its month-end rows (migration 0022) instead of a
//! snapshot recomputed for that date: the fields those rows keep, in the list's own orders.

use super::Result;
use super::db::{Db, Val};
use super::month_end::{STATUSES, code, decode};
use super::queue::SortKey;
use super::row::{Cols, FromRow};
use super::users::UserId;
use crate::domain::report::Month;
use crate::domain::warning::WarningLevel;
use crate::domain::{LoanStatus, Money, Product, RiskClass, Stage};
use chrono::NaiveDate;

/// What a month-end list asks: the list's filters month-end rows can answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonthEndFilter {
    pub status: Option<LoanStatus>,
    pub assignee: Option<UserId>,
    pub dpd_min: Option<i64>,
}

/// A loan as its month-end row has it, with the loan's own reference, name, phone and today's
/// owner (as the list recomputed for that date shows them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthEndListRow {
    pub loan_ref: String,
    pub borrower: String,
    pub phone: Option<String>,
    pub product: Product,
    pub assignee: Option<String>,
    pub agency: bool,
    pub status: LoanStatus,
    pub dpd: i64,
    pub class: RiskClass,
    pub principal: Money,
    pub outstanding: Money,
    pub overdue: Money,
    pub last_contact_at: Option<String>,
    pub last_outcome: Option<String>,
    pub next_action_on: Option<NaiveDate>,
    pub held_until: Option<NaiveDate>,
    pub warning: WarningLevel,
    pub watchlist: bool,
    pub stage: Stage,
}

impl FromRow for MonthEndListRow {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(MonthEndListRow {
            loan_ref: c.get("loan_ref")?,
            borrower: c.get("borrower")?,
            phone: c.get("phone")?,
            product: c.word("product")?,
            principal: c.money("principal_cents")?,
            assignee: c.get("login")?,
            agency: c.get::<Option<String>>("agency")?.is_some(),
            status: decode(&STATUSES, c.get("status")?, "status")?,
            dpd: c.get("dpd")?,
            class: decode(&RiskClass::ALL, c.get("class")?, "class")?,
            outstanding: c.money("outstanding")?,
            overdue: c.money("overdue")?,
            last_contact_at: c.get("last_contact_at")?,
            last_outcome: c.get("last_outcome")?,
            next_action_on: c.opt_day("next_action_on")?,
            held_until: c.opt_day("held_until")?,
            warning: decode(WarningLevel::ALL, c.get("warning")?, "warning")?,
            watchlist: c.get::<i64>("watchlist")? == 1,
            stage: decode(&Stage::ALL, c.get("stage")?, "stage")?,
        })
    }
}

/// A page of a month-end's loans in the list's order (`Dpd` or `Overdue`, each then by loan as
/// the list orders them); `None` for an order the rows do not keep.
pub fn month_end_list<'a>(
    db: impl Into<Db<'a>>,
    month: Month,
    filter: MonthEndFilter,
    sort: SortKey,
    limit: Option<u64>,
    offset: u64,
) -> Result<Option<Vec<MonthEndListRow>>> {
    let order = match sort {
        SortKey::Dpd => "m.dpd DESC, m.loan_id",
        SortKey::Overdue => "m.overdue DESC, m.loan_id",
        SortKey::Due | SortKey::LastContact | SortKey::NextAction | SortKey::DueSoon => return Ok(None),
    };
    let db = db.into();
    let end = month.last_day().to_string();
    let mut args = vec![Val::Int(month.key()), Val::Text(&end)];
    let mut conds = String::new();
    if let Some(status) = filter.status {
        conds.push_str(&format!(" AND m.status = {}", code(&STATUSES, &status)));
    }
    if let Some(user) = filter.assignee {
        args.push(Val::Int(user.0));
        conds.push_str(&format!(" AND c.assignee_id = ?{}", args.len()));
    }
    if let Some(min) = filter.dpd_min {
        args.push(Val::Int(min));
        conds.push_str(&format!(" AND m.dpd >= ?{}", args.len()));
    }
    // No limit: SQLite's -1, the server's NULL.
    let all = match db {
        Db::File(_) => Val::Int(-1),
        Db::Server(_) => Val::Null,
    };
    args.push(limit.and_then(|l| i64::try_from(l).ok()).map_or(all, Val::Int));
    args.push(Val::Int(i64::try_from(offset).unwrap_or(i64::MAX)));
    let sql = format!(
        "SELECT l.loan_ref, l.borrower, l.phone, l.product, l.principal_cents, u.login, l.agency, m.status, m.dpd, \
         m.class, m.outstanding, m.overdue, l.last_contact_at, l.last_outcome, l.next_action_on, \
         (SELECT max(h.until_on) FROM holds h WHERE h.loan_id = m.loan_id AND h.from_on <= ?2 AND h.until_on >= ?2 \
         AND (h.lifted_on IS NULL OR h.lifted_on > ?2)) AS held_until, m.warning, m.watchlist, m.stage \
         FROM month_end m JOIN loans l ON l.id = m.loan_id JOIN customers c ON c.id = l.customer_id \
         LEFT JOIN users u ON u.id = c.assignee_id \
         WHERE m.month = ?1{conds} ORDER BY {order} LIMIT ?{} OFFSET ?{}",
        args.len() - 1,
        args.len()
    );
    Ok(Some(db.rows(&sql, &args)?))
}

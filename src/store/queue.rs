//! Loan lists over the delinquency snapshot: filters and sort orders that use its indexes,
//! a page at a time.

use chrono::NaiveDate;
use rusqlite::types::Value;

use super::Result;
use super::book::LoanId;
use super::db::Db;
use super::search::{Dialect, matching_sql, vals};
use super::state::{StateAt, StateTable};
use super::state_row::{ROW_COLUMNS, StateRow, Stored, rows_at};
use super::users::UserId;
use crate::domain::search;
use crate::domain::warning::Level;
use crate::domain::{LoanStatus, Stage};

/// Sort orders of the loan list (CONTRACT `--sort`). Ties go by loan, so pages never overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortKey {
    /// Days past due, largest first.
    #[default]
    Dpd,
    /// Overdue amount, largest first.
    Overdue,
    /// Next due date, soonest first; loans with nothing due last.
    Due,
    /// Last contact, oldest first; never contacted first of all.
    LastContact,
    /// Next action date, soonest first; none last.
    NextAction,
    /// Due-soon date, soonest first (the due-soon list).
    DueSoon,
}

impl SortKey {
    fn order_by(self) -> &'static str {
        match self {
            // DPD largest first: the oldest overdue date first, loans with nothing overdue last.
            SortKey::Dpd => "s.overdue_since IS NULL, s.overdue_since, s.loan_id",
            SortKey::Overdue => "s.overdue_amount DESC, s.loan_id",
            SortKey::Due => "s.next_due_on IS NULL, s.next_due_on, s.loan_id",
            SortKey::LastContact => "s.last_contact_at, s.loan_id",
            SortKey::NextAction => "s.next_action_on IS NULL, s.next_action_on, s.loan_id",
            SortKey::DueSoon => "s.due_soon_on, s.loan_id",
        }
    }
}

impl SortKey {
    /// The same order backwards (SQLite's DESC is ASC reversed, NULLs included), so a page near
    /// the end of a long list is read from the end of its index.
    fn order_by_reversed(self) -> &'static str {
        match self {
            SortKey::Dpd => "s.overdue_since IS NULL DESC, s.overdue_since DESC, s.loan_id DESC",
            SortKey::Overdue => "s.overdue_amount, s.loan_id DESC",
            SortKey::Due => "s.next_due_on IS NULL DESC, s.next_due_on DESC, s.loan_id DESC",
            SortKey::LastContact => "s.last_contact_at DESC, s.loan_id DESC",
            SortKey::NextAction => "s.next_action_on IS NULL DESC, s.next_action_on DESC, s.loan_id DESC",
            SortKey::DueSoon => "s.due_soon_on DESC, s.loan_id DESC",
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoanFilter {
    pub stage: Option<Stage>,
    pub status: Option<LoanStatus>,
    pub assignee: Option<UserId>,
    pub dpd_min: Option<i64>,
    /// Next due date within this inclusive range.
    pub next_due_between: Option<(NaiveDate, NaiveDate)>,
    /// Only loans inside a due-soon window.
    pub due_soon: bool,
    /// What was typed to find loans by name, pinyin, loan id or phone (`domain/search.rs`).
    pub search: Option<String>,
    /// Whether the search looks at phone numbers: only for those who may see them in full.
    pub search_phones: bool,
    /// Loans with an active promise due on this date (the table's) come first: the collector's queue.
    pub promises_first: Option<NaiveDate>,
    /// Only loans with (`true`) or without (`false`) an active promise due on the date.
    pub promise_due: Option<(bool, NaiveDate)>,
    /// Only loans whose warning level (the highest of their open signals) is this one.
    pub warning: Option<Level>,
    /// Only loans of customers on the watchlist now.
    pub watched: bool,
}

/// The filter's conditions and their values, after `args` (the date asked, `?1`, and any before).
/// SQLite's statement is stated for its planner (literals, `IS`, `+`, `= 0`); the server's says
/// the same in its own words.
fn where_clause(at: &StateAt, filter: &LoanFilter, mut args: Vec<Value>, d: Dialect) -> (String, Vec<Value>) {
    let server = d == Dialect::Server;
    let mut conds: Vec<String> = Vec::new();
    let bind = |conds: &mut Vec<String>, cond: &str, v: Value, args: &mut Vec<Value>| {
        args.push(v);
        conds.push(cond.replace('?', &format!("?{}", args.len())));
    };
    if let Some(stage) = filter.stage {
        bind(&mut conds, "s.stage = ?", Value::Text(stage.as_str().into()), &mut args);
    }
    // Status and minimum DPD go in as literals (a fixed word, an integer): SQLite uses a partial
    // index only for a query that states its condition the same way, not through bound values.
    if let Some(status) = filter.status {
        conds.push(format!("s.status = '{}'", status.as_str()));
    }
    if let Some(user) = filter.assignee {
        bind(&mut conds, "s.assignee_id = ?", Value::Integer(user.0), &mut args);
    }
    // A DPD floor is a bound on the oldest overdue date; the queue's (DPD ≥ 1) is "overdue at
    // all", the partial indexes' own condition, stated as they state it.
    match filter.dpd_min {
        Some(min) if min >= 1 => {
            // The server folds `(x IS NULL) = false` back into `x IS NOT NULL`, which its DPD
            // indexes' `overdue_since IS NULL` column cannot take; `IS FALSE` it takes as that
            // column's value, and the queue is read along the index (1.8 ms, not 112 ms, a page).
            conds.push(if server {
                "s.overdue_since IS NOT NULL AND (s.overdue_since IS NULL) IS FALSE".into()
            } else {
                "s.overdue_since IS NOT NULL AND (s.overdue_since IS NULL) = 0".into()
            });
            if min > 1 {
                let bound = at.days_before(min).map_or(Value::Null, |d| Value::Text(d.to_string()));
                bind(&mut conds, "s.overdue_since <= ?", bound, &mut args);
            }
        }
        _ => {}
    }
    if let Some((from, to)) = filter.next_due_between {
        // Stated so that the due-order index (`next_due_on IS NULL`, `next_due_on`) takes the range.
        conds.push(
            if server {
                "s.next_due_on IS NOT NULL AND (s.next_due_on IS NULL) IS FALSE"
            } else {
                "(s.next_due_on IS NULL) = 0"
            }
            .into(),
        );
        bind(&mut conds, "s.next_due_on >= ?", Value::Text(from.to_string()), &mut args);
        bind(&mut conds, "s.next_due_on <= ?", Value::Text(to.to_string()), &mut args);
    }
    // Bound to a date, so the promise index finds the few due that day.
    match filter.promise_due {
        Some((true, day)) => bind(
            &mut conds,
            "s.promise_due_on = ? AND s.promise_status = 'active'",
            Value::Text(day.to_string()),
            &mut args,
        ),
        Some((false, day)) => bind(
            &mut conds,
            if server {
                "NOT (s.promise_due_on IS NOT DISTINCT FROM ? AND s.promise_status IS NOT DISTINCT FROM 'active')"
            } else {
                "NOT (s.promise_due_on IS ? AND s.promise_status IS 'active')"
            },
            Value::Text(day.to_string()),
            &mut args,
        ),
        None => {}
    }
    if filter.due_soon {
        // A window is open from its opening day (`due_soon_from`), and its date is at most the
        // wider window ahead: the bound keeps a page's walk of the due order off the windows
        // further out.
        let day = |d: NaiveDate| Value::Text(d.to_string());
        bind(&mut conds, "s.due_soon_from <= ?", day(at.on), &mut args);
        let widest = at.rules.installment_window_days.max(at.rules.maturity_window_days);
        let until = at.on.checked_add_signed(chrono::Duration::days(widest)).unwrap_or(NaiveDate::MAX);
        bind(&mut conds, "s.due_soon_on <= ?", day(until), &mut args);
    }
    // A search, a warning level and the watchlist each name a few loans, which then drive the
    // query (by primary key); `+` keeps the planner from walking a whole list's index instead and
    // testing each loan against them. The page is then a sort of those loans alone.
    let mut drivers: Vec<String> = Vec::new();
    if let Some(text) = filter.search.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        let q = search::query(text, filter.search_phones);
        match matching_sql(&q, &mut args) {
            Some(sub) => drivers.push(format!("s.loan_id IN ({sub})")),
            None => drivers.push(if server { "false" } else { "0" }.into()),
        }
    }
    if let Some(level) = filter.warning {
        drivers.push(warning_sql(level));
    }
    if filter.watched {
        // The current stays (a partial index of their own), then each customer's loans.
        drivers.push(
            "s.loan_id IN (SELECT wl.id FROM watchlist w JOIN loans wl ON wl.customer_id = w.customer_id \
             WHERE w.left_on IS NULL)"
                .into(),
        );
    }
    if !drivers.is_empty() {
        // The server has no `+` for text, and its planner is its own.
        if !server {
            for c in &mut conds {
                *c = c.replace("s.", "+s.");
            }
        }
        conds.extend(drivers);
    }
    let clause = if conds.is_empty() { String::new() } else { format!("WHERE {}", conds.join(" AND ")) };
    (clause, args)
}

/// The loans whose highest open signal is at `level`: a range of the open signals' level index
/// (`signals_open_level`, partial on `closed_on IS NULL`, stated as it states it, the level a
/// literal for the same reason), less those with a higher one open (each looked up by loan).
fn warning_sql(level: Level) -> String {
    let higher: Vec<String> =
        Level::ALL.iter().filter(|l| l.rank() > level.rank()).map(|l| format!("'{}'", l.as_str())).collect();
    let mut sql = format!(
        "s.loan_id IN (SELECT g.loan_id FROM signals g WHERE g.closed_on IS NULL AND g.level = '{}')",
        level.as_str()
    );
    if !higher.is_empty() {
        sql.push_str(&format!(
            " AND NOT EXISTS (SELECT 1 FROM signals h WHERE h.loan_id = s.loan_id AND h.closed_on IS NULL \
             AND h.level IN ({}))",
            higher.join(", ")
        ));
    }
    sql
}

/// A page of the loan list: at most `limit` rows after skipping `offset`.
pub fn list_loans<'a>(
    db: impl Into<Db<'a>>,
    at: StateAt,
    filter: &LoanFilter,
    sort: SortKey,
    limit: Option<u64>,
    offset: u64,
) -> Result<Vec<StateRow>> {
    list_loans_in(db, at, filter, sort, limit, offset, None)
}

/// `list_loans` knowing how many loans match (`count_loans` of the same filter): a page in the
/// back half of the list is then read from its end, so the last page costs what the first does.
pub fn list_loans_in<'a>(
    db: impl Into<Db<'a>>,
    at: StateAt,
    filter: &LoanFilter,
    sort: SortKey,
    limit: Option<u64>,
    offset: u64,
    total: Option<u64>,
) -> Result<Vec<StateRow>> {
    list_loans_known(db, at, filter, sort, limit, offset, total, None)
}

/// `list_loans_in` knowing also how many loans today's promise band holds, when the list puts
/// it first (the desk keeps that count until the store changes).
#[allow(clippy::too_many_arguments)]
pub fn list_loans_known<'a>(
    db: impl Into<Db<'a>>,
    at: StateAt,
    filter: &LoanFilter,
    sort: SortKey,
    limit: Option<u64>,
    offset: u64,
    total: Option<u64>,
    in_band: Option<u64>,
) -> Result<Vec<StateRow>> {
    let db = db.into();
    let Some(day) = filter.promises_first else {
        return page(db, at, filter, sort, limit, offset, total);
    };
    // Two bands, each read in its index order: the (few) promises due today, then the rest.
    let band = |due_today| LoanFilter {
        promises_first: None,
        promise_due: Some((due_today, day)),
        ..filter.clone()
    };
    let first = promise_band(filter, day);
    let in_first = match in_band {
        Some(n) => n,
        None => count_loans(db, at, &first)?,
    };
    let mut rows = if offset < in_first {
        page(db, at, &first, sort, limit, offset, Some(in_first))?
    } else {
        Vec::new()
    };
    let left = limit.map(|l| l.saturating_sub(rows.len() as u64));
    if left != Some(0) {
        let rest = total.map(|t| t.saturating_sub(in_first));
        rows.extend(page(db, at, &band(false), sort, left, offset.saturating_sub(in_first), rest)?);
    }
    Ok(rows)
}

/// The list's first band: loans with an active promise due on `day` (the desk's day).
pub fn promise_band(filter: &LoanFilter, day: NaiveDate) -> LoanFilter {
    LoanFilter { promises_first: None, promise_due: Some((true, day)), ..filter.clone() }
}

fn page(
    db: Db<'_>,
    at: StateAt,
    filter: &LoanFilter,
    sort: SortKey,
    limit: Option<u64>,
    offset: u64,
    total: Option<u64>,
) -> Result<Vec<StateRow>> {
    // From the end: rows offset..offset+limit are rows total-offset-limit..total-offset backwards.
    let from_end = match (total, limit) {
        (Some(total), Some(limit)) if offset > total / 2 && offset < total => {
            let end = offset.saturating_add(limit).min(total);
            Some((total - end, end - offset))
        }
        _ => None,
    };
    let d = Dialect::of(db);
    let (sql, args) = match from_end {
        Some((back, n)) => page_sql_in(at, filter, sort, Some(n), back, true, d),
        None => page_sql_in(at, filter, sort, limit, offset, false, d),
    };
    let stored: Vec<Stored> = db.rows(&sql, &vals(&args))?;
    let mut rows = rows_at(stored, &at);
    if from_end.is_some() {
        rows.reverse();
    }
    Ok(rows)
}

/// The statement and bound values of one page of one band (the benchmarks hand the same text to
/// the `sqlite3` shell).
pub fn page_sql(
    at: StateAt,
    filter: &LoanFilter,
    sort: SortKey,
    limit: Option<u64>,
    offset: u64,
) -> (String, Vec<Value>) {
    page_sql_in(at, filter, sort, limit, offset, false, Dialect::File)
}

fn page_sql_in(
    at: StateAt,
    filter: &LoanFilter,
    sort: SortKey,
    limit: Option<u64>,
    offset: u64,
    reversed: bool,
    d: Dialect,
) -> (String, Vec<Value>) {
    let (clause, mut args) = where_clause(&at, filter, vec![Value::Text(at.on.to_string())], d);
    // No limit: SQLite's -1, the server's NULL.
    let all = if d == Dialect::Server { Value::Null } else { Value::Integer(-1) };
    args.push(limit.map_or(all, |l| Value::Integer(i64::try_from(l).unwrap_or(i64::MAX))));
    let lim = args.len();
    args.push(Value::Integer(i64::try_from(offset).unwrap_or(i64::MAX)));
    let off = args.len();
    let order = d.order(order_of(filter, sort, reversed));
    // The page's loans first, from the snapshot alone (a covering index skips OFFSET rows without
    // reading them), then their rows: a deep page joins 100 loans, not every loan above it.
    let t = d.table(at.table);
    let pin = match d {
        Dialect::File => {
            queue_index(at.table, filter, sort).map_or(String::new(), |i| format!(" INDEXED BY {i}"))
        }
        Dialect::Server => String::new(),
    };
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM (SELECT s.loan_id FROM {t} s{pin} {clause} ORDER BY {order} LIMIT ?{lim} OFFSET ?{off}) p \
         JOIN {t} s ON s.loan_id = p.loan_id JOIN loans l ON l.id = s.loan_id LEFT JOIN users u ON u.id = s.assignee_id \
         ORDER BY {order}",
    );
    (sql, args)
}

fn order_of(filter: &LoanFilter, sort: SortKey, reversed: bool) -> &'static str {
    // Inside a due-date range, or among overdue loans, nothing is null, so the index the range is
    // searched on already gives the order (SQLite sorts again for an `IS NULL` term it could skip).
    let overdue = filter.dpd_min.is_some_and(|m| m >= 1);
    match (sort, filter.next_due_between, reversed) {
        (SortKey::Due, Some(_), false) => "s.next_due_on, s.loan_id",
        (SortKey::Due, Some(_), true) => "s.next_due_on DESC, s.loan_id DESC",
        (SortKey::Dpd, _, false) if overdue => "s.overdue_since, s.loan_id",
        (SortKey::Dpd, _, true) if overdue => "s.overdue_since DESC, s.loan_id DESC",
        (_, _, false) => sort.order_by(),
        (_, _, true) => sort.order_by_reversed(),
    }
}

/// The loans a search finds, in the list's order (today's promises first when the list puts them
/// first). A search's list is asked for its count, its promise band and pages key after key;
/// each of those statements would visit every match again, so the matches are found once and
/// kept, and a page is then read by its loans' ids.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchHits {
    pub ids: Vec<LoanId>,
}

impl SearchHits {
    /// The ids of rows `offset .. offset + limit`.
    pub fn page(&self, offset: u64, limit: Option<u64>) -> &[LoanId] {
        let len = self.ids.len();
        let from = usize::try_from(offset).unwrap_or(usize::MAX).min(len);
        let to =
            limit.map_or(len, |l| from.saturating_add(usize::try_from(l).unwrap_or(usize::MAX)).min(len));
        &self.ids[from..to]
    }
}

/// The statement and bound values that find a search's loans in the list's order.
pub fn search_sql(at: StateAt, filter: &LoanFilter, sort: SortKey) -> (String, Vec<Value>) {
    search_sql_in(at, filter, sort, Dialect::File)
}

fn search_sql_in(at: StateAt, filter: &LoanFilter, sort: SortKey, d: Dialect) -> (String, Vec<Value>) {
    let (clause, mut args) =
        where_clause(&at, &LoanFilter { promises_first: None, ..filter.clone() }, Vec::new(), d);
    let none = if d == Dialect::Server { "false" } else { "0" };
    let band = match filter.promises_first {
        Some(day) => {
            args.push(Value::Text(day.to_string()));
            format!(
                "coalesce(s.promise_due_on = ?{} AND s.promise_status = 'active', {none}) DESC, ",
                args.len()
            )
        }
        None => String::new(),
    };
    let order = d.order(order_of(filter, sort, false));
    (format!("SELECT s.loan_id FROM {} s {clause} ORDER BY {band}{order}", d.table(at.table)), args)
}

/// Every loan the filter (with a search) matches, in the list's order: one visit of each match.
pub fn search_hits<'a>(
    db: impl Into<Db<'a>>,
    at: StateAt,
    filter: &LoanFilter,
    sort: SortKey,
) -> Result<SearchHits> {
    let db = db.into();
    let (sql, args) = search_sql_in(at, filter, sort, Dialect::of(db));
    Ok(SearchHits { ids: db.column(&sql, &vals(&args))? })
}

/// The statement and bound value that read the rows of these loans (their ids as a JSON array).
pub fn rows_by_id_sql(at: StateAt, ids: &[LoanId]) -> (String, Vec<Value>) {
    rows_by_id_sql_in(at, ids, Dialect::File)
}

fn rows_by_id_sql_in(at: StateAt, ids: &[LoanId], d: Dialect) -> (String, Vec<Value>) {
    let list = format!("[{}]", ids.iter().map(|i| i.0.to_string()).collect::<Vec<_>>().join(","));
    let ids_in = match d {
        Dialect::File => "SELECT value FROM json_each(?2)",
        Dialect::Server => {
            "SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(CAST(?2 AS TEXT) AS json))"
        }
    };
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM {} s JOIN loans l ON l.id = s.loan_id LEFT JOIN users u ON u.id = s.assignee_id \
         WHERE s.loan_id IN ({ids_in})",
        d.table(at.table)
    );
    (sql, vec![Value::Text(at.on.to_string()), Value::Text(list)])
}

/// The rows of these loans, in the order given (loans not in the table are left out).
pub fn rows_by_id<'a>(db: impl Into<Db<'a>>, at: StateAt, ids: &[LoanId]) -> Result<Vec<StateRow>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let db = db.into();
    let (sql, args) = rows_by_id_sql_in(at, ids, Dialect::of(db));
    let stored: Vec<Stored> = db.rows(&sql, &vals(&args))?;
    let rows = rows_at(stored, &at);
    let mut by_id: std::collections::HashMap<LoanId, StateRow> =
        rows.into_iter().map(|r| (r.loan_id, r)).collect();
    Ok(ids.iter().filter_map(|i| by_id.remove(i)).collect())
}

/// The index a page of a desk's list walks where the planner, without statistics, would choose
/// worse: the due-soon list's in due order (migration 0028), and the partial index of the overdue
/// queue (active, at least one day overdue, everyone's cases, no search) in this order, outside
/// today's promise band (migration 0013), where it prefers to range over the DPD index and sort
/// the whole queue.
fn queue_index(table: StateTable, filter: &LoanFilter, sort: SortKey) -> Option<&'static str> {
    // Its walk passes over the windows not open yet in the index; the planner would rather range
    // over the open ones and sort them all.
    if due_soon_list(table, filter) && sort == SortKey::DueSoon {
        return Some("loan_state_queue_due_soon");
    }
    let queue = table == StateTable::Shared
        && filter.status == Some(LoanStatus::Active)
        && filter.dpd_min == Some(1)
        && filter.stage.is_none()
        && filter.assignee.is_none()
        && filter.next_due_between.is_none()
        && !filter.due_soon
        && filter.search.as_deref().is_none_or(|p| p.trim().is_empty())
        && filter.warning.is_none()
        && !filter.watched
        && !matches!(filter.promise_due, Some((true, _)));
    if !queue {
        return None;
    }
    match sort {
        SortKey::Overdue => Some("loan_state_queue_overdue"),
        SortKey::LastContact => Some("loan_state_queue_last_contact"),
        SortKey::NextAction => Some("loan_state_queue_next_action"),
        _ => None,
    }
}

/// Whether the filter is the due-soon list of one status, perhaps one owner's, and no more: the
/// questions the due-soon indexes of migration 0028 answer.
fn due_soon_list(table: StateTable, filter: &LoanFilter) -> bool {
    table == StateTable::Shared
        && filter.due_soon
        && filter.status.is_some()
        && filter.dpd_min.is_none()
        && filter.stage.is_none()
        && filter.next_due_between.is_none()
        && filter.search.as_deref().is_none_or(|p| p.trim().is_empty())
        && filter.warning.is_none()
        && !filter.watched
        && filter.promise_due.is_none()
}

/// How many loans match the filter.
pub fn count_loans<'a>(db: impl Into<Db<'a>>, at: StateAt, filter: &LoanFilter) -> Result<u64> {
    let db = db.into();
    let (sql, args) = count_sql_in(at, filter, Dialect::of(db));
    let n: i64 = db.value(&sql, &vals(&args))?.unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The statement and bound values that count the loans matching the filter.
pub fn count_sql(at: StateAt, filter: &LoanFilter) -> (String, Vec<Value>) {
    count_sql_in(at, filter, Dialect::File)
}

fn count_sql_in(at: StateAt, filter: &LoanFilter, d: Dialect) -> (String, Vec<Value>) {
    let (clause, args) = where_clause(&at, filter, Vec::new(), d);
    // The due-soon list is counted on the open windows' range; the planner would take the due
    // order's index, whose range on the date spans every loan with an installment in the month.
    let pin = if d == Dialect::File && due_soon_list(at.table, filter) {
        " INDEXED BY loan_state_due_soon"
    } else {
        ""
    };
    (format!("SELECT count(*) FROM {} s{pin} {clause}", d.table(at.table)), args)
}

/// The snapshot row of one loan.
pub fn state_of<'a>(db: impl Into<Db<'a>>, at: StateAt, loan: LoanId) -> Result<Option<StateRow>> {
    let db = db.into();
    let sql = format!(
        "SELECT {ROW_COLUMNS} FROM {} s JOIN loans l ON l.id = s.loan_id LEFT JOIN users u ON u.id = s.assignee_id \
         WHERE s.loan_id = ?2",
        Dialect::of(db).table(at.table)
    );
    let on = at.on.to_string();
    let stored: Option<Stored> = db.first(&sql, &[(&on).into(), loan.0.into()])?;
    Ok(stored.map(|s| s.at(&at)))
}

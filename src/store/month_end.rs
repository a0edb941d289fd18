//! Month-end history (migration 0022): each loan's row at a month-end, written a page at a time
//! from a snapshot rolled (or computed) to that date, and read back by the reports.

use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, params};

use super::Result;
use super::row::{self, Cols, FromRow};
use super::settings::parse_day;
use super::state::StateAt;
use super::state_row::{CLASS_COLUMNS, ClassParts};
use crate::domain::report::{By, Month, MonthRow};
use crate::domain::warning::{Level, WarningLevel};
use crate::domain::{LoanStatus, Money, Product, RiskClass, Stage};

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
    /// Its rows carry each loan's stage, warning level and watchlist mark (a month-end recorded
    /// before they were kept has none of them).
    pub full_rows: bool,
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
            full_rows: c.get::<i64>("full_rows")? == 1,
        })
    }
}

const INFO: &str = "SELECT month, as_of, source, actor, loans, captured_at, full_rows FROM month_ends";

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
    /// The stage the loan is in now (its stage on the month-end comes from its stage events).
    stage: Stage,
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
            stage: c.word("stage")?,
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
    watched: &HashSet<i64>,
    after: i64,
    limit: u32,
) -> Result<Option<i64>> {
    let sql = format!(
        "SELECT s.loan_id, l.customer_id, s.status, s.outstanding_principal, s.overdue_amount, \
         l.principal_cents, l.disbursed_on, l.written_off_on, l.product, l.stage, s.assignee_id, l.branch, {CLASS_COLUMNS} \
         FROM {} s JOIN loans l ON l.id = s.loan_id \
         WHERE s.loan_id > ?1 AND l.disbursed_on <= ?2 ORDER BY s.loan_id LIMIT ?3",
        at.table.name()
    );
    let end = month.last_day().to_string();
    let page: Vec<Source> = row::all(&mut *conn.prepare_cached(&sql)?, params![after, end, limit])?;
    let (levels, stages) = match (page.first(), page.last()) {
        (Some(first), Some(last)) => {
            (levels_on(conn, first.loan, last.loan, &end)?, stages_on(conn, first.loan, last.loan, at.on)?)
        }
        _ => (HashMap::new(), HashMap::new()),
    };
    let mut insert = conn.prepare_cached(
        "INSERT INTO month_end (month, loan_id, customer_id, status, dpd, class, outstanding, \
         overdue, principal, disbursed, product, owner_id, branch, warning, watchlist, stage) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) \
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
            code(WarningLevel::ALL, &levels.get(&s.loan).copied().unwrap_or(WarningLevel::None)),
            watched.contains(&s.customer),
            code(&Stage::ALL, &stage_then(status, stages.get(&s.loan).copied().unwrap_or(s.stage))),
        ])?;
    }
    Ok(page.last().map(|s| s.loan))
}

/// The warning level on `day` of each loan from `first` to `last` with a signal open that day.
fn levels_on(conn: &Connection, first: i64, last: i64, day: &str) -> Result<HashMap<i64, WarningLevel>> {
    let mut q = conn.prepare_cached(
        "SELECT loan_id, level FROM signals WHERE loan_id BETWEEN ?1 AND ?2 AND raised_on <= ?3 \
         AND (closed_on IS NULL OR closed_on > ?3)",
    )?;
    let mut highest: HashMap<i64, Level> = HashMap::new();
    let mut rows = q.query(params![first, last, day])?;
    while let Some(r) = rows.next()? {
        let level: Level =
            r.get::<_, String>(1)?.parse().map_err(|e: String| super::StoreError::Corrupt(e))?;
        let at = highest.entry(r.get(0)?).or_insert(level);
        *at = Level::highest([*at, level]).unwrap_or(level);
    }
    Ok(highest.into_iter().map(|(loan, level)| (loan, Some(level).into())).collect())
}

/// The stage on `day` of each loan from `first` to `last` with a stage event: the stage its last
/// event by then moved it to, or, when every event is later, the stage the first moved it from.
fn stages_on(conn: &Connection, first: i64, last: i64, day: NaiveDate) -> Result<HashMap<i64, Stage>> {
    let mut q = conn.prepare_cached(
        "SELECT loan_id, from_stage, to_stage, as_of FROM stage_events WHERE loan_id BETWEEN ?1 AND ?2 \
         ORDER BY loan_id, id",
    )?;
    let mut rows = q.query(params![first, last])?;
    let mut then: HashMap<i64, (Stage, bool)> = HashMap::new();
    let word = |text: String| text.parse::<Stage>().map_err(|e| super::StoreError::Corrupt(e.to_string()));
    while let Some(r) = rows.next()? {
        let loan: i64 = r.get(0)?;
        let by_then = parse_day(&r.get::<_, String>(3)?)? <= day;
        match (then.get(&loan), by_then) {
            (_, true) => {
                then.insert(loan, (word(r.get(2)?)?, true));
            }
            (None, false) => {
                then.insert(loan, (word(r.get(1)?)?, false));
            }
            (Some(_), false) => {}
        }
    }
    Ok(then.into_iter().map(|(loan, (stage, _))| (loan, stage)).collect())
}

/// A loan's stage on a month-end from its status then and the stage its events give (a stage
/// closed or written off since, for a loan active then, is what the ledger's status says).
fn stage_then(status: LoanStatus, recorded: Stage) -> Stage {
    match status {
        LoanStatus::WrittenOff => Stage::WrittenOff,
        LoanStatus::Closed => Stage::Closed,
        LoanStatus::Active if recorded.is_terminal() => Stage::Current,
        LoanStatus::Active => recorded,
    }
}

/// The customers on the watchlist on `day` (entered by then, not left by then).
pub fn watched_on(conn: &Connection, day: NaiveDate) -> Result<HashSet<i64>> {
    let mut q = conn.prepare_cached(
        "SELECT DISTINCT customer_id FROM watchlist WHERE entered_on <= ?1 AND (left_on IS NULL OR left_on > ?1)",
    )?;
    let ids = q.query_map([day.to_string()], |r| r.get(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// The last loan id a month-end's capture has written (0 before any): where a stopped one goes on.
pub fn captured_through(conn: &Connection, month: Month) -> Result<i64> {
    Ok(conn
        .prepare_cached("SELECT max(loan_id) FROM month_end WHERE month = ?1")?
        .query_row([month.key()], |r| r.get::<_, Option<i64>>(0))?
        .unwrap_or(0))
}

/// Logins and branch names by id, each shared by the rows that name it; sorted by id (a handful
/// of each: a binary search costs less than hashing on every row).
struct Names {
    logins: Vec<(i64, Arc<str>)>,
    branches: Vec<(i64, Arc<str>)>,
}

impl Names {
    fn read(conn: &Connection) -> Result<Names> {
        let names = |sql: &str| -> Result<Vec<(i64, Arc<str>)>> {
            let mut q = conn.prepare_cached(sql)?;
            let pairs = q.query_map([], |r| Ok((r.get::<_, i64>(0)?, Arc::from(r.get::<_, String>(1)?))))?;
            Ok(pairs.collect::<rusqlite::Result<_>>()?)
        };
        Ok(Names {
            logins: names("SELECT id, login FROM users ORDER BY id")?,
            branches: names("SELECT id, name FROM month_end_branch ORDER BY id")?,
        })
    }

    fn find(names: &[(i64, Arc<str>)], id: Option<i64>) -> Option<Arc<str>> {
        let id = id?;
        names.binary_search_by_key(&id, |(k, _)| *k).ok().map(|i| names[i].1.clone())
    }
}

/// Which of a month-end's rows a report reads, and how much of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowsAsked {
    /// Only the loans active at the month-end.
    pub active_only: bool,
    /// The whole row; otherwise only what the flows and the large customers read — loan,
    /// customer, status, DPD, class, outstanding, overdue, and the group of `by` — and the rest
    /// left empty (principal zero, disbursed in the month-end's own month, product the first,
    /// owner and branch none unless `by` names them). SQLite reads half as much for it.
    pub whole: bool,
    pub by: Option<By>,
    /// The stage, warning level and watchlist mark, read with a part of a row too (a whole row
    /// has them).
    pub standing: bool,
}

impl RowsAsked {
    pub const WHOLE: RowsAsked = RowsAsked { active_only: false, whole: true, by: None, standing: true };

    /// What the flows between two month-ends and the large customers read.
    pub fn part(by: Option<By>, active_only: bool) -> RowsAsked {
        RowsAsked { active_only, whole: false, by, standing: false }
    }

    /// Whether the row's origin (principal, disbursed, product), owner, branch and standing
    /// (stage, warning level, watchlist) are read.
    fn reads(self) -> (bool, bool, bool, bool) {
        match (self.whole, self.by) {
            (true, _) => (true, true, true, true),
            (false, by) => {
                (by == Some(By::Product), by == Some(By::Owner), by == Some(By::Branch), self.standing)
            }
        }
    }
}

/// A month-end's rows in loan order, with the owner's login and the branch's name (each read
/// once into a map rather than joined on every row).
pub fn month_rows(conn: &Connection, month: Month) -> Result<Vec<MonthRow>> {
    month_rows_between(conn, RowsAsked::WHOLE, month, i64::MIN, i64::MAX)
}

/// Several month-ends' rows, each asked as it says, the second and later ones each on a
/// connection of its own beside `conn` when the store is a file. For a writer whose transaction
/// has not touched these rows (a capture's last step: its rows were committed page by page),
/// what the others read is what it would read itself.
pub(super) fn month_rows_each(conn: &Connection, asks: &[(Month, RowsAsked)]) -> Result<Vec<Vec<MonthRow>>> {
    let read = |c: &Connection, (month, asked): (Month, RowsAsked)| {
        month_rows_between(c, asked, month, i64::MIN, i64::MAX)
    };
    let path = conn.path().filter(|p| !p.is_empty()).map(std::path::Path::new);
    let (Some(path), [first, rest @ ..]) = (path, asks) else {
        return asks.iter().map(|&ask| read(conn, ask)).collect();
    };
    std::thread::scope(|scope| {
        let others: Vec<_> = rest
            .iter()
            .map(|&ask| scope.spawn(move || read(&super::open::side_reader(path)?, ask)))
            .collect();
        let mut out = vec![read(conn, *first)?];
        for other in others {
            out.push(
                other
                    .join()
                    .map_err(|_| super::StoreError::Corrupt("a month-end reader stopped".into()))??,
            );
        }
        Ok(out)
    })
}

/// Below this many loans a month-end is read in one part.
const SPLIT_FROM: i64 = 100_000;

impl super::Store {
    /// The rows `asked` of a month-end, in loan order; the two halves of its loans read side by
    /// side on two connections when the store is a file and the month-end is large (a report's
    /// wait is mostly this read).
    pub fn month_rows(&self, month: Month, asked: RowsAsked) -> Result<Vec<MonthRow>> {
        let conn = self.conn();
        let (low, high): (Option<i64>, Option<i64>) = conn
            .prepare_cached("SELECT min(loan_id), max(loan_id) FROM month_end WHERE month = ?1")?
            .query_row([month.key()], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let (Some(path), Some(low), Some(high)) = (self.path.as_deref(), low, high) else {
            return month_rows_between(conn, asked, month, i64::MIN, i64::MAX);
        };
        if high - low < SPLIT_FROM {
            return month_rows_between(conn, asked, month, i64::MIN, i64::MAX);
        }
        let middle = low + (high - low) / 2;
        std::thread::scope(|scope| {
            let upper = scope.spawn(|| {
                let side = super::open::side_reader(path)?;
                month_rows_between(&side, asked, month, middle + 1, i64::MAX)
            });
            let mut rows = month_rows_between(conn, asked, month, i64::MIN, middle)?;
            rows.extend(
                upper
                    .join()
                    .map_err(|_| super::StoreError::Corrupt("a month-end reader stopped".into()))??,
            );
            Ok(rows)
        })
    }
}

pub(super) fn month_rows_between(
    conn: &Connection,
    asked: RowsAsked,
    month: Month,
    from: i64,
    to: i64,
) -> Result<Vec<MonthRow>> {
    // Each reader its own names: rows sharing one `Arc` across threads contend on its count.
    let names = Names::read(conn)?;
    let (origin, owner, branch, standing) = asked.reads();
    let sql = format!(
        "SELECT loan_id, customer_id, status, dpd, class, outstanding, overdue{}{}{}{} FROM month_end \
         WHERE month = ?1 AND loan_id BETWEEN ?2 AND ?3{} ORDER BY loan_id",
        if origin { ", principal, disbursed, product" } else { "" },
        if owner { ", owner_id" } else { "" },
        if branch { ", branch" } else { "" },
        if standing { ", warning, watchlist, stage" } else { "" },
        if asked.active_only { " AND status = 0" } else { "" },
    );
    let owner_at = 7 + 3 * usize::from(origin);
    let branch_at = owner_at + usize::from(owner);
    let warning_at = branch_at + usize::from(branch);
    let mut q = conn.prepare_cached(&sql)?;
    let mut rows = q.query(params![month.key(), from, to])?;
    let mut out =
        Vec::with_capacity(usize::try_from(to.saturating_sub(from)).unwrap_or(0).clamp(16, 1 << 20));
    let bad = |what: &str, key: i64| super::StoreError::Corrupt(format!("{what} {key}"));
    while let Some(r) = rows.next()? {
        let (principal, disbursed, product) = if origin {
            let disbursed: i64 = r.get(8)?;
            (
                Money::from_cents(r.get(7)?),
                Month::from_key(disbursed).ok_or_else(|| bad("month", disbursed))?,
                decode(&Product::ALL, r.get(9)?, "product")?,
            )
        } else {
            (Money::ZERO, month, Product::ALL[0])
        };
        out.push(MonthRow {
            loan: r.get(0)?,
            customer: r.get(1)?,
            status: decode(&STATUSES, r.get(2)?, "status")?,
            dpd: r.get(3)?,
            class: decode(&RiskClass::ALL, r.get(4)?, "class")?,
            outstanding: Money::from_cents(r.get(5)?),
            overdue: Money::from_cents(r.get(6)?),
            principal,
            disbursed,
            product,
            owner: if owner { Names::find(&names.logins, r.get(owner_at)?) } else { None },
            branch: if branch { Names::find(&names.branches, r.get(branch_at)?) } else { None },
            warning: if standing {
                decode(WarningLevel::ALL, r.get(warning_at)?, "warning")?
            } else {
                WarningLevel::None
            },
            watchlist: standing && r.get::<_, i64>(warning_at + 1)? == 1,
            stage: if standing {
                decode(&Stage::ALL, r.get(warning_at + 2)?, "stage")?
            } else {
                Stage::Current
            },
        });
    }
    Ok(out)
}

/// Customers' references by id, for the large-customer report (an empty one for an id not there).
pub fn customer_refs(conn: &Connection, ids: &[i64]) -> Result<Vec<String>> {
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_unstable_by_key(|&i| ids[i]);
    let mut out = vec![String::new(); ids.len()];
    let (Some(&first), Some(&last)) = (order.first(), order.last()) else { return Ok(out) };
    let (low, high) = (ids[first], ids[last]);
    // Many ids close together: one walk over the range beats a lookup each.
    if (ids.len() as i128) * 8 >= i128::from(high) - i128::from(low) {
        let mut q = conn.prepare_cached(
            "SELECT id, customer_ref FROM customers WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
        )?;
        let mut rows = q.query([low, high])?;
        let mut wanted = order.iter().peekable();
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            while wanted.next_if(|&&i| ids[i] < id).is_some() {}
            let mut reference: Option<String> = None;
            while let Some(i) = wanted.next_if(|&&i| ids[i] == id) {
                out[*i] = match &reference {
                    Some(r) => r.clone(),
                    None => reference.insert(r.get::<_, String>(1)?).clone(),
                };
            }
            if wanted.peek().is_none() {
                break;
            }
        }
        return Ok(out);
    }
    let mut q = conn.prepare_cached("SELECT customer_ref FROM customers WHERE id = ?1")?;
    for i in order {
        if let Some(r) = q.query_row([ids[i]], |r| r.get::<_, String>(0)).optional()? {
            out[i] = r;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    /// Loans 1..=40 and 200,001..=200,040 (far enough apart for two readers), owners and branches
    /// on some, a few closed.
    fn book(store: &Store, month: Month) {
        let conn = store.conn();
        conn.execute("INSERT INTO month_end_branch (id, name) VALUES (1, '东城'), (2, 'West')", [])
            .expect("branches");
        conn.execute(
            "INSERT INTO users (login, display_name, role, created_at) VALUES ('wang', '王', 'collector', '2026-01-01T09:00:00+08:00')",
            [],
        )
        .expect("user");
        let owner = conn.last_insert_rowid();
        for loan in (1..=40).chain(200_001..=200_040) {
            conn.execute(
                "INSERT INTO month_end (month, loan_id, customer_id, status, dpd, class, outstanding, overdue, \
                 principal, disbursed, product, owner_id, branch) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 202501, ?10, ?11, ?12)",
                params![
                    month.key(),
                    loan,
                    loan % 7,
                    i64::from(loan % 5 == 0),
                    loan % 200,
                    loan % 4,
                    loan * 1000,
                    loan * 10,
                    loan * 2000,
                    loan % 3,
                    (loan % 2 == 0).then_some(owner),
                    [None, Some(1), Some(2)][(loan % 3) as usize],
                ],
            )
            .expect("row");
        }
    }

    #[test]
    fn a_month_end_read_in_two_halves_equals_one_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("desk.db")).expect("open");
        let month: Month = "2026-01".parse().expect("month");
        book(&store, month);
        let whole = month_rows(store.conn(), month).expect("one read");
        assert_eq!(whole.len(), 80);
        assert!(
            whole.iter().any(|r| r.branch.as_deref() == Some("东城"))
                && whole.iter().any(|r| r.owner.is_some())
        );
        assert_eq!(store.month_rows(month, RowsAsked::WHOLE).expect("two readers"), whole);

        for by in [None, Some(By::Branch), Some(By::Owner), Some(By::Product)] {
            for active_only in [false, true] {
                let part = store.month_rows(month, RowsAsked::part(by, active_only)).expect("part");
                let expected: Vec<&MonthRow> = whole.iter().filter(|r| !active_only || r.active()).collect();
                assert_eq!(part.len(), expected.len(), "{by:?} {active_only}");
                for (got, want) in part.iter().zip(expected) {
                    let kept = (
                        got.loan,
                        got.customer,
                        got.status,
                        got.dpd,
                        got.class,
                        got.outstanding,
                        got.overdue,
                    );
                    assert_eq!(
                        kept,
                        (
                            want.loan,
                            want.customer,
                            want.status,
                            want.dpd,
                            want.class,
                            want.outstanding,
                            want.overdue
                        )
                    );
                    if let Some(by) = by {
                        assert_eq!(by.word(got), by.word(want), "the group is read");
                    }
                }
            }
        }
    }

    #[test]
    fn customer_references_come_back_in_the_order_asked_walked_or_looked_up() {
        let store = Store::open_in_memory().expect("store");
        let conn = store.conn();
        for id in (1..=10).chain([5000]) {
            conn.execute(
                "INSERT INTO customers (id, customer_ref, name) VALUES (?1, ?2, '客户')",
                params![id, format!("C{id}")],
            )
            .expect("customer");
        }
        // Close together: one walk over the ids.
        assert_eq!(customer_refs(conn, &[3, 1, 3, 10]).expect("walk"), ["C3", "C1", "C3", "C10"]);
        // Far apart: a lookup each; an id not there comes back empty.
        assert_eq!(customer_refs(conn, &[5000, 2, 99_999]).expect("lookups"), ["C5000", "C2", ""]);
        assert_eq!(customer_refs(conn, &[]).expect("none"), Vec::<String>::new());
    }
}

//! Month-end history (migrations 0022, 0027): each loan's row at a month-end, written a page at a
//! time from a snapshot rolled (or computed) to that date, with its stage, warning level and
//! watchlist mark from their history; read back by the reports in `month_rows.rs`.

use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

use super::Result;
use super::db::{Db, Val};
use super::escalation::snapshot_table;
use super::row::{Cols, FromRow};
use super::state::StateAt;
use super::state_row::{CLASS_COLUMNS, ClassParts};
use crate::domain::report::Month;
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
fn branch_id(db: Db<'_>, name: Option<&str>) -> Result<Option<i64>> {
    let Some(name) = name.filter(|n| !n.is_empty()) else { return Ok(None) };
    db.execute(
        "INSERT INTO month_end_branch (name) VALUES (?1) ON CONFLICT (name) DO NOTHING",
        &[name.into()],
    )?;
    let id = db.value("SELECT id FROM month_end_branch WHERE name = ?1", &[name.into()])?;
    id.map(Some).ok_or_else(|| super::StoreError::Corrupt(format!("month-end branch {name} not kept")))
}

/// Month-end rows a statement on the server (16 values each, under its 65,535).
const ROWS_PER_INSERT: usize = 400;

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
pub fn month_end_info<'a>(db: impl Into<Db<'a>>, month: Month) -> Result<Option<MonthEndInfo>> {
    db.into().first(&format!("{INFO} WHERE month = ?1"), &[month.key().into()])
}

/// Every complete month-end, oldest first.
pub fn month_ends<'a>(db: impl Into<Db<'a>>) -> Result<Vec<MonthEndInfo>> {
    db.into().rows(&format!("{INFO} ORDER BY month"), &[])
}

/// The latest complete month-end.
pub fn last_month_end<'a>(db: impl Into<Db<'a>>) -> Result<Option<Month>> {
    let key: Option<Option<i64>> = db.into().value("SELECT max(month) FROM month_ends", &[])?;
    Ok(key.flatten().and_then(Month::from_key))
}

/// A loan's row as the snapshot has it (or as the ledger gives it for the day), with what its
/// class on the month-end is derived from.
pub(crate) struct Source {
    pub(crate) loan: i64,
    pub(crate) customer: i64,
    pub(crate) status: LoanStatus,
    pub(crate) outstanding: Money,
    pub(crate) overdue: Money,
    pub(crate) principal: Money,
    pub(crate) disbursed: NaiveDate,
    pub(crate) written_off_on: Option<NaiveDate>,
    pub(crate) product: Product,
    /// The stage the loan is in now (its stage on the month-end comes from its stage events).
    pub(crate) stage: Stage,
    pub(crate) owner: Option<i64>,
    pub(crate) branch: Option<String>,
    pub(crate) class: ClassParts,
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
pub fn capture_page<'a>(
    db: impl Into<Db<'a>>,
    at: &StateAt,
    month: Month,
    watched: &HashSet<i64>,
    after: i64,
    limit: u32,
) -> Result<Option<i64>> {
    let db = db.into();
    // The server's planner walks the loans from their first key unless told where to start too.
    let both = if let Db::Server(_) = db { " AND l.id > ?1" } else { "" };
    let sql = format!(
        "SELECT s.loan_id, l.customer_id, s.status, s.outstanding_principal, s.overdue_amount, \
         l.principal_cents, l.disbursed_on, l.written_off_on, l.product, l.stage, s.assignee_id, l.branch, {CLASS_COLUMNS} \
         FROM {} s JOIN loans l ON l.id = s.loan_id \
         WHERE s.loan_id > ?1{both} AND l.disbursed_on <= ?2 ORDER BY s.loan_id LIMIT ?3",
        snapshot_table(db, at.table)
    );
    let end = month.last_day().to_string();
    let page: Vec<Source> = db.rows(&sql, &[after.into(), (&end).into(), i64::from(limit).into()])?;
    write_sources(db, at, month, watched, &page)?;
    Ok(page.last().map(|s| s.loan))
}

/// Writes the month-end rows of `page` (loans in id order, as of `at`); a row already there is
/// kept.
pub(crate) fn write_sources<'a>(
    db: impl Into<Db<'a>>,
    at: &StateAt,
    month: Month,
    watched: &HashSet<i64>,
    page: &[Source],
) -> Result<()> {
    let db = db.into();
    let end = month.last_day().to_string();
    let (levels, stages) = match (page.first(), page.last()) {
        (Some(first), Some(last)) => {
            (levels_on(db, first.loan, last.loan, &end)?, stages_on(db, first.loan, last.loan, at.on)?)
        }
        _ => (HashMap::new(), HashMap::new()),
    };
    const COLUMNS: &str = "INSERT INTO month_end (month, loan_id, customer_id, status, dpd, class, outstanding, \
         overdue, principal, disbursed, product, owner_id, branch, warning, watchlist, stage) VALUES ";
    const INSERT: &str = "INSERT INTO month_end (month, loan_id, customer_id, status, dpd, class, outstanding, \
         overdue, principal, disbursed, product, owner_id, branch, warning, watchlist, stage) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) \
         ON CONFLICT (month, loan_id) DO NOTHING";
    let mut branches: std::collections::HashMap<String, Option<i64>> = std::collections::HashMap::new();
    let mut rows: Vec<[Val<'static>; 16]> = Vec::with_capacity(page.len());
    for s in page {
        let branch = match &s.branch {
            Some(name) => match branches.get(name) {
                Some(id) => *id,
                None => {
                    let id = branch_id(db, Some(name))?;
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
        rows.push([
            month.key().into(),
            s.loan.into(),
            s.customer.into(),
            code(&STATUSES, &status).into(),
            dpd.into(),
            code(&RiskClass::ALL, &class).into(),
            s.outstanding.cents().into(),
            s.overdue.cents().into(),
            s.principal.cents().into(),
            Month::of(s.disbursed).key().into(),
            code(&Product::ALL, &s.product).into(),
            s.owner.into(),
            branch.into(),
            code(WarningLevel::ALL, &levels.get(&s.loan).copied().unwrap_or(WarningLevel::None)).into(),
            watched.contains(&s.customer).into(),
            code(&Stage::ALL, &stage_then(status, stages.get(&s.loan).copied().unwrap_or(s.stage))).into(),
        ]);
    }
    match db {
        Db::File(_) => {
            for row in &rows {
                db.execute(INSERT, row)?;
            }
        }
        // A statement a loan would be a round trip a loan: a few hundred rows a statement.
        Db::Server(_) => {
            for chunk in rows.chunks(ROWS_PER_INSERT) {
                let values: Vec<String> = (0..chunk.len())
                    .map(|r| {
                        let slots: Vec<String> = (1..=16).map(|c| format!("?{}", r * 16 + c)).collect();
                        format!("({})", slots.join(", "))
                    })
                    .collect();
                let sql = format!("{COLUMNS}{} ON CONFLICT (month, loan_id) DO NOTHING", values.join(", "));
                db.execute(&sql, &chunk.concat())?;
            }
        }
    }
    Ok(())
}

/// The warning level on `day` of each loan from `first` to `last` with a signal open that day.
fn levels_on(db: Db<'_>, first: i64, last: i64, day: &str) -> Result<HashMap<i64, WarningLevel>> {
    let mut highest: HashMap<i64, Level> = HashMap::new();
    db.each::<(i64, String)>(
        "SELECT loan_id, level FROM signals WHERE loan_id BETWEEN ?1 AND ?2 AND raised_on <= ?3 \
         AND (closed_on IS NULL OR closed_on > ?3)",
        &[first.into(), last.into(), day.into()],
        &mut |(loan, level)| {
            let level: Level = level.parse().map_err(|e: String| super::StoreError::Corrupt(e))?;
            let at = highest.entry(loan).or_insert(level);
            *at = Level::highest([*at, level]).unwrap_or(level);
            Ok(())
        },
    )?;
    Ok(highest.into_iter().map(|(loan, level)| (loan, Some(level).into())).collect())
}

/// The stage on `day` of each loan from `first` to `last` with a stage event: the stage its last
/// event by then moved it to, or, when every event is later, the stage the first moved it from.
fn stages_on(db: Db<'_>, first: i64, last: i64, day: NaiveDate) -> Result<HashMap<i64, Stage>> {
    let mut then: HashMap<i64, Stage> = HashMap::new();
    db.each::<StageEvent>(
        "SELECT loan_id, from_stage, to_stage, as_of FROM stage_events WHERE loan_id BETWEEN ?1 AND ?2 \
         ORDER BY loan_id, id",
        &[first.into(), last.into()],
        &mut |e| {
            if e.as_of <= day {
                then.insert(e.loan, e.to);
            } else if let std::collections::hash_map::Entry::Vacant(first) = then.entry(e.loan) {
                first.insert(e.from);
            }
            Ok(())
        },
    )?;
    Ok(then)
}

/// A stage event as the month-end's stage is derived from it.
struct StageEvent {
    loan: i64,
    from: Stage,
    to: Stage,
    as_of: NaiveDate,
}

impl FromRow for StageEvent {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(StageEvent {
            loan: c.get("loan_id")?,
            from: c.word("from_stage")?,
            to: c.word("to_stage")?,
            as_of: c.day("as_of")?,
        })
    }
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
pub fn watched_on<'a>(db: impl Into<Db<'a>>, day: NaiveDate) -> Result<HashSet<i64>> {
    let day = day.to_string();
    let ids: Vec<i64> = db.into().column(
        "SELECT DISTINCT customer_id FROM watchlist WHERE entered_on <= ?1 AND (left_on IS NULL OR left_on > ?1)",
        &[(&day).into()],
    )?;
    Ok(ids.into_iter().collect())
}

/// The last loan id a month-end's capture has written (0 before any): where a stopped one goes on.
pub fn captured_through<'a>(db: impl Into<Db<'a>>, month: Month) -> Result<i64> {
    let last: Option<Option<i64>> =
        db.into().value("SELECT max(loan_id) FROM month_end WHERE month = ?1", &[month.key().into()])?;
    Ok(last.flatten().unwrap_or(0))
}

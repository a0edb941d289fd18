//! Early-warning signals, their measures, the watchlist and customer ratings (migration 0021). On
//! either backend.

mod run;
mod watch;

pub use run::*;
pub use watch::*;

use chrono::NaiveDate;

use super::Result;
use super::book::{CustomerId, LoanId};
use super::db::{Db, Val};
use super::row::{Cols, FromRow};
use crate::domain::warning::{Category, Level, MeasureKind, SignalCode};

/// A signal occurrence on record, with its loan, customer and owner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignalRecord {
    pub id: i64,
    pub loan: LoanId,
    pub loan_ref: String,
    pub borrower: String,
    pub customer: CustomerId,
    pub customer_ref: String,
    pub owner: Option<String>,
    pub code: SignalCode,
    pub category: Option<Category>,
    pub level: Level,
    pub raised_on: NaiveDate,
    pub raised_by: String,
    pub note: Option<String>,
    pub confirmed_on: Option<NaiveDate>,
    pub confirmed_by: Option<String>,
    pub confirm_note: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub closed_by: Option<String>,
    pub reason: Option<String>,
}

const FROM: &str = "FROM signals g JOIN loans l ON l.id = g.loan_id JOIN customers c ON c.id = g.customer_id \
     LEFT JOIN users u ON u.id = c.assignee_id";
const COLUMNS: &str = "g.id, g.loan_id, l.loan_ref, l.borrower, g.customer_id, c.customer_ref, u.login AS owner, \
     g.code, g.category, g.level, g.raised_on, g.raised_by, g.note, g.confirmed_on, g.confirmed_by, \
     g.confirm_note, g.closed_on, g.closed_by, g.reason";

impl FromRow for SignalRecord {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(SignalRecord {
            id: c.get("id")?,
            loan: c.get("loan_id")?,
            loan_ref: c.get("loan_ref")?,
            borrower: c.get("borrower")?,
            customer: c.get("customer_id")?,
            customer_ref: c.get("customer_ref")?,
            owner: c.get("owner")?,
            code: c.word("code")?,
            category: c.opt_word("category")?,
            level: c.word("level")?,
            raised_on: c.day("raised_on")?,
            raised_by: c.get("raised_by")?,
            note: c.get("note")?,
            confirmed_on: c.opt_day("confirmed_on")?,
            confirmed_by: c.get("confirmed_by")?,
            confirm_note: c.get("confirm_note")?,
            closed_on: c.opt_day("closed_on")?,
            closed_by: c.get("closed_by")?,
            reason: c.get("reason")?,
        })
    }
}

/// A signal to open.
#[derive(Debug, Clone)]
pub struct NewSignal<'a> {
    pub loan: LoanId,
    pub code: SignalCode,
    pub category: Option<Category>,
    pub level: Level,
    pub raised_on: NaiveDate,
    pub raised_by: &'a str,
    pub note: Option<&'a str>,
    pub at: &'a str,
}

/// Opens a signal on a loan; its id.
pub fn open_signal<'a>(db: impl Into<Db<'a>>, s: &NewSignal<'_>) -> Result<i64> {
    let db = db.into();
    let raised_on = s.raised_on.to_string();
    let no_loan = || super::StoreError::Corrupt(format!("no loan {} to open a signal on", s.loan.0));
    let values = [
        s.loan.0.into(),
        s.code.as_str().into(),
        s.category.map(Category::as_str).into(),
        s.level.as_str().into(),
        (&raised_on).into(),
        s.raised_by.into(),
        s.note.into(),
        s.at.into(),
    ];
    if let Db::File(conn) = db {
        // One row's VALUES, no RETURNING: SQLite then keeps no statement journal for it, which
        // in a run's large transaction went to a temporary file (docs/BENCHMARKS.md).
        let customer: i64 =
            db.value("SELECT customer_id FROM loans WHERE id = ?1", &values[..1])?.ok_or_else(no_loan)?;
        db.execute(
            "INSERT INTO signals (loan_id, customer_id, code, category, level, raised_on, raised_by, note, created_at) \
             VALUES (?1, ?9, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            &[&values[..], &[customer.into()]].concat(),
        )?;
        return Ok(conn.last_insert_rowid());
    }
    let id = db.value(
        "INSERT INTO signals (loan_id, customer_id, code, category, level, raised_on, raised_by, note, created_at) \
         SELECT id, customer_id, CAST(?2 AS TEXT), CAST(?3 AS TEXT), CAST(?4 AS TEXT), CAST(?5 AS TEXT), \
         CAST(?6 AS TEXT), CAST(?7 AS TEXT), CAST(?8 AS TEXT) FROM loans WHERE id = ?1 RETURNING id",
        &values,
    )?;
    id.ok_or_else(no_loan)
}

/// Opens these signals, in order (a run's): on the server in one statement, where a signal was a
/// round trip each.
pub fn open_signals<'a>(db: impl Into<Db<'a>>, signals: &[NewSignal<'_>]) -> Result<()> {
    let db = db.into();
    if let Db::File(_) = db {
        for s in signals {
            open_signal(db, s)?;
        }
        return Ok(());
    }
    if signals.is_empty() {
        return Ok(());
    }
    let rows: Vec<serde_json::Value> = signals
        .iter()
        .enumerate()
        .map(|(n, s)| {
            serde_json::json!({
                "n": n, "loan_id": s.loan.0, "code": s.code.as_str(), "category": s.category.map(Category::as_str),
                "level": s.level.as_str(), "raised_on": s.raised_on.to_string(), "raised_by": s.raised_by,
                "note": s.note, "created_at": s.at,
            })
        })
        .collect();
    let opened = db.execute(
        "INSERT INTO signals (loan_id, customer_id, code, category, level, raised_on, raised_by, note, created_at) \
         SELECT l.id, l.customer_id, v.code, v.category, v.level, v.raised_on, v.raised_by, v.note, v.created_at \
         FROM jsonb_to_recordset(CAST(CAST(?1 AS TEXT) AS JSONB)) AS v(n BIGINT, loan_id BIGINT, code TEXT, \
         category TEXT, level TEXT, raised_on TEXT, raised_by TEXT, note TEXT, created_at TEXT) \
         JOIN loans l ON l.id = v.loan_id ORDER BY v.n",
        &[(&serde_json::Value::Array(rows).to_string()).into()],
    )?;
    if opened != signals.len() as u64 {
        return Err(super::StoreError::Corrupt(format!(
            "{} of {} signals found no loan to open on",
            signals.len() as u64 - opened,
            signals.len()
        )));
    }
    Ok(())
}

/// Closes an open signal; whether it was open.
pub fn close_signal<'a>(
    db: impl Into<Db<'a>>,
    id: i64,
    on: NaiveDate,
    by: &str,
    reason: &str,
) -> Result<bool> {
    let on = on.to_string();
    Ok(db.into().execute(
        "UPDATE signals SET closed_on = ?2, closed_by = ?3, reason = ?4 WHERE id = ?1 AND closed_on IS NULL",
        &[id.into(), (&on).into(), by.into(), reason.into()],
    )? == 1)
}

/// Confirms an open signal; whether it was open and not confirmed.
pub fn confirm_signal<'a>(
    db: impl Into<Db<'a>>,
    id: i64,
    on: NaiveDate,
    by: &str,
    note: &str,
) -> Result<bool> {
    let on = on.to_string();
    Ok(db.into().execute(
        "UPDATE signals SET confirmed_on = ?2, confirmed_by = ?3, confirm_note = ?4 \
         WHERE id = ?1 AND closed_on IS NULL AND confirmed_on IS NULL",
        &[id.into(), (&on).into(), by.into(), note.into()],
    )? == 1)
}

pub fn signal_by_id<'a>(db: impl Into<Db<'a>>, id: i64) -> Result<Option<SignalRecord>> {
    db.into().first(&format!("SELECT {COLUMNS} {FROM} WHERE g.id = ?1"), &[id.into()])
}

/// What `warnings` asks for.
#[derive(Debug, Clone, Default)]
pub struct SignalFilter {
    pub loan: Option<LoanId>,
    pub customer: Option<CustomerId>,
    pub level: Option<Level>,
    pub code: Option<SignalCode>,
    pub owner: Option<super::users::UserId>,
    /// Closed ones too.
    pub all: bool,
    pub since: Option<NaiveDate>,
    /// Only customers on the watchlist now.
    pub watched: bool,
    pub limit: Option<u64>,
    pub offset: u64,
}

/// A slot not asked about: `?N IS NULL`, on the server with the slot's type (which it must know).
fn unasked(server: bool, slot: u8, ty: &str) -> String {
    if server { format!("CAST(?{slot} AS {ty}) IS NULL") } else { format!("?{slot} IS NULL") }
}

/// The conditions a list asks besides open-or-all and the level (`?3` … `?8`), each only when it
/// is asked: a slot not asked is `?N IS NULL` (still bound), so no column is read for it and a
/// count of open signals is a walk of an index alone.
fn rest(f: &SignalFilter, server: bool) -> String {
    let asked = |on: bool, cond: &str, slot: u8, ty: &str| {
        if on { cond.to_string() } else { unasked(server, slot, ty) }
    };
    [
        asked(f.code.is_some(), "g.code = ?3", 3, "TEXT"),
        asked(f.owner.is_some(), "c.assignee_id = ?4", 4, "BIGINT"),
        asked(f.since.is_some(), "g.raised_on >= ?5", 5, "TEXT"),
        asked(f.loan.is_some(), "g.loan_id = ?6", 6, "BIGINT"),
        asked(f.customer.is_some(), "g.customer_id = ?7", 7, "BIGINT"),
        if f.watched {
            "?8 AND EXISTS (SELECT 1 FROM watchlist w WHERE w.customer_id = g.customer_id AND w.left_on IS NULL)".into()
        } else {
            "NOT ?8".into()
        },
    ]
    .join(" AND ")
}

/// The level's rank in the list, as the index `signals_open_order` (migration 0025) has it.
const LEVEL_RANK: &str = "CASE g.level WHEN 'red' THEN 0 WHEN 'orange' THEN 1 ELSE 2 END";

/// The conditions and order of a list: the open signals in the order of an index of their own
/// (`signals_open_order`, or `signals_open_level` for one level), so a page is a walk of its
/// rows; with the closed ones, sorted. The file's statement is the one its indexes were chosen
/// for; the server's differs only in the types of the slots not asked.
fn list_where_order(f: &SignalFilter, db: Db<'_>) -> (String, String) {
    let server = matches!(db, Db::Server(_));
    let (rest, newest) = (rest(f, server), "g.raised_on DESC, g.id DESC");
    let level = if f.level.is_some() { "g.level = ?2".to_string() } else { unasked(server, 2, "TEXT") };
    if f.all {
        let order = format!("g.closed_on IS NOT NULL, {LEVEL_RANK}, {newest}");
        return (format!("WHERE ?1 AND {level} AND {rest}"), order);
    }
    let order = if f.level.is_some() { newest.to_string() } else { format!("{LEVEL_RANK}, {newest}") };
    (format!("WHERE g.closed_on IS NULL AND NOT ?1 AND {level} AND {rest}"), order)
}

/// The values of a list's slots `?1` … `?8`.
fn list_values<'v>(f: &'v SignalFilter, since: &'v Option<String>) -> [Val<'v>; 8] {
    [
        f.all.into(),
        f.level.map(Level::as_str).into(),
        f.code.map(SignalCode::as_str).into(),
        f.owner.map(|u| u.0).into(),
        since.as_ref().into(),
        f.loan.map(|l| l.0).into(),
        f.customer.map(|c| c.0).into(),
        f.watched.into(),
    ]
}

/// Signals by level (red first), newest first.
pub fn list_signals<'a>(db: impl Into<Db<'a>>, f: &SignalFilter) -> Result<Vec<SignalRecord>> {
    let db = db.into();
    let (filter, order) = list_where_order(f, db);
    let sql = format!("SELECT {COLUMNS} {FROM} {filter} ORDER BY {order} LIMIT ?9 OFFSET ?10");
    let since = f.since.map(|d| d.to_string());
    let mut values = list_values(f, &since).to_vec();
    // No limit: the largest, which both read as none (SQLite's -1 the server refuses).
    values.push(f.limit.map_or(i64::MAX, |n| i64::try_from(n).unwrap_or(i64::MAX)).into());
    values.push(i64::try_from(f.offset).unwrap_or(i64::MAX).into());
    db.rows(&sql, &values)
}

/// How many signals `list_signals` gives without its limit and offset.
pub fn count_signals<'a>(db: impl Into<Db<'a>>, f: &SignalFilter) -> Result<u64> {
    let db = db.into();
    let (filter, _) = list_where_order(f, db);
    // Without an owner asked for, no customer is read.
    let customers = if f.owner.is_some() { "JOIN customers c ON c.id = g.customer_id" } else { "" };
    let sql = format!("SELECT count(*) FROM signals g {customers} {filter}");
    let since = f.since.map(|d| d.to_string());
    let n: i64 = db.value(&sql, &list_values(f, &since))?.unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// A measure on record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureRecord {
    pub signal: i64,
    pub kind: MeasureKind,
    pub on: NaiveDate,
    pub user: String,
    pub note: String,
}

impl FromRow for MeasureRecord {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(MeasureRecord {
            signal: c.get("signal_id")?,
            kind: c.word("kind")?,
            on: c.day("on_date")?,
            user: c.get("user")?,
            note: c.get("note")?,
        })
    }
}

// `user` is quoted: a column to SQLite, the session's role to the server unquoted.
pub fn add_measure<'a>(
    db: impl Into<Db<'a>>,
    signal: i64,
    kind: MeasureKind,
    on: NaiveDate,
    user: &str,
    note: &str,
    at: &str,
) -> Result<()> {
    let on = on.to_string();
    db.into().execute(
        "INSERT INTO signal_measures (signal_id, kind, on_date, \"user\", note, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[signal.into(), kind.as_str().into(), (&on).into(), user.into(), note.into(), at.into()],
    )?;
    Ok(())
}

pub fn measures_of<'a>(db: impl Into<Db<'a>>, signal: i64) -> Result<Vec<MeasureRecord>> {
    db.into().rows(
        "SELECT signal_id, kind, on_date, \"user\", note FROM signal_measures WHERE signal_id = ?1 ORDER BY id",
        &[signal.into()],
    )
}

/// The highest level among a loan's open signals.
pub fn loan_level<'a>(db: impl Into<Db<'a>>, loan: LoanId) -> Result<Option<Level>> {
    let words: Vec<String> = db.into().column(
        "SELECT DISTINCT level FROM signals WHERE loan_id = ?1 AND closed_on IS NULL",
        &[loan.0.into()],
    )?;
    Ok(Level::highest(words.iter().filter_map(|w| w.parse().ok())))
}

/// Whether a customer has any signal open.
pub fn customer_has_open<'a>(db: impl Into<Db<'a>>, customer: CustomerId) -> Result<bool> {
    Ok(db
        .into()
        .value(
            "SELECT EXISTS (SELECT 1 FROM signals WHERE customer_id = ?1 AND closed_on IS NULL)",
            &[customer.0.into()],
        )?
        .unwrap_or(false))
}

/// The customers with a signal open at the end of `on` (raised by then, not closed by then).
pub fn customers_open_at<'a>(db: impl Into<Db<'a>>, on: NaiveDate) -> Result<Vec<CustomerId>> {
    let on = on.to_string();
    db.into().column(
        "SELECT DISTINCT customer_id FROM signals WHERE raised_on <= ?1 AND (closed_on IS NULL OR closed_on > ?1) \
         ORDER BY customer_id",
        &[(&on).into()],
    )
}

/// Signals open on the cases a user owns.
pub fn open_signals_owned<'a>(db: impl Into<Db<'a>>, user: super::users::UserId) -> Result<i64> {
    Ok(db
        .into()
        .value(
            "SELECT count(*) FROM customers c JOIN signals g ON g.customer_id = c.id \
             WHERE c.assignee_id = ?1 AND g.closed_on IS NULL",
            &[user.0.into()],
        )?
        .unwrap_or(0))
}

/// Closes every open signal of a loan (written off); how many.
pub fn close_loan_signals<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    on: NaiveDate,
    by: &str,
    reason: &str,
) -> Result<usize> {
    let on = on.to_string();
    let n = db.into().execute(
        "UPDATE signals SET closed_on = ?2, closed_by = ?3, reason = ?4 WHERE loan_id = ?1 AND closed_on IS NULL",
        &[loan.0.into(), (&on).into(), by.into(), reason.into()],
    )?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

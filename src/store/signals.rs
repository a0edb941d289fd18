//! Early-warning signals, their measures, the watchlist and customer ratings (migration 0021).

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::Result;
use super::book::{CustomerId, LoanId};
use super::row::{self, Cols, FromRow};
use crate::domain::warning::{Category, Level, MeasureKind, Rating, SignalCode};

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
pub fn open_signal(conn: &Connection, s: &NewSignal<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO signals (loan_id, customer_id, code, category, level, raised_on, raised_by, note, created_at) \
         SELECT id, customer_id, ?2, ?3, ?4, ?5, ?6, ?7, ?8 FROM loans WHERE id = ?1",
    )?
    .execute(params![
        s.loan,
        s.code.as_str(),
        s.category.map(Category::as_str),
        s.level.as_str(),
        s.raised_on.to_string(),
        s.raised_by,
        s.note,
        s.at
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Closes an open signal; whether it was open.
pub fn close_signal(conn: &Connection, id: i64, on: NaiveDate, by: &str, reason: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE signals SET closed_on = ?2, closed_by = ?3, reason = ?4 WHERE id = ?1 AND closed_on IS NULL",
        )?
        .execute(params![id, on.to_string(), by, reason])?
        == 1)
}

/// Confirms an open signal; whether it was open and not confirmed.
pub fn confirm_signal(conn: &Connection, id: i64, on: NaiveDate, by: &str, note: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE signals SET confirmed_on = ?2, confirmed_by = ?3, confirm_note = ?4 \
             WHERE id = ?1 AND closed_on IS NULL AND confirmed_on IS NULL",
        )?
        .execute(params![id, on.to_string(), by, note])?
        == 1)
}

pub fn signal_by_id(conn: &Connection, id: i64) -> Result<Option<SignalRecord>> {
    row::first(&mut *conn.prepare_cached(&format!("SELECT {COLUMNS} {FROM} WHERE g.id = ?1"))?, [id])
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

/// The conditions a list asks besides open-or-all and the level (`?3` … `?8`), each only when it
/// is asked: a slot not asked is `?N IS NULL` (still bound), so no column is read for it and a
/// count of open signals is a walk of an index alone.
fn rest(f: &SignalFilter) -> String {
    let asked =
        |on: bool, cond: &str, slot: u8| if on { cond.to_string() } else { format!("?{slot} IS NULL") };
    [
        asked(f.code.is_some(), "g.code = ?3", 3),
        asked(f.owner.is_some(), "c.assignee_id = ?4", 4),
        asked(f.since.is_some(), "g.raised_on >= ?5", 5),
        asked(f.loan.is_some(), "g.loan_id = ?6", 6),
        asked(f.customer.is_some(), "g.customer_id = ?7", 7),
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
/// rows; with the closed ones, sorted.
fn list_where_order(f: &SignalFilter) -> (String, String) {
    let (rest, newest) = (rest(f), "g.raised_on DESC, g.id DESC");
    let level = if f.level.is_some() { "g.level = ?2" } else { "?2 IS NULL" };
    if f.all {
        let order = format!("g.closed_on IS NOT NULL, {LEVEL_RANK}, {newest}");
        return (format!("WHERE ?1 AND {level} AND {rest}"), order);
    }
    let order = if f.level.is_some() { newest.to_string() } else { format!("{LEVEL_RANK}, {newest}") };
    (format!("WHERE g.closed_on IS NULL AND NOT ?1 AND {level} AND {rest}"), order)
}

/// Signals by level (red first), newest first.
pub fn list_signals(conn: &Connection, f: &SignalFilter) -> Result<Vec<SignalRecord>> {
    let (filter, order) = list_where_order(f);
    let sql = format!("SELECT {COLUMNS} {FROM} {filter} ORDER BY {order} LIMIT ?9 OFFSET ?10");
    row::all(
        &mut *conn.prepare_cached(&sql)?,
        params![
            f.all,
            f.level.map(Level::as_str),
            f.code.map(SignalCode::as_str),
            f.owner,
            f.since.map(|d| d.to_string()),
            f.loan,
            f.customer,
            f.watched,
            f.limit.map_or(-1, |n| i64::try_from(n).unwrap_or(i64::MAX)),
            i64::try_from(f.offset).unwrap_or(i64::MAX),
        ],
    )
}

/// How many signals `list_signals` gives without its limit and offset.
pub fn count_signals(conn: &Connection, f: &SignalFilter) -> Result<u64> {
    let (filter, _) = list_where_order(f);
    // Without an owner asked for, no customer is read.
    let customers = if f.owner.is_some() { "JOIN customers c ON c.id = g.customer_id" } else { "" };
    let sql = format!("SELECT count(*) FROM signals g {customers} {filter}");
    let n: i64 = conn.prepare_cached(&sql)?.query_row(
        params![
            f.all,
            f.level.map(Level::as_str),
            f.code.map(SignalCode::as_str),
            f.owner,
            f.since.map(|d| d.to_string()),
            f.loan,
            f.customer,
            f.watched,
        ],
        |r| r.get(0),
    )?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The open automatic signals of the loans in [from, to): id, loan and code, in loan order.
pub fn open_rules_in(conn: &Connection, from: i64, to: i64) -> Result<Vec<(i64, LoanId, SignalCode)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, loan_id, code FROM signals INDEXED BY signals_open_rule \
         WHERE closed_on IS NULL AND code <> 'manual' AND loan_id >= ?1 AND loan_id < ?2 ORDER BY loan_id",
    )?;
    let rows = stmt.query_map([from, to], |r| Ok((r.get(0)?, r.get(1)?, r.get::<_, String>(2)?)))?;
    let mut out = Vec::new();
    for r in rows {
        let (id, loan, code) = r?;
        out.push((id, loan, code.parse().map_err(row::corrupt("code"))?));
    }
    Ok(out)
}

/// The open manual signals of loans no longer active: id.
pub fn open_manual_on_inactive(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare_cached(
        "SELECT g.id FROM signals g JOIN loan_state s ON s.loan_id = g.loan_id \
         WHERE g.closed_on IS NULL AND g.code = 'manual' AND s.status <> 'active' ORDER BY g.id",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The highest loan id with an open automatic signal (the run's pages end there or at the book's).
pub fn last_open_rule_loan(conn: &Connection) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT coalesce(max(loan_id), 0) FROM signals WHERE closed_on IS NULL AND code <> 'manual'",
        )?
        .query_row([], |r| r.get(0))?)
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

pub fn add_measure(
    conn: &Connection,
    signal: i64,
    kind: MeasureKind,
    on: NaiveDate,
    user: &str,
    note: &str,
    at: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO signal_measures (signal_id, kind, on_date, user, note, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![signal, kind.as_str(), on.to_string(), user, note, at])?;
    Ok(())
}

pub fn measures_of(conn: &Connection, signal: i64) -> Result<Vec<MeasureRecord>> {
    row::all(
        &mut *conn.prepare_cached(
            "SELECT signal_id, kind, on_date, user, note FROM signal_measures WHERE signal_id = ?1 ORDER BY id",
        )?,
        [signal],
    )
}

/// The highest level among a loan's open signals.
pub fn loan_level(conn: &Connection, loan: LoanId) -> Result<Option<Level>> {
    let words: Vec<String> = conn
        .prepare_cached("SELECT DISTINCT level FROM signals WHERE loan_id = ?1 AND closed_on IS NULL")?
        .query_map([loan], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Level::highest(words.iter().filter_map(|w| w.parse().ok())))
}

/// Whether a customer has any signal open.
pub fn customer_has_open(conn: &Connection, customer: CustomerId) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM signals WHERE customer_id = ?1 AND closed_on IS NULL)")?
        .query_row([customer], |r| r.get(0))?)
}

/// The customers with a signal open at the end of `on` (raised by then, not closed by then).
pub fn customers_open_at(conn: &Connection, on: NaiveDate) -> Result<Vec<CustomerId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT customer_id FROM signals WHERE raised_on <= ?1 AND (closed_on IS NULL OR closed_on > ?1) \
         ORDER BY customer_id",
    )?;
    let rows = stmt.query_map([on.to_string()], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A stay on the watchlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchRecord {
    pub id: i64,
    pub customer: CustomerId,
    pub customer_ref: String,
    pub name: String,
    pub owner: Option<String>,
    pub entered_on: NaiveDate,
    pub entered_by: String,
    pub reason: String,
    pub left_on: Option<NaiveDate>,
    pub left_by: Option<String>,
    pub left_reason: Option<String>,
}

const WATCH_COLUMNS: &str = "w.id, w.customer_id, c.customer_ref, c.name, u.login AS owner, w.entered_on, \
     w.entered_by, w.reason, w.left_on, w.left_by, w.left_reason FROM watchlist w \
     JOIN customers c ON c.id = w.customer_id LEFT JOIN users u ON u.id = c.assignee_id";

impl FromRow for WatchRecord {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(WatchRecord {
            id: c.get("id")?,
            customer: c.get("customer_id")?,
            customer_ref: c.get("customer_ref")?,
            name: c.get("name")?,
            owner: c.get("owner")?,
            entered_on: c.day("entered_on")?,
            entered_by: c.get("entered_by")?,
            reason: c.get("reason")?,
            left_on: c.opt_day("left_on")?,
            left_by: c.get("left_by")?,
            left_reason: c.get("left_reason")?,
        })
    }
}

/// A customer's current stay on the watchlist.
pub fn watch_of(conn: &Connection, customer: CustomerId) -> Result<Option<WatchRecord>> {
    row::first(
        &mut *conn.prepare_cached(&format!(
            "SELECT {WATCH_COLUMNS} WHERE w.customer_id = ?1 AND w.left_on IS NULL"
        ))?,
        [customer],
    )
}

/// Puts a customer on the watchlist unless there already; whether it was put.
pub fn enter_watchlist(
    conn: &Connection,
    customer: CustomerId,
    on: NaiveDate,
    by: &str,
    reason: &str,
    at: &str,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "INSERT INTO watchlist (customer_id, entered_on, entered_by, reason, created_at) \
             SELECT ?1, ?2, ?3, ?4, ?5 WHERE NOT EXISTS \
             (SELECT 1 FROM watchlist WHERE customer_id = ?1 AND left_on IS NULL)",
        )?
        .execute(params![customer, on.to_string(), by, reason, at])?
        == 1)
}

/// Takes a customer off the watchlist; whether they were on it.
pub fn leave_watchlist(
    conn: &Connection,
    customer: CustomerId,
    on: NaiveDate,
    by: &str,
    reason: &str,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "UPDATE watchlist SET left_on = ?2, left_by = ?3, left_reason = ?4 WHERE customer_id = ?1 AND left_on IS NULL",
        )?
        .execute(params![customer, on.to_string(), by, reason])?
        == 1)
}

/// The watchlist: current stays, or every stay with `all`.
pub fn watchlist(conn: &Connection, all: bool) -> Result<Vec<WatchRecord>> {
    row::all(
        &mut *conn.prepare_cached(&format!(
            "SELECT {WATCH_COLUMNS} WHERE (?1 OR w.left_on IS NULL) ORDER BY w.left_on IS NOT NULL, w.entered_on DESC, w.id DESC"
        ))?,
        [all],
    )
}

/// The customers on the watchlist whose loans are all closed or written off. Each customer's own
/// loans first (`CROSS JOIN` keeps that order): SQLite otherwise walked every active snapshot row
/// for each customer on the list, hours on a million loans.
pub fn watched_without_active(conn: &Connection) -> Result<Vec<CustomerId>> {
    let mut stmt = conn.prepare_cached(
        "SELECT w.customer_id FROM watchlist w WHERE w.left_on IS NULL AND NOT EXISTS \
         (SELECT 1 FROM loans l CROSS JOIN loan_state s ON s.loan_id = l.id WHERE l.customer_id = w.customer_id \
          AND s.status = 'active') ORDER BY w.customer_id",
    )?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// A supervisor's rating of a customer in force (the latest), with its reason.
pub fn manual_rating(conn: &Connection, customer: CustomerId) -> Result<Option<(Rating, String)>> {
    let row: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT rating, reason FROM customer_ratings WHERE customer_id = ?1 ORDER BY id DESC LIMIT 1",
        )?
        .query_row([customer], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(w, reason)| Ok((w.parse().map_err(row::corrupt("rating"))?, reason))).transpose()
}

pub fn set_rating(
    conn: &Connection,
    customer: CustomerId,
    rating: Rating,
    reason: &str,
    by: &str,
    on: NaiveDate,
    at: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO customer_ratings (customer_id, rating, reason, set_by, set_on, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![customer, rating.as_str(), reason, by, on.to_string(), at])?;
    Ok(())
}

/// The active loans' rows with payment rules holding in [from, to): loan and bits, in loan order.
pub fn warn_rows_in(conn: &Connection, from: i64, to: i64) -> Result<Vec<(LoanId, u32)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT loan_id, warn_bits FROM loan_state INDEXED BY loan_state_warn \
         WHERE warn_bits <> 0 AND loan_id >= ?1 AND loan_id < ?2 AND status = 'active' ORDER BY loan_id",
    )?;
    let rows = stmt.query_map([from, to], |r| Ok((r.get(0)?, r.get::<_, i64>(1)?)))?;
    let mut out = Vec::new();
    for r in rows {
        let (loan, bits) = r?;
        out.push((loan, u32::try_from(bits).unwrap_or(0)));
    }
    Ok(out)
}

/// Lifts the manual class in force on a loan: its history row marked lifted, the loan's copy
/// cleared. Whether one was in force.
pub fn lift_manual_class(conn: &Connection, loan: LoanId, on: NaiveDate, reason: &str) -> Result<bool> {
    let lifted = conn
        .prepare_cached(
            "UPDATE manual_classes SET lifted_on = ?2, lift_reason = ?3 WHERE id = \
             (SELECT max(id) FROM manual_classes WHERE loan_id = ?1) AND lifted_on IS NULL",
        )?
        .execute(params![loan, on.to_string(), reason])?;
    let cleared = conn
        .prepare_cached(
            "UPDATE loans SET manual_class = NULL, manual_class_from = NULL, manual_class_until = NULL, \
             version = version + 1 WHERE id = ?1 AND manual_class IS NOT NULL",
        )?
        .execute([loan])?;
    Ok(lifted + cleared > 0)
}

/// Signals open on the cases a user owns.
pub fn open_signals_owned(conn: &Connection, user: super::users::UserId) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM customers c JOIN signals g ON g.customer_id = c.id \
             WHERE c.assignee_id = ?1 AND g.closed_on IS NULL",
        )?
        .query_row([user], |r| r.get(0))?)
}

/// A user's customers on the watchlist.
pub fn watched_owned(conn: &Connection, user: super::users::UserId) -> Result<i64> {
    Ok(conn
        .prepare_cached(
            "SELECT count(*) FROM customers c JOIN watchlist w ON w.customer_id = c.id \
             WHERE c.assignee_id = ?1 AND w.left_on IS NULL",
        )?
        .query_row([user], |r| r.get(0))?)
}

/// Closes every open signal of a loan (written off); how many.
pub fn close_loan_signals(
    conn: &Connection,
    loan: LoanId,
    on: NaiveDate,
    by: &str,
    reason: &str,
) -> Result<usize> {
    Ok(conn
        .prepare_cached(
            "UPDATE signals SET closed_on = ?2, closed_by = ?3, reason = ?4 WHERE loan_id = ?1 AND closed_on IS NULL",
        )?
        .execute(params![loan, on.to_string(), by, reason])?)
}

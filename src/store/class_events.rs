//! Class changes as events (migration 0023, DOMAIN §5): a loan's class is derived for the date
//! asked, so a change is found by comparing the class its row gives now with the last one
//! recorded (`class_last`), in the transaction of whatever moved it.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};

use super::Result;
use super::book::LoanId;
use super::row::{self, Cols, FromRow};
use super::settings::{meta_get, meta_set, parse_day};
use super::state::StateAt;
use super::state_row::{CLASS_COLUMNS, ClassParts};
use crate::domain::{ClassBands, ClassCause, ClassReason, RiskClass};

/// One class change of a loan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClassEvent {
    pub on: NaiveDate,
    pub before: RiskClass,
    pub after: RiskClass,
    /// The rule that set the class after.
    pub reason: ClassReason,
    pub cause: ClassCause,
    /// The person whose action moved it; none for the run.
    pub user: Option<String>,
    pub at: String,
}

impl FromRow for ClassEvent {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(ClassEvent {
            on: c.day("on_date")?,
            before: c.word("class_before")?,
            after: c.word("class_after")?,
            reason: c.word("reason")?,
            cause: c.word("cause")?,
            user: c.get("user")?,
            at: c.get("created_at")?,
        })
    }
}

/// A loan's class changes, oldest first.
pub fn class_events_of(conn: &Connection, loan: LoanId) -> Result<Vec<ClassEvent>> {
    row::all(
        &mut *conn.prepare_cached(
            "SELECT on_date, class_before, class_after, reason, cause, user, created_at \
             FROM class_events WHERE loan_id = ?1 ORDER BY id",
        )?,
        [loan],
    )
}

/// The date of the last run that recorded classes (`None`: none has since migration 0023, and
/// nothing is recorded until one takes the baseline).
const CLASS_RUN_ON: &str = "class_run_on";

pub fn class_run_on(conn: &Connection) -> Result<Option<NaiveDate>> {
    meta_get(conn, CLASS_RUN_ON)?.map(|s| parse_day(&s)).transpose()
}

pub fn set_class_run_on(conn: &Connection, on: NaiveDate) -> Result<()> {
    meta_set(conn, CLASS_RUN_ON, &on.to_string())
}

/// Who and what moved a class, for its event.
#[derive(Debug, Clone, Copy)]
pub struct ClassMove<'a> {
    pub cause: ClassCause,
    pub user: Option<&'a str>,
    /// The time recorded on the event.
    pub at: &'a str,
}

/// A loan id with what its class is derived from.
struct LoanClass {
    loan: i64,
    parts: ClassParts,
}

impl FromRow for LoanClass {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(LoanClass { loan: c.get("loan_id")?, parts: ClassParts::read(c)? })
    }
}

fn class_sql(at: &StateAt) -> String {
    format!("SELECT s.loan_id, {CLASS_COLUMNS} FROM {} s JOIN loans l ON l.id = s.loan_id", at.table.name())
}

/// Records the loans' class changes on `at`'s date: each loan whose class its snapshot row gives
/// differs from the last recorded (normal for a loan without one) gets an event and becomes its
/// last. Nothing before the first run took the baseline. The loans whose class moved.
pub fn note_classes(
    conn: &Connection,
    loans: &[LoanId],
    at: &StateAt,
    how: ClassMove<'_>,
) -> Result<Vec<LoanId>> {
    if class_run_on(conn)?.is_none() {
        return Ok(Vec::new());
    }
    let mut read = conn.prepare_cached(&format!("{} WHERE s.loan_id = ?1", class_sql(at)))?;
    let mut last = conn.prepare_cached("SELECT class FROM class_last WHERE loan_id = ?1")?;
    let mut insert = conn.prepare_cached(
        "INSERT INTO class_events (loan_id, on_date, class_before, class_after, reason, cause, user, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    let mut keep = conn
        .prepare_cached("INSERT OR REPLACE INTO class_last (loan_id, class, reason) VALUES (?1, ?2, ?3)")?;
    let mut moved = Vec::new();
    for &loan in loans {
        let Some(row): Option<LoanClass> = row::first(&mut read, [loan])? else { continue };
        let (_, class, reason) = row.parts.on(at);
        let before: Option<String> = last.query_row([loan], |r| r.get(0)).optional()?;
        let before =
            before.map_or(Ok(RiskClass::Normal), |w| w.parse().map_err(super::StoreError::Corrupt))?;
        if before == class {
            continue;
        }
        insert.execute(params![
            loan,
            at.on.to_string(),
            before.as_str(),
            class.as_str(),
            reason.as_str(),
            how.cause.as_str(),
            how.user,
            how.at
        ])?;
        keep.execute(params![loan, class.as_str(), reason.as_str()])?;
        moved.push(loan);
    }
    Ok(moved)
}

/// `note_classes` for one loan.
pub fn note_class(conn: &Connection, loan: LoanId, at: &StateAt, how: ClassMove<'_>) -> Result<bool> {
    Ok(!note_classes(conn, &[loan], at, how)?.is_empty())
}

/// The baseline, a page at a time: up to `limit` loans after loan id `after` get their class on
/// `at`'s date as their last recorded one, silently (one recorded already is kept). The last loan
/// id of the page, `None` when none was left.
pub fn class_baseline_page(conn: &Connection, at: &StateAt, after: i64, limit: u32) -> Result<Option<i64>> {
    let rows: Vec<LoanClass> = row::all(
        &mut *conn
            .prepare_cached(&format!("{} WHERE s.loan_id > ?1 ORDER BY s.loan_id LIMIT ?2", class_sql(at)))?,
        params![after, limit],
    )?;
    let mut keep =
        conn.prepare_cached("INSERT OR IGNORE INTO class_last (loan_id, class, reason) VALUES (?1, ?2, ?3)")?;
    for r in &rows {
        let (_, class, reason) = r.parts.on(at);
        keep.execute(params![r.loan, class.as_str(), reason.as_str()])?;
    }
    Ok(rows.last().map(|r| r.loan))
}

const BAND_SQL: &str = "SELECT loan_id FROM main.loan_state WHERE (overdue_since IS NULL) = 0 AND overdue_since > ?1 AND overdue_since <= ?2";
const ROLLED_SQL: &str = "SELECT loan_id FROM main.loan_state WHERE rolled_on > ?1 AND rolled_on <= ?2";
const OBSERVED_SQL: &str = "SELECT id FROM loans WHERE observation_until > ?1 AND observation_until <= ?2";
// A manual class is in force up to and including its end, so it lapses the day after.
const LAPSED_SQL: &str = "SELECT id FROM loans WHERE manual_class_until >= ?1 AND manual_class_until < ?2";

/// The loans whose class can have moved after `since` up to and including `on`, in loan order,
/// each set an index range: the DPD reached a class edge (a range of `overdue_since` per edge,
/// `loan_state_dpd`), the row was computed again (by a roll, which takes the NPL hold's and a
/// plan's changes by the date, or an edit: `loan_state_rolled`), a restructure's observation
/// ended or a manual class lapsed (`loans_observation_until`, `loans_manual_class_until`).
/// Every other loan's class on `on` is the one it had on `since`.
pub fn class_candidates(
    conn: &Connection,
    since: NaiveDate,
    on: NaiveDate,
    bands: ClassBands,
) -> Result<Vec<LoanId>> {
    let mut ids = BTreeSet::new();
    let mut add = |sql: &str, from: String, to: String| -> Result<()> {
        let mut stmt = conn.prepare_cached(sql)?;
        for id in stmt.query_map([from, to], |r| r.get::<_, i64>(0))? {
            ids.insert(id?);
        }
        Ok(())
    };
    for edge in bands.edges() {
        // DPD on a date D is D − overdue_since: it is below the edge on `since` and reaches it
        // by `on` for overdue_since in (since − edge, on − edge].
        let back = |d: NaiveDate| (d - chrono::Duration::days(edge)).to_string();
        add(BAND_SQL, back(since), back(on))?;
    }
    let (since_text, on_text) = (since.to_string(), on.to_string());
    add(ROLLED_SQL, since_text.clone(), on_text.clone())?;
    add(OBSERVED_SQL, since_text.clone(), on_text.clone())?;
    add(LAPSED_SQL, since_text, on_text)?;
    Ok(ids.into_iter().map(LoanId).collect())
}

/// Every loan of the shared snapshot, in loan order (a whole-book comparison after a policy
/// change, which has just computed the whole book).
pub fn snapshot_loan_ids(conn: &Connection) -> Result<Vec<LoanId>> {
    let mut stmt = conn.prepare_cached("SELECT loan_id FROM main.loan_state ORDER BY loan_id")?;
    let ids = stmt.query_map([], |r| r.get(0).map(LoanId))?.collect::<rusqlite::Result<_>>()?;
    Ok(ids)
}

/// Loans new to the book take their class on `at`'s date as their last recorded one, silently: a
/// loan enters the book at its class. Nothing before the first run took the baseline.
pub fn class_baseline_loans(conn: &Connection, loans: &[LoanId], at: &StateAt) -> Result<()> {
    if class_run_on(conn)?.is_none() {
        return Ok(());
    }
    let mut read = conn.prepare_cached(&format!("{} WHERE s.loan_id = ?1", class_sql(at)))?;
    let mut keep =
        conn.prepare_cached("INSERT OR IGNORE INTO class_last (loan_id, class, reason) VALUES (?1, ?2, ?3)")?;
    for &loan in loans {
        if let Some(r) = row::first::<LoanClass>(&mut read, [loan])? {
            let (_, class, reason) = r.parts.on(at);
            keep.execute(params![r.loan, class.as_str(), reason.as_str()])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_range_the_run_reads_is_an_index_range() {
        let store = crate::store::Store::open_in_memory().expect("store");
        for sql in [BAND_SQL, ROLLED_SQL, OBSERVED_SQL, LAPSED_SQL] {
            let plan: Vec<String> = store
                .conn()
                .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                .expect("plan")
                .query_map(["2026-01-01", "2026-02-01"], |r| r.get::<_, String>(3))
                .expect("rows")
                .map(|r| r.expect("row"))
                .collect();
            assert!(plan.iter().all(|p| p.starts_with("SEARCH") && p.contains("INDEX")), "{sql}: {plan:?}");
        }
    }
}

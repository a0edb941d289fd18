//! Class changes as events (migration 0023, DOMAIN §5): a loan's class is derived for the date
//! asked, so a change is found by comparing the class its row gives now with the last one
//! recorded (`class_last`), in the transaction of whatever moved it.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::Result;
use super::book::LoanId;
use super::db::{Db, IDS_IN, ids_json};
use super::row::parse_day;
use super::row::{Cols, FromRow};
use super::settings::{meta_get, meta_set};
use super::state::{StateAt, StateTable};
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

/// A loan's class changes, oldest first. (`user` quoted: unquoted, the server reads its role.)
pub fn class_events_of<'a>(db: impl Into<Db<'a>>, loan: LoanId) -> Result<Vec<ClassEvent>> {
    db.into().rows(
        "SELECT on_date, class_before, class_after, reason, cause, \"user\", created_at \
         FROM class_events WHERE loan_id = ?1 ORDER BY id",
        &[loan.0.into()],
    )
}

/// The date of the last run that recorded classes (`None`: none has since migration 0023, and
/// nothing is recorded until one takes the baseline).
const CLASS_RUN_ON: &str = "class_run_on";

pub fn class_run_on<'a>(db: impl Into<Db<'a>>) -> Result<Option<NaiveDate>> {
    meta_get(db, CLASS_RUN_ON)?.map(|s| parse_day(&s)).transpose()
}

pub fn set_class_run_on<'a>(db: impl Into<Db<'a>>, on: NaiveDate) -> Result<()> {
    meta_set(db, CLASS_RUN_ON, &on.to_string())
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

/// The snapshot table `at` asks, by its name on `db`: the file's are in its `main` and `temp`
/// schemas, the server's shared one in its own and a session's scratch in `pg_temp`.
pub(crate) fn state_table(db: Db<'_>, at: &StateAt) -> &'static str {
    match (db, at.table) {
        (Db::File(_), t) => t.name(),
        (Db::Server(_), StateTable::Shared) => "loan_state",
        (Db::Server(_), StateTable::Scratch) => "pg_temp.loan_state_scratch",
    }
}

fn class_sql(db: Db<'_>, at: &StateAt) -> String {
    format!(
        "SELECT s.loan_id, {CLASS_COLUMNS} FROM {} s JOIN loans l ON l.id = s.loan_id",
        state_table(db, at)
    )
}

/// The last class recorded is the one given (SQLite's `INSERT OR REPLACE`, in words both read).
const KEEP_CLASS: &str = "INSERT INTO class_last (loan_id, class, reason) VALUES (?1, ?2, ?3) \
     ON CONFLICT (loan_id) DO UPDATE SET class = excluded.class, reason = excluded.reason";
/// A loan's first class recorded; one recorded already is kept (`INSERT OR IGNORE`).
const FIRST_CLASS: &str = "INSERT INTO class_last (loan_id, class, reason) VALUES (?1, ?2, ?3) \
     ON CONFLICT (loan_id) DO NOTHING";

/// A loan's last class recorded. On the server it locks that row until the transaction ends:
/// a second writer noting the same loan waits, and then reads the class the first recorded, so
/// a move is recorded once (the file's writers are one at a time already). Two writers noting
/// the same loans in different orders can deadlock there; the server then fails one of them.
const LAST_CLASS_FILE: &str = "SELECT class FROM class_last WHERE loan_id = ?1";
const LAST_CLASS_SERVER: &str = "SELECT class FROM class_last WHERE loan_id = ?1 FOR UPDATE";

/// Records the loans' class changes on `at`'s date: each loan whose class its snapshot row gives
/// differs from the last recorded (normal for a loan without one) gets an event and becomes its
/// last. Nothing before the first run took the baseline. The loans whose class moved. In the
/// caller's transaction; the last class is read (and on the server locked) before the snapshot
/// row, so a writer that waited reads the row as the one before it left it.
pub fn note_classes<'a>(
    db: impl Into<Db<'a>>,
    loans: &[LoanId],
    at: &StateAt,
    how: ClassMove<'_>,
) -> Result<Vec<LoanId>> {
    let db = db.into();
    if class_run_on(db)?.is_none() {
        return Ok(Vec::new());
    }
    if let Db::Server(_) = db {
        return note_classes_together(db, loans, at, how);
    }
    let read = format!("{} WHERE s.loan_id = ?1", class_sql(db, at));
    let last = match db {
        Db::File(_) => LAST_CLASS_FILE,
        Db::Server(_) => LAST_CLASS_SERVER,
    };
    let on = at.on.to_string();
    let mut moved = Vec::new();
    for &loan in loans {
        let before: Option<String> = db.value(last, &[loan.0.into()])?;
        let Some(row): Option<LoanClass> = db.first(&read, &[loan.0.into()])? else { continue };
        let (_, class, reason) = row.parts.on(at);
        let before =
            before.map_or(Ok(RiskClass::Normal), |w| w.parse().map_err(super::StoreError::Corrupt))?;
        if before == class {
            continue;
        }
        db.execute(
            "INSERT INTO class_events (loan_id, on_date, class_before, class_after, reason, cause, \"user\", created_at) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            &[
                loan.0.into(),
                (&on).into(),
                before.as_str().into(),
                class.as_str().into(),
                reason.as_str().into(),
                how.cause.as_str().into(),
                how.user.into(),
                how.at.into(),
            ],
        )?;
        db.execute(KEEP_CLASS, &[loan.0.into(), class.as_str().into(), reason.as_str().into()])?;
        moved.push(loan);
    }
    Ok(moved)
}

/// `note_classes` on the server: the loans' last classes (locked) and rows read in two statements,
/// their events and last classes written in two, where a loan took four round trips.
fn note_classes_together(
    db: Db<'_>,
    loans: &[LoanId],
    at: &StateAt,
    how: ClassMove<'_>,
) -> Result<Vec<LoanId>> {
    let ids = ids_json(loans.iter().map(|l| l.0));
    let last: Vec<(i64, String)> = db.rows(
        &format!("SELECT loan_id, class FROM class_last WHERE loan_id {IDS_IN} ORDER BY loan_id FOR UPDATE"),
        &[(&ids).into()],
    )?;
    let mut last: std::collections::HashMap<i64, RiskClass> = last
        .into_iter()
        .map(|(loan, w)| w.parse().map(|c| (loan, c)).map_err(super::StoreError::Corrupt))
        .collect::<Result<_>>()?;
    let rows: Vec<LoanClass> =
        db.rows(&format!("{} WHERE s.loan_id {IDS_IN}", class_sql(db, at)), &[(&ids).into()])?;
    let rows: std::collections::HashMap<i64, ClassParts> =
        rows.into_iter().map(|r| (r.loan, r.parts)).collect();
    let (mut moved, mut events) = (Vec::new(), Vec::new());
    for &loan in loans {
        let Some(parts) = rows.get(&loan.0) else { continue };
        let (_, class, reason) = parts.on(at);
        let before = last.get(&loan.0).copied().unwrap_or(RiskClass::Normal);
        if before == class {
            continue;
        }
        last.insert(loan.0, class);
        events.push(serde_json::json!({
            "n": events.len(), "loan_id": loan.0, "before": before.as_str(), "after": class.as_str(),
            "reason": reason.as_str(),
        }));
        moved.push(loan);
    }
    if events.is_empty() {
        return Ok(moved);
    }
    let events = serde_json::Value::Array(events).to_string();
    let from = "FROM jsonb_to_recordset(CAST(CAST(?1 AS TEXT) AS JSONB)) \
                AS v(n BIGINT, loan_id BIGINT, before TEXT, after TEXT, reason TEXT)";
    let on = at.on.to_string();
    db.execute(
        &format!(
            "INSERT INTO class_events (loan_id, on_date, class_before, class_after, reason, cause, \"user\", created_at) \
             SELECT loan_id, CAST(?2 AS TEXT), before, after, reason, CAST(?3 AS TEXT), CAST(?4 AS TEXT), CAST(?5 AS TEXT) \
             {from} ORDER BY n"
        ),
        &[(&events).into(), (&on).into(), how.cause.as_str().into(), how.user.into(), how.at.into()],
    )?;
    db.execute(
        &format!(
            "INSERT INTO class_last (loan_id, class, reason) SELECT loan_id, after, reason {from} \
             ON CONFLICT (loan_id) DO UPDATE SET class = excluded.class, reason = excluded.reason"
        ),
        &[(&events).into()],
    )?;
    Ok(moved)
}

/// `note_classes` for one loan.
pub fn note_class<'a>(db: impl Into<Db<'a>>, loan: LoanId, at: &StateAt, how: ClassMove<'_>) -> Result<bool> {
    Ok(!note_classes(db, &[loan], at, how)?.is_empty())
}

/// The baseline, a page at a time: up to `limit` loans after loan id `after` get their class on
/// `at`'s date as their last recorded one, silently (one recorded already is kept). The last loan
/// id of the page, `None` when none was left.
pub fn class_baseline_page<'a>(
    db: impl Into<Db<'a>>,
    at: &StateAt,
    after: i64,
    limit: u32,
) -> Result<Option<i64>> {
    let db = db.into();
    let rows: Vec<LoanClass> = db.rows(
        &format!("{} WHERE s.loan_id > ?1 ORDER BY s.loan_id LIMIT ?2", class_sql(db, at)),
        &[after.into(), i64::from(limit).into()],
    )?;
    for r in &rows {
        let (_, class, reason) = r.parts.on(at);
        db.execute(FIRST_CLASS, &[r.loan.into(), class.as_str().into(), reason.as_str().into()])?;
    }
    Ok(rows.last().map(|r| r.loan))
}

const BAND_SQL: &str = "SELECT loan_id FROM main.loan_state WHERE (overdue_since IS NULL) = 0 AND overdue_since > ?1 AND overdue_since <= ?2";
const ROLLED_SQL: &str = "SELECT loan_id FROM main.loan_state WHERE rolled_on > ?1 AND rolled_on <= ?2";
const OBSERVED_SQL: &str = "SELECT id FROM loans WHERE observation_until > ?1 AND observation_until <= ?2";
// A manual class is in force up to and including its end, so it lapses the day after.
const LAPSED_SQL: &str = "SELECT id FROM loans WHERE manual_class_until >= ?1 AND manual_class_until < ?2";
// The server's: its snapshot has no schema name, and a comparison is no number there.
const BAND_SERVER: &str = "SELECT loan_id FROM loan_state WHERE overdue_since IS NOT NULL AND overdue_since > ?1 AND overdue_since <= ?2";
const ROLLED_SERVER: &str = "SELECT loan_id FROM loan_state WHERE rolled_on > ?1 AND rolled_on <= ?2";

/// The loans whose class can have moved after `since` up to and including `on`, in loan order,
/// each set an index range: the DPD reached a class edge (a range of `overdue_since` per edge,
/// `loan_state_dpd`), the row was computed again (by a roll, which takes the NPL hold's and a
/// plan's changes by the date, or an edit: `loan_state_rolled`), a restructure's observation
/// ended or a manual class lapsed (`loans_observation_until`, `loans_manual_class_until`).
/// Every other loan's class on `on` is the one it had on `since`.
pub fn class_candidates<'a>(
    db: impl Into<Db<'a>>,
    since: NaiveDate,
    on: NaiveDate,
    bands: ClassBands,
) -> Result<Vec<LoanId>> {
    let db = db.into();
    let (band, rolled) = match db {
        Db::File(_) => (BAND_SQL, ROLLED_SQL),
        Db::Server(_) => (BAND_SERVER, ROLLED_SERVER),
    };
    let mut ids = BTreeSet::new();
    let mut add = |sql: &str, from: String, to: String| -> Result<()> {
        db.each::<(i64,)>(sql, &[(&from).into(), (&to).into()], &mut |(id,)| {
            ids.insert(id);
            Ok(())
        })
    };
    for edge in bands.edges() {
        // DPD on a date D is D − overdue_since: it is below the edge on `since` and reaches it
        // by `on` for overdue_since in (since − edge, on − edge].
        let back = |d: NaiveDate| (d - chrono::Duration::days(edge)).to_string();
        add(band, back(since), back(on))?;
    }
    let (since_text, on_text) = (since.to_string(), on.to_string());
    add(rolled, since_text.clone(), on_text.clone())?;
    add(OBSERVED_SQL, since_text.clone(), on_text.clone())?;
    add(LAPSED_SQL, since_text, on_text)?;
    Ok(ids.into_iter().map(LoanId).collect())
}

/// Every loan of the shared snapshot, in loan order (a whole-book comparison after a policy
/// change, which has just computed the whole book).
pub fn snapshot_loan_ids<'a>(db: impl Into<Db<'a>>) -> Result<Vec<LoanId>> {
    let db = db.into();
    let sql = match db {
        Db::File(_) => "SELECT loan_id FROM main.loan_state ORDER BY loan_id",
        Db::Server(_) => "SELECT loan_id FROM loan_state ORDER BY loan_id",
    };
    let mut ids = Vec::new();
    db.each::<(LoanId,)>(sql, &[], &mut |(id,)| {
        ids.push(id);
        Ok(())
    })?;
    Ok(ids)
}

/// Loans new to the book take their class on `at`'s date as their last recorded one, silently: a
/// loan enters the book at its class. Nothing before the first run took the baseline.
pub fn class_baseline_loans<'a>(db: impl Into<Db<'a>>, loans: &[LoanId], at: &StateAt) -> Result<()> {
    let db = db.into();
    if class_run_on(db)?.is_none() {
        return Ok(());
    }
    let read = format!("{} WHERE s.loan_id = ?1", class_sql(db, at));
    for &loan in loans {
        if let Some(r) = db.first::<LoanClass>(&read, &[loan.0.into()])? {
            let (_, class, reason) = r.parts.on(at);
            db.execute(FIRST_CLASS, &[r.loan.into(), class.as_str().into(), reason.as_str().into()])?;
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

//! The day's roll: the shared snapshot moved forward to a date by recomputing only the rows that
//! stop holding by then (`stale_on` on or before it: an installment fell due, a payment is dated,
//! a due-soon window opened or closed, a promise's grace ended). Every other row already holds
//! for the new date and is not touched. Done in batches, each its own short transaction
//! (`Store::roll_to`); a roll stopped half-way leaves rows each either as they were or as of the
//! new date, and the next roll finishes it.

use chrono::NaiveDate;
use rusqlite::types::Value;

use super::compute::{COLUMNS, FACTS_COLUMNS, FACTS_FROM, Facts, STALE_ON, assessed_row};
use super::table::StateTable;
use super::write::{Stored, Writer};
use crate::domain::AssessRules;
use crate::domain::{Money, Payment};
use crate::store::Result;
use crate::store::row::parse_day;
use crate::store::settings::{set_snapshot_as_of, snapshot_as_of};
use crate::store::{Db, LoanId, paid_of};

/// Where the shared snapshot stands for a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SnapshotFor {
    /// Never computed (a new or just migrated store): a whole-book refresh fills it.
    Missing,
    /// Every row holds on the date.
    Holds,
    /// Rows stop holding by the date: a roll to it recomputes them.
    Behind,
    /// Rolled past the date: its rows may count what happened after it.
    Ahead,
}

/// Where the shared snapshot stands for `on`.
pub fn snapshot_for<'a>(db: impl Into<Db<'a>>, on: NaiveDate) -> Result<SnapshotFor> {
    let db = db.into();
    let Some(at) = snapshot_as_of(db)? else { return Ok(SnapshotFor::Missing) };
    if at > on {
        return Ok(SnapshotFor::Ahead);
    }
    Ok(if stale_by(db, on)? { SnapshotFor::Behind } else { SnapshotFor::Holds })
}

/// Whether a row stops holding by `on`: the earliest `stale_on`, one step down the index. Asked as
/// the least date, not "a row on or before `on`": the server plans a statement it has run five times
/// once for any date, and for a range of unknown width it chose to read the whole snapshot (120 ms on
/// 1,000,000 loans, on every list the desk asked for).
fn stale_by(db: Db<'_>, on: NaiveDate) -> Result<bool> {
    let sql = format!("SELECT min(stale_on) FROM {}", StateTable::Shared.name_in(db));
    let first: Option<String> = db.value::<Option<String>>(&sql, &[])?.flatten();
    Ok(first.is_some_and(|day| day.as_str() <= on.to_string().as_str()))
}

/// How many rows of the shared snapshot stop holding by `on` (an index range).
pub fn stale_count<'a>(db: impl Into<Db<'a>>, on: NaiveDate) -> Result<u64> {
    let db = db.into();
    let sql = format!("SELECT count(*) FROM {} WHERE stale_on <= ?1", StateTable::Shared.name_in(db));
    let n: i64 = db.value(&sql, &[(&on.to_string()).into()])?.unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The loans whose rows stop holding by `on`, in loan order.
pub fn stale_loans<'a>(db: impl Into<Db<'a>>, on: NaiveDate) -> Result<Vec<i64>> {
    let db = db.into();
    let sql = format!("SELECT loan_id FROM {} WHERE stale_on <= ?1", StateTable::Shared.name_in(db));
    let mut ids: Vec<i64> = db.column(&sql, &[(&on.to_string()).into()])?;
    ids.sort_unstable();
    Ok(ids)
}

/// How far a batch of the roll got: loans looked at (from the start of those given) and rows
/// recomputed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Rolled {
    pub looked: usize,
    pub recomputed: u64,
}

/// One batch of a roll to `on`: these loans' rows recomputed as of `on` where they stop holding
/// by then (another desk may have rolled some meanwhile), inside the caller's transaction, until
/// `until` passes. The snapshot's date becomes `on` with the first batch, so a question about an
/// earlier date no longer reads rows already as of `on`.
pub fn roll_batch<'a>(
    db: impl Into<Db<'a>>,
    on: NaiveDate,
    rules: &AssessRules,
    ids: &[i64],
    until: std::time::Instant,
) -> Result<Rolled> {
    let db = db.into();
    if snapshot_as_of(db)?.is_some_and(|at| at < on) {
        set_snapshot_as_of(db, on)?;
    }
    if let Db::Server(_) = db {
        return roll_pages(db, on, rules, ids, until);
    }
    let mut writer = Writer::new(db, StateTable::Shared)?;
    let facts_of = format!("SELECT {FACTS_COLUMNS} {FACTS_FROM} WHERE l.id = ?1");
    let gone = format!("DELETE FROM {} WHERE loan_id = ?1", StateTable::Shared.name_in(db));
    let on_text = on.to_string();
    let mut done = Rolled::default();
    for &id in ids {
        if done.looked > 0 && std::time::Instant::now() >= until {
            break;
        }
        done.looked += 1;
        // Another desk may have rolled it meanwhile.
        let Some(old) = writer.standing(id)? else { continue };
        let stale = matches!(&old[STALE_ON], Value::Text(end) if *end <= on_text);
        if !stale {
            continue;
        }
        let Some(facts): Option<Facts> = db.first(&facts_of, &[id.into()])? else {
            db.execute(&gone, &[id.into()])?;
            continue;
        };
        let payments = paid_of(db, LoanId(id))?;
        let row = assessed_row(db, &facts, payments, on, rules)?;
        writer.update(&old, &row)?;
        done.recomputed += 1;
    }
    Ok(done)
}

/// Loans a page of the roll reads together on the server.
const ROLL_PAGE: usize = if cfg!(debug_assertions) { 16 } else { 500 };

/// `roll_batch` on the server: a page of loans' stored rows, facts and payments read in three
/// statements (each a range of loan ids, the page's stale rows only) and the rows written back in
/// one, where a statement a loan each time was most of the roll's time.
fn roll_pages(
    db: Db<'_>,
    on: NaiveDate,
    rules: &AssessRules,
    ids: &[i64],
    until: std::time::Instant,
) -> Result<Rolled> {
    let t = StateTable::Shared.name_in(db);
    let stale = "s.loan_id >= ?1 AND s.loan_id <= ?2 AND s.stale_on <= ?3";
    let rows_sql = format!("SELECT {COLUMNS} FROM {t} s WHERE {stale} ORDER BY s.loan_id");
    // Each side bounded: the server would otherwise walk the other from its first key.
    let facts_sql = format!(
        "SELECT {FACTS_COLUMNS} {FACTS_FROM} JOIN {t} s ON s.loan_id = l.id \
         WHERE {stale} AND l.id >= ?1 AND l.id <= ?2 ORDER BY l.id"
    );
    let paid_sql = format!(
        "SELECT p.loan_id, p.paid_on, p.amount_cents FROM payments p JOIN {t} s ON s.loan_id = p.loan_id \
         WHERE {stale} AND p.loan_id >= ?1 AND p.loan_id <= ?2 ORDER BY p.loan_id, p.paid_on, p.amount_cents"
    );
    let gone = format!("DELETE FROM {t} WHERE loan_id = ?1");
    let on_text = on.to_string();
    let mut writer = Writer::deferring(db, StateTable::Shared)?;
    let mut done = Rolled::default();
    for page in ids.chunks(ROLL_PAGE) {
        if done.looked > 0 && std::time::Instant::now() >= until {
            break;
        }
        let (Some(&first), Some(&last)) = (page.first(), page.last()) else { break };
        let range = [first.into(), last.into(), (&on_text).into()];
        let stored: Vec<Stored> = db.rows(&rows_sql, &range)?;
        let facts: Vec<Facts> = db.rows(&facts_sql, &range)?;
        let paid: Vec<(i64, String, i64)> = db.rows(&paid_sql, &range)?;
        let (mut facts, mut paid) = (facts.into_iter().peekable(), paid.into_iter().peekable());
        for Stored(old) in stored {
            let rusqlite::types::Value::Integer(id) = old[0] else { continue };
            let fact = loop {
                match facts.next_if(|f| f.id.0 <= id) {
                    Some(f) if f.id.0 == id => break Some(f),
                    Some(_) => continue,
                    None => break None,
                }
            };
            let mut payments = Vec::new();
            while let Some((loan, day, cents)) = paid.next_if(|(loan, _, _)| *loan <= id) {
                if loan == id {
                    payments.push(Payment { paid_on: parse_day(&day)?, amount: Money::from_cents(cents) });
                }
            }
            // Rows of the range not among the loans asked for are left to the roll that asks for them.
            if page.binary_search(&id).is_err() {
                continue;
            }
            let Some(fact) = fact else {
                db.execute(&gone, &[id.into()])?;
                continue;
            };
            let row = assessed_row(db, &fact, payments, on, rules)?;
            writer.update(&old, &row)?;
            done.recomputed += 1;
        }
        done.looked += page.len();
    }
    writer.flush()?;
    Ok(done)
}

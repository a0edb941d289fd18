//! The day's roll: the shared snapshot moved forward to a date by recomputing only the rows that
//! stop holding by then (`stale_on` on or before it: an installment fell due, a payment is dated,
//! a due-soon window opened or closed, a promise's grace ended). Every other row already holds
//! for the new date and is not touched. Done in batches, each its own short transaction
//! (`Store::roll_to`); a roll stopped half-way leaves rows each either as they were or as of the
//! new date, and the next roll finishes it.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension};

use super::compute::{FACTS_COLUMNS, FACTS_FROM, Facts, STALE_ON, assessed_row};
use super::table::StateTable;
use super::write::Writer;
use crate::domain::AssessRules;
use crate::store::Result;
use crate::store::settings::{set_snapshot_as_of, snapshot_as_of};
use crate::store::{LoanId, paid_of, row};

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
pub fn snapshot_for(conn: &Connection, on: NaiveDate) -> Result<SnapshotFor> {
    let Some(at) = snapshot_as_of(conn)? else { return Ok(SnapshotFor::Missing) };
    if at > on {
        return Ok(SnapshotFor::Ahead);
    }
    Ok(if stale_by(conn, on)? { SnapshotFor::Behind } else { SnapshotFor::Holds })
}

fn stale_by(conn: &Connection, on: NaiveDate) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT 1 FROM main.loan_state WHERE stale_on <= ?1 LIMIT 1")?
        .query_row([on.to_string()], |_| Ok(()))
        .optional()?
        .is_some())
}

/// How many rows of the shared snapshot stop holding by `on` (an index range).
pub fn stale_count(conn: &Connection, on: NaiveDate) -> Result<u64> {
    let n: i64 = conn
        .prepare_cached("SELECT count(*) FROM main.loan_state WHERE stale_on <= ?1")?
        .query_row([on.to_string()], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The loans whose rows stop holding by `on`, in loan order.
pub fn stale_loans(conn: &Connection, on: NaiveDate) -> Result<Vec<i64>> {
    let mut ids: Vec<i64> = conn
        .prepare_cached("SELECT loan_id FROM main.loan_state WHERE stale_on <= ?1")?
        .query_map([on.to_string()], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
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
pub fn roll_batch(
    conn: &Connection,
    on: NaiveDate,
    rules: &AssessRules,
    ids: &[i64],
    until: std::time::Instant,
) -> Result<Rolled> {
    if snapshot_as_of(conn)?.is_some_and(|at| at < on) {
        set_snapshot_as_of(conn, on)?;
    }
    let mut writer = Writer::new(conn, StateTable::Shared)?;
    let mut facts_of =
        conn.prepare_cached(&format!("SELECT {FACTS_COLUMNS} {FACTS_FROM} WHERE l.id = ?1"))?;
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
        let Some(facts): Option<Facts> = row::first(&mut facts_of, [id])? else {
            conn.prepare_cached("DELETE FROM main.loan_state WHERE loan_id = ?1")?.execute([id])?;
            continue;
        };
        let payments = paid_of(conn, LoanId(id))?;
        let row = assessed_row(conn, &facts, payments, on, rules)?;
        writer.update(&old, &row)?;
        done.recomputed += 1;
    }
    Ok(done)
}

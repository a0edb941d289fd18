//! What an escalation run reads: the loans its policy may move or owe a dunning notice, each with
//! the facts the policy decides on, from the snapshot's run index (migration 0020).

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::params;

use super::Result;
use super::book::LoanId;
use super::db::Db;
use super::row::parse_day;
use super::row::{Cols, FromRow};
use super::state::{StateAt, StateTable};
use crate::domain::{LoanStatus, Money, Product, PromiseStatus, Stage, dpd_on};

/// The snapshot's table as the statements on `db` name it (`Dialect::table`).
pub(super) fn snapshot_table(db: Db<'_>, table: StateTable) -> &'static str {
    super::search::Dialect::of(db).table(table)
}

/// One loan as a policy run sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationRow {
    pub loan: LoanId,
    /// The stage stored on the loan (the workflow stage).
    pub stage: Stage,
    pub status: LoanStatus,
    pub dpd: i64,
    pub product: Product,
    /// A guarantor name or collateral description on file.
    pub secured: bool,
    pub written_off: bool,
    /// The status of the latest promise as of the date, by the grace of the policy the snapshot
    /// was computed with.
    pub promise: Option<PromiseStatus>,
    /// The latest promise's amount and the overdue amount it is measured against, and whether an
    /// explicit schedule (a plan, extension or restructure) is in force: read for the loans whose
    /// decision turns on them (an active promise; nothing overdue, where a plan may hold a cure),
    /// `None`, zero and `false` for the others.
    pub promise_amount: Option<Money>,
    pub overdue: Money,
    pub planned: bool,
    /// The end of the dispute or hardship hold in force on the date, if any.
    pub held_until: Option<NaiveDate>,
    /// The loan's reference where the page read it (the server's, which reads the loans beside
    /// the rows: a lookup a move would be a round trip each); `loan_ref_of` otherwise.
    pub loan_ref: Option<String>,
}

/// A run's row as stored, before the date's DPD and holds are laid over it.
struct Stored {
    loan: LoanId,
    stage: Stage,
    status: LoanStatus,
    overdue_since: Option<NaiveDate>,
    product: Product,
    secured: bool,
    promise: Option<PromiseStatus>,
}

impl FromRow for Stored {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(Stored {
            loan: c.get("loan_id")?,
            stage: c.word("workflow_stage")?,
            status: c.word("status")?,
            overdue_since: c.opt_day("overdue_since")?,
            product: c.word("product")?,
            secured: c.get("secured")?,
            promise: c.opt_word("promise_status")?,
        })
    }
}

/// The loans a run looks at: every loan a policy could move or owe a dunning notice on any date.
/// Loans at their own stage with nothing overdue (current and paying, closed and recorded so,
/// written off) are not: `decide` leaves them where they are whatever the date. The condition is
/// the run index's own, word for word, so SQLite reads that index alone.
const RUN_CANDIDATES: &str =
    "(workflow_stage <> stage OR (status = 'active' AND (overdue_since IS NOT NULL OR stage <> 'current')))";

/// The same condition on the snapshot's columns beside the loan's (the server reads a page with
/// its loans in one statement).
const RUN_CANDIDATES_JOINED: &str = "(s.workflow_stage <> s.stage OR (s.status = 'active' \
     AND (s.overdue_since IS NOT NULL OR s.stage <> 'current')))";

/// A run's row with its loan's terms, as the server gives a page.
struct WithTerms {
    stored: Stored,
    promise_amount: Option<Money>,
    overdue: Money,
    planned: bool,
    loan_ref: String,
}

impl FromRow for WithTerms {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(WithTerms {
            stored: Stored::read(c)?,
            promise_amount: c.get::<Option<i64>>("promise_amount_cents")?.map(Money::from_cents),
            overdue: c.money("overdue_amount")?,
            planned: c.get("planned")?,
            loan_ref: c.get("loan_ref")?,
        })
    }
}

/// Whether the run reads the loan's terms: its decision turns on them.
fn needs_terms(s: &Stored) -> bool {
    s.promise == Some(PromiseStatus::Active) || s.overdue_since.is_none()
}

/// Up to `limit` loans a run looks at after loan id `after`, in loan order (keyset paging, so a
/// run over a million loans holds one page at a time), with their DPD on the date and the hold in
/// force then (`held`: `holds::held_on` of the date).
pub fn escalation_page<'a>(
    db: impl Into<Db<'a>>,
    at: StateAt,
    held: &HashMap<LoanId, NaiveDate>,
    after: i64,
    limit: u32,
) -> Result<Vec<EscalationRow>> {
    let row = |s: Stored, (promise_amount, overdue, planned): (Option<Money>, Money, bool), loan_ref| {
        EscalationRow {
            loan: s.loan,
            stage: s.stage,
            status: s.status,
            dpd: dpd_on(s.overdue_since, at.on),
            product: s.product,
            secured: s.secured,
            written_off: s.status == LoanStatus::WrittenOff || s.stage == Stage::WrittenOff,
            promise: s.promise,
            promise_amount,
            overdue,
            planned,
            held_until: held.get(&s.loan).copied(),
            loan_ref,
        }
    };
    let conn = match db.into() {
        Db::File(conn) => conn,
        // One statement a page, the loans' terms beside the run's rows (a lookup a loan would be
        // a round trip each), kept for the loans whose decision turns on them, as on the file.
        db @ Db::Server(_) => {
            let sql = format!(
                "SELECT s.loan_id, s.workflow_stage, s.status, s.overdue_since, s.product, s.secured, \
                 s.promise_status, l.promise_amount_cents, s.overdue_amount, l.schedule_id IS NOT NULL AS planned, l.loan_ref \
                 FROM {} s JOIN loans l ON l.id = s.loan_id \
                 WHERE {RUN_CANDIDATES_JOINED} AND s.loan_id > ?1 AND l.id > ?1 ORDER BY s.loan_id LIMIT ?2",
                snapshot_table(db, at.table)
            );
            let page: Vec<WithTerms> = db.rows(&sql, &[after.into(), i64::from(limit).into()])?;
            return Ok(page
                .into_iter()
                .map(|w| {
                    let terms = if needs_terms(&w.stored) {
                        (w.promise_amount, w.overdue, w.planned)
                    } else {
                        (None, Money::ZERO, false)
                    };
                    row(w.stored, terms, Some(w.loan_ref))
                })
                .collect());
        }
    };
    let pin = if at.table == StateTable::Shared { " INDEXED BY loan_state_run" } else { "" };
    let sql = format!(
        "SELECT loan_id, workflow_stage, status, overdue_since, product, secured, promise_status \
         FROM {} s{pin} WHERE {RUN_CANDIDATES} AND loan_id > ?1 ORDER BY loan_id LIMIT ?2",
        at.table.name()
    );
    let stored: Vec<Stored> = super::row::all(&mut *conn.prepare_cached(&sql)?, params![after, limit])?;
    let mut terms = conn.prepare_cached(&format!(
        "SELECT l.promise_amount_cents, s.overdue_amount, l.schedule_id IS NOT NULL \
         FROM loans l JOIN {} s ON s.loan_id = l.id WHERE l.id = ?1",
        at.table.name()
    ))?;
    stored
        .into_iter()
        .map(|s| {
            // Most loans a run looks at are overdue without a promise in force: the loans table is
            // read only for the others.
            let terms = if needs_terms(&s) {
                terms.query_row([s.loan], |r| {
                    Ok((
                        r.get::<_, Option<i64>>(0)?.map(Money::from_cents),
                        Money::from_cents(r.get(1)?),
                        r.get(2)?,
                    ))
                })?
            } else {
                (None, Money::ZERO, false)
            };
            Ok(row(s, terms, None))
        })
        .collect()
}

/// A loan whose final maturity is its due-soon date (within the maturity window).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaturityRow {
    pub loan: LoanId,
    pub status: LoanStatus,
    pub maturity_on: NaiveDate,
}

impl FromRow for MaturityRow {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(MaturityRow {
            loan: c.get("loan_id")?,
            status: c.word("status")?,
            maturity_on: c.day("due_soon_on")?,
        })
    }
}

/// The active loans whose final maturity is their due-soon date, open on the date asked and a
/// month and a few days away at most, in loan order (the caller keeps those whose notice is due):
/// one walk of the open windows' index range, which holds what is read.
pub fn maturity_due<'a>(db: impl Into<Db<'a>>, at: StateAt) -> Result<Vec<MaturityRow>> {
    let db = db.into();
    let until =
        at.on.checked_add_months(chrono::Months::new(1)).map_or(at.on, |d| d + chrono::Duration::days(3));
    // `+` keeps SQLite's planner off the due order's index, whose range on the date spans every
    // loan with an installment in the month (the server has no `+` for text).
    let due_soon_on = match db {
        Db::File(_) => "+due_soon_on",
        Db::Server(_) => "due_soon_on",
    };
    let sql = format!(
        "SELECT loan_id, status, due_soon_on FROM {} WHERE status = 'active' AND due_soon_from <= ?1 \
         AND due_soon_kind = 'maturity' AND {due_soon_on} BETWEEN ?1 AND ?2 ORDER BY loan_id",
        snapshot_table(db, at.table)
    );
    let (on, until) = (at.on.to_string(), until.to_string());
    db.rows(&sql, &[(&on).into(), (&until).into()])
}

/// How many loans the snapshot holds (the loans a run covers).
pub fn snapshot_loans<'a>(db: impl Into<Db<'a>>, table: StateTable) -> Result<u64> {
    let db = db.into();
    let n: i64 = db.value(&format!("SELECT count(*) FROM {}", snapshot_table(db, table)), &[])?.unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The latest as-of date of a stage change by `actor` (the policy's runs) that stands (not undone).
pub fn last_stage_change_as_of<'a>(db: impl Into<Db<'a>>, actor: &str) -> Result<Option<NaiveDate>> {
    let day: Option<Option<String>> = db.into().value(
        "SELECT max(as_of) FROM stage_events WHERE actor = ?1 AND undone_at IS NULL",
        &[actor.into()],
    )?;
    day.flatten().as_deref().map(parse_day).transpose()
}

/// One stage change a run made that still stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunMove {
    pub event: i64,
    pub loan: LoanId,
    pub loan_ref: String,
    pub from: Stage,
    pub to: Stage,
    /// The loan's stage now.
    pub stage_now: Stage,
}

impl FromRow for RunMove {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(RunMove {
            event: c.get("id")?,
            loan: c.get("loan_id")?,
            loan_ref: c.get("loan_ref")?,
            from: c.word("from_stage")?,
            to: c.word("to_stage")?,
            stage_now: c.word("stage")?,
        })
    }
}

/// Up to `limit` of the stage changes `actor` made as of `as_of` that stand, in loan order.
pub fn run_moves<'a>(
    db: impl Into<Db<'a>>,
    actor: &str,
    as_of: NaiveDate,
    limit: u32,
) -> Result<Vec<RunMove>> {
    let as_of = as_of.to_string();
    db.into().rows(
        "SELECT e.id, e.loan_id, l.loan_ref, e.from_stage, e.to_stage, l.stage \
         FROM stage_events e JOIN loans l ON l.id = e.loan_id \
         WHERE e.actor = ?1 AND e.as_of = ?2 AND e.undone_at IS NULL ORDER BY e.loan_id, e.id LIMIT ?3",
        &[actor.into(), (&as_of).into(), i64::from(limit).into()],
    )
}

/// Marks a stage event undone at `at` (it stays as history).
pub fn mark_undone<'a>(db: impl Into<Db<'a>>, event: i64, at: &str) -> Result<()> {
    db.into().execute("UPDATE stage_events SET undone_at = ?2 WHERE id = ?1", &[event.into(), at.into()])?;
    Ok(())
}

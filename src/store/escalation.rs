//! What an escalation run reads: each loan's snapshot row with the facts the policy decides on.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::Result;
use super::book::LoanId;
use super::row::{self, Cols, FromRow};
use super::settings::parse_day;
use super::state::StateTable;
use crate::domain::{LoanStatus, Money, Product, PromiseStatus, Stage, is_secured};

/// One loan as a policy run sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationRow {
    pub loan: LoanId,
    pub loan_ref: String,
    /// The stage stored on the loan (the workflow stage).
    pub stage: Stage,
    pub status: LoanStatus,
    pub dpd: i64,
    pub product: Product,
    /// A guarantor name or collateral description on file.
    pub secured: bool,
    pub written_off: bool,
    /// The status of the latest promise as of the snapshot's date, by the grace of the policy
    /// the snapshot was computed with.
    pub promise: Option<PromiseStatus>,
    /// The latest promise's amount, and the overdue amount it is measured against.
    pub promise_amount: Option<Money>,
    pub overdue: Money,
    /// An explicit schedule (a plan, extension or restructure) is in force.
    pub planned: bool,
    /// The end of the dispute or hardship hold in force on the snapshot's date, if any.
    pub held_until: Option<NaiveDate>,
    /// The final maturity, when it is the loan's due-soon date (within the maturity window).
    pub maturity_on: Option<NaiveDate>,
}

impl FromRow for EscalationRow {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        let (loan, loan_ref, stage, status, dpd, product) = (
            c.get("loan_id")?,
            c.get("loan_ref")?,
            c.word("stage")?,
            c.word("status")?,
            c.get("dpd")?,
            c.word("product")?,
        );
        let (guarantor, collateral): (Option<String>, Option<String>) =
            (c.get("guarantor")?, c.get("collateral")?);
        Ok(EscalationRow {
            loan,
            loan_ref,
            stage,
            status,
            dpd,
            product,
            secured: is_secured(guarantor.as_deref(), collateral.as_deref()),
            written_off: c.get("written_off")?,
            promise: c.opt_word("promise_status")?,
            held_until: c.opt_day("held_until")?,
            promise_amount: c.get::<Option<i64>>("promise_amount_cents")?.map(Money::from_cents),
            overdue: c.money("overdue_amount")?,
            planned: c.get("planned")?,
            maturity_on: c.opt_day("maturity_on")?,
        })
    }
}

/// Up to `limit` loans of `table` after loan id `after`, in loan order (keyset paging, so a run
/// over a million loans holds one page at a time).
pub fn escalation_page(
    conn: &Connection,
    table: StateTable,
    after: i64,
    limit: u32,
) -> Result<Vec<EscalationRow>> {
    let sql = format!(
        "SELECT s.loan_id, l.loan_ref, l.stage, s.status, s.dpd, l.product, l.guarantor, l.collateral, \
         l.written_off_on IS NOT NULL AS written_off, s.promise_status, {} AS held_until, \
         l.promise_amount_cents, s.overdue_amount, l.schedule_id IS NOT NULL AS planned, \
         CASE WHEN s.due_soon_kind = 'maturity' THEN s.due_soon_on END AS maturity_on \
         FROM {} s JOIN loans l ON l.id = s.loan_id WHERE s.loan_id > ?1 ORDER BY s.loan_id LIMIT ?2",
        super::holds::HELD_UNTIL_SQL,
        table.name()
    );
    row::all(&mut *conn.prepare_cached(&sql)?, params![after, limit])
}

/// The latest as-of date of a stage change by `actor` (the policy's runs) that stands (not undone).
pub fn last_stage_change_as_of(conn: &Connection, actor: &str) -> Result<Option<NaiveDate>> {
    let day: Option<String> = conn
        .prepare_cached("SELECT max(as_of) FROM stage_events WHERE actor = ?1 AND undone_at IS NULL")?
        .query_row([actor], |r| r.get(0))?;
    day.as_deref().map(parse_day).transpose()
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
pub fn run_moves(conn: &Connection, actor: &str, as_of: NaiveDate, limit: u32) -> Result<Vec<RunMove>> {
    let mut stmt = conn.prepare_cached(
        "SELECT e.id, e.loan_id, l.loan_ref, e.from_stage, e.to_stage, l.stage \
         FROM stage_events e JOIN loans l ON l.id = e.loan_id \
         WHERE e.actor = ?1 AND e.as_of = ?2 AND e.undone_at IS NULL ORDER BY e.loan_id, e.id LIMIT ?3",
    )?;
    row::all(&mut stmt, params![actor, as_of.to_string(), limit])
}

/// Marks a stage event undone at `at` (it stays as history).
pub fn mark_undone(conn: &Connection, event: i64, at: &str) -> Result<()> {
    conn.prepare_cached("UPDATE stage_events SET undone_at = ?2 WHERE id = ?1")?
        .execute(params![event, at])?;
    Ok(())
}

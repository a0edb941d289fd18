//! What an escalation run reads: each loan's snapshot row with the facts the policy decides on.

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::Result;
use super::book::{LoanId, corrupt};
use super::settings::parse_day;
use super::state::StateTable;
use crate::domain::{LoanStatus, Product, PromiseStatus, Stage, is_secured};

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
    /// The latest promise's date and status as of the snapshot's date.
    pub promise: Option<(NaiveDate, PromiseStatus)>,
    /// The end of the dispute or hardship hold in force on the snapshot's date, if any.
    pub held_until: Option<NaiveDate>,
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
         l.written_off_on IS NOT NULL, s.promise_due_on, s.promise_status, {} \
         FROM {} s JOIN loans l ON l.id = s.loan_id WHERE s.loan_id > ?1 ORDER BY s.loan_id LIMIT ?2",
        super::holds::HELD_UNTIL_SQL,
        table.name()
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let raw = stmt
        .query_map(params![after, limit], |r| {
            Ok((
                r.get::<_, LoanId>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, String>(5)?,
                (r.get::<_, Option<String>>(6)?, r.get::<_, Option<String>>(7)?),
                r.get::<_, bool>(8)?,
                (r.get::<_, Option<String>>(9)?, r.get::<_, Option<String>>(10)?),
                r.get::<_, Option<String>>(11)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    raw.into_iter()
        .map(
            |(
                loan,
                loan_ref,
                stage,
                status,
                dpd,
                product,
                (guarantor, collateral),
                written_off,
                promise,
                held,
            )| {
                let promise = match promise {
                    (Some(due), Some(st)) => {
                        Some((parse_day(&due)?, st.parse().map_err(corrupt("promise status"))?))
                    }
                    _ => None,
                };
                Ok(EscalationRow {
                    loan,
                    loan_ref,
                    stage: stage.parse().map_err(corrupt("stage"))?,
                    status: status.parse().map_err(corrupt("status"))?,
                    dpd,
                    product: product.parse().map_err(corrupt("product"))?,
                    secured: is_secured(guarantor.as_deref(), collateral.as_deref()),
                    written_off,
                    promise,
                    held_until: held.as_deref().map(parse_day).transpose()?,
                })
            },
        )
        .collect()
}

/// The latest as-of date of a stage change by `actor` (the policy's runs).
pub fn last_stage_change_as_of(conn: &Connection, actor: &str) -> Result<Option<NaiveDate>> {
    let day: Option<String> = conn
        .prepare_cached("SELECT max(as_of) FROM stage_events WHERE actor = ?1")?
        .query_row([actor], |r| r.get(0))?;
    day.as_deref().map(parse_day).transpose()
}

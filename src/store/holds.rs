//! Holds: a supervisor's dispute or hardship pause on a loan (migration 0007).

use chrono::NaiveDate;
use serde::Serialize;

use super::Result;
use super::book::LoanId;
use super::db::Db;
use super::row::{Cols, FromRow};
use super::users::UserId;
use crate::domain::HoldKind;

/// The loans held on `on` and the latest end date of their holds in force then: a hold is in
/// force on day D from its first day to its end date unless lifted on or before D. The list rows
/// (`state_row::ROW_COLUMNS`) spell out the same condition for one loan.
pub fn held_on<'a>(
    db: impl Into<Db<'a>>,
    on: NaiveDate,
) -> Result<std::collections::HashMap<LoanId, NaiveDate>> {
    let day = on.to_string();
    let mut held = std::collections::HashMap::new();
    db.into().each::<(LoanId, String)>(
        "SELECT loan_id, max(until_on) FROM holds WHERE from_on <= ?1 AND until_on >= ?1 \
         AND (lifted_on IS NULL OR lifted_on > ?1) GROUP BY loan_id",
        &[(&day).into()],
        &mut |(loan, until)| {
            held.insert(loan, super::row::parse_day(&until)?);
            Ok(())
        },
    )?;
    Ok(held)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewHold<'a> {
    pub loan: LoanId,
    pub kind: HoldKind,
    pub from_on: NaiveDate,
    pub until_on: NaiveDate,
    pub reason: &'a str,
    pub by: Option<UserId>,
    pub at: &'a str,
}

pub fn insert_hold<'a>(db: impl Into<Db<'a>>, h: &NewHold<'_>) -> Result<i64> {
    let (from_on, until_on) = (h.from_on.to_string(), h.until_on.to_string());
    let id = db.into().value(
        "INSERT INTO holds (loan_id, kind, from_on, until_on, reason, by_user_id, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
        &[
            h.loan.0.into(),
            h.kind.as_str().into(),
            (&from_on).into(),
            (&until_on).into(),
            h.reason.into(),
            h.by.map(|u| u.0).into(),
            h.at.into(),
        ],
    )?;
    id.ok_or_else(|| super::StoreError::Corrupt("a hold added without an id".into()))
}

/// One hold as recorded, with whether it is in force on the day asked about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HoldRecord {
    pub id: i64,
    pub loan_id: String,
    pub kind: HoldKind,
    pub from_on: NaiveDate,
    pub until_on: NaiveDate,
    pub reason: String,
    pub by: Option<String>,
    pub created_at: String,
    pub lifted_on: Option<NaiveDate>,
    pub lifted_by: Option<String>,
    pub lift_reason: Option<String>,
    pub in_force: bool,
}

const HOLD_SELECT: &str = "SELECT h.id, l.loan_ref, h.kind, h.from_on, h.until_on, h.reason, b.login AS by_login, \
     h.created_at, h.lifted_on, f.login AS lifted_by_login, h.lift_reason, \
     (h.from_on <= ?1 AND h.until_on >= ?1 AND (h.lifted_on IS NULL OR h.lifted_on > ?1)) AS in_force \
     FROM holds h JOIN loans l ON l.id = h.loan_id LEFT JOIN users b ON b.id = h.by_user_id \
     LEFT JOIN users f ON f.id = h.lifted_by_user_id";

impl FromRow for HoldRecord {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(HoldRecord {
            id: c.get("id")?,
            loan_id: c.get("loan_ref")?,
            kind: c.word("kind")?,
            from_on: c.day("from_on")?,
            until_on: c.day("until_on")?,
            reason: c.get("reason")?,
            by: c.get("by_login")?,
            created_at: c.get("created_at")?,
            lifted_on: c.opt_day("lifted_on")?,
            lifted_by: c.get("lifted_by_login")?,
            lift_reason: c.get("lift_reason")?,
            in_force: c.get("in_force")?,
        })
    }
}

/// Every hold on a loan, newest first, with whether each is in force on `on`.
pub fn holds_of<'a>(db: impl Into<Db<'a>>, loan: LoanId, on: NaiveDate) -> Result<Vec<HoldRecord>> {
    let on = on.to_string();
    db.into().rows(
        &format!("{HOLD_SELECT} WHERE h.loan_id = ?2 ORDER BY h.id DESC"),
        &[(&on).into(), loan.0.into()],
    )
}

/// Holds of the whole book in force on `on` or starting later (not lifted), by end date.
pub fn current_holds<'a>(db: impl Into<Db<'a>>, on: NaiveDate) -> Result<Vec<HoldRecord>> {
    let on = on.to_string();
    db.into().rows(
        &format!(
            "{HOLD_SELECT} WHERE h.until_on >= ?1 \
             AND (h.lifted_on IS NULL OR h.lifted_on > ?1) ORDER BY h.until_on, h.id"
        ),
        &[(&on).into()],
    )
}

/// Lifts the loan's holds in force on `on` or starting later, as of `on`; the number lifted.
pub fn lift_holds<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    on: NaiveDate,
    by: Option<UserId>,
    reason: &str,
) -> Result<usize> {
    let on = on.to_string();
    let lifted = db.into().execute(
        "UPDATE holds SET lifted_on = ?2, lifted_by_user_id = ?3, lift_reason = ?4 \
         WHERE loan_id = ?1 AND until_on >= ?2 AND (lifted_on IS NULL OR lifted_on > ?2)",
        &[loan.0.into(), (&on).into(), by.map(|u| u.0).into(), reason.into()],
    )?;
    Ok(usize::try_from(lifted).unwrap_or(usize::MAX))
}

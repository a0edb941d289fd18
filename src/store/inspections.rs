//! Inspection records (`inspections`, migration 0019): append-only, each reviewed once by a
//! supervisor; a correction is a new record naming the one it corrects.

use chrono::NaiveDate;

use super::Result;
use super::book::LoanId;
use super::db::Db;
use super::row::{Cols, FromRow};
use super::users::UserId;
use crate::domain::RiskClass;
use crate::domain::inspection::{Checklist, Conclusion, InspectionKind, InspectionMode};

/// An inspection as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewInspection<'a> {
    pub loan: LoanId,
    pub kind: InspectionKind,
    pub mode: InspectionMode,
    pub done_on: NaiveDate,
    pub inspector: Option<UserId>,
    pub checklist: Checklist,
    pub findings: &'a str,
    pub conclusion: Conclusion,
    pub recommend_class: Option<RiskClass>,
    pub corrects: Option<i64>,
    /// When the inspection it answers was due, if one was scheduled.
    pub due_on: Option<NaiveDate>,
    pub recorded_on: NaiveDate,
    pub review_due: NaiveDate,
    pub created_at: &'a str,
}

/// An inspection on record, with its loan, its owner, who made and reviewed it, and the record
/// that corrects it, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionRecord {
    pub id: i64,
    pub loan: LoanId,
    pub loan_ref: String,
    pub borrower: String,
    pub owner: Option<String>,
    pub kind: InspectionKind,
    pub mode: InspectionMode,
    pub done_on: NaiveDate,
    pub inspector: Option<String>,
    pub checklist: Checklist,
    pub findings: String,
    pub conclusion: Conclusion,
    pub recommend_class: Option<RiskClass>,
    pub corrects: Option<i64>,
    pub corrected_by: Option<i64>,
    pub due_on: Option<NaiveDate>,
    pub recorded_on: NaiveDate,
    pub review_due: NaiveDate,
    pub created_at: String,
    pub reviewed_by: Option<String>,
    pub reviewed_on: Option<NaiveDate>,
    pub review_comment: Option<String>,
    pub accepted_class: Option<RiskClass>,
}

const COLUMNS: &str = "i.id, i.loan_id, l.loan_ref, l.borrower, o.login AS owner, i.kind, i.mode, i.done_on, \
     u.login AS inspector, i.funds, i.business, i.collateral, i.guarantor, i.findings, i.conclusion, \
     i.recommend_class, i.corrects_id, \
     (SELECT max(n.id) FROM inspections n WHERE n.corrects_id = i.id) AS corrected_by, i.due_on, \
     i.recorded_on, i.review_due, i.created_at, r.login AS reviewer, i.reviewed_on, i.review_comment, \
     i.accepted_class \
     FROM inspections i JOIN loans l ON l.id = i.loan_id JOIN customers c ON c.id = l.customer_id \
     LEFT JOIN users o ON o.id = c.assignee_id LEFT JOIN users u ON u.id = i.inspector_id \
     LEFT JOIN users r ON r.id = i.reviewed_by";

impl FromRow for InspectionRecord {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        let (id, loan, loan_ref, borrower, owner) =
            (c.get("id")?, c.get("loan_id")?, c.get("loan_ref")?, c.get("borrower")?, c.get("owner")?);
        let (kind, mode, done_on, inspector) =
            (c.word("kind")?, c.word("mode")?, c.day("done_on")?, c.get("inspector")?);
        let checklist = Checklist {
            funds: c.word("funds")?,
            business: c.word("business")?,
            collateral: c.word("collateral")?,
            guarantor: c.word("guarantor")?,
        };
        Ok(InspectionRecord {
            id,
            loan,
            loan_ref,
            borrower,
            owner,
            kind,
            mode,
            done_on,
            inspector,
            checklist,
            findings: c.get("findings")?,
            conclusion: c.word("conclusion")?,
            recommend_class: c.opt_word("recommend_class")?,
            corrects: c.get("corrects_id")?,
            corrected_by: c.get("corrected_by")?,
            due_on: c.opt_day("due_on")?,
            recorded_on: c.day("recorded_on")?,
            review_due: c.day("review_due")?,
            created_at: c.get("created_at")?,
            reviewed_by: c.get("reviewer")?,
            reviewed_on: c.opt_day("reviewed_on")?,
            review_comment: c.get("review_comment")?,
            accepted_class: c.opt_word("accepted_class")?,
        })
    }
}

pub fn insert_inspection<'a>(db: impl Into<Db<'a>>, n: &NewInspection<'_>) -> Result<i64> {
    let (done_on, due_on) = (n.done_on.to_string(), n.due_on.map(|d| d.to_string()));
    let (recorded_on, review_due) = (n.recorded_on.to_string(), n.review_due.to_string());
    let id = db.into().value(
        "INSERT INTO inspections (loan_id, kind, mode, done_on, inspector_id, funds, business, collateral, \
         guarantor, findings, conclusion, recommend_class, corrects_id, due_on, recorded_on, review_due, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17) RETURNING id",
        &[
            n.loan.0.into(),
            n.kind.as_str().into(),
            n.mode.as_str().into(),
            (&done_on).into(),
            n.inspector.map(|u| u.0).into(),
            n.checklist.funds.as_str().into(),
            n.checklist.business.as_str().into(),
            n.checklist.collateral.as_str().into(),
            n.checklist.guarantor.as_str().into(),
            n.findings.into(),
            n.conclusion.as_str().into(),
            n.recommend_class.map(RiskClass::as_str).into(),
            n.corrects.into(),
            due_on.as_ref().into(),
            (&recorded_on).into(),
            (&review_due).into(),
            n.created_at.into(),
        ],
    )?;
    id.ok_or_else(|| super::StoreError::Corrupt("an inspection recorded without an id".into()))
}

pub fn inspection_by_id<'a>(db: impl Into<Db<'a>>, id: i64) -> Result<Option<InspectionRecord>> {
    db.into().first(&format!("SELECT {COLUMNS} WHERE i.id = ?1"), &[id.into()])
}

/// A loan's inspections, newest first.
pub fn inspections_of<'a>(db: impl Into<Db<'a>>, loan: LoanId) -> Result<Vec<InspectionRecord>> {
    let sql = format!("SELECT {COLUMNS} WHERE i.loan_id = ?1 ORDER BY i.done_on DESC, i.id DESC");
    db.into().rows(&sql, &[loan.0.into()])
}

/// Records the review of an inspection not reviewed yet; whether it was (another supervisor may
/// have reviewed it meanwhile).
pub fn review_inspection<'a>(
    db: impl Into<Db<'a>>,
    id: i64,
    by: UserId,
    on: NaiveDate,
    at: &str,
    comment: &str,
    accepted: Option<RiskClass>,
) -> Result<bool> {
    let on = on.to_string();
    let n = db.into().execute(
        "UPDATE inspections SET reviewed_by = ?2, reviewed_on = ?3, reviewed_at = ?4, review_comment = ?5, \
         accepted_class = ?6 WHERE id = ?1 AND reviewed_at IS NULL",
        &[
            id.into(),
            by.0.into(),
            (&on).into(),
            at.into(),
            comment.into(),
            accepted.map(RiskClass::as_str).into(),
        ],
    )?;
    Ok(n == 1)
}

/// Which recorded inspections to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DoneFilter {
    /// Made by this inspector.
    pub inspector: Option<UserId>,
    pub kind: Option<InspectionKind>,
    /// Done on or after, on or before.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only those awaiting a review (not corrected by a later record).
    pub unreviewed: bool,
    pub limit: Option<u64>,
}

/// Recorded inspections, newest first (awaiting review: soonest deadline first).
pub fn list_inspections<'a>(db: impl Into<Db<'a>>, f: &DoneFilter) -> Result<Vec<InspectionRecord>> {
    // Stated literally, so the partial index of those awaiting review answers that list.
    let (only, order) = if f.unreviewed {
        (
            "i.reviewed_at IS NULL AND NOT EXISTS (SELECT 1 FROM inspections n WHERE n.corrects_id = i.id) AND",
            "i.review_due, i.id",
        )
    } else {
        ("", "i.done_on DESC, i.id DESC")
    };
    let sql = format!(
        "SELECT {COLUMNS} WHERE {only} (CAST(?1 AS BIGINT) IS NULL OR i.inspector_id = ?1) \
         AND (CAST(?2 AS TEXT) IS NULL OR i.kind = ?2) AND (CAST(?3 AS TEXT) IS NULL OR i.done_on >= ?3) \
         AND (CAST(?4 AS TEXT) IS NULL OR i.done_on <= ?4) ORDER BY {order} LIMIT ?5"
    );
    // No limit: the largest, which both read as none (SQLite's -1 the server refuses).
    let limit = f.limit.map_or(i64::MAX, |l| i64::try_from(l).unwrap_or(i64::MAX));
    let (from, to) = (f.from.map(|d| d.to_string()), f.to.map(|d| d.to_string()));
    db.into().rows(
        &sql,
        &[
            f.inspector.map(|u| u.0).into(),
            f.kind.map(InspectionKind::as_str).into(),
            from.as_ref().into(),
            to.as_ref().into(),
            limit.into(),
        ],
    )
}

/// What a loan's schedule reads of its inspections: a `first` on record, and the latest date of
/// any kind (records corrected by a later one left out), and a `special` since a date.
/// The server has no `max` of flags: a `first` on record counts as 1, and the flag is a comparison.
pub fn inspection_facts<'a>(db: impl Into<Db<'a>>, loan: LoanId) -> Result<(bool, Option<NaiveDate>)> {
    let (first, latest): (bool, Option<String>) = db
        .into()
        .first(
            "SELECT coalesce(max(CASE WHEN kind = 'first' THEN 1 ELSE 0 END), 0) = 1, max(done_on) FROM inspections i \
             WHERE loan_id = ?1 AND NOT EXISTS (SELECT 1 FROM inspections n WHERE n.corrects_id = i.id)",
            &[loan.0.into()],
        )?
        .unwrap_or((false, None));
    Ok((first, latest.as_deref().map(super::row::parse_day).transpose()?))
}

/// Whether a `special` inspection of the loan is on record done on or after `since`.
pub fn special_done_since<'a>(db: impl Into<Db<'a>>, loan: LoanId, since: NaiveDate) -> Result<bool> {
    let since = since.to_string();
    Ok(db
        .into()
        .value(
            "SELECT EXISTS (SELECT 1 FROM inspections WHERE loan_id = ?1 AND kind = 'special' AND done_on >= ?2)",
            &[loan.0.into(), (&since).into()],
        )?
        .unwrap_or(false))
}

/// Puts a manual class on a loan (a supervisor accepting an inspection's recommendation): a row
/// of history, and the class in force on the loan for the snapshot's reader.
#[allow(clippy::too_many_arguments)]
pub fn set_manual_class<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    class: RiskClass,
    from: NaiveDate,
    until: Option<NaiveDate>,
    reason: &str,
    inspection: Option<i64>,
    by: Option<UserId>,
    at: &str,
) -> Result<()> {
    let db = db.into();
    let (from, until) = (from.to_string(), until.map(|d| d.to_string()));
    db.execute(
        "INSERT INTO manual_classes (loan_id, class, from_on, until_on, reason, inspection_id, by_user_id, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        &[
            loan.0.into(),
            class.as_str().into(),
            (&from).into(),
            until.as_ref().into(),
            reason.into(),
            inspection.into(),
            by.map(|u| u.0).into(),
            at.into(),
        ],
    )?;
    db.execute(
        "UPDATE loans SET manual_class = ?2, manual_class_from = ?3, manual_class_until = ?4, version = version + 1 \
         WHERE id = ?1",
        &[loan.0.into(), class.as_str().into(), (&from).into(), until.as_ref().into()],
    )?;
    Ok(())
}

/// The conclusion of a loan's latest inspection (by date, then record; records corrected by a
/// later one left out): the early-warning signal of an inspection concluding `risk` reads it.
pub fn latest_conclusion<'a>(db: impl Into<Db<'a>>, loan: LoanId) -> Result<Option<Conclusion>> {
    let word: Option<String> = db.into().value(
        "SELECT conclusion FROM inspections i WHERE loan_id = ?1 \
         AND NOT EXISTS (SELECT 1 FROM inspections n WHERE n.corrects_id = i.id) \
         ORDER BY done_on DESC, id DESC LIMIT 1",
        &[loan.0.into()],
    )?;
    word.map(|w| w.parse().map_err(super::row::corrupt("conclusion"))).transpose()
}

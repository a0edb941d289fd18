//! Post-loan records as the command line and the case show them (DOMAIN §10): inspections done
//! and due (CONTRACT: `inspections --format json`), collateral with its valuations, and the work
//! log, each its own shape made from the store's rows.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::collateral::{CollateralKind, CollateralStatus, Ltv};
use crate::domain::inspection::{Checklist, Conclusion, InspectionKind, InspectionMode, is_overdue};
use crate::domain::worklog::WorkLogKind;
use crate::domain::{Money, RiskClass};
use crate::store::{DueRow, InspectionRecord, ItemRecord, ValuationRecord, WorkLogRecord};

/// An inspection on record, in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InspectionView {
    pub id: i64,
    pub loan_id: String,
    pub borrower: String,
    pub owner: Option<String>,
    pub kind: InspectionKind,
    pub mode: InspectionMode,
    pub done_on: NaiveDate,
    /// When the inspection it answered was due, if one was scheduled; done after it is late.
    pub due_on: Option<NaiveDate>,
    pub inspector: Option<String>,
    pub checklist: Checklist,
    pub findings: String,
    pub conclusion: Conclusion,
    pub recommend_class: Option<RiskClass>,
    pub corrects: Option<i64>,
    pub corrected_by: Option<i64>,
    pub recorded_on: NaiveDate,
    pub review_due: NaiveDate,
    pub reviewed_by: Option<String>,
    pub reviewed_on: Option<NaiveDate>,
    pub review_comment: Option<String>,
    pub accepted_class: Option<RiskClass>,
}

impl From<InspectionRecord> for InspectionView {
    fn from(r: InspectionRecord) -> Self {
        InspectionView {
            id: r.id,
            loan_id: r.loan_ref,
            borrower: r.borrower,
            owner: r.owner,
            kind: r.kind,
            mode: r.mode,
            done_on: r.done_on,
            due_on: r.due_on,
            inspector: r.inspector,
            checklist: r.checklist,
            findings: r.findings,
            conclusion: r.conclusion,
            recommend_class: r.recommend_class,
            corrects: r.corrects,
            corrected_by: r.corrected_by,
            recorded_on: r.recorded_on,
            review_due: r.review_due,
            reviewed_by: r.reviewed_by,
            reviewed_on: r.reviewed_on,
            review_comment: r.review_comment,
            accepted_class: r.accepted_class,
        }
    }
}

/// What a recorded inspection adds to a row of the inspections list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecordedPart {
    pub id: i64,
    pub done_on: NaiveDate,
    pub mode: InspectionMode,
    pub inspector: Option<String>,
    pub conclusion: Conclusion,
    pub reviewed_by: Option<String>,
    pub review_due: NaiveDate,
}

/// One scheduled or recorded inspection (CONTRACT: `inspections --format json`): a scheduled one
/// is overdue when its due date is before the day, a recorded one when it was done after it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InspectionRow {
    pub loan_id: String,
    pub borrower: String,
    pub owner: Option<String>,
    pub kind: InspectionKind,
    pub due_on: Option<NaiveDate>,
    pub overdue: bool,
    /// Why a special inspection was asked for, and when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked_on: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(flatten)]
    pub recorded: Option<RecordedPart>,
}

impl InspectionRow {
    pub fn scheduled(r: DueRow, as_of: NaiveDate) -> Self {
        InspectionRow {
            loan_id: r.loan_ref,
            borrower: r.borrower,
            owner: r.owner,
            kind: r.kind,
            due_on: Some(r.due_on),
            overdue: is_overdue(r.due_on, as_of),
            asked_on: r.asked_on,
            reason: r.reason,
            recorded: None,
        }
    }

    pub fn recorded(r: InspectionView) -> Self {
        InspectionRow {
            overdue: r.due_on.is_some_and(|due| is_overdue(due, r.done_on)),
            loan_id: r.loan_id,
            borrower: r.borrower,
            owner: r.owner,
            kind: r.kind,
            due_on: r.due_on,
            asked_on: None,
            reason: None,
            recorded: Some(RecordedPart {
                id: r.id,
                done_on: r.done_on,
                mode: r.mode,
                inspector: r.inspector,
                conclusion: r.conclusion,
                reviewed_by: r.reviewed_by,
                review_due: r.review_due,
            }),
        }
    }

    /// Days past its due date on `as_of` (a scheduled one; 0 when not overdue).
    pub fn days_overdue(&self, as_of: NaiveDate) -> i64 {
        match (&self.recorded, self.due_on) {
            (None, Some(due)) => (as_of - due).num_days().max(0),
            _ => 0,
        }
    }
}

/// A valuation of a collateral item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ValuationView {
    pub id: i64,
    pub amount: Money,
    pub valued_on: NaiveDate,
    pub valuer: String,
    pub user: Option<String>,
}

impl From<ValuationRecord> for ValuationView {
    fn from(r: ValuationRecord) -> Self {
        ValuationView { id: r.id, amount: r.amount, valued_on: r.valued_on, valuer: r.valuer, user: r.user }
    }
}

/// A collateral item with its latest valuation and what is due on it as of the desk's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CollateralView {
    pub id: i64,
    pub customer_id: String,
    /// The loan it came with, when imported with one.
    pub loan_id: Option<String>,
    pub kind: CollateralKind,
    pub description: String,
    pub owner: Option<String>,
    pub status: CollateralStatus,
    pub status_on: Option<NaiveDate>,
    pub insured_until: Option<NaiveDate>,
    /// The insurance expired before the day.
    pub uninsured: bool,
    pub value: Option<Money>,
    pub valued_on: Option<NaiveDate>,
    pub valuer: Option<String>,
    /// When it is to be valued again (the latest valuation + the policy's months).
    pub revalue_by: Option<NaiveDate>,
    /// Held, and never valued or its revaluation past due.
    pub stale: bool,
    pub valuations: Vec<ValuationView>,
}

impl CollateralView {
    pub(crate) fn of(r: ItemRecord, valuations: Vec<ValuationView>, as_of: NaiveDate, months: u32) -> Self {
        let revalue_by = r.valued_on.map(|d| crate::domain::collateral::revaluation_due(d, months));
        let held = r.status == CollateralStatus::Held;
        CollateralView {
            id: r.id,
            customer_id: r.customer_ref,
            loan_id: r.loan_ref,
            kind: r.kind,
            description: r.description,
            owner: r.owner,
            status: r.status,
            status_on: r.status_on,
            uninsured: held && r.insured_until.is_some_and(|d| d < as_of),
            insured_until: r.insured_until,
            value: r.value,
            valued_on: r.valued_on,
            valuer: r.valuer,
            stale: held && revalue_by.is_none_or(|d| d < as_of),
            revalue_by,
            valuations,
        }
    }
}

/// A customer's collateral on a case: the items, and what they secure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CollateralSummary {
    pub items: Vec<CollateralView>,
    /// The latest values of the items held.
    pub value: Money,
    /// The customer's outstanding principal over that value; none without a value.
    pub ltv: Option<Ltv>,
}

/// A work log entry, with whether its signature is late.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkLogView {
    pub id: i64,
    pub customer_id: String,
    /// The customer's first loan.
    pub loan_id: Option<String>,
    pub name: String,
    pub user: Option<String>,
    pub kind: WorkLogKind,
    pub note: String,
    pub logged_on: NaiveDate,
    pub sign_due: NaiveDate,
    pub signed_by: Option<String>,
    pub signed_on: Option<NaiveDate>,
    pub sign_comment: Option<String>,
    /// Signed after its deadline, or unsigned past it on the desk's date.
    pub late: bool,
}

impl WorkLogView {
    pub(crate) fn of(r: WorkLogRecord, as_of: NaiveDate) -> Self {
        let late = match r.signed_on {
            Some(on) => on > r.sign_due,
            None => r.sign_due < as_of,
        };
        WorkLogView {
            id: r.id,
            customer_id: r.customer_ref,
            loan_id: r.loan_ref,
            name: r.name,
            user: r.user,
            kind: r.kind,
            note: r.note,
            logged_on: r.logged_on,
            sign_due: r.sign_due,
            signed_by: r.signed_by,
            signed_on: r.signed_on,
            sign_comment: r.sign_comment,
            late,
        }
    }
}

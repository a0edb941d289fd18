//! A loan's records as `show` lists them (CONTRACT: `show --format json`): payments, contacts,
//! promises, stage events, class changes, assignments, plans, holds and notices, each its own shape with its
//! words typed, made from the store's rows.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::Serialize;

use crate::app::notice_text::{NoticeKind, NoticeLang};
use crate::app::{AppError, Result};
use crate::domain::{
    Channel, ClassCause, ClassReason, Direction, HoldKind, Money, Outcome, Party, PromiseStatus, RiskClass,
    Stage,
};
use crate::store::{
    AssignmentRecord, ClassEvent, ContactRecord, HoldRecord, NoticeRecord, PaymentRecord, PlanRecord,
    StageEvent, StoreError,
};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentView {
    pub paid_on: NaiveDate,
    pub amount: Money,
    pub reference: Option<String>,
}

impl From<PaymentRecord> for PaymentView {
    fn from(r: PaymentRecord) -> Self {
        PaymentView { paid_on: r.paid_on, amount: r.amount, reference: r.reference }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactView {
    pub id: i64,
    pub at: String,
    pub party: Party,
    pub channel: Channel,
    pub direction: Direction,
    pub outcome: Outcome,
    pub phone: Option<String>,
    pub note: String,
    pub user: Option<String>,
    pub corrects: Option<i64>,
    /// The conduct rule a supervisor overrode for this contact, and why.
    pub override_rule: Option<String>,
    pub override_reason: Option<String>,
}

impl From<ContactRecord> for ContactView {
    fn from(r: ContactRecord) -> Self {
        ContactView {
            id: r.id,
            at: r.at,
            party: r.party,
            channel: r.channel,
            direction: r.direction,
            outcome: r.outcome,
            phone: r.phone,
            note: r.note,
            user: r.user,
            corrects: r.corrects,
            override_rule: r.override_rule,
            override_reason: r.override_reason,
        }
    }
}

/// A promise to pay with its status as of the desk's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PromiseView {
    pub amount: Money,
    pub made_on: NaiveDate,
    pub due_on: NaiveDate,
    pub status: PromiseStatus,
    pub user: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageEventView {
    pub from: Stage,
    pub to: Stage,
    pub as_of: NaiveDate,
    pub actor: String,
    pub reason: String,
    pub at: String,
}

impl From<StageEvent> for StageEventView {
    fn from(r: StageEvent) -> Self {
        StageEventView { from: r.from, to: r.to, as_of: r.as_of, actor: r.actor, reason: r.reason, at: r.at }
    }
}

/// A change of the loan's class (DOMAIN §5): the date, the class before and after, the rule that
/// set the class after, what moved it and the person whose action it was (none for the run).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassEventView {
    pub on: NaiveDate,
    pub from: RiskClass,
    pub to: RiskClass,
    pub reason: ClassReason,
    pub cause: ClassCause,
    pub user: Option<String>,
    pub at: String,
}

impl From<ClassEvent> for ClassEventView {
    fn from(r: ClassEvent) -> Self {
        ClassEventView {
            on: r.on,
            from: r.before,
            to: r.after,
            reason: r.reason,
            cause: r.cause,
            user: r.user,
            at: r.at,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssignmentView {
    pub from: Option<String>,
    pub to: Option<String>,
    pub by: Option<String>,
    pub reason: Option<String>,
    pub at: String,
}

impl From<AssignmentRecord> for AssignmentView {
    fn from(r: AssignmentRecord) -> Self {
        AssignmentView { from: r.from, to: r.to, by: r.by, reason: r.reason, at: r.at }
    }
}

/// A payment plan, extension or restructure on record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanView {
    pub id: i64,
    pub kind: String,
    pub effective_on: NaiveDate,
    pub reason: String,
    pub created_by: Option<String>,
    pub created_at: String,
    pub installments: i64,
    pub in_force: bool,
}

impl From<PlanRecord> for PlanView {
    fn from(r: PlanRecord) -> Self {
        PlanView {
            id: r.id,
            kind: r.kind,
            effective_on: r.effective_on,
            reason: r.reason,
            created_by: r.created_by,
            created_at: r.created_at,
            installments: r.installments,
            in_force: r.in_force,
        }
    }
}

/// A dispute or hardship hold, with whether it is in force on the desk's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HoldView {
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

impl From<HoldRecord> for HoldView {
    fn from(r: HoldRecord) -> Self {
        HoldView {
            id: r.id,
            loan_id: r.loan_id,
            kind: r.kind,
            from_on: r.from_on,
            until_on: r.until_on,
            reason: r.reason,
            by: r.by,
            created_at: r.created_at,
            lifted_on: r.lifted_on,
            lifted_by: r.lifted_by,
            lift_reason: r.lift_reason,
            in_force: r.in_force,
        }
    }
}

/// What became of a notice's receipt (回执).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReceiptStatus {
    Pending,
    Received,
    Returned,
}

impl ReceiptStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReceiptStatus::Pending => "pending",
            ReceiptStatus::Received => "received",
            ReceiptStatus::Returned => "returned",
        }
    }
}

impl fmt::Display for ReceiptStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for ReceiptStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "pending" => Ok(ReceiptStatus::Pending),
            "received" => Ok(ReceiptStatus::Received),
            "returned" => Ok(ReceiptStatus::Returned),
            _ => Err(format!("unknown receipt status '{s}': use received or returned")),
        }
    }
}

/// A notice on record: what it demanded as of its date, the files written, and the receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeView {
    pub id: i64,
    pub number: String,
    pub loan_id: String,
    pub kind: NoticeKind,
    pub lang: NoticeLang,
    pub addressee: String,
    pub issued_on: NaiveDate,
    pub as_of: NaiveDate,
    pub pay_by: NaiveDate,
    pub overdue_principal: Money,
    pub overdue_interest: Money,
    pub penalty_interest: Money,
    pub total_demanded: Money,
    pub receipt_status: ReceiptStatus,
    pub receipt_on: Option<NaiveDate>,
    pub files: Vec<String>,
    pub user: Option<String>,
    pub created_at: String,
}

impl TryFrom<NoticeRecord> for NoticeView {
    type Error = AppError;

    fn try_from(r: NoticeRecord) -> Result<Self> {
        let bad = |what: &str, v: &str| AppError::Store(StoreError::Corrupt(format!("notice {what} '{v}'")));
        Ok(NoticeView {
            id: r.id,
            kind: r.kind.parse().map_err(|_| bad("kind", &r.kind))?,
            lang: r.lang.parse().map_err(|_| bad("lang", &r.lang))?,
            receipt_status: r.receipt_status.parse().map_err(|_| bad("receipt status", &r.receipt_status))?,
            number: r.number,
            loan_id: r.loan_ref,
            addressee: r.addressee,
            issued_on: r.issued_on,
            as_of: r.as_of,
            pay_by: r.pay_by,
            overdue_principal: r.overdue_principal,
            overdue_interest: r.overdue_interest,
            penalty_interest: r.penalty,
            total_demanded: r.total,
            receipt_on: r.receipt_on,
            files: r.files,
            user: r.user,
            created_at: r.created_at,
        })
    }
}

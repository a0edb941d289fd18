//! One loan in full (CONTRACT: `show --format json`): the list fields, then terms and history.

use chrono::NaiveDate;
use serde::Serialize;

use super::post_loan::{CollateralView, InspectionRow, InspectionView, WorkLogView};
use super::records::{
    AssignmentView, ClassEventView, ContactView, HoldView, NoticeView, PaymentView, PlanView, PromiseView,
    StageEventView,
};
use super::summary::{LoanSummary, ScheduleLine};
use crate::app::tasks::TaskView;
use crate::app::warnings::SignalView;
use crate::domain::collateral::Ltv;
use crate::domain::{Money, Rate};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoanDetail {
    #[serde(flatten)]
    pub summary: LoanSummary,
    pub customer_id: String,
    pub annual_rate: Rate,
    pub term_months: u32,
    pub disbursed_on: NaiveDate,
    pub guarantor: Option<String>,
    pub guarantor_phone: Option<String>,
    pub address: Option<String>,
    pub employer: Option<String>,
    pub collateral: Option<String>,
    pub branch: Option<String>,
    pub agency_name: Option<String>,
    pub written_off_on: Option<NaiveDate>,
    pub credit_balance: Money,
    /// Every payment dated to the as-of date, those before a plan in force included.
    pub paid_total: Money,
    /// What was paid before the plan in force took effect (`None`: no plan in force); the schedule
    /// in force counts only the payments from its date.
    pub paid_before_plan: Option<Money>,
    pub version: i64,
    pub schedule: Vec<ScheduleLine>,
    pub payments: Vec<PaymentView>,
    pub contacts: Vec<ContactView>,
    pub promises: Vec<PromiseView>,
    pub stage_events: Vec<StageEventView>,
    /// The loan's class changes, newest first.
    pub class_events: Vec<ClassEventView>,
    pub assignments: Vec<AssignmentView>,
    pub other_loans: Vec<String>,
    /// Notices issued on the loan (dunning, guarantor demand), newest first, with their receipt.
    pub notices: Vec<NoticeView>,
    /// Payment plans, extensions and restructures on record; the one in force is marked.
    pub plans: Vec<PlanView>,
    /// The work the loan's stages created (open first) and what became of it.
    pub tasks: Vec<TaskView>,
    /// Dispute and hardship holds on the loan, newest first, each marked in force or not.
    pub holds: Vec<HoldView>,
    pub observation_until: Option<NaiveDate>,
    /// The loan's inspections, newest first, and what is scheduled for it.
    pub inspections: Vec<InspectionView>,
    pub next_inspections: Vec<InspectionRow>,
    /// The customer's collateral register, the latest value of what is held, and the
    /// outstanding principal over it.
    pub collateral_items: Vec<CollateralView>,
    pub collateral_value: Money,
    pub ltv: Option<Ltv>,
    /// The customer's work log, newest first.
    pub work_logs: Vec<WorkLogView>,
    /// The early-warning signals of the customer (this loan's and the others'), closed ones
    /// too, newest first, with their measures. The desk's pane; `warnings --customer` says it
    /// on the command line.
    #[serde(skip)]
    pub signals: Vec<SignalView>,
}

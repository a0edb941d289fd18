//! A loan as a list shows it (CONTRACT: `loans --format json`) and an installment as the schedule
//! shows it (CONTRACT: `schedule --format json`).

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::warning::{Rating, WarningLevel};
use crate::domain::{
    Assessment, Bucket, ClassHolds, ClassReason, InstallmentState, InstallmentStatus, LoanStatus, Money,
    Product, PromiseStatus, RiskClass, Stage, effective_stage, loan_class,
};
use crate::store::{Loan, RiskFacts, StateRow};

/// One row of the loan list (CONTRACT: `loans --format json`), plus a few fields for the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoanSummary {
    pub loan_id: String,
    pub borrower: String,
    pub product: Product,
    pub assignee: Option<String>,
    pub stage: Stage,
    pub agency: bool,
    pub status: LoanStatus,
    pub dpd: i64,
    pub bucket: Bucket,
    pub class: RiskClass,
    /// The rule of DOMAIN §5 that set the class.
    pub class_reason: ClassReason,
    /// The highest level among the loan's open signals (DOMAIN §9).
    pub warning_level: WarningLevel,
    /// The customer is on the watchlist.
    pub watchlist: bool,
    pub customer_rating: Rating,
    pub principal: Money,
    pub outstanding_principal: Money,
    pub overdue_principal: Money,
    pub overdue_interest: Money,
    pub overdue_amount: Money,
    pub penalty_interest: Money,
    pub next_due_on: Option<NaiveDate>,
    pub next_due_amount: Money,
    pub payoff_amount: Money,
    pub due_soon_on: Option<NaiveDate>,
    pub phone: Option<String>,
    pub last_contact_at: Option<String>,
    pub last_outcome: Option<String>,
    pub next_action_on: Option<NaiveDate>,
    /// The latest promise to pay and its status (active, kept, broken).
    pub promise_due_on: Option<NaiveDate>,
    pub promise_status: Option<PromiseStatus>,
    /// The end of the dispute or hardship hold in force on the date (no collection calls, no
    /// automatic escalation until then).
    pub held_until: Option<NaiveDate>,
    pub as_of: NaiveDate,
    /// Another desk user who has the case open to edit (a running lease): others may read it
    /// but not edit it. Filled for the rows fetched, from the lease table.
    pub worked_by: Option<String>,
    /// Whether the conduct rules allow calling the debtor now; filled by the desk's queue only.
    #[serde(skip)]
    pub call_now: Option<bool>,
    /// An inspection of the loan is overdue (DOMAIN §10): the lists' mark.
    #[serde(skip)]
    pub inspection_overdue: bool,
}

impl From<StateRow> for LoanSummary {
    fn from(r: StateRow) -> Self {
        LoanSummary {
            loan_id: r.loan_ref,
            borrower: r.borrower,
            product: r.product,
            assignee: r.assignee,
            stage: r.stage,
            agency: r.agency.is_some(),
            status: r.status,
            dpd: r.dpd,
            bucket: r.bucket,
            class: r.class,
            class_reason: r.class_reason,
            warning_level: WarningLevel::None,
            watchlist: false,
            customer_rating: Rating::of([r.class], None, false, None),
            principal: r.principal,
            outstanding_principal: r.outstanding_principal,
            overdue_principal: r.overdue_principal,
            overdue_interest: r.overdue_interest,
            overdue_amount: r.overdue_amount,
            penalty_interest: r.penalty_interest,
            next_due_on: r.next_due_on,
            next_due_amount: r.next_due_amount,
            payoff_amount: r.payoff_amount,
            due_soon_on: r.due_soon_on,
            phone: r.phone,
            last_contact_at: r.last_contact_at,
            last_outcome: r.last_outcome,
            next_action_on: r.next_action_on,
            promise_due_on: r.promise_due_on,
            promise_status: r.promise_status,
            held_until: r.held_until,
            worked_by: None,
            call_now: None,
            inspection_overdue: false,
            as_of: r.as_of,
        }
    }
}

impl LoanSummary {
    /// The row's early-warning fields from its risk facts.
    pub(crate) fn with_risk(&mut self, f: &RiskFacts) {
        self.warning_level = f.level.into();
        self.watchlist = f.watchlist;
        let active = (self.status == LoanStatus::Active).then_some(self.class);
        self.customer_rating = Rating::of(
            active.into_iter().chain(f.other_classes.iter().copied()),
            f.customer_level,
            f.watchlist,
            f.manual_rating,
        );
    }

    /// The list row of one loan computed now, with its latest promise (due date and status).
    /// `holds`: what holds its class worse than the floor on the date.
    pub(crate) fn from_assessment(
        loan: &Loan,
        a: &Assessment,
        latest_promise: Option<(NaiveDate, PromiseStatus)>,
        holds: ClassHolds,
    ) -> Self {
        let (status, stage) = effective_stage(loan.stage, loan.written_off_on.is_some(), a.closed);
        let (class, class_reason) = loan_class(a, holds);
        LoanSummary {
            loan_id: loan.loan_ref.clone(),
            borrower: loan.borrower.clone(),
            product: loan.terms.product,
            assignee: loan.assignee.clone(),
            stage,
            agency: loan.agency.is_some(),
            status,
            dpd: a.dpd,
            bucket: a.bucket,
            class,
            class_reason,
            warning_level: WarningLevel::None,
            watchlist: false,
            customer_rating: Rating::of([class], None, false, None),
            principal: loan.terms.principal,
            outstanding_principal: a.outstanding_principal,
            overdue_principal: a.overdue_principal,
            overdue_interest: a.overdue_interest,
            overdue_amount: a.overdue_amount(),
            penalty_interest: a.penalty_interest,
            next_due_on: a.next_due_on,
            next_due_amount: a.next_due_amount,
            payoff_amount: a.payoff_amount,
            due_soon_on: a.due_soon.map(|s| s.due_on),
            phone: loan.phone.clone(),
            last_contact_at: loan.last_contact_at.clone(),
            last_outcome: loan.last_outcome.clone(),
            next_action_on: loan.next_action_on,
            promise_due_on: latest_promise.map(|(due, _)| due),
            promise_status: latest_promise.map(|(_, status)| status),
            held_until: None,
            worked_by: None,
            call_now: None,
            inspection_overdue: false,
            as_of: a.as_of,
        }
    }
}

/// One installment (CONTRACT: `schedule --format json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScheduleLine {
    pub seq: u32,
    pub due_on: NaiveDate,
    pub principal: Money,
    pub interest: Money,
    pub payment: Money,
    pub paid_principal: Money,
    pub paid_interest: Money,
    pub status: InstallmentStatus,
}

impl From<&InstallmentState> for ScheduleLine {
    fn from(s: &InstallmentState) -> Self {
        ScheduleLine {
            seq: s.installment.seq,
            due_on: s.installment.due_on,
            principal: s.installment.principal,
            interest: s.installment.interest,
            payment: s.installment.payment(),
            paid_principal: s.paid_principal,
            paid_interest: s.paid_interest,
            status: s.status,
        }
    }
}

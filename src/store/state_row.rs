//! A loan list's row: the loan and its snapshot row, with the figures that move with the date
//! (DPD, bucket, class, penalty, payoff) derived for the date asked (`domain::standing`).

use chrono::NaiveDate;

use super::Result;
use super::book::LoanId;
use super::row::{Cols, FromRow};
use super::state::StateAt;
use crate::domain::{
    Bucket, ClassHolds, ClassReason, DueSoonKind, LoanStatus, ManualClass, Money, Product, PromiseStatus,
    Rate, RiskClass, Stage, class_with_reason, dpd_on, penalty_on,
};

/// One row of a loan list: the loan and its figures as of the date asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateRow {
    pub loan_id: LoanId,
    pub loan_ref: String,
    pub borrower: String,
    pub phone: Option<String>,
    pub product: Product,
    pub principal: Money,
    pub assignee: Option<String>,
    pub stage: Stage,
    pub agency: Option<String>,
    pub status: LoanStatus,
    pub as_of: NaiveDate,
    pub dpd: i64,
    pub bucket: Bucket,
    pub class: RiskClass,
    pub class_reason: ClassReason,
    pub outstanding_principal: Money,
    pub overdue_principal: Money,
    pub overdue_interest: Money,
    pub overdue_amount: Money,
    pub penalty_interest: Money,
    pub payoff_amount: Money,
    pub next_due_on: Option<NaiveDate>,
    pub next_due_amount: Money,
    pub due_soon_on: Option<NaiveDate>,
    pub due_soon_kind: Option<DueSoonKind>,
    pub last_contact_at: Option<String>,
    pub last_outcome: Option<String>,
    pub next_action_on: Option<NaiveDate>,
    /// The latest promise to pay and its status as of the date.
    pub promise_due_on: Option<NaiveDate>,
    pub promise_status: Option<PromiseStatus>,
    /// The end of the dispute or hardship hold in force on the date.
    pub held_until: Option<NaiveDate>,
}

/// The columns of a list row. `?1` is the date asked: the hold in force is the one on that date.
pub(crate) const ROW_COLUMNS: &str = "s.loan_id, l.loan_ref, l.borrower, l.phone, l.product, l.principal_cents, \
     l.rate_e4, u.login, s.stage, l.agency, s.status, s.outstanding_principal, s.overdue_principal, \
     s.overdue_interest, s.overdue_amount, s.penalty_lag, s.next_due_on, s.next_due_amount, s.due_soon_on, \
     s.due_soon_kind, s.due_soon_from, l.last_contact_at, l.last_outcome, s.next_action_on, s.promise_due_on, s.promise_status, \
     s.overdue_since, s.unpaid_total, l.observation_until, s.class_held, s.class_npl, l.manual_class, \
     l.manual_class_from, l.manual_class_until, (SELECT max(h.until_on) FROM holds h WHERE h.loan_id = s.loan_id AND h.from_on <= ?1 \
     AND h.until_on >= ?1 AND (h.lifted_on IS NULL OR h.lifted_on > ?1)) AS held_until";

/// A list row as stored, before the date's figures are derived.
pub(crate) struct Stored {
    row: StateRow,
    rate: Rate,
    class: ClassParts,
    penalty_lag: i64,
    /// The day the row's due-soon window opens (`domain::DueWindow`).
    due_soon_from: Option<NaiveDate>,
}

/// What a loan's class on a date is derived from: its snapshot row's stored date, what it leaves
/// unpaid and the class a plan holds it at, and the loan's observation and manual class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClassParts {
    pub(crate) overdue_since: Option<NaiveDate>,
    pub(crate) unpaid_total: Money,
    pub(crate) observation_until: Option<NaiveDate>,
    pub(crate) class_held: Option<RiskClass>,
    /// The NPL hold as of the row's date, exact until its `stale_on` (`domain::npl`).
    pub(crate) class_npl: Option<RiskClass>,
    pub(crate) manual: Option<ManualClass>,
}

/// `ClassParts`' columns, from a snapshot `s` and its loan `l`.
pub(crate) const CLASS_COLUMNS: &str = "s.overdue_since, s.unpaid_total, l.observation_until, s.class_held, \
     s.class_npl, l.manual_class, l.manual_class_from, l.manual_class_until";

impl FromRow for ClassParts {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(ClassParts {
            overdue_since: c.opt_day("overdue_since")?,
            unpaid_total: c.money("unpaid_total")?,
            observation_until: c.opt_day("observation_until")?,
            class_held: c.opt_word("class_held")?,
            class_npl: c.opt_word("class_npl")?,
            manual: c.manual_class()?,
        })
    }
}

impl ClassParts {
    /// DPD and the class on the date asked with the rule that set it (`class_with_reason`: the
    /// DPD floor, the observation, a plan's, a manual class in force, the NPL hold).
    pub(crate) fn on(&self, at: &StateAt) -> (i64, RiskClass, ClassReason) {
        let dpd = dpd_on(self.overdue_since, at.on);
        // Every installment covered (a written-off loan too): nothing unpaid is left.
        let closed = self.unpaid_total.is_zero();
        let holds = ClassHolds {
            observation_until: self.observation_until,
            plan_held: self.class_held,
            manual: self.manual.and_then(|m| m.in_force(at.on)),
            npl: self.class_npl,
        };
        let (class, reason) = class_with_reason(closed, at.rules.class_bands.floor(dpd), at.on, holds);
        (dpd, class, reason)
    }
}

impl FromRow for Stored {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        let (loan_id, loan_ref, borrower, phone) =
            (c.get("loan_id")?, c.get("loan_ref")?, c.get("borrower")?, c.get("phone")?);
        let (product, principal) = (c.word("product")?, c.money("principal_cents")?);
        let rate = Rate::from_e4(c.get("rate_e4")?);
        let (assignee, stage, agency, status) =
            (c.get("login")?, c.word("stage")?, c.get("agency")?, c.word("status")?);
        let outstanding_principal = c.money("outstanding_principal")?;
        let (overdue_principal, overdue_interest, overdue_amount) =
            (c.money("overdue_principal")?, c.money("overdue_interest")?, c.money("overdue_amount")?);
        let penalty_lag = c.get("penalty_lag")?;
        let (next_due_on, next_due_amount) = (c.opt_day("next_due_on")?, c.money("next_due_amount")?);
        let due_soon_on = c.opt_day("due_soon_on")?;
        let due_soon_kind = match c.get::<Option<String>>("due_soon_kind")?.as_deref() {
            Some("maturity") => Some(DueSoonKind::Maturity),
            Some(_) => Some(DueSoonKind::Installment),
            None => None,
        };
        let due_soon_from = c.opt_day("due_soon_from")?;
        let row = StateRow {
            loan_id,
            loan_ref,
            borrower,
            phone,
            product,
            principal,
            assignee,
            stage,
            agency,
            status,
            as_of: NaiveDate::MIN,
            dpd: 0,
            bucket: Bucket::M0,
            class: RiskClass::Normal,
            class_reason: ClassReason::Floor,
            outstanding_principal,
            overdue_principal,
            overdue_interest,
            overdue_amount,
            penalty_interest: Money::ZERO,
            payoff_amount: Money::ZERO,
            next_due_on,
            next_due_amount,
            due_soon_on,
            due_soon_kind,
            last_contact_at: c.get("last_contact_at")?,
            last_outcome: c.get("last_outcome")?,
            next_action_on: c.opt_day("next_action_on")?,
            promise_due_on: c.opt_day("promise_due_on")?,
            promise_status: c.opt_word("promise_status")?,
            held_until: None,
        };
        let class = ClassParts::read(c)?;
        let row = StateRow { held_until: c.opt_day("held_until")?, ..row };
        Ok(Stored { row, rate, class, penalty_lag, due_soon_from })
    }
}

impl Stored {
    /// The row with its figures for the date asked.
    pub(crate) fn at(self, at: &StateAt) -> StateRow {
        let (dpd, class, class_reason) = self.class.on(at);
        let penalty = penalty_on(
            self.class.overdue_since,
            self.row.overdue_principal,
            self.penalty_lag,
            at.on,
            self.rate,
            at.rules.penalty_uplift_pct,
        );
        let open = self.due_soon_from.is_some_and(|from| from <= at.on);
        StateRow {
            as_of: at.on,
            due_soon_on: self.row.due_soon_on.filter(|_| open),
            due_soon_kind: self.row.due_soon_kind.filter(|_| open),
            dpd,
            bucket: Bucket::for_dpd(dpd),
            class,
            class_reason,
            penalty_interest: penalty,
            payoff_amount: self.class.unpaid_total + penalty,
            ..self.row
        }
    }
}

/// Rows as stored, with the date's figures.
pub(crate) fn rows_at(stored: Vec<Stored>, at: &StateAt) -> Vec<StateRow> {
    stored.into_iter().map(|s| s.at(at)).collect()
}

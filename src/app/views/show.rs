//! One loan: its schedule with what is paid, and everything about it (`show`), computed directly
//! from its schedule and payments with the `domain::assess` the snapshot uses, so `show`,
//! `schedule` and `loans` agree.

use super::detail::LoanDetail;
use super::post_loan::{InspectionRow, WorkLogView};
use super::records::{NoticeView, PromiseView};
use super::summary::{LoanSummary, ScheduleLine};
use crate::app::{AppError, Desk, Result};
use crate::domain::npl::npl_hold;
use crate::domain::plan::held_class;
use crate::domain::{Assessment, ClassHolds, Money, Payment, assess, promise_status};
use crate::store::{self, Loan};

impl Desk {
    pub(crate) fn loan(&self, loan_ref: &str) -> Result<Loan> {
        store::loan_by_ref(self.store.db(), loan_ref)?
            .ok_or_else(|| AppError::Input(format!("unknown loan '{loan_ref}'")))
    }

    /// The loan assessed on the schedule in force, with what holds its class worse than its
    /// floor (DOMAIN §5).
    pub(crate) fn assessed(&self, loan_ref: &str) -> Result<(Loan, Assessment, ClassHolds)> {
        let loan = self.loan(loan_ref)?;
        let conn = self.store.db();
        let (schedule, payments) = store::schedule_inputs(conn, &loan)?;
        let a = assess(&schedule, &payments, loan.terms.rate, self.as_of, &self.rules);
        let holds = ClassHolds {
            observation_until: loan.observation_until,
            plan_held: held_class(store::plan_hold(conn, &loan)?, &schedule, &payments, &a),
            manual: loan.manual_class.and_then(|m| m.in_force(self.as_of)),
            npl: npl_hold(&schedule, &payments, self.as_of, self.rules.class_bands).class,
        };
        Ok((loan, a, holds))
    }

    /// The installment schedule with what is paid, as of the desk's date.
    pub fn schedule(&self, loan_ref: &str) -> Result<Vec<ScheduleLine>> {
        let (_, a, _) = self.assessed(loan_ref)?;
        Ok(a.installments.iter().map(ScheduleLine::from).collect())
    }

    /// Everything about one loan (CONTRACT: `show --format json`), phone numbers masked as the
    /// user's role requires (`privacy.rs`).
    pub fn show(&self, loan_ref: &str) -> Result<LoanDetail> {
        let mut d = self.show_full(loan_ref)?;
        self.mask_detail(&mut d)?;
        Ok(d)
    }

    /// `show` with every number in full: for the legal packet and notices, which must identify
    /// the person (never for a screen or a list).
    pub(crate) fn show_full(&self, loan_ref: &str) -> Result<LoanDetail> {
        let (loan, a, held) = self.assessed(loan_ref)?;
        let conn = self.store.db();
        let payments = store::payments_of(conn, loan.id)?;
        let all: Vec<Payment> =
            payments.iter().map(|p| Payment { paid_on: p.paid_on, amount: p.amount }).collect();
        // Every payment to the date counts as paid, those before a plan too: the schedule in
        // force counts only its own.
        let paid_to = |before: chrono::NaiveDate| -> Money {
            all.iter().filter(|p| p.paid_on <= self.as_of && p.paid_on < before).map(|p| p.amount).sum()
        };
        let plans: Vec<_> =
            store::plans_of(conn, loan.id)?.into_iter().map(super::records::PlanView::from).collect();
        let plan_since = plans.iter().find(|p| p.in_force).map(|p| p.effective_on);
        let promises: Vec<PromiseView> = store::promises_of(conn, loan.id)?
            .into_iter()
            .map(|p| PromiseView {
                amount: p.amount,
                made_on: p.made_on,
                due_on: p.due_on,
                status: promise_status(
                    p.made_on,
                    p.due_on,
                    p.amount,
                    &all,
                    self.as_of,
                    self.rules.promise_grace_days,
                ),
                user: p.user,
            })
            .collect();
        let other_loans = store::loans_of_customer(conn, loan.customer_id)?
            .into_iter()
            .filter(|l| l.id != loan.id)
            .map(|l| l.loan_ref)
            .collect();
        let holds = store::holds_of(conn, loan.id, self.as_of)?;
        let contact = store::contact_fields(conn, loan.id)?.unwrap_or_default();
        let pledged = self.collateral_summary(loan.customer_id)?;
        let due = store::DueFilter { loan: Some(loan.id), ..store::DueFilter::default() };
        let logs =
            store::WorkLogFilter { customer: Some(loan.customer_id), limit: Some(200), ..Default::default() };
        let latest = promises.first().map(|p| (p.due_on, p.status));
        let mut summary = LoanSummary::from_assessment(&loan, &a, latest, held);
        summary.held_until = holds.iter().filter(|h| h.in_force).map(|h| h.until_on).max();
        let at = store::StateAt::shared(self.as_of, self.rules);
        if let Some(f) = store::risk_facts(conn, &[loan.id], &at)?.get(&loan.id) {
            summary.with_risk(f);
        }
        let me = self.edit_as();
        summary.worked_by = store::lease_of(conn, loan.customer_id, me.now)?
            .filter(|l| Some(l.user) != me.user)
            .map(|l| l.login);
        Ok(LoanDetail {
            summary,
            customer_id: loan.customer_ref.clone(),
            annual_rate: loan.terms.rate,
            term_months: loan.terms.term_months,
            disbursed_on: loan.terms.disbursed_on,
            guarantor: loan.guarantor.clone(),
            guarantor_phone: loan.guarantor_phone.clone(),
            address: contact.address,
            employer: contact.employer,
            collateral: loan.collateral.clone(),
            branch: loan.branch.clone(),
            agency_name: loan.agency.clone(),
            written_off_on: loan.written_off_on,
            credit_balance: a.credit_balance,
            paid_total: paid_to(chrono::NaiveDate::MAX),
            paid_before_plan: plan_since.map(paid_to),
            version: loan.version,
            schedule: a.installments.iter().map(ScheduleLine::from).collect(),
            payments: payments.into_iter().map(Into::into).collect(),
            contacts: store::contacts_of(conn, loan.id, 500)?.into_iter().map(Into::into).collect(),
            promises,
            stage_events: store::stage_events_of(conn, loan.id)?.into_iter().rev().map(Into::into).collect(),
            class_events: store::class_events_of(conn, loan.id)?.into_iter().rev().map(Into::into).collect(),
            assignments: store::assignments_of(conn, loan.customer_id)?.into_iter().map(Into::into).collect(),
            other_loans,
            notices: store::notices_of(conn, loan.id)?
                .into_iter()
                .map(NoticeView::try_from)
                .collect::<Result<_>>()?,
            plans,
            tasks: self.tasks_of(loan.id)?,
            holds: holds.into_iter().map(Into::into).collect(),
            observation_until: loan.observation_until,
            inspections: store::inspections_of(conn, loan.id)?.into_iter().map(Into::into).collect(),
            next_inspections: store::due_page(conn, &due, None, 0, None)?
                .into_iter()
                .map(|r| InspectionRow::scheduled(r, self.as_of))
                .collect(),
            collateral_items: pledged.items,
            collateral_value: pledged.value,
            ltv: pledged.ltv,
            work_logs: store::list_work_logs(conn, &logs)?
                .into_iter()
                .map(|r| WorkLogView::of(r, self.as_of))
                .collect(),
            signals: self.customer_signals(loan.customer_id)?,
        })
    }
}

//! `loans --as-of` a month-end already captured, answered from its month-end rows (DOMAIN §11)
//! instead of a snapshot recomputed for that date: the same loans in the same order, the fields
//! those rows keep as the recomputed list gives them, and nothing for the fields they do not keep.

use chrono::NaiveDate;
use serde::Serialize;

use super::list::LoanQuery;
use crate::app::privacy::PiiField;
use crate::app::{AppError, Desk, Result};
use crate::domain::report::Month;
use crate::domain::{Bucket, LoanStatus, Money, Product, PromiseStatus, RiskClass, Stage};
use crate::store::{self, MonthEndFilter, MonthEndListRow, SnapshotFor};

/// One row of the loan list as of a month-end, from its month-end row: `loans --format json`'s
/// fields, with `null` for those a month-end row does not keep: the class's reason, the
/// customer's rating (and the stage, warning level and watchlist mark of a month-end recorded
/// before rows kept them), the overdue amount's parts, the penalty, the
/// next installment, the payoff, the due-soon window and the promise (the recomputed snapshot
/// alone has them), and who has the case open now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthEndLoan {
    pub loan_id: String,
    pub borrower: String,
    pub product: Product,
    pub assignee: Option<String>,
    pub stage: Option<Stage>,
    pub agency: bool,
    pub status: LoanStatus,
    pub dpd: i64,
    pub bucket: Bucket,
    pub class: RiskClass,
    pub class_reason: Option<String>,
    pub warning_level: Option<String>,
    pub watchlist: Option<bool>,
    pub customer_rating: Option<String>,
    pub principal: Money,
    pub outstanding_principal: Money,
    pub overdue_principal: Option<Money>,
    pub overdue_interest: Option<Money>,
    pub overdue_amount: Money,
    pub penalty_interest: Option<Money>,
    pub next_due_on: Option<NaiveDate>,
    pub next_due_amount: Option<Money>,
    pub payoff_amount: Option<Money>,
    pub due_soon_on: Option<NaiveDate>,
    pub phone: Option<String>,
    pub last_contact_at: Option<String>,
    pub last_outcome: Option<String>,
    pub next_action_on: Option<NaiveDate>,
    pub promise_due_on: Option<NaiveDate>,
    pub promise_status: Option<PromiseStatus>,
    pub held_until: Option<NaiveDate>,
    pub as_of: NaiveDate,
    pub worked_by: Option<String>,
}

impl MonthEndLoan {
    /// `kept`: the month-end's rows carry the stage, warning level and watchlist mark.
    fn of(r: MonthEndListRow, as_of: NaiveDate, kept: bool) -> Self {
        MonthEndLoan {
            loan_id: r.loan_ref,
            borrower: r.borrower,
            product: r.product,
            assignee: r.assignee,
            stage: kept.then_some(r.stage),
            agency: r.agency,
            status: r.status,
            dpd: r.dpd,
            bucket: Bucket::for_dpd(r.dpd),
            class: r.class,
            class_reason: None,
            warning_level: kept.then(|| r.warning.as_str().to_string()),
            watchlist: kept.then_some(r.watchlist),
            customer_rating: None,
            principal: r.principal,
            outstanding_principal: r.outstanding,
            overdue_principal: None,
            overdue_interest: None,
            overdue_amount: r.overdue,
            penalty_interest: None,
            next_due_on: None,
            next_due_amount: None,
            payoff_amount: None,
            due_soon_on: None,
            phone: r.phone,
            last_contact_at: r.last_contact_at,
            last_outcome: r.last_outcome,
            next_action_on: r.next_action_on,
            promise_due_on: None,
            promise_status: None,
            held_until: r.held_until,
            as_of,
            worked_by: None,
        }
    }
}

impl Desk {
    /// The loan list from the month-end rows, when the desk's date is a month-end already
    /// captured that the shared snapshot no longer holds, and the question asks only what those
    /// rows keep (status, owner, DPD floor; by DPD or overdue amount). `None`: the list is
    /// recomputed as for any other date.
    pub fn list_month_end(&mut self, q: &LoanQuery) -> Result<Option<Vec<MonthEndLoan>>> {
        let month = Month::of(self.as_of);
        let answerable = q.stage.is_none()
            && q.due_within.is_none()
            && !q.due_soon
            && !q.promises_first
            && q.warning.is_none()
            && !q.watched
            && q.search.as_deref().is_none_or(|s| s.trim().is_empty());
        if !answerable
            || self.as_of != month.last_day()
            || store::snapshot_for(self.store.db(), self.as_of)? == SnapshotFor::Holds
        {
            return Ok(None);
        }
        let Some(info) = store::month_end_info(self.store.db(), month)? else { return Ok(None) };
        let assignee = match q.assignee.as_deref() {
            Some(login) => Some(
                store::user_by_login(self.store.db(), login)?
                    .ok_or_else(|| AppError::Input(format!("unknown desk user '{login}'")))?
                    .id,
            ),
            None => None,
        };
        let filter = MonthEndFilter { status: q.status, assignee, dpd_min: q.dpd_min };
        let Some(rows) = store::month_end_list(self.store.db(), month, filter, q.sort, q.limit, q.offset)?
        else {
            return Ok(None);
        };
        let full = self.sees_full(PiiField::Phone)?;
        Ok(Some(
            rows.into_iter()
                .map(|r| {
                    let mut row = MonthEndLoan::of(r, self.as_of, info.full_rows);
                    if !full {
                        row.phone = row.phone.map(|p| crate::app::privacy::mask(PiiField::Phone, &p));
                    }
                    row
                })
                .collect(),
        ))
    }
}

//! The watchlist (重点监测名单) by hand — entered by the owner or a supervisor with a reason, left
//! only by a supervisor's decision with a reason once nothing is open — and the customer rating
//! (客户分类) with a supervisor's worse-only rating.

use crate::store::Db;
use serde::Serialize;
use serde_json::json;

use super::view::WatchView;
use crate::app::inspect::reschedule_customers;
use crate::app::text_in::text_in;
use crate::app::{AppError, Desk, Result};
use crate::domain::input::Lines;
use crate::domain::inspection::InspectionRules;
use crate::domain::warning::{Level, Rating};
use crate::domain::{RiskClass, Role};
use crate::store::{self, CustomerId, StateAt};

/// A customer's rating as of the desk's date: the rules' and a supervisor's, the worse counting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RatingView {
    pub customer_id: String,
    pub rating: Rating,
    /// What the rules give (DOMAIN §9).
    pub rules: Rating,
    pub manual: Option<Rating>,
    pub manual_reason: Option<String>,
    pub watchlist: bool,
}

fn reason_text(reason: &str) -> Result<String> {
    let r = text_in(reason.trim(), "the reason", Lines::Many)?;
    if r.is_empty() {
        return Err(AppError::Input("a reason is needed (--reason TEXT)".into()));
    }
    Ok(r.to_string())
}

/// The customer's next inspections again: the watchlist's interval comes or goes.
fn reschedule<'a>(
    tx: impl Into<Db<'a>>,
    customer: CustomerId,
    with: (StateAt, InspectionRules),
) -> Result<()> {
    let tx = tx.into();
    reschedule_customers(tx, &[customer], &with.1, &with.0)
}

impl Desk {
    fn schedule_with(&self) -> (StateAt, InspectionRules) {
        (StateAt::shared(self.as_of, self.rules), self.policy.inspections)
    }

    /// Puts a customer (by its id or one of its loans') on the watchlist: its owner or a
    /// supervisor, with a reason.
    pub fn watch(&mut self, customer: &str, reason: &str) -> Result<WatchView> {
        let (id, customer_ref) = self.customer_named(customer)?;
        let user = self.actor.require(Role::Collector, "putting a customer on the watchlist")?.clone();
        if !user.role.includes(Role::Supervisor)
            && store::customer_owner(self.store.db(), id)? != Some(user.id)
        {
            return Err(AppError::Refused(format!(
                "putting a customer on the watchlist: customer {customer_ref} is not yours"
            )));
        }
        let reason = reason_text(reason)?;
        let (as_of, at, with) = (self.as_of, self.stamp(), self.schedule_with());
        self.store.write(|tx| -> Result<()> {
            if !store::enter_watchlist(tx, id, as_of, &user.login, &reason, &at)? {
                return Err(AppError::Refused(format!(
                    "customer {customer_ref} is on the watchlist already"
                )));
            }
            reschedule(tx, id, with)?;
            let detail = json!({ "watchlist": "entered", "reason": reason });
            store::insert_audit(
                tx,
                &at,
                &user.login,
                "watch",
                "customer",
                Some(&customer_ref),
                &detail.to_string(),
            )
            .map_err(Into::into)
        })?;
        self.watch_of(id)
    }

    fn watch_of(&self, id: CustomerId) -> Result<WatchView> {
        let all = store::watchlist(self.store.db(), true)?;
        all.into_iter()
            .find(|w| w.customer == id)
            .map(Into::into)
            .ok_or_else(|| AppError::Input("the customer has never been on the watchlist".into()))
    }

    /// Takes a customer off the watchlist: a supervisor's decision with a reason, once none of
    /// their signals is open.
    pub fn unwatch(&mut self, customer: &str, reason: &str) -> Result<WatchView> {
        let (id, customer_ref) = self.customer_named(customer)?;
        let actor =
            self.actor.require(Role::Supervisor, "taking a customer off the watchlist")?.login.clone();
        let reason = reason_text(reason)?;
        let (as_of, at, with) = (self.as_of, self.stamp(), self.schedule_with());
        self.store.write(|tx| -> Result<()> {
            if store::customer_has_open(tx, id)? {
                return Err(AppError::Refused(format!(
                    "customer {customer_ref} has a warning open: close it first (duedesk warnings --customer {customer_ref})"
                )));
            }
            if !store::leave_watchlist(tx, id, as_of, &actor, &reason)? {
                return Err(AppError::Refused(format!("customer {customer_ref} is not on the watchlist")));
            }
            reschedule(tx, id, with)?;
            let detail = json!({ "watchlist": "left", "reason": reason });
            store::insert_audit(tx, &at, &actor, "unwatch", "customer", Some(&customer_ref), &detail.to_string())
                .map_err(Into::into)
        })?;
        self.watch_of(id)
    }

    /// The watchlist (every stay with `all`), newest first.
    pub fn watchlist(&self, all: bool) -> Result<Vec<WatchView>> {
        Ok(store::watchlist(self.store.db(), all)?.into_iter().map(Into::into).collect())
    }

    /// A customer's rating as of the desk's date (DOMAIN §9).
    pub fn rating(&self, customer: &str) -> Result<RatingView> {
        let (id, customer_ref) = self.customer_named(customer)?;
        let conn = self.store.db();
        let watchlist = store::watch_of(conn, id)?.is_some();
        let mut worst_class = RiskClass::Normal;
        let mut level: Option<Level> = None;
        for loan in store::loans_of_customer(conn, id)? {
            let s = self.show_full(&loan.loan_ref)?.summary;
            if s.status == crate::domain::LoanStatus::Active {
                worst_class = worst_class.max(s.class);
            }
            level = Level::highest(level.into_iter().chain(store::loan_level(conn, loan.id)?));
        }
        let rules = Rating::of([worst_class], level, watchlist, None);
        let manual = store::manual_rating(conn, id)?;
        let rating = Rating::of([worst_class], level, watchlist, manual.as_ref().map(|(m, _)| *m));
        Ok(RatingView {
            customer_id: customer_ref,
            rating,
            rules,
            manual: manual.as_ref().map(|(m, _)| *m),
            manual_reason: manual.map(|(_, r)| r),
            watchlist,
        })
    }

    /// A supervisor rates a customer worse than the rules do, with a reason; never better.
    pub fn rate(&mut self, customer: &str, rating: Rating, reason: &str) -> Result<RatingView> {
        let (id, customer_ref) = self.customer_named(customer)?;
        let actor = self.actor.require(Role::Supervisor, "rating a customer")?.login.clone();
        let reason = reason_text(reason)?;
        let now = self.rating(customer)?;
        if rating.rank() <= now.rating.rank() {
            return Err(AppError::Refused(format!(
                "customer {customer_ref} is rated {} now: a supervisor's rating is worse only",
                now.rating
            )));
        }
        let (as_of, at) = (self.as_of, self.stamp());
        self.store.write(|tx| -> Result<()> {
            store::set_rating(tx, id, rating, &reason, &actor, as_of, &at)?;
            let detail =
                json!({ "rating": rating.as_str(), "before": now.rating.as_str(), "reason": reason });
            store::insert_audit(tx, &at, &actor, "rate", "customer", Some(&customer_ref), &detail.to_string())
                .map_err(Into::into)
        })?;
        self.rating(customer)
    }
}

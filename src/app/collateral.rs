//! The collateral register (押品, DOMAIN §10): a customer's items, each valued again and again
//! (append-only valuations, the latest counting), revalued yearly, released or seized by a
//! supervisor; the loan-to-value figure on the case.

use chrono::NaiveDate;
use serde_json::json;

use super::text_in::{reason_of, text_in};
use super::views::{CollateralSummary, CollateralView, ValuationView};
use super::{AppError, Desk, Result};
use crate::domain::collateral::{CollateralKind, CollateralStatus, Ltv};
use crate::domain::input::Lines;
use crate::domain::{Money, Role};
use crate::store::{self, CustomerId, ItemRecord, NewItem};

/// An item as it is pledged, with its first valuation if one is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollateralInput {
    /// The customer, by its id or one of its loans'.
    pub customer: String,
    pub kind: CollateralKind,
    pub description: String,
    pub owner: Option<String>,
    pub insured_until: Option<NaiveDate>,
    pub valuation: Option<Valuation>,
}

/// A valuation: amount, date, who valued it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Valuation {
    pub amount: Money,
    pub on: NaiveDate,
    pub valuer: String,
}

impl Desk {
    /// The customer's owner or a supervisor may keep its register.
    fn require_customer(&self, customer: CustomerId, customer_ref: &str, what: &str) -> Result<()> {
        let user = self.actor.require(Role::Collector, what)?;
        if user.role.includes(Role::Supervisor)
            || store::customer_owner(self.store.db(), customer)? == Some(user.id)
        {
            return Ok(());
        }
        Err(AppError::Refused(format!(
            "{what}: customer {customer_ref} is not yours; a collector keeps own cases' collateral"
        )))
    }

    fn check_valuation(&self, v: &Valuation) -> Result<String> {
        if v.on > self.as_of {
            return Err(AppError::Input(format!(
                "a valuation on {} is after the desk's date ({})",
                v.on, self.as_of
            )));
        }
        v.amount.check_amount().map_err(AppError::Input)?;
        let valuer = text_in(v.valuer.trim(), "the valuer", Lines::One)?;
        if valuer.is_empty() {
            return Err(AppError::Input("a valuation names its valuer (--valuer NAME)".into()));
        }
        Ok(valuer.to_string())
    }

    fn item_view(&self, r: ItemRecord) -> Result<CollateralView> {
        let valuations =
            store::valuations_of(self.store.db(), r.id)?.into_iter().map(ValuationView::from).collect();
        Ok(CollateralView::of(r, valuations, self.as_of, self.policy.inspections.revaluation_months))
    }

    fn item(&self, id: i64) -> Result<ItemRecord> {
        store::item_by_id(self.store.db(), id)?
            .ok_or_else(|| AppError::Input(format!("unknown collateral item {id}")))
    }

    /// Adds an item to a customer's register (its owner or a supervisor), audited.
    pub fn add_collateral(&mut self, input: &CollateralInput) -> Result<CollateralView> {
        let (customer, customer_ref) = self.customer_named(&input.customer)?;
        self.require_customer(customer, &customer_ref, "adding collateral")?;
        let description = text_in(input.description.trim(), "the description", Lines::Many)?;
        if description.is_empty() {
            return Err(AppError::Input("collateral needs a description (--description TEXT)".into()));
        }
        let owner = input.owner.as_deref().map(|o| text_in(o.trim(), "the owner", Lines::One)).transpose()?;
        let valuer = input.valuation.as_ref().map(|v| self.check_valuation(v)).transpose()?;
        let (at, actor, user) =
            (self.stamp(), self.actor.login.clone(), self.actor.user.as_ref().map(|u| u.id));
        let id = self.store.write(|tx| -> Result<i64> {
            let id = store::insert_item(
                tx,
                &NewItem {
                    customer,
                    loan: None,
                    kind: input.kind,
                    description,
                    owner: owner.filter(|o| !o.is_empty()),
                    insured_until: input.insured_until,
                    created_by: &actor,
                    created_at: &at,
                },
            )?;
            if let (Some(v), Some(valuer)) = (&input.valuation, &valuer) {
                store::insert_valuation(tx, id, v.amount, v.on, valuer, user, &at)?;
            }
            let detail = json!({
                "item": id,
                "before": null,
                "after": {
                    "kind": input.kind.as_str(), "description": description, "owner": owner,
                    "insured_until": input.insured_until.map(|d| d.to_string()),
                    "value": input.valuation.as_ref().map(|v| v.amount), "valued_on": input.valuation.as_ref().map(|v| v.on.to_string()),
                },
            });
            store::insert_audit(tx, &at, &actor, "collateral_add", "customer", Some(&customer_ref), &detail.to_string())?;
            Ok(id)
        })?;
        self.item_view(self.item(id)?)
    }

    /// Values an item again (and, when given, notes its insurance's new expiry), audited.
    pub fn value_collateral(
        &mut self,
        id: i64,
        valuation: &Valuation,
        insured_until: Option<NaiveDate>,
    ) -> Result<CollateralView> {
        let item = self.item(id)?;
        self.require_customer(item.customer, &item.customer_ref, "valuing collateral")?;
        if item.status == CollateralStatus::Released {
            return Err(AppError::Refused(format!(
                "collateral item {id} was released: it secures nothing to value"
            )));
        }
        let valuer = self.check_valuation(valuation)?;
        let (at, actor, user) =
            (self.stamp(), self.actor.login.clone(), self.actor.user.as_ref().map(|u| u.id));
        self.store.write(|tx| -> Result<()> {
            store::insert_valuation(tx, id, valuation.amount, valuation.on, &valuer, user, &at)?;
            if insured_until.is_some() {
                store::set_item_insurance(tx, id, insured_until)?;
            }
            let detail = json!({
                "item": id,
                "before": { "value": item.value, "valued_on": item.valued_on.map(|d| d.to_string()),
                            "insured_until": item.insured_until.map(|d| d.to_string()) },
                "after": { "value": valuation.amount, "valued_on": valuation.on.to_string(), "valuer": valuer,
                           "insured_until": insured_until.or(item.insured_until).map(|d| d.to_string()) },
            });
            store::insert_audit(
                tx,
                &at,
                &actor,
                "collateral_value",
                "customer",
                Some(&item.customer_ref),
                &detail.to_string(),
            )?;
            Ok(())
        })?;
        self.item_view(self.item(id)?)
    }

    /// Releases an item (it secures nothing any more) or marks it seized (supervisor, with a reason).
    pub fn set_collateral_status(
        &mut self,
        id: i64,
        status: CollateralStatus,
        reason: &str,
    ) -> Result<CollateralView> {
        self.actor.require(Role::Supervisor, "releasing or seizing collateral")?;
        let reason = reason_of(reason, "releasing or seizing collateral")?;
        let item = self.item(id)?;
        if item.status == status {
            return Err(AppError::Refused(format!("collateral item {id} is {status} already")));
        }
        if item.status == CollateralStatus::Released {
            return Err(AppError::Refused(format!(
                "collateral item {id} was released on {}",
                item.status_on.map_or_else(|| "?".into(), |d| d.to_string())
            )));
        }
        let (as_of, at, actor) = (self.as_of, self.stamp(), self.actor.login.clone());
        self.store.write(|tx| -> Result<()> {
            store::set_item_status(tx, id, status, as_of)?;
            let detail = json!({ "item": id, "before": item.status.as_str(), "after": status.as_str(), "reason": reason });
            store::insert_audit(tx, &at, &actor, "collateral_status", "customer", Some(&item.customer_ref), &detail.to_string())?;
            Ok(())
        })?;
        self.item_view(self.item(id)?)
    }

    /// A customer's collateral (by its id or one of its loans'), with the loan-to-value figure.
    pub fn collateral_of(&self, customer: &str) -> Result<CollateralSummary> {
        let (id, _) = self.customer_named(customer)?;
        self.collateral_summary(id)
    }

    pub(crate) fn collateral_summary(&self, customer: CustomerId) -> Result<CollateralSummary> {
        let conn = self.store.db();
        let items = store::items_of(conn, customer)?
            .into_iter()
            .map(|r| self.item_view(r))
            .collect::<Result<Vec<_>>>()?;
        let value: Money =
            items.iter().filter(|i| i.status == CollateralStatus::Held).filter_map(|i| i.value).sum();
        let ltv = Ltv::of(store::customer_outstanding(conn, customer)?, value);
        Ok(CollateralSummary { items, value, ltv })
    }

    /// The register across customers: held items (`all`: every item), those due for revaluation
    /// or uninsured only when `stale`.
    pub fn collateral_register(
        &self,
        all: bool,
        stale: bool,
        limit: Option<u64>,
    ) -> Result<Vec<CollateralView>> {
        let rows = store::all_items(self.store.db(), all, if stale { None } else { limit })?;
        let mut out = Vec::new();
        for r in rows {
            let v = self.item_view(r)?;
            if !stale || v.stale || v.uninsured {
                out.push(v);
            }
            if limit.is_some_and(|l| out.len() as u64 >= l) {
                break;
            }
        }
        Ok(out)
    }
}

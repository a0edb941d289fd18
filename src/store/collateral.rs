//! The collateral register (`collateral_items`, `collateral_valuations`, migration 0019): items
//! per customer, each with its valuations (append-only) and its status.

use chrono::NaiveDate;

use super::Result;
use super::book::{CustomerId, LoanId};
use super::db::Db;
use super::row::{Cols, FromRow};
use super::users::UserId;
use crate::domain::Money;
use crate::domain::collateral::{CollateralKind, CollateralStatus};

/// An item as it is added.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewItem<'a> {
    pub customer: CustomerId,
    /// The loan it came with, when imported with one.
    pub loan: Option<LoanId>,
    pub kind: CollateralKind,
    pub description: &'a str,
    pub owner: Option<&'a str>,
    pub insured_until: Option<NaiveDate>,
    pub created_by: &'a str,
    pub created_at: &'a str,
}

/// An item on record with its latest valuation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemRecord {
    pub id: i64,
    pub customer: CustomerId,
    pub customer_ref: String,
    pub loan_ref: Option<String>,
    pub kind: CollateralKind,
    pub description: String,
    pub owner: Option<String>,
    pub insured_until: Option<NaiveDate>,
    pub status: CollateralStatus,
    pub status_on: Option<NaiveDate>,
    pub created_by: String,
    pub created_at: String,
    /// The latest valuation: amount, date, valuer.
    pub value: Option<Money>,
    pub valued_on: Option<NaiveDate>,
    pub valuer: Option<String>,
    pub valuations: i64,
}

/// The latest valuation of the item `x`, by date then record.
const LATEST: &str = "(SELECT v.id FROM collateral_valuations v WHERE v.item_id = x.id \
     ORDER BY v.valued_on DESC, v.id DESC LIMIT 1)";

fn item_sql(filter: &str) -> String {
    format!(
        "SELECT x.id, x.customer_id, c.customer_ref, l.loan_ref, x.kind, x.description, x.owner, x.insured_until, \
         x.status, x.status_on, x.created_by, x.created_at, v.amount_cents, v.valued_on, v.valuer, \
         (SELECT count(*) FROM collateral_valuations n WHERE n.item_id = x.id) AS valuations \
         FROM collateral_items x JOIN customers c ON c.id = x.customer_id LEFT JOIN loans l ON l.id = x.loan_id \
         LEFT JOIN collateral_valuations v ON v.id = {LATEST} WHERE {filter} ORDER BY x.customer_id, x.id"
    )
}

impl FromRow for ItemRecord {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(ItemRecord {
            id: c.get("id")?,
            customer: c.get("customer_id")?,
            customer_ref: c.get("customer_ref")?,
            loan_ref: c.get("loan_ref")?,
            kind: c.word("kind")?,
            description: c.get("description")?,
            owner: c.get("owner")?,
            insured_until: c.opt_day("insured_until")?,
            status: c.word("status")?,
            status_on: c.opt_day("status_on")?,
            created_by: c.get("created_by")?,
            created_at: c.get("created_at")?,
            value: c.get::<Option<i64>>("amount_cents")?.map(Money::from_cents),
            valued_on: c.opt_day("valued_on")?,
            valuer: c.get("valuer")?,
            valuations: c.get("valuations")?,
        })
    }
}

pub fn insert_item<'a>(db: impl Into<Db<'a>>, n: &NewItem<'_>) -> Result<i64> {
    let insured_until = n.insured_until.map(|d| d.to_string());
    let id = db.into().value(
        "INSERT INTO collateral_items (customer_id, loan_id, kind, description, owner, insured_until, created_by, \
         created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING id",
        &[
            n.customer.0.into(),
            n.loan.map(|l| l.0).into(),
            n.kind.as_str().into(),
            n.description.into(),
            n.owner.into(),
            insured_until.as_ref().into(),
            n.created_by.into(),
            n.created_at.into(),
        ],
    )?;
    id.ok_or_else(|| super::StoreError::Corrupt("a collateral item added without an id".into()))
}

/// Appends a valuation to an item.
pub fn insert_valuation<'a>(
    db: impl Into<Db<'a>>,
    item: i64,
    amount: Money,
    valued_on: NaiveDate,
    valuer: &str,
    user: Option<UserId>,
    at: &str,
) -> Result<i64> {
    let valued_on = valued_on.to_string();
    let id = db.into().value(
        "INSERT INTO collateral_valuations (item_id, amount_cents, valued_on, valuer, user_id, created_at) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
        &[
            item.into(),
            amount.cents().into(),
            (&valued_on).into(),
            valuer.into(),
            user.map(|u| u.0).into(),
            at.into(),
        ],
    )?;
    id.ok_or_else(|| super::StoreError::Corrupt("a valuation added without an id".into()))
}

pub fn set_item_status<'a>(
    db: impl Into<Db<'a>>,
    item: i64,
    status: CollateralStatus,
    on: NaiveDate,
) -> Result<()> {
    let on = on.to_string();
    db.into().execute(
        "UPDATE collateral_items SET status = ?2, status_on = ?3 WHERE id = ?1",
        &[item.into(), status.as_str().into(), (&on).into()],
    )?;
    Ok(())
}

pub fn set_item_insurance<'a>(db: impl Into<Db<'a>>, item: i64, until: Option<NaiveDate>) -> Result<()> {
    let until = until.map(|d| d.to_string());
    db.into().execute(
        "UPDATE collateral_items SET insured_until = ?2 WHERE id = ?1",
        &[item.into(), until.as_ref().into()],
    )?;
    Ok(())
}

pub fn item_by_id<'a>(db: impl Into<Db<'a>>, id: i64) -> Result<Option<ItemRecord>> {
    db.into().first(&item_sql("x.id = ?1"), &[id.into()])
}

/// A customer's items, oldest first.
pub fn items_of<'a>(db: impl Into<Db<'a>>, customer: CustomerId) -> Result<Vec<ItemRecord>> {
    db.into().rows(&item_sql("x.customer_id = ?1"), &[customer.0.into()])
}

/// Items of the whole register (held ones only unless `all`), by customer, at most `limit`.
pub fn all_items<'a>(db: impl Into<Db<'a>>, all: bool, limit: Option<u64>) -> Result<Vec<ItemRecord>> {
    let sql = format!("{} LIMIT ?2", item_sql("(?1 OR x.status = 'held')"));
    // No limit: the largest, which both read as none (SQLite's -1 the server refuses).
    let limit = limit.map_or(i64::MAX, |l| i64::try_from(l).unwrap_or(i64::MAX));
    db.into().rows(&sql, &[all.into(), limit.into()])
}

/// A valuation on record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValuationRecord {
    pub id: i64,
    pub item: i64,
    pub amount: Money,
    pub valued_on: NaiveDate,
    pub valuer: String,
    pub user: Option<String>,
    pub created_at: String,
}

impl FromRow for ValuationRecord {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(ValuationRecord {
            id: c.get("id")?,
            item: c.get("item_id")?,
            amount: c.money("amount_cents")?,
            valued_on: c.day("valued_on")?,
            valuer: c.get("valuer")?,
            user: c.get("login")?,
            created_at: c.get("created_at")?,
        })
    }
}

/// An item's valuations, newest first.
pub fn valuations_of<'a>(db: impl Into<Db<'a>>, item: i64) -> Result<Vec<ValuationRecord>> {
    db.into().rows(
        "SELECT v.id, v.item_id, v.amount_cents, v.valued_on, v.valuer, u.login, v.created_at \
         FROM collateral_valuations v LEFT JOIN users u ON u.id = v.user_id WHERE v.item_id = ?1 \
         ORDER BY v.valued_on DESC, v.id DESC",
        &[item.into()],
    )
}

/// The customer's outstanding principal over active loans, as the shared snapshot has it.
/// The file names its shared snapshot's schema (`main`, never a scratch table of the session's);
/// the server has one.
pub fn customer_outstanding<'a>(db: impl Into<Db<'a>>, customer: CustomerId) -> Result<Money> {
    let db = db.into();
    let sql = match db {
        Db::File(_) => {
            "SELECT coalesce(sum(s.outstanding_principal), 0) FROM loans l JOIN main.loan_state s ON s.loan_id = l.id \
             WHERE l.customer_id = ?1 AND s.status = 'active'"
        }
        Db::Server(_) => {
            "SELECT CAST(coalesce(sum(s.outstanding_principal), 0) AS BIGINT) FROM loans l \
             JOIN loan_state s ON s.loan_id = l.id WHERE l.customer_id = ?1 AND s.status = 'active'"
        }
    };
    Ok(Money::from_cents(db.value(sql, &[customer.0.into()])?.unwrap_or(0)))
}

/// What the collateral rules read of a customer's register: the value of the held items with a
/// valuation, the oldest of those valuations, and the earliest insurance end of any item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CollateralCover {
    pub customer: CustomerId,
    pub value: Money,
    pub valued_on: NaiveDate,
    pub insured_until: Option<NaiveDate>,
}

/// One item as the cover reads it: held or not, its insurance, its latest valuation.
struct CoverItem {
    customer: CustomerId,
    held: bool,
    insured_until: Option<NaiveDate>,
    value: Option<Money>,
    valued_on: Option<NaiveDate>,
}

impl FromRow for CoverItem {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(CoverItem {
            customer: c.get("customer_id")?,
            held: c.get("held")?,
            insured_until: c.opt_day("insured_until")?,
            value: c.get::<Option<i64>>("amount_cents")?.map(Money::from_cents),
            valued_on: c.opt_day("valued_on")?,
        })
    }
}

/// The cover of every customer with a held item valued, in one pass over the register in
/// customer order.
pub fn collateral_cover<'a>(db: impl Into<Db<'a>>) -> Result<Vec<CollateralCover>> {
    let sql = format!(
        "SELECT x.customer_id, x.status = 'held' AS held, x.insured_until, v.amount_cents, v.valued_on \
         FROM collateral_items x LEFT JOIN collateral_valuations v ON v.id = {LATEST} ORDER BY x.customer_id, x.id"
    );
    let mut out: Vec<CollateralCover> = Vec::new();
    // The customer being read: the value and oldest date of its held valued items, its earliest
    // insurance end.
    let mut open: Option<(CustomerId, Money, Option<NaiveDate>, Option<NaiveDate>)> = None;
    let mut close = |o: Option<(CustomerId, Money, Option<NaiveDate>, Option<NaiveDate>)>| {
        if let Some((customer, value, Some(valued_on), insured_until)) = o {
            out.push(CollateralCover { customer, value, valued_on, insured_until });
        }
    };
    db.into().each::<CoverItem>(&sql, &[], &mut |item| {
        if open.as_ref().is_some_and(|o| o.0 != item.customer) {
            close(open.take());
        }
        let o = open.get_or_insert((item.customer, Money::ZERO, None, None));
        if item.held
            && let (Some(value), Some(on)) = (item.value, item.valued_on)
        {
            o.1 += value;
            o.2 = Some(o.2.map_or(on, |d| d.min(on)));
        }
        if let Some(u) = item.insured_until {
            o.3 = Some(o.3.map_or(u, |d| d.min(u)));
        }
        Ok(())
    })?;
    close(open.take());
    Ok(out)
}

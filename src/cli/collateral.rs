//! `duedesk collateral add|value|release|seize|list`: the collateral register (押品, DOMAIN §10),
//! as table, CSV or JSON.

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde::Serialize;

use super::format::Format;
use super::output::{csv, csv_list, header, json, print, table_width};
use super::table::{self, flex, left, right};
use crate::app::collateral::{CollateralInput, Valuation};
use crate::app::views::{CollateralSummary, CollateralView};
use crate::app::{Desk, Result};
use crate::domain::Money;
use crate::domain::collateral::{CollateralKind, CollateralStatus};

#[derive(Debug, Subcommand)]
pub enum CollateralCmd {
    /// Add an item to a customer's register (its owner or a supervisor)
    Add(AddArgs),
    /// Value an item again (valuations are kept, the latest counts)
    Value(ValueArgs),
    /// Release an item: it secures nothing any more (supervisor)
    Release(StatusArgs),
    /// Mark an item seized (查封) for enforcement (supervisor)
    Seize(StatusArgs),
    /// A customer's items with the loan-to-value figure, or the whole register
    List(ListArgs),
}

#[derive(Debug, Args)]
pub struct AddArgs {
    /// Customer id, or a loan id of the customer
    pub customer: String,
    /// house, vehicle, land, deposit, equipment or other
    #[arg(long = "type", value_parser = parse_kind, value_name = "TYPE")]
    pub kind: CollateralKind,
    /// What it is (address, plate, certificate number)
    #[arg(long, value_name = "TEXT")]
    pub description: String,
    /// Who owns it, if not the borrower
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,
    /// The insurance's last day
    #[arg(long, value_parser = parse_day, value_name = "DATE")]
    pub insured_until: Option<NaiveDate>,
    /// A first valuation's amount (with --valued-on and --valuer)
    #[arg(long, value_parser = parse_money, requires_all = ["valued_on", "valuer"], value_name = "AMOUNT")]
    pub value: Option<Money>,
    #[arg(long, value_parser = parse_day, value_name = "DATE", requires = "value")]
    pub valued_on: Option<NaiveDate>,
    #[arg(long, value_name = "NAME", requires = "value")]
    pub valuer: Option<String>,
}

#[derive(Debug, Args)]
pub struct ValueArgs {
    /// Item id (from `duedesk collateral list`)
    pub item: i64,
    #[arg(long, value_parser = parse_money, value_name = "AMOUNT")]
    pub amount: Money,
    /// The valuation's date [default: the as-of date]
    #[arg(long, value_parser = parse_day, value_name = "DATE")]
    pub on: Option<NaiveDate>,
    /// Who valued it (an appraiser, the branch)
    #[arg(long, value_name = "NAME")]
    pub valuer: String,
    /// The insurance's new last day
    #[arg(long, value_parser = parse_day, value_name = "DATE")]
    pub insured_until: Option<NaiveDate>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Item id
    pub item: i64,
    /// Why (recorded)
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Customer id, or a loan id of the customer [default: the whole register]
    pub customer: Option<String>,
    /// Only items due for revaluation or uninsured
    #[arg(long)]
    pub stale: bool,
    /// Released and seized items too (the whole register)
    #[arg(long)]
    pub all: bool,
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
}

fn parse_kind(s: &str) -> Result<CollateralKind, String> {
    s.parse()
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    crate::domain::parse_date(s)
}

fn parse_money(s: &str) -> Result<Money, String> {
    Money::parse_amount(s)
}

fn dash<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

/// An item as one CSV line (its valuations counted, not listed).
#[derive(Serialize)]
struct Row<'a> {
    id: i64,
    customer_id: &'a str,
    loan_id: Option<&'a str>,
    kind: CollateralKind,
    description: &'a str,
    owner: Option<&'a str>,
    status: CollateralStatus,
    insured_until: Option<NaiveDate>,
    uninsured: bool,
    value: Option<Money>,
    valued_on: Option<NaiveDate>,
    valuer: Option<&'a str>,
    revalue_by: Option<NaiveDate>,
    stale: bool,
    valuations: usize,
}

fn row(v: &CollateralView) -> Row<'_> {
    Row {
        id: v.id,
        customer_id: &v.customer_id,
        loan_id: v.loan_id.as_deref(),
        kind: v.kind,
        description: &v.description,
        owner: v.owner.as_deref(),
        status: v.status,
        insured_until: v.insured_until,
        uninsured: v.uninsured,
        value: v.value,
        valued_on: v.valued_on,
        valuer: v.valuer.as_deref(),
        revalue_by: v.revalue_by,
        stale: v.stale,
        valuations: v.valuations.len(),
    }
}

fn items(items: &[CollateralView], format: Format) -> Result<()> {
    match format {
        Format::Json => json(items),
        Format::Csv => csv_list(items.iter().map(row), header::COLLATERAL),
        Format::Table => {
            let cols = [
                right("ID"),
                left("CUSTOMER"),
                left("TYPE"),
                left("STATUS"),
                right("VALUE"),
                left("VALUED"),
                left("REVALUE BY"),
                left("INSURED TO"),
                flex("DESCRIPTION", 10),
            ];
            let body: Vec<Vec<String>> = items
                .iter()
                .map(|v| {
                    let mark = |due: Option<NaiveDate>, late: bool| {
                        format!("{}{}", dash(due), if late { "!" } else { "" })
                    };
                    vec![
                        v.id.to_string(),
                        v.customer_id.clone(),
                        v.kind.to_string(),
                        v.status.to_string(),
                        dash(v.value),
                        dash(v.valued_on),
                        mark(v.revalue_by, v.stale),
                        mark(v.insured_until, v.uninsured),
                        v.description.replace('\n', " "),
                    ]
                })
                .collect();
            print(&table::render(&cols, &body, table_width()))?;
            if items.is_empty() {
                print("(no collateral)\n")?;
            }
            Ok(())
        }
    }
}

fn summary(s: &CollateralSummary, format: Format) -> Result<()> {
    match format {
        Format::Json => json(s),
        _ => {
            items(&s.items, format)?;
            if format == Format::Table && !s.items.is_empty() {
                print(&format!("value held {}; loan to value {}\n", s.value, dash(s.ltv)))?;
            }
            Ok(())
        }
    }
}

pub fn run(desk: &mut Desk, cmd: &CollateralCmd, format: Format) -> Result<()> {
    match cmd {
        CollateralCmd::Add(a) => {
            let valuation = match (a.value, a.valued_on, a.valuer.clone()) {
                (Some(amount), Some(on), Some(valuer)) => Some(Valuation { amount, on, valuer }),
                _ => None,
            };
            let input = CollateralInput {
                customer: a.customer.clone(),
                kind: a.kind,
                description: a.description.clone(),
                owner: a.owner.clone(),
                insured_until: a.insured_until,
                valuation,
            };
            let v = desk.add_collateral(&input)?;
            let text = format!("added collateral item {} ({}) to customer {}\n", v.id, v.kind, v.customer_id);
            one(&v, format, text)
        }
        CollateralCmd::Value(a) => {
            let valuation =
                Valuation { amount: a.amount, on: a.on.unwrap_or(desk.as_of), valuer: a.valuer.clone() };
            let v = desk.value_collateral(a.item, &valuation, a.insured_until)?;
            let text = format!(
                "collateral item {} valued {} on {} by {}; revalue by {}\n",
                v.id,
                a.amount,
                valuation.on,
                a.valuer,
                dash(v.revalue_by)
            );
            one(&v, format, text)
        }
        CollateralCmd::Release(a) | CollateralCmd::Seize(a) => {
            let status = if matches!(cmd, CollateralCmd::Release(_)) {
                CollateralStatus::Released
            } else {
                CollateralStatus::Seized
            };
            let v = desk.set_collateral_status(a.item, status, &a.reason)?;
            one(&v, format, format!("collateral item {} is {} on {}\n", v.id, v.status, dash(v.status_on)))
        }
        CollateralCmd::List(a) => match &a.customer {
            Some(c) if !a.stale && !a.all => summary(&desk.collateral_of(c)?, format),
            Some(c) => {
                let all = desk.collateral_of(c)?.items;
                let shown: Vec<CollateralView> = all
                    .into_iter()
                    .filter(|v| {
                        (a.all || v.status == CollateralStatus::Held) && (!a.stale || v.stale || v.uninsured)
                    })
                    .collect();
                items(&shown, format)
            }
            None => items(&desk.collateral_register(a.all, a.stale, a.limit)?, format),
        },
    }
}

fn one(v: &CollateralView, format: Format, text: String) -> Result<()> {
    match format {
        Format::Json => json(v),
        Format::Csv => csv([row(v)]),
        Format::Table => print(&text),
    }
}

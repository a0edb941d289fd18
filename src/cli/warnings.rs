//! Early warning from the command line (DOMAIN §9): `warnings`, `warn`, `warn-confirm`,
//! `warn-close`, `warn-measure`; the watchlist (`watch`, `unwatch`, `watchlist`); the customer
//! rating (`rating`); a supervisor's class (`classify`).

use chrono::NaiveDate;
use clap::Args;
use serde::Serialize;

use super::format::Format;
use super::output::{csv_list, done, header, json, print, table_width};
use super::table::{self, flex, left, right};
use crate::app::warnings::{SignalQuery, SignalView, WarnInput, WatchView};
use crate::app::{Desk, Result};
use crate::domain::RiskClass;
use crate::domain::warning::{Category, Level, MeasureKind, Rating, SignalCode};

fn word<T: std::str::FromStr<Err = String>>(s: &str) -> Result<T, String> {
    s.parse()
}

#[derive(Debug, Args)]
pub struct WarningsArgs {
    /// yellow, orange or red
    #[arg(long, value_parser = word::<Level>)]
    pub level: Option<Level>,
    /// A rule's code (first_installment_missed, repeated_late, …, manual)
    #[arg(long, value_parser = word::<SignalCode>)]
    pub code: Option<SignalCode>,
    /// Only the cases of this desk user
    #[arg(long, value_name = "USER")]
    pub owner: Option<String>,
    /// Only this loan's
    #[arg(long, value_name = "LOAN")]
    pub loan: Option<String>,
    /// Only this customer's (or a loan id of it)
    #[arg(long, value_name = "CUSTOMER")]
    pub customer: Option<String>,
    /// Open and confirmed ones (the default)
    #[arg(long, conflicts_with = "all")]
    pub open: bool,
    /// Closed ones too
    #[arg(long)]
    pub all: bool,
    /// Raised on or after this date
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::domain::terms::parse_date)]
    pub since: Option<NaiveDate>,
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
}

#[derive(Debug, Args)]
pub struct WarnArgs {
    pub loan: String,
    /// lawsuit, enforcement, account_frozen, collateral_seized, business_stopped, control_change,
    /// misuse_of_funds, fraud_suspicion, income_loss, other
    #[arg(long, value_parser = word::<Category>)]
    pub category: Category,
    /// yellow, orange or red
    #[arg(long, value_parser = word::<Level>)]
    pub level: Level,
    #[arg(long, value_name = "TEXT")]
    pub note: String,
}

#[derive(Debug, Args)]
pub struct SignalNoteArgs {
    /// Signal id (from `duedesk warnings`)
    pub id: i64,
    #[arg(long, value_name = "TEXT")]
    pub note: String,
}

#[derive(Debug, Args)]
pub struct SignalCloseArgs {
    /// Signal id (from `duedesk warnings`)
    pub id: i64,
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct MeasureArgs {
    /// Signal id (from `duedesk warnings`)
    pub id: i64,
    /// intensified_monitoring, special_inspection, more_security, freeze_credit, call_in_early,
    /// restructure, collection, other
    #[arg(long, value_parser = word::<MeasureKind>)]
    pub kind: MeasureKind,
    #[arg(long, value_name = "TEXT")]
    pub note: String,
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Customer id, or a loan id of the customer
    pub customer: String,
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct WatchlistArgs {
    /// Every stay, those ended too
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct RatingArgs {
    /// Customer id, or a loan id of the customer
    pub customer: String,
    /// Rate worse than the rules do (supervisor): low, medium or high
    #[arg(long, value_parser = word::<Rating>, requires = "reason")]
    pub set: Option<Rating>,
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct ClassifyArgs {
    pub loan: String,
    /// special_mention, substandard, doubtful or loss: worse than the DPD floor only
    #[arg(long, value_parser = word::<RiskClass>, requires = "reason", conflicts_with = "lift")]
    pub class: Option<RiskClass>,
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// The last day the class holds
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = crate::domain::terms::parse_date, requires = "class")]
    pub until: Option<NaiveDate>,
    /// Lift the manual class in force, with this reason
    #[arg(long, value_name = "REASON", required_unless_present = "class")]
    pub lift: Option<String>,
}

/// A signal as a CSV row: its measures as one cell.
#[derive(Serialize)]
struct SignalRow<'a> {
    id: i64,
    loan_id: &'a str,
    customer_id: &'a str,
    borrower: &'a str,
    owner: Option<&'a str>,
    code: SignalCode,
    category: Option<Category>,
    level: Level,
    state: crate::domain::warning::SignalState,
    raised_on: NaiveDate,
    raised_by: &'a str,
    closed_on: Option<NaiveDate>,
    reason: Option<&'a str>,
    days_open: i64,
    measures: String,
}

fn row(s: &SignalView) -> SignalRow<'_> {
    SignalRow {
        id: s.id,
        loan_id: &s.loan_id,
        customer_id: &s.customer_id,
        borrower: &s.borrower,
        owner: s.owner.as_deref(),
        code: s.code,
        category: s.category,
        level: s.level,
        state: s.state,
        raised_on: s.raised_on,
        raised_by: &s.raised_by,
        closed_on: s.closed_on,
        reason: s.reason.as_deref(),
        days_open: s.days_open,
        measures: s
            .measures
            .iter()
            .map(|m| format!("{} {} {}: {}", m.on, m.kind, m.user, m.note))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// `duedesk warnings`.
pub fn list(desk: &Desk, a: &WarningsArgs, format: Format) -> Result<()> {
    let q = SignalQuery {
        level: a.level,
        code: a.code,
        owner: a.owner.clone(),
        loan: a.loan.clone(),
        customer: a.customer.clone(),
        all: a.all,
        since: a.since,
        limit: a.limit,
        ..SignalQuery::default()
    };
    let signals = desk.signals(&q)?;
    match format {
        Format::Json => json(&signals),
        Format::Csv => csv_list(signals.iter().map(row), header::SIGNALS),
        Format::Table => {
            let cols = [
                right("ID"),
                left("LEVEL"),
                left("LOAN"),
                flex("CUSTOMER", 6),
                flex("OWNER", 5),
                flex("CODE", 8),
                left("RAISED"),
                right("DAYS"),
                flex("DONE", 6),
            ];
            let body: Vec<Vec<String>> = signals
                .iter()
                .map(|s| {
                    let code = match s.category {
                        Some(c) => format!("{}:{c}", s.code),
                        None => s.code.to_string(),
                    };
                    let done = match (s.state, s.measures.last()) {
                        (crate::domain::warning::SignalState::Closed, _) => "closed".to_string(),
                        (_, Some(m)) => m.kind.to_string(),
                        (state, None) => state.to_string(),
                    };
                    vec![
                        s.id.to_string(),
                        s.level.to_string(),
                        s.loan_id.clone(),
                        s.customer_id.clone(),
                        s.owner.clone().unwrap_or_else(|| "-".into()),
                        code,
                        s.raised_on.to_string(),
                        s.days_open.to_string(),
                        done,
                    ]
                })
                .collect();
            print(&table::render(&cols, &body, table_width()))?;
            if signals.is_empty() {
                print("(no warnings)\n")?;
            }
            Ok(())
        }
    }
}

fn said(s: &SignalView, what: &str) -> String {
    format!("signal {} on {} ({} {}): {what}", s.id, s.loan_id, s.level, s.code)
}

/// `duedesk warn LOAN --category … --level … --note …`.
pub fn warn(desk: &mut Desk, a: &WarnArgs, format: Format) -> Result<()> {
    let input =
        WarnInput { loan: a.loan.clone(), category: a.category, level: a.level, note: a.note.clone() };
    let s = desk.warn(&input)?;
    done(format, &s, &said(&s, "raised"))
}

pub fn confirm(desk: &mut Desk, a: &SignalNoteArgs, format: Format) -> Result<()> {
    let s = desk.confirm_signal(a.id, &a.note)?;
    done(format, &s, &said(&s, "confirmed"))
}

pub fn close(desk: &mut Desk, a: &SignalCloseArgs, format: Format) -> Result<()> {
    let s = desk.close_signal(a.id, &a.reason)?;
    done(format, &s, &said(&s, "closed"))
}

pub fn measure(desk: &mut Desk, a: &MeasureArgs, format: Format) -> Result<()> {
    let s = desk.add_measure(a.id, a.kind, &a.note)?;
    done(format, &s, &said(&s, &format!("measure {} recorded", a.kind)))
}

fn stay(w: &WatchView) -> String {
    match (&w.left_on, &w.left_by) {
        (Some(on), Some(by)) => format!("customer {} left the watchlist on {on} ({by})", w.customer_id),
        _ => format!("customer {} on the watchlist since {} ({})", w.customer_id, w.entered_on, w.reason),
    }
}

pub fn watch(desk: &mut Desk, a: &WatchArgs, format: Format) -> Result<()> {
    let w = desk.watch(&a.customer, &a.reason)?;
    done(format, &w, &stay(&w))
}

pub fn unwatch(desk: &mut Desk, a: &WatchArgs, format: Format) -> Result<()> {
    let w = desk.unwatch(&a.customer, &a.reason)?;
    done(format, &w, &stay(&w))
}

pub fn watchlist(desk: &Desk, a: &WatchlistArgs, format: Format) -> Result<()> {
    let list = desk.watchlist(a.all)?;
    match format {
        Format::Json => json(&list),
        Format::Csv => csv_list(list.iter(), header::WATCHLIST),
        Format::Table => {
            let cols = [
                flex("CUSTOMER", 8),
                flex("NAME", 6),
                flex("OWNER", 5),
                left("SINCE"),
                left("LEFT"),
                flex("REASON", 10),
            ];
            let body: Vec<Vec<String>> = list
                .iter()
                .map(|w| {
                    vec![
                        w.customer_id.clone(),
                        w.name.clone(),
                        w.owner.clone().unwrap_or_else(|| "-".into()),
                        w.entered_on.to_string(),
                        w.left_on.map_or_else(|| "-".into(), |d| d.to_string()),
                        w.reason.clone(),
                    ]
                })
                .collect();
            print(&table::render(&cols, &body, table_width()))?;
            if list.is_empty() {
                print("(nobody on the watchlist)\n")?;
            }
            Ok(())
        }
    }
}

pub fn rating(desk: &mut Desk, a: &RatingArgs, format: Format) -> Result<()> {
    let r = match (a.set, a.reason.as_deref()) {
        (Some(set), Some(reason)) => desk.rate(&a.customer, set, reason)?,
        _ => desk.rating(&a.customer)?,
    };
    let text = format!(
        "customer {}: {} risk (the rules: {}{})",
        r.customer_id,
        r.rating,
        r.rules,
        r.manual.map_or_else(String::new, |m| format!(", a supervisor: {m}"))
    );
    done(format, &r, &text)
}

pub fn classify(desk: &mut Desk, a: &ClassifyArgs, format: Format) -> Result<()> {
    let s = match (&a.lift, a.class) {
        (Some(reason), _) => desk.lift_class(&a.loan, reason)?,
        (None, Some(class)) => desk.classify(&a.loan, class, a.reason.as_deref().unwrap_or(""), a.until)?,
        (None, None) => {
            return Err(crate::app::AppError::Input(
                "classify takes --class C --reason R, or --lift R".into(),
            ));
        }
    };
    done(format, &s, &format!("loan {} is {} ({})", s.loan_id, s.class, s.class_reason))
}

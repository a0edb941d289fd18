//! `duedesk hold`, `hold-lift`, `holds`, `move`, `agency`, `write-off` and `reopen`: holds and
//! manual moves of a case (issue #6), with output as table, CSV or JSON.

use chrono::NaiveDate;
use clap::Args;

use super::format::Format;
use super::output::{csv, done, json, print};
use super::table::{self, flex, left, right};
use crate::app::moves::HoldKind;
use crate::app::{Desk, Result};
use crate::domain::Stage;

#[derive(Debug, Args)]
pub struct HoldArgs {
    /// Loan id
    pub loan: String,
    /// dispute (the debtor disputes the debt) or hardship (cannot pay for a time)
    #[arg(long, value_parser = parse_kind)]
    pub kind: HoldKind,
    /// The hold's last day
    #[arg(long, value_parser = parse_day, value_name = "DATE")]
    pub until: NaiveDate,
    /// The hold's first day; may be in the past [default: the as-of date]
    #[arg(long, value_parser = parse_day, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Why (recorded)
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct LiftArgs {
    /// Loan id
    pub loan: String,
    /// Why the hold ends early (recorded)
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

#[derive(Debug, Args)]
pub struct MoveArgs {
    /// Loan id
    pub loan: String,
    /// current, reminder, negotiation, guarantor or legal
    #[arg(long, value_parser = parse_stage, value_name = "STAGE")]
    pub to: Stage,
    /// Why (recorded on the stage event)
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Refuse if the case changed since this version (from `show`)
    #[arg(long, value_name = "V")]
    pub expect_version: Option<i64>,
}

#[derive(Debug, Args)]
#[group(id = "placement", required = true, args = ["on", "off"])]
pub struct AgencyArgs {
    /// Loan id
    pub loan: String,
    /// Place the case with this agency
    #[arg(long, value_name = "NAME")]
    pub on: Option<String>,
    /// Take the case back from its agency (needs --reason)
    #[arg(long, requires = "reason")]
    pub off: bool,
    /// Why (recorded)
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Refuse if the case changed since this version (from `show`)
    #[arg(long, value_name = "V")]
    pub expect_version: Option<i64>,
}

#[derive(Debug, Args)]
pub struct ReasonArgs {
    /// Loan id
    pub loan: String,
    /// Why (recorded on the stage event)
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Refuse if the case changed since this version (from `show`)
    #[arg(long, value_name = "V")]
    pub expect_version: Option<i64>,
}

fn parse_kind(s: &str) -> std::result::Result<HoldKind, String> {
    s.parse()
}

fn parse_day(s: &str) -> std::result::Result<NaiveDate, String> {
    crate::domain::parse_date(s)
}

fn parse_stage(s: &str) -> std::result::Result<Stage, String> {
    s.parse()
}

/// `duedesk hold`.
pub fn hold(desk: &mut Desk, a: &HoldArgs, format: Format) -> Result<()> {
    let h = desk.hold(&a.loan, a.kind, a.from, a.until, &a.reason)?;
    match format {
        Format::Json => json(&h),
        Format::Csv => csv(std::slice::from_ref(&h)),
        Format::Table => print(&format!(
            "{} hold {} on {}: {} to {}{}\n",
            h.kind,
            h.id,
            h.loan_id,
            h.from_on,
            h.until_on,
            if h.in_force { " (in force)" } else { "" }
        )),
    }
}

/// `duedesk hold-lift`.
pub fn lift(desk: &mut Desk, a: &LiftArgs, format: Format) -> Result<()> {
    let n = desk.lift_hold(&a.loan, &a.reason)?;
    let what = serde_json::json!({ "loan_id": a.loan, "lifted": n, "as_of": desk.as_of, "reason": a.reason });
    done(
        format,
        &what,
        &format!("lifted {n} hold{} on {} as of {}", if n == 1 { "" } else { "s" }, a.loan, desk.as_of),
    )
}

/// `duedesk holds [LOAN]`.
pub fn list(desk: &Desk, loan: Option<&str>, format: Format) -> Result<()> {
    let holds = desk.holds(loan)?;
    match format {
        Format::Json => json(&holds),
        Format::Csv => super::output::csv_list(holds.iter(), super::output::header::HOLDS),
        Format::Table => {
            let cols = [
                right("ID"),
                left("LOAN"),
                left("KIND"),
                left("FROM"),
                left("UNTIL"),
                left("STATE"),
                left("BY"),
                flex("REASON", 8),
            ];
            let body: Vec<Vec<String>> = holds
                .iter()
                .map(|h| {
                    let state = match (h.in_force, h.lifted_on) {
                        (true, _) => "in force".to_string(),
                        (false, Some(d)) => format!("lifted {d}"),
                        (false, None) if h.from_on > desk.as_of => "to come".to_string(),
                        (false, None) => "ended".to_string(),
                    };
                    vec![
                        h.id.to_string(),
                        h.loan_id.clone(),
                        h.kind.to_string(),
                        h.from_on.to_string(),
                        h.until_on.to_string(),
                        state,
                        h.by.clone().unwrap_or_else(|| "-".into()),
                        h.reason.clone(),
                    ]
                })
                .collect();
            let width =
                std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()).filter(|w| *w >= 80).unwrap_or(80);
            print(&table::render(&cols, &body, width))?;
            if holds.is_empty() {
                print("(no holds)\n")?;
            }
            Ok(())
        }
    }
}

/// What a manual move did, as one object.
fn moved(m: &crate::app::moves::Moved, as_of: NaiveDate, reason: &str) -> serde_json::Value {
    serde_json::json!({ "loan_id": m.loan_id, "from": m.from, "to": m.to, "as_of": as_of, "reason": reason })
}

/// `duedesk move`.
pub fn move_stage(desk: &mut Desk, a: &MoveArgs, format: Format) -> Result<()> {
    let m = desk.move_stage(&a.loan, a.to, &a.reason, a.expect_version)?;
    done(format, &moved(&m, desk.as_of, &a.reason), &format!("{}: {} → {}", m.loan_id, m.from, m.to))
}

/// `duedesk agency`.
pub fn agency(desk: &mut Desk, a: &AgencyArgs, format: Format) -> Result<()> {
    let on = if a.off { None } else { a.on.as_deref() };
    if !a.off && on.is_none() {
        return Err(crate::app::AppError::Input(
            "agency: give --on NAME to place the case, or --off --reason TEXT".into(),
        ));
    }
    desk.set_agency(&a.loan, on, a.reason.as_deref(), a.expect_version)?;
    let what = serde_json::json!({ "loan_id": a.loan, "agency": on.map(str::trim), "reason": a.reason });
    let said = match on {
        Some(name) => format!("{} placed with {}", a.loan, name.trim()),
        None => format!("{} taken back from its agency", a.loan),
    };
    done(format, &what, &said)
}

/// `duedesk write-off`.
pub fn write_off(desk: &mut Desk, a: &ReasonArgs, format: Format) -> Result<()> {
    let m = desk.write_off(&a.loan, &a.reason, a.expect_version)?;
    let said = format!("{}: {} → {} as of {}", m.loan_id, m.from, m.to, desk.as_of);
    done(format, &moved(&m, desk.as_of, &a.reason), &said)
}

/// `duedesk reopen`.
pub fn reopen(desk: &mut Desk, a: &ReasonArgs, format: Format) -> Result<()> {
    let m = desk.reopen(&a.loan, &a.reason, a.expect_version)?;
    done(format, &moved(&m, desk.as_of, &a.reason), &format!("{}: {} → {}", m.loan_id, m.from, m.to))
}

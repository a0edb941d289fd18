//! `duedesk targets set|list` and `duedesk scorecard [close]`: the collector scorecard (考核,
//! DOMAIN §12), as table, CSV or JSON.

use clap::{Args, Subcommand};
use serde::Serialize;

use super::format::Format;
use super::output::{self, csv_list, json, print, table_width};
use super::table::{self, left, right};
use crate::app::scorecard::{Scorecard, TargetsRequest};
use crate::app::{AppError, Desk, Result};
use crate::domain::Money;
use crate::domain::report::Month;
use crate::domain::scorecard::Kpi;

#[derive(Debug, Subcommand)]
pub enum TargetsCmd {
    /// Set a user's targets for a month (supervisor; audited); the KPIs not given keep theirs
    Set {
        /// The desk user
        user: String,
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        month: Month,
        /// Amount to collect in the month
        #[arg(long, value_name = "AMOUNT")]
        collected: Option<String>,
        /// Share of promises kept, percent
        #[arg(long, value_name = "PCT")]
        ptp_kept: Option<String>,
        /// Right-party contacts per call attempt to debtors, percent
        #[arg(long, value_name = "PCT")]
        rpc: Option<String>,
        /// Cases cured in the month
        #[arg(long, value_name = "N")]
        cured: Option<i64>,
        /// Work log entries signed on time, percent
        #[arg(long, value_name = "PCT")]
        logs: Option<String>,
    },
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ScorecardArgs {
    #[command(subcommand)]
    pub close: Option<ScorecardCmd>,
    /// The month [default: the desk's date's]
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub month: Option<Month>,
    /// Only this desk user's (a collector sees only their own)
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ScorecardCmd {
    /// Keep a month that has ended as it is now (supervisor; audited): later payments and
    /// corrections no longer change its scorecards
    Close {
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        month: Month,
    },
}

fn parse_month(s: &str) -> std::result::Result<Month, String> {
    s.parse()
}

/// A percentage with up to two decimals, as hundredths (`80` → 8000, `62.5` → 6250).
fn percent(flag: &str, s: &str) -> Result<i64> {
    let bad = || {
        AppError::Input(format!("--{flag}: '{s}' is not a percentage from 0 to 100 with up to two decimals"))
    };
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() || frac.len() > 2 || !whole.chars().chain(frac.chars()).all(|c| c.is_ascii_digit()) {
        return Err(bad());
    }
    let v = whole.parse::<i64>().map_err(|_| bad())? * 100
        + format!("{frac:0<2}").parse::<i64>().map_err(|_| bad())?;
    if v > 10_000 { Err(bad()) } else { Ok(v) }
}

/// A scorecard as a CSV row (the KPI lines are in the JSON).
#[derive(Serialize)]
struct Row<'a> {
    month: &'a str,
    user: &'a str,
    closed: bool,
    score: &'a str,
    collected: Money,
    ptp_kept: u64,
    ptp_broken: u64,
    rpc: u64,
    call_attempts: u64,
    cured: u64,
    logs_on_time: u64,
    logs_due: u64,
}

const HEADER: &str =
    "month,user,closed,score,collected,ptp_kept,ptp_broken,rpc,call_attempts,cured,logs_on_time,logs_due";

fn cards(cards: &[Scorecard], format: Format) -> Result<()> {
    let rows = cards.iter().map(|c| Row {
        month: &c.month,
        user: &c.user,
        closed: c.closed,
        score: &c.score,
        collected: c.collected,
        ptp_kept: c.ptp_kept,
        ptp_broken: c.ptp_broken,
        rpc: c.rpc,
        call_attempts: c.call_attempts,
        cured: c.cured,
        logs_on_time: c.logs_on_time,
        logs_due: c.logs_due,
    });
    match format {
        Format::Json => json(cards),
        Format::Csv => csv_list(rows, HEADER),
        Format::Table => {
            let cols = [
                left("MONTH"),
                left("USER"),
                right("SCORE"),
                right("COLLECTED"),
                right("PTP KEPT"),
                right("RPC"),
                right("CURED"),
                right("LOGS"),
                left("CLOSED"),
            ];
            let body: Vec<Vec<String>> = cards
                .iter()
                .map(|c| {
                    vec![
                        c.month.clone(),
                        c.user.clone(),
                        c.score.clone(),
                        c.collected.to_string(),
                        format!("{}/{}", c.ptp_kept, c.ptp_kept + c.ptp_broken),
                        format!("{}/{}", c.rpc, c.call_attempts),
                        c.cured.to_string(),
                        format!("{}/{}", c.logs_on_time, c.logs_due),
                        if c.closed { "closed".into() } else { "-".into() },
                    ]
                })
                .collect();
            print(&table::render(&cols, &body, table_width()))?;
            if cards.is_empty() {
                print("(no scorecards)\n")?;
            }
            Ok(())
        }
    }
}

pub fn targets(desk: &mut Desk, cmd: &TargetsCmd, format: Format) -> Result<()> {
    let TargetsCmd::Set { user, month, collected, ptp_kept, rpc, cured, logs } = cmd;
    let mut targets = Vec::new();
    if let Some(c) = collected {
        targets.push((
            Kpi::Collected,
            Money::parse_amount(c).map_err(|e| AppError::Input(format!("--collected: {e}")))?.cents(),
        ));
    }
    for (kpi, flag, v) in
        [(Kpi::PtpKept, "ptp-kept", ptp_kept), (Kpi::Rpc, "rpc", rpc), (Kpi::Logs, "logs", logs)]
    {
        if let Some(v) = v {
            targets.push((kpi, percent(flag, v)?));
        }
    }
    if let Some(n) = cured {
        if *n < 0 {
            return Err(AppError::Input("--cured: a count is 0 or more".into()));
        }
        targets.push((Kpi::Cured, *n));
    }
    let set = desk.set_targets(&TargetsRequest { user: user.clone(), month: *month, targets })?;
    let what: std::collections::BTreeMap<&str, i64> = set.iter().map(|(k, t)| (k.as_str(), *t)).collect();
    let done = serde_json::json!({ "user": user, "month": month, "targets": what });
    output::done(format, &done, &format!("set {}'s targets for {month}", user))
}

pub fn scorecard(desk: &mut Desk, a: &ScorecardArgs, format: Format) -> Result<()> {
    match &a.close {
        Some(ScorecardCmd::Close { month }) => {
            let closed = desk.close_scorecards(*month)?;
            let done = serde_json::json!({ "month": month, "closed": closed.len() });
            output::done(format, &done, &format!("closed {} scorecards of {month}", closed.len()))
        }
        None => {
            let month = a.month.unwrap_or_else(|| Month::of(desk.as_of));
            cards(&desk.scorecards(month, a.user.as_deref())?, format)
        }
    }
}

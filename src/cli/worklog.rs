//! `duedesk log`, `log-sign` and `logs`: the work log (工作日志, DOMAIN §10), as table, CSV or JSON.

use clap::Args;

use super::format::Format;
use super::output::{csv, csv_list, header, json, print, table_width};
use super::table::{self, flex, left, right};
use crate::app::views::WorkLogView;
use crate::app::worklog::{QuietOwner, WorkLogQuery};
use crate::app::{Desk, Result};
use crate::domain::worklog::WorkLogKind;

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Customer id, or a loan id of the customer
    pub customer: String,
    /// visit, call, analysis or other
    #[arg(long, value_parser = parse_kind)]
    pub kind: WorkLogKind,
    /// What was done and found
    #[arg(long, value_name = "TEXT")]
    pub note: String,
}

#[derive(Debug, Args)]
pub struct SignArgs {
    /// Work log entry id (from `duedesk logs`)
    pub id: i64,
    /// The supervisor's opinion (签署意见)
    #[arg(long, value_name = "TEXT")]
    pub comment: String,
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Only entries awaiting a signature, soonest deadline first
    #[arg(long, conflicts_with_all = ["late", "missing"])]
    pub unsigned: bool,
    /// Only entries signed late, or unsigned past their deadline
    #[arg(long, conflicts_with = "missing")]
    pub late: bool,
    /// The owners of cases who wrote no entry this month (one row per owner)
    #[arg(long)]
    pub missing: bool,
    /// Only this desk user's entries
    #[arg(long, value_name = "USER", conflicts_with = "missing")]
    pub owner: Option<String>,
    /// Only entries on this customer (or a loan id of it)
    #[arg(long, value_name = "CUSTOMER", conflicts_with = "missing")]
    pub customer: Option<String>,
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
}

fn parse_kind(s: &str) -> Result<WorkLogKind, String> {
    s.parse()
}

fn dash<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

fn entries(logs: &[WorkLogView], format: Format) -> Result<()> {
    match format {
        Format::Json => json(logs),
        Format::Csv => csv_list(logs.iter(), header::WORK_LOGS),
        Format::Table => {
            let cols = [
                right("ID"),
                left("DATE"),
                left("KIND"),
                left("CUSTOMER"),
                flex("BY", 6),
                left("SIGN BY"),
                flex("SIGNED", 6),
                flex("NOTE", 10),
            ];
            let body: Vec<Vec<String>> = logs
                .iter()
                .map(|w| {
                    vec![
                        w.id.to_string(),
                        w.logged_on.to_string(),
                        w.kind.to_string(),
                        w.customer_id.clone(),
                        dash(w.user.as_deref()),
                        format!("{}{}", w.sign_due, if w.late { "!" } else { "" }),
                        match (&w.signed_by, w.signed_on) {
                            (Some(by), Some(on)) => format!("{by} {on}"),
                            _ => "-".into(),
                        },
                        w.note.replace('\n', " "),
                    ]
                })
                .collect();
            print(&table::render(&cols, &body, table_width()))?;
            if logs.is_empty() {
                print("(no entries)\n")?;
            }
            Ok(())
        }
    }
}

fn quiet(owners: &[QuietOwner], format: Format) -> Result<()> {
    match format {
        Format::Json => json(owners),
        Format::Csv => csv_list(owners.iter(), header::MISSING_LOGS),
        Format::Table => {
            let cols = [flex("OWNER", 8), flex("NAME", 6), right("CASES"), left("LAST ENTRY"), left("MONTH")];
            let body: Vec<Vec<String>> = owners
                .iter()
                .map(|o| {
                    vec![
                        o.owner.clone(),
                        dash(o.display_name.as_deref()),
                        o.cases.to_string(),
                        dash(o.last_logged_on),
                        o.month.clone(),
                    ]
                })
                .collect();
            print(&table::render(&cols, &body, table_width()))?;
            if owners.is_empty() {
                print("(every owner wrote the work log this month)\n")?;
            }
            Ok(())
        }
    }
}

fn one(w: &WorkLogView, format: Format, text: String) -> Result<()> {
    match format {
        Format::Json => json(w),
        Format::Csv => csv(std::slice::from_ref(w)),
        Format::Table => print(&text),
    }
}

/// `duedesk log CUSTOMER --kind … --note …`.
pub fn log(desk: &mut Desk, a: &LogArgs, format: Format) -> Result<()> {
    let w = desk.log_work(&a.customer, a.kind, &a.note)?;
    let text = format!(
        "work log entry {} on {} ({}); a supervisor signs by {}\n",
        w.id, w.customer_id, w.kind, w.sign_due
    );
    one(&w, format, text)
}

/// `duedesk log-sign ID --comment …` (supervisor).
pub fn sign(desk: &mut Desk, a: &SignArgs, format: Format) -> Result<()> {
    let w = desk.sign_work_log(a.id, &a.comment)?;
    let late = if w.late { " (late)" } else { "" };
    let text =
        format!("signed work log entry {} on {} on {}{late}\n", w.id, w.customer_id, dash(w.signed_on));
    one(&w, format, text)
}

/// `duedesk logs`.
pub fn list(desk: &Desk, a: &LogsArgs, format: Format) -> Result<()> {
    if a.missing {
        return quiet(&desk.owners_without_logs()?, format);
    }
    let q = WorkLogQuery {
        owner: a.owner.clone(),
        customer: a.customer.clone(),
        unsigned: a.unsigned,
        late: a.late,
        limit: a.limit,
    };
    entries(&desk.work_logs(&q)?, format)
}

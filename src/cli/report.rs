//! `duedesk report …`: month-ends recorded (`capture`) and the risk reports of DOMAIN §11 read
//! from them, as table, CSV or JSON.

use clap::{Args, Subcommand};
use serde::Serialize;

use super::format::Format;
use super::output::{self, csv_list, json, print, table_width};
use super::table::{self, Column, left, right};
use crate::app::report::{By, ReportSpan};
use crate::app::{Desk, Result};
use crate::domain::report::Month;

#[derive(Debug, Subcommand)]
pub enum ReportCmd {
    /// Record a past month-end, recomputed from the ledger (supervisor; audited)
    Capture {
        /// The month whose last day is recorded
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        month: Month,
        /// Compute again a month-end recorded already
        #[arg(long)]
        replace: bool,
    },
    /// The five-tier class migration matrix (五级分类迁徙) between two month-ends; --rates for the
    /// migration rates
    Migration {
        #[command(flatten)]
        span: SpanArgs,
        /// Each class's migration rate (and into NPL) instead of the matrix
        #[arg(long)]
        rates: bool,
    },
    /// Roll flows bucket × bucket between two month-ends; --rates for the roll rates Mi → Mi+1
    Roll {
        #[command(flatten)]
        span: SpanArgs,
        /// The roll rates Mi → Mi+1 instead of the flows
        #[arg(long)]
        rates: bool,
    },
    /// The NPL ratio (不良率) at each month-end recorded from --from to --to
    Npl {
        #[command(flatten)]
        span: SpanArgs,
    },
    /// Vintage curves (账龄): 30+ DPD share by months on book per disbursement month
    Vintage {
        #[command(flatten)]
        span: SpanArgs,
    },
    /// The cure rate: of the loans overdue at --from, those current or closed at --to
    Cure {
        #[command(flatten)]
        span: SpanArgs,
    },
    /// The month's risk report for the monthly meeting: report.html (tables and charts) and each
    /// report's CSV, in a new or empty folder (supervisor)
    Pack {
        #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
        month: Month,
        /// The folder to write (made if missing; refused unless empty)
        #[arg(long, value_name = "DIR")]
        out: std::path::PathBuf,
        /// zh (default) or en
        #[arg(long, value_parser = parse_lang, default_value = "zh")]
        lang: crate::app::notice_text::NoticeLang,
    },
    /// Promises kept (承诺兑现) of those whose grace ended in each month, by owner with --by owner
    Promises {
        #[command(flatten)]
        span: SpanArgs,
    },
    /// Large customers (大额, outstanding principal ≥ 500,000.00) at each month-end recorded
    Large {
        #[command(flatten)]
        span: SpanArgs,
    },
}

#[derive(Debug, Args)]
pub struct SpanArgs {
    /// The first month-end
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub from: Month,
    /// The second (last) month-end
    #[arg(long, value_name = "YYYY-MM", value_parser = parse_month)]
    pub to: Month,
    /// Broken down by branch, product or owner
    #[arg(long, value_name = "branch|product|owner", value_parser = parse_by)]
    pub by: Option<By>,
}

fn parse_month(s: &str) -> std::result::Result<Month, String> {
    s.parse()
}

fn parse_lang(s: &str) -> std::result::Result<crate::app::notice_text::NoticeLang, String> {
    s.parse()
}

fn parse_by(s: &str) -> std::result::Result<By, String> {
    s.parse()
}

impl SpanArgs {
    fn span(&self) -> ReportSpan {
        ReportSpan { from: self.from, to: self.to, by: self.by }
    }
}

/// A report's columns: its fields in order (the CSV header) and the table's heading of each.
type Fields = &'static [(&'static str, Column)];

const FLOWS: Fields = &[
    ("group", left("GROUP")),
    ("from", left("FROM")),
    ("to", left("TO")),
    ("count", right("LOANS")),
    ("principal", right("PRINCIPAL")),
];
const RATES: Fields = &[
    ("group", left("GROUP")),
    ("from", left("FROM")),
    ("to", left("TO")),
    ("count", right("LOANS")),
    ("principal", right("PRINCIPAL")),
    ("base", right("BASE")),
    ("moved", right("MOVED")),
    ("rate", right("RATE %")),
];
const NPL: Fields = &[
    ("group", left("GROUP")),
    ("month", left("MONTH")),
    ("loans", right("LOANS")),
    ("outstanding", right("OUTSTANDING")),
    ("npl_loans", right("NPL LOANS")),
    ("npl_outstanding", right("NPL")),
    ("ratio", right("NPL %")),
];
const VINTAGE: Fields = &[
    ("group", left("GROUP")),
    ("cohort", left("COHORT")),
    ("mob", right("MOB")),
    ("month", left("MONTH")),
    ("loans", right("LOANS")),
    ("disbursed", right("DISBURSED")),
    ("bad", right("30+ DPD")),
    ("share", right("30+ %")),
];
const CURE: Fields = &[
    ("group", left("GROUP")),
    ("overdue_count", right("OVERDUE")),
    ("overdue_principal", right("PRINCIPAL")),
    ("cured_count", right("CURED")),
    ("cured_principal", right("CURED PRINCIPAL")),
    ("count_rate", right("BY COUNT %")),
    ("principal_rate", right("BY PRINCIPAL %")),
];
const PROMISES: Fields = &[
    ("group", left("GROUP")),
    ("month", left("MONTH")),
    ("kept", right("KEPT")),
    ("broken", right("BROKEN")),
    ("rate", right("KEPT %")),
];
const LARGE: Fields = &[
    ("group", left("GROUP")),
    ("month", left("MONTH")),
    ("customer_id", left("CUSTOMER")),
    ("loans", right("LOANS")),
    ("outstanding", right("OUTSTANDING")),
    ("overdue", right("OVERDUE")),
    ("max_dpd", right("DPD")),
    ("class", left("CLASS")),
    ("warning_level", left("WARN")),
    ("watchlist", left("WATCH")),
];

/// The CSV header of a report's fields.
fn header(fields: Fields) -> String {
    fields.iter().map(|(f, _)| *f).collect::<Vec<_>>().join(",")
}

fn show<T: Serialize>(rows: &[T], fields: Fields, grouped: bool, format: Format) -> Result<()> {
    match format {
        Format::Json => json(rows),
        Format::Csv => csv_list(rows.iter(), &header(fields)),
        Format::Table => {
            let fields: Vec<&(&str, Column)> =
                fields.iter().filter(|(f, _)| grouped || *f != "group").collect();
            let cols: Vec<Column> = fields.iter().map(|(_, c)| *c).collect();
            let body: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let v = serde_json::to_value(r).unwrap_or_default();
                    fields
                        .iter()
                        .map(|(f, _)| match &v[*f] {
                            serde_json::Value::Null => "-".to_string(),
                            serde_json::Value::String(s) => s.clone(),
                            other => other.to_string(),
                        })
                        .collect()
                })
                .collect();
            print(&table::render(&cols, &body, table_width()))?;
            if rows.is_empty() {
                print("(no loans)\n")?;
            }
            Ok(())
        }
    }
}

pub fn run(desk: &mut Desk, cmd: &ReportCmd, format: Format) -> Result<()> {
    match cmd {
        ReportCmd::Capture { month, replace } => {
            let mut p = super::progress("recording the month-end");
            let r = desk.capture_month_end(*month, *replace, &mut |n| p.tick(n))?;
            drop(p);
            let verb = if r.replaced { "recaptured" } else { "captured" };
            output::done(
                format,
                &r,
                &format!("{verb} the month-end of {} ({}): {} loans", r.month, r.as_of, r.loans),
            )
        }
        ReportCmd::Pack { month, out, lang } => {
            let r = desk.report_pack(*month, out, *lang)?;
            output::done(format, &r, &format!("wrote the report pack of {} to {}", r.month, r.out))
        }
        ReportCmd::Migration { span, rates: false } => {
            show(&desk.report_migration(span.span())?, FLOWS, span.by.is_some(), format)
        }
        ReportCmd::Migration { span, rates: true } => {
            show(&desk.report_migration_rates(span.span())?, RATES, span.by.is_some(), format)
        }
        ReportCmd::Roll { span, rates: false } => {
            show(&desk.report_roll(span.span())?, FLOWS, span.by.is_some(), format)
        }
        ReportCmd::Roll { span, rates: true } => {
            show(&desk.report_roll_rates(span.span())?, RATES, span.by.is_some(), format)
        }
        ReportCmd::Npl { span } => show(&desk.report_npl(span.span())?, NPL, span.by.is_some(), format),
        ReportCmd::Vintage { span } => {
            show(&desk.report_vintage(span.span())?, VINTAGE, span.by.is_some(), format)
        }
        ReportCmd::Cure { span } => show(&desk.report_cure(span.span())?, CURE, span.by.is_some(), format),
        ReportCmd::Promises { span } => {
            show(&desk.report_promises(span.span())?, PROMISES, span.by.is_some(), format)
        }
        ReportCmd::Large { span } => show(&desk.report_large(span.span())?, LARGE, span.by.is_some(), format),
    }
}

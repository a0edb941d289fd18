//! `duedesk audit [--loan L] [--actor U] [--since D] [--limit N]`, `duedesk audit verify` and
//! `duedesk reveal LOAN --field F`.

use chrono::NaiveDate;
use clap::{Args, Subcommand};
use serde::Serialize;

use super::format::Format;
use super::output::{json, print, table_width};
use super::table::{self, flex, left, right};
use crate::app::audit::{AuditQuery, AuditRow, BreakKind};
use crate::app::privacy::PiiField;
use crate::app::{AppError, Desk, Result};

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct AuditArgs {
    #[command(subcommand)]
    pub verify: Option<AuditCmd>,
    /// Only entries about this loan (a collector: one of own cases, and only with this)
    #[arg(long, value_name = "LOAN")]
    pub loan: Option<String>,
    /// Only entries by this login
    #[arg(long, value_name = "USER")]
    pub actor: Option<String>,
    /// Only entries on or after this date
    #[arg(long, value_parser = parse_day, value_name = "DATE")]
    pub since: Option<NaiveDate>,
    /// The newest N entries [default: 100]
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
}

#[derive(Debug, Subcommand)]
pub enum AuditCmd {
    /// Check the whole hash chain (supervisor): OK with the count and the head hash, or the first
    /// broken row and why, exit 1
    Verify,
}

#[derive(Debug, Args)]
pub struct RevealArgs {
    /// Loan id
    pub loan: String,
    /// phone, guarantor_phone or id
    #[arg(long, value_parser = parse_field, default_value = "phone")]
    pub field: PiiField,
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    crate::domain::parse_date(s)
}

fn parse_field(s: &str) -> Result<PiiField, String> {
    s.parse()
}

/// An entry as printed: the detail as JSON in JSON output, as text in CSV and tables.
#[derive(Serialize)]
struct Entry<'a, D: Serialize> {
    id: i64,
    at: &'a str,
    actor: &'a str,
    action: &'a str,
    entity: &'a str,
    entity_id: Option<&'a str>,
    detail: D,
}

fn entry<D: Serialize>(r: &AuditRow, detail: D) -> Entry<'_, D> {
    Entry {
        id: r.id,
        at: &r.at,
        actor: &r.actor,
        action: &r.action,
        entity: &r.entity,
        entity_id: r.entity_id.as_deref(),
        detail,
    }
}

pub fn run(desk: &Desk, a: &AuditArgs, format: Format) -> Result<()> {
    if a.verify.is_some() {
        return verify(desk, format);
    }
    let q = AuditQuery { loan: a.loan.clone(), actor: a.actor.clone(), since: a.since, limit: a.limit };
    let rows = desk.audit(&q)?;
    match format {
        Format::Json => {
            let out: Vec<_> = rows
                .iter()
                .map(|r| {
                    let detail = serde_json::from_str::<serde_json::Value>(&r.detail)
                        .unwrap_or_else(|_| serde_json::Value::String(r.detail.clone()));
                    entry(r, detail)
                })
                .collect();
            json(&out)
        }
        Format::Csv => super::output::csv_list(
            rows.iter().map(|r| entry(r, r.detail.as_str())),
            super::output::header::AUDIT,
        ),
        Format::Table => {
            let cols =
                [right("ID"), left("AT"), left("ACTOR"), left("ACTION"), left("ON"), flex("DETAIL", 10)];
            let body: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.at.get(..16).unwrap_or(&r.at).replace('T', " "),
                        r.actor.clone(),
                        r.action.clone(),
                        r.entity_id
                            .clone()
                            .map_or_else(|| r.entity.clone(), |id| format!("{} {id}", r.entity)),
                        r.detail.clone(),
                    ]
                })
                .collect();
            print(&table::render(&cols, &body, table_width()))?;
            if rows.is_empty() {
                print("(no entries)\n")?;
            }
            Ok(())
        }
    }
}

/// A broken chain is a store that is not what duedesk wrote: exit 1, as any store error.
fn verify(desk: &Desk, format: Format) -> Result<()> {
    let tty = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let check = desk.verify_audit(&mut |n| {
        if tty {
            eprint!("\rchecking the audit log: {n}");
        }
    })?;
    if tty {
        eprint!("\r");
    }
    if format == Format::Json {
        json(&check)?;
    }
    match &check.broken {
        None => {
            if format != Format::Json {
                print(&format!(
                    "OK: {} audit entries, the chain is whole; head {}\n",
                    check.rows,
                    check.head.as_deref().unwrap_or("(empty log)")
                ))?;
            }
            Ok(())
        }
        Some(b) if b.kind == BreakKind::State => Err(AppError::corrupt(format!(
            "audit log broken: {} (its {} entries chain whole)",
            b.why, check.rows
        ))),
        Some(b) => Err(AppError::corrupt(format!(
            "audit log broken at row {}: {} ({} entries before it check out)",
            b.id, b.why, check.rows
        ))),
    }
}

/// `duedesk reveal LOAN --field F`: the full value on stdout; the showing is audited.
pub fn reveal(desk: &mut Desk, a: &RevealArgs, format: Format) -> Result<()> {
    let r = desk.reveal(&a.loan, a.field)?;
    match format {
        Format::Json => json(&r),
        _ => print(&format!("{}\n", r.value)),
    }
}

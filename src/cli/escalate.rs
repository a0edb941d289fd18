//! `duedesk escalate` and `duedesk policy show|check`: the escalation policy as data and the run
//! that applies it, with output as table, CSV or JSON.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::args::Format;
use super::output::{csv, json, print};
use crate::app::escalate::{EscalationReport, load_policy};
use crate::app::{AppError, Desk, Result};
use crate::domain::policy::{DEFAULT_POLICY, Policy, parse_policy};

#[derive(Debug, Args)]
pub struct EscalateArgs {
    /// Show what would change and write nothing (any desk user)
    #[arg(long)]
    pub dry_run: bool,
    /// The policy file [default: the shipped policy, `duedesk policy show`]
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum PolicyCmd {
    /// Print the policy in force as TOML, every value written out
    Show {
        /// A policy file instead of the shipped one
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
    },
    /// Check a policy file: each bad entry as FILE:LINE: key: message on stderr, exit 2
    Check { file: PathBuf },
}

/// The policy a run uses: the file's, or the shipped default. A bad file stops here, before the
/// store is opened.
pub fn policy_from(file: Option<&Path>) -> Result<Policy> {
    match file {
        Some(f) => load_policy(f),
        None => parse_policy(DEFAULT_POLICY).map_err(|e| {
            AppError::Input(format!("the shipped policy does not parse ({} errors); this is a bug", e.len()))
        }),
    }
}

/// `duedesk policy show|check`: needs no store.
pub fn policy_cmd(what: &PolicyCmd) -> Result<()> {
    match what {
        PolicyCmd::Show { policy } => {
            print(&policy_from(policy.as_deref())?.to_toml())?;
        }
        PolicyCmd::Check { file } => {
            load_policy(file)?;
            println!("ok {}", file.display());
        }
    }
    Ok(())
}

/// `duedesk escalate`.
pub fn run(desk: &mut Desk, policy: &Policy, dry_run: bool, format: Format) -> Result<()> {
    let mut p = super::progress("refreshing the book");
    let report = desk.escalate(policy, dry_run, &mut |phase, n| {
        if p.label != phase {
            drop(std::mem::replace(&mut p, super::progress(phase)));
        }
        p.tick(n);
    })?;
    drop(p);
    write_report(&report, format)
}

/// "from → to: count" lines and a summary line.
fn summary(r: &EscalationReport) -> String {
    let mut text = String::new();
    for t in &r.transitions {
        text.push_str(&format!("{} → {}: {}\n", t.from, t.to, t.count));
    }
    let verb = if r.dry_run { "would change" } else { "changed" };
    text.push_str(&format!(
        "{} loans as of {}: {verb} {}, held by a promise {}{}{}\n",
        r.loans,
        r.as_of,
        r.changed,
        r.held,
        if r.on_hold > 0 { format!(", on hold {}", r.on_hold) } else { String::new() },
        if r.dry_run { " (dry run: nothing written)" } else { "" }
    ));
    text
}

/// A table is the summary; JSON and CSV are the changes (CONTRACT.md: lists are arrays), with the
/// summary on stderr.
fn write_report(r: &EscalationReport, format: Format) -> Result<()> {
    match format {
        Format::Table => print(&summary(r)),
        Format::Json => {
            json(&r.changes)?;
            eprint!("{}", summary(r));
            Ok(())
        }
        Format::Csv => {
            csv(&r.changes)?;
            eprint!("{}", summary(r));
            Ok(())
        }
    }
}

//! `duedesk escalate` and `duedesk policy show|check`: the escalation policy as data and the run
//! that applies it, with output as table, CSV or JSON.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};

use super::format::Format;
use super::output::{done, json, print};
use crate::app::escalate::{EscalationReport, load_policy};
use crate::app::{Desk, Result};
use crate::domain::policy::Policy;

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct EscalateArgs {
    #[command(subcommand)]
    pub then: Option<EscalateCmd>,
    /// Show what would change and write nothing (any desk user)
    #[arg(long)]
    pub dry_run: bool,
    /// The policy file [default: the store's policy in force, `duedesk policy show`]; a real run
    /// takes only the one in force
    #[arg(long, value_name = "FILE")]
    pub policy: Option<PathBuf>,
    /// Progress as lines on stderr, terminal or not (for logs): the refresh, then one line after
    /// each batch of the policy committed
    #[arg(long)]
    pub progress: bool,
}

#[derive(Debug, Subcommand)]
pub enum EscalateCmd {
    /// Undo the last run (admin): each loan it moved and nobody moved since goes back, as a stage
    /// event of its own; its tasks close; the run before it becomes the last, so a run mis-dated
    /// ahead stops locking out the correct one
    Undo {
        /// Why (recorded on each reversal and in the audit log)
        #[arg(long, value_name = "TEXT", default_value = "")]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCmd {
    /// Print the store's policy in force as TOML, every value written out
    Show {
        /// A policy file instead of the store's (needs no store)
        #[arg(long, value_name = "FILE")]
        policy: Option<PathBuf>,
        /// The shipped default (needs no store)
        #[arg(long, conflicts_with = "policy")]
        default: bool,
    },
    /// Check a policy file: each bad entry as FILE:LINE: key: message on stderr, exit 2
    Check { file: PathBuf },
    /// Make a policy file the store's policy in force for every desk user (admin); recomputes the
    /// book's due-soon dates and classes with it
    Set {
        /// The policy file (`duedesk policy show --default` is the shipped one)
        file: PathBuf,
    },
}

/// A policy file read and checked, or none. A bad file stops here, before the store is opened.
pub fn policy_from(file: Option<&Path>) -> Result<Option<Policy>> {
    file.map(load_policy).transpose()
}

/// `duedesk policy show --policy FILE|--default` and `policy check`, which need no store; `None`
/// for the others.
pub fn policy_cmd_without_store(
    what: &PolicyCmd,
    format: Format,
    value_format: Format,
) -> Option<Result<()>> {
    let r = match what {
        PolicyCmd::Show { policy: Some(f), .. } => load_policy(f).and_then(|p| show_policy(&p, value_format)),
        PolicyCmd::Show { default: true, .. } => show_policy(&Policy::default(), value_format),
        PolicyCmd::Check { file } => load_policy(file).and_then(|_| {
            let file = file.display().to_string();
            done(format, &serde_json::json!({ "ok": file }), &format!("ok {file}"))
        }),
        _ => return None,
    };
    Some(r)
}

/// `duedesk policy show` (the store's) and `policy set FILE` (`policy` read before the store opened).
pub fn policy_cmd(
    desk: &mut Desk,
    what: &PolicyCmd,
    policy: Option<Policy>,
    format: Format,
    value_format: Format,
) -> Result<()> {
    match (what, policy) {
        (PolicyCmd::Set { file }, Some(policy)) => {
            let mut p = super::progress("recomputing the book");
            desk.set_policy(&policy, &file.display().to_string(), &mut |n| p.tick(n))?;
            drop(p);
            let file = file.display().to_string();
            let what = serde_json::json!({ "policy": file, "toml": policy.to_toml() });
            done(format, &what, &format!("policy in force: {file}"))
        }
        _ => show_policy(&desk.policy, value_format),
    }
}

/// A policy: its TOML as it is, or inside an object for JSON and CSV.
fn show_policy(policy: &Policy, format: Format) -> Result<()> {
    let toml = policy.to_toml();
    match format {
        Format::Table => print(&toml),
        _ => done(format, &serde_json::json!({ "toml": toml }), ""),
    }
}

/// `duedesk escalate`: with the store's policy, or `policy` (from --policy FILE); `escalate undo`.
pub fn run(desk: &mut Desk, policy: Option<Policy>, a: &EscalateArgs, format: Format) -> Result<()> {
    if let Some(EscalateCmd::Undo { reason }) = &a.then {
        return undo(desk, reason, format);
    }
    let policy = policy.unwrap_or_else(|| desk.policy.clone());
    let mut p = super::progress("refreshing the book");
    let report = desk.escalate(&policy, a.dry_run, &mut |phase, n| {
        if a.progress {
            eprintln!("{phase}: {n}");
            return;
        }
        if p.label != phase {
            drop(std::mem::replace(&mut p, super::progress(phase)));
        }
        p.tick(n);
    })?;
    drop(p);
    write_report(&report, format)
}

/// `duedesk escalate undo`: what it did, as lines, one JSON object or one CSV row.
fn undo(desk: &mut Desk, reason: &str, format: Format) -> Result<()> {
    let mut p = super::progress("undoing the run");
    let r = desk.undo_last_run(reason, &mut |n| p.tick(n))?;
    drop(p);
    let mut text = format!(
        "undid the run as of {}: {} moves reversed, {} of its open tasks closed\n",
        r.as_of, r.reversed, r.tasks_closed
    );
    for l in &r.left {
        text.push_str(&format!(
            "left {} in {}: moved since the run put it in {}\n",
            l.loan_id, l.stage, l.run_moved_to
        ));
    }
    match r.last_run_now {
        Some(day) => text.push_str(&format!("the last run that stands is as of {day}\n")),
        None => text.push_str("no run stands now\n"),
    }
    done(format, &r, text.trim_end())
}

/// "from → to: count" lines and a summary line.
fn summary(r: &EscalationReport) -> String {
    let mut text = String::new();
    for t in &r.transitions {
        text.push_str(&format!("{} → {}: {}\n", t.from, t.to, t.count));
    }
    let verb = if r.dry_run { "would change" } else { "changed" };
    let mut held = format!("held by a promise {}", r.held);
    if r.on_hold > 0 {
        held.push_str(&format!(", on hold {}", r.on_hold));
    }
    if r.plan_held > 0 {
        held.push_str(&format!(", kept from a cure by a plan {}", r.plan_held));
    }
    let maturity = if r.maturity_notices > 0 {
        format!(", maturity notices due {}", r.maturity_notices)
    } else {
        String::new()
    };
    let s = r.signals;
    let signals = if r.dry_run {
        String::new()
    } else {
        let mut t = format!(", signals opened {} closed {}", s.opened, s.closed);
        if s.watchlist_entered + s.watchlist_left > 0 {
            t.push_str(&format!(", watchlist in {} out {}", s.watchlist_entered, s.watchlist_left));
        }
        if r.class_changes > 0 {
            t.push_str(&format!(", class changes {}", r.class_changes));
        }
        t
    };
    text.push_str(&format!(
        "{} loans as of {}: {verb} {}, {held}, dunning notices due {}{maturity}{signals}{}\n",
        r.loans,
        r.as_of,
        r.changed,
        r.dunning_notices,
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
            super::output::csv_list(r.changes.iter(), super::output::header::CHANGES)?;
            eprint!("{}", summary(r));
            Ok(())
        }
    }
}

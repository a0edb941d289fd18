//! `duedesk assign` (one case or a filter's worth), `duedesk lease` and `duedesk team`: the
//! supervisor's commands for a branch of many users, as table, CSV or JSON.

use clap::Args;

use super::format::Format;
use super::output::{csv, done, json, print, table_width};
use super::table::{self, flex, left, right};
use crate::app::assign::{AssignArgs, BulkOutcome, CaseMoveStatus};
use crate::app::leases::Lease;
use crate::app::team::TeamReport;
use crate::app::{Desk, Result};

#[derive(Debug, Args)]
pub struct LeaseArgs {
    /// Loan id (the lease covers the customer's case)
    pub loan: String,
    /// End another user's lease on the case so it can be edited (supervisor; audited)
    #[arg(long, value_name = "REASON", conflicts_with = "release")]
    pub take_over: Option<String>,
    /// Release your own lease (a desk that was closed without releasing it)
    #[arg(long)]
    pub release: bool,
}

#[derive(Debug, Args)]
pub struct TeamArgs {
    /// The month of the promise and collection figures [default: the desk's date's]
    #[arg(long, value_name = "YYYY-MM")]
    pub month: Option<String>,
}

pub fn assign(desk: &mut Desk, a: &AssignArgs, format: Format) -> Result<()> {
    if !a.loans.is_empty() {
        let to = a.to.as_deref().unwrap_or_default();
        return super::output::Out::new(format).reassigned(&desk.assign(
            &a.loans,
            to,
            a.reason.as_deref(),
        )?);
    }
    bulk(&desk.assign_bulk(&a.bulk())?, format)
}

fn bulk(o: &BulkOutcome, format: Format) -> Result<()> {
    match format {
        Format::Json => json(&o.cases),
        Format::Csv => csv(&o.cases),
        Format::Table => {
            let cols = [
                left("CUSTOMER"),
                left("LOAN"),
                right("LOANS"),
                right("OVERDUE"),
                flex("FROM", 6),
                flex("TO", 6),
                left("STATUS"),
                flex("NOTE", 10),
            ];
            let body: Vec<Vec<String>> = o
                .cases
                .iter()
                .map(|c| {
                    vec![
                        c.customer_id.clone(),
                        c.loan_id.clone(),
                        c.loans.to_string(),
                        c.overdue_amount.to_string(),
                        c.from.clone().unwrap_or_else(|| "-".into()),
                        c.to.clone().unwrap_or_else(|| "-".into()),
                        status(c.status).into(),
                        c.note.clone().unwrap_or_default(),
                    ]
                })
                .collect();
            print(&table::render(&cols, &body, table_width()))?;
            let count = |s| o.cases.iter().filter(|c| c.status == s).count();
            let moved = if o.dry_run { count(CaseMoveStatus::Planned) } else { count(CaseMoveStatus::Moved) };
            let verb = if o.dry_run { "would move" } else { "moved" };
            print(&format!("{verb} {moved} case(s); skipped {}\n", count(CaseMoveStatus::Skipped)))?;
            for l in &o.loads {
                print(&format!("  {}: {} case(s), overdue {}\n", l.user, l.cases, l.overdue_amount))?;
            }
            Ok(())
        }
    }
}

fn status(s: CaseMoveStatus) -> &'static str {
    match s {
        CaseMoveStatus::Planned => "planned",
        CaseMoveStatus::Moved => "moved",
        CaseMoveStatus::Skipped => "skipped",
    }
}

pub fn lease(desk: &mut Desk, a: &LeaseArgs, format: Format) -> Result<()> {
    if a.release {
        let released = desk.release_lease(&a.loan)?;
        let said = if released { format!("released {}", a.loan) } else { format!("{} was not held", a.loan) };
        return done(format, &serde_json::json!({ "loan_id": a.loan, "released": released }), &said);
    }
    if let Some(reason) = &a.take_over {
        let ended = desk.end_lease(&a.loan, reason)?;
        let what = serde_json::json!({
            "loan_id": a.loan, "taken_over_from": ended.as_ref().map(|l| &l.holder),
            "held_until": ended.as_ref().map(|l| &l.until), "reason": reason,
        });
        let said = match &ended {
            Some(l) => format!("took over {} from {} (held until {})", a.loan, l.holder, l.until),
            None => format!("{} was not held; it may be edited", a.loan),
        };
        return done(format, &what, &said);
    }
    let lease = desk.lease(&a.loan)?;
    // A free case is an object too: who holds it and until when, both null.
    let held = serde_json::json!({
        "loan_id": a.loan,
        "customer_id": lease.as_ref().map(|l| &l.customer_id),
        "holder": lease.as_ref().map(|l| &l.holder),
        "taken_at": lease.as_ref().map(|l| &l.taken_at),
        "until": lease.as_ref().map(|l| &l.until),
        "mine": lease.as_ref().is_some_and(|l| l.mine),
    });
    match format {
        Format::Json => json(&held),
        Format::Csv => done(format, &held, ""),
        Format::Table => match &lease {
            Some(Lease { holder, until, .. }) => {
                print(&format!("{} is being worked by {holder} until {until}\n", a.loan))
            }
            None => print(&format!("{} is free\n", a.loan)),
        },
    }
}

pub fn team(desk: &mut Desk, a: &TeamArgs, format: Format) -> Result<()> {
    let month = a.month.as_deref().map(crate::app::team::parse_month).transpose()?;
    let r = desk.team(month)?;
    match format {
        Format::Json => json(&r),
        Format::Csv => csv(&r.collectors),
        Format::Table => print(&team_table(&r)),
    }
}

fn team_table(r: &TeamReport) -> String {
    let cols = [
        flex("USER", 6),
        right("CASES"),
        right("OVERDUE"),
        right("TODAY"),
        right("PTP"),
        right("KEPT"),
        right("BROKEN"),
        right("COLLECTED"),
        right("SIGNALS"),
        right("WATCH"),
    ];
    let body: Vec<Vec<String>> =
        r.collectors.iter().map(|c| std::iter::once(c.user.clone()).chain(c.cells()).collect()).collect();
    let mut out = format!("team {} ({} to {}), as of {}\n", r.month, r.from, r.to, r.as_of);
    out.push_str(&table::render(&cols, &body, table_width()));
    let funnel: Vec<String> = r.funnel.iter().map(|s| format!("{} {}", s.stage, s.loans)).collect();
    out.push_str(&format!("stages: {}\n", funnel.join(" · ")));
    out.push_str(&format!("collected {}: {}\n", r.month, r.collected));
    out
}

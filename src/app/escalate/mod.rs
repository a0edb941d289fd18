//! The escalation run (DOMAIN §6): refresh the snapshot as of the desk's date, then apply the
//! policy to every loan, in batches that each commit whole, so a run killed at any moment leaves
//! no loan half-changed and running it again finishes the job. Idempotent for an as-of date.

use crate::store::Db;
use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::Serialize;

mod classes;
mod facts_beside;
mod maturity;
mod warnings;

pub use warnings::{SignalCounts, month_ends};
mod month_end;

pub use month_end::{BY_CAPTURE, BY_RUN, CAPTURE_BATCH};

use super::tasks;
use super::{AppError, Desk, Result};
use crate::domain::escalation::{Position, Transition, decide};
use crate::domain::plan::cure_held;
use crate::domain::policy::{Policy, parse_policy};
use crate::domain::{LoanStatus, PromiseStatus, Role, Stage};
use crate::store::{self, EscalationRow, StageEvent, StateAt, StateTable};

/// Loans looked at (and changed) per transaction: about a thirtieth of the loans a run looks at
/// on the 1,000,000-loan book, some hundreds of moves.
pub const BATCH: u32 = 10_000;

text_enum!(
    /// The parts of a run, as its progress names them (the command line prints the words; the
    /// desk shows them in its language).
    RunPhase, "run phase", {
        Refresh => "refreshing the book",
        MonthEnd => "recording the month-end",
        Apply => "applying the policy",
        Signals => "opening and closing warnings",
        Classes => "recording class changes",
    }
);

/// The actor of automatic stage changes.
pub const POLICY_ACTOR: &str = "policy";

/// One stage change a run made (or, dry, would make).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    pub loan_id: String,
    pub from: Stage,
    pub to: Stage,
    pub dpd: i64,
    pub reason: String,
}

/// How many loans went from one stage to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TransitionCount {
    pub from: Stage,
    pub to: Stage,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EscalationReport {
    pub as_of: NaiveDate,
    pub dry_run: bool,
    /// Loans looked at.
    pub loans: u64,
    /// Loans whose stage changed (or would).
    pub changed: u64,
    /// Loans a promise to pay held at their stage.
    pub held: u64,
    /// Loans a dispute or hardship hold kept from moving forward.
    pub on_hold: u64,
    /// Loans a payment plan kept from a cure: the arrears it took over are not repaid yet.
    pub plan_held: u64,
    /// Overdue loans whose dunning notice for the month fell due (a task added; dry: would be).
    pub dunning_notices: u64,
    /// Loans a month from final maturity whose maturity notice fell due (a task added; dry: would be).
    pub maturity_notices: u64,
    /// Early-warning signals opened and closed, watchlist entries and exits (a dry run: none).
    pub signals: SignalCounts,
    /// Loans whose class changed since the last run, each recorded as a class event (a dry run:
    /// none).
    pub class_changes: u64,
    /// The month-ends this run recorded (DOMAIN §11; each audited on its own, so a rerun after a
    /// killed run that recorded them lists none).
    pub month_ends: Vec<crate::domain::report::Month>,
    pub transitions: Vec<TransitionCount>,
    pub changes: Vec<Change>,
}

/// Reads and checks a policy file: each bad entry as `FILE:LINE: key: message` (exit 2).
pub fn load_policy(path: &Path) -> Result<Policy> {
    let text = super::install::user_may_read(path)
        .and_then(|()| std::fs::read_to_string(path))
        .map_err(|e| AppError::Input(format!("{}: cannot read the policy file: {e}", path.display())))?;
    parse_policy(&text).map_err(|errors| {
        AppError::File(
            errors
                .into_iter()
                .map(|e| {
                    let line = crate::text::line_of(&text, e.span.start);
                    if e.key.is_empty() {
                        format!("{}:{line}: {}", path.display(), e.message)
                    } else {
                        format!("{}:{line}: {}: {}", path.display(), e.key, e.message)
                    }
                })
                .collect(),
        )
    })
}

/// The stage change the run makes for a loan, counting the promise-held and hold-stopped ones.
fn change_for(policy: &Policy, row: &EscalationRow, report: &mut EscalationReport) -> Option<Transition> {
    let pos = position(policy, row);
    let Some(mut t) = decide(policy, &pos) else {
        let moving = decide(policy, &Position { promise_alive: false, ..pos });
        if pos.promise_alive && policy.promise_hold && moving.is_some() {
            report.held += 1;
        }
        return None;
    };
    // A dispute or hardship hold stops forward moves; a cure or a closing still applies.
    if let Some(until) = row.held_until {
        if t.to > row.stage && t.to != Stage::Closed && row.stage != Stage::Closed {
            report.on_hold += 1;
            return None;
        }
        t.reason = format!("{} (on hold until {until}: a hold stops forward moves only)", t.reason);
    }
    Some(t)
}

/// The position `decide` reads, from a snapshot row computed with the run's policy (so a
/// promise is active by that policy's grace). A promise holds only when it is worth the policy's
/// share of the overdue amount: a token promise does not stop escalation.
fn position(policy: &Policy, row: &EscalationRow) -> Position {
    let promise_alive = row.promise == Some(PromiseStatus::Active)
        && row.promise_amount.is_some_and(|amount| policy.promise_holds(amount, row.overdue));
    Position {
        stage: row.stage,
        dpd: row.dpd,
        product: row.product,
        secured: row.secured,
        closed: row.status == LoanStatus::Closed,
        written_off: row.written_off || row.status == LoanStatus::WrittenOff,
        promise_alive,
    }
}

/// Whether the plan in force on a loan still holds it from a cure (`plan::cure_held`).
fn plan_holds_cure<'a>(
    conn: impl Into<Db<'a>>,
    loan: crate::store::LoanId,
    as_of: NaiveDate,
) -> Result<bool> {
    let conn = conn.into();
    let Some(loan) = store::loan_by_id(conn, loan)? else { return Ok(false) };
    let (_, counted) = store::schedule_inputs(conn, &loan)?;
    Ok(cure_held(store::plan_hold(conn, &loan)?, &counted, as_of))
}

impl Desk {
    /// Applies the policy to every loan as of the desk's date. A supervisor's action; a dry run
    /// (any desk user) computes on this connection's scratch snapshot and writes nothing.
    /// `progress` gets a phase (a `RunPhase`'s words) and the number of loans done in it.
    pub fn escalate(
        &mut self,
        policy: &Policy,
        dry_run: bool,
        progress: &mut dyn FnMut(&'static str, u64),
    ) -> Result<EscalationReport> {
        self.escalate_in_batches(policy, dry_run, BATCH, progress)
    }

    /// The run as long work (`Store::long_work`): its roll, class changes, moves and warnings
    /// write in many transactions over the whole file.
    fn escalate_in_batches(
        &mut self,
        policy: &Policy,
        dry_run: bool,
        batch_size: u32,
        progress: &mut dyn FnMut(&'static str, u64),
    ) -> Result<EscalationReport> {
        let work = self.store.long_work()?;
        let report = self.run_in_batches(policy, dry_run, batch_size, progress);
        self.store.end_long_work(work)?;
        report
    }

    fn run_in_batches(
        &mut self,
        policy: &Policy,
        dry_run: bool,
        batch_size: u32,
        progress: &mut dyn FnMut(&'static str, u64),
    ) -> Result<EscalationReport> {
        let actor = if dry_run {
            self.actor.require(Role::Collector, "a dry run of escalation")?
        } else {
            self.actor.require(Role::Supervisor, "escalation")?
        }
        .login
        .clone();
        // The run and its snapshot use one policy: a real run only the one in force (a file that
        // differs would leave the book classed by another than every desk computes with), a dry run
        // any, computed on its own scratch snapshot.
        if !dry_run && *policy != self.policy {
            return Err(AppError::Refused(
                "this policy is not the one in force, so a run with it would leave the book out of step with \
                 every desk; an admin makes it the store's policy with `duedesk policy set FILE`, or try it \
                 with --dry-run"
                    .into(),
            ));
        }
        let (as_of, rules, at) =
            (self.as_of, policy.assess_rules(self.rules.penalty_uplift_pct), self.stamp());
        // A run dated ahead of the clock (a typo) would move the book into its future and lock out
        // every correct run after it; only a dry run may look ahead.
        let today = self.now.date_naive();
        if !dry_run && as_of > today {
            return Err(AppError::Refused(format!(
                "a run is made as of today ({today}) or earlier, not {as_of}: a run ahead would move loans for \
                 days not yet come (use --dry-run to look ahead)"
            )));
        }
        // A run for an earlier date than one already made would undo its work (cure loans that
        // were overdue by then); only a dry run may look back.
        if !dry_run
            && let Some(last) = store::last_stage_change_as_of(self.store.db(), POLICY_ACTOR)?
            && last > as_of
        {
            return Err(AppError::Refused(format!(
                "escalation already ran as of {last}, after {as_of}; a run for an earlier date would undo it \
                 (use --dry-run to look)"
            )));
        }
        // The book as of the run's date: a real run rolls the shared snapshot forward (the rows the
        // days since changed; a store without one, or one already rolled past the date, is
        // computed whole), a dry run computes its own scratch copy.
        let refreshing = RunPhase::Refresh.as_str();
        // The month-ends the run passes, each as the book stood that day, before the roll to its
        // own date moves the snapshot past them; a month-end on the run's own date once the run
        // has done that day's work (its moves, its signals), as the book stands at its close.
        let mut month_ends = if dry_run {
            Vec::new()
        } else {
            self.capture_passed_month_ends(as_of, as_of - chrono::Days::new(1), &rules, &actor, progress)?
        };
        let book = if dry_run {
            self.store.refresh_scratch(as_of, &rules, &mut |n| progress(refreshing, n))?;
            StateAt::scratch(as_of, rules)
        } else {
            let whole = match store::snapshot_for(self.store.db(), as_of)? {
                store::SnapshotFor::Holds => false,
                store::SnapshotFor::Behind => {
                    self.store.roll_to(as_of, &rules, &mut |n, _| progress(refreshing, n))?;
                    false
                }
                store::SnapshotFor::Missing | store::SnapshotFor::Ahead => {
                    self.store.write(|tx| {
                        store::refresh_all(tx, StateTable::Shared, as_of, &rules, &mut |n| {
                            progress(refreshing, n)
                        })
                    })?;
                    true
                }
            };
            // The class phase gives a loan whose class moved its next inspection again; closures,
            // write-offs and new loans are rescheduled by the action that makes them. Only a book
            // computed whole, or one whose classes were never recorded, is compared whole.
            if whole || store::class_run_on(self.store.db())?.is_none() {
                let (inspections, at) = (policy.inspections, StateAt::shared(as_of, rules));
                self.store.write(|tx| super::inspect::sync_schedule(tx, &inspections, &at))?;
            }
            StateAt::shared(as_of, rules)
        };
        // The warnings pass's customer facts are read beside the phases up to it, which write
        // nothing they read.
        let facts =
            if dry_run { None } else { Some(facts_beside::FactsBeside::start(&self.store, policy, as_of)?) };
        let class_changes = if dry_run {
            0
        } else {
            self.record_class_moves(&rules, &policy.inspections, batch_size, progress)?
        };
        let held = store::held_on(self.store.db(), as_of)?;

        let mut report = EscalationReport {
            as_of,
            dry_run,
            loans: store::snapshot_loans(self.store.db(), book.table)?,
            changed: 0,
            held: 0,
            on_hold: 0,
            plan_held: 0,
            dunning_notices: 0,
            maturity_notices: 0,
            signals: SignalCounts::default(),
            class_changes,
            month_ends: Vec::new(),
            transitions: Vec::new(),
            changes: Vec::new(),
        };
        // The notices count working days; the calendar is read once for the run.
        let calendar = super::holidays::calendar_of(self.store.db())?;
        let run = Run { policy, as_of, at: at.clone(), actor: actor.clone(), dry_run, calendar: &calendar };
        self.apply_pages(&run, book, &held, batch_size, &mut report, progress)?;
        self.maturity_notices(&run, book, batch_size, &mut report)?;
        if let Some(facts) = facts {
            let signals = RunPhase::Signals.as_str();
            report.signals = self.warnings_pass_with(policy, facts.take()?, &mut |n| progress(signals, n))?;
            month_ends.extend(self.capture_passed_month_ends(as_of, as_of, &rules, &actor, progress)?);
        }

        report.month_ends = month_ends;
        let mut counts: BTreeMap<(Stage, Stage), u64> = BTreeMap::new();
        for c in &report.changes {
            *counts.entry((c.from, c.to)).or_default() += 1;
        }
        report.changed = report.changes.len() as u64;
        report.transitions =
            counts.into_iter().map(|((from, to), count)| TransitionCount { from, to, count }).collect();
        if !dry_run {
            let detail = serde_json::json!({
                "as_of": as_of.to_string(),
                "loans": report.loans,
                "changed": report.changed,
                "held": report.held,
                "on_hold": report.on_hold,
                "plan_held": report.plan_held,
                "dunning_notices": report.dunning_notices,
                "maturity_notices": report.maturity_notices,
                "signals": report.signals,
                "class_changes": report.class_changes,
                "transitions": report.transitions,
            })
            .to_string();
            self.store.write(|tx| {
                store::insert_audit(tx, &at, &actor, "escalate", "book", Some(&as_of.to_string()), &detail)
            })?;
        }
        Ok(report)
    }
}

/// What a run decides every loan with.
struct Run<'p> {
    policy: &'p Policy,
    as_of: NaiveDate,
    /// The time recorded on its events.
    at: String,
    actor: String,
    dry_run: bool,
    /// The notices count working days.
    calendar: &'p crate::domain::workdays::WorkCalendar,
}

impl Desk {
    /// Applies the run to the loans it looks at (`store::escalation_page`), a page a transaction,
    /// so a stopped run is finished by the next.
    fn apply_pages(
        &mut self,
        run: &Run<'_>,
        book: StateAt,
        held: &std::collections::HashMap<store::LoanId, NaiveDate>,
        batch_size: u32,
        report: &mut EscalationReport,
        progress: &mut dyn FnMut(&'static str, u64),
    ) -> Result<()> {
        let (mut after, mut looked) = (0i64, 0u64);
        loop {
            let mut batch =
                |conn: crate::store::Db<'_>, report: &mut EscalationReport| -> Result<Option<i64>> {
                    let page = store::escalation_page(conn, book, held, after, batch_size)?;
                    let Some(last) = page.last() else { return Ok(None) };
                    let had = tasks::dunning_had(conn, (after, last.loan.0), run.as_of)?;
                    let (mut writes, mut audit) = (store::RunWrites::for_page(conn), Vec::new());
                    for row in &page {
                        let mut page = Page { had: had.as_ref(), writes: &mut writes, audit: &mut audit };
                        apply_one(conn, run, row, &mut page, report)?;
                    }
                    // The page's moves, their work and their audit in their order, in its transaction.
                    writes.flush(conn)?;
                    store::append_audits(conn, &audit)?;
                    looked += page.len() as u64;
                    Ok(page.last().map(|r| r.loan.0))
                };
            let next = if run.dry_run {
                batch(self.store.db(), report)?
            } else {
                self.store.write(|tx| batch(tx, report))?
            };
            match next {
                Some(last) => after = last,
                None => return Ok(()),
            }
            progress(RunPhase::Apply.as_str(), looked);
        }
    }
}

/// What a page of the run holds while its loans are decided.
struct Page<'p> {
    /// The page's loans whose month has its dunning notice, where the store answers a page at once.
    had: Option<&'p std::collections::HashSet<i64>>,
    /// Its stage moves and their work (on the server written at the page's end).
    writes: &'p mut store::RunWrites,
    /// Its moves' audit entries, appended at the page's end.
    audit: &'p mut Vec<store::AuditEntry>,
}

/// One loan of a run: its stage change (recorded, with the entered stage's work and its audit
/// entry, through the page unless dry) and the month's dunning notice it owes.
fn apply_one<'a>(
    conn: impl Into<Db<'a>>,
    run: &Run<'_>,
    row: &EscalationRow,
    page: &mut Page<'_>,
    report: &mut EscalationReport,
) -> Result<()> {
    let conn = conn.into();
    let had = page.had;
    let (as_of, at) = (run.as_of, run.at.as_str());
    let change = match change_for(run.policy, row, report) {
        Some(t)
            if t.to == Stage::Current
                && row.planned
                && row.stage != Stage::Closed
                && plan_holds_cure(conn, row.loan, as_of)? =>
        {
            report.plan_held += 1;
            None
        }
        change => change,
    };
    let stage = change.as_ref().map_or(row.stage, |t| t.to);
    // Monthly while overdue (DOMAIN §6), not only on entering reminder; a dispute or hardship
    // hold stops outbound collection, a notice included. Checked before the stage change so a dry
    // run counts what the real one adds.
    let overdue = row.dpd > 0 && row.status == LoanStatus::Active && !row.written_off;
    let dunning = overdue
        && row.held_until.is_none()
        && tasks::dunning_monthly_in(stage)
        && tasks::dunning_due_in(conn, had, row.loan, as_of)?;
    report.dunning_notices += u64::from(dunning);
    let due = tasks::WorkDue {
        as_of,
        overdue_since: (row.dpd > 0).then(|| as_of - chrono::Duration::days(row.dpd)),
        calendar: run.calendar,
    };
    let moved = change.as_ref().map(|t| t.to);
    if let Some(t) = change {
        let loan_ref = match &row.loan_ref {
            Some(r) => r.clone(),
            None => store::loan_ref_of(conn, row.loan)?,
        };
        if !run.dry_run {
            let ev = StageEvent {
                from: row.stage,
                to: t.to,
                as_of,
                actor: POLICY_ACTOR.into(),
                reason: t.reason.clone(),
                at: at.to_string(),
            };
            page.writes.stage_change(conn, row.loan, &ev)?;
            if matches!(t.to, Stage::Current | Stage::Closed) {
                // Cured or paid: the work of the stages left is history now.
                let note = format!("no longer needed: {}", t.reason);
                tasks::close_work(conn, row.loan, None, as_of, POLICY_ACTOR, &note)?;
            }
            let lacking = had.map(|h| !h.contains(&row.loan.0));
            tasks::stage_work_into(conn, page.writes, row.loan, t.to, &due, lacking, POLICY_ACTOR, at)?;
            // Each loan's move in its batch's transaction: audited even if the run stops.
            let detail = serde_json::json!({
                "before": row.stage.as_str(),
                "after": t.to.as_str(),
                "reason": t.reason,
                "as_of": as_of.to_string(),
                "by": POLICY_ACTOR,
            });
            page.audit.push(store::AuditEntry {
                at: at.to_string(),
                actor: run.actor.clone(),
                action: "stage_change".into(),
                entity: "loan".into(),
                entity_id: Some(loan_ref.clone()),
                detail: detail.to_string(),
            });
        }
        report.changes.push(Change {
            loan_id: loan_ref,
            from: row.stage,
            to: t.to,
            dpd: row.dpd,
            reason: t.reason,
        });
    }
    if dunning && !run.dry_run {
        // The entered stage's work asks for it where the stage does.
        if !moved.is_some_and(|to| tasks::stage_work(to, false).contains(&tasks::TaskKind::DunningNotice)) {
            tasks::add_dunning_lacking(conn, page.writes, row.loan, &due, POLICY_ACTOR, at)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;

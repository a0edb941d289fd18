//! The worker's side: a request answered from a `Desk` with the same actions as the command line.
//! The terminal calls `serve_with` on its worker thread; tests call it in line.

use super::lists::DEMO_LOANS;
use super::protocol::{CaseOp, Failed, LeaseOp, ListKind, Query, Reply, Request, SignalOp};
use crate::app::inspect::{ReviewInput, ReviewKind};
use crate::app::warnings::WarnInput;
use crate::app::{AppError, Desk, demo};

/// Loan ids offered for one Tab.
const COMPLETIONS: u32 = 12;
/// Entries of the Review list the desk shows (soonest deadline first).
const REVIEW_ROWS: u64 = 500;

/// Answers one request from the desk.
pub fn serve(desk: &mut Desk, req: &Request) -> Reply {
    serve_with(desk, req, &mut |_| {})
}

/// Answers one request, passing replies that tell progress to `progress` before the answer.
pub fn serve_with(desk: &mut Desk, req: &Request, progress: &mut dyn FnMut(Reply)) -> Reply {
    let generation = req.generation;
    let failed = |what, e: AppError| Reply::Failed { generation, what, message: e.to_string() };
    match &req.query {
        Query::Escalate { dry_run } => serve_run(desk, generation, *dry_run, progress),
        Query::Lease { loan, op } => {
            let taken = match op {
                LeaseOp::Take => desk.take_lease(loan).map(|_| ()),
                LeaseOp::Renew { since } => desk.renew_lease(loan, since).map(|_| ()),
                LeaseOp::Release => desk.release_lease(loan).map(|_| ()),
                LeaseOp::TakeOver(reason) => desk.take_over_lease(loan, reason).map(|_| ()),
            };
            match (taken, op) {
                (Err(e), LeaseOp::TakeOver(_)) => failed(Failed::Write, e),
                // A read-only look (another's case, a lease running elsewhere) is no failure.
                _ => Reply::Lease {
                    loan: loan.clone(),
                    op: op.clone(),
                    lease: desk.lease(loan).ok().flatten(),
                },
            }
        }
        Query::Reveal { loan, field } => match desk.reveal(loan, *field) {
            Ok(r) => Reply::Revealed(Box::new(r)),
            Err(e) => failed(Failed::Write, e),
        },
        Query::Team => match desk.team(None) {
            Ok(report) => Reply::Team { generation, report: Box::new(report) },
            Err(e) => failed(Failed::Team, e),
        },
        Query::Reports { month, by, pane } => match desk.reports_view(*month, *by, &[*pane]) {
            Ok(view) => Reply::Reports { generation, view: Box::new(view) },
            Err(e) => failed(Failed::Reports, e),
        },
        Query::AssignBulk(req) => match desk.assign_bulk(req) {
            Ok(outcome) => Reply::AssignedBulk(Box::new(outcome)),
            Err(e) => failed(Failed::Write, e),
        },
        Query::Assign { loans, to, reason } => match desk.assign(loans, to, reason.as_deref()) {
            Ok(moved) => Reply::Assigned { customers: moved.len(), to: to.clone() },
            Err(e) => failed(Failed::Write, e),
        },
        Query::Info => match desk.has_loans().and_then(|any| Ok((any, desk.roll_due()?))) {
            Ok((any, roll)) => Reply::Info { any, roll },
            Err(e) => failed(Failed::Info, e),
        },
        Query::Count => match desk.loan_count() {
            Ok(n) => Reply::Counted { loans: u64::try_from(n).unwrap_or(0) },
            Err(e) => failed(Failed::Info, e),
        },
        Query::Roll => serve_roll(desk, generation, progress),
        Query::List { list, query, want_total } => {
            let result = (|| {
                let mut page = desk.list_page(query, *want_total, &mut |_| {})?;
                if *list == ListKind::Overdue {
                    let verdicts = desk.may_call_each(page.rows.iter().map(|r| r.loan_id.as_str()))?;
                    for (r, verdict) in page.rows.iter_mut().zip(verdicts) {
                        // A held case takes no collection calls whatever the conduct rules say.
                        r.call_now = Some(r.held_until.is_none() && verdict.is_ok());
                    }
                }
                Ok::<_, AppError>(page)
            })();
            match result {
                Ok(page) => Reply::List {
                    list: *list,
                    generation,
                    offset: query.offset,
                    rows: page.rows,
                    total: page.total,
                    search: page.search,
                },
                Err(e) => failed(Failed::List(*list), e),
            }
        }
        Query::Case { loan } => match desk.show(loan) {
            Ok(d) => Reply::Case { generation, detail: Box::new(d) },
            Err(e) => failed(Failed::Case, e),
        },
        Query::Write { loan, op } => write(desk, generation, loan, op),
        Query::PlanPreview { loan, req } => match desk.plan(loan, req, None, None) {
            Ok(outcome) => Reply::PlanPreview { generation, req: *req, outcome: Box::new(outcome) },
            Err(e) => failed(Failed::Plan, e),
        },
        Query::LoadDemo => match demo::generate(desk, DEMO_LOANS, 1, &mut |_| {}) {
            Ok(r) => Reply::DemoLoaded { loans: r.loans },
            Err(e) => failed(Failed::Demo, e),
        },
        Query::Goto { typed } => match desk.find_loan(typed) {
            Ok(found) => Reply::Goto { generation, typed: typed.clone(), found },
            Err(e) => failed(Failed::Info, e),
        },
        Query::Inspections { query, want_total } => match desk.inspections(query, *want_total) {
            Ok(page) => {
                Reply::Inspections { generation, offset: query.offset, rows: page.rows, total: page.total }
            }
            Err(e) => failed(Failed::Inspections, e),
        },
        Query::Warnings { query, want_total } => match desk.signal_page(query, *want_total) {
            Ok(page) => {
                Reply::Warnings { generation, offset: query.offset, rows: page.rows, total: page.total }
            }
            Err(e) => failed(Failed::Warnings, e),
        },
        Query::Review => match desk.awaiting_review(Some(REVIEW_ROWS)) {
            Ok(items) => Reply::Review { generation, items },
            Err(e) => failed(Failed::Review, e),
        },
        Query::Sign { kind, id, comment, accept } => {
            let done = match kind {
                ReviewKind::Inspection => {
                    let input = ReviewInput {
                        id: *id,
                        comment: comment.clone(),
                        accept_class: *accept,
                        class_until: None,
                    };
                    desk.review_inspection(&input).map(|_| ())
                }
                ReviewKind::WorkLog => desk.sign_work_log(*id, comment).map(|_| ()),
            };
            match done {
                Ok(()) => Reply::Signed { kind: *kind, id: *id },
                Err(e) => failed(Failed::Write, e),
            }
        }
        // Any loan the desk may open: `show` answers every desk user and a reader, numbers masked.
        Query::CompleteLoan { prefix } => match desk.complete_loan(prefix, COMPLETIONS) {
            Ok(loans) => Reply::Completions { generation, loans },
            Err(e) => failed(Failed::Complete, e),
        },
    }
}

/// Work on a case: the command line's own actions, with their rules and version checks.
fn write(desk: &mut Desk, generation: u64, loan: &str, op: &CaseOp) -> Reply {
    let mut contact = None;
    let done = match op {
        CaseOp::Contact(input) => desk.log_contact(input).map(|c| contact = Some(c.contact_id)),
        CaseOp::TakeBack { contact } => desk.take_back_contact(loan, *contact).map(|_| ()),
        CaseOp::NextAction { on, kind, version } => {
            desk.set_next_action(loan, *on, kind.as_deref(), *version)
        }
        CaseOp::Plan { req, reason, version } => desk.plan(loan, req, Some(reason), *version).map(|_| ()),
        CaseOp::Hold { kind, from, until, reason } => {
            desk.hold(loan, *kind, *from, *until, reason).map(|_| ())
        }
        CaseOp::LiftHold { reason } => desk.lift_hold(loan, reason).map(|_| ()),
        CaseOp::Move { to, reason, version } => desk.move_stage(loan, *to, reason, *version).map(|_| ()),
        CaseOp::Agency { name, reason, version } => {
            desk.set_agency(loan, name.as_deref(), reason.as_deref(), *version)
        }
        CaseOp::WriteOff { reason, version } => desk.write_off(loan, reason, *version).map(|_| ()),
        CaseOp::Reopen { reason, version } => desk.reopen(loan, reason, *version).map(|_| ()),
        CaseOp::Inspect(input) => desk.inspect(input).map(|_| ()),
        CaseOp::WorkLog { kind, note } => desk.log_work(loan, *kind, note).map(|_| ()),
        CaseOp::Signal(op) => signal_work(desk, loan, op),
        CaseOp::Notice { kind, lang, force, dir } => {
            return match desk.issue_notice(loan, *kind, *lang, dir, *force) {
                Ok(n) => Reply::Issued { loan: loan.to_string(), notice: Box::new(n) },
                Err(e) => Reply::Failed { generation, what: Failed::Write, message: e.to_string() },
            };
        }
    };
    let what = if matches!(op, CaseOp::Plan { .. }) { Failed::Plan } else { Failed::Write };
    match done {
        Ok(()) => Reply::Written { loan: loan.to_string(), op: op.clone(), contact },
        Err(e) => Reply::Failed { generation, what, message: e.to_string() },
    }
}

/// Early warning on a case, by the command line's actions (their roles and refusals).
fn signal_work(desk: &mut Desk, loan: &str, op: &SignalOp) -> crate::app::Result<()> {
    match op {
        SignalOp::Warn { category, level, note } => {
            let input =
                WarnInput { loan: loan.to_string(), category: *category, level: *level, note: note.clone() };
            desk.warn(&input).map(|_| ())
        }
        SignalOp::Confirm { id, note } => desk.confirm_signal(*id, note).map(|_| ()),
        SignalOp::Close { id, reason } => desk.close_signal(*id, reason).map(|_| ()),
        SignalOp::Measure { id, kind, note } => desk.add_measure(*id, *kind, note).map(|_| ()),
        SignalOp::Watch { reason } => desk.watch(loan, reason).map(|_| ()),
        SignalOp::Unwatch { reason } => desk.unwatch(loan, reason).map(|_| ()),
    }
}

/// Rolls the book forward to the desk's date, passing progress on as `Reply::RollProgress` (each
/// batch: a few dozen replies on a million-loan book).
fn serve_roll(desk: &mut Desk, generation: u64, progress: &mut dyn FnMut(Reply)) -> Reply {
    match desk.roll(&mut |done, total| progress(Reply::RollProgress { done, total })) {
        Ok(rows) => Reply::Rolled { rows },
        Err(e) => Reply::Failed { generation, what: Failed::Roll, message: e.to_string() },
    }
}

/// Answers the escalation request, passing progress on as `Reply::RunProgress` (at most every
/// 10,000 loans and on each new phase, so a million-loan book sends a few hundred replies).
fn serve_run(desk: &mut Desk, generation: u64, dry_run: bool, progress: &mut dyn FnMut(Reply)) -> Reply {
    // The policy in force on the store (`policy set`), as the command line's run uses.
    let policy = desk.policy.clone();
    let mut last: Option<(&'static str, u64)> = None;
    let mut tell = |phase: &'static str, done: u64| {
        let step = last.is_none_or(|(p, d)| p != phase || done >= d + 10_000);
        if step {
            last = Some((phase, done));
            progress(Reply::RunProgress { generation, phase, done });
        }
    };
    match desk.escalate(&policy, dry_run, &mut tell) {
        Ok(report) => Reply::Ran { generation, report: Box::new(report) },
        Err(e) => Reply::Failed { generation, what: Failed::Run, message: e.to_string() },
    }
}

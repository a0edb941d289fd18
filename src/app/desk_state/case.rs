//! The case: one loan's detail in panes, its lease (this desk's to edit, or another user's), and a
//! proposed plan shown in place of the panes until saved or dropped. The `:` commands that work on
//! it are in `case_work.rs`.

use super::core::{Core, Mode, Screen, Then};
use super::inspect_form::{FormStep, InspectionForm};
use super::pages::step;
use super::protocol::{CaseOp, LeaseOp, Query, SignalOp};
use super::reading::ReadWhat;
use crate::app::keymap::Cmd;
use crate::app::leases::Lease;
use crate::app::notices::NoticeView;
use crate::app::plans::PlanOutcome;
use crate::app::strings::{Lang, fill};
use crate::app::views::LoanDetail;
use crate::domain::InstallmentStatus;
use crate::domain::plan::PlanRequest;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CasePane {
    Schedule,
    Contacts,
    Payments,
    History,
    /// The loan's inspections and what is scheduled (DOMAIN §10).
    Inspections,
    /// The customer's collateral register.
    Collateral,
    /// The customer's work log.
    WorkLog,
    /// The customer's early-warning signals with their measures.
    Signals,
}

impl CasePane {
    pub const ALL: [CasePane; 8] = [
        CasePane::Schedule,
        CasePane::Contacts,
        CasePane::Payments,
        CasePane::History,
        CasePane::Inspections,
        CasePane::Collateral,
        CasePane::WorkLog,
        CasePane::Signals,
    ];
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseState {
    pub loan: String,
    pub detail: Option<Box<LoanDetail>>,
    pub error: Option<String>,
    pub pane: CasePane,
    pub scroll: u64,
    /// The pane's row under the cursor, which Enter or `v` reads in full.
    pub cursor: u64,
    pub generation: u64,
    /// A proposed plan (`:plan N FIRST …`) shown in place of the panes until saved or dropped.
    pub plan: Option<PlanPreview>,
    /// The generation of the latest plan preview asked for; older answers are dropped.
    pub plan_generation: u64,
    /// The running lease on the case: this desk's (it may edit) or another user's (read only).
    pub lease: Option<Lease>,
    /// A supervisor took the case from this desk while it was open: no renewal, no edits.
    pub lost: bool,
    /// The contact this desk logged last on the case, which `u` takes back within seconds.
    pub last_logged: Option<i64>,
    /// An inspection being recorded (`K`), in place of the panes until sent or dropped.
    pub form: Option<InspectionForm>,
}

/// A plan as previewed: the request (saved as it is with `:plan save REASON`) and the new schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanPreview {
    pub req: PlanRequest,
    pub outcome: Box<PlanOutcome>,
}

impl CaseState {
    /// Whether the case is on a dispute or hardship hold in force: no collection calls.
    pub fn held(&self) -> bool {
        self.detail.as_ref().is_some_and(|d| d.holds.iter().any(|h| h.in_force))
    }

    /// Lines in the focused pane (for scrolling limits).
    pub fn pane_len(&self) -> u64 {
        if let Some(p) = &self.plan {
            return p.outcome.schedule.len() as u64;
        }
        let Some(d) = &self.detail else { return 0 };
        let n = match self.pane {
            CasePane::Schedule => d.schedule.len(),
            CasePane::Contacts => d.contacts.len(),
            CasePane::Payments => d.payments.len() + d.promises.len(),
            CasePane::History => {
                d.stage_events.len()
                    + d.class_events.len()
                    + d.assignments.len()
                    + d.plans.len()
                    + d.notices.len()
                    + d.holds.len()
                    + d.tasks.len()
            }
            CasePane::Inspections => d.next_inspections.len() + d.inspections.len(),
            CasePane::Collateral => d.collateral_items.len(),
            CasePane::WorkLog => d.work_logs.len(),
            CasePane::Signals => d.signals.iter().map(|s| 1 + s.measures.len()).sum(),
        };
        n as u64
    }
}

/// The case's update: its state and the shared core.
pub(super) struct CaseScreen<'a> {
    pub core: &'a mut Core,
    pub case: &'a mut Option<CaseState>,
}

impl CaseScreen<'_> {
    /// Opens a loan's case and takes its lease, giving back the one on the case left.
    pub fn open(&mut self, loan: String) {
        self.release_lease();
        self.core.leave_list();
        if self.core.screen != Screen::Case {
            self.core.case_return = self.core.screen;
        }
        let generation = self.core.next_generation();
        *self.case = Some(CaseState {
            loan: loan.clone(),
            detail: None,
            error: None,
            pane: CasePane::Schedule,
            scroll: 0,
            cursor: 0,
            generation,
            plan: None,
            plan_generation: 0,
            lease: None,
            lost: false,
            last_logged: None,
            form: None,
        });
        self.core.screen = Screen::Case;
        self.core.ask_as(generation, Query::Case { loan: loan.clone() });
        self.core.ask(Query::Lease { loan, op: LeaseOp::Take });
    }

    /// Gives back this desk's lease on the case it leaves (another desk may work it now).
    pub fn release_lease(&mut self) {
        let Some(c) = self.case.as_mut() else { return };
        match c.lease.take() {
            Some(l) if l.mine => {
                let loan = c.loan.clone();
                self.core.ask(Query::Lease { loan, op: LeaseOp::Release });
            }
            other => c.lease = other,
        }
    }

    /// Loads the open case again (after a write), keeping the pane.
    pub fn reload(&mut self) {
        let generation = self.core.next_generation();
        if let Some(c) = self.case.as_mut() {
            c.generation = generation;
            self.core.ask_as(generation, Query::Case { loan: c.loan.clone() });
        }
    }

    /// A key on the case.
    pub fn cmd(&mut self, cmd: Cmd) {
        let view = self.core.case_rows();
        match cmd {
            Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown | Cmd::Top | Cmd::Bottom => {
                let Some(c) = self.case.as_mut() else { return };
                // The pane scrolls to keep the cursor in view; an empty one keeps it on its top.
                if let Some((cursor, scroll)) = step(cmd, c.cursor, c.scroll, c.pane_len().max(1), view) {
                    (c.cursor, c.scroll) = (cursor, scroll);
                }
            }
            Cmd::Open if self.case.as_ref().is_some_and(|c| c.plan.is_none() && c.pane_len() > 0) => {
                self.core.read(ReadWhat::Row);
            }
            Cmd::NextPane | Cmd::PrevPane => {
                let Some(c) = self.case.as_mut() else { return };
                let i = CasePane::ALL.iter().position(|p| *p == c.pane).unwrap_or(0);
                let n = CasePane::ALL.len();
                let j = if cmd == Cmd::NextPane { (i + 1) % n } else { (i + n - 1) % n };
                c.pane = CasePane::ALL[j];
                c.scroll = 0;
                c.cursor = 0;
            }
            Cmd::Back => {
                if let Some(c) = self.case.as_mut().filter(|c| c.plan.is_some()) {
                    c.plan = None;
                    c.scroll = 0;
                    c.cursor = 0;
                    self.core.say(self.core.lang.text().msg_plan_dropped);
                    return;
                }
                // Back where the case was opened from: a list, the run's changes or the team.
                self.core.screen = self.core.case_return;
                self.release_lease();
                self.core.then(Then::EnsureVisible);
            }
            Cmd::TakeBack => {
                match self.case.as_ref().and_then(|c| c.last_logged.map(|id| (c.loan.clone(), id))) {
                    Some((loan, contact)) => self.write(loan, CaseOp::TakeBack { contact }),
                    None => self.core.say(self.core.lang.text().msg_nothing_to_take_back),
                }
            }
            Cmd::InspectForm => self.open_form(),
            Cmd::RaiseWarning
            | Cmd::ConfirmSignal
            | Cmd::CloseSignal
            | Cmd::AddMeasure
            | Cmd::ToggleWatch => self.signal_key(cmd),
            // The other case keys open the command line at their command.
            Cmd::WorkLog
            | Cmd::LogPromise
            | Cmd::LogContact
            | Cmd::LogInbound
            | Cmd::NextAction
            | Cmd::ProposePlan
            | Cmd::IssueNotice => {
                self.core.mode = Mode::Command;
                self.core.input.set(match cmd {
                    Cmd::LogPromise => "ptp ",
                    Cmd::LogContact => "log ",
                    Cmd::LogInbound => "in ",
                    Cmd::ProposePlan => "plan ",
                    Cmd::IssueNotice => "notice ",
                    Cmd::WorkLog => "worklog ",
                    _ => "next ",
                });
            }
            _ => {}
        }
    }

    pub fn loaded(&mut self, generation: u64, detail: Box<LoanDetail>) {
        let view = self.core.case_rows();
        let Some(c) = self.case.as_mut().filter(|c| c.generation == generation) else { return };
        // First sight of a case opens its schedule at the work: the last paid installment, then
        // what is overdue and due.
        let first_load = c.detail.is_none();
        c.detail = Some(detail);
        c.error = None;
        if first_load && c.pane == CasePane::Schedule {
            let open = c
                .detail
                .as_ref()
                .and_then(|d| d.schedule.iter().position(|l| l.status != InstallmentStatus::Paid));
            let max = c.pane_len().saturating_sub(view);
            c.scroll = open.map_or(0, |i| (i as u64).saturating_sub(1)).min(max);
            c.cursor = open.map_or(0, |i| i as u64);
        }
    }

    pub fn lease(&mut self, loan: String, op: LeaseOp, lease: Option<Lease>) {
        if let LeaseOp::TakeOver(_) = op
            && lease.as_ref().is_some_and(|l| l.mine)
        {
            self.core.say(fill(self.core.lang.text().msg_taken_over, &[&loan]));
        }
        let lost = matches!(op, LeaseOp::Renew { .. }) && !lease.as_ref().is_some_and(|l| l.mine);
        if let Some(c) = self.case.as_mut().filter(|c| c.loan == loan && op != LeaseOp::Release) {
            c.lease = lease;
            if lost && !c.lost {
                c.lost = true;
                self.core.say(fill(self.core.lang.text().msg_lease_lost, &[&loan]));
            }
        }
    }

    pub fn previewed(&mut self, generation: u64, req: PlanRequest, outcome: Box<PlanOutcome>) {
        let lang = self.core.lang;
        let Some(c) = self.case.as_mut().filter(|c| c.plan_generation == generation) else { return };
        let text = fill(lang.text().msg_plan_previewed, &[&lang.plan_kind(&outcome.kind), &outcome.loan_id]);
        c.plan = Some(PlanPreview { req, outcome });
        c.scroll = 0;
        c.cursor = 0;
        self.core.say(text);
    }

    /// Whether the open case is on a hold in force: no collection calls.
    pub fn held(&self) -> bool {
        self.held_until().is_some()
    }

    fn held_until(&self) -> Option<(crate::domain::HoldKind, chrono::NaiveDate)> {
        let d = self.case.as_ref()?.detail.as_ref()?;
        d.holds.iter().find(|h| h.in_force).map(|h| (h.kind, h.until_on))
    }

    /// Why the call keys do nothing on a held case.
    pub fn say_held(&mut self) {
        let lang = self.core.lang;
        if let Some((kind, until)) = self.held_until() {
            self.core.say(fill(lang.text().msg_held_no_calls, &[&lang.hold_kind(kind), &until]));
        }
    }

    /// A write on the case went through: say what was done and load the case again.
    pub fn written(&mut self, loan: &str, op: &CaseOp, contact: Option<i64>) {
        let (lang, t) = (self.core.lang, self.core.lang.text());
        if let Some(c) = self.case.as_mut().filter(|c| c.loan == loan) {
            c.last_logged = match op {
                CaseOp::Contact(input) if input.corrects.is_none() => contact,
                _ => None,
            };
        }
        let text = match op {
            CaseOp::Contact(c) if c.corrects.is_some() => fill(t.msg_noted, &[&loan]),
            CaseOp::TakeBack { .. } => fill(t.msg_taken_back, &[&loan]),
            CaseOp::Contact(c) => match c.promise {
                Some((amount, date)) => fill(t.msg_logged_promise, &[&amount, &date, &loan]),
                None if c.note.is_empty() => fill(t.msg_logged_take_back, &[&lang.outcome(c.outcome), &loan]),
                None => fill(t.msg_logged, &[&lang.outcome(c.outcome), &loan]),
            },
            CaseOp::Plan { req, .. } => fill(t.msg_plan_saved, &[&lang.plan_kind(req.kind.as_str()), &loan]),
            CaseOp::Notice { .. } => String::new(),
            CaseOp::Hold { kind, until, .. } => fill(t.msg_held, &[&loan, &lang.hold_kind(*kind), &until]),
            CaseOp::LiftHold { .. } => fill(t.msg_lifted, &[&loan]),
            CaseOp::Move { to, .. } => fill(t.msg_moved, &[&loan, &lang.stage(*to)]),
            CaseOp::Agency { name: Some(name), .. } => fill(t.msg_agency_placed, &[&loan, name]),
            CaseOp::Agency { name: None, .. } => fill(t.msg_agency_back, &[&loan]),
            CaseOp::WriteOff { .. } => fill(t.msg_written_off, &[&loan]),
            CaseOp::Reopen { .. } => fill(t.msg_reopened, &[&loan]),
            CaseOp::Inspect(input) => fill(t.msg_inspected, &[&lang.inspection_kind(input.kind), &loan]),
            CaseOp::WorkLog { .. } => fill(t.msg_work_logged, &[&loan]),
            CaseOp::Signal(s) => signal_said(lang, loan, s),
            CaseOp::NextAction { on, kind, .. } => fill(
                t.msg_next_set,
                &[
                    &loan,
                    &on.map_or_else(|| "-".to_string(), |d| d.to_string()),
                    &kind.as_deref().unwrap_or(""),
                ],
            ),
        };
        self.core.say(text);
        if let (CaseOp::Inspect(_), Some(c)) = (op, self.case.as_mut()) {
            c.form = None;
            c.pane = CasePane::Inspections;
            c.scroll = 0;
            c.cursor = 0;
            self.core.mode = Mode::Normal;
        }
        // A signal raised is shown where it is worked: first in the Signals pane, newest first.
        if let (CaseOp::Signal(SignalOp::Warn { .. }), Some(c)) = (op, self.case.as_mut()) {
            c.pane = CasePane::Signals;
            c.scroll = 0;
            c.cursor = 0;
        }
        if let (CaseOp::Plan { .. }, Some(c)) = (op, self.case.as_mut()) {
            c.plan = None;
            c.scroll = 0;
            c.cursor = 0;
        }
        self.reload();
    }

    /// `K`, `:inspect`: the inspection form, for the inspection the case has due.
    pub fn open_form(&mut self) {
        let day = self.core.info.as_of;
        let Some(c) = self.case.as_mut().filter(|c| c.plan.is_none()) else { return };
        let due = c.detail.as_ref().and_then(|d| d.next_inspections.iter().map(|n| n.kind).next());
        c.form =
            Some(InspectionForm::new(due.unwrap_or(crate::domain::inspection::InspectionKind::Routine), day));
        self.core.mode = Mode::Form;
    }

    /// A key on the inspection form: sent as the command line's `inspect`, or dropped.
    pub fn form_key(&mut self, key: crate::app::keymap::Key) {
        let Some(c) = self.case.as_mut() else { return };
        let loan = c.loan.clone();
        let Some(form) = c.form.as_mut() else {
            self.core.mode = Mode::Normal;
            return;
        };
        match form.key(key, &loan) {
            FormStep::Stay => {}
            FormStep::Drop => {
                c.form = None;
                self.core.mode = Mode::Normal;
                self.core.say(self.core.lang.text().msg_form_dropped);
            }
            FormStep::Send(input) => {
                self.core.ask(Query::Write { loan, op: CaseOp::Inspect(input) });
            }
        }
    }

    /// Work on the case keeps its lease running (unless another user holds it).
    pub fn renew_lease(&mut self, loan: &str) {
        let Some(c) = self.case.as_ref().filter(|c| c.loan == loan && !c.lost) else { return };
        let op = match &c.lease {
            Some(l) if l.mine => LeaseOp::Renew { since: l.taken_at.clone() },
            Some(_) => return,
            None => LeaseOp::Take,
        };
        self.core.ask(Query::Lease { loan: loan.to_string(), op });
    }

    pub fn issued(&mut self, notice: &NoticeView) {
        self.core.say(fill(
            self.core.lang.text().msg_notice_issued,
            &[&notice.number, &files_said(&notice.files)],
        ));
        self.reload();
        self.core.then(Then::RefreshLists { recount: true });
    }

    pub fn failed(&mut self, generation: u64, message: &str) {
        if let Some(c) = self.case.as_mut().filter(|c| c.generation == generation) {
            c.error = Some(message.to_string());
        }
    }

    /// A refused preview or save. A refused save (a stale case) drops the preview and reloads, so
    /// the plan is proposed again on what the other desk changed; `true` when it did.
    pub fn plan_failed(&mut self, generation: u64) -> bool {
        let Some(c) = self.case.as_mut().filter(|c| c.plan.is_some() && c.plan_generation < generation)
        else {
            return false;
        };
        c.plan = None;
        c.scroll = 0;
        c.cursor = 0;
        self.reload();
        true
    }
}

/// The files of a notice as the status bar says them: the first in full, the others by what differs
/// (`notices/DL1-dunning-2026-03-01.txt + .html`), so the path fits a line.
fn files_said(files: &[String]) -> String {
    let Some((first, rest)) = files.split_first() else { return String::new() };
    let stem = std::path::Path::new(first).with_extension("");
    let mut out = first.clone();
    for f in rest {
        let p = std::path::Path::new(f);
        match p.extension().and_then(|e| e.to_str()) {
            Some(ext) if p.with_extension("") == stem => out.push_str(&format!(" + .{ext}")),
            _ => out.push_str(&format!(" + {f}")),
        }
    }
    out
}

/// What the status bar says once early-warning work on `loan` went through.
fn signal_said(lang: Lang, loan: &str, op: &SignalOp) -> String {
    let t = lang.text();
    match op {
        SignalOp::Warn { level, .. } => fill(t.msg_warned, &[&lang.level(*level), &loan]),
        SignalOp::Confirm { id, .. } => fill(t.msg_signal_confirmed, &[id, &loan]),
        SignalOp::Close { id, .. } => fill(t.msg_signal_closed, &[id, &loan]),
        SignalOp::Measure { id, kind, .. } => fill(t.msg_measure_recorded, &[&lang.measure_kind(*kind), id]),
        SignalOp::Watch { .. } => fill(t.msg_watched, &[&loan]),
        SignalOp::Unwatch { .. } => fill(t.msg_unwatched, &[&loan]),
    }
}

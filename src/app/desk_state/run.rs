//! The escalation run from the desk (issue #6): a preview of what tonight's run would change (a dry
//! run, any desk user) and the run itself (supervisors), with progress while the worker computes
//! and the report after.

use super::core::{Core, Then};
use super::pages::step;
use super::protocol::Query;
use crate::app::escalate::{EscalationReport, RunPhase};
use crate::app::keymap::Cmd;
use crate::app::strings::fill;
use crate::domain::Role;

/// The escalation run on screen: progress while it works, then its report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunState {
    /// A preview (writes nothing) or the run itself.
    pub dry_run: bool,
    pub generation: u64,
    /// The phase under way and the loans done in it.
    pub progress: Option<(RunPhase, u64)>,
    pub report: Option<Box<EscalationReport>>,
    pub error: Option<String>,
    /// The change under the cursor and the first one on screen.
    pub selected: u64,
    pub top: u64,
    /// The run key was pressed once: the next press applies the run.
    pub confirm: bool,
}

impl RunState {
    pub fn busy(&self) -> bool {
        self.report.is_none() && self.error.is_none()
    }

    fn changes(&self) -> u64 {
        self.report.as_ref().map_or(0, |r| r.changes.len() as u64)
    }
}

/// The run screen's update: its state and the shared core.
pub(super) struct RunScreen<'a> {
    pub core: &'a mut Core,
    pub run: &'a mut Option<RunState>,
}

impl RunScreen<'_> {
    /// `E`, `:escalate`: previews tonight's run; `:escalate run` applies it.
    pub fn open(&mut self, dry_run: bool) {
        self.core.leave_list();
        self.core.screen = super::core::Screen::Run;
        if self.run.as_ref().is_some_and(RunState::busy) {
            self.core.say(self.core.lang.text().msg_run_busy);
            return;
        }
        let generation = self.core.ask(Query::Escalate { dry_run });
        *self.run = Some(RunState {
            dry_run,
            generation,
            progress: None,
            report: None,
            error: None,
            selected: 0,
            top: 0,
            confirm: false,
        });
    }

    /// A key on the run screen.
    pub fn cmd(&mut self, cmd: Cmd) {
        let view = self.core.run_rows();
        let Some(run) = self.run.as_mut() else {
            if cmd == Cmd::Back {
                self.core.show_list();
            }
            return;
        };
        let confirm = std::mem::take(&mut run.confirm);
        match cmd {
            Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown | Cmd::Top | Cmd::Bottom => {
                if let Some((selected, top)) = step(cmd, run.selected, run.top, run.changes(), view) {
                    (run.selected, run.top) = (selected, top);
                }
            }
            Cmd::Open => {
                let change =
                    run.report.as_ref().and_then(|r| r.changes.get(usize::try_from(run.selected).ok()?));
                if let Some(c) = change {
                    let loan = c.loan_id.clone();
                    self.core.then(Then::OpenCase(loan));
                }
            }
            Cmd::Back => self.core.show_list(),
            Cmd::RunApply => {
                let t = self.core.lang.text();
                let runs = self.core.info.role.is_some_and(|r| r.includes(Role::Supervisor));
                if run.busy() {
                    self.core.say(t.msg_run_busy);
                } else if !runs {
                    self.core.say(t.msg_run_supervisors);
                } else if !confirm {
                    run.confirm = true;
                    let as_of = self.core.info.as_of;
                    self.core.say(fill(t.msg_run_confirm, &[&as_of]));
                } else {
                    self.open(false);
                }
            }
            _ => {}
        }
    }

    pub fn progress(&mut self, generation: u64, phase: &str, done: u64) {
        if let Some(run) = self.run.as_mut().filter(|r| r.generation == generation) {
            run.progress = phase.parse().ok().map(|p| (p, done));
        }
    }

    pub fn done(&mut self, generation: u64, report: Box<EscalationReport>) {
        let Some(run) = self.run.as_mut().filter(|r| r.generation == generation) else { return };
        let t = self.core.lang.text();
        let said = if report.dry_run { t.msg_run_previewed } else { t.msg_run_applied };
        let text = fill(said, &[&report.changed, &report.as_of]);
        let applied = !report.dry_run;
        run.report = Some(report);
        run.progress = None;
        self.core.say(text);
        // A run changes stages everywhere: the lists and the open case are asked again.
        if applied {
            self.core.then(Then::RefreshLists { recount: true });
            self.core.then(Then::ReloadCase);
        }
    }

    pub fn failed(&mut self, generation: u64, message: &str) {
        if let Some(run) = self.run.as_mut().filter(|r| r.generation == generation) {
            run.error = Some(message.to_string());
            run.progress = None;
        }
    }
}

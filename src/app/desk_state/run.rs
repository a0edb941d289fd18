//! The escalation run from the desk (issue #6): a preview of what tonight's run would change (a dry
//! run, any desk user) and the run itself (supervisors), with progress while the worker computes
//! and the report after. A child of `desk_state`, so it shares the state's private helpers.

use super::{Cmd, DeskState, Failed, Query, Reply, Request, RunState, Screen, fill};

impl DeskState {
    /// `:escalate` (or `E`): previews tonight's run; `:escalate run` applies it.
    pub(super) fn open_run(&mut self, args: &str) -> Vec<Request> {
        match args.trim() {
            "" | "preview" => self.start_run(true),
            "run" => self.start_run(false),
            _ => {
                self.say(self.lang.text().msg_usage_escalate);
                Vec::new()
            }
        }
    }

    fn start_run(&mut self, dry_run: bool) -> Vec<Request> {
        self.leave_list();
        self.screen = Screen::Run;
        if self.run.as_ref().is_some_and(RunState::busy) {
            self.say(self.lang.text().msg_run_busy);
            return Vec::new();
        }
        let generation = self.next_generation();
        self.run = Some(RunState {
            dry_run,
            generation,
            progress: None,
            report: None,
            error: None,
            selected: 0,
            top: 0,
            confirm: false,
        });
        vec![Request { generation, query: Query::Escalate { dry_run } }]
    }

    /// Rows of the changes list on screen.
    pub fn run_rows(&self) -> u64 {
        u64::from(self.size.1.saturating_sub(super::RUN_CHROME)).max(1)
    }

    /// Keys on the run screen; `None` leaves the key to the common handling.
    pub(super) fn run_cmd(&mut self, cmd: Cmd) -> Option<Vec<Request>> {
        let view = self.run_rows();
        let run = self.run.as_mut()?;
        let confirm = std::mem::take(&mut run.confirm);
        match cmd {
            Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown | Cmd::Top | Cmd::Bottom => {
                let n = run.changes();
                if n == 0 {
                    return Some(Vec::new());
                }
                let (sel, page) = (run.selected, view);
                run.selected = match cmd {
                    Cmd::Up => sel.saturating_sub(1),
                    Cmd::Down => sel + 1,
                    Cmd::PageUp => sel.saturating_sub(page),
                    Cmd::PageDown => sel + page,
                    Cmd::Top => 0,
                    _ => n - 1,
                }
                .min(n - 1);
                if run.selected < run.top {
                    run.top = run.selected;
                } else if run.selected >= run.top + view {
                    run.top = run.selected + 1 - view;
                }
                Some(Vec::new())
            }
            Cmd::Open => {
                let loan =
                    run.report.as_ref()?.changes.get(usize::try_from(run.selected).ok()?)?.loan_id.clone();
                Some(self.open_case(loan))
            }
            Cmd::Back => {
                self.screen = self.list_screen;
                Some(self.ensure_visible())
            }
            Cmd::RunApply => {
                let t = self.lang.text();
                if run.busy() {
                    self.say(t.msg_run_busy);
                    return Some(Vec::new());
                }
                if !confirm {
                    run.confirm = true;
                    let as_of = self.info.as_of;
                    self.say(fill(t.msg_run_confirm, &[&as_of]));
                    return Some(Vec::new());
                }
                Some(self.start_run(false))
            }
            _ => None,
        }
    }

    pub(super) fn run_progress(&mut self, generation: u64, phase: &'static str, done: u64) -> Vec<Request> {
        if let Some(run) = self.run.as_mut().filter(|r| r.generation == generation) {
            run.progress = Some((phase, done));
        }
        Vec::new()
    }

    pub(super) fn run_done(&mut self, generation: u64, report: Box<super::EscalationReport>) -> Vec<Request> {
        let Some(run) = self.run.as_mut().filter(|r| r.generation == generation) else { return Vec::new() };
        let t = self.lang.text();
        let text = if report.dry_run {
            fill(t.msg_run_previewed, &[&report.changed, &report.as_of])
        } else {
            fill(t.msg_run_applied, &[&report.changed, &report.as_of])
        };
        let applied = !report.dry_run;
        run.report = Some(report);
        run.progress = None;
        self.say(text);
        // A run changes stages everywhere: the lists and the open case are asked again.
        if applied {
            let mut out = self.refresh_lists(true);
            out.extend(self.reload_case());
            return out;
        }
        Vec::new()
    }

    pub(super) fn run_failed(&mut self, generation: u64, message: &str) {
        if let Some(run) = self.run.as_mut().filter(|r| r.generation == generation) {
            run.error = Some(message.to_string());
            run.progress = None;
        }
    }
}

/// Answers the escalation request, passing progress on as `Reply::RunProgress` (at most every
/// 10,000 loans and on each new phase, so a million-loan book sends a few hundred replies).
pub(super) fn serve_run(
    desk: &mut super::Desk,
    generation: u64,
    dry_run: bool,
    progress: &mut dyn FnMut(Reply),
) -> Reply {
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

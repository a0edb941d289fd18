//! The whole desk on screen, and `apply`: the one place its state changes. An action goes to the
//! screen it concerns (lists, case, run, team), which changes its own state and the shared core;
//! what a screen asks of another (`Then`) is carried out after it, and the requests for the worker
//! are returned.

use std::ops::{Deref, DerefMut};

mod command_line;

use crate::app::assign::{BulkOutcome, CaseMoveStatus};
use crate::app::desk_state::case::{CaseScreen, CaseState};
use crate::app::desk_state::command::CaseCommand;
use crate::app::desk_state::core::{Action, Core, DeskInfo, Mode, Screen, Then};
use crate::app::desk_state::help::HelpState;
use crate::app::desk_state::inspections::{InspectionsScreen, InspectionsState};
use crate::app::desk_state::lists::{self, ListState, Lists};
use crate::app::desk_state::protocol::{CaseOp, Failed, ListKind, Query, Reply, Request};
use crate::app::desk_state::reports::{ReportsScreen, ReportsState};
use crate::app::desk_state::review::{ReviewScreen, ReviewState};
use crate::app::desk_state::run::{RunScreen, RunState};
use crate::app::desk_state::team::{TeamScreen, TeamState};
use crate::app::desk_state::warnings::{WarningsScreen, WarningsState};
use crate::app::keymap::{Cmd, Keymap};
use crate::app::search::Found;
use crate::app::strings::{Lang, fill};
use crate::app::views::LoanQuery;
use crate::domain::Outcome;

/// The whole desk on screen: the shared core (which it derefs to) and each screen's own state.
#[derive(Debug, Clone)]
pub struct DeskState {
    core: Core,
    pub due: ListState,
    pub overdue: ListState,
    pub case: Option<CaseState>,
    pub run: Option<RunState>,
    pub team: Option<TeamState>,
    pub reports: Option<ReportsState>,
    pub inspections: Option<InspectionsState>,
    pub review: Option<ReviewState>,
    pub warnings: Option<WarningsState>,
}

impl Deref for DeskState {
    type Target = Core;

    fn deref(&self) -> &Core {
        &self.core
    }
}

impl DerefMut for DeskState {
    fn deref_mut(&mut self) -> &mut Core {
        &mut self.core
    }
}

impl DeskState {
    pub fn new(info: DeskInfo) -> DeskState {
        DeskState {
            core: Core::new(info),
            due: ListState::default(),
            overdue: ListState::default(),
            case: None,
            run: None,
            team: None,
            reports: None,
            inspections: None,
            review: None,
            warnings: None,
        }
    }

    /// The desk in the user's language with the user's key map (`config::load`).
    pub fn configured(info: DeskInfo, lang: Lang, keymap: Keymap) -> DeskState {
        let mut state = DeskState::new(info);
        state.core.lang = lang;
        state.core.keymap = keymap;
        state
    }

    /// The requests to make when the desk opens.
    pub fn start(&mut self) -> Vec<Request> {
        self.core.ask(Query::Info);
        self.core.take_asked()
    }

    pub fn list(&self, kind: ListKind) -> &ListState {
        match kind {
            ListKind::DueSoon => &self.due,
            ListKind::Overdue => &self.overdue,
        }
    }

    /// The question a list asks the store.
    pub fn query(&self, kind: ListKind) -> LoanQuery {
        lists::query(&self.core, kind)
    }

    fn lists(&mut self) -> Lists<'_> {
        Lists { core: &mut self.core, due: &mut self.due, overdue: &mut self.overdue }
    }

    fn case_screen(&mut self) -> CaseScreen<'_> {
        CaseScreen { core: &mut self.core, case: &mut self.case }
    }

    fn run_screen(&mut self) -> RunScreen<'_> {
        RunScreen { core: &mut self.core, run: &mut self.run }
    }

    fn team_screen(&mut self) -> TeamScreen<'_> {
        TeamScreen { core: &mut self.core, team: &mut self.team }
    }

    fn reports_screen(&mut self) -> ReportsScreen<'_> {
        ReportsScreen { core: &mut self.core, reports: &mut self.reports }
    }

    fn inspections_screen(&mut self) -> InspectionsScreen<'_> {
        InspectionsScreen { core: &mut self.core, list: &mut self.inspections }
    }

    fn warnings_screen(&mut self) -> WarningsScreen<'_> {
        WarningsScreen { core: &mut self.core, list: &mut self.warnings }
    }

    fn review_screen(&mut self) -> ReviewScreen<'_> {
        ReviewScreen { core: &mut self.core, review: &mut self.review }
    }

    /// The post-loan lists on show are asked again (a write, another desk's commit).
    fn refresh_work(&mut self) {
        self.inspections_screen().requery(false);
        self.warnings_screen().requery(false);
        if self.core.screen == Screen::Review {
            self.review_screen().ask();
        }
    }

    /// Changes the state; returns the requests for the worker.
    pub fn apply(&mut self, action: Action) -> Vec<Request> {
        if self.core.layout.too_small && !acts_unseen(&action) {
            return Vec::new();
        }
        if !matches!(action, Action::Prefix(_)) {
            self.core.pending.clear();
        }
        match action {
            Action::Cmd(cmd) => self.cmd(cmd),
            Action::Prefix(k) => self.core.pending.push(k),
            Action::Unbound => {}
            Action::Edit(e) => self.edit(e),
            Action::Complete => self.complete(),
            Action::History(back) => {
                if self.core.mode == Mode::Command {
                    self.core.walk_history(back);
                    self.core.completing = None;
                }
            }
            Action::InputSubmit => self.submit(),
            Action::InputCancel => self.cancel(),
            Action::Help(m) => {
                let l = self.core.layout;
                self.core.help.scroll(m, l.help_rows, l.help_lines);
            }
            Action::HelpSearch => self.core.help.searching = true,
            Action::Read(m) => {
                let l = self.core.layout;
                if let Some(r) = self.core.reading.as_mut() {
                    r.scroll(m, l.reading_rows, l.reading_lines);
                }
            }
            Action::CloseReading => {
                self.core.reading = None;
                self.core.mode = Mode::Normal;
            }
            Action::CloseHelp => self.core.mode = Mode::Normal,
            Action::Layout(layout) => {
                self.core.layout = layout;
                self.core.help.clamp(layout.help_rows, layout.help_lines);
                if let Some(r) = self.core.reading.as_mut() {
                    r.view.clamp(layout.reading_rows, layout.reading_lines);
                }
                self.lists().relayout();
            }
            Action::Reply(r) => self.reply(r),
            Action::Confirm(yes) => self.core.confirmed(yes),
            Action::Form(k) => self.case_screen().form_key(k),
            Action::ExpireMessage => self.core.message = None,
            Action::ConfigProblems(n) => {
                let t = self.core.lang.text();
                self.core.say(fill(if n == 1 { t.msg_config_problem } else { t.msg_config_problems }, &[&n]));
            }
        }
        self.follow_up();
        self.core.take_asked()
    }

    /// Carries out what the screens asked of each other, until nothing is left.
    fn follow_up(&mut self) {
        loop {
            let then = self.core.take_then();
            if then.is_empty() {
                return;
            }
            for t in then {
                match t {
                    Then::OpenCase(loan) => self.case_screen().open(loan),
                    Then::EnsureVisible => self.lists().ensure_visible(),
                    Then::RefreshLists { recount } => self.lists().refresh(recount),
                    Then::ReloadCase => self.case_screen().reload(),
                }
            }
        }
    }

    fn quit(&mut self) {
        self.core.quit = true;
        // Another desk may work the open case at once rather than when the lease runs out.
        self.case_screen().release_lease();
    }

    fn cmd(&mut self, cmd: Cmd) {
        if !matches!(cmd, Cmd::ToggleMine | Cmd::LoadDemo) {
            self.core.message = None;
        }
        match (cmd, self.core.screen) {
            (Cmd::Quit, _) => self.quit(),
            (Cmd::Help, _) => {
                self.core.mode = Mode::Help;
                self.core.help = HelpState::default();
            }
            (Cmd::CommandLine, _) => {
                self.core.mode = Mode::Command;
                self.core.input.clear();
            }
            (Cmd::RunPreview, _) => self.run_screen().open(true),
            (Cmd::TeamView, _) => self.team_screen().open(),
            (Cmd::ReportsView, _) => self.reports_screen().open(None),
            (Cmd::ToggleMine, _) => {
                self.lists().toggle_mine();
                self.inspections_screen().requery(true);
                self.warnings_screen().requery(true);
            }
            (Cmd::InspectionsView, _) => self.inspections_screen().open(None),
            (Cmd::ReviewView, _) => self.review_screen().open(),
            (Cmd::WarningsView, _) => self.warnings_screen().open(None),
            (Cmd::LoadDemo, _) => self.lists().load_demo(),
            (Cmd::NextStage, _) => self.lists().next_stage(),
            (Cmd::NextSort, _) => self.lists().next_sort(),
            (Cmd::LogNoAnswer | Cmd::LogBusy | Cmd::LogPromise, Screen::Case)
                if self.case_screen().held() =>
            {
                self.case_screen().say_held()
            }
            (Cmd::LogNoAnswer, Screen::Case) => {
                self.case_screen().run(CaseCommand::Call { outcome: Outcome::NoAnswer, note: String::new() })
            }
            (Cmd::LogBusy, Screen::Case) => {
                self.case_screen().run(CaseCommand::Call { outcome: Outcome::Busy, note: String::new() })
            }
            (_, Screen::DueSoon) => self.lists().cmd(ListKind::DueSoon, cmd),
            (_, Screen::Overdue) => self.lists().cmd(ListKind::Overdue, cmd),
            (_, Screen::Case) => self.case_screen().cmd(cmd),
            (_, Screen::Run) => self.run_screen().cmd(cmd),
            (_, Screen::Team) => self.team_screen().cmd(cmd),
            (_, Screen::Reports) => self.reports_screen().cmd(cmd),
            (_, Screen::Inspections) => self.inspections_screen().cmd(cmd),
            (_, Screen::Review) => self.review_screen().cmd(cmd),
            (_, Screen::Warnings) => self.warnings_screen().cmd(cmd),
        }
    }

    /// The loan of the case open on the desk, if one is.
    fn core_case_loan(&self) -> Option<String> {
        self.case.as_ref().map(|c| c.loan.clone())
    }

    fn reply(&mut self, reply: Reply) {
        match reply {
            Reply::Info { any, roll } => self.lists().info(any, roll),
            Reply::Counted { loans } => self.core.loans_in_store = Some(loans),
            Reply::RollProgress { done, total } => self.core.rolling = Some((done, total)),
            Reply::Rolled { rows } => {
                self.lists().rolled(rows);
                self.case_screen().reload();
            }
            Reply::List { list, generation, offset, rows, total, search } => {
                self.lists().rows(list, generation, offset, rows, total, search)
            }
            Reply::Case { generation, detail } => self.case_screen().loaded(generation, detail),
            Reply::DemoLoaded { loans } => self.lists().demo_loaded(loans),
            Reply::Written { loan, op, contact } => {
                self.case_screen().written(&loan, &op, contact);
                self.lists().refresh(!matches!(op, CaseOp::Contact(_)));
                self.case_screen().renew_lease(&loan);
                self.refresh_work();
            }
            Reply::Inspections { generation, offset, rows, total } => {
                self.inspections_screen().rows(generation, offset, rows, total)
            }
            Reply::Warnings { generation, offset, rows, total } => {
                self.warnings_screen().rows(generation, offset, rows, total)
            }
            Reply::Review { generation, items } => self.review_screen().loaded(generation, items),
            Reply::Signed { kind, id } => {
                self.review_screen().signed(kind, id);
                self.inspections_screen().requery(false);
            }
            Reply::Lease { loan, op, lease } => self.case_screen().lease(loan, op, lease),
            Reply::Team { generation, report } => self.team_screen().figures(generation, report),
            Reply::Reports { generation, view } => self.reports_screen().figures(generation, view),
            Reply::Revealed(r) => {
                let said =
                    fill(self.core.lang.text().msg_revealed, &[&r.loan_id, &r.field.as_str(), &r.value]);
                self.core.say(said);
            }
            Reply::AssignedBulk(outcome) => {
                if !(outcome.dry_run && self.core.bulk_previewed(&outcome)) {
                    self.assigned_bulk(&outcome);
                }
            }
            Reply::Assigned { customers, to } => {
                self.core.marked.clear();
                self.core.say(fill(self.core.lang.text().msg_assigned, &[&customers, &to]));
                self.lists().refresh(true);
                self.case_screen().reload();
            }
            Reply::StoreChanged => {
                self.lists().refresh(true);
                self.refresh_work();
                self.case_screen().reload();
                // Another desk's change may be a supervisor taking the open case over.
                if let Some(loan) = self.core_case_loan() {
                    self.case_screen().renew_lease(&loan);
                }
                match self.core.screen {
                    Screen::Team => self.team_screen().ask(),
                    Screen::Reports => self.reports_screen().ask_fresh(),
                    _ => {}
                }
            }
            Reply::RunProgress { generation, phase, done } => {
                self.run_screen().progress(generation, phase, done)
            }
            Reply::Ran { generation, report } => self.run_screen().done(generation, report),
            Reply::PlanPreview { generation, req, outcome } => {
                self.case_screen().previewed(generation, req, outcome)
            }
            Reply::Issued { notice, .. } => self.case_screen().issued(&notice),
            Reply::Completions { generation, loans } => self.completed(generation, loans),
            Reply::Goto { typed, found, .. } => {
                let t = self.core.lang.text();
                match found {
                    Found::One(loan) => self.case_screen().open(loan),
                    Found::Nothing => self.core.say(fill(t.msg_goto_nothing, &[&typed])),
                    Found::Many { total, first } => {
                        let more = if total as usize > first.len() { "…" } else { "" };
                        let ids = format!("{}{more}", first.join(", "));
                        self.core.say(fill(t.msg_goto_many, &[&total, &typed, &ids]));
                    }
                }
            }
            Reply::Failed { generation, what, message } => {
                match what {
                    Failed::List(kind) => self.lists().failed(kind, generation, &message),
                    Failed::Case => self.case_screen().failed(generation, &message),
                    Failed::Demo => self.core.loading_demo = false,
                    Failed::Write | Failed::Info => {}
                    Failed::Run => self.run_screen().failed(generation, &message),
                    Failed::Roll => self.core.rolling = None,
                    Failed::Team => self.team_screen().failed(generation, &message),
                    Failed::Reports => self.reports_screen().failed(generation, &message),
                    Failed::Plan => {
                        self.case_screen().plan_failed(generation);
                    }
                    Failed::Complete => self.core.completing = None,
                    Failed::Inspections => self.inspections_screen().failed(&message),
                    Failed::Warnings => self.warnings_screen().failed(&message),
                    Failed::Review => self.review_screen().failed(generation, &message),
                }
                self.core.say(message);
            }
        }
    }

    fn assigned_bulk(&mut self, outcome: &BulkOutcome) {
        let t = self.core.lang.text();
        let moved = outcome.cases.iter().filter(|c| c.status != CaseMoveStatus::Skipped).count();
        let skipped = outcome.cases.len() - moved;
        let shares: Vec<String> = outcome.loads.iter().map(|l| format!("{} {}", l.user, l.cases)).collect();
        let said = if outcome.dry_run { t.msg_bulk_planned } else { t.msg_bulk_moved };
        self.core.say(fill(said, &[&moved, &skipped, &shares.join(", ")]));
        if !outcome.dry_run {
            self.lists().refresh(true);
            self.case_screen().reload();
        }
    }
}

/// What may act while the terminal is too small to show the desk: quitting, the help, a resize,
/// and what the worker and the clock bring; a key that would work a case unseen does nothing.
fn acts_unseen(action: &Action) -> bool {
    match action {
        Action::Cmd(cmd) => matches!(cmd, Cmd::Quit | Cmd::Help),
        Action::CloseHelp | Action::Help(_) | Action::Layout(_) | Action::Reply(_) => true,
        Action::ExpireMessage | Action::ConfigProblems(_) => true,
        Action::Prefix(_) | Action::Unbound | Action::Edit(_) | Action::Complete => false,
        Action::InputSubmit | Action::InputCancel | Action::HelpSearch => false,
        // A confirmation answered unseen would move or write off cases; the command line's
        // history and the reading popup wait until they can be seen.
        Action::Confirm(_) | Action::History(_) | Action::Read(_) | Action::CloseReading => false,
        // The inspection form records an inspection.
        Action::Form(_) => false,
    }
}

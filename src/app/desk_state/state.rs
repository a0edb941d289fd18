//! The whole desk on screen, and `apply`: the one place its state changes. An action goes to the
//! screen it concerns (lists, case, run, team), which changes its own state and the shared core;
//! what a screen asks of another (`Then`) is carried out after it, and the requests for the worker
//! are returned.

use std::ops::{Deref, DerefMut};

use super::case::{CaseScreen, CaseState};
use super::command::{self, Arg, CaseCommand, Command};
use super::confirm;
use super::core::{Action, Core, DeskInfo, Mode, Screen, Then};
use super::help::HelpState;
use super::inspections::{InspectionsScreen, InspectionsState};
use super::lists::{self, ListState, Lists};
use super::protocol::{CaseOp, Failed, ListKind, Query, Reply, Request};
use super::reading::ReadWhat;
use super::reports::{ReportsScreen, ReportsState};
use super::review::{ReviewScreen, ReviewState};
use super::run::{RunScreen, RunState};
use super::team::{TeamScreen, TeamState};
use crate::app::assign::{BulkOutcome, CaseMoveStatus};
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

    fn review_screen(&mut self) -> ReviewScreen<'_> {
        ReviewScreen { core: &mut self.core, review: &mut self.review }
    }

    /// The post-loan lists on show are asked again (a write, another desk's commit).
    fn refresh_work(&mut self) {
        self.inspections_screen().requery(false);
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
            }
            (Cmd::InspectionsView, _) => self.inspections_screen().open(None),
            (Cmd::ReviewView, _) => self.review_screen().open(),
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
        }
    }

    fn edit(&mut self, e: super::line::Edit) {
        match self.core.mode {
            Mode::Help if self.core.help.searching => {
                self.core.help.search.edit(e);
                self.core.help.scroll = 0;
            }
            Mode::Filter => {
                let before = self.core.input.as_str().to_string();
                self.core.input.edit(e);
                if self.core.input.as_str() != before {
                    self.lists().filter_changed();
                }
            }
            Mode::Command => {
                self.core.input.edit(e);
                self.core.completing = None;
            }
            Mode::Help | Mode::Normal | Mode::Reading | Mode::Form => {}
        }
    }

    fn submit(&mut self) {
        match self.core.mode {
            Mode::Help => self.core.help.searching = false,
            Mode::Filter => {
                self.core.mode = Mode::Normal;
                self.core.input.clear();
            }
            Mode::Command => {
                self.core.mode = Mode::Normal;
                self.core.completing = None;
                let line = self.core.input.as_str().trim().to_string();
                self.core.input.clear();
                self.core.remember(&line);
                self.run_command(&line);
            }
            Mode::Normal | Mode::Reading | Mode::Form => {}
        }
    }

    fn cancel(&mut self) {
        match self.core.mode {
            Mode::Help => {
                self.core.help.search.clear();
                self.core.help.searching = false;
                self.core.help.scroll = 0;
            }
            Mode::Filter => {
                self.core.mode = Mode::Normal;
                self.core.input.clear();
                if !self.core.filter.is_empty() {
                    self.core.filter.clear();
                    self.lists().requery_all();
                }
            }
            Mode::Command => {
                self.core.mode = Mode::Normal;
                self.core.completing = None;
                self.core.input.clear();
                self.core.remember("");
            }
            Mode::Normal | Mode::Reading | Mode::Form => {}
        }
    }

    /// Tab on the command line: the next of the completions on offer, else completions for the
    /// word at the cursor: a command's name, one of the words its argument takes, or loan ids
    /// (asked of the worker).
    fn complete(&mut self) {
        if self.core.input.cycle_next() || self.core.completing.is_some() {
            return;
        }
        let (start, word) = self.core.input.word();
        let before: Vec<&str> = self.core.input.as_str()[..start].split_whitespace().collect();
        let candidates: Vec<String> = match before.as_slice() {
            [] => command::names_from(word),
            [verb] => match command::find(verb).map(|c| c.arg) {
                Some(Arg::Words { words, .. }) => {
                    words().into_iter().filter(|w| w.starts_with(word)).map(String::from).collect()
                }
                Some(Arg::Loan) => {
                    let prefix = word.to_string();
                    let line = self.core.input.as_str().to_string();
                    let generation = self.core.ask(Query::CompleteLoan { prefix });
                    self.core.completing = Some((generation, line));
                    return;
                }
                Some(Arg::Text) | None => Vec::new(),
            },
            _ => Vec::new(),
        };
        self.core.input.complete(start, candidates);
    }

    /// Loan ids for the Tab that asked, if the line is still as it was.
    fn completed(&mut self, generation: u64, loans: Vec<String>) {
        let asked = self.core.completing.take();
        let still = asked.is_some_and(|(g, line)| g == generation && line == self.core.input.as_str());
        if !still || self.core.mode != Mode::Command {
            return;
        }
        let (start, word) = self.core.input.word();
        if loans.is_empty() {
            let said = fill(self.core.lang.text().msg_no_loan_starts, &[&word]);
            self.core.say(said);
        }
        self.core.input.complete(start, loans);
    }

    fn run_command(&mut self, line: &str) {
        let (verb, rest) = line.split_once(char::is_whitespace).map_or((line, ""), |(v, r)| (v, r.trim()));
        if verb.is_empty() {
            return;
        }
        let lang = self.core.lang;
        let Some(spec) = command::find(verb) else { return self.core.say(command::unknown(verb, lang)) };
        if spec.needs_case() && (self.core.screen != Screen::Case || self.case.is_none()) {
            return self.core.say(lang.text().msg_open_case_first);
        }
        match (spec.parse)(rest) {
            Ok(c) => self.execute(c),
            Err(e) => self.core.say(command::refusal(spec, &e, lang)),
        }
    }

    fn execute(&mut self, c: Command) {
        match c {
            Command::Quit => self.quit(),
            Command::Goto(typed) => {
                self.core.ask(Query::Goto { typed });
            }
            Command::Sort(sort) => self.lists().set_sort(sort),
            Command::Stage(stage) => self.lists().set_stage(stage),
            Command::Escalate { dry_run } => self.run_screen().open(dry_run),
            Command::Team => self.team_screen().open(),
            Command::Reports(month) => self.reports_screen().open(month),
            Command::Messages => self.core.read(ReadWhat::Messages),
            Command::Inspections(overdue) => self.inspections_screen().open(overdue),
            Command::Review => self.review_screen().open(),
            Command::Sign { accept, comment } => self.review_screen().sign(comment, accept),
            Command::Assign { to, reason } => {
                let loans: Vec<String> = if !self.core.marked.is_empty() {
                    self.core.marked.iter().cloned().collect()
                } else if let (Screen::Case, Some(c)) = (self.core.screen, &self.case) {
                    vec![c.loan.clone()]
                } else {
                    self.lists().selected_loan().into_iter().collect()
                };
                if loans.is_empty() {
                    let spec = command::find("assign").copied();
                    let said = spec.map(|s| command::refusal(&s, &command::ArgError::Usage, self.core.lang));
                    return self.core.say(said.unwrap_or_default());
                }
                self.assign_first(loans, to, reason);
            }
            Command::AssignLoans { loans, to, reason } => self.assign_first(loans, to, reason),
            Command::AssignBulk(req) if req.dry_run => {
                self.core.ask(Query::AssignBulk(Box::new(req)));
            }
            // Previewed first (its dry run), then held for `y`.
            Command::AssignBulk(mut req) => {
                self.core.bulk_preview = Some(Box::new(req.clone()));
                req.dry_run = true;
                self.core.ask(Query::AssignBulk(Box::new(req)));
            }
            Command::Case(CaseCommand::WriteOff(reason)) => self.write_off_first(reason),
            Command::Override(reason) => {
                self.core.say(fill(self.core.lang.text().msg_override_set, &[&reason]));
                self.core.override_reason = Some(reason);
            }
            Command::Case(c) => self.case_screen().run(c),
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
                    Failed::Review => self.review_screen().failed(generation, &message),
                }
                self.core.say(message);
            }
        }
    }

    /// Cases given to a user by name or by mark, once `y` says so.
    fn assign_first(&mut self, loans: Vec<String>, to: String, reason: Option<String>) {
        let t = self.core.lang.text();
        let said = fill(t.confirm_assign, &[&loans.len(), &to, &confirm::loans_said(&self.core, &loans)]);
        self.core.ask_first(Query::Assign { loans, to, reason }, said);
    }

    /// A write-off of the open case, once `y` says so, against the version on screen.
    fn write_off_first(&mut self, reason: String) {
        let Some(c) = self.case.as_ref().filter(|_| self.core.screen == Screen::Case) else {
            return self.core.say(self.core.lang.text().msg_open_case_first);
        };
        let t = self.core.lang.text();
        if c.lost {
            return self.core.say(fill(t.msg_lease_lost, &[&c.loan]));
        }
        let d = c.detail.as_deref();
        let payoff = d.map_or_else(|| "-".to_string(), |d| d.summary.payoff_amount.to_string());
        let said = fill(t.confirm_write_off, &[&c.loan, &payoff, &reason]);
        let version = d.map(|d| d.version);
        let query = Query::Write { loan: c.loan.clone(), op: CaseOp::WriteOff { reason, version } };
        self.core.ask_first(query, said);
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

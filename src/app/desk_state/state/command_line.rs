//! The `:` line and the filter line: editing, submitting, Tab completion, and carrying out a
//! command from the table (those that move or write off cases held for `y`).

use super::DeskState;
use crate::app::desk_state::command::{self, Arg, CaseCommand, Command};
use crate::app::desk_state::confirm;
use crate::app::desk_state::core::{Mode, Screen};
use crate::app::desk_state::protocol::{CaseOp, Query};
use crate::app::desk_state::reading::ReadWhat;
use crate::app::strings::fill;

impl DeskState {
    pub(super) fn edit(&mut self, e: crate::app::desk_state::line::Edit) {
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

    pub(super) fn submit(&mut self) {
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

    pub(super) fn cancel(&mut self) {
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
    pub(super) fn complete(&mut self) {
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
    pub(super) fn completed(&mut self, generation: u64, loans: Vec<String>) {
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

    pub(super) fn run_command(&mut self, line: &str) {
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

    pub(super) fn execute(&mut self, c: Command) {
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
            Command::Warnings(filter) => self.warnings_screen().open(filter),
            Command::Level(marks) => self.lists().set_marks(marks),
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

    /// Cases given to a user by name or by mark, once `y` says so.
    pub(super) fn assign_first(&mut self, loans: Vec<String>, to: String, reason: Option<String>) {
        let t = self.core.lang.text();
        let said = fill(t.confirm_assign, &[&loans.len(), &to, &confirm::loans_said(&self.core, &loans)]);
        self.core.ask_first(Query::Assign { loans, to, reason }, said);
    }

    /// A write-off of the open case, once `y` says so, against the version on screen.
    pub(super) fn write_off_first(&mut self, reason: String) {
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
}

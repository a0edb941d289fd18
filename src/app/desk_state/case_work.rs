//! The `:` commands (and `n`/`b`) that work on the open case: each becomes the same `Desk` action
//! the command line runs, against the loan and the version on screen.

use super::case::CaseScreen;
use super::command::CaseCommand;
use super::core::Screen;
use super::protocol::{CaseOp, LeaseOp, Query};
use crate::app::casework::ContactInput;
use crate::app::strings::fill;
use crate::app::views::LoanDetail;

impl CaseScreen<'_> {
    /// Carries out a command on the open case, or says to open one.
    pub fn run(&mut self, c: CaseCommand) {
        let (loan, detail) = match (self.core.screen, self.case.as_ref()) {
            (Screen::Case, Some(case)) => (case.loan.clone(), case.detail.as_deref().cloned()),
            _ => return self.core.say(self.core.lang.text().msg_open_case_first),
        };
        let version = detail.as_ref().map(|d| d.version);
        match c {
            CaseCommand::Call { outcome, note } => {
                let mut input = ContactInput::call(&loan, outcome);
                input.note = note;
                self.write(loan, CaseOp::Contact(Box::new(input)));
            }
            CaseCommand::Promise { amount, on, note } => {
                let mut input = ContactInput::call(&loan, crate::domain::Outcome::Promise);
                input.promise = Some((amount, on));
                input.note = note;
                self.write(loan, CaseOp::Contact(Box::new(input)));
            }
            CaseCommand::Log { outcome, party, channel, note } => {
                let mut input = ContactInput::call(&loan, outcome);
                input.party = party.unwrap_or(input.party);
                input.channel = channel.unwrap_or(input.channel);
                input.note = note;
                self.write(loan, CaseOp::Contact(Box::new(input)));
            }
            CaseCommand::Inbound { outcome, party, note } => {
                let mut input = ContactInput::call(&loan, outcome);
                input.direction = crate::domain::Direction::Inbound;
                input.party = party.unwrap_or(input.party);
                input.note = note;
                self.write(loan, CaseOp::Contact(Box::new(input)));
            }
            CaseCommand::Note(text) => self.add_note(loan, detail.as_ref(), text),
            CaseCommand::Next { on, kind } => self.write(loan, CaseOp::NextAction { on, kind, version }),
            CaseCommand::PlanPreview(req) => {
                let generation = self.core.next_generation();
                if let Some(c) = self.case.as_mut() {
                    c.plan_generation = generation;
                }
                self.core.ask_as(generation, Query::PlanPreview { loan, req });
            }
            CaseCommand::PlanSave(reason) => {
                match self.case.as_ref().and_then(|c| c.plan.as_ref()).map(|p| p.req) {
                    Some(req) => self.write(loan, CaseOp::Plan { req, reason, version }),
                    None => self.core.say(self.core.lang.text().msg_plan_nothing_to_save),
                }
            }
            CaseCommand::Notice { kind, lang, force, dir } => {
                self.write(loan, CaseOp::Notice { kind, lang, force, dir });
            }
            CaseCommand::Hold { kind, from, until, reason } => {
                self.write(loan, CaseOp::Hold { kind, from, until, reason });
            }
            CaseCommand::Lift(reason) => self.write(loan, CaseOp::LiftHold { reason }),
            CaseCommand::Move { to, reason } => self.write(loan, CaseOp::Move { to, reason, version }),
            CaseCommand::Agency { name, reason } => {
                self.write(loan, CaseOp::Agency { name, reason, version })
            }
            CaseCommand::WriteOff(reason) => self.write(loan, CaseOp::WriteOff { reason, version }),
            CaseCommand::Reopen(reason) => self.write(loan, CaseOp::Reopen { reason, version }),
            CaseCommand::Reveal(field) => {
                self.core.ask(Query::Reveal { loan, field });
            }
            CaseCommand::TakeOver(reason) => {
                self.core.ask(Query::Lease { loan, op: LeaseOp::TakeOver(reason) });
            }
            CaseCommand::InspectForm => self.open_form(),
            CaseCommand::WorkLog { kind, note } => self.write(loan, CaseOp::WorkLog { kind, note }),
            CaseCommand::Signal(c) => self.signal(loan, c),
        }
    }

    /// Asks for a write on the case, unless a supervisor took it from this desk.
    pub(super) fn write(&mut self, loan: String, mut op: CaseOp) {
        if self.case.as_ref().is_some_and(|c| c.loan == loan && c.lost) {
            return self.core.say(fill(self.core.lang.text().msg_lease_lost, &[&loan]));
        }
        if let CaseOp::Contact(input) = &mut op
            && input.corrects.is_none()
        {
            input.override_reason = self.core.override_reason.take();
        }
        self.core.ask(Query::Write { loan, op });
    }

    /// History is append-only, so a note is a correction of the last contact that repeats it
    /// with the note.
    fn add_note(&mut self, loan: String, detail: Option<&LoanDetail>, text: String) {
        let Some(last) = detail.and_then(|d| d.contacts.first()) else {
            return self.core.say(self.core.lang.text().msg_no_contact_to_note);
        };
        let mut input = ContactInput::call(&loan, last.outcome);
        input.party = last.party;
        input.channel = last.channel;
        input.direction = last.direction;
        input.phone = last.phone.clone();
        input.note = text;
        input.corrects = Some(last.id);
        self.write(loan, CaseOp::Contact(Box::new(input)));
    }
}

//! The team view (supervisors): this month's figures per collector, asked afresh each time it
//! opens and when another desk changes the store.

use super::core::{Core, Screen};
use super::protocol::Query;
use crate::app::keymap::Cmd;
use crate::app::team::TeamReport;

/// The team view: the figures when they come, or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamState {
    pub generation: u64,
    pub report: Option<Box<TeamReport>>,
    pub error: Option<String>,
}

/// The team view's update: its state and the shared core.
pub(super) struct TeamScreen<'a> {
    pub core: &'a mut Core,
    pub team: &'a mut Option<TeamState>,
}

impl TeamScreen<'_> {
    /// `T`, `:team`.
    pub fn open(&mut self) {
        self.core.leave_list();
        self.core.screen = Screen::Team;
        self.ask();
    }

    /// Asks for the figures, keeping the ones on screen until they come.
    pub fn ask(&mut self) {
        let generation = self.core.ask(Query::Team);
        let keep = self.team.take().and_then(|t| t.report);
        *self.team = Some(TeamState { generation, report: keep, error: None });
    }

    pub fn cmd(&mut self, cmd: Cmd) {
        if cmd == Cmd::Back {
            self.core.show_list();
        }
    }

    pub fn figures(&mut self, generation: u64, report: Box<TeamReport>) {
        if let Some(t) = self.team.as_mut().filter(|t| t.generation == generation) {
            t.report = Some(report);
            t.error = None;
        }
    }

    pub fn failed(&mut self, generation: u64, message: &str) {
        if let Some(t) = self.team.as_mut().filter(|t| t.generation == generation) {
            t.error = Some(message.to_string());
        }
    }
}

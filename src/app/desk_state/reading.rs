//! Reading in full what a line cuts: a row of the case's panes (a contact's note, a stage
//! event's reason, a plan, a notice) on Enter or `v`, and the status bar's last messages
//! (`:messages`), each in a popup that wraps and scrolls. The drawing side lays the text out and
//! tells its length through `Layout`, as it does for the help.

use super::help::{HelpMove, HelpState};

/// Messages `:messages` keeps, oldest first.
pub const MESSAGES_KEPT: usize = 50;

/// What the reading popup shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadWhat {
    /// The row under the cursor of the case's pane.
    Row,
    /// The status bar's last messages, newest last.
    Messages,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reading {
    pub what: ReadWhat,
    /// Where it is scrolled to (the help's scrolling, without its search).
    pub view: HelpState,
}

impl Reading {
    pub fn new(what: ReadWhat) -> Reading {
        Reading { what, view: HelpState::default() }
    }

    pub fn scroll(&mut self, m: HelpMove, rows: u16, lines: u16) {
        self.view.scroll(m, rows, lines);
    }
}

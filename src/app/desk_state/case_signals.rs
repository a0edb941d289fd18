//! Early warning from the case: the `:` commands and keys that raise a signal, confirm, close or
//! work the one under the Signals pane's cursor, and put the customer on or off the watchlist.
//! Each is the command line's action on the worker; its roles and refusals are the action's.

use super::case::{CasePane, CaseScreen, CaseState};
use super::command::SignalCommand;
use super::core::Mode;
use super::protocol::{CaseOp, SignalOp};
use crate::app::keymap::Cmd;
use crate::app::warnings::SignalView;

impl CaseState {
    /// The signal whose row (or one of whose measures' rows) is under the Signals pane's cursor.
    pub fn signal_under_cursor(&self) -> Option<&SignalView> {
        if self.pane != CasePane::Signals || self.plan.is_some() {
            return None;
        }
        let mut row = 0u64;
        for s in &self.detail.as_ref()?.signals {
            let rows = 1 + s.measures.len() as u64;
            if self.cursor < row + rows {
                return Some(s);
            }
            row += rows;
        }
        None
    }
}

impl CaseScreen<'_> {
    /// A `:` command on the case's early warning.
    pub(super) fn signal(&mut self, loan: String, c: SignalCommand) {
        let op = match c {
            SignalCommand::Warn { category, level, note } => SignalOp::Warn { category, level, note },
            SignalCommand::Watch(reason) => SignalOp::Watch { reason },
            SignalCommand::Unwatch(reason) => SignalOp::Unwatch { reason },
            SignalCommand::Confirm(note) => match self.signal_id() {
                Some(id) => SignalOp::Confirm { id, note },
                None => return,
            },
            SignalCommand::Close(reason) => match self.signal_id() {
                Some(id) => SignalOp::Close { id, reason },
                None => return,
            },
            SignalCommand::Measure { kind, note } => match self.signal_id() {
                Some(id) => SignalOp::Measure { id, kind, note },
                None => return,
            },
        };
        self.write(loan, CaseOp::Signal(op));
    }

    /// The id of the signal under the cursor, or says where to put the cursor.
    fn signal_id(&mut self) -> Option<i64> {
        let id = self.case.as_ref().and_then(|c| c.signal_under_cursor()).map(|s| s.id);
        if id.is_none() {
            self.core.say(self.core.lang.text().msg_no_signal_here);
        }
        id
    }

    /// A key of early warning: opens the command line at its command (the signal's keys once
    /// the cursor is on a signal; the watch key at `watch` or `unwatch` as the customer stands).
    pub(super) fn signal_key(&mut self, cmd: Cmd) {
        let Some(c) = self.case.as_ref().filter(|c| c.plan.is_none()) else { return };
        let watched = c.detail.as_ref().is_some_and(|d| d.summary.watchlist);
        let line = match cmd {
            Cmd::RaiseWarning => "warn ",
            Cmd::ToggleWatch if watched => "unwatch ",
            Cmd::ToggleWatch => "watch ",
            _ if c.signal_under_cursor().is_none() => {
                return self.core.say(self.core.lang.text().msg_no_signal_here);
            }
            Cmd::ConfirmSignal => "warn-confirm ",
            Cmd::CloseSignal => "warn-close ",
            _ => "warn-measure ",
        };
        self.core.mode = Mode::Command;
        self.core.input.set(line);
    }
}

//! The Inspections list (DOMAIN §10): what is due and overdue, by due date, a page of rows around
//! the cursor asked of the worker as it moves (an index range on any size of book); `o` shows
//! only the overdue ones, `m` only the user's cases; Enter opens the loan's case.

use super::core::{Core, Screen, Then};
use super::pages::{Pages, deref_pages, page_size};
use super::protocol::Query;
use crate::app::inspect::{InspectionList, InspectionQuery};
use crate::app::keymap::Cmd;
use crate::app::views::InspectionRow;

/// The Inspections list: its rows around the cursor, its count, and what it shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InspectionsState {
    /// Only those due before the desk's date.
    pub overdue_only: bool,
    pub pages: Pages<InspectionRow>,
}

deref_pages!(InspectionsState, InspectionRow);

/// The list's update: its state and the shared core.
pub(super) struct InspectionsScreen<'a> {
    pub core: &'a mut Core,
    pub list: &'a mut Option<InspectionsState>,
}

impl InspectionsScreen<'_> {
    /// `I`, `:inspections [overdue|due]`: the list, from the top when what it shows changes.
    pub fn open(&mut self, overdue: Option<bool>) {
        self.core.leave_list();
        self.core.screen = Screen::Inspections;
        let keep = self.list.as_ref().is_some_and(|l| overdue.is_none_or(|o| o == l.overdue_only));
        if !keep {
            let overdue_only = overdue.unwrap_or(false);
            *self.list = Some(InspectionsState { overdue_only, ..InspectionsState::default() });
        }
        self.requery(!keep);
    }

    fn page(&self) -> u64 {
        page_size(self.core.list_rows())
    }

    fn fetch(&mut self, offset: u64, want_total: bool) {
        let generation = self.core.next_generation();
        let limit = self.page();
        let owner = self.core.mine.then(|| self.core.info.login.clone());
        let Some(list) = self.list.as_mut() else { return };
        list.generation = generation;
        list.loading = Some(offset);
        let which = if list.overdue_only { InspectionList::Overdue } else { InspectionList::Due };
        let query =
            InspectionQuery { list: which, owner, limit: Some(limit), offset, ..InspectionQuery::default() };
        self.core.ask_as(generation, Query::Inspections { query, want_total });
    }

    /// Asks again around the cursor (after a write, another desk's commit, `m`); from the top
    /// when `reset`.
    pub fn requery(&mut self, reset: bool) {
        let Some(list) = self.list.as_mut() else { return };
        let offset = list.again(reset);
        self.fetch(offset, true);
    }

    /// Asks for the rows around the visible window when they are not at hand.
    pub fn ensure_visible(&mut self) {
        let (view, page) = (self.core.list_rows(), self.page());
        if let Some(offset) = self.list.as_ref().and_then(|l| l.wanted(view, page)) {
            self.fetch(offset, false);
        }
    }

    pub fn cmd(&mut self, cmd: Cmd) {
        let view = self.core.list_rows();
        match cmd {
            Cmd::Back => return self.core.show_list(),
            Cmd::ToggleOverdue => {
                if let Some(l) = self.list.as_mut() {
                    l.overdue_only = !l.overdue_only;
                }
                return self.requery(true);
            }
            _ => {}
        }
        let Some(list) = self.list.as_mut() else { return };
        if cmd == Cmd::Open {
            if let Some(r) = list.row(list.selected) {
                let loan = r.loan_id.clone();
                self.core.then(Then::OpenCase(loan));
            }
        } else if list.step(cmd, view) {
            self.ensure_visible();
        }
    }

    pub fn rows(&mut self, generation: u64, offset: u64, rows: Vec<InspectionRow>, total: Option<u64>) {
        if self.list.as_mut().is_some_and(|l| l.take(generation, offset, rows, total)) {
            self.ensure_visible();
        }
    }

    pub fn failed(&mut self, message: &str) {
        if let Some(list) = self.list.as_mut() {
            list.failed(message);
        }
    }
}

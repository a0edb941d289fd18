//! The Warnings list (DOMAIN §9): the open signals, highest level first then newest, a page of
//! rows around the cursor asked of the worker as it moves; `L` or `:warnings red|orange|yellow`
//! shows one level, `w` or `:warnings watch` only customers on the watchlist, `m` only the user's
//! cases; Enter opens the loan's case.

use super::core::{Core, Screen, Then};
pub use super::level_filter::WarningsFilter;
use super::pages::{Pages, deref_pages, page_size};
use super::protocol::Query;
use crate::app::keymap::Cmd;
use crate::app::warnings::{SignalQuery, SignalView};

/// The Warnings list: its rows around the cursor, its count, and what it shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WarningsState {
    pub filter: WarningsFilter,
    pub pages: Pages<SignalView>,
}

deref_pages!(WarningsState, SignalView);

/// The list's update: its state and the shared core.
pub(super) struct WarningsScreen<'a> {
    pub core: &'a mut Core,
    pub list: &'a mut Option<WarningsState>,
}

impl WarningsScreen<'_> {
    /// `A`, `:warnings [FILTER]`: the list, from the top when what it shows changes.
    pub fn open(&mut self, filter: Option<WarningsFilter>) {
        self.core.leave_list();
        self.core.screen = Screen::Warnings;
        let keep = self.list.as_ref().is_some_and(|l| filter.is_none_or(|f| f == l.filter));
        if !keep {
            *self.list =
                Some(WarningsState { filter: filter.unwrap_or_default(), ..WarningsState::default() });
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
        let query = SignalQuery {
            level: list.filter.level,
            watched: list.filter.watched,
            owner,
            special_asks: true,
            limit: Some(limit),
            offset,
            ..SignalQuery::default()
        };
        self.core.ask_as(generation, Query::Warnings { query, want_total });
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
        let refilter = |l: &mut WarningsState| match cmd {
            Cmd::NextLevel => l.filter = l.filter.next_level(),
            _ => l.filter.watched = !l.filter.watched,
        };
        match cmd {
            Cmd::Back => return self.core.show_list(),
            Cmd::NextLevel | Cmd::ToggleWatched => {
                self.list.as_mut().map(refilter);
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

    pub fn rows(&mut self, generation: u64, offset: u64, rows: Vec<SignalView>, total: Option<u64>) {
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

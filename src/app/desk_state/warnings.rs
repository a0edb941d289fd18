//! The Warnings list (DOMAIN §9): the open signals, highest level first then newest, a page of
//! rows around the cursor asked of the worker as it moves; `L` or `:warnings red|orange|yellow`
//! shows one level, `w` or `:warnings watch` only customers on the watchlist, `m` only the user's
//! cases; Enter opens the loan's case.

use super::core::{Core, Screen, Then};
pub use super::level_filter::WarningsFilter;
use super::lists::PAGE;
use super::protocol::Query;
use crate::app::keymap::Cmd;
use crate::app::warnings::{SignalQuery, SignalView};

/// The Warnings list: its rows around the cursor, its count, and what it shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WarningsState {
    pub filter: WarningsFilter,
    /// Rows `offset .. offset + rows.len()` of the list.
    pub rows: Vec<SignalView>,
    pub offset: u64,
    pub total: Option<u64>,
    pub selected: u64,
    pub top: u64,
    pub generation: u64,
    pub loading: Option<u64>,
    pub error: Option<String>,
}

impl WarningsState {
    pub fn row(&self, i: u64) -> Option<&SignalView> {
        let k = usize::try_from(i.checked_sub(self.offset)?).ok()?;
        self.rows.get(k)
    }

    fn covers(&self, from: u64, to: u64) -> bool {
        from >= self.offset && to <= self.offset + self.rows.len() as u64
    }
}

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
        PAGE.max(self.core.list_rows() * 3)
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
        if reset {
            list.selected = 0;
            list.top = 0;
            list.rows.clear();
            list.total = None;
        }
        let offset = list.top.saturating_sub(PAGE / 3);
        self.fetch(offset, true);
    }

    /// Asks for the rows around the visible window when they are not at hand.
    pub fn ensure_visible(&mut self) {
        let view = self.core.list_rows();
        let page = self.page();
        let Some(list) = self.list.as_ref() else { return };
        let Some(total) = list.total else { return };
        let (from, to) = (list.top, (list.top + view).min(total));
        if list.covers(from, to) {
            return;
        }
        let offset = from.saturating_sub(page / 3);
        if list.loading != Some(offset) {
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
        match cmd {
            Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown | Cmd::Top | Cmd::Bottom => {
                let Some(total) = list.total.filter(|t| *t > 0) else { return };
                let (sel, page) = (list.selected, view.max(1));
                list.selected = match cmd {
                    Cmd::Up => sel.saturating_sub(1),
                    Cmd::Down => sel + 1,
                    Cmd::PageUp => sel.saturating_sub(page),
                    Cmd::PageDown => sel + page,
                    Cmd::Top => 0,
                    _ => total - 1,
                }
                .min(total - 1);
                if list.selected < list.top {
                    list.top = list.selected;
                } else if list.selected >= list.top + page {
                    list.top = list.selected + 1 - page;
                }
                self.ensure_visible();
            }
            Cmd::Open => {
                if let Some(r) = list.row(list.selected) {
                    let loan = r.loan_id.clone();
                    self.core.then(Then::OpenCase(loan));
                }
            }
            _ => {}
        }
    }

    pub fn rows(&mut self, generation: u64, offset: u64, rows: Vec<SignalView>, total: Option<u64>) {
        let Some(list) = self.list.as_mut().filter(|l| l.generation == generation) else { return };
        list.loading = None;
        list.error = None;
        list.offset = offset;
        list.rows = rows;
        if total.is_some() {
            list.total = total;
        }
        if let Some(t) = list.total {
            list.selected = list.selected.min(t.saturating_sub(1));
        }
        self.ensure_visible();
    }

    pub fn failed(&mut self, message: &str) {
        if let Some(list) = self.list.as_mut() {
            list.loading = None;
            list.error = Some(message.to_string());
        }
    }
}

//! The due-soon list and the overdue queue: each keeps a page of rows around its cursor and asks
//! the worker for more as the cursor moves; both answer the question in `Core` (filter, stage,
//! sort, mine). The empty store's demo book is offered here too.

use super::core::{Core, Screen, Then};
use super::level_filter::WarningsFilter;
use super::pages::{Pages, deref_pages, page_size};
use super::protocol::{ListKind, Query};
use crate::app::keymap::Cmd;
use crate::app::queue_sort::QueueSort;
use crate::app::search::SearchNote;
use crate::app::strings::fill;
use crate::app::views::{LoanQuery, LoanSummary};
use crate::domain::{LoanStatus, Stage};
use crate::store::SortKey;

/// A filter matching more loans than this lists none and asks for more letters: on a million
/// loans a key is answered at once either way, and no collector reads twenty thousand rows.
pub const SEARCH_CAP: u64 = 20_000;
/// Loans in the demo book that `D` loads into an empty store.
pub const DEMO_LOANS: u64 = 2_000;

/// The stage tabs of the overdue queue, in the order the stage key walks them.
pub const STAGE_TABS: [Option<Stage>; 5] =
    [None, Some(Stage::Reminder), Some(Stage::Negotiation), Some(Stage::Guarantor), Some(Stage::Legal)];

/// `all` or one of the queue's stage tabs, as `:stage` takes it.
pub fn parse_stage_tab(word: &str) -> Option<Option<Stage>> {
    let stage = if word == "all" { Some(None) } else { word.parse::<Stage>().ok().map(Some) };
    stage.filter(|s| STAGE_TABS.contains(s))
}

/// The words `:stage` takes, in the order of the tabs.
pub fn stage_tab_words() -> Vec<&'static str> {
    STAGE_TABS.iter().map(|s| s.map_or("all", Stage::as_str)).collect()
}

/// A queue: the rows fetched around the cursor, the count, the cursor and the first visible row
/// (`Pages`), and what came of its search.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListState {
    pub pages: Pages<LoanSummary>,
    /// What came of the filter's search: phone numbers not searched (digits too few, or a role
    /// that may not see them), or too many matches to list.
    pub search: Option<SearchNote>,
}

deref_pages!(ListState, LoanSummary);

impl ListState {
    fn reset(&mut self) {
        *self = ListState::default();
    }
}

/// The question a list asks the store.
pub fn query(core: &Core, kind: ListKind) -> LoanQuery {
    let assignee = if core.mine { Some(core.info.login.clone()) } else { None };
    let search = Some(core.filter.trim().to_string()).filter(|s| !s.is_empty());
    let (warning, watched) = (core.marks.level, core.marks.watched);
    let q = match kind {
        ListKind::DueSoon => LoanQuery {
            due_soon: true,
            status: Some(LoanStatus::Active),
            assignee,
            search,
            search_cap: Some(SEARCH_CAP),
            sort: SortKey::DueSoon,
            ..LoanQuery::default()
        },
        ListKind::Overdue => LoanQuery {
            promises_first: true,
            dpd_min: Some(1),
            status: Some(LoanStatus::Active),
            stage: core.stage,
            assignee,
            search,
            search_cap: Some(SEARCH_CAP),
            sort: core.sort,
            ..LoanQuery::default()
        },
    };
    LoanQuery { warning, watched, ..q }
}

/// The lists' update: both lists and the shared core.
pub(super) struct Lists<'a> {
    pub core: &'a mut Core,
    pub due: &'a mut ListState,
    pub overdue: &'a mut ListState,
}

impl Lists<'_> {
    fn list(&self, kind: ListKind) -> &ListState {
        match kind {
            ListKind::DueSoon => self.due,
            ListKind::Overdue => self.overdue,
        }
    }

    fn list_mut(&mut self, kind: ListKind) -> &mut ListState {
        match kind {
            ListKind::DueSoon => self.due,
            ListKind::Overdue => self.overdue,
        }
    }

    /// The loan under the cursor of the list on screen.
    pub fn selected_loan(&self) -> Option<String> {
        let list = self.list(self.core.current_list()?);
        list.row(list.selected).map(|r| r.loan_id.clone())
    }

    /// A page is three screens, the cursor's in the middle.
    fn page(&self) -> u64 {
        page_size(self.core.list_rows())
    }

    fn fetch(&mut self, kind: ListKind, offset: u64, want_total: bool) {
        if self.core.has_loans != Some(true) {
            return;
        }
        let generation = self.core.next_generation();
        let mut query = query(self.core, kind);
        query.limit = Some(self.page());
        query.offset = offset;
        let list = self.list_mut(kind);
        list.generation = generation;
        list.loading = Some(offset);
        self.core.ask_as(generation, Query::List { list: kind, query, want_total });
    }

    /// Drops a list's rows and asks again from the top (the question changed).
    pub fn requery(&mut self, kind: ListKind) {
        self.list_mut(kind).reset();
        self.fetch(kind, 0, true);
    }

    pub fn requery_all(&mut self) {
        self.requery(ListKind::DueSoon);
        self.requery(ListKind::Overdue);
    }

    /// Asks for the rows around the visible window when they are not at hand.
    pub fn ensure_visible(&mut self) {
        let Some(kind) = self.core.current_list() else { return };
        let view = self.core.list_rows();
        let list = self.list(kind);
        if list.total.is_none() {
            if list.loading.is_none() {
                self.fetch(kind, 0, true);
            }
            return;
        }
        if let Some(offset) = list.wanted(view, self.page()) {
            self.fetch(kind, offset, false);
        }
    }

    /// Asks both lists again around where the cursor is (after a write): the collector keeps
    /// their place in the queue instead of being sent back to the top.
    /// `recount`: whether the write can change how many loans a list holds (a contact cannot, and
    /// counting a million-loan queue again after every call is most of the call's wait).
    pub fn refresh(&mut self, recount: bool) {
        for kind in [ListKind::DueSoon, ListKind::Overdue] {
            let offset = self.list(kind).top.saturating_sub(self.page() / 3);
            let recount = recount || self.list(kind).total.is_none();
            self.fetch(kind, offset, recount);
        }
    }

    /// The rows on screen changed in number: the cursor stays in view.
    pub fn relayout(&mut self) {
        let view = self.core.list_rows();
        for kind in [ListKind::DueSoon, ListKind::Overdue] {
            let list = self.list_mut(kind);
            let sel = i64::try_from(list.selected).unwrap_or(0);
            list.move_to(sel, view);
        }
        self.ensure_visible();
    }

    /// The filter is incremental: each change asks again. Each key asks only the list on screen;
    /// the other is asked when it is shown (a first key matches much of a million-loan book, and
    /// asking both lists would double the wait).
    pub fn filter_changed(&mut self) {
        self.core.filter = self.core.input.as_str().to_string();
        match self.core.current_list() {
            Some(kind) => {
                self.list_mut(kind.other()).reset();
                self.requery(kind);
            }
            None => self.requery_all(),
        }
    }

    fn switch_to(&mut self, to: Screen) {
        self.core.screen = to;
        self.core.list_screen = to;
        self.ensure_visible();
    }

    /// `:sort KEY` from any screen: the queue in that order.
    pub fn set_sort(&mut self, sort: SortKey) {
        self.core.sort = sort;
        self.core.screen = Screen::Overdue;
        self.core.list_screen = Screen::Overdue;
        self.requery(ListKind::Overdue);
    }

    /// `:stage S` from any screen: the queue at that stage tab.
    pub fn set_stage(&mut self, stage: Option<Stage>) {
        self.core.stage = stage;
        self.core.screen = Screen::Overdue;
        self.core.list_screen = Screen::Overdue;
        self.requery(ListKind::Overdue);
    }

    /// `L`, `w` and `:level`: both lists by warning level and the watchlist, the one on screen
    /// (the queue when another screen is) from its top.
    pub fn set_marks(&mut self, marks: WarningsFilter) {
        self.core.marks = marks;
        if !matches!(self.core.screen, Screen::DueSoon | Screen::Overdue) {
            self.core.screen = self.core.list_screen;
        }
        self.requery_all();
    }

    pub fn toggle_mine(&mut self) {
        self.core.mine = !self.core.mine;
        let t = self.core.lang.text();
        self.core.say(if self.core.mine { t.msg_mine } else { t.msg_everything });
        self.requery_all();
    }

    pub fn load_demo(&mut self) {
        if !self.core.store_is_empty() || self.core.loading_demo {
            self.core.say(self.core.lang.text().msg_demo_only_empty);
            return;
        }
        self.core.loading_demo = true;
        self.core.say(fill(self.core.lang.text().msg_demo_loading, &[&DEMO_LOANS]));
        self.core.ask(Query::LoadDemo);
    }

    pub fn next_stage(&mut self) {
        let i = STAGE_TABS.iter().position(|s| *s == self.core.stage).unwrap_or(0);
        self.core.stage = STAGE_TABS[(i + 1) % STAGE_TABS.len()];
        self.requery(ListKind::Overdue);
    }

    pub fn next_sort(&mut self) {
        self.core.sort = QueueSort::of(self.core.sort).map_or(QueueSort::Dpd, QueueSort::next).key();
        self.requery(ListKind::Overdue);
    }

    /// A key on a list.
    pub fn cmd(&mut self, kind: ListKind, cmd: Cmd) {
        match cmd {
            Cmd::NextLevel => self.set_marks(self.core.marks.next_level()),
            Cmd::ToggleWatched => {
                let marks = WarningsFilter { watched: !self.core.marks.watched, ..self.core.marks };
                self.set_marks(marks);
            }
            Cmd::Filter => {
                self.core.mode = super::core::Mode::Filter;
                let filter = self.core.filter.clone();
                self.core.input.set(filter);
            }
            Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown | Cmd::Top | Cmd::Bottom => {
                let view = self.core.list_rows();
                self.list_mut(kind).step(cmd, view);
                self.ensure_visible();
            }
            Cmd::NextPane | Cmd::PrevPane => self.switch_to(match kind {
                ListKind::DueSoon => Screen::Overdue,
                ListKind::Overdue => Screen::DueSoon,
            }),
            Cmd::Open => {
                if let Some(loan) = self.selected_loan() {
                    self.core.then(Then::OpenCase(loan));
                }
            }
            Cmd::ToggleMark => {
                let Some(loan) = self.selected_loan() else { return };
                if !self.core.marked.remove(&loan) {
                    self.core.marked.insert(loan);
                }
                // On to the next row, so a run of cases is marked by holding the key.
                self.cmd(kind, Cmd::Down);
            }
            Cmd::Back if self.core.filter.is_empty() && !self.core.marked.is_empty() => {
                self.core.marked.clear();
                self.core.say(self.core.lang.text().msg_marks_cleared);
            }
            Cmd::Back if self.core.filter.is_empty() => {}
            Cmd::Back => {
                self.core.filter.clear();
                self.requery_all();
            }
            Cmd::LogNoAnswer
            | Cmd::LogBusy
            | Cmd::LogPromise
            | Cmd::LogContact
            | Cmd::NextAction
            | Cmd::ProposePlan
            | Cmd::IssueNotice => self.core.say(self.core.lang.text().msg_open_case_first),
            _ => {}
        }
    }

    /// How many loans the store holds: an empty one offers the demo book, else the lists are asked.
    /// Whether the store holds loans, and whether the book must be rolled to the desk's date: the
    /// lists come first (from the rows as they stand), then the count of loans and the roll.
    pub fn info(&mut self, any: bool, roll: bool) {
        self.core.has_loans = Some(any);
        if any {
            self.requery_all();
            self.core.ask(Query::Count);
        } else {
            self.core.loans_in_store = Some(0);
        }
        if roll && self.core.rolling.is_none() {
            self.core.rolling = Some((0, 0));
            self.core.ask(Query::Roll);
        }
    }

    /// The roll is done: the lists and their counts as of the desk's date.
    pub fn rolled(&mut self, rows: u64) {
        self.core.rolling = None;
        self.core.say(fill(self.core.lang.text().msg_rolled, &[&self.core.info.as_of, &rows]));
        self.refresh(true);
    }

    pub fn demo_loaded(&mut self, loans: u64) {
        self.core.loading_demo = false;
        self.core.has_loans = Some(loans > 0);
        self.core.loans_in_store = Some(loans);
        self.core.say(fill(self.core.lang.text().msg_demo_loaded, &[&loans]));
        self.requery_all();
    }

    pub fn rows(
        &mut self,
        kind: ListKind,
        generation: u64,
        offset: u64,
        rows: Vec<LoanSummary>,
        total: Option<u64>,
        search: Option<SearchNote>,
    ) {
        let list = self.list_mut(kind);
        if !list.take(generation, offset, rows, total) {
            return; // a newer question is out
        }
        list.search = search;
        self.ensure_visible();
    }

    pub fn failed(&mut self, kind: ListKind, generation: u64, message: &str) {
        let list = self.list_mut(kind);
        if list.generation == generation {
            list.failed(message);
        }
    }
}

//! What every screen of the desk sees: who is at the desk, the language and key map, the screen
//! and mode, the lists' question (filter, stage, sort, mine, warning marks), the line being typed, the status
//! message, the layout the drawing side told, and the generations of requests. A screen changes
//! its own state and this; what it needs of another screen it asks with a `Then`, which `apply`
//! carries out.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::help::{HelpMove, HelpState};
use super::level_filter::WarningsFilter;
use super::line::{Edit, LineEdit};
use super::protocol::{Confirm, ListKind, Query, Reply, Request};
use super::reading::{MESSAGES_KEPT, ReadWhat, Reading};
use crate::app::Desk;
use crate::app::assign::BulkAssign;
use crate::app::keymap::{Cmd, Key, Keymap, Scope};
use crate::app::strings::Lang;
use crate::domain::{Role, Stage};
use crate::store::SortKey;

/// Command lines the history keeps.
pub const HISTORY_LINES: usize = 500;

/// Who is at the desk and on what: read once when the desk opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskInfo {
    pub login: String,
    pub role: Option<Role>,
    pub as_of: NaiveDate,
    pub store: String,
    /// The store's admins, whom a login that is not a desk user asks to be added.
    pub admins: Vec<String>,
}

impl DeskInfo {
    pub fn of(desk: &Desk) -> DeskInfo {
        DeskInfo {
            login: desk.actor.login.clone(),
            role: desk.actor.role(),
            as_of: desk.as_of,
            store: desk.store.label().to_string(),
            admins: desk.actor.admins.clone(),
        }
    }
}

text_enum!(
    /// The desk's screens.
    Screen, "screen", {
        DueSoon => "due_soon",
        Overdue => "overdue",
        Case => "case",
        /// Tonight's escalation run: its preview (dry run), or a run made from the desk.
        Run => "run",
        /// The team's figures this month (supervisors).
        Team => "team",
        /// The month-end risk reports as charts (supervisors).
        Reports => "reports",
        /// The inspections due and overdue.
        Inspections => "inspections",
        /// What awaits a supervisor's signature.
        Review => "review",
        /// The open early-warning signals.
        Warnings => "warnings",
    }
);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Filter,
    Command,
    Help,
    /// A row or the messages read in full in a popup (`reading.rs`).
    Reading,
    /// The case's inspection form takes every key (`inspect_form.rs`).
    Form,
}

/// How the drawing side lays the desk out at the terminal's size: the rows each pane shows and
/// the help's length at its width. `ui::layout` computes it; the terminal tells the desk
/// (`Action::Layout`) when it changes, so paging moves by what is on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layout {
    pub width: u16,
    pub height: u16,
    pub list_rows: u16,
    pub case_rows: u16,
    pub run_rows: u16,
    pub help_rows: u16,
    pub help_lines: u16,
    /// Below the desk's least size only a note is drawn: keys that act unseen do nothing then.
    pub too_small: bool,
    /// The reading popup's rows and its text's wrapped length, while it is open.
    pub reading_rows: u16,
    pub reading_lines: u16,
}

impl Default for Layout {
    /// Nothing drawn yet: one row of each.
    fn default() -> Self {
        Layout {
            width: 0,
            height: 0,
            list_rows: 1,
            case_rows: 1,
            run_rows: 1,
            help_rows: 1,
            help_lines: 0,
            too_small: false,
            reading_rows: 1,
            reading_lines: 0,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Cmd(Cmd),
    /// The first keys of a longer binding (`g` of `gg`).
    Prefix(Key),
    /// A key that matched nothing: clears a pending prefix.
    Unbound,
    /// A change to the line being typed: the filter, the command line or the help's search.
    Edit(Edit),
    /// Tab on the command line: the command's name or its argument.
    Complete,
    /// ↑ (`true`) or ↓ on the command line: an earlier or later line of its history.
    History(bool),
    InputSubmit,
    InputCancel,
    /// A move through the help.
    Help(HelpMove),
    /// A move through the reading popup.
    Read(HelpMove),
    CloseReading,
    /// `/` in the help: type what to look for.
    HelpSearch,
    CloseHelp,
    Layout(Layout),
    Reply(Reply),
    ExpireMessage,
    /// The key after a confirmation was asked: `y` (true) or any other.
    Confirm(bool),
    /// A key while the case's inspection form is open.
    Form(Key),
    /// The user's configuration files had this many bad entries; their defaults stand in.
    ConfigProblems(usize),
}

/// What a screen asks of the others; `apply` carries it out after the screen's own change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Then {
    /// A list's row, the run's change or `:goto`.
    OpenCase(String),
    /// Fetch the rows of the list on screen if they are not at hand.
    EnsureVisible,
    /// Ask both lists again around their cursors; `recount` when their counts may have changed.
    RefreshLists {
        recount: bool,
    },
    ReloadCase,
}

/// The state every screen shares (`DeskState` derefs to it).
#[derive(Debug, Clone)]
pub struct Core {
    pub info: DeskInfo,
    /// The language of everything drawn and said (`Lang::detect` at the edge; tests pin it).
    pub lang: Lang,
    pub keymap: Keymap,
    pub screen: Screen,
    /// The list the desk was last on (the run and the team view go back to it).
    pub list_screen: Screen,
    /// Where the case was opened from (a list, the run's changes, the team view).
    pub case_return: Screen,
    pub mode: Mode,
    /// The filter or command line being typed.
    pub input: LineEdit,
    pub filter: String,
    pub stage: Option<Stage>,
    pub sort: SortKey,
    pub mine: bool,
    /// The lists' warning level and watchlist filter (`L`, `w`, `:level`).
    pub marks: WarningsFilter,
    /// Loans marked in the queue for a bulk action (`:assign`).
    pub marked: BTreeSet<String>,
    /// Amounts are shown grouped (`10,980,764.97`) unless the configuration says otherwise.
    pub group_amounts: bool,
    /// Whether the store holds loans (`None` until the first answer).
    pub has_loans: Option<bool>,
    /// How many (`None` until counted, after the first lists).
    pub loans_in_store: Option<u64>,
    pub loading_demo: bool,
    /// The book being rolled forward to the desk's date beside the lists: rows done and to do.
    pub rolling: Option<(u64, u64)>,
    pub message: Option<String>,
    /// The messages said, oldest first (`:messages`).
    pub messages: Vec<String>,
    /// The popup reading a row or the messages in full.
    pub reading: Option<Reading>,
    /// A request that cannot be undone, waiting for `y` (`confirm.rs`).
    pub confirm: Option<Confirm>,
    /// A bulk reassignment whose preview is asked before it is confirmed.
    pub(super) bulk_preview: Option<Box<BulkAssign>>,
    pub pending: Vec<Key>,
    pub layout: Layout,
    pub help: HelpState,
    pub quit: bool,
    /// A supervisor's reason to log the next contact over a refusing conduct rule (`:override`).
    pub override_reason: Option<String>,
    /// The loan id lookup Tab waits for: its generation and the line it was asked on.
    pub(super) completing: Option<(u64, String)>,
    /// Command lines run, oldest first (kept across sessions by the terminal).
    pub history: Vec<String>,
    /// The history line on the command line while ↑/↓ walk it, and the line typed before.
    history_at: Option<(usize, String)>,
    next_gen: u64,
    asked: Vec<Request>,
    then: Vec<Then>,
}

impl Core {
    pub(super) fn new(info: DeskInfo) -> Core {
        let mine = info.role == Some(Role::Collector);
        Core {
            info,
            lang: Lang::En,
            keymap: Keymap::default(),
            screen: Screen::DueSoon,
            list_screen: Screen::DueSoon,
            case_return: Screen::DueSoon,
            mode: Mode::Normal,
            input: LineEdit::default(),
            filter: String::new(),
            stage: None,
            sort: SortKey::Dpd,
            mine,
            marks: WarningsFilter::default(),
            marked: BTreeSet::new(),
            group_amounts: true,
            has_loans: None,
            loans_in_store: None,
            loading_demo: false,
            rolling: None,
            message: None,
            messages: Vec::new(),
            reading: None,
            confirm: None,
            bulk_preview: None,
            pending: Vec::new(),
            layout: Layout::default(),
            help: HelpState::default(),
            quit: false,
            override_reason: None,
            completing: None,
            history: Vec::new(),
            history_at: None,
            next_gen: 0,
            asked: Vec::new(),
            then: Vec::new(),
        }
    }

    /// Asks the worker, with a new generation; returns the generation.
    pub(super) fn ask(&mut self, query: Query) -> u64 {
        let generation = self.next_generation();
        self.asked.push(Request { generation, query });
        generation
    }

    /// A new generation for a request asked with `ask_as`.
    pub(super) fn next_generation(&mut self) -> u64 {
        self.next_gen += 1;
        self.next_gen
    }

    /// Asks the worker with a generation taken before (a list or pane remembers it first).
    pub(super) fn ask_as(&mut self, generation: u64, query: Query) {
        self.asked.push(Request { generation, query });
    }

    pub(super) fn then(&mut self, then: Then) {
        self.then.push(then);
    }

    pub(super) fn take_then(&mut self) -> Vec<Then> {
        std::mem::take(&mut self.then)
    }

    pub(super) fn take_asked(&mut self) -> Vec<Request> {
        std::mem::take(&mut self.asked)
    }

    pub(super) fn say(&mut self, text: impl Into<String>) {
        let text = text.into();
        if !text.is_empty() && self.messages.last() != Some(&text) {
            self.messages.push(text.clone());
            let over = self.messages.len().saturating_sub(MESSAGES_KEPT);
            self.messages.drain(..over);
        }
        self.message = Some(text);
    }

    /// The key map's scopes live on the screen on show.
    pub fn scopes(&self) -> Vec<Scope> {
        match self.screen {
            Screen::DueSoon => vec![Scope::List, Scope::Global],
            Screen::Overdue => vec![Scope::List, Scope::Queue, Scope::Global],
            Screen::Case => vec![Scope::Case, Scope::Global],
            Screen::Run => vec![Scope::Run, Scope::Global],
            Screen::Team => vec![Scope::Team, Scope::Global],
            Screen::Reports => vec![Scope::Reports, Scope::Global],
            Screen::Inspections | Screen::Review | Screen::Warnings => vec![Scope::Work, Scope::Global],
        }
    }

    /// The list on screen, if a list is on screen.
    pub fn current_list(&self) -> Option<ListKind> {
        match self.screen {
            Screen::DueSoon => Some(ListKind::DueSoon),
            Screen::Overdue => Some(ListKind::Overdue),
            Screen::Case
            | Screen::Run
            | Screen::Team
            | Screen::Reports
            | Screen::Inspections
            | Screen::Review
            | Screen::Warnings => None,
        }
    }

    pub(super) fn store_is_empty(&self) -> bool {
        self.has_loans == Some(false)
    }

    /// Remembers the list on screen as the one to come back to.
    pub(super) fn leave_list(&mut self) {
        if matches!(self.screen, Screen::DueSoon | Screen::Overdue) {
            self.list_screen = self.screen;
        }
    }

    /// Back to the list the desk was last on.
    pub(super) fn show_list(&mut self) {
        self.screen = self.list_screen;
        self.then(Then::EnsureVisible);
    }

    /// Walks the command history: ↑ an earlier line, ↓ a later one and at the end the line that
    /// was being typed.
    pub(super) fn walk_history(&mut self, back: bool) {
        let n = self.history.len();
        let (at, typed) = match self.history_at.take() {
            Some((at, typed)) => (at, typed),
            None => (n, self.input.as_str().to_string()),
        };
        let to = if back { at.saturating_sub(1) } else { (at + 1).min(n) };
        if to == n {
            self.input.set(typed);
            return;
        }
        if let Some(line) = self.history.get(to) {
            self.input.set(line.clone());
        }
        self.history_at = Some((to, typed));
    }

    /// Keeps a command line run (not twice in a row), at most `HISTORY_LINES`.
    pub(super) fn remember(&mut self, line: &str) {
        self.history_at = None;
        if line.is_empty() || self.history.last().is_some_and(|l| l == line) {
            return;
        }
        self.history.push(line.to_string());
        let over = self.history.len().saturating_sub(HISTORY_LINES);
        self.history.drain(..over);
    }

    /// Opens the reading popup.
    pub(super) fn read(&mut self, what: ReadWhat) {
        self.reading = Some(Reading::new(what));
        self.mode = Mode::Reading;
    }

    pub fn list_rows(&self) -> u64 {
        u64::from(self.layout.list_rows.max(1))
    }

    pub fn case_rows(&self) -> u64 {
        u64::from(self.layout.case_rows.max(1))
    }

    pub fn run_rows(&self) -> u64 {
        u64::from(self.layout.run_rows.max(1))
    }
}

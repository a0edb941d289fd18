//! Keys as the desk sees them (no terminal types) and the key map as data: every binding has a
//! `desc`, so the `?` help and the footer hints are generated from the same table the keys run.

use std::fmt;

/// A key without terminal types; `tui/event.rs` converts crossterm's events into these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyCode {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Home,
    End,
    Delete,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Key {
        Key { code, ctrl: false }
    }

    pub const fn ctrl(c: char) -> Key {
        Key { code: KeyCode::Char(c), ctrl: true }
    }
}

const NAMED: [(&str, KeyCode); 14] = [
    ("Enter", KeyCode::Enter),
    ("Esc", KeyCode::Esc),
    ("Tab", KeyCode::Tab),
    ("BackTab", KeyCode::BackTab),
    ("Backspace", KeyCode::Backspace),
    ("Up", KeyCode::Up),
    ("Down", KeyCode::Down),
    ("Left", KeyCode::Left),
    ("Right", KeyCode::Right),
    ("PgUp", KeyCode::PageUp),
    ("PgDn", KeyCode::PageDown),
    ("Home", KeyCode::Home),
    ("End", KeyCode::End),
    ("Del", KeyCode::Delete),
];

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.code {
            KeyCode::Char(' ') => "Space".to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".to_string(),
            KeyCode::Down => "↓".to_string(),
            other => NAMED.iter().find(|(_, k)| *k == other).map_or("?", |(n, _)| n).to_string(),
        };
        if self.ctrl { write!(f, "Ctrl-{name}") } else { f.write_str(&name) }
    }
}

/// Parses keys as written in the key map and in tests: `jj<Enter>`, `gg`, `<C-c>`, `<PgDn>`, `<lt>`.
pub fn parse_keys(text: &str) -> Result<Vec<Key>, String> {
    let mut keys = Vec::new();
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '<'
            && let Some(end) = rest.find('>')
            && end > 1
        {
            let name = &rest[1..end];
            let key = if let Some(ch) = name.strip_prefix("C-") {
                let mut it = ch.chars();
                match (it.next(), it.next()) {
                    (Some(c), None) => Key::ctrl(c),
                    _ => return Err(format!("unknown key <{name}> in '{text}'")),
                }
            } else if name == "lt" {
                Key::plain(KeyCode::Char('<'))
            } else if name == "Space" {
                Key::plain(KeyCode::Char(' '))
            } else {
                let code = NAMED
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, k)| *k)
                    .ok_or_else(|| format!("unknown key <{name}> in '{text}'"))?;
                Key::plain(code)
            };
            keys.push(key);
            rest = &rest[end + 1..];
        } else {
            keys.push(Key::plain(KeyCode::Char(c)));
            rest = &rest[c.len_utf8()..];
        }
    }
    Ok(keys)
}

text_enum!(
    /// What a binding does, named as in a user's `keys.toml`. Text typed into the filter or
    /// command line is not bound here.
    Cmd, "action", {
    Quit => "quit",
    Help => "help",
    CommandLine => "command_line",
    Filter => "filter",
    Up => "up",
    Down => "down",
    PageUp => "page_up",
    PageDown => "page_down",
    Top => "top",
    Bottom => "bottom",
    NextPane => "next_pane",
    PrevPane => "prev_pane",
    Open => "open",
    Back => "back",
    NextStage => "next_stage",
    NextSort => "next_sort",
    ToggleMine => "toggle_mine",
    LoadDemo => "load_demo",
    LogNoAnswer => "log_no_answer",
    LogBusy => "log_busy",
    LogInbound => "log_inbound",
    TakeBack => "take_back",
    LogPromise => "log_promise",
    LogContact => "log_contact",
    NextAction => "next_action",
    ProposePlan => "propose_plan",
    IssueNotice => "issue_notice",
    RunPreview => "run_preview",
    RunApply => "run_apply",
    ToggleMark => "toggle_mark",
    TeamView => "team_view",
    InspectionsView => "inspections_view",
    ReviewView => "review_view",
    ToggleOverdue => "toggle_overdue",
    InspectForm => "inspect_form",
    WorkLog => "work_log",
    ReportsView => "reports_view",
    PrevMonth => "prev_month",
    NextMonth => "next_month",
    NextGrouping => "next_grouping",
    ToggleTable => "toggle_table",
    WarningsView => "warnings_view",
    NextLevel => "next_level",
    ToggleWatched => "toggle_watched",
    RaiseWarning => "raise_warning",
    ConfirmSignal => "confirm_signal",
    CloseSignal => "close_signal",
    AddMeasure => "add_measure",
    ToggleWatch => "toggle_watch",
    }
);

/// Where a binding applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Global,
    /// The due-soon list and the overdue queue.
    List,
    /// The overdue queue only.
    Queue,
    Case,
    /// The escalation run's screen.
    Run,
    /// The team view.
    Team,
    /// The Inspections, Review and Warnings lists.
    Work,
    /// The Reports screen.
    Reports,
}

/// One binding: the keys (space-separated alternatives), what they do, and what help says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding {
    pub keys: &'static str,
    pub scope: Scope,
    pub cmd: Cmd,
    pub desc: &'static str,
    /// The footer's short label, if the binding is shown there.
    pub hint: Option<&'static str>,
}

const fn bind(
    keys: &'static str,
    scope: Scope,
    cmd: Cmd,
    desc: &'static str,
    hint: Option<&'static str>,
) -> Binding {
    Binding { keys, scope, cmd, desc, hint }
}

/// The default key map. Arrows and vim keys; Ctrl-C quits because raw mode turns it into a key.
pub const DEFAULT_KEYMAP: &[Binding] = &[
    bind("j <Down>", Scope::List, Cmd::Down, "next row", None),
    bind("k <Up>", Scope::List, Cmd::Up, "previous row", None),
    bind("<PgDn> <C-f>", Scope::List, Cmd::PageDown, "next page", None),
    bind("<PgUp> <C-b>", Scope::List, Cmd::PageUp, "previous page", None),
    bind("gg <Home>", Scope::List, Cmd::Top, "first row", None),
    bind("G <End>", Scope::List, Cmd::Bottom, "last row", None),
    bind("<Enter> l", Scope::List, Cmd::Open, "open the case", Some("open")),
    bind("<Tab> <BackTab>", Scope::List, Cmd::NextPane, "due soon ⇄ overdue queue", Some("switch")),
    bind("/", Scope::List, Cmd::Filter, "filter by name, loan id or phone", Some("filter")),
    bind("<Esc>", Scope::List, Cmd::Back, "clear the filter", None),
    bind("m", Scope::List, Cmd::ToggleMine, "my cases ⇄ everything", Some("mine")),
    bind("D", Scope::List, Cmd::LoadDemo, "load the demo book (empty store only)", Some("demo book")),
    bind("L", Scope::List, Cmd::NextLevel, "loans whose warning level is: all/red/orange/yellow", None),
    bind("w", Scope::List, Cmd::ToggleWatched, "all loans ⇄ customers on the watchlist", None),
    bind("s", Scope::Queue, Cmd::NextStage, "stage: all/reminder/negotiation/guarantor/legal", Some("stage")),
    bind("o", Scope::Queue, Cmd::NextSort, "sort: dpd/overdue/last contact/next action", Some("sort")),
    bind("<Space>", Scope::Queue, Cmd::ToggleMark, "mark the case for :assign (Esc clears marks)", None),
    bind("j <Down>", Scope::Case, Cmd::Down, "scroll down", None),
    bind("k <Up>", Scope::Case, Cmd::Up, "scroll up", None),
    bind("<PgDn> <C-f>", Scope::Case, Cmd::PageDown, "page down", None),
    bind("<PgUp> <C-b>", Scope::Case, Cmd::PageUp, "page up", None),
    bind("gg <Home>", Scope::Case, Cmd::Top, "top", None),
    bind("G <End>", Scope::Case, Cmd::Bottom, "bottom", None),
    bind(
        "<Tab>",
        Scope::Case,
        Cmd::NextPane,
        "next pane: schedule/contacts/payments/history/inspections/collateral/work log/signals",
        Some("pane"),
    ),
    bind("<BackTab>", Scope::Case, Cmd::PrevPane, "previous pane", None),
    bind("<Esc> h", Scope::Case, Cmd::Back, "back to the list", Some("back")),
    bind("<Enter> v", Scope::Case, Cmd::Open, "read the row under the cursor in full", None),
    bind("n", Scope::Case, Cmd::LogNoAnswer, "log a call to the debtor: no answer", Some("no answer")),
    bind("b", Scope::Case, Cmd::LogBusy, "log a call to the debtor: busy", None),
    bind("i", Scope::Case, Cmd::LogInbound, "log a call the debtor made to the desk (opens :in)", None),
    bind(
        "u",
        Scope::Case,
        Cmd::TakeBack,
        "take back the call just logged with n or b (within seconds)",
        None,
    ),
    bind("p", Scope::Case, Cmd::LogPromise, "log a promise to pay (opens :ptp)", Some("promise")),
    bind("c", Scope::Case, Cmd::LogContact, "log a contact (opens :log)", Some("log")),
    bind("a", Scope::Case, Cmd::NextAction, "set the next action (opens :next)", None),
    bind("P", Scope::Case, Cmd::ProposePlan, "propose a plan (opens :plan)", Some("plan")),
    bind("N", Scope::Case, Cmd::IssueNotice, "issue a notice (opens :notice)", None),
    bind("K", Scope::Case, Cmd::InspectForm, "record an inspection (the form)", None),
    bind("W", Scope::Case, Cmd::WorkLog, "write the work log (opens :worklog)", None),
    bind("!", Scope::Case, Cmd::RaiseWarning, "raise an early-warning signal (opens :warn)", None),
    bind(
        "C",
        Scope::Case,
        Cmd::ConfirmSignal,
        "confirm the signal under the cursor (opens :warn-confirm)",
        None,
    ),
    bind(
        "+",
        Scope::Case,
        Cmd::AddMeasure,
        "a measure on the signal under the cursor (opens :warn-measure)",
        None,
    ),
    bind("X", Scope::Case, Cmd::CloseSignal, "close the signal under the cursor (opens :warn-close)", None),
    bind(
        "w",
        Scope::Case,
        Cmd::ToggleWatch,
        "watchlist: put the customer on or take it off (opens :watch/:unwatch)",
        None,
    ),
    bind("j <Down>", Scope::Run, Cmd::Down, "next change", None),
    bind("k <Up>", Scope::Run, Cmd::Up, "previous change", None),
    bind("<PgDn> <C-f>", Scope::Run, Cmd::PageDown, "next page", None),
    bind("<PgUp> <C-b>", Scope::Run, Cmd::PageUp, "previous page", None),
    bind("gg <Home>", Scope::Run, Cmd::Top, "first change", None),
    bind("G <End>", Scope::Run, Cmd::Bottom, "last change", None),
    bind("<Enter> l", Scope::Run, Cmd::Open, "open the case of the change", Some("open")),
    bind("<Esc> h", Scope::Run, Cmd::Back, "back to the list", Some("back")),
    bind(
        "R",
        Scope::Run,
        Cmd::RunApply,
        "apply the run to the book (supervisors; press twice)",
        Some("run it"),
    ),
    bind("<Esc> h", Scope::Team, Cmd::Back, "back to the list", Some("back")),
    bind("j <Down>", Scope::Work, Cmd::Down, "next row", None),
    bind("k <Up>", Scope::Work, Cmd::Up, "previous row", None),
    bind("<PgDn> <C-f>", Scope::Work, Cmd::PageDown, "next page", None),
    bind("<PgUp> <C-b>", Scope::Work, Cmd::PageUp, "previous page", None),
    bind("gg <Home>", Scope::Work, Cmd::Top, "first row", None),
    bind("G <End>", Scope::Work, Cmd::Bottom, "last row", None),
    bind("<Enter> l", Scope::Work, Cmd::Open, "open the case", Some("open")),
    bind("o", Scope::Work, Cmd::ToggleOverdue, "inspections: all due ⇄ overdue only", Some("overdue")),
    bind("L", Scope::Work, Cmd::NextLevel, "warnings: all/red/orange/yellow", Some("level")),
    bind("w", Scope::Work, Cmd::ToggleWatched, "warnings: all ⇄ customers on the watchlist", None),
    bind("m", Scope::Work, Cmd::ToggleMine, "my cases ⇄ everything", Some("mine")),
    bind("<Esc> h", Scope::Work, Cmd::Back, "back to the list", Some("back")),
    bind(
        "<Tab>",
        Scope::Reports,
        Cmd::NextPane,
        "next view: migration/roll/NPL/vintage/scorecard",
        Some("view"),
    ),
    bind("<BackTab>", Scope::Reports, Cmd::PrevPane, "previous view", None),
    bind("[", Scope::Reports, Cmd::PrevMonth, "the month-end before", Some("month")),
    bind("]", Scope::Reports, Cmd::NextMonth, "the month-end after", None),
    bind("g", Scope::Reports, Cmd::NextGrouping, "NPL by: book/branch/product/owner", Some("by")),
    bind("t", Scope::Reports, Cmd::ToggleTable, "charts ⇄ tables", Some("table")),
    bind("<Esc> h", Scope::Reports, Cmd::Back, "back to the list", Some("back")),
    bind(
        ":",
        Scope::Global,
        Cmd::CommandLine,
        "the command line (its commands are listed below)",
        Some("cmd"),
    ),
    bind("?", Scope::Global, Cmd::Help, "this help", Some("help")),
    bind("q <C-c>", Scope::Global, Cmd::Quit, "quit", Some("quit")),
    // The lists' screens after quit, so quit stays on the help's first page at 80×24.
    bind("I", Scope::Global, Cmd::InspectionsView, "post-loan inspections due and overdue", None),
    bind(
        "V",
        Scope::Global,
        Cmd::ReviewView,
        "inspections and work logs awaiting a signature (supervisors)",
        None,
    ),
    bind("T", Scope::Global, Cmd::TeamView, "the team's figures this month (supervisors)", None),
    bind("E", Scope::Global, Cmd::RunPreview, "preview tonight's escalation run", None),
    bind("M", Scope::Global, Cmd::ReportsView, "month-end risk reports as charts (supervisors)", None),
    bind("A", Scope::Global, Cmd::WarningsView, "the open early-warning signals, red first", None),
];

impl Cmd {
    /// The action's name in a user's `keys.toml`.
    pub fn name(self) -> &'static str {
        self.as_str()
    }

    pub fn from_name(name: &str) -> Option<Cmd> {
        name.parse().ok()
    }
}

impl Scope {
    pub const ALL: [Scope; 8] = [
        Scope::Global,
        Scope::List,
        Scope::Queue,
        Scope::Case,
        Scope::Run,
        Scope::Team,
        Scope::Work,
        Scope::Reports,
    ];

    /// The scope's section in a user's `keys.toml`.
    pub fn name(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::List => "list",
            Scope::Queue => "queue",
            Scope::Case => "case",
            Scope::Run => "run",
            Scope::Team => "team",
            Scope::Work => "work",
            Scope::Reports => "reports",
        }
    }

    pub fn from_name(name: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.name() == name)
    }

    /// Whether bindings of the two scopes can be live on the same screen (`DeskState::scopes`).
    pub fn overlaps(self, other: Scope) -> bool {
        self == other
            || self == Scope::Global
            || other == Scope::Global
            || matches!((self, other), (Scope::List, Scope::Queue) | (Scope::Queue, Scope::List))
    }
}

/// A key map parsed once: each binding's alternatives as key sequences.
#[derive(Debug, Clone)]
pub struct Keymap {
    pub bindings: Vec<(Binding, Vec<Vec<Key>>)>,
}

impl Keymap {
    pub fn new(table: &[Binding]) -> Result<Keymap, String> {
        let bindings = table
            .iter()
            .map(|b| {
                let seqs = b.keys.split_whitespace().map(parse_keys).collect::<Result<Vec<_>, _>>()?;
                Ok((*b, seqs))
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Keymap { bindings })
    }

    /// Matches a key sequence in the given scopes: the command when complete, `Err(true)` when it is
    /// the start of a longer binding, `Err(false)` when nothing matches.
    pub fn lookup(&self, scopes: &[Scope], seq: &[Key]) -> Result<Cmd, bool> {
        let mut prefix = false;
        for (b, seqs) in self.bindings.iter().filter(|(b, _)| scopes.contains(&b.scope)) {
            for s in seqs {
                if s.as_slice() == seq {
                    return Ok(b.cmd);
                }
                prefix |= s.len() > seq.len() && s.starts_with(seq);
            }
        }
        Err(prefix)
    }

    /// The keys of a binding as help shows them: `j, ↓`.
    pub fn keys_label(seqs: &[Vec<Key>]) -> String {
        seqs.iter()
            .map(|s| s.iter().map(ToString::to_string).collect::<String>())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

impl Keymap {
    /// The key sequences of an action in a scope, if the key map has it there.
    pub fn keys_of(&self, scope: Scope, cmd: Cmd) -> Option<&[Vec<Key>]> {
        self.bindings.iter().find(|(b, _)| b.scope == scope && b.cmd == cmd).map(|(_, s)| s.as_slice())
    }

    /// Binds actions to new key sequences instead of their defaults (a user's key file): each
    /// `(scope, action, keys)` replaces that action's keys in that scope. The new keys leave every
    /// other binding that can be live on the same screen, so the user's key wins; a binding left
    /// with no keys is dropped. An action the scope has no binding for is skipped.
    pub fn rebind(&mut self, overrides: &[(Scope, Cmd, Vec<Vec<Key>>)]) {
        for (b, seqs) in &mut self.bindings {
            if let Some((_, _, new)) = overrides.iter().find(|(s, c, _)| *s == b.scope && *c == b.cmd) {
                seqs.clone_from(new);
            } else {
                for (_, _, new) in overrides.iter().filter(|(s, _, _)| s.overlaps(b.scope)) {
                    seqs.retain(|k| !new.contains(k));
                }
            }
        }
        self.bindings.retain(|(_, s)| !s.is_empty());
    }
}

impl Default for Keymap {
    fn default() -> Self {
        // The default table is checked by a test; an entry that failed to parse would only be missing.
        Keymap::new(DEFAULT_KEYMAP).unwrap_or(Keymap { bindings: Vec::new() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_keymap_parses() {
        let km = Keymap::new(DEFAULT_KEYMAP).expect("default keymap");
        assert_eq!(km.bindings.len(), DEFAULT_KEYMAP.len());
        assert!(DEFAULT_KEYMAP.iter().all(|b| !b.desc.is_empty()));
    }

    #[test]
    fn key_notation() {
        let keys = parse_keys("jj<Enter><C-c>gg<lt>/王").expect("keys");
        assert_eq!(keys.len(), 9);
        assert_eq!(keys[2], Key::plain(KeyCode::Enter));
        assert_eq!(keys[3], Key::ctrl('c'));
        assert_eq!(keys[6], Key::plain(KeyCode::Char('<')));
        assert_eq!(keys[8], Key::plain(KeyCode::Char('王')));
        assert!(parse_keys("<Nope>").is_err());
        assert_eq!(Keymap::keys_label(&[parse_keys("q").expect("q"), vec![Key::ctrl('c')]]), "q, Ctrl-c");
    }

    #[test]
    fn every_action_and_scope_round_trips_through_its_name() {
        for c in Cmd::ALL {
            assert_eq!(Cmd::from_name(c.name()), Some(*c));
        }
        for s in Scope::ALL {
            assert_eq!(Scope::from_name(s.name()), Some(s));
        }
        // Every action of the default map has a name, and the names are unique.
        assert!(DEFAULT_KEYMAP.iter().all(|b| Cmd::ALL.contains(&b.cmd) && Scope::ALL.contains(&b.scope)));
        let mut names: Vec<&str> = Cmd::ALL.iter().map(|c| c.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Cmd::ALL.len());
        assert_eq!(Cmd::from_name("nope"), None);
    }

    #[test]
    fn a_rebound_action_replaces_its_keys_and_takes_them_from_the_others() {
        let mut km = Keymap::default();
        let o = parse_keys("o").expect("o");
        km.rebind(&[(Scope::List, Cmd::Open, vec![o.clone()])]);
        assert_eq!(km.keys_of(Scope::List, Cmd::Open), Some(&[o.clone()][..]));
        assert_eq!(km.lookup(&[Scope::List], &parse_keys("<Enter>").expect("enter")), Err(false));
        // `o` was the queue's sort key; the queue and the lists share a screen, so it moves.
        assert_eq!(km.lookup(&[Scope::List, Scope::Queue], &o), Ok(Cmd::Open));
        assert_eq!(km.keys_of(Scope::Queue, Cmd::NextSort), None);
        // Everything else stays.
        assert_eq!(km.lookup(&[Scope::List], &parse_keys("j").expect("j")), Ok(Cmd::Down));
        // Moving a key twice, and an action with no place in the scope, are fine.
        let mut km = Keymap::default();
        let big_o = parse_keys("O").expect("O");
        km.rebind(&[
            (Scope::List, Cmd::Open, vec![o.clone()]),
            (Scope::Queue, Cmd::NextSort, vec![big_o.clone()]),
            (Scope::Case, Cmd::NextStage, vec![o.clone()]),
        ]);
        assert_eq!(km.lookup(&[Scope::List, Scope::Queue], &big_o), Ok(Cmd::NextSort));
        assert_eq!(km.lookup(&[Scope::Case], &o), Err(false));
    }

    #[test]
    fn sequences_and_prefixes() {
        let km = Keymap::default();
        let g = parse_keys("g").expect("g");
        assert_eq!(km.lookup(&[Scope::List], &g), Err(true));
        assert_eq!(km.lookup(&[Scope::List], &parse_keys("gg").expect("gg")), Ok(Cmd::Top));
        assert_eq!(km.lookup(&[Scope::List], &parse_keys("x").expect("x")), Err(false));
        assert_eq!(km.lookup(&[Scope::Case], &parse_keys("s").expect("s")), Err(false));
    }
}

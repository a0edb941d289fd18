//! The terminal desk's state and its actions, with no terminal types: a key becomes an `Action`
//! (`handle_key`, pure), `apply` changes the state and returns the store requests to make, and
//! `serve` answers a request from a `Desk`. The terminal runs `serve` on a worker thread; tests
//! call it in line (`settle`, `press`).

mod run;

use chrono::NaiveDate;

use std::path::PathBuf;

use super::assign::{BulkAssign, BulkOutcome, CaseMoveStatus};
use super::casework::{ContactInput, PlanOutcome};
use super::escalate::EscalationReport;
use super::keymap::{Cmd, Key, KeyCode, Keymap, Scope};
use super::leases::Lease;
use super::moves::HoldKind;
use super::notice_text::{NoticeKind, NoticeLang};
use super::notices::NoticeView;
use super::privacy::{PiiField, Revealed};
use super::strings::{Lang, fill};
use super::team::TeamReport;
use super::views::{LoanDetail, LoanQuery, LoanSummary};
use super::{Desk, demo};
use crate::domain::plan::{PlanKind, PlanRequest, PlanScope};
use crate::domain::{Channel, LoanStatus, Money, Outcome, Party, Role, Stage};
use crate::store::{self, SortKey};

/// Rows above and below the list itself: the tab line, the column header, the status bar, the footer.
pub const LIST_CHROME: u16 = 4;
/// Lines of the case view above its pane: tab line, the case header, the pane's tab line; plus status and footer.
pub const CASE_CHROME: u16 = 12;
/// Lines of the run screen around its list of changes: tab line, title, summary, two lines of
/// transitions, the list's header, status and footer.
pub const RUN_CHROME: u16 = 8;
/// Rows fetched per page around the cursor.
pub const PAGE: u64 = 120;
/// Loans in the demo book that `D` loads into an empty store.
pub const DEMO_LOANS: u64 = 2_000;
/// Where `:notice` writes its files when no directory is given: `notices` under the directory the
/// desk was started in, as the command line's `--out` is relative to it too.
pub const NOTICE_DIR: &str = "notices";

/// The stage tabs of the overdue queue, in the order the stage key walks them.
pub const STAGE_TABS: [Option<Stage>; 5] =
    [None, Some(Stage::Reminder), Some(Stage::Negotiation), Some(Stage::Guarantor), Some(Stage::Legal)];
/// The queue's sort orders, in the order the sort key walks them.
pub const SORTS: [SortKey; 4] = [SortKey::Dpd, SortKey::Overdue, SortKey::LastContact, SortKey::NextAction];

pub fn sort_name(s: SortKey) -> &'static str {
    match s {
        SortKey::Dpd => "dpd",
        SortKey::Overdue => "overdue",
        SortKey::Due => "due",
        SortKey::LastContact => "last_contact",
        SortKey::NextAction => "next_action",
        SortKey::DueSoon => "due_soon",
    }
}

fn parse_sort(s: &str) -> Option<SortKey> {
    SORTS.into_iter().chain([SortKey::Due]).find(|k| sort_name(*k) == s)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    DueSoon,
    Overdue,
    Case,
    /// Tonight's escalation run: its preview (dry run), or a run made from the desk.
    Run,
    /// The team's figures this month (supervisors).
    Team,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Filter,
    Command,
    Help,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    DueSoon,
    Overdue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CasePane {
    Schedule,
    Contacts,
    Payments,
    History,
}

impl CasePane {
    pub const ALL: [CasePane; 4] =
        [CasePane::Schedule, CasePane::Contacts, CasePane::Payments, CasePane::History];
}

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

/// A list: the rows fetched around the cursor, the count, the cursor and the first visible row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListState {
    /// Rows `offset .. offset + rows.len()` of the list.
    pub rows: Vec<LoanSummary>,
    pub offset: u64,
    pub total: Option<u64>,
    pub selected: u64,
    pub top: u64,
    /// The generation of the latest request; older replies are dropped.
    pub generation: u64,
    /// The offset being fetched, if a request is out.
    pub loading: Option<u64>,
    pub error: Option<String>,
}

impl ListState {
    pub fn row(&self, i: u64) -> Option<&LoanSummary> {
        let k = usize::try_from(i.checked_sub(self.offset)?).ok()?;
        self.rows.get(k)
    }

    fn covers(&self, from: u64, to: u64) -> bool {
        from >= self.offset && to <= self.offset + self.rows.len() as u64
    }

    fn reset(&mut self) {
        *self = ListState::default();
    }

    fn move_to(&mut self, target: i64, view: u64) {
        let Some(total) = self.total.filter(|t| *t > 0) else { return };
        let last = i64::try_from(total - 1).unwrap_or(i64::MAX);
        self.selected = u64::try_from(target.clamp(0, last)).unwrap_or(0);
        let view = view.max(1);
        if self.selected < self.top {
            self.top = self.selected;
        } else if self.selected >= self.top + view {
            self.top = self.selected + 1 - view;
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseState {
    pub loan: String,
    pub detail: Option<Box<LoanDetail>>,
    pub error: Option<String>,
    pub pane: CasePane,
    pub scroll: u64,
    pub generation: u64,
    /// A proposed plan (`:plan N FIRST …`) shown in place of the panes until saved or dropped.
    pub plan: Option<PlanPreview>,
    /// The generation of the latest plan preview asked for; older answers are dropped.
    pub plan_generation: u64,
    /// The running lease on the case: this desk's (it may edit) or another user's (read only).
    pub lease: Option<Lease>,
}

/// A plan as previewed: the request (saved as it is with `:plan save REASON`) and the new schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanPreview {
    pub req: PlanRequest,
    pub outcome: Box<PlanOutcome>,
}

impl CaseState {
    /// Lines in the focused pane (for scrolling limits).
    pub fn pane_len(&self) -> u64 {
        if let Some(p) = &self.plan {
            return p.outcome.schedule.len() as u64;
        }
        let Some(d) = &self.detail else { return 0 };
        let n = match self.pane {
            CasePane::Schedule => d.schedule.len(),
            CasePane::Contacts => d.contacts.len(),
            CasePane::Payments => d.payments.len() + d.promises.len(),
            CasePane::History => {
                d.stage_events.len()
                    + d.assignments.len()
                    + d.plans.len()
                    + d.notices.len()
                    + d.holds.len()
                    + d.tasks.len()
            }
        };
        n as u64
    }
}

/// The escalation run on screen: progress while it works, then its report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunState {
    /// A preview (writes nothing) or the run itself.
    pub dry_run: bool,
    pub generation: u64,
    /// The phase under way and the loans done in it.
    pub progress: Option<(&'static str, u64)>,
    pub report: Option<Box<EscalationReport>>,
    pub error: Option<String>,
    /// The change under the cursor and the first one on screen.
    pub selected: u64,
    pub top: u64,
    /// The run key was pressed once: the next press applies the run.
    pub confirm: bool,
}

impl RunState {
    pub fn busy(&self) -> bool {
        self.report.is_none() && self.error.is_none()
    }

    fn changes(&self) -> u64 {
        self.report.as_ref().map_or(0, |r| r.changes.len() as u64)
    }
}

/// The team view: the figures when they come, or why not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TeamState {
    pub generation: u64,
    pub report: Option<Box<TeamReport>>,
    pub error: Option<String>,
}

/// What the worker is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// How many loans the store holds (an empty store offers the demo book).
    Info,
    List {
        list: ListKind,
        query: LoanQuery,
        want_total: bool,
    },
    Case {
        loan: String,
    },
    LoadDemo,
    /// Work on the open case: the same actions as the command line's `contact`, `next-action`,
    /// `plan --save` and `notice`.
    Write {
        loan: String,
        op: CaseOp,
    },
    /// A plan's new schedule without saving it (the command line's `plan` without `--save`).
    PlanPreview {
        loan: String,
        req: PlanRequest,
    },
    /// The team's figures for the desk's month.
    Team,
    /// One masked number of the open case in full (audited; the command line's `reveal`).
    Reveal {
        loan: String,
        field: PiiField,
    },
    /// A bulk reassignment by filter, balance or hand-over (the command line's `assign --stage …`).
    AssignBulk(Box<BulkAssign>),
    /// Takes, gives back or takes over the lease on a loan's case (the command line's `lease`).
    Lease {
        loan: String,
        op: LeaseOp,
    },
    /// Gives these loans' cases to `to` (the command line's `assign`).
    Assign {
        loans: Vec<String>,
        to: String,
        reason: Option<String>,
    },
    /// The escalation run on the whole book (the command line's `escalate [--dry-run]`).
    Escalate {
        dry_run: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseOp {
    /// Take it, or renew this desk's own; another user's running lease stays theirs.
    Take,
    Release,
    /// A supervisor's, with a reason (audited).
    TakeOver(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseOp {
    Contact(Box<ContactInput>),
    NextAction {
        on: Option<NaiveDate>,
        kind: Option<String>,
        version: Option<i64>,
    },
    /// Puts a previewed plan in force, against the version of the case it was previewed on.
    Plan {
        req: PlanRequest,
        reason: String,
        version: Option<i64>,
    },
    /// `force`: a supervisor's second dunning notice in a month (the command line's `--force`).
    Notice {
        kind: NoticeKind,
        lang: NoticeLang,
        force: bool,
        dir: PathBuf,
    },
    /// A supervisor's dispute or hardship hold (`from`: backdated, else the desk's date).
    Hold {
        kind: HoldKind,
        from: Option<NaiveDate>,
        until: NaiveDate,
        reason: String,
    },
    LiftHold {
        reason: String,
    },
    /// A stage move by hand (back: supervisors only), against the version on screen.
    Move {
        to: Stage,
        reason: String,
        version: Option<i64>,
    },
    /// Placement with an agency (委外), or taking the case back (`name: None`).
    Agency {
        name: Option<String>,
        reason: Option<String>,
        version: Option<i64>,
    },
    WriteOff {
        reason: String,
        version: Option<i64>,
    },
    Reopen {
        reason: String,
        version: Option<i64>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub generation: u64,
    pub query: Query,
}

/// The worker's answer, tagged with the request's generation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    Info {
        loans: u64,
    },
    List {
        list: ListKind,
        generation: u64,
        offset: u64,
        rows: Vec<LoanSummary>,
        total: Option<u64>,
    },
    Case {
        generation: u64,
        detail: Box<LoanDetail>,
    },
    DemoLoaded {
        loans: u64,
    },
    Written {
        loan: String,
        op: CaseOp,
    },
    PlanPreview {
        generation: u64,
        req: PlanRequest,
        outcome: Box<PlanOutcome>,
    },
    /// The lease on a case after a `Query::Lease`: this desk's, another user's, or none.
    Lease {
        loan: String,
        op: LeaseOp,
        lease: Option<Lease>,
    },
    Team {
        generation: u64,
        report: Box<TeamReport>,
    },
    Revealed(Box<Revealed>),
    /// A bulk reassignment's outcome: what moved (or would), what was skipped, the shares after.
    AssignedBulk(Box<BulkOutcome>),
    /// Cases given to another user from the desk: how many customers moved.
    Assigned {
        customers: usize,
        to: String,
    },
    /// Another desk or command changed the store: the lists and the open case are asked again.
    StoreChanged,
    /// How far the escalation run has come.
    RunProgress {
        generation: u64,
        phase: &'static str,
        done: u64,
    },
    Ran {
        generation: u64,
        report: Box<EscalationReport>,
    },
    /// A notice issued from the desk, with the files it wrote.
    Issued {
        loan: String,
        notice: Box<NoticeView>,
    },
    Failed {
        generation: u64,
        what: Failed,
        message: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failed {
    Info,
    List(ListKind),
    Case,
    Demo,
    Write,
    /// A plan preview, or saving the plan on screen.
    Plan,
    Run,
    Team,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Cmd(Cmd),
    /// The first keys of a longer binding (`g` of `gg`).
    Prefix(Key),
    /// A key that matched nothing: clears a pending prefix.
    Unbound,
    Input(char),
    InputBackspace,
    InputSubmit,
    InputCancel,
    CloseHelp,
    Resize(u16, u16),
    Reply(Reply),
    ExpireMessage,
}

/// The whole desk on screen.
#[derive(Debug, Clone)]
pub struct DeskState {
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
    pub input: String,
    pub filter: String,
    pub stage: Option<Stage>,
    pub sort: SortKey,
    pub mine: bool,
    /// Loans marked in the queue for a bulk action (`:assign`).
    pub marked: std::collections::BTreeSet<String>,
    pub due: ListState,
    pub overdue: ListState,
    pub case: Option<CaseState>,
    pub loans_in_store: Option<u64>,
    pub loading_demo: bool,
    pub message: Option<String>,
    pub pending: Vec<Key>,
    pub size: (u16, u16),
    pub quit: bool,
    /// A supervisor's reason to log the next contact over a refusing conduct rule (`:override`).
    pub override_reason: Option<String>,
    pub run: Option<RunState>,
    pub team: Option<TeamState>,
    next_gen: u64,
}

impl DeskState {
    pub fn new(info: DeskInfo) -> DeskState {
        let mine = info.role == Some(Role::Collector);
        DeskState {
            info,
            lang: Lang::En,
            keymap: Keymap::default(),
            screen: Screen::DueSoon,
            list_screen: Screen::DueSoon,
            case_return: Screen::DueSoon,
            mode: Mode::Normal,
            input: String::new(),
            filter: String::new(),
            stage: None,
            sort: SortKey::Dpd,
            mine,
            marked: std::collections::BTreeSet::new(),
            due: ListState::default(),
            overdue: ListState::default(),
            case: None,
            loans_in_store: None,
            loading_demo: false,
            message: None,
            pending: Vec::new(),
            size: (80, 24),
            quit: false,
            override_reason: None,
            run: None,
            team: None,
            next_gen: 0,
        }
    }

    /// The requests to make when the desk opens.
    pub fn start(&mut self) -> Vec<Request> {
        self.ask(Query::Info)
    }

    /// One request to the worker, tagged with a new generation.
    fn ask(&mut self, query: Query) -> Vec<Request> {
        let generation = self.next_generation();
        vec![Request { generation, query }]
    }

    fn next_generation(&mut self) -> u64 {
        self.next_gen += 1;
        self.next_gen
    }

    pub fn list(&self, kind: ListKind) -> &ListState {
        match kind {
            ListKind::DueSoon => &self.due,
            ListKind::Overdue => &self.overdue,
        }
    }

    fn list_mut(&mut self, kind: ListKind) -> &mut ListState {
        match kind {
            ListKind::DueSoon => &mut self.due,
            ListKind::Overdue => &mut self.overdue,
        }
    }

    /// The list on screen, if a list is on screen.
    pub fn current_list(&self) -> Option<ListKind> {
        match self.screen {
            Screen::DueSoon => Some(ListKind::DueSoon),
            Screen::Overdue => Some(ListKind::Overdue),
            Screen::Case | Screen::Run | Screen::Team => None,
        }
    }

    pub fn scopes(&self) -> Vec<Scope> {
        match self.screen {
            Screen::DueSoon => vec![Scope::List, Scope::Global],
            Screen::Overdue => vec![Scope::List, Scope::Queue, Scope::Global],
            Screen::Case => vec![Scope::Case, Scope::Global],
            Screen::Run => vec![Scope::Run, Scope::Global],
            Screen::Team => vec![Scope::Team, Scope::Global],
        }
    }

    pub fn list_rows(&self) -> u64 {
        u64::from(self.size.1.saturating_sub(LIST_CHROME)).max(1)
    }

    pub fn case_rows(&self) -> u64 {
        u64::from(self.size.1.saturating_sub(CASE_CHROME)).max(1)
    }

    /// The question a list asks the store.
    pub fn query(&self, kind: ListKind) -> LoanQuery {
        let assignee = if self.mine { Some(self.info.login.clone()) } else { None };
        let search = Some(self.filter.trim().to_string()).filter(|s| !s.is_empty());
        match kind {
            ListKind::DueSoon => LoanQuery {
                due_soon: true,
                status: Some(LoanStatus::Active),
                assignee,
                search,
                sort: SortKey::DueSoon,
                ..LoanQuery::default()
            },
            ListKind::Overdue => LoanQuery {
                promises_first: true,
                dpd_min: Some(1),
                status: Some(LoanStatus::Active),
                stage: self.stage,
                assignee,
                search,
                sort: self.sort,
                ..LoanQuery::default()
            },
        }
    }

    fn store_is_empty(&self) -> bool {
        self.loans_in_store == Some(0)
    }

    /// Drops a list's rows and asks again from the top (the question changed).
    fn requery(&mut self, kind: ListKind) -> Vec<Request> {
        self.list_mut(kind).reset();
        self.fetch(kind, 0, true)
    }

    fn fetch(&mut self, kind: ListKind, offset: u64, want_total: bool) -> Vec<Request> {
        if self.loans_in_store.is_none() || self.store_is_empty() {
            return Vec::new();
        }
        let generation = self.next_generation();
        let mut query = self.query(kind);
        query.limit = Some(PAGE.max(self.list_rows() * 3));
        query.offset = offset;
        let list = self.list_mut(kind);
        list.generation = generation;
        list.loading = Some(offset);
        vec![Request { generation, query: Query::List { list: kind, query, want_total } }]
    }

    /// Asks for the rows around the visible window when they are not at hand.
    fn ensure_visible(&mut self) -> Vec<Request> {
        let Some(kind) = self.current_list() else { return Vec::new() };
        let view = self.list_rows();
        let list = self.list(kind);
        let Some(total) = list.total else {
            return if list.loading.is_some() { Vec::new() } else { self.fetch(kind, 0, true) };
        };
        let from = list.top;
        let to = (list.top + view).min(total);
        if list.covers(from, to) {
            return Vec::new();
        }
        let offset = from.saturating_sub(PAGE.max(view * 3) / 3);
        if list.loading == Some(offset) {
            return Vec::new();
        }
        self.fetch(kind, offset, false)
    }

    /// Remembers the list on screen as the one to come back to.
    fn leave_list(&mut self) {
        if matches!(self.screen, Screen::DueSoon | Screen::Overdue) {
            self.list_screen = self.screen;
        }
    }

    fn say(&mut self, text: impl Into<String>) {
        self.message = Some(text.into());
    }

    fn open_case(&mut self, loan: String) -> Vec<Request> {
        let released = self.release_lease();
        self.leave_list();
        if self.screen != Screen::Case {
            self.case_return = self.screen;
        }
        let generation = self.next_generation();
        self.case = Some(CaseState {
            loan: loan.clone(),
            detail: None,
            error: None,
            pane: CasePane::Schedule,
            scroll: 0,
            generation,
            plan: None,
            plan_generation: 0,
            lease: None,
        });
        self.screen = Screen::Case;
        let mut out = released;
        out.push(Request { generation, query: Query::Case { loan: loan.clone() } });
        out.extend(self.ask(Query::Lease { loan, op: LeaseOp::Take }));
        out
    }

    /// Gives back this desk's lease on the case it leaves (another desk may work it now).
    pub fn release_lease(&mut self) -> Vec<Request> {
        let Some(c) = self.case.as_mut() else { return Vec::new() };
        match c.lease.take() {
            Some(l) if l.mine => {
                let loan = c.loan.clone();
                self.ask(Query::Lease { loan, op: LeaseOp::Release })
            }
            other => {
                c.lease = other;
                Vec::new()
            }
        }
    }

    fn switch_list(&mut self, to: Screen) -> Vec<Request> {
        self.screen = to;
        self.list_screen = to;
        self.ensure_visible()
    }

    /// Asks both lists again around where the cursor is (after a write): the collector keeps
    /// their place in the queue instead of being sent back to the top.
    /// `recount`: whether the write can change how many loans a list holds (a contact cannot, and
    /// counting a million-loan queue again after every call is most of the call's wait).
    fn refresh_lists(&mut self, recount: bool) -> Vec<Request> {
        let view = self.list_rows();
        let mut out = Vec::new();
        for kind in [ListKind::DueSoon, ListKind::Overdue] {
            let offset = self.list(kind).top.saturating_sub(PAGE.max(view * 3) / 3);
            let recount = recount || self.list(kind).total.is_none();
            out.extend(self.fetch(kind, offset, recount));
        }
        out
    }

    fn requery_all(&mut self) -> Vec<Request> {
        let mut out = self.requery(ListKind::DueSoon);
        out.extend(self.requery(ListKind::Overdue));
        out
    }

    fn cmd(&mut self, cmd: Cmd) -> Vec<Request> {
        if self.screen == Screen::Run
            && let Some(out) = self.run_cmd(cmd)
        {
            return out;
        }
        if self.screen == Screen::Team && cmd == Cmd::Back {
            self.screen = self.list_screen;
            return self.ensure_visible();
        }
        match (cmd, self.current_list()) {
            (Cmd::RunPreview, _) => self.open_run(""),
            (Cmd::TeamView, _) => self.open_team(),
            (Cmd::RunApply, _) => Vec::new(),
            (Cmd::Quit, _) => {
                self.quit = true;
                Vec::new()
            }
            (Cmd::Help, _) => {
                self.mode = Mode::Help;
                Vec::new()
            }
            (Cmd::CommandLine, _) => {
                self.mode = Mode::Command;
                self.input.clear();
                Vec::new()
            }
            (Cmd::Filter, Some(_)) => {
                self.mode = Mode::Filter;
                self.input = self.filter.clone();
                Vec::new()
            }
            (Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown | Cmd::Top | Cmd::Bottom, Some(kind)) => {
                let view = self.list_rows();
                let list = self.list_mut(kind);
                let sel = i64::try_from(list.selected).unwrap_or(0);
                let page = i64::try_from(view).unwrap_or(1);
                let target = match cmd {
                    Cmd::Up => sel - 1,
                    Cmd::Down => sel + 1,
                    Cmd::PageUp => sel - page,
                    Cmd::PageDown => sel + page,
                    Cmd::Top => 0,
                    _ => i64::MAX,
                };
                list.move_to(target, view);
                self.ensure_visible()
            }
            (Cmd::Up | Cmd::Down | Cmd::PageUp | Cmd::PageDown | Cmd::Top | Cmd::Bottom, None) => {
                let view = self.case_rows();
                if let Some(c) = &mut self.case {
                    let max = c.pane_len().saturating_sub(view);
                    c.scroll = match cmd {
                        Cmd::Up => c.scroll.saturating_sub(1),
                        Cmd::Down => c.scroll + 1,
                        Cmd::PageUp => c.scroll.saturating_sub(view),
                        Cmd::PageDown => c.scroll + view,
                        Cmd::Top => 0,
                        _ => max,
                    }
                    .min(max);
                }
                Vec::new()
            }
            (Cmd::NextPane | Cmd::PrevPane, Some(_)) => {
                let to = if self.screen == Screen::DueSoon { Screen::Overdue } else { Screen::DueSoon };
                self.switch_list(to)
            }
            (Cmd::NextPane | Cmd::PrevPane, None) => {
                if let Some(c) = &mut self.case {
                    let i = CasePane::ALL.iter().position(|p| *p == c.pane).unwrap_or(0);
                    let n = CasePane::ALL.len();
                    let j = if cmd == Cmd::NextPane { (i + 1) % n } else { (i + n - 1) % n };
                    c.pane = CasePane::ALL[j];
                    c.scroll = 0;
                }
                Vec::new()
            }
            (Cmd::Open, Some(kind)) => {
                let list = self.list(kind);
                match list.row(list.selected) {
                    Some(r) => {
                        let loan = r.loan_id.clone();
                        self.open_case(loan)
                    }
                    None => Vec::new(),
                }
            }
            (Cmd::ToggleMark, Some(kind)) => {
                let list = self.list(kind);
                let Some(loan) = list.row(list.selected).map(|r| r.loan_id.clone()) else {
                    return Vec::new();
                };
                if !self.marked.remove(&loan) {
                    self.marked.insert(loan);
                }
                // On to the next row, so a run of cases is marked by holding the key.
                self.cmd(Cmd::Down)
            }
            (Cmd::ToggleMark, None) => Vec::new(),
            (Cmd::Back, Some(_)) => {
                if self.filter.is_empty() {
                    if !self.marked.is_empty() {
                        self.marked.clear();
                        self.say(self.lang.text().msg_marks_cleared);
                    }
                    Vec::new()
                } else {
                    self.filter.clear();
                    self.requery_all()
                }
            }
            (Cmd::Back, None) => {
                if let Some(c) = self.case.as_mut().filter(|c| c.plan.is_some()) {
                    c.plan = None;
                    c.scroll = 0;
                    self.say(self.lang.text().msg_plan_dropped);
                    return Vec::new();
                }
                // Back where the case was opened from: a list, the run's changes or the team.
                self.screen = self.case_return;
                let mut out = self.release_lease();
                out.extend(self.ensure_visible());
                out
            }
            (Cmd::NextStage, _) => {
                let i = STAGE_TABS.iter().position(|s| *s == self.stage).unwrap_or(0);
                self.stage = STAGE_TABS[(i + 1) % STAGE_TABS.len()];
                self.requery(ListKind::Overdue)
            }
            (Cmd::NextSort, _) => {
                let i = SORTS.iter().position(|s| *s == self.sort).unwrap_or(0);
                self.sort = SORTS[(i + 1) % SORTS.len()];
                self.requery(ListKind::Overdue)
            }
            (Cmd::ToggleMine, _) => {
                self.mine = !self.mine;
                let t = self.lang.text();
                self.say(if self.mine { t.msg_mine } else { t.msg_everything });
                self.requery_all()
            }
            (Cmd::LoadDemo, _) => {
                if !self.store_is_empty() || self.loading_demo {
                    self.say(self.lang.text().msg_demo_only_empty);
                    return Vec::new();
                }
                self.loading_demo = true;
                self.say(fill(self.lang.text().msg_demo_loading, &[&DEMO_LOANS]));
                self.ask(Query::LoadDemo)
            }
            (Cmd::Filter | Cmd::Open, None) => Vec::new(),
            (
                Cmd::LogNoAnswer
                | Cmd::LogBusy
                | Cmd::LogPromise
                | Cmd::LogContact
                | Cmd::NextAction
                | Cmd::ProposePlan
                | Cmd::IssueNotice,
                Some(_),
            ) => {
                self.say(self.lang.text().msg_open_case_first);
                Vec::new()
            }
            (Cmd::LogNoAnswer, None) => self.log_call(Outcome::NoAnswer, ""),
            (Cmd::LogBusy, None) => self.log_call(Outcome::Busy, ""),
            (
                Cmd::LogPromise | Cmd::LogContact | Cmd::NextAction | Cmd::ProposePlan | Cmd::IssueNotice,
                None,
            ) => {
                self.mode = Mode::Command;
                self.input = match cmd {
                    Cmd::LogPromise => "ptp ",
                    Cmd::LogContact => "log ",
                    Cmd::ProposePlan => "plan ",
                    Cmd::IssueNotice => "notice ",
                    _ => "next ",
                }
                .to_string();
                Vec::new()
            }
        }
    }

    fn run_command(&mut self, line: &str) -> Vec<Request> {
        let mut words = line.split_whitespace();
        let (verb, arg) = (words.next().unwrap_or(""), words.next());
        let rest = line.trim_start().split_once(char::is_whitespace).map_or("", |(_, r)| r.trim());
        match verb {
            "na" => return self.log_call(Outcome::NoAnswer, rest),
            "busy" => return self.log_call(Outcome::Busy, rest),
            "ptp" => return self.log_promise(rest),
            "log" => return self.log_contact(rest),
            "note" => return self.add_note(rest),
            "next" => return self.set_next_action(rest),
            "plan" => return self.plan(rest),
            "notice" => return self.notice(rest),
            "hold" => return self.hold(rest),
            "lift" => return self.lift_hold(rest),
            "move" => return self.move_case(rest),
            "agency" => return self.agency(rest),
            "writeoff" | "write-off" => return self.write_off(rest),
            "reopen" => return self.reopen(rest),
            "escalate" | "run" => return self.open_run(rest),
            "assign" => return self.assign(rest),
            "team" => return self.open_team(),
            "reveal" => return self.reveal(rest),
            "takeover" | "take-over" => return self.take_over(rest),
            "override" => {
                let t = self.lang.text();
                self.override_reason = Some(rest.to_string()).filter(|r| !r.is_empty());
                self.say(match &self.override_reason {
                    Some(r) => fill(t.msg_override_set, &[r]),
                    None => t.msg_usage_override.to_string(),
                });
                return Vec::new();
            }
            _ => {}
        }
        match (verb, arg) {
            ("" | "q" | "quit", _) => {
                self.quit = !verb.is_empty();
                Vec::new()
            }
            ("goto" | "g", Some(loan)) => self.open_case(loan.to_string()),
            ("sort", Some(key)) => match parse_sort(key) {
                Some(s) => {
                    self.sort = s;
                    self.screen = Screen::Overdue;
                    self.list_screen = Screen::Overdue;
                    self.requery(ListKind::Overdue)
                }
                None => {
                    self.say(fill(self.lang.text().msg_unknown_sort, &[&key]));
                    Vec::new()
                }
            },
            ("stage", Some(s)) => {
                let stage = if s == "all" { Ok(None) } else { s.parse::<Stage>().map(Some) };
                match stage {
                    Ok(st) if STAGE_TABS.contains(&st) => {
                        self.stage = st;
                        self.screen = Screen::Overdue;
                        self.list_screen = Screen::Overdue;
                        self.requery(ListKind::Overdue)
                    }
                    _ => {
                        self.say(fill(self.lang.text().msg_unknown_stage, &[&s]));
                        Vec::new()
                    }
                }
            }
            _ => {
                self.say(fill(self.lang.text().msg_unknown_command, &[&line]));
                Vec::new()
            }
        }
    }

    /// The open case and its loaded detail, or a message saying to open one.
    fn open_detail(&mut self) -> Option<(String, Option<LoanDetail>)> {
        match (&self.screen, &self.case) {
            (Screen::Case, Some(c)) => Some((c.loan.clone(), c.detail.as_deref().cloned())),
            _ => {
                self.say(self.lang.text().msg_open_case_first);
                None
            }
        }
    }

    fn write(&mut self, loan: String, mut op: CaseOp) -> Vec<Request> {
        if let CaseOp::Contact(input) = &mut op
            && input.corrects.is_none()
        {
            input.override_reason = self.override_reason.take();
        }
        self.ask(Query::Write { loan, op })
    }

    fn log_call(&mut self, outcome: Outcome, note: &str) -> Vec<Request> {
        let Some((loan, _)) = self.open_detail() else { return Vec::new() };
        let mut input = ContactInput::call(&loan, outcome);
        input.note = note.to_string();
        self.write(loan, CaseOp::Contact(Box::new(input)))
    }

    /// `:ptp AMOUNT DATE [note]`
    fn log_promise(&mut self, args: &str) -> Vec<Request> {
        let Some((loan, _)) = self.open_detail() else { return Vec::new() };
        let mut words = args.split_whitespace();
        let amount = words.next().and_then(|a| Money::parse(a).ok()).filter(|m| m.is_positive());
        let date = words.next().and_then(|d| crate::domain::parse_date(d).ok());
        let (Some(amount), Some(date)) = (amount, date) else {
            self.say(self.lang.text().msg_usage_ptp);
            return Vec::new();
        };
        let mut input = ContactInput::call(&loan, Outcome::Promise);
        input.promise = Some((amount, date));
        input.note = words.collect::<Vec<_>>().join(" ");
        self.write(loan, CaseOp::Contact(Box::new(input)))
    }

    /// `:log OUTCOME [party=P] [channel=C] [note]`
    fn log_contact(&mut self, args: &str) -> Vec<Request> {
        let Some((loan, _)) = self.open_detail() else { return Vec::new() };
        let usage = |me: &mut Self| {
            let outcomes: Vec<&str> = Outcome::ALL.iter().map(|o| o.as_str()).collect();
            me.say(fill(me.lang.text().msg_usage_log, &[&outcomes.join(", ")]));
            Vec::new()
        };
        let mut words = args.split_whitespace().peekable();
        let Some(Ok(outcome)) = words.next().map(str::parse::<Outcome>) else { return usage(self) };
        if outcome == Outcome::Promise {
            self.say(self.lang.text().msg_usage_ptp);
            return Vec::new();
        }
        let mut input = ContactInput::call(&loan, outcome);
        while let Some((key, value)) = words.peek().and_then(|w| w.split_once('=')) {
            match key {
                "party" => match value.parse::<Party>() {
                    Ok(p) => input.party = p,
                    Err(_) => return usage(self),
                },
                "channel" => match value.parse::<Channel>() {
                    Ok(c) => input.channel = c,
                    Err(_) => return usage(self),
                },
                _ => return usage(self),
            }
            words.next();
        }
        input.note = words.collect::<Vec<_>>().join(" ");
        self.write(loan, CaseOp::Contact(Box::new(input)))
    }

    /// `:note TEXT`: history is append-only, so the note is a correction of the last contact that
    /// repeats it with the note.
    fn add_note(&mut self, text: &str) -> Vec<Request> {
        let Some((loan, detail)) = self.open_detail() else { return Vec::new() };
        let last = detail.as_ref().and_then(|d| d.contacts.first().cloned());
        let (Some(last), false) = (last, text.is_empty()) else {
            self.say(self.lang.text().msg_no_contact_to_note);
            return Vec::new();
        };
        let mut input = ContactInput::call(&loan, last.outcome);
        input.party = last.party;
        input.channel = last.channel;
        input.direction = last.direction;
        input.phone = last.phone.clone();
        input.note = text.to_string();
        input.corrects = Some(last.id);
        self.write(loan, CaseOp::Contact(Box::new(input)))
    }

    /// `:next DATE [kind]` or `:next clear`, against the version of the case on screen.
    fn set_next_action(&mut self, args: &str) -> Vec<Request> {
        let Some((loan, detail)) = self.open_detail() else { return Vec::new() };
        let mut words = args.split_whitespace();
        let on = match words.next() {
            Some("clear") => None,
            Some(d) => match crate::domain::parse_date(d) {
                Ok(d) => Some(d),
                Err(_) => {
                    self.say(self.lang.text().msg_usage_next);
                    return Vec::new();
                }
            },
            None => {
                self.say(self.lang.text().msg_usage_next);
                return Vec::new();
            }
        };
        let kind = on.map(|_| words.next().unwrap_or("callback").to_string());
        let version = detail.as_ref().map(|d| d.version);
        self.write(loan, CaseOp::NextAction { on, kind, version })
    }

    /// `:plan N FIRST [amount=X] [scope=arrears|balance] [kind=plan|extension|restructure]` asks for
    /// a preview; `:plan save REASON…` puts the previewed plan in force.
    fn plan(&mut self, args: &str) -> Vec<Request> {
        let Some((loan, detail)) = self.open_detail() else { return Vec::new() };
        let t = self.lang.text();
        if let Some(reason) = args.strip_prefix("save").filter(|r| r.is_empty() || r.starts_with(' ')) {
            let reason = reason.trim();
            let Some(req) = self.case.as_ref().and_then(|c| c.plan.as_ref()).map(|p| p.req) else {
                self.say(t.msg_plan_nothing_to_save);
                return Vec::new();
            };
            if reason.is_empty() {
                self.say(t.msg_plan_needs_reason);
                return Vec::new();
            }
            let version = detail.as_ref().map(|d| d.version);
            return self.write(loan, CaseOp::Plan { req, reason: reason.to_string(), version });
        }
        let Some(req) = parse_plan(args) else {
            self.say(t.msg_usage_plan);
            return Vec::new();
        };
        let generation = self.next_generation();
        if let Some(c) = self.case.as_mut() {
            c.plan_generation = generation;
        }
        vec![Request { generation, query: Query::PlanPreview { loan, req } }]
    }

    /// `:notice dunning|guarantor_demand [zh|en] [force] [DIR]`: Chinese and `notices/` unless given.
    fn notice(&mut self, args: &str) -> Vec<Request> {
        let Some((loan, _)) = self.open_detail() else { return Vec::new() };
        let mut words = args.split_whitespace().peekable();
        let Some(Ok(kind)) = words.next().map(str::parse::<NoticeKind>) else {
            self.say(self.lang.text().msg_usage_notice);
            return Vec::new();
        };
        let lang = match words.peek().map(|w| w.parse::<NoticeLang>()) {
            Some(Ok(l)) => {
                words.next();
                l
            }
            _ => NoticeLang::Zh,
        };
        let force = words.next_if_eq(&"force").is_some();
        let dir = words.collect::<Vec<_>>().join(" ");
        let dir = PathBuf::from(if dir.is_empty() { NOTICE_DIR } else { dir.as_str() });
        self.write(loan, CaseOp::Notice { kind, lang, force, dir })
    }

    /// `:hold dispute|hardship UNTIL [from=DATE] REASON…`
    fn hold(&mut self, args: &str) -> Vec<Request> {
        let Some((loan, _)) = self.open_detail() else { return Vec::new() };
        let mut words = args.split_whitespace().peekable();
        let kind = words.next().and_then(|k| k.parse::<HoldKind>().ok());
        let until = words.next().and_then(|d| crate::domain::parse_date(d).ok());
        let from = match words.peek().and_then(|w| w.strip_prefix("from=")) {
            Some(d) => match crate::domain::parse_date(d) {
                Ok(d) => {
                    words.next();
                    Some(d)
                }
                Err(_) => None,
            },
            None => None,
        };
        let reason = words.collect::<Vec<_>>().join(" ");
        match (kind, until) {
            (Some(kind), Some(until)) if !reason.is_empty() => {
                self.write(loan, CaseOp::Hold { kind, from, until, reason })
            }
            _ => self.usage(self.lang.text().msg_usage_hold),
        }
    }

    /// `:lift REASON…`
    fn lift_hold(&mut self, reason: &str) -> Vec<Request> {
        let Some((loan, _)) = self.open_detail() else { return Vec::new() };
        if reason.is_empty() {
            return self.usage(self.lang.text().msg_usage_lift);
        }
        self.write(loan, CaseOp::LiftHold { reason: reason.to_string() })
    }

    /// `:move STAGE REASON…` against the version on screen.
    fn move_case(&mut self, args: &str) -> Vec<Request> {
        let Some((loan, detail)) = self.open_detail() else { return Vec::new() };
        let (stage, reason) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
        let (Ok(to), false) = (stage.parse::<Stage>(), reason.trim().is_empty()) else {
            return self.usage(self.lang.text().msg_usage_move);
        };
        let version = detail.as_ref().map(|d| d.version);
        self.write(loan, CaseOp::Move { to, reason: reason.trim().to_string(), version })
    }

    /// `:agency NAME [REASON…]` places the case; `:agency off REASON…` takes it back.
    fn agency(&mut self, args: &str) -> Vec<Request> {
        let Some((loan, detail)) = self.open_detail() else { return Vec::new() };
        let (name, reason) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
        let reason = Some(reason.trim().to_string()).filter(|r| !r.is_empty());
        let name = match name {
            "" => return self.usage(self.lang.text().msg_usage_agency),
            "off" if reason.is_none() => return self.usage(self.lang.text().msg_usage_agency),
            "off" => None,
            n => Some(n.to_string()),
        };
        let version = detail.as_ref().map(|d| d.version);
        self.write(loan, CaseOp::Agency { name, reason, version })
    }

    /// `:writeoff REASON…` (supervisors).
    fn write_off(&mut self, reason: &str) -> Vec<Request> {
        let Some((loan, detail)) = self.open_detail() else { return Vec::new() };
        if reason.is_empty() {
            return self.usage(self.lang.text().msg_usage_writeoff);
        }
        let version = detail.as_ref().map(|d| d.version);
        self.write(loan, CaseOp::WriteOff { reason: reason.to_string(), version })
    }

    /// `:reopen REASON…` after a mistaken write-off (supervisors).
    fn reopen(&mut self, reason: &str) -> Vec<Request> {
        let Some((loan, detail)) = self.open_detail() else { return Vec::new() };
        if reason.is_empty() {
            return self.usage(self.lang.text().msg_usage_reopen);
        }
        let version = detail.as_ref().map(|d| d.version);
        self.write(loan, CaseOp::Reopen { reason: reason.to_string(), version })
    }

    /// `:assign USER [REASON…]`: the marked cases, else the case under the cursor or open;
    /// `:assign --stage S --to USER`, `--from USER --to USER`, `--balance --among a,b [--by amount]`
    /// and `--dry-run`, `--reason …`: the command line's bulk reassignment.
    fn assign(&mut self, args: &str) -> Vec<Request> {
        if args.starts_with("--") {
            // `--reason` takes the rest of the line, as the short form's reason does.
            let (flags, reason) = match args.split_once("--reason") {
                Some((flags, reason)) => (flags, Some(reason.trim().to_string())),
                None => (args, None),
            };
            let mut words: Vec<String> = flags.split_whitespace().map(String::from).collect();
            words.extend(reason.into_iter().flat_map(|r| ["--reason".to_string(), r]));
            return match super::assign::AssignArgs::parse_words(&words) {
                Ok(a) if a.loans.is_empty() => self.ask(Query::AssignBulk(Box::new(a.bulk()))),
                Ok(a) => {
                    let to = a.to.clone().unwrap_or_default();
                    self.ask(Query::Assign { loans: a.loans, to, reason: a.reason })
                }
                Err(e) => self.usage(&format!("{e} ({})", self.lang.text().msg_usage_assign_bulk)),
            };
        }
        let (to, reason) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
        if to.is_empty() {
            return self.usage(self.lang.text().msg_usage_assign);
        }
        let loans: Vec<String> = if !self.marked.is_empty() {
            self.marked.iter().cloned().collect()
        } else if let (Screen::Case, Some(c)) = (self.screen, &self.case) {
            vec![c.loan.clone()]
        } else if let Some(kind) = self.current_list() {
            let list = self.list(kind);
            list.row(list.selected).map(|r| r.loan_id.clone()).into_iter().collect()
        } else {
            Vec::new()
        };
        if loans.is_empty() {
            return self.usage(self.lang.text().msg_usage_assign);
        }
        let reason = Some(reason.trim().to_string()).filter(|r| !r.is_empty());
        self.ask(Query::Assign { loans, to: to.to_string(), reason })
    }

    /// The team view (`T`, `:team`): asks for the figures afresh each time it opens.
    fn open_team(&mut self) -> Vec<Request> {
        self.leave_list();
        self.screen = Screen::Team;
        self.ask_team()
    }

    fn ask_team(&mut self) -> Vec<Request> {
        let generation = self.next_generation();
        let keep = self.team.take().and_then(|t| t.report);
        self.team = Some(TeamState { generation, report: keep, error: None });
        vec![Request { generation, query: Query::Team }]
    }

    /// `:reveal [phone|guarantor_phone|id]`: the number in full in the status bar, audited.
    fn reveal(&mut self, args: &str) -> Vec<Request> {
        let Some((loan, _)) = self.open_detail() else { return Vec::new() };
        let field = if args.is_empty() { Ok(PiiField::Phone) } else { args.parse::<PiiField>() };
        let Ok(field) = field else { return self.usage(self.lang.text().msg_usage_reveal) };
        self.ask(Query::Reveal { loan, field })
    }

    /// `:takeover REASON…`: a supervisor takes the open case over from the user working it.
    fn take_over(&mut self, reason: &str) -> Vec<Request> {
        let Some((loan, _)) = self.open_detail() else { return Vec::new() };
        if reason.is_empty() {
            return self.usage(self.lang.text().msg_usage_takeover);
        }
        self.ask(Query::Lease { loan, op: LeaseOp::TakeOver(reason.to_string()) })
    }

    fn usage(&mut self, text: &str) -> Vec<Request> {
        self.say(text);
        Vec::new()
    }

    /// Loads the open case again (after a write), keeping the pane.
    fn reload_case(&mut self) -> Vec<Request> {
        let generation = self.next_generation();
        match self.case.as_mut() {
            Some(c) => {
                c.generation = generation;
                vec![Request { generation, query: Query::Case { loan: c.loan.clone() } }]
            }
            None => Vec::new(),
        }
    }

    fn reply(&mut self, reply: Reply) -> Vec<Request> {
        match reply {
            Reply::Info { loans } => {
                self.loans_in_store = Some(loans);
                if loans == 0 { Vec::new() } else { self.requery_all() }
            }
            Reply::List { list: kind, generation, offset, rows, total } => {
                let list = self.list_mut(kind);
                if generation != list.generation {
                    return Vec::new(); // a newer question is out
                }
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
                self.ensure_visible()
            }
            Reply::Case { generation, detail } => {
                let view = self.case_rows();
                if let Some(c) = self.case.as_mut().filter(|c| c.generation == generation) {
                    // First sight of a case opens its schedule at the work: the last paid
                    // installment, then what is overdue and due.
                    let first_load = c.detail.is_none();
                    c.detail = Some(detail);
                    c.error = None;
                    if first_load && c.pane == CasePane::Schedule {
                        let open = c.detail.as_ref().and_then(|d| {
                            d.schedule.iter().position(|l| l.status != crate::domain::InstallmentStatus::Paid)
                        });
                        let max = c.pane_len().saturating_sub(view);
                        c.scroll = open.map_or(0, |i| (i as u64).saturating_sub(1)).min(max);
                    }
                }
                Vec::new()
            }
            Reply::DemoLoaded { loans } => {
                self.loading_demo = false;
                self.loans_in_store = Some(loans);
                self.say(fill(self.lang.text().msg_demo_loaded, &[&loans]));
                self.requery_all()
            }
            Reply::Written { loan, op } => {
                let t = self.lang.text();
                let text = match &op {
                    CaseOp::Contact(c) if c.corrects.is_some() => fill(t.msg_noted, &[&loan]),
                    CaseOp::Contact(c) => match c.promise {
                        Some((amount, date)) => fill(t.msg_logged_promise, &[&amount, &date, &loan]),
                        None => fill(t.msg_logged, &[&self.lang.outcome(c.outcome), &loan]),
                    },
                    CaseOp::Plan { req, .. } => {
                        fill(t.msg_plan_saved, &[&self.lang.plan_kind(req.kind.as_str()), &loan])
                    }
                    CaseOp::Notice { .. } => String::new(),
                    CaseOp::Hold { kind, until, .. } => {
                        fill(t.msg_held, &[&loan, &self.lang.hold_kind(*kind), &until])
                    }
                    CaseOp::LiftHold { .. } => fill(t.msg_lifted, &[&loan]),
                    CaseOp::Move { to, .. } => fill(t.msg_moved, &[&loan, &self.lang.stage(*to)]),
                    CaseOp::Agency { name: Some(name), .. } => fill(t.msg_agency_placed, &[&loan, name]),
                    CaseOp::Agency { name: None, .. } => fill(t.msg_agency_back, &[&loan]),
                    CaseOp::WriteOff { .. } => fill(t.msg_written_off, &[&loan]),
                    CaseOp::Reopen { .. } => fill(t.msg_reopened, &[&loan]),
                    CaseOp::NextAction { on, kind, .. } => fill(
                        t.msg_next_set,
                        &[
                            &loan,
                            &on.map_or_else(|| "-".to_string(), |d| d.to_string()),
                            &kind.as_deref().unwrap_or(""),
                        ],
                    ),
                };
                self.say(text);
                if let (CaseOp::Plan { .. }, Some(c)) = (&op, self.case.as_mut()) {
                    c.plan = None;
                    c.scroll = 0;
                }
                let mut out = self.reload_case();
                out.extend(self.refresh_lists(!matches!(op, CaseOp::Contact(_))));
                // Work on the case keeps its lease running.
                if self
                    .case
                    .as_ref()
                    .is_some_and(|c| c.loan == loan && c.lease.as_ref().is_none_or(|l| l.mine))
                {
                    out.extend(self.ask(Query::Lease { loan, op: LeaseOp::Take }));
                }
                out
            }
            Reply::Lease { loan, op, lease } => {
                if let LeaseOp::TakeOver(_) = op
                    && lease.as_ref().is_some_and(|l| l.mine)
                {
                    self.say(fill(self.lang.text().msg_taken_over, &[&loan]));
                }
                if let Some(c) = self.case.as_mut().filter(|c| c.loan == loan && op != LeaseOp::Release) {
                    c.lease = lease;
                }
                Vec::new()
            }
            Reply::Team { generation, report } => {
                if let Some(t) = self.team.as_mut().filter(|t| t.generation == generation) {
                    t.report = Some(report);
                    t.error = None;
                }
                Vec::new()
            }
            Reply::Revealed(r) => {
                self.say(fill(self.lang.text().msg_revealed, &[&r.loan_id, &r.field.as_str(), &r.value]));
                Vec::new()
            }
            Reply::AssignedBulk(outcome) => {
                let t = self.lang.text();
                let moved = outcome.cases.iter().filter(|c| c.status != CaseMoveStatus::Skipped).count();
                let skipped = outcome.cases.len() - moved;
                let shares: Vec<String> =
                    outcome.loads.iter().map(|l| format!("{} {}", l.user, l.cases)).collect();
                let said = if outcome.dry_run { t.msg_bulk_planned } else { t.msg_bulk_moved };
                self.say(fill(said, &[&moved, &skipped, &shares.join(", ")]));
                if outcome.dry_run {
                    return Vec::new();
                }
                let mut out = self.refresh_lists(true);
                out.extend(self.reload_case());
                out
            }
            Reply::Assigned { customers, to } => {
                self.marked.clear();
                self.say(fill(self.lang.text().msg_assigned, &[&customers, &to]));
                let mut out = self.refresh_lists(true);
                out.extend(self.reload_case());
                out
            }
            Reply::StoreChanged => {
                let mut out = self.refresh_lists(true);
                out.extend(self.reload_case());
                if self.screen == Screen::Team {
                    out.extend(self.ask_team());
                }
                out
            }
            Reply::RunProgress { generation, phase, done } => self.run_progress(generation, phase, done),
            Reply::Ran { generation, report } => self.run_done(generation, report),
            Reply::PlanPreview { generation, req, outcome } => {
                if let Some(c) = self.case.as_mut().filter(|c| c.plan_generation == generation) {
                    let text = fill(
                        self.lang.text().msg_plan_previewed,
                        &[&self.lang.plan_kind(&outcome.kind), &outcome.loan_id],
                    );
                    c.plan = Some(PlanPreview { req, outcome });
                    c.scroll = 0;
                    self.say(text);
                }
                Vec::new()
            }
            Reply::Issued { notice, .. } => {
                self.say(fill(
                    self.lang.text().msg_notice_issued,
                    &[&notice.number, &files_said(&notice.files)],
                ));
                let mut out = self.reload_case();
                out.extend(self.refresh_lists(true));
                out
            }
            Reply::Failed { generation, what, message } => {
                match what {
                    Failed::List(kind) => {
                        let list = self.list_mut(kind);
                        if list.generation == generation {
                            list.loading = None;
                            list.error = Some(message.clone());
                        }
                    }
                    Failed::Case => {
                        if let Some(c) = self.case.as_mut().filter(|c| c.generation == generation) {
                            c.error = Some(message.clone());
                        }
                    }
                    Failed::Demo => self.loading_demo = false,
                    Failed::Write => {}
                    Failed::Info => {}
                    Failed::Run => self.run_failed(generation, &message),
                    Failed::Team => {
                        if let Some(t) = self.team.as_mut().filter(|t| t.generation == generation) {
                            t.error = Some(message.clone());
                        }
                    }
                    Failed::Plan => {
                        // A refused save (a stale case): drop the preview and reload, so the plan
                        // is proposed again on what the other desk changed.
                        if let Some(c) =
                            self.case.as_mut().filter(|c| c.plan.is_some() && c.plan_generation < generation)
                        {
                            c.plan = None;
                            c.scroll = 0;
                            self.say(message);
                            return self.reload_case();
                        }
                    }
                }
                self.say(message);
                Vec::new()
            }
        }
    }

    /// Changes the state; returns the requests for the worker.
    pub fn apply(&mut self, action: Action) -> Vec<Request> {
        if !matches!(action, Action::Prefix(_)) {
            self.pending.clear();
        }
        match action {
            Action::Cmd(cmd) => {
                if !matches!(cmd, Cmd::ToggleMine | Cmd::LoadDemo) {
                    self.message = None;
                }
                self.cmd(cmd)
            }
            Action::Prefix(k) => {
                self.pending.push(k);
                Vec::new()
            }
            Action::Unbound => Vec::new(),
            Action::Input(c) => {
                self.input.push(c);
                self.input_changed()
            }
            Action::InputBackspace => {
                self.input.pop();
                self.input_changed()
            }
            Action::InputSubmit => {
                let mode = std::mem::replace(&mut self.mode, Mode::Normal);
                if mode == Mode::Command {
                    let line = std::mem::take(&mut self.input);
                    return self.run_command(line.trim());
                }
                Vec::new()
            }
            Action::InputCancel => {
                let mode = std::mem::replace(&mut self.mode, Mode::Normal);
                self.input.clear();
                if mode == Mode::Filter && !self.filter.is_empty() {
                    self.filter.clear();
                    return self.requery_all();
                }
                Vec::new()
            }
            Action::CloseHelp => {
                self.mode = Mode::Normal;
                Vec::new()
            }
            Action::Resize(w, h) => {
                self.size = (w, h);
                for kind in [ListKind::DueSoon, ListKind::Overdue] {
                    let view = self.list_rows();
                    let list = self.list_mut(kind);
                    let sel = i64::try_from(list.selected).unwrap_or(0);
                    list.move_to(sel, view);
                }
                self.ensure_visible()
            }
            Action::Reply(r) => self.reply(r),
            Action::ExpireMessage => {
                self.message = None;
                Vec::new()
            }
        }
    }

    /// The filter is incremental: each change asks again.
    fn input_changed(&mut self) -> Vec<Request> {
        if self.mode != Mode::Filter {
            return Vec::new();
        }
        self.filter = self.input.clone();
        // Each key asks only the list on screen; the other is asked when it is shown. A first key
        // matches much of a million-loan book, and asking both lists would double the wait.
        let Some(kind) = self.current_list() else { return self.requery_all() };
        let other = match kind {
            ListKind::DueSoon => ListKind::Overdue,
            ListKind::Overdue => ListKind::DueSoon,
        };
        self.list_mut(other).reset();
        self.requery(kind)
    }
}

/// Turns a key into an action. Pure: a pending prefix (`g` of `gg`) lives in the state.
pub fn handle_key(state: &DeskState, key: Key) -> Option<Action> {
    if key == Key::ctrl('c') {
        return Some(Action::Cmd(Cmd::Quit));
    }
    match state.mode {
        Mode::Help => Some(Action::CloseHelp),
        Mode::Filter | Mode::Command => match key.code {
            KeyCode::Enter => Some(Action::InputSubmit),
            KeyCode::Esc => Some(Action::InputCancel),
            KeyCode::Backspace => Some(Action::InputBackspace),
            KeyCode::Up if state.mode == Mode::Filter => Some(Action::Cmd(Cmd::Up)),
            KeyCode::Down if state.mode == Mode::Filter => Some(Action::Cmd(Cmd::Down)),
            KeyCode::Char(c) if !key.ctrl => Some(Action::Input(c)),
            _ => None,
        },
        Mode::Normal => {
            let scopes = state.scopes();
            let mut seq = state.pending.clone();
            seq.push(key);
            match state.keymap.lookup(&scopes, &seq) {
                Ok(cmd) => Some(Action::Cmd(cmd)),
                Err(true) => Some(Action::Prefix(key)),
                Err(false) if !state.pending.is_empty() => match state.keymap.lookup(&scopes, &[key]) {
                    Ok(cmd) => Some(Action::Cmd(cmd)),
                    Err(true) => Some(Action::Prefix(key)),
                    Err(false) => Some(Action::Unbound),
                },
                Err(false) => None,
            }
        }
    }
}

/// Answers one request from the desk. The terminal calls this on its worker thread.
pub fn serve(desk: &mut Desk, req: &Request) -> Reply {
    serve_with(desk, req, &mut |_| {})
}

/// Answers one request, passing replies that tell progress to `progress` before the answer.
pub fn serve_with(desk: &mut Desk, req: &Request, progress: &mut dyn FnMut(Reply)) -> Reply {
    let generation = req.generation;
    match &req.query {
        Query::Escalate { dry_run } => run::serve_run(desk, generation, *dry_run, progress),
        Query::Lease { loan, op } => {
            let taken = match op {
                LeaseOp::Take => desk.take_lease(loan).map(|_| ()),
                LeaseOp::Release => desk.release_lease(loan).map(|_| ()),
                LeaseOp::TakeOver(reason) => desk.take_over_lease(loan, reason).map(|_| ()),
            };
            match (taken, op) {
                // A read-only look (another's case, a lease running elsewhere) is no failure.
                (Err(e), LeaseOp::TakeOver(_)) => {
                    Reply::Failed { generation, what: Failed::Write, message: e.to_string() }
                }
                _ => Reply::Lease {
                    loan: loan.clone(),
                    op: op.clone(),
                    lease: desk.lease(loan).ok().flatten(),
                },
            }
        }
        Query::Reveal { loan, field } => match desk.reveal(loan, *field) {
            Ok(r) => Reply::Revealed(Box::new(r)),
            Err(e) => Reply::Failed { generation, what: Failed::Write, message: e.to_string() },
        },
        Query::Team => match desk.team(None) {
            Ok(report) => Reply::Team { generation, report: Box::new(report) },
            Err(e) => Reply::Failed { generation, what: Failed::Team, message: e.to_string() },
        },
        Query::AssignBulk(req) => match desk.assign_bulk(req) {
            Ok(outcome) => Reply::AssignedBulk(Box::new(outcome)),
            Err(e) => Reply::Failed { generation, what: Failed::Write, message: e.to_string() },
        },
        Query::Assign { loans, to, reason } => match desk.assign(loans, to, reason.as_deref()) {
            Ok(moved) => Reply::Assigned { customers: moved.len(), to: to.clone() },
            Err(e) => Reply::Failed { generation, what: Failed::Write, message: e.to_string() },
        },
        Query::Info => match store::loan_count(desk.store.conn()) {
            Ok(n) => Reply::Info { loans: u64::try_from(n).unwrap_or(0) },
            Err(e) => Reply::Failed { generation, what: Failed::Info, message: e.to_string() },
        },
        Query::List { list, query, want_total } => {
            let result = (|| {
                let (mut rows, total) = desk.list_page(query, *want_total, &mut |_| {})?;
                if *list == ListKind::Overdue {
                    let verdicts = desk.may_call_each(rows.iter().map(|r| r.loan_id.as_str()))?;
                    for (r, verdict) in rows.iter_mut().zip(verdicts) {
                        // A held case takes no collection calls whatever the conduct rules say.
                        r.call_now = Some(r.held_until.is_none() && verdict.is_ok());
                    }
                }
                Ok::<_, super::AppError>((rows, total))
            })();
            match result {
                Ok((rows, total)) => {
                    Reply::List { list: *list, generation, offset: query.offset, rows, total }
                }
                Err(e) => Reply::Failed { generation, what: Failed::List(*list), message: e.to_string() },
            }
        }
        Query::Case { loan } => match desk.show(loan) {
            Ok(d) => Reply::Case { generation, detail: Box::new(d) },
            Err(e) => Reply::Failed { generation, what: Failed::Case, message: e.to_string() },
        },
        Query::Write { loan, op } => {
            let done = match op {
                CaseOp::Contact(input) => desk.log_contact(input).map(|_| ()),
                CaseOp::NextAction { on, kind, version } => {
                    desk.set_next_action(loan, *on, kind.as_deref(), *version)
                }
                CaseOp::Plan { req, reason, version } => {
                    desk.plan(loan, req, Some(reason), *version).map(|_| ())
                }
                CaseOp::Hold { kind, from, until, reason } => {
                    desk.hold(loan, *kind, *from, *until, reason).map(|_| ())
                }
                CaseOp::LiftHold { reason } => desk.lift_hold(loan, reason).map(|_| ()),
                CaseOp::Move { to, reason, version } => {
                    desk.move_stage(loan, *to, reason, *version).map(|_| ())
                }
                CaseOp::Agency { name, reason, version } => {
                    desk.set_agency(loan, name.as_deref(), reason.as_deref(), *version)
                }
                CaseOp::WriteOff { reason, version } => desk.write_off(loan, reason, *version).map(|_| ()),
                CaseOp::Reopen { reason, version } => desk.reopen(loan, reason, *version).map(|_| ()),
                CaseOp::Notice { kind, lang, force, dir } => {
                    return match desk.issue_notice(loan, *kind, *lang, dir, *force) {
                        Ok(n) => Reply::Issued { loan: loan.clone(), notice: Box::new(n) },
                        Err(e) => Reply::Failed { generation, what: Failed::Write, message: e.to_string() },
                    };
                }
            };
            let what = if matches!(op, CaseOp::Plan { .. }) { Failed::Plan } else { Failed::Write };
            match done {
                Ok(()) => Reply::Written { loan: loan.clone(), op: op.clone() },
                Err(e) => Reply::Failed { generation, what, message: e.to_string() },
            }
        }
        Query::PlanPreview { loan, req } => match desk.plan(loan, req, None, None) {
            Ok(outcome) => Reply::PlanPreview { generation, req: *req, outcome: Box::new(outcome) },
            Err(e) => Reply::Failed { generation, what: Failed::Plan, message: e.to_string() },
        },
        Query::LoadDemo => match demo::generate(desk, DEMO_LOANS, 1, &mut |_| {}) {
            Ok(r) => Reply::DemoLoaded { loans: r.loans },
            Err(e) => Reply::Failed { generation, what: Failed::Demo, message: e.to_string() },
        },
    }
}

/// The files of a notice as the status bar says them: the first in full, the others by what differs
/// (`notices/DL1-dunning-2026-03-01.txt + .html`), so the path fits a line.
fn files_said(files: &[String]) -> String {
    let Some((first, rest)) = files.split_first() else { return String::new() };
    let stem = std::path::Path::new(first).with_extension("");
    let mut out = first.clone();
    for f in rest {
        let p = std::path::Path::new(f);
        match p.extension().and_then(|e| e.to_str()) {
            Some(ext) if p.with_extension("") == stem => out.push_str(&format!(" + .{ext}")),
            _ => out.push_str(&format!(" + {f}")),
        }
    }
    out
}

/// `N FIRST [amount=X] [scope=arrears|balance] [kind=plan|extension|restructure]`. The scope is the
/// arrears for a plan and the whole balance for an extension or restructure unless given.
fn parse_plan(args: &str) -> Option<PlanRequest> {
    let mut words = args.split_whitespace();
    let installments = words.next()?.parse::<u32>().ok()?;
    let first_due = crate::domain::parse_date(words.next()?).ok()?;
    let (mut kind, mut scope, mut amount) = (PlanKind::Plan, None, None);
    for w in words {
        match w.split_once('=')? {
            ("amount", v) => amount = Some(Money::parse(v).ok()?),
            ("scope", "arrears") => scope = Some(PlanScope::Arrears),
            ("scope", "balance") => scope = Some(PlanScope::Balance),
            ("kind", v) => kind = v.parse().ok()?,
            _ => return None,
        }
    }
    let default = if kind == PlanKind::Plan { PlanScope::Arrears } else { PlanScope::Balance };
    Some(PlanRequest {
        kind,
        scope: scope.unwrap_or(default),
        installments: Some(installments),
        first_due,
        amount,
    })
}

/// Serves requests in line until none are left: the terminal's worker, without the thread.
pub fn settle(state: &mut DeskState, desk: &mut Desk, mut requests: Vec<Request>) {
    while !requests.is_empty() {
        let mut next = Vec::new();
        for r in &requests {
            let mut told = Vec::new();
            let reply = serve_with(desk, r, &mut |p| told.push(p));
            for p in told {
                next.extend(state.apply(Action::Reply(p)));
            }
            next.extend(state.apply(Action::Reply(reply)));
        }
        requests = next;
    }
}

/// Presses keys as written in the key map (`jj<Enter>`), answering every request in line.
pub fn press(state: &mut DeskState, desk: &mut Desk, keys: &str) -> Result<(), String> {
    for key in super::keymap::parse_keys(keys)? {
        if let Some(action) = handle_key(state, key) {
            let reqs = state.apply(action);
            settle(state, desk, reqs);
        }
    }
    Ok(())
}

//! What the desk asks the store worker (`Query`, tagged with a generation in a `Request`) and what
//! the worker answers (`Reply`). The worker runs the same `Desk` actions as the command line
//! (`serve.rs`); a reply whose generation is not the latest for its list or pane is dropped.

use std::path::PathBuf;

use chrono::NaiveDate;

use crate::app::assign::{BulkAssign, BulkOutcome};
use crate::app::casework::ContactInput;
use crate::app::escalate::EscalationReport;
use crate::app::inspect::{InspectInput, InspectionQuery, ReviewItem, ReviewKind};
use crate::app::leases::Lease;
use crate::app::moves::HoldKind;
use crate::app::notice_text::{NoticeKind, NoticeLang};
use crate::app::notices::NoticeView;
use crate::app::plans::PlanOutcome;
use crate::app::privacy::{PiiField, Revealed};
use crate::app::search::{Found, SearchNote};
use crate::app::team::TeamReport;
use crate::app::views::{InspectionRow, LoanDetail, LoanQuery, LoanSummary};
use crate::app::warnings::{SignalQuery, SignalView};
use crate::domain::Stage;
use crate::domain::plan::PlanRequest;
use crate::domain::warning::{Category, Level, MeasureKind};
use crate::domain::worklog::WorkLogKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    DueSoon,
    Overdue,
}

impl ListKind {
    pub fn other(self) -> ListKind {
        match self {
            ListKind::DueSoon => ListKind::Overdue,
            ListKind::Overdue => ListKind::DueSoon,
        }
    }
}

/// What the worker is asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Whether the store holds loans (an empty store offers the demo book) and whether the book
    /// must be rolled to the desk's date: an index probe each, so the first frame never waits.
    Info,
    /// How many loans the store holds (a read of a whole index: asked after the first lists).
    Count,
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
    /// The Reports screen's figures for a month-end (the latest recorded when none).
    Reports {
        month: Option<crate::domain::report::Month>,
        by: Option<crate::app::report::By>,
        /// The view whose figures are asked (each view's when it is first shown).
        pane: crate::app::report::ReportPane,
    },
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
    /// The shared book rolled forward to the desk's date (`Desk::roll`), beside the lists.
    Roll,
    /// Loan ids starting with `prefix`, for Tab on the command line.
    CompleteLoan {
        prefix: String,
    },
    /// The loan `:goto` means by what was typed (`Desk::find_loan`).
    Goto {
        typed: String,
    },
    /// A page of the inspections due or overdue (the command line's `inspections`).
    Inspections {
        query: InspectionQuery,
        want_total: bool,
    },
    /// A page of the open signals (the command line's `warnings`).
    Warnings {
        query: SignalQuery,
        want_total: bool,
    },
    /// What awaits a supervisor's signature (the command line's `reviews`).
    Review,
    /// A supervisor's review of an inspection or signature of a work log entry.
    Sign {
        kind: ReviewKind,
        id: i64,
        comment: String,
        accept: bool,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaseOp {
    /// Take it, or renew this desk's own; another user's running lease stays theirs.
    Take,
    /// Renew this desk's own, taken (or last renewed) at `since`; not if the case was taken over.
    Renew {
        since: String,
    },
    Release,
    /// A supervisor's, with a reason (audited).
    TakeOver(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseOp {
    Contact(Box<ContactInput>),
    /// Takes back a contact this desk logged a moment ago (`u`).
    TakeBack {
        contact: i64,
    },
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
    /// An inspection from the case's form (the command line's `inspect`).
    Inspect(Box<InspectInput>),
    /// A work log entry on the case's customer (the command line's `log`).
    WorkLog {
        kind: WorkLogKind,
        note: String,
    },
    /// Early warning on the case: the command line's `warn`, `warn-confirm`, `warn-close`,
    /// `warn-measure`, `watch` and `unwatch`.
    Signal(SignalOp),
}

/// What early-warning work a case asks for; a signal's by its id, the customer's by the loan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignalOp {
    Warn { category: Category, level: Level, note: String },
    Confirm { id: i64, note: String },
    Close { id: i64, reason: String },
    Measure { id: i64, kind: MeasureKind, note: String },
    Watch { reason: String },
    Unwatch { reason: String },
}

/// A request held until the user says yes (`confirm.rs`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confirm {
    pub query: Query,
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
        /// The store holds loans.
        any: bool,
        /// The shared book must be rolled forward to the desk's date (`Desk::roll_due`): the
        /// lists read its rows as they stand until `Query::Roll` is done.
        roll: bool,
    },
    Counted {
        loans: u64,
    },
    List {
        list: ListKind,
        generation: u64,
        offset: u64,
        rows: Vec<LoanSummary>,
        total: Option<u64>,
        /// What came of the list's search (phones not searched, too broad to list).
        search: Option<SearchNote>,
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
        /// The contact a `CaseOp::Contact` logged.
        contact: Option<i64>,
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
    Reports {
        generation: u64,
        view: Box<crate::app::report::ReportsView>,
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
    /// How far the escalation run has come (`phase`: a `RunPhase`'s words).
    RunProgress {
        generation: u64,
        phase: &'static str,
        done: u64,
    },
    Ran {
        generation: u64,
        report: Box<EscalationReport>,
    },
    /// How far the roll has come: rows recomputed and rows to do.
    RollProgress {
        done: u64,
        total: u64,
    },
    /// The book holds on the desk's date: this many rows were recomputed.
    Rolled {
        rows: u64,
    },
    /// A notice issued from the desk, with the files it wrote.
    Issued {
        loan: String,
        notice: Box<NoticeView>,
    },
    /// What `:goto` found.
    Goto {
        generation: u64,
        typed: String,
        found: Found,
    },
    /// The loan ids a `Query::CompleteLoan` found.
    Completions {
        generation: u64,
        loans: Vec<String>,
    },
    Inspections {
        generation: u64,
        offset: u64,
        rows: Vec<InspectionRow>,
        total: Option<u64>,
    },
    Warnings {
        generation: u64,
        offset: u64,
        rows: Vec<SignalView>,
        total: Option<u64>,
    },
    Review {
        generation: u64,
        items: Vec<ReviewItem>,
    },
    /// An inspection reviewed or a work log entry signed from the desk.
    Signed {
        kind: ReviewKind,
        id: i64,
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
    Roll,
    Team,
    Reports,
    /// A loan id lookup for Tab.
    Complete,
    Inspections,
    Warnings,
    Review,
}

//! Command-line definitions (CONTRACT.md). Completions and the man page come from these too.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand, ValueEnum};

use super::format::Format;
use crate::app::views::SortKey;
use crate::domain::plan::PlanKind;
use crate::domain::warning::Level;
use crate::domain::{Channel, LoanStatus, Money, Outcome, Party, PromiseStatus, Role, Stage};

#[derive(Debug, Parser)]
#[command(
    name = "duedesk",
    version,
    about = "A terminal desk for loan-collection teams (贷后管理): call queues, delinquency, escalation",
    long_about = "duedesk reads a shared SQLite store of loans and works it as of a business date: \
                  due-soon reminders, the overdue queue by stage and days past due, case history, \
                  and the escalation policy. With no command it opens the desk.",
    after_help = "Environment: DUEDESK_DB (store), DUEDESK_TODAY (as-of date), DUEDESK_NOW (clock, RFC 3339; \
                  tests and demos, where the store's trust_env_user setting is on), DUEDESK_USER (act as another desk user; only where the store's \
                  trust_env_user setting is on)."
)]
pub struct Cli {
    /// The SQLite store [default: duedesk.db in the platform data directory]
    #[arg(long, env = "DUEDESK_DB", global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Business date for delinquency [default: DUEDESK_TODAY, else today]
    #[arg(long, global = true, value_name = "YYYY-MM-DD", value_parser = parse_day)]
    pub as_of: Option<NaiveDate>,

    /// Output format of lists [default: table on a terminal, else json]
    #[arg(long, global = true, value_enum)]
    pub format: Option<Format>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fill an empty store with a realistic demo book (clearly demo data)
    Demo {
        /// How many loans
        #[arg(long, default_value_t = 2_000)]
        loans: u64,
        /// Seed of the generator: the same seed gives the same book
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Then open the desk; on a store that already holds the demo book, just open it
        #[arg(long)]
        open: bool,
    },
    /// Import loans or payments from CSV, all or nothing
    #[command(subcommand)]
    Import(ImportWhat),
    /// The loan list with delinquency as of the date
    Loans(LoansArgs),
    /// One loan: terms, delinquency, schedule, contacts, stage history
    Show {
        /// Loan id
        loan: String,
    },
    /// The installment schedule with what is paid
    Schedule {
        /// Loan id
        loan: String,
    },
    /// Log a contact (and a promise to pay), applying the conduct rules
    Contact(ContactArgs),
    /// Set or clear a case's next action date (callback, visit, letter), which orders the queue
    NextAction {
        /// Loan id
        loan: String,
        /// The date; leave out with --clear
        #[arg(value_parser = parse_day, required_unless_present = "clear")]
        on: Option<NaiveDate>,
        /// callback, visit or letter
        #[arg(long, default_value = "callback")]
        kind: String,
        /// Remove the next action
        #[arg(long, conflicts_with = "on")]
        clear: bool,
        /// Refuse if the case changed since this version (from `show`)
        #[arg(long, value_name = "V")]
        expect_version: Option<i64>,
    },
    /// Propose a payment plan, extension or restructure; with --save, put it in force
    Plan(PlanArgs),
    /// Promises to pay with their status as of the date
    Promises {
        /// Only this status: active, kept, broken
        #[arg(long, value_parser = parse_promise_status)]
        status: Option<PromiseStatus>,
        /// Due on or after this date
        #[arg(long, value_parser = parse_day, value_name = "DATE")]
        due_from: Option<NaiveDate>,
        /// Due on or before this date
        #[arg(long, value_parser = parse_day, value_name = "DATE")]
        due_to: Option<NaiveDate>,
        /// Only cases owned by this desk user
        #[arg(long, value_name = "USER")]
        assignee: Option<String>,
        #[arg(long, value_name = "N")]
        limit: Option<u64>,
    },
    /// Issue a dunning notice (催收通知书), a guarantor demand notice (履行担保责任通知书) or a
    /// maturity notice (到期通知书) as text and HTML
    Notice(super::notices::NoticeArgs),
    /// Record what became of a notice's receipt (回执): received or returned
    NoticeReceipt(super::notices::ReceiptArgs),
    /// The notices issued on a loan, with their receipt status
    Notices {
        /// Loan id
        loan: String,
    },
    /// Put a loan on a dispute or hardship hold (supervisor): no automatic escalation and no
    /// collection contacts until it ends or is lifted
    Hold(super::moves::HoldArgs),
    /// Lift a loan's hold before its end date (supervisor)
    HoldLift(super::moves::LiftArgs),
    /// Holds of one loan, or every hold in force or to come
    Holds {
        /// Loan id [default: the whole book]
        loan: Option<String>,
    },
    /// Move a case to another stage by hand with a reason (back: supervisor, except a cure)
    Move(super::moves::MoveArgs),
    /// Place a negotiation or legal case with a collection agency (委外), or take it back (supervisor)
    Agency(super::moves::AgencyArgs),
    /// Write a loan off (supervisor)
    WriteOff(super::moves::ReasonArgs),
    /// Reopen a loan written off by mistake, back at its stage before (supervisor)
    Reopen(super::moves::ReasonArgs),
    /// Reassign cases (supervisor): named loans, or every case a filter selects (--stage, --from,
    /// --dpd-min) to one user or balanced --among several; all of a customer's loans move together
    Assign(crate::app::assign::AssignArgs),
    /// Who has a case open to edit, and until when; --take-over REASON ends another's lease
    /// (supervisor), --release ends your own
    Lease(super::team::LeaseArgs),
    /// The team's figures (supervisor): per collector the open cases, overdue amount, contacts
    /// today, promises made, kept and broken and the amount collected this month; the stage funnel
    Team(super::team::TeamArgs),
    /// The work the stages created (call, dunning_notice, plan_offer, guarantor_demand,
    /// collateral_revaluation, legal_packet): open tasks by due date
    Tasks(super::tasks::TasksArgs),
    /// Mark a task done (the case's owner or a supervisor)
    TaskDone(super::tasks::TaskDoneArgs),
    /// Write the legal case packet of loans (a folder each, text and JSON) and index.csv for batch
    /// arbitration; --stage legal takes every legal-stage loan
    LegalPacket(super::legal::LegalPacketArgs),
    /// Record a post-loan inspection (贷后检查) of a loan: kind, mode, the checklist, findings and
    /// conclusion (the case's owner or a supervisor); the loan's next inspection moves at once
    Inspect(super::inspect::InspectArgs),
    /// Inspections due, overdue (an index range on any size of book) or done
    Inspections(super::inspect::InspectionsArgs),
    /// Review an inspection (签署意见, supervisor), accepting its recommended class or not
    InspectionReview(super::inspect::ReviewArgs),
    /// What awaits a supervisor's signature: inspections and work log entries, with the working
    /// days left
    Reviews(super::inspect::ReviewsArgs),
    /// The collateral register (押品): add, value, release, seize, list
    #[command(subcommand)]
    Collateral(super::collateral::CollateralCmd),
    /// Ledger upkeep (台账维护): change a loan's phone, address, employer or guarantor (the case's
    /// owner or a supervisor; audited before and after)
    Edit(super::ledger::EditArgs),
    /// Write a work log entry (工作日志) on a customer (its owner)
    Log(super::worklog::LogArgs),
    /// Sign a work log entry (签署意见, supervisor)
    LogSign(super::worklog::SignArgs),
    /// Work log entries; --unsigned, --late, or --missing (owners with none this month)
    Logs(super::worklog::LogsArgs),
    /// The working-day calendar: holidays and make-up working days (调休)
    #[command(subcommand)]
    Holidays(super::holidays::HolidaysCmd),
    /// Early-warning signals (风险预警), red first then newest: open and confirmed ones unless --all
    Warnings(super::warnings::WarningsArgs),
    /// Raise a warning by hand on a loan (its owner or a supervisor), with a category, level and note
    Warn(super::warnings::WarnArgs),
    /// Confirm a warning (核实, the owner), with a note
    WarnConfirm(super::warnings::SignalNoteArgs),
    /// Close a warning raised by hand (its raiser or a supervisor), with a reason
    WarnClose(super::warnings::SignalCloseArgs),
    /// Record a measure on a warning (处置措施); special_inspection asks for one
    WarnMeasure(super::warnings::MeasureArgs),
    /// Put a customer on the watchlist (重点监测, its owner or a supervisor), with a reason
    Watch(super::warnings::WatchArgs),
    /// Take a customer off the watchlist (supervisor), with a reason, once nothing is open
    Unwatch(super::warnings::WatchArgs),
    /// The watchlist: who is on it, since when and why (--all: every stay)
    Watchlist(super::warnings::WatchlistArgs),
    /// A customer's rating (客户分类: low, medium, high); --set rates worse (supervisor)
    Rating(super::warnings::RatingArgs),
    /// Set a loan's class worse than its DPD floor (supervisor), or --lift the one in force
    Classify(super::warnings::ClassifyArgs),
    /// Month-end history and the risk reports (风险报告): capture, migration, roll, npl, vintage,
    /// cure, large
    #[command(subcommand)]
    Report(super::report::ReportCmd),
    /// Monthly targets of the collector scorecard (supervisor)
    #[command(subcommand)]
    Targets(super::scorecard::TargetsCmd),
    /// The collector scorecard (考核): figures, targets, weights and the score out of 100; `scorecard
    /// close --month` keeps a month as it was
    Scorecard(super::scorecard::ScorecardArgs),
    /// Recompute the shared delinquency snapshot as of the date
    Refresh,
    /// Apply the escalation policy to every loan as of the date (supervisor): stage changes with
    /// their reasons, cures, closings, promise holds; idempotent for a date, batches commit whole
    Escalate(super::escalate::EscalateArgs),
    /// The escalation policy: print the one in force, check a file
    #[command(subcommand)]
    Policy(super::escalate::PolicyCmd),
    /// Desk users (admin)
    #[command(subcommand)]
    Users(UsersCmd),
    /// The audit log, newest first (supervisor; a collector: --loan of an own case); `audit verify`
    /// checks its hash chain
    Audit(super::audit::AuditArgs),
    /// Print a masked phone (or ID) number of a case in full; the showing is audited
    Reveal(super::audit::RevealArgs),
    /// Store-wide settings (admin to change)
    #[command(subcommand)]
    Settings(SettingsCmd),
    /// The store as a whole: copy a book between a file and a PostgreSQL server
    #[command(subcommand)]
    Store(super::store_copy::StoreCmd),
    /// The key bindings and theme files: where they are, whether they are right
    #[command(subcommand)]
    Config(ConfigCmd),
    /// Print a shell completion script
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff)
    Man,
}

#[derive(Debug, Subcommand)]
pub enum ImportWhat {
    /// Loans CSV: loan_id, borrower, product, principal, annual_rate, term_months, disbursed_on, …
    Loans {
        file: PathBuf,
        /// The loans are on the desk already: take the file's contact fields (phone, address,
        /// employer, guarantor, guarantor_phone), each change audited; any other column that
        /// differs refuses the file. All or nothing
        #[arg(long)]
        update: bool,
    },
    /// Payments CSV: loan_id, paid_on, amount, reference. A file imported again changes nothing;
    /// a row equal to a stored payment (loan, day, amount) without a reference of its own is refused
    Payments {
        file: PathBuf,
        /// Rows equal to a stored payment or to each other are payments of their own
        #[arg(long)]
        accept_duplicates: bool,
        /// Take payments that leave a loan a credit balance over 10 % of its principal
        #[arg(long)]
        accept_overpayment: bool,
    },
}

#[derive(Debug, Args)]
pub struct LoansArgs {
    /// Only this stage
    #[arg(long, value_parser = parse_stage)]
    pub stage: Option<Stage>,
    /// Only this status: active, closed, written_off
    #[arg(long, value_parser = parse_status)]
    pub status: Option<LoanStatus>,
    /// Only cases owned by this desk user
    #[arg(long, value_name = "USER")]
    pub assignee: Option<String>,
    /// Only loans at least this many days past due
    #[arg(long, value_name = "N")]
    pub dpd_min: Option<i64>,
    /// Only loans with an installment due within N days
    #[arg(long, value_name = "N")]
    pub due_within: Option<i64>,
    /// Only loans inside a due-soon reminder window
    #[arg(long)]
    pub due_soon: bool,
    /// Only loans whose borrower, loan id or phone starts with this (phones from 4 digits)
    #[arg(long, value_name = "TEXT")]
    pub search: Option<String>,
    /// Loans with an active promise to pay due today first, then the order of --sort
    #[arg(long)]
    pub promises_first: bool,
    /// Only loans whose warning level (the highest of their open signals) is this: yellow, orange, red
    #[arg(long, value_name = "LEVEL", value_parser = parse_level)]
    pub warning: Option<Level>,
    /// Only loans of customers on the watchlist
    #[arg(long)]
    pub watched: bool,
    /// Order: dpd, overdue (largest first), due, next_action (soonest first), last_contact (oldest first)
    #[arg(long, value_enum, default_value_t = SortArg::Dpd)]
    pub sort: SortArg,
    /// The first N rows in that order
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// Skip this many rows first (paging)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub offset: u64,
    /// As of a month-end already captured: recompute the book for every field instead of reading
    /// the month-end rows
    #[arg(long)]
    pub recompute: bool,
}

#[derive(Debug, Args)]
pub struct ContactArgs {
    /// Loan id
    pub loan: String,
    /// debtor, guarantor or third_party
    #[arg(long, value_parser = parse_party, default_value = "debtor")]
    pub party: Party,
    /// call, sms, visit, letter or email
    #[arg(long, value_parser = parse_channel, default_value = "call")]
    pub channel: Channel,
    /// no_answer, busy, wrong_number, refused, promise, paid, dispute, callback, left_message
    #[arg(long, value_parser = parse_outcome)]
    pub outcome: Outcome,
    /// What was said
    #[arg(long, default_value = "")]
    pub note: String,
    /// The number called [default: the debtor's or guarantor's phone on file]
    #[arg(long)]
    pub phone: Option<String>,
    /// The debtor called the desk
    #[arg(long)]
    pub inbound: bool,
    /// Promised amount (with --outcome promise)
    #[arg(long, value_parser = parse_money, requires = "promise_date")]
    pub promise_amount: Option<Money>,
    /// Promised date (with --outcome promise)
    #[arg(long, value_parser = parse_day, requires = "promise_amount")]
    pub promise_date: Option<NaiveDate>,
    /// The debtor asked to be contacted at this hour (lifts the quiet hours)
    #[arg(long)]
    pub debtor_asked: bool,
    /// For a third party: the debt is not disclosed (cn) / only location information is sought (us-regf)
    #[arg(long)]
    pub no_disclosure_ack: bool,
    /// Supervisor: go ahead although a conduct rule refuses, for this reason (recorded)
    #[arg(long, value_name = "REASON")]
    pub override_rule: Option<String>,
    /// This record corrects contact ID: its outcome and note (history is append-only; the
    /// party, channel, direction and number stay the original's, and no rule counts it)
    #[arg(
        long,
        value_name = "ID",
        conflicts_with_all = [
            "party", "channel", "phone", "inbound", "promise_amount", "promise_date", "debtor_asked",
            "no_disclosure_ack", "override_rule",
        ]
    )]
    pub corrects: Option<i64>,
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Loan id
    pub loan: String,
    /// plan (协商还款), extension (展期, supervisor) or restructure (重组, supervisor)
    #[arg(long, value_parser = parse_plan_kind, default_value = "plan")]
    pub kind: PlanKind,
    /// What the plan covers: the arrears only, or the whole balance
    #[arg(long, value_enum, default_value_t = ScopeArg::Arrears)]
    pub scope: ScopeArg,
    /// Number of new installments
    #[arg(long, value_name = "N")]
    pub installments: Option<u32>,
    /// Date of the first new installment; later ones fall monthly from it
    #[arg(long, value_parser = parse_day, value_name = "DATE")]
    pub first: NaiveDate,
    /// Installment amount of an arrears plan (instead of --installments)
    #[arg(long, value_parser = parse_money, conflicts_with = "installments")]
    pub amount: Option<Money>,
    /// Put the plan in force, for this reason (without it: a preview only)
    #[arg(long, value_name = "REASON")]
    pub save: Option<String>,
    /// Refuse if the case changed since this version (from `show`)
    #[arg(long, value_name = "V")]
    pub expect_version: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScopeArg {
    Arrears,
    Balance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[value(rename_all = "snake_case")]
pub enum SortArg {
    Dpd,
    Overdue,
    Due,
    LastContact,
    NextAction,
}

impl From<SortArg> for SortKey {
    fn from(s: SortArg) -> Self {
        match s {
            SortArg::Dpd => SortKey::Dpd,
            SortArg::Overdue => SortKey::Overdue,
            SortArg::Due => SortKey::Due,
            SortArg::LastContact => SortKey::LastContact,
            SortArg::NextAction => SortKey::NextAction,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum UsersCmd {
    /// Add a desk user (admin)
    Add {
        /// The operating-system login
        name: String,
        #[arg(long, value_parser = parse_role)]
        role: Role,
        /// Name shown on the desk, e.g. 王芳
        #[arg(long)]
        display_name: Option<String>,
    },
    /// List desk users
    List,
    /// Disable a desk user (admin): they keep their history but can no longer act
    Disable { name: String },
    /// Enable a disabled desk user again (admin)
    Enable { name: String },
    /// Give a desk user another role (admin; the store keeps at least one admin)
    SetRole {
        name: String,
        #[arg(value_parser = parse_role)]
        role: Role,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Check config.toml, keys.toml and theme.toml: each bad entry as FILE:LINE on stderr, exit 2
    Check,
    /// Print the configuration directory (DUEDESK_CONFIG, else the platform's)
    Path,
    /// Write commented copies of the defaults there (config.toml, keys.toml, each theme); files
    /// already there are kept
    Init,
}

#[derive(Debug, Subcommand)]
pub enum SettingsCmd {
    /// Print a setting
    Get { key: String },
    /// Change a setting (admin)
    Set { key: String, value: String },
    /// List all settings with their values
    List,
}

fn parse_level(s: &str) -> Result<Level, String> {
    s.parse()
}

fn parse_day(s: &str) -> Result<NaiveDate, String> {
    crate::domain::parse_date(s)
}

fn parse_stage(s: &str) -> Result<Stage, String> {
    s.parse()
}

fn parse_status(s: &str) -> Result<LoanStatus, String> {
    s.parse()
}

fn parse_role(s: &str) -> Result<Role, String> {
    s.parse()
}

fn parse_plan_kind(s: &str) -> Result<PlanKind, String> {
    s.parse()
}

fn parse_promise_status(s: &str) -> Result<PromiseStatus, String> {
    s.parse()
}

fn parse_party(s: &str) -> Result<Party, String> {
    s.parse()
}

fn parse_channel(s: &str) -> Result<Channel, String> {
    s.parse()
}

fn parse_outcome(s: &str) -> Result<Outcome, String> {
    s.parse()
}

fn parse_money(s: &str) -> Result<Money, String> {
    Money::parse_amount(s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_definitions_are_consistent() {
        Cli::command().debug_assert();
    }
}

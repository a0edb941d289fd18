//! The command line: parses arguments, builds the desk, runs the same app actions as the
//! terminal interface, and writes tables, CSV or JSON.

pub mod args;
mod audit;
mod collateral;
mod config;
mod demo_said;
mod escalate;
pub mod format;
mod holidays;
mod inspect;
mod ledger;
mod legal;
mod moves;
mod notices;
mod output;
mod report;
mod scorecard;
mod show_history;
mod store_copy;
pub mod table;
mod tasks;
mod team;
mod users;
mod warnings;
mod worklog;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use chrono::{DateTime, Datelike, FixedOffset, Local};
use clap::CommandFactory;

pub use args::Cli;
use args::{Command, ImportWhat, LoansArgs, SettingsCmd};
use format::Format;

use crate::app::casework::ContactInput;
use crate::app::views::LoanQuery;
use crate::app::views::SortKey;
use crate::app::{AppError, Clock, Desk, Result, demo, import};
use crate::domain::plan::{PlanRequest, PlanScope};
use crate::domain::{Direction, LoanStatus, Role};

/// Runs the command line and returns the process exit code (CONTRACT.md).
pub fn main_with(cli: Cli) -> i32 {
    match execute(cli) {
        Ok(()) => 0,
        Err(e) => {
            let mut err = std::io::stderr().lock();
            match &e {
                // A message may quote the book or the input: its control characters are shown.
                AppError::File(lines) => {
                    for l in lines {
                        let _ = writeln!(err, "{}", crate::text::visible(l));
                    }
                }
                other => {
                    let _ = writeln!(err, "duedesk: {}", crate::text::visible_lines(&other.to_string()));
                }
            }
            e.exit_code()
        }
    }
}

fn execute(cli: Cli) -> Result<()> {
    let format =
        cli.format.unwrap_or(if std::io::stdout().is_terminal() { Format::Table } else { Format::Json });
    let out = output::Out::new(format);
    // A command whose answer is a value (a setting, the policy's TOML, a path) prints it plain
    // unless a format is asked for: `policy show > mine.toml`, `$(duedesk settings get KEY)`.
    let value_format = cli.format.unwrap_or(Format::Table);
    match &cli.command {
        Some(Command::Completions { shell }) => {
            clap_complete::generate(*shell, &mut Cli::command(), "duedesk", &mut std::io::stdout());
            return Ok(());
        }
        Some(Command::Man) => {
            let man = clap_mangen::Man::new(Cli::command());
            man.render(&mut std::io::stdout())
                .map_err(|e| AppError::Input(format!("writing the man page: {e}")))?;
            return Ok(());
        }
        Some(Command::Config(what)) => return config::config_cmd(what, format, value_format),
        Some(Command::Policy(what)) => {
            if let Some(r) = escalate::policy_cmd_without_store(what, format, value_format) {
                return r;
            }
        }
        _ => {}
    }
    // A copy names its own two places: from a file it opens that file as the desk, from a server
    // no store file at all.
    let mut cli = cli;
    let mut copy_to = None;
    if let Some(Command::Store(what)) = &cli.command {
        match store_copy::direction(what)? {
            store_copy::Direction::ToServer { file, address } => {
                (cli.db, copy_to) = (Some(file), Some(address))
            }
            store_copy::Direction::FromServer { address, file } => {
                let env_user = std::env::var("DUEDESK_USER").ok();
                return store_copy::from_server(&address, &file, &os_login()?, env_user.as_deref(), format);
            }
        }
    }
    // A bad policy never starts a run nor becomes the store's: it is read before the store is opened.
    let policy = match &cli.command {
        Some(Command::Escalate(a)) => escalate::policy_from(a.policy.as_deref())?,
        Some(Command::Policy(escalate::PolicyCmd::Set { file })) => escalate::policy_from(Some(file))?,
        _ => None,
    };
    let mut desk = open_desk(&cli)?;
    match cli.command {
        None => open(desk),
        Some(Command::Demo { loans, seed, open }) => {
            let already_demo = open && desk.setting_flag("demo")?;
            if !already_demo {
                let mut p = progress("building the demo book");
                let report = demo::generate(&mut desk, loans, seed, &mut |n| p.tick(n))?;
                drop(p);
                let (said, what) = demo_said::of(&report, desk.store_label());
                if open || format == Format::Table {
                    eprintln!("{said}");
                } else {
                    output::done(format, &what, &said)?;
                }
                if desk.on_server() {
                    eprintln!(
                        "this is demo data; log in as a demo user's role (the address's user=<login>) to act as them"
                    );
                } else {
                    eprintln!("this is demo data; DUEDESK_USER=<login> acts as a demo user on this store");
                }
            }
            if open { self::open(desk) } else { Ok(()) }
        }
        Some(Command::Import(what)) => {
            let (label, report) = match &what {
                ImportWhat::Loans { file, update: true } => {
                    let mut p = progress("updating loans");
                    let r = import::import_loans_update(&mut desk, file, &mut |n| p.tick(n))?;
                    drop(p);
                    let said = format!(
                        "updated {} loans ({} fields) of {} rows; the others are as on the desk",
                        r.updated, r.fields, r.rows
                    );
                    let done = serde_json::json!({
                        "updated": "loans", "file": file.display().to_string(), "rows": r.rows,
                        "loans": r.updated, "fields": r.fields,
                    });
                    return output::done(format, &done, &said);
                }
                ImportWhat::Loans { file, update: false } => {
                    let mut p = progress("importing loans");
                    ("loans", import::import_loans(&mut desk, file, &mut |n| p.tick(n))?)
                }
                ImportWhat::Payments { file, accept_duplicates, accept_overpayment } => {
                    let mut p = progress("importing payments");
                    let options = import::PaymentOptions {
                        accept_duplicates: *accept_duplicates,
                        accept_overpayment: *accept_overpayment,
                    };
                    ("payments", import::import_payments(&mut desk, file, options, &mut |n| p.tick(n))?)
                }
            };
            for login in &report.created_users {
                eprintln!("created desk user '{login}' (collector) for an assignee not yet on the desk");
            }
            let file = match &what {
                ImportWhat::Loans { file, .. } | ImportWhat::Payments { file, .. } => {
                    file.display().to_string()
                }
            };
            let credits: Vec<_> = report
                .credits
                .iter()
                .map(|c| serde_json::json!({ "loan_id": c.loan_id, "credit": c.credit }))
                .collect();
            let done = serde_json::json!({
                "imported": label, "file": file, "rows": report.rows, "already": report.already,
                "created_users": report.created_users, "refreshed_as_of": report.refreshed_as_of,
                "credits": credits,
            });
            let mut said = match report.already {
                n if report.rows > 0 || n == 0 => format!("imported {} {label}", report.rows),
                1 => "nothing imported: the one payment of this file is on the desk already".to_string(),
                n => format!("nothing imported: all {n} payments of this file are on the desk already"),
            };
            for c in &report.credits {
                said.push_str(&format!(
                    "\nloan {} is paid more than it owes: credit balance {}",
                    c.loan_id, c.credit
                ));
            }
            output::done(format, &done, &said)
        }
        Some(Command::Loans(args)) => {
            let q = loan_query(&args);
            // A month-end already captured answers from its rows, without recomputing the book.
            if !args.recompute
                && let Some(rows) = desk.list_month_end(&q)?
            {
                eprintln!(
                    "duedesk: as of the month-end {}, from its month-end rows: overdue principal and interest, \
                     penalty, next due, payoff, due-soon and promise are not kept there (--recompute gives them)",
                    desk.as_of
                );
                return out.month_end_loans(&rows);
            }
            let mut p = progress("computing the book");
            let page = desk.list_page(&q, false, &mut |n| p.tick(n))?;
            drop(p);
            // A phone search is recorded whatever it found; what it did not look at is said.
            desk.flush_searches()?;
            if let Some(said) = page.search.zip(q.search.as_deref()).and_then(|(n, t)| n.said(t)) {
                eprintln!("duedesk: {said}");
            }
            out.loans(&page.rows)
        }
        Some(Command::Show { loan }) => out.show(&desk.show(&loan)?),
        Some(Command::Schedule { loan }) => out.schedule(&desk.schedule(&loan)?),
        Some(Command::Contact(a)) => {
            let input = match a.corrects {
                // A correction is what the original was, with the outcome and note amended.
                Some(id) => {
                    ContactInput { outcome: a.outcome, note: a.note, ..desk.correction_input(&a.loan, id)? }
                }
                None => ContactInput {
                    loan_ref: a.loan,
                    party: a.party,
                    channel: a.channel,
                    direction: if a.inbound { Direction::Inbound } else { Direction::Outbound },
                    outcome: a.outcome,
                    note: a.note,
                    phone: a.phone,
                    promise: a.promise_amount.zip(a.promise_date),
                    debtor_asked: a.debtor_asked,
                    no_disclosure_ack: a.no_disclosure_ack,
                    override_reason: a.override_rule,
                    corrects: None,
                },
            };
            out.logged_contact(&desk.log_contact(&input)?)
        }
        Some(Command::NextAction { loan, on, kind, clear, expect_version }) => {
            let on = if clear { None } else { on };
            desk.set_next_action(&loan, on, on.map(|_| kind.as_str()), expect_version)?;
            let said = match on {
                Some(d) => format!("next action on {loan}: {kind} on {d}"),
                None => format!("next action on {loan} cleared"),
            };
            let done = serde_json::json!({ "loan_id": loan, "next_action_on": on, "next_action": on.map(|_| &kind) });
            output::done(format, &done, &said)
        }
        Some(Command::Plan(a)) => {
            let req = PlanRequest {
                kind: a.kind,
                scope: match a.scope {
                    args::ScopeArg::Arrears => PlanScope::Arrears,
                    args::ScopeArg::Balance => PlanScope::Balance,
                },
                installments: a.installments,
                first_due: a.first,
                amount: a.amount,
            };
            out.plan(&desk.plan(&a.loan, &req, a.save.as_deref(), a.expect_version)?)
        }
        Some(Command::Promises { status, due_from, due_to, assignee, limit }) => {
            out.promises(&desk.promises(due_from, due_to, assignee.as_deref(), status, limit)?)
        }
        Some(Command::Notice(a)) => notices::issue(&mut desk, &a, format),
        Some(Command::NoticeReceipt(a)) => notices::receipt(&mut desk, &a, format),
        Some(Command::Notices { loan }) => notices::list(&desk, &loan, format),
        Some(Command::Hold(a)) => moves::hold(&mut desk, &a, format),
        Some(Command::HoldLift(a)) => moves::lift(&mut desk, &a, format),
        Some(Command::Holds { loan }) => moves::list(&desk, loan.as_deref(), format),
        Some(Command::Move(a)) => moves::move_stage(&mut desk, &a, format),
        Some(Command::Agency(a)) => moves::agency(&mut desk, &a, format),
        Some(Command::WriteOff(a)) => moves::write_off(&mut desk, &a, format),
        Some(Command::Reopen(a)) => moves::reopen(&mut desk, &a, format),
        Some(Command::Assign(a)) => team::assign(&mut desk, &a, format),
        Some(Command::Lease(a)) => team::lease(&mut desk, &a, format),
        Some(Command::Team(a)) => team::team(&mut desk, &a, format),
        Some(Command::Audit(a)) => audit::run(&desk, &a, format),
        Some(Command::Reveal(a)) => audit::reveal(&mut desk, &a, format),
        Some(Command::Tasks(a)) => tasks::list(&desk, &a, format),
        Some(Command::TaskDone(a)) => tasks::done(&mut desk, &a, format),
        Some(Command::LegalPacket(a)) => legal::run(&mut desk, &a, format),
        Some(Command::Inspect(a)) => inspect::inspect(&mut desk, &a, format),
        Some(Command::Inspections(a)) => inspect::list(&desk, &a, format),
        Some(Command::InspectionReview(a)) => inspect::review(&mut desk, &a, format),
        Some(Command::Reviews(a)) => inspect::reviews(&desk, &a, format),
        Some(Command::Collateral(c)) => collateral::run(&mut desk, &c, format),
        Some(Command::Edit(a)) => ledger::edit(&mut desk, &a, format),
        Some(Command::Log(a)) => worklog::log(&mut desk, &a, format),
        Some(Command::LogSign(a)) => worklog::sign(&mut desk, &a, format),
        Some(Command::Logs(a)) => worklog::list(&desk, &a, format),
        Some(Command::Holidays(c)) => holidays::run(&mut desk, &c, format),
        Some(Command::Warnings(a)) => warnings::list(&desk, &a, format),
        Some(Command::Warn(a)) => warnings::warn(&mut desk, &a, format),
        Some(Command::WarnConfirm(a)) => warnings::confirm(&mut desk, &a, format),
        Some(Command::WarnClose(a)) => warnings::close(&mut desk, &a, format),
        Some(Command::WarnMeasure(a)) => warnings::measure(&mut desk, &a, format),
        Some(Command::Watch(a)) => warnings::watch(&mut desk, &a, format),
        Some(Command::Unwatch(a)) => warnings::unwatch(&mut desk, &a, format),
        Some(Command::Watchlist(a)) => warnings::watchlist(&desk, &a, format),
        Some(Command::Rating(a)) => warnings::rating(&mut desk, &a, format),
        Some(Command::Classify(a)) => warnings::classify(&mut desk, &a, format),
        Some(Command::Report(c)) => report::run(&mut desk, &c, format),
        Some(Command::Targets(c)) => scorecard::targets(&mut desk, &c, format),
        Some(Command::Scorecard(a)) => scorecard::scorecard(&mut desk, &a, format),
        Some(Command::Refresh) => {
            let mut p = progress("refreshing the book");
            let n = desk.refresh(&mut |n| p.tick(n))?;
            drop(p);
            let done = serde_json::json!({ "refreshed": n, "as_of": desk.as_of });
            output::done(format, &done, &format!("refreshed {n} loans as of {}", desk.as_of))
        }
        Some(Command::Escalate(a)) => escalate::run(&mut desk, policy, &a, format),
        Some(Command::Users(cmd)) => users::run(&mut desk, cmd, format, &out),
        Some(Command::Settings(SettingsCmd::Get { key })) => {
            let value = desk.setting(&key)?;
            output::done(value_format, &serde_json::json!({ "key": key, "value": value }), &value)
        }
        Some(Command::Settings(SettingsCmd::Set { key, value })) => {
            desk.set_setting(&key, &value)?;
            if let Some(caveat) = desk.setting_caveat(&key, &value) {
                eprintln!("duedesk: note: {caveat}");
            }
            let done = serde_json::json!({ "key": key, "value": value });
            output::done(format, &done, &format!("{key} = {value}"))
        }
        Some(Command::Settings(SettingsCmd::List)) => out.settings(&desk.settings()?),
        Some(Command::Store(_)) => match copy_to {
            Some(address) => store_copy::to_server(&mut desk, &address, format),
            None => Ok(()),
        },
        Some(Command::Policy(what)) => escalate::policy_cmd(&mut desk, &what, policy, format, value_format),
        Some(Command::Completions { .. } | Command::Man | Command::Config(_)) => Ok(()),
    }
}

fn loan_query(a: &LoansArgs) -> LoanQuery {
    LoanQuery {
        stage: a.stage,
        status: a.status,
        assignee: a.assignee.clone(),
        dpd_min: a.dpd_min,
        due_within: a.due_within,
        due_soon: a.due_soon,
        search: a.search.clone(),
        search_cap: None,
        promises_first: a.promises_first,
        warning: a.warning,
        watched: a.watched,
        sort: a.sort.into(),
        limit: a.limit,
        offset: a.offset,
    }
}

/// The clock `DUEDESK_NOW` pins (tests and demos), if it is set.
fn pinned_clock() -> Result<Option<DateTime<FixedOffset>>> {
    match std::env::var("DUEDESK_NOW") {
        Ok(v) if !v.trim().is_empty() => DateTime::parse_from_rfc3339(v.trim()).map(Some).map_err(|e| {
            AppError::Input(format!("DUEDESK_NOW={v}: {e}; use RFC 3339, e.g. 2026-03-01T10:00:00+08:00"))
        }),
        _ => Ok(None),
    }
}

/// The desk's clock, pinned or the local time, when its date is within the book's years, as
/// every date.
fn within_years(now: DateTime<FixedOffset>) -> Result<DateTime<FixedOffset>> {
    let years = crate::domain::terms::YEARS;
    if !years.contains(&now.year()) {
        return Err(AppError::Input(format!(
            "the clock says {now}: dates fall between {}-01-01 and {}-12-31",
            years.start(),
            years.end()
        )));
    }
    Ok(now)
}

fn default_db() -> Result<PathBuf> {
    directories::ProjectDirs::from("", "", "duedesk")
        .map(|d| d.data_dir().join("duedesk.db"))
        .ok_or_else(|| AppError::Input("no home directory to keep the store in; pass --db PATH".into()))
}

/// The operating-system login: the desk user.
fn os_login() -> Result<String> {
    whoami::username().map_err(|e| AppError::Input(format!("cannot tell who is logged in: {e}")))
}

/// The business date: `--as-of`, else `DUEDESK_TODAY`, else the clock's day.
fn as_of(cli: &Cli, now: &DateTime<FixedOffset>) -> Result<chrono::NaiveDate> {
    if let Some(day) = cli.as_of {
        return Ok(day);
    }
    match std::env::var("DUEDESK_TODAY") {
        // Strict as every date: a stray space is a mistake to name, not to read past.
        Ok(v) if !v.trim().is_empty() => crate::domain::parse_date(&v).map_err(|e| {
            AppError::Input(format!("DUEDESK_TODAY={v}: {e}; unset it or give a date as YYYY-MM-DD"))
        }),
        _ => Ok(now.date_naive()),
    }
}

fn open_desk(cli: &Cli) -> Result<Desk> {
    crate::app::install::refuse_setuid()?;
    let pinned = pinned_clock()?;
    let now = within_years(pinned.unwrap_or_else(|| Local::now().fixed_offset()))?;
    let clock = match pinned {
        None => Clock::Live,
        Some(_) => Clock::Pinned { making_demo: matches!(cli.command, Some(Command::Demo { .. })) },
    };
    let as_of = as_of(cli, &now)?;
    let (path, default) = match &cli.db {
        Some(p) => (p.clone(), false),
        None => (default_db()?, true),
    };
    // A book on a PostgreSQL server: no file to make, and the installation's file checks do not apply.
    let server = path.to_str().is_some_and(crate::store::pg::is_address);
    let env_user = std::env::var("DUEDESK_USER").ok();
    let login = os_login()?;
    // Run setgid to the store's group: nothing from the environment acts for the caller.
    if let Some(install) = crate::app::install::current() {
        let other = env_user.as_deref().map(str::trim).filter(|u| !u.is_empty() && *u != login);
        install.refuse_env(pinned.is_some(), other)?;
        if !server {
            install.check_store(&path)?;
        }
        install.set_umask();
    }
    let create = match &cli.command {
        Some(Command::Demo { .. } | Command::Import(_)) => true,
        None if !server && !path.exists() => ask_to_create(&path)?,
        _ => false,
    };
    if create && default && !server {
        make_data_dir(&path)?;
    }
    let mut desk = Desk::open_at(&path, create, &login, env_user.as_deref(), clock, as_of, now)?;
    // The real clock is read in the store's zone, not the process's; DUEDESK_NOW stays as given.
    if pinned.is_none() {
        desk.clock_now()?;
        if cli.as_of.is_none() && std::env::var("DUEDESK_TODAY").map_or(true, |v| v.trim().is_empty()) {
            desk.as_of = desk.now.date_naive();
        }
    }
    desk.on_wait(|what| eprintln!("duedesk: waiting for {what} to finish…"));
    Ok(desk)
}

/// The desk on a store that is not there: on a terminal, asks before making one; elsewhere it is
/// a mistyped path (exit 2).
fn ask_to_create(path: &std::path::Path) -> Result<bool> {
    let missing = || AppError::Store(crate::store::StoreError::Missing { path: path.to_path_buf() });
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        return Err(missing());
    }
    eprint!("There is no store at {}. Make a new, empty one there? [y/N] ", path.display());
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| AppError::Input(format!("reading the answer: {e}")))?;
    if matches!(answer.trim(), "y" | "Y" | "yes" | "Yes") { Ok(true) } else { Err(missing()) }
}

/// The platform's data folder for the default store, made on first use, and said.
fn make_data_dir(path: &std::path::Path) -> Result<()> {
    let Some(dir) = path.parent().filter(|d| !d.is_dir()) else { return Ok(()) };
    std::fs::create_dir_all(dir).map_err(|e| {
        AppError::Input(format!("cannot make the folder {} for the store: {e}", dir.display()))
    })?;
    eprintln!("made the folder {} for the store", dir.display());
    Ok(())
}

/// Progress on a terminal's stderr (silent otherwise); ends its line when dropped.
struct Progress {
    label: &'static str,
    tty: bool,
    shown: bool,
}

impl Progress {
    fn tick(&mut self, n: u64) {
        if self.tty && n > 0 {
            eprint!("\r{}: {n}", self.label);
            self.shown = true;
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if self.shown {
            eprintln!();
        }
    }
}

fn progress(label: &'static str) -> Progress {
    Progress { label, tty: std::io::stderr().is_terminal(), shown: false }
}

/// Opens the desk: the terminal interface when stdout is a terminal, else the text desk view.
fn open(mut desk: Desk) -> Result<()> {
    if !std::io::stdout().is_terminal() {
        return desk_view(&mut desk);
    }
    let config = crate::config::load(crate::config::dir().as_deref(), crate::config::no_color());
    // The screen is the desk's: a write waiting for a bulk load is not written across it.
    desk.on_wait(|_| {});
    // A pinned clock (DUEDESK_NOW) stays pinned; otherwise the desk reads the time at each action.
    let live_clock = std::env::var("DUEDESK_NOW").map_or(true, |v| v.trim().is_empty());
    match crate::tui::run(desk, config, live_clock) {
        Ok(crate::tui::Ended::Quit) => Ok(()),
        // The guard has restored the terminal; end as the signal asked, with the shell's status.
        Ok(crate::tui::Ended::Signal(sig)) => std::process::exit(128 + sig),
        Err(e) => Err(AppError::Input(format!("the terminal desk stopped: {e:#}"))),
    }
}

/// With no command: the due-soon list and the overdue queue, the collector's own cases first.
fn desk_view(desk: &mut Desk) -> Result<()> {
    let out = output::Out::new(Format::Table);
    if desk.loan_count()? == 0 {
        let store = desk.store_label();
        return output::print(&format!(
            "The store at {store} holds no loans yet.\n  Load the demo book (demo data):  duedesk --db {store} demo --open\n  Import a book:                   duedesk --db {store} import loans FILE.csv\n"
        ));
    }
    let mine = match desk.actor.role() {
        Some(Role::Collector) => Some(desk.actor.login.clone()),
        _ => None,
    };
    let who = match (&desk.actor.user, desk.actor.role()) {
        (Some(u), Some(r)) => format!("{} ({r})", u.login),
        _ => format!("{} (read-only: not a desk user)", desk.actor.login),
    };
    output::print(&format!("duedesk · {} · as of {} · {who}\n", desk.store_label(), desk.as_of))?;
    let due = LoanQuery {
        due_soon: true,
        status: Some(LoanStatus::Active),
        assignee: mine.clone(),
        sort: SortKey::DueSoon,
        limit: Some(10),
        ..Default::default()
    };
    let mut p = progress("computing the book");
    let rows = desk.list_loans(&due, &mut |n| p.tick(n))?;
    drop(p);
    output::print(&format!("\nDue soon{}\n", if mine.is_some() { " · my cases" } else { "" }))?;
    out.due_soon(&rows)?;
    let overdue = LoanQuery {
        dpd_min: Some(1),
        status: Some(LoanStatus::Active),
        assignee: mine,
        sort: SortKey::Dpd,
        limit: Some(10),
        ..Default::default()
    };
    let rows = desk.list_loans(&overdue, &mut |_| {})?;
    output::print("\nOverdue queue (by days past due)\n")?;
    out.loans(&rows)?;
    output::print("\nMore: duedesk loans --dpd-min 1 · duedesk loans --due-soon · duedesk show LOAN\n")
}

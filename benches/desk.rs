//! The desk at branch scale (issue #8, docs/BENCHMARKS.md): a store of 1,000,000 loans and
//! 5,000,000 contacts, each figure beside its target and, for the list queries, beside the same
//! statements run by the `sqlite3` shell on the same file.
//!
//! `DUEDESK_BENCH_DB=/tmp/big.db cargo bench --bench desk` runs it; without that store it prints
//! why and stops, so `cargo bench --no-run` and `cargo test` never need it.
//! `DUEDESK_BENCH_MAKE=1` first makes a missing store: the demo book (`--loans 1000000 --seed 7`,
//! timed as the demo figure), then older contacts copied back whole years until there are
//! 5,000,000 (years back so the conduct windows and last contacts stay as the demo left them).
//! Everything that writes runs on a copy, so the store stays as made and runs can be compared.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset, NaiveDate};
use duedesk::app::Desk;
use duedesk::app::casework::ContactInput;
use duedesk::app::desk_state::{DeskInfo, DeskState, Screen, press, settle};
use duedesk::domain::LoanStatus;
use duedesk::domain::Outcome;
use duedesk::domain::policy::Policy;
use duedesk::store::{self, LoanFilter, SortKey, StateTable, Store};
use duedesk::ui::{self, Look, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use rusqlite::types::Value;

const AS_OF: &str = "2026-03-01";
const NOW: &str = "2026-03-01T10:00:00+08:00";
const LOANS: u64 = 1_000_000;
const CONTACTS: i64 = 5_000_000;
/// The terminal the desk is drawn into: a common full-screen size.
const SIZE: (u16, u16) = (120, 40);

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn main() {
    if let Err(e) = run() {
        eprintln!("desk benchmark failed: {e}");
        std::process::exit(1);
    }
}

fn run() -> Res<()> {
    let Some(db) = std::env::var_os("DUEDESK_BENCH_DB").map(PathBuf::from) else {
        println!("desk benchmark skipped: DUEDESK_BENCH_DB is not set (see docs/BENCHMARKS.md)");
        return Ok(());
    };
    let make = std::env::var("DUEDESK_BENCH_MAKE").is_ok_and(|v| v == "1");
    let mut table = Table::default();
    if !db.exists() && !make {
        println!(
            "desk benchmark skipped: no store at {} (DUEDESK_BENCH_MAKE=1 makes it, about 5 minutes and 3 GB)",
            db.display()
        );
        return Ok(());
    }
    if make {
        make_store(&db, &mut table)?;
    }
    let work_dir = std::env::var_os("DUEDESK_BENCH_WORK").map_or_else(std::env::temp_dir, PathBuf::from);
    let work = work_dir.join("duedesk-bench-work.db");
    checkpoint(&db)?;
    eprintln!("copying the store to {} (the writing benchmarks change it)", work.display());
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", work.display()));
    }
    std::fs::copy(&db, &work)?;
    // On disk before anything is timed: the kernel writing 3 GB of the copy back meanwhile made a
    // timed write wait on the next WAL checkpoint's fsync (877 ms once) and slowed the runs after it.
    std::fs::File::open(&work)?.sync_all()?;
    // A store made by an older build gets this build's migrations now, not inside a timed open.
    let t = Instant::now();
    drop(Store::open(&work)?);
    eprintln!("store opened and migrated in {}", ms(t.elapsed()));

    let conn = rusqlite::Connection::open(&work)?;
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0));
    let (loans, contacts) = (count("SELECT count(*) FROM loans")?, count("SELECT count(*) FROM contacts")?);
    let admin: String =
        conn.query_row("SELECT login FROM users WHERE role = 'admin' ORDER BY id LIMIT 1", [], |r| r.get(0))?;
    let (name, phone): (String, String) =
        conn.query_row("SELECT borrower, phone FROM loans WHERE id = ?1", [loans / 2 + 1], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    drop(conn);
    eprintln!("store: {loans} loans, {contacts} contacts; desk user {admin}");
    let name_prefix: String = name.chars().take(2).collect();
    let phone_prefix: String = phone.chars().take(7).collect();

    // DUEDESK_BENCH_ONLY=desk,sqlite3,tui,escalate,import,demo picks parts (all by default).
    let only = std::env::var("DUEDESK_BENCH_ONLY").unwrap_or_default();
    let part = |p: &str| only.is_empty() || only.split(',').any(|o| o.trim() == p);
    if part("desk") {
        desk_figures(&work, &admin, &name_prefix, &phone_prefix, &mut table)?;
    }
    if part("sqlite3") {
        baseline(&work, &admin, &name_prefix, &phone_prefix, &mut table)?;
    }
    // Each timed part starts with nothing waiting to be written back (the parts before it write
    // gigabytes: the store's copy, the escalation's checkpoint, the import's CSV and store).
    let settle_disk = || Command::new("sync").status().map(|_| ());
    if part("tui") {
        settle_disk()?;
        tui_memory(&work, &name_prefix, &mut table)?;
    }
    if part("escalate") {
        settle_disk()?;
        escalate(&work, &admin, &mut table)?;
    }
    if part("import") {
        settle_disk()?;
        import(&work, &work_dir, &mut table)?;
    }
    if part("demo") {
        settle_disk()?;
        demo_small(&work_dir, &mut table)?;
    }

    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", work.display()));
    }
    println!();
    println!(
        "store: {} ({loans} loans, {contacts} contacts), as of {AS_OF}, terminal {}×{}",
        db.display(),
        SIZE.0,
        SIZE.1
    );
    println!();
    print!("{}", table.markdown());
    Ok(())
}

// ---------------------------------------------------------------- figures

#[derive(Default)]
struct Table {
    rows: Vec<[String; 4]>,
}

impl Table {
    fn add(&mut self, measure: &str, result: String, target: &str, vs_sqlite: String) {
        eprintln!("{measure}: {result}  (target {target}) {vs_sqlite}");
        self.rows.push([measure.into(), result, target.into(), vs_sqlite]);
    }

    fn markdown(&self) -> String {
        let mut s = String::from("| measure | result | target | vs sqlite3 shell |\n|---|---|---|---|\n");
        for r in &self.rows {
            let _ = writeln!(s, "| {} | {} | {} | {} |", r[0], r[1], r[2], r[3]);
        }
        s
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

/// The value below which `q` of the samples fall (nearest rank).
fn pct(samples: &[Duration], q: f64) -> Duration {
    let mut v = samples.to_vec();
    v.sort();
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

fn median(samples: &[Duration]) -> Duration {
    pct(samples, 0.5)
}

fn spread(samples: &[Duration]) -> String {
    format!(
        "median {}, p99 {}, max {} (n={})",
        ms(median(samples)),
        ms(pct(samples, 0.99)),
        ms(pct(samples, 1.0)),
        samples.len()
    )
}

// ---------------------------------------------------------------- the desk in process

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(NOW).expect("fixed clock")
}

fn as_of() -> NaiveDate {
    NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").expect("fixed date")
}

fn open_desk(path: &Path, login: &str) -> Res<Desk> {
    Ok(Desk::open(Store::open(path)?, login, as_of(), now())?)
}

/// Draws the desk as the terminal would after a change.
fn draw(term: &mut Terminal<TestBackend>, state: &DeskState, look: &Look) -> Res<()> {
    term.draw(|f| ui::draw(f, state, look))?;
    Ok(())
}

/// Presses keys, answers every request and redraws: one key press to its redrawn frame.
fn key(
    state: &mut DeskState,
    desk: &mut Desk,
    term: &mut Terminal<TestBackend>,
    look: &Look,
    keys: &str,
) -> Res<Duration> {
    let t = Instant::now();
    press(state, desk, keys)?;
    draw(term, state, look)?;
    Ok(t.elapsed())
}

fn desk_figures(work: &Path, admin: &str, name: &str, phone: &str, table: &mut Table) -> Res<()> {
    let look = Look::new(Theme::mono());
    let mut term = Terminal::new(TestBackend::new(SIZE.0, SIZE.1))?;

    // Open to first frame: open the store, ask the first questions, draw.
    let mut opens = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let mut desk = open_desk(work, admin)?;
        let mut state = DeskState::new(DeskInfo::of(&desk));
        state.size = SIZE;
        let reqs = state.start();
        settle(&mut state, &mut desk, reqs);
        draw(&mut term, &state, &look)?;
        opens.push(t.elapsed());
        assert!(state.due.total.is_some(), "the first list arrived");
    }
    table.add("open to first frame (in process, warm cache)", spread(&opens), "≤ 150 ms", "—".into());

    let mut desk = open_desk(work, admin)?;
    let mut state = DeskState::new(DeskInfo::of(&desk));
    state.size = SIZE;
    let reqs = state.start();
    settle(&mut state, &mut desk, reqs);
    let switch = key(&mut state, &mut desk, &mut term, &look, "<Tab>")?;
    assert_eq!(state.screen, Screen::Overdue);
    let total = state.overdue.total.unwrap_or(0);
    table.add("switch to the overdue queue (Tab)", ms(switch), "≤ 16 ms", "—".into());

    // Page down through the queue, then a jump to the far end and paging back up there.
    let mut pages = Vec::new();
    for _ in 0..300 {
        pages.push(key(&mut state, &mut desk, &mut term, &look, "<PgDn>")?);
    }
    table.add(
        &format!("queue: page down ×300 from the top ({total} loans in the queue)"),
        spread(&pages),
        "p99 ≤ 16 ms",
        "—".into(),
    );
    let end = key(&mut state, &mut desk, &mut term, &look, "G")?;
    let mut deep = Vec::new();
    for _ in 0..100 {
        deep.push(key(&mut state, &mut desk, &mut term, &look, "<PgUp>")?);
    }
    table.add("queue: jump to the last row (G)", ms(end), "≤ 16 ms", "—".into());
    table.add("queue: page up ×100 at the far end", spread(&deep), "p99 ≤ 16 ms", "—".into());
    let mut all_keys = pages.clone();
    all_keys.extend(&deep);
    all_keys.push(end);
    key(&mut state, &mut desk, &mut term, &look, "gg")?;

    let mut sorts = Vec::new();
    for _ in 0..8 {
        sorts.push(key(&mut state, &mut desk, &mut term, &look, "o")?);
    }
    table.add("queue: sort change (o ×8, every order twice)", spread(&sorts), "≤ 16 ms", "—".into());
    all_keys.extend(&sorts);
    table.add("queue: every key above", spread(&all_keys), "p99 ≤ 16 ms", "—".into());

    for (what, text) in [("name prefix", name), ("phone prefix", phone)] {
        key(&mut state, &mut desk, &mut term, &look, "/")?;
        let mut typed = Vec::new();
        let mut each = Vec::new();
        for c in text.chars() {
            let k = if c == '<' { "<lt>".to_string() } else { c.to_string() };
            let d = key(&mut state, &mut desk, &mut term, &look, &k)?;
            typed.push(d);
            each.push(format!("{}: {}", state.filter, ms(d)));
        }
        key(&mut state, &mut desk, &mut term, &look, "<Enter>")?;
        let found = state.overdue.total.unwrap_or(0);
        let clear = key(&mut state, &mut desk, &mut term, &look, "<Esc>")?;
        table.add(
            &format!("filter by {what} '{text}', each key ({found} in the queue at the end)"),
            format!("worst {} ({})", ms(pct(&typed, 1.0)), each.join(", ")),
            "≤ 50 ms",
            "—".into(),
        );
        table.add(&format!("clear the {what} filter (Esc)"), ms(clear), "≤ 50 ms", "—".into());
    }

    // Open cases down the queue, and log a no-answer call on each (the conduct rules may refuse some).
    let mut opened = Vec::new();
    let mut logged = Vec::new();
    let mut refused = 0;
    for _ in 0..20 {
        key(&mut state, &mut desk, &mut term, &look, "j")?;
        opened.push(key(&mut state, &mut desk, &mut term, &look, "<Enter>")?);
        assert_eq!(state.screen, Screen::Case);
        let before = state.case.as_ref().and_then(|c| c.detail.as_ref()).map_or(0, |d| d.contacts.len());
        let d = key(&mut state, &mut desk, &mut term, &look, "n")?;
        let after = state.case.as_ref().and_then(|c| c.detail.as_ref()).map_or(0, |d| d.contacts.len());
        if after > before {
            logged.push(d);
        } else {
            refused += 1;
        }
        key(&mut state, &mut desk, &mut term, &look, "<Esc>")?;
    }
    table.add("open a case (Enter, 20 cases)", spread(&opened), "≤ 30 ms", "—".into());
    // The write alone, as the worker runs it: conduct check, insert, audit, commit.
    let loans: Vec<String> =
        (40..60).filter_map(|i| state.overdue.row(i).map(|r| r.loan_id.clone())).collect();
    let mut writes = Vec::new();
    for loan in &loans {
        let t = Instant::now();
        if desk.log_contact(&ContactInput::call(loan, Outcome::NoAnswer)).is_ok() {
            writes.push(t.elapsed());
        }
    }
    if !writes.is_empty() {
        table.add(
            &format!(
                "log a contact: the write alone (Desk::log_contact, {} of {})",
                writes.len(),
                loans.len()
            ),
            spread(&writes),
            "≤ 20 ms",
            "—".into(),
        );
    }
    if logged.is_empty() {
        table.add(
            "log a contact (n)",
            "every call refused by the conduct rules".into(),
            "≤ 20 ms",
            "—".into(),
        );
    } else {
        table.add(
            &format!("log a contact (n: write, reload the case and the lists; {refused} of 20 refused)"),
            spread(&logged),
            "≤ 20 ms",
            "—".into(),
        );
    }
    Ok(())
}

// ---------------------------------------------------------------- the sqlite3 baseline

/// The overdue queue's question as the desk asks it (all loans, everything active and overdue).
fn queue_filter(search: Option<&str>) -> LoanFilter {
    LoanFilter {
        status: Some(LoanStatus::Active),
        dpd_min: Some(1),
        search: search.map(str::to_string),
        promises_first: Some(as_of()),
        ..LoanFilter::default()
    }
}

/// The statements the desk runs for one page of the queue with its count: for a search, the one
/// that finds its matches in order and the one that reads the page's rows by id; otherwise the
/// counts of the queue and of today's promise band and the page of each band it reaches.
fn statements(
    conn: &rusqlite::Connection,
    filter: &LoanFilter,
    sort: SortKey,
    offset: u64,
) -> Res<Vec<String>> {
    if filter.search.is_some() {
        let hits = store::search_hits(conn, StateTable::Shared, filter, sort)?;
        return Ok(vec![
            inline(store::search_sql(StateTable::Shared, filter, sort)),
            inline(store::rows_by_id_sql(StateTable::Shared, hits.page(offset, Some(PAGE)))),
        ]);
    }
    let day = filter.promises_first.expect("the queue puts promises first");
    let band = |due_today| LoanFilter {
        promises_first: None,
        promise_due: Some((due_today, day)),
        ..filter.clone()
    };
    let (first, rest) = (band(true), band(false));
    let in_first = store::count_loans(conn, StateTable::Shared, &first)?;
    let mut out = vec![
        inline(store::count_sql(StateTable::Shared, filter)),
        inline(store::count_sql(StateTable::Shared, &first)),
    ];
    if offset < in_first {
        out.push(inline(store::page_sql(StateTable::Shared, &first, sort, Some(PAGE), offset)));
    }
    out.push(inline(store::page_sql(
        StateTable::Shared,
        &rest,
        sort,
        Some(PAGE),
        offset.saturating_sub(in_first),
    )));
    Ok(out)
}

/// The desk's page size at this terminal size (three screens).
const PAGE: u64 = 3 * 36;

/// The statement with its values written in, for the shell.
fn inline((sql, args): (String, Vec<Value>)) -> String {
    let mut sql = sql;
    for (i, v) in args.iter().enumerate().rev() {
        let lit = match v {
            Value::Integer(n) => n.to_string(),
            Value::Text(t) => format!("'{}'", t.replace('\'', "''")),
            Value::Null => "NULL".into(),
            other => panic!("no literal for {other:?}"),
        };
        sql = sql.replace(&format!("?{}", i + 1), &lit);
    }
    sql
}

fn baseline(work: &Path, admin: &str, name: &str, phone: &str, table: &mut Table) -> Res<()> {
    if Command::new("sqlite3").arg("-version").output().is_err() {
        table.add("sqlite3 baseline", "skipped: no sqlite3 shell on PATH".into(), "≤ 1.5×", "—".into());
        return Ok(());
    }
    let _desk = open_desk(work, admin)?;
    // The desk's statements, asked of the store on its own connection beside the desk.
    let store = Store::open(work)?;
    let total = store::count_loans(store.conn(), StateTable::Shared, &queue_filter(None))?;
    let first: String = name.chars().take(1).collect();
    let cases: Vec<(String, LoanFilter, SortKey, u64)> = vec![
        ("queue page 1, by DPD".into(), queue_filter(None), SortKey::Dpd, 0),
        (
            "queue page at row 300,000, by DPD".into(),
            queue_filter(None),
            SortKey::Dpd,
            300_000.min(total / 2),
        ),
        ("queue last page, by DPD".into(), queue_filter(None), SortKey::Dpd, total.saturating_sub(PAGE)),
        ("queue page 1, by overdue amount".into(), queue_filter(None), SortKey::Overdue, 0),
        ("queue page 1, by last contact".into(), queue_filter(None), SortKey::LastContact, 0),
        (format!("queue filtered by name '{name}'"), queue_filter(Some(name)), SortKey::Dpd, 0),
        (format!("queue filtered by phone '{phone}'"), queue_filter(Some(phone)), SortKey::Dpd, 0),
        (
            format!("queue filtered by name '{first}' (first key)"),
            queue_filter(Some(&first)),
            SortKey::Dpd,
            0,
        ),
    ];
    const RUNS: usize = 5;
    for (what, filter, sort, offset) in cases {
        let stmts = statements(store.conn(), &filter, sort, offset)?;
        // The desk: the same count and page(s) through the store, as the worker runs them.
        let mut ours = Vec::new();
        for _ in 0..RUNS {
            let conn = store.conn();
            let t = Instant::now();
            let rows = if filter.search.is_some() {
                let hits = store::search_hits(conn, StateTable::Shared, &filter, sort)?;
                store::rows_by_id(conn, StateTable::Shared, hits.page(offset, Some(PAGE)))?
            } else {
                store::count_loans(conn, StateTable::Shared, &filter)?;
                store::list_loans(conn, StateTable::Shared, &filter, sort, Some(PAGE), offset)?
            };
            ours.push(t.elapsed());
            assert!(!rows.is_empty() || offset > 0, "{what}: rows");
        }
        let theirs = shell_times(work, &stmts, RUNS)?;
        let (a, b) = (median(&ours), median(&theirs));
        table.add(
            &format!("{what}: count + page of {PAGE}"),
            format!("{} (sqlite3 {})", ms(a), ms(b)),
            "≤ 1.5× sqlite3",
            format!("{:.2}×", a.as_secs_f64() / b.as_secs_f64().max(1e-6)),
        );
    }
    Ok(())
}

/// Runs the statements `runs` times in one `sqlite3` session with `.timer on`; each run's time is
/// the sum of its statements' "Run Time: real". The shell prints milliseconds, so quick
/// statements are repeated within a run and their time divided.
fn shell_times(db: &Path, stmts: &[String], runs: usize) -> Res<Vec<Duration>> {
    let once = shell_run(db, stmts, 1, 1)?;
    let per = once.first().copied().unwrap_or_default().as_secs_f64();
    let repeat = ((0.05 / per.max(1e-4)) as usize).clamp(1, 50);
    shell_run(db, stmts, runs, repeat)
}

fn shell_run(db: &Path, stmts: &[String], runs: usize, repeat: usize) -> Res<Vec<Duration>> {
    let mut script = String::from(".timer on\n.mode list\n");
    for _ in 0..runs * repeat {
        for s in stmts {
            script.push_str(s);
            script.push_str(";\n");
        }
    }
    let mut child = Command::new("sqlite3")
        .arg("-readonly")
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()?;
    // Written from another thread: the shell's output would fill its pipe while the script is written.
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(script.as_bytes()));
    let out = child.wait_with_output()?;
    writer.join().map_err(|_| "writing the script to sqlite3 failed")??;
    let text = String::from_utf8_lossy(&out.stdout);
    let times: Vec<f64> = text
        .lines()
        .filter_map(|l| l.strip_prefix("Run Time: real "))
        .filter_map(|l| l.split_whitespace().next()?.parse().ok())
        .collect();
    let per_run = repeat * stmts.len();
    if times.len() != runs * per_run {
        return Err(format!("sqlite3 printed {} timings, expected {}", times.len(), runs * per_run).into());
    }
    Ok(times
        .chunks(per_run)
        .map(|c| Duration::from_secs_f64(c.iter().sum::<f64>() / repeat as f64))
        .collect())
}

// ---------------------------------------------------------------- the real binary

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_duedesk")
}

/// Runs the binary under `/usr/bin/time -v`: wall time and peak memory (max RSS).
fn timed(args: &[&str]) -> Res<(Duration, u64)> {
    let report = std::env::temp_dir().join(format!("duedesk-bench-time-{}.txt", std::process::id()));
    let t = Instant::now();
    let status = Command::new("/usr/bin/time")
        .arg("-v")
        .arg("-o")
        .arg(&report)
        .arg(bin())
        .args(args)
        .env("DUEDESK_NOW", NOW)
        .stdout(Stdio::null())
        .status()?;
    let wall = t.elapsed();
    if !status.success() {
        return Err(format!("duedesk {} failed: {status}", args.join(" ")).into());
    }
    let rss = max_rss(&report)?;
    let _ = std::fs::remove_file(&report);
    Ok((wall, rss))
}

fn max_rss(report: &Path) -> Res<u64> {
    let text = std::fs::read_to_string(report)?;
    let kb = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes): "))
        .ok_or("no max RSS in /usr/bin/time's report")?;
    Ok(kb.trim().parse()?)
}

fn mb(kb: u64) -> String {
    format!("{:.1} MB", kb as f64 / 1024.0)
}

fn make_store(db: &Path, table: &mut Table) -> Res<()> {
    if !db.exists() {
        eprintln!("making {}: the demo book of {LOANS} loans (a few minutes)", db.display());
        let db_s = db.to_str().ok_or("store path is not UTF-8")?;
        let n = LOANS.to_string();
        let (wall, rss) = timed(&["--db", db_s, "--as-of", AS_OF, "demo", "--loans", &n, "--seed", "7"])?;
        table.add(
            &format!("demo book of {LOANS} loans (made the store)"),
            format!("{:.1} s, peak {}", wall.as_secs_f64(), mb(rss)),
            "—",
            "—".into(),
        );
    }
    let conn = rusqlite::Connection::open(db)?;
    let t = Instant::now();
    let have: i64 = conn.query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))?;
    let base_max: i64 = conn.query_row("SELECT max(id) FROM contacts", [], |r| r.get(0))?;
    let mut left = CONTACTS - have;
    if left > 0 {
        eprintln!("adding {left} older contacts");
    }
    let mut years = 1;
    while left > 0 {
        let n = conn.execute(
            "INSERT INTO contacts (loan_id, customer_id, party, channel, direction, outcome, phone, note, user_id, at, \
             debtor_asked, no_disclosure_ack) \
             SELECT loan_id, customer_id, party, channel, direction, outcome, phone, note, user_id, \
             printf('%04d', CAST(substr(at, 1, 4) AS INTEGER) - ?1) || substr(at, 5), debtor_asked, no_disclosure_ack \
             FROM contacts WHERE id <= ?2 AND corrects_id IS NULL ORDER BY id LIMIT ?3",
            rusqlite::params![years, base_max, left],
        )?;
        left -= i64::try_from(n)?;
        years += 1;
    }
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
    eprintln!("contacts padded to {CONTACTS} in {:.1} s", t.elapsed().as_secs_f64());
    Ok(())
}

fn checkpoint(db: &Path) -> Res<()> {
    rusqlite::Connection::open(db)?.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
    Ok(())
}

/// The real desk in tmux under `/usr/bin/time -v`: open, page the queue, jump to the end, filter,
/// open a case, quit. The max RSS is the whole process's peak.
fn tui_memory(work: &Path, name: &str, table: &mut Table) -> Res<()> {
    if Command::new("tmux").arg("-V").output().is_err() {
        table.add("TUI peak memory", "skipped: no tmux".into(), "≤ 100 MB", "—".into());
        return Ok(());
    }
    let sock = format!("duedesk-bench-{}", std::process::id());
    let report = std::env::temp_dir().join(format!("{sock}.time"));
    let _ = std::fs::remove_file(&report);
    // A socket of its own, removed at the end (tmux leaves the file behind).
    let sock_path = std::env::temp_dir().join(&sock);
    let tmux = |args: &[&str]| Command::new("tmux").arg("-S").arg(&sock_path).args(args).output();
    let cmd = format!(
        "DUEDESK_NOW={NOW} NO_COLOR=1 /usr/bin/time -v -o {} {} --db {} --as-of {AS_OF}",
        report.display(),
        bin(),
        work.display()
    );
    let (w, h) = (SIZE.0.to_string(), SIZE.1.to_string());
    tmux(&["-f", "/dev/null", "new-session", "-d", "-x", &w, "-y", &h, &cmd])?;
    let screen = || {
        tmux(&["capture-pane", "-p"])
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    };
    let wait_for = |what: &dyn Fn(&str) -> bool| {
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(60) {
            if what(&screen()) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    };
    let t = Instant::now();
    let first = wait_for(&|s| s.contains("DL"));
    let first_frame = t.elapsed();
    let send = |k: &str| {
        let _ = tmux(&["send-keys", k]);
        std::thread::sleep(Duration::from_millis(100));
    };
    send("Tab");
    for _ in 0..30 {
        send("PageDown");
    }
    send("End");
    send("o");
    send("/");
    for c in name.chars() {
        send(&c.to_string());
    }
    send("Enter");
    send("Enter");
    send("Escape");
    send("Escape");
    send("q");
    let t = Instant::now();
    while !report.exists() && t.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(200));
    let _ = tmux(&["kill-server"]);
    let _ = std::fs::remove_file(&sock_path);
    let rss = max_rss(&report)?;
    let _ = std::fs::remove_file(&report);
    table.add(
        "TUI peak memory (real binary in tmux: open, Tab, PgDn ×30, End, sort, filter, open a case, quit)",
        mb(rss),
        "≤ 100 MB",
        "—".into(),
    );
    if first {
        table.add(
            "open to first frame (real binary in tmux, seen by polling capture-pane every 20 ms)",
            ms(first_frame),
            "≤ 150 ms",
            "—".into(),
        );
    }
    Ok(())
}

fn escalate(work: &Path, admin: &str, table: &mut Table) -> Res<()> {
    let mut desk = open_desk(work, admin)?;
    let t = Instant::now();
    let report = desk.escalate(&Policy::default(), false, &mut |_, _| {})?;
    let took = t.elapsed();
    table.add(
        &format!("escalate the whole book ({} loans)", report.loans),
        format!("{:.1} s ({} stage changes)", took.as_secs_f64(), report.changed),
        "≤ 10 s",
        "—".into(),
    );
    Ok(())
}

/// A loans CSV of the store's own loans (written untimed), imported by the binary into a new store.
fn import(work: &Path, dir: &Path, table: &mut Table) -> Res<()> {
    let csv = dir.join("duedesk-bench-loans.csv");
    let into = dir.join("duedesk-bench-import.db");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", into.display()));
    }
    {
        let conn = rusqlite::Connection::open(work)?;
        let mut out = std::io::BufWriter::new(std::fs::File::create(&csv)?);
        writeln!(
            out,
            "loan_id,borrower,customer_id,phone,product,principal,annual_rate,term_months,disbursed_on,assignee"
        )?;
        let mut stmt = conn.prepare(
            "SELECT l.loan_ref, l.borrower, c.customer_ref, coalesce(l.phone, ''), l.product, l.principal_cents, \
             l.rate_e4, l.term_months, l.disbursed_on, coalesce(u.login, '') \
             FROM loans l JOIN customers c ON c.id = l.customer_id LEFT JOIN users u ON u.id = c.assignee_id ORDER BY l.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (cents, rate): (i64, i64) = (r.get(5)?, r.get(6)?);
            writeln!(
                out,
                "{},{},{},{},{},{}.{:02},{}.{:04},{},{},{}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                cents / 100,
                cents % 100,
                rate / 10_000,
                rate % 10_000,
                r.get::<_, i64>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
            )?;
        }
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    }
    let (db, file) = (into.to_str().ok_or("path")?, csv.to_str().ok_or("path")?);
    let (wall, rss) = timed(&["--db", db, "--as-of", AS_OF, "import", "loans", file])?;
    table.add(
        "import a 1,000,000-row loans CSV into a new store (the binary, with its snapshot)",
        format!("{:.1} s, peak {}", wall.as_secs_f64(), mb(rss)),
        "≤ 20 s",
        "—".into(),
    );
    let _ = std::fs::remove_file(&csv);
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", into.display()));
    }
    Ok(())
}

/// The demo book at a smaller size each run (the 1,000,000-loan figure is the store's making).
fn demo_small(dir: &Path, table: &mut Table) -> Res<()> {
    let n: u64 =
        std::env::var("DUEDESK_BENCH_DEMO_LOANS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let into = dir.join("duedesk-bench-demo.db");
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", into.display()));
    }
    let (db, loans) = (into.to_str().ok_or("path")?, n.to_string());
    let (wall, rss) = timed(&["--db", db, "--as-of", AS_OF, "demo", "--loans", &loans, "--seed", "7"])?;
    table.add(
        &format!("demo book of {n} loans (the binary)"),
        format!("{:.1} s, peak {}", wall.as_secs_f64(), mb(rss)),
        "—",
        "—".into(),
    );
    for ext in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{ext}", into.display()));
    }
    Ok(())
}

//! The sqlite3 baseline: the statements the desk runs for a page of the queue, timed through the
//! store and by the `sqlite3` shell on the same file.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use duedesk::domain::LoanStatus;
use duedesk::store::{self, LoanFilter, SortKey, StateAt, Store};
use rusqlite::types::Value;

use crate::report::{Table, median, ms};
use crate::setup::{Res, as_of, open_desk};

/// The overdue queue's question as the desk asks it (all loans, everything active and overdue).
fn queue_filter(search: Option<&str>) -> LoanFilter {
    LoanFilter {
        status: Some(LoanStatus::Active),
        dpd_min: Some(1),
        search: search.map(str::to_string),
        // The admin sees phones in full, so its searches look at them.
        search_phones: search.is_some(),
        promises_first: Some(as_of()),
        ..LoanFilter::default()
    }
}

/// The statements the desk runs for one page of the queue with its count: for a search, the one
/// that finds its matches in order and the one that reads the page's rows by id; otherwise the
/// counts of the queue and of today's promise band and the page of each band it reaches.
fn statements(
    conn: &rusqlite::Connection,
    at: StateAt,
    filter: &LoanFilter,
    sort: SortKey,
    offset: u64,
) -> Res<Vec<String>> {
    if filter.search.is_some() {
        let hits = store::search_hits(conn, at, filter, sort)?;
        return Ok(vec![
            inline(store::search_sql(at, filter, sort)),
            inline(store::rows_by_id_sql(at, hits.page(offset, Some(PAGE)))),
        ]);
    }
    let day = filter.promises_first.expect("the queue puts promises first");
    let band = |due_today| LoanFilter {
        promises_first: None,
        promise_due: Some((due_today, day)),
        ..filter.clone()
    };
    let (first, rest) = (band(true), band(false));
    let in_first = store::count_loans(conn, at, &first)?;
    let mut out = vec![inline(store::count_sql(at, filter)), inline(store::count_sql(at, &first))];
    if offset < in_first {
        out.push(inline(store::page_sql(at, &first, sort, Some(PAGE), offset)));
    }
    out.push(inline(store::page_sql(at, &rest, sort, Some(PAGE), offset.saturating_sub(in_first))));
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

pub fn baseline(work: &Path, admin: &str, name: &str, phone: &str, table: &mut Table) -> Res<()> {
    if Command::new("sqlite3").arg("-version").output().is_err() {
        table.add("sqlite3 baseline", "skipped: no sqlite3 shell on PATH".into(), "≤ 1.5×", "—".into());
        return Ok(());
    }
    let desk = open_desk(work, admin)?;
    let at = StateAt::shared(desk.as_of, desk.rules);
    // The desk's statements, asked of the store on its own connection beside the desk.
    let store = Store::open(work)?;
    let total = store::count_loans(store.conn(), at, &queue_filter(None))?;
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
        let stmts = statements(store.conn(), at, &filter, sort, offset)?;
        // The desk: the same count and page(s) through the store, as the worker runs them.
        let mut ours = Vec::new();
        for _ in 0..RUNS {
            let conn = store.conn();
            let t = Instant::now();
            let rows = if filter.search.is_some() {
                let hits = store::search_hits(conn, at, &filter, sort)?;
                store::rows_by_id(conn, at, hits.page(offset, Some(PAGE)))?
            } else {
                store::count_loans(conn, at, &filter)?;
                store::list_loans(conn, at, &filter, sort, Some(PAGE), offset)?
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

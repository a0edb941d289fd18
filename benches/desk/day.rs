//! The book's days (issue #15): the next day's escalation run, the same day's run again, a week
//! of daily runs, the desk opened on a new day before any run (in process and the real binary in
//! tmux, with the roll beside its lists), and the first frame with a cold page cache. The runs and
//! the roll are set beside the sqlite3 shell writing the same rows (`replay`).

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate};
use duedesk::app::Desk;
use duedesk::app::desk_state::{Action, DeskInfo, DeskState, Query, serve};
use duedesk::store::Store;
use duedesk::ui::{self, Look, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::binary::{bin, timed_at};
use crate::harness::sized;
use crate::replay::replay;
use crate::report::{Table, mb, median, ms};
use crate::setup::{AS_OF, Res, SIZE, checkpoint, remove_store};

fn secs(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// The clock of a morning on `day`.
fn morning(day: &str) -> String {
    format!("{day}T08:00:00+08:00")
}

fn date(day: &str) -> NaiveDate {
    NaiveDate::parse_from_str(day, "%Y-%m-%d").expect("a date")
}

fn one(work: &Path, sql: &str) -> Res<i64> {
    Ok(rusqlite::Connection::open(work)?.query_row(sql, [], |r| r.get(0))?)
}

/// The binary's run for `day`, timed: wall time and peak memory.
fn escalate(work: &Path, day: &str) -> Res<(Duration, u64)> {
    Command::new("sync").status()?;
    let db = work.to_str().ok_or("store path is not UTF-8")?;
    timed_at(&["--db", db, "--as-of", day, "escalate"], &morning(day))
}

/// A copy of the store as it stands, for the shell to replay a step on.
fn copy_before(work: &Path, base: &Path) -> Res<()> {
    checkpoint(work)?;
    remove_store(base);
    std::fs::copy(work, base)?;
    std::fs::File::open(base)?.sync_all()?;
    Ok(())
}

/// The shell's time for the rows a step wrote, beside the step's own.
fn versus(work: &Path, base: &Path, ours: Duration) -> Res<String> {
    if Command::new("sqlite3").arg("-version").output().is_err() {
        return Ok("no sqlite3 shell".into());
    }
    let (rows, theirs) = replay(work, base)?;
    Ok(format!(
        "sqlite3 writing the same {rows} rows: {} ({:.2}×)",
        secs(theirs),
        ours.as_secs_f64() / theirs.as_secs_f64().max(1e-9)
    ))
}

pub fn days(work: &Path, dir: &Path, admin: &str, table: &mut Table) -> Res<()> {
    let base = dir.join("duedesk-bench-before.db");
    // The book as the demo and its first run leave it (the escalate part makes that run).
    let last: Option<String> = rusqlite::Connection::open(work)?.query_row(
        "SELECT max(as_of) FROM stage_events WHERE actor = 'policy'",
        [],
        |r| r.get(0),
    )?;
    if last.as_deref() != Some(AS_OF) {
        eprintln!("the first run as of {AS_OF}, untimed");
        escalate(work, AS_OF)?;
    }

    // The next day.
    copy_before(work, &base)?;
    let rolled = one(work, "SELECT count(*) FROM loan_state WHERE stale_on <= '2026-03-02'")?;
    let (next, rss) = escalate(work, "2026-03-02")?;
    let moves = one(work, "SELECT count(*) FROM stage_events WHERE as_of = '2026-03-02'")?;
    table.add(
        &format!("escalate the next day ({AS_OF} → 2026-03-02: {rolled} rows rolled, {moves} moves)"),
        format!("{}, peak {}", secs(next), mb(rss)),
        "≤ 10 s (goal 5 s)",
        versus(work, &base, next)?,
    );
    let (again, _) = escalate(work, "2026-03-02")?;
    table.add(
        "escalate the same day again (nothing to change)",
        secs(again),
        "next day ≤ 2× this",
        format!("next day {:.1}× this", next.as_secs_f64() / again.as_secs_f64().max(1e-9)),
    );

    // A week of daily runs.
    let mut week = Vec::new();
    let mut peak = 0;
    for d in 3..=9 {
        let (t, rss) = escalate(work, &format!("2026-03-{d:02}"))?;
        week.push(t);
        peak = peak.max(rss);
    }
    let each: Vec<String> = week.iter().map(|t| format!("{:.1}", t.as_secs_f64())).collect();
    table.add(
        "a week of daily runs (2026-03-03 … 03-09)",
        format!(
            "median {}, max {}, peak {} (each: {} s)",
            secs(median(&week)),
            secs(*week.iter().max().unwrap_or(&Duration::ZERO)),
            mb(peak),
            each.join(", ")
        ),
        "≤ 10 s each",
        "—".into(),
    );

    // The desk on a new day before any run: its lists from the rows as they stand, the roll beside.
    let new_day = "2026-03-10";
    copy_before(work, &base)?;
    let look = Look::new(Theme::mono());
    let mut term = Terminal::new(TestBackend::new(SIZE.0, SIZE.1))?;
    let mut firsts = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let (mut desk, mut state) = open_on(work, admin, new_day)?;
        first_frame(&mut desk, &mut state, &mut term, &look)?;
        firsts.push(t.elapsed());
        assert!(state.rolling.is_some(), "loans before the roll");
    }
    table.add(
        "desk on a new day before any run: first frame with loans (in process)",
        format!(
            "median {}, max {}",
            ms(median(&firsts)),
            ms(*firsts.iter().max().unwrap_or(&Duration::ZERO))
        ),
        "≤ 150 ms",
        "—".into(),
    );
    let stale = one(work, &format!("SELECT count(*) FROM loan_state WHERE stale_on <= '{new_day}'"))?;
    match tmux_new_day(work, new_day)? {
        Some((first, rolled)) => {
            table.add(
                "desk on a new day before any run: first frame with loans (real binary in tmux)",
                ms(first),
                "≤ 150 ms",
                "—".into(),
            );
            table.add(
                &format!("… and the queue as of the new date (the roll beside the lists: {stale} rows)"),
                secs(rolled),
                "within the run's time",
                versus(work, &base, rolled)?,
            );
        }
        None => table.add("desk on a new day (tmux)", "skipped: no tmux".into(), "≤ 150 ms", "—".into()),
    }
    remove_store(&base);

    // The first frame of a server's morning: nothing of the store in the page cache.
    if drop_caches() {
        match tmux_first_frame(work, new_day)? {
            Some(first) => table.add(
                "open to first frame with a cold page cache (real binary in tmux, caches dropped)",
                ms(first),
                "≤ 300 ms",
                "—".into(),
            ),
            None => table.add("cold open (tmux)", "skipped: no tmux".into(), "≤ 300 ms", "—".into()),
        }
        if drop_caches() {
            let t = Instant::now();
            let (mut desk, mut state) = open_on(work, admin, new_day)?;
            first_frame(&mut desk, &mut state, &mut term, &look)?;
            table.add(
                "open to first frame with a cold page cache (in process)",
                ms(t.elapsed()),
                "≤ 300 ms",
                "—".into(),
            );
        }
    } else {
        table.add(
            "open to first frame with a cold page cache",
            "skipped: /proc/sys/vm/drop_caches is not writable (run as root)".into(),
            "≤ 300 ms",
            "—".into(),
        );
    }
    Ok(())
}

/// Answers the desk's requests in the order the worker would, drawing after each answer, until a
/// frame shows loans (the roll, which goes beside, is not answered).
fn first_frame(
    desk: &mut Desk,
    state: &mut DeskState,
    term: &mut Terminal<TestBackend>,
    look: &Look,
) -> Res<()> {
    let mut queue: std::collections::VecDeque<_> = state.start().into();
    while let Some(r) = queue.pop_front() {
        if r.query == Query::Roll {
            continue;
        }
        let reply = serve(desk, &r);
        queue.extend(state.apply(Action::Reply(reply)));
        term.draw(|f| ui::draw(f, state, look))?;
        if !state.due.rows.is_empty() {
            return Ok(());
        }
    }
    Err("the desk showed no loans".into())
}

/// A desk on `day` at that morning's clock, as the terminal opens it (the roll goes beside).
fn open_on(work: &Path, admin: &str, day: &str) -> Res<(Desk, DeskState)> {
    let now = DateTime::parse_from_rfc3339(&morning(day))?;
    let mut desk = Desk::open(Store::open(work)?, admin, date(day), now)?;
    desk.roll_elsewhere = true;
    let mut state = DeskState::new(DeskInfo::of(&desk));
    sized(&mut state, &mut desk, SIZE.0, SIZE.1);
    Ok((desk, state))
}

/// Writes back what is dirty and empties the page cache (root only).
fn drop_caches() -> bool {
    let _ = Command::new("sync").status();
    std::fs::write("/proc/sys/vm/drop_caches", "3").is_ok()
}

/// The real desk opened in tmux on `day`: the time until a loan id is on screen and, when the
/// book had to be rolled, until the status line says it is as of the day. `None` without tmux.
fn tmux_new_day(work: &Path, day: &str) -> Res<Option<(Duration, Duration)>> {
    let Some(mut t) = Tmux::open(work, day)? else { return Ok(None) };
    let start = Instant::now();
    let first = t.wait_for(|s| s.contains("DL"), start)?;
    let rolled = t.wait_for(|s| s.contains("the book is as of"), start)?;
    t.quit();
    Ok(Some((first, rolled)))
}

fn tmux_first_frame(work: &Path, day: &str) -> Res<Option<Duration>> {
    let Some(mut t) = Tmux::open(work, day)? else { return Ok(None) };
    let start = Instant::now();
    let first = t.wait_for(|s| s.contains("DL"), start)?;
    t.quit();
    Ok(Some(first))
}

/// The real desk in a tmux session of its own.
struct Tmux {
    sock: std::path::PathBuf,
}

impl Tmux {
    fn open(work: &Path, day: &str) -> Res<Option<Tmux>> {
        if Command::new("tmux").arg("-V").output().is_err() {
            return Ok(None);
        }
        let sock = std::env::temp_dir().join(format!("duedesk-bench-day-{}", std::process::id()));
        let cmd = format!(
            "DUEDESK_NOW={} NO_COLOR=1 DUEDESK_LANG=en {} --db {} --as-of {day}",
            morning(day),
            bin(),
            work.display()
        );
        let (w, h) = (SIZE.0.to_string(), SIZE.1.to_string());
        let t = Tmux { sock };
        t.run(&["-f", "/dev/null", "new-session", "-d", "-x", &w, "-y", &h, &cmd])?;
        Ok(Some(t))
    }

    fn run(&self, args: &[&str]) -> Res<String> {
        let out = Command::new("tmux").arg("-S").arg(&self.sock).args(args).output()?;
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Polls the screen every 20 ms until `what` holds: the time since `start`.
    fn wait_for(&mut self, what: impl Fn(&str) -> bool, start: Instant) -> Res<Duration> {
        while start.elapsed() < Duration::from_secs(600) {
            if what(&self.run(&["capture-pane", "-p"])?) {
                return Ok(start.elapsed());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err("the desk did not show it within ten minutes".into())
    }

    fn quit(&mut self) {
        let _ = self.run(&["send-keys", "q"]);
        std::thread::sleep(Duration::from_millis(500));
        let _ = self.run(&["kill-server"]);
        let _ = std::fs::remove_file(&self.sock);
    }
}

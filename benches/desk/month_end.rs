//! Month-end history on the book (issue #19): the risk reports read from month-end rows by the
//! binary, the Reports screen's first chart after its key in process, `loans --as-of` a captured
//! month-end beside today's list and the list recomputed, and one month-end captured again.

use std::path::Path;
use std::time::{Duration, Instant};

use duedesk::app::desk_state::{DeskInfo, DeskState};
use duedesk::app::report::ReportPane;
use duedesk::ui::{self, Look, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::binary::timed;
use crate::harness::{press, settle, sized};
use crate::report::{Table, mb, median, ms, spread};
use crate::setup::{Res, SIZE, open_desk};

/// The month-ends the demo store records last (its as-of date is 2026-03-01).
const M1: &str = "2026-01";
const M2: &str = "2026-02";
const TWELVE_BACK: &str = "2025-03";
/// Three month-ends before M2: a pair no aggregate answers, read from its rows.
const THREE_BACK: &str = "2025-11";

fn run(db: &str, args: &[&str]) -> Res<(Duration, u64)> {
    timed(&[&["--db", db], args].concat())
}

/// Three runs of the binary: the median wall time and the largest peak memory.
fn thrice(db: &str, args: &[&str]) -> Res<String> {
    let mut walls = Vec::new();
    let mut peak = 0;
    for _ in 0..3 {
        let (wall, rss) = run(db, args)?;
        walls.push(wall);
        peak = peak.max(rss);
    }
    Ok(format!(
        "{} (runs {}), peak {}",
        ms(median(&walls)),
        walls.iter().map(|w| ms(*w)).collect::<Vec<_>>().join(", "),
        mb(peak)
    ))
}

pub fn month_end(work: &Path, admin: &str, table: &mut Table) -> Res<()> {
    let db = work.to_str().ok_or("store path is not UTF-8")?;

    // Each report from month-end rows, the process's whole life (open, read, compute, print).
    let span = ["--from", M1, "--to", M2, "--format", "json"];
    let year = ["--from", TWELVE_BACK, "--to", M2, "--format", "json"];
    for (what, args) in [
        ("report migration (two month-ends)", [&["report", "migration"][..], &span].concat()),
        ("report roll (two month-ends)", [&["report", "roll"][..], &span].concat()),
        ("report cure (two month-ends)", [&["report", "cure"][..], &span].concat()),
        ("report large (two month-ends)", [&["report", "large"][..], &span].concat()),
        ("report npl (twelve month-ends)", [&["report", "npl"][..], &year].concat()),
        (
            "report npl --by branch (twelve month-ends)",
            [&["report", "npl", "--by", "branch"][..], &year].concat(),
        ),
        ("report vintage (twelve month-ends)", [&["report", "vintage"][..], &year].concat()),
        (
            "report migration --by owner (two month-ends)",
            [&["report", "migration", "--by", "owner"][..], &span].concat(),
        ),
        (
            "report large --by branch (two month-ends)",
            [&["report", "large", "--by", "branch"][..], &span].concat(),
        ),
        (
            "report migration 2025-11 → 2026-02 (not a month apart: from rows)",
            ["report", "migration", "--from", THREE_BACK, "--to", M2, "--format", "json"].to_vec(),
        ),
        ("scorecard --month 2026-02 (the team's)", ["scorecard", "--month", M2, "--format", "json"].to_vec()),
    ] {
        table.add(what, thrice(db, &args)?, "≤ 500 ms", "—".into());
    }

    // The Reports screen in process: `M` to the first chart drawn, its figures answered in line.
    let look = Look::new(Theme::mono());
    let mut term = Terminal::new(TestBackend::new(SIZE.0, SIZE.1))?;
    let mut desk = open_desk(work, admin)?;
    let mut state = DeskState::new(DeskInfo::of(&desk));
    sized(&mut state, &mut desk, SIZE.0, SIZE.1);
    let reqs = state.start();
    settle(&mut state, &mut desk, reqs);
    let mut firsts = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        press(&mut state, &mut desk, "M")?;
        term.draw(|f| ui::draw(f, &state, &look))?;
        firsts.push(t.elapsed());
        let view =
            state.reports.as_ref().and_then(|r| r.view.as_ref()).ok_or("no figures on the Reports screen")?;
        if view.migration.is_empty() {
            return Err("the Reports screen drew no migration".into());
        }
        press(&mut state, &mut desk, "<Esc>")?;
    }
    table.add(
        "Reports screen: M to the first chart (migration), in process",
        spread(&firsts),
        "≤ 150 ms",
        "—".into(),
    );
    press(&mut state, &mut desk, "M")?;
    for pane in &ReportPane::ALL[1..] {
        let t = Instant::now();
        press(&mut state, &mut desk, "<Tab>")?;
        term.draw(|f| ui::draw(f, &state, &look))?;
        table.add(&format!("Reports screen: Tab to {pane}, first shown"), ms(t.elapsed()), "—", "—".into());
    }
    let t = Instant::now();
    desk.reports_view(None, None, ReportPane::ALL)?;
    table.add("… every view at once (as the screen asked before)", ms(t.elapsed()), "—", "—".into());

    // `loans --as-of` a captured month-end beside today's list, a page and the whole book.
    let month_end = "2026-01-31";
    for (what, limit) in [("first 50 rows", Some("50")), ("the whole book as CSV", None)] {
        let tail: Vec<&str> = match limit {
            Some(n) => vec!["--limit", n, "--format", "json"],
            None => vec!["--format", "csv"],
        };
        let today = thrice(db, &[&["loans"][..], &tail].concat())?;
        table.add(&format!("loans, today's list, {what}"), today, "—", "—".into());
        let from_rows = thrice(db, &[&["--as-of", month_end, "loans"][..], &tail].concat())?;
        table.add(
            &format!("loans --as-of {month_end} from its month-end rows, {what}"),
            from_rows,
            "today's",
            "—".into(),
        );
    }
    let (wall, rss) =
        run(db, &["--as-of", month_end, "loans", "--limit", "50", "--format", "json", "--recompute"])?;
    table.add(
        &format!("loans --as-of {month_end} --recompute, first 50 rows"),
        format!("{:.1} s, peak {}", wall.as_secs_f64(), mb(rss)),
        "—",
        "—".into(),
    );

    // One month-end captured again from the ledger (a scratch snapshot computed for it first).
    let (wall, rss) = run(db, &["report", "capture", "--month", M1, "--replace"])?;
    table.add(
        &format!("report capture --month {M1} --replace"),
        format!("{:.1} s, peak {}", wall.as_secs_f64(), mb(rss)),
        "≤ 10 s",
        "—".into(),
    );
    Ok(())
}

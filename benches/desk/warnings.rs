//! Early warning in the run (issue #17): the next day's run with its warnings pass timed on its
//! own, the same day's run again (the pass with nothing to change), and the desk's Warnings list's
//! first page beside the overdue queue's, in process.

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::{DateTime, Duration as Days};
use duedesk::app::Desk;
use duedesk::app::desk_state::{DeskInfo, DeskState, Screen};
use duedesk::domain::policy::Policy;
use duedesk::store::Store;
use duedesk::ui::{self, Look, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::harness::{press, settle, sized};
use crate::report::{Table, ms, spread};
use crate::setup::{Res, SIZE, as_of};

/// The day after the store's, at the same hour.
fn next_day(work: &Path, admin: &str) -> Res<Desk> {
    let day = as_of() + Days::days(1);
    let now = DateTime::parse_from_rfc3339(&format!("{day}T10:00:00+08:00"))?;
    Ok(Desk::open(Store::open(work)?, admin, day, now)?)
}

/// Each phase of a run and how long it took.
type Phases = Vec<(String, Duration)>;

/// A run with each phase's time, from the moment its first progress arrives to the next's.
fn run(desk: &mut Desk) -> Res<(Duration, Phases, String)> {
    let mut phases: Vec<(String, Instant)> = Vec::new();
    let t = Instant::now();
    let report = desk.escalate(&Policy::default(), false, &mut |phase, _| {
        if phases.last().is_none_or(|(p, _)| p != phase) {
            phases.push((phase.to_string(), Instant::now()));
        }
    })?;
    let end = Instant::now();
    let took = end - t;
    let mut shares = Vec::new();
    for (i, (phase, at)) in phases.iter().enumerate() {
        let until = phases.get(i + 1).map_or(end, |(_, next)| *next);
        shares.push((phase.clone(), until - *at));
    }
    let s = report.signals;
    let what = format!(
        "{} stage changes; signals {} opened, {} closed; watchlist {} in, {} out",
        report.changed, s.opened, s.closed, s.watchlist_entered, s.watchlist_left
    );
    Ok((took, shares, what))
}

fn phase_text(shares: &[(String, Duration)]) -> String {
    shares.iter().map(|(p, d)| format!("{p} {}", ms(*d))).collect::<Vec<_>>().join("; ")
}

pub fn warnings(work: &Path, admin: &str, table: &mut Table) -> Res<()> {
    let mut desk = next_day(work, admin)?;
    for what in ["escalate the next day (warnings pass on)", "escalate again the same day"] {
        let (took, shares, counts) = run(&mut desk)?;
        table.add(
            what,
            format!("{:.1} s: {} ({counts})", took.as_secs_f64(), phase_text(&shares)),
            "≤ 10 s",
            "—".into(),
        );
    }

    // The first page of each list, a fresh desk each time: the overdue queue (Tab), then the
    // Warnings list (A) from the same start.
    let look = Look::new(Theme::mono());
    let mut term = Terminal::new(TestBackend::new(SIZE.0, SIZE.1))?;
    let (mut queue, mut warnings) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        for (keys, screen, out) in
            [("<Tab>", Screen::Overdue, &mut queue), ("A", Screen::Warnings, &mut warnings)]
        {
            let mut desk = next_day(work, admin)?;
            let mut state = DeskState::new(DeskInfo::of(&desk));
            sized(&mut state, &mut desk, SIZE.0, SIZE.1);
            let reqs = state.start();
            settle(&mut state, &mut desk, reqs);
            let t = Instant::now();
            press(&mut state, &mut desk, keys)?;
            term.draw(|f| ui::draw(f, &state, &look))?;
            out.push(t.elapsed());
            if state.screen != screen {
                return Err(format!("{keys} did not open {screen:?}").into());
            }
        }
    }
    table.add("overdue queue's first page (Tab), in process", spread(&queue), "≤ 16 ms", "—".into());
    table.add("Warnings list's first page (A), in process", spread(&warnings), "the queue's", "—".into());
    Ok(())
}

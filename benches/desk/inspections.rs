//! The inspections due on the whole book beside the overdue queue (issue #18): a page with its
//! count, first and deep, for everyone and for one collector, each from a desk just opened (so no
//! count is kept from before), and the desk's keys on the Inspections list.

use std::path::Path;
use std::time::{Duration, Instant};

use duedesk::app::Desk;
use duedesk::app::desk_state::{DeskInfo, DeskState, Screen};
use duedesk::app::inspect::{InspectionList, InspectionQuery};
use duedesk::app::views::{LoanQuery, SortKey};
use duedesk::domain::LoanStatus;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::harness::{press, settle, sized};
use crate::report::{Table, ms, spread};
use crate::setup::{Res, SIZE, open_desk};

/// Rows the desk asks for at a time (three screens of the benchmark's terminal).
const PAGE: u64 = 3 * 36;
const RUNS: usize = 7;

fn queue(owner: Option<&str>, offset: u64) -> LoanQuery {
    LoanQuery {
        promises_first: true,
        dpd_min: Some(1),
        status: Some(LoanStatus::Active),
        assignee: owner.map(str::to_string),
        sort: SortKey::Dpd,
        limit: Some(PAGE),
        offset,
        ..LoanQuery::default()
    }
}

fn due(list: InspectionList, owner: Option<&str>, offset: u64) -> InspectionQuery {
    InspectionQuery {
        list,
        owner: owner.map(str::to_string),
        limit: Some(PAGE),
        offset,
        ..InspectionQuery::default()
    }
}

/// Median and spread of `RUNS` samples of `f` on a desk opened for each (its kept counts empty).
fn sampled(work: &Path, admin: &str, f: &dyn Fn(&mut Desk) -> Res<u64>) -> Res<(Vec<Duration>, u64)> {
    let mut took = Vec::new();
    let mut total = 0;
    for _ in 0..RUNS {
        let mut desk = open_desk(work, admin)?;
        let t = Instant::now();
        total = f(&mut desk)?;
        took.push(t.elapsed());
    }
    Ok((took, total))
}

pub fn inspections(work: &Path, admin: &str, table: &mut Table) -> Res<()> {
    // The collector with the most cases, as a collector's own lists would ask.
    let conn = rusqlite::Connection::open(work)?;
    let owner: String = conn.query_row(
        "SELECT u.login FROM customers c JOIN users u ON u.id = c.assignee_id GROUP BY u.id ORDER BY count(*) DESC LIMIT 1",
        [],
        |r| r.get(0),
    )?;
    drop(conn);
    for who in [None, Some(owner.as_str())] {
        let scope = who.map_or("everyone's".to_string(), |o| format!("{o}'s"));
        let (q, n) = sampled(work, admin, &|d| {
            Ok(d.list_page(&queue(who, 0), true, &mut |_| {})?.total.unwrap_or(0))
        })?;
        table.add(
            &format!("overdue queue ({scope}): first page and its count ({n} loans)"),
            spread(&q),
            "—",
            "—".into(),
        );
        for list in [InspectionList::Due, InspectionList::Overdue] {
            let (s, n) =
                sampled(work, admin, &|d| Ok(d.inspections(&due(list, who, 0), true)?.total.unwrap_or(0)))?;
            table.add(
                &format!("inspections {list} ({scope}): first page and its count ({n})"),
                spread(&s),
                "about the queue's",
                "—".into(),
            );
            let deep = n.saturating_sub(PAGE);
            let (s, _) = sampled(work, admin, &|d| {
                Ok(d.inspections(&due(list, who, deep), true)?.total.unwrap_or(0))
            })?;
            table.add(
                &format!("inspections {list} ({scope}): the last page"),
                spread(&s),
                "about the queue's",
                "—".into(),
            );
        }
    }

    // At the desk: `I` opens the list (its count and first page), then paging and the far end.
    let mut desk = open_desk(work, admin)?;
    let mut state = DeskState::new(DeskInfo::of(&desk));
    sized(&mut state, &mut desk, SIZE.0, SIZE.1);
    let reqs = state.start();
    settle(&mut state, &mut desk, reqs);
    let mut term = Terminal::new(TestBackend::new(SIZE.0, SIZE.1))?;
    let look = duedesk::ui::Look::new(duedesk::ui::Theme::mono());
    let mut key = |state: &mut DeskState, desk: &mut Desk, k: &str| -> Res<Duration> {
        let t = Instant::now();
        press(state, desk, k)?;
        term.draw(|f| duedesk::ui::draw(f, state, &look))?;
        Ok(t.elapsed())
    };
    let open = key(&mut state, &mut desk, "I")?;
    assert_eq!(state.screen, Screen::Inspections);
    let total = state.inspections.as_ref().and_then(|l| l.total).unwrap_or(0);
    table.add(&format!("desk: open the Inspections list (I, {total} due)"), ms(open), "≤ 50 ms", "—".into());
    let mut pages = Vec::new();
    for _ in 0..100 {
        pages.push(key(&mut state, &mut desk, "<PgDn>")?);
    }
    pages.push(key(&mut state, &mut desk, "G")?);
    for _ in 0..20 {
        pages.push(key(&mut state, &mut desk, "<PgUp>")?);
    }
    table.add("desk: Inspections list, PgDn ×100, G, PgUp ×20", spread(&pages), "p99 ≤ 16 ms", "—".into());
    let overdue = key(&mut state, &mut desk, "o")?;
    table.add("desk: Inspections list, overdue only (o)", ms(overdue), "≤ 50 ms", "—".into());
    Ok(())
}

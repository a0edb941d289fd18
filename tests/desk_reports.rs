//! The Reports screen's keys on the desk state, requests answered in line: `M` and `:reports`
//! open it, Tab moves between the views, `t` shows tables, `[` and `]` step through the month-ends
//! recorded, `g` groups the NPL figures, Esc goes back; a collector is told it is for supervisors.

mod common;

use chrono::{DateTime, NaiveDate};
use common::book::{Book, Keep};
use common::desk::{opened, press};
use duedesk::app::Desk;
use duedesk::app::desk_state::{DeskState, ReportPane, Screen};
use duedesk::app::report::By;

fn desk(login: &str) -> (Book, Desk) {
    let as_of = NaiveDate::from_ymd_opt(2026, 3, 20).expect("date");
    let now = DateTime::parse_from_rfc3339("2026-03-20T10:00:00+08:00").expect("now");
    let book = Book::demo_at(Keep::File, 300, 7, as_of, now);
    // Its last four month-ends only, so the first is near.
    for month in [
        "2024-09", "2024-10", "2024-11", "2024-12", "2025-01", "2025-02", "2025-03", "2025-04", "2025-05",
        "2025-06", "2025-07", "2025-08", "2025-09", "2025-10",
    ] {
        let key = month.replace('-', "");
        book.exec(&format!(
            "DELETE FROM month_ends WHERE month = {key}; DELETE FROM month_end WHERE month = {key};"
        ));
    }
    let desk = book.desk_as(login);
    (book, desk)
}

fn keys(state: &mut DeskState, desk: &mut Desk, k: &str) {
    press(state, desk, k).expect("keys");
}

fn month(s: &DeskState) -> String {
    s.reports.as_ref().and_then(|r| r.view.as_ref()).map(|v| v.month.to_string()).unwrap_or_default()
}

#[test]
fn the_reports_screen_by_keys() {
    let (_dir, mut desk) = desk("admin");
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "M");
    assert_eq!(s.screen, Screen::Reports);
    assert_eq!(month(&s), "2026-02");
    let r = s.reports.clone().expect("reports");
    assert_eq!((r.pane, r.table, r.by, r.error), (ReportPane::Migration, false, None, None));
    // The first view's figures only: the others are read when they are first shown.
    let view = r.view.expect("view");
    assert!(!view.migration.is_empty());
    assert_eq!(view.panes, [ReportPane::Migration]);
    assert!(view.npl.is_empty() && view.roll.is_empty() && view.vintage.is_empty());
    keys(&mut s, &mut desk, "<Tab><Tab>");
    assert_eq!(s.reports.as_ref().map(|r| r.pane), Some(ReportPane::Npl));
    let view = s.reports.as_ref().and_then(|r| r.view.clone()).expect("view");
    assert_eq!(view.panes, [ReportPane::Migration, ReportPane::Roll, ReportPane::Npl]);
    assert!(!view.npl.is_empty() && !view.roll.is_empty() && !view.migration.is_empty());
    keys(&mut s, &mut desk, "<BackTab>t");
    let r = s.reports.clone().expect("reports");
    assert_eq!((r.pane, r.table), (ReportPane::Roll, true));
    keys(&mut s, &mut desk, "[[");
    assert_eq!(month(&s), "2025-12");
    keys(&mut s, &mut desk, "]");
    assert_eq!(month(&s), "2026-01");
    // The first month-end recorded has none before it; `[` stays there.
    keys(&mut s, &mut desk, "[[[[");
    assert_eq!(month(&s), "2025-11");
    keys(&mut s, &mut desk, "g");
    let view = s.reports.as_ref().and_then(|r| r.view.clone()).expect("view");
    assert_eq!((view.by, view.panes.as_slice()), (Some(By::Branch), [ReportPane::Roll].as_slice()));
    keys(&mut s, &mut desk, "<Tab>");
    let view = s.reports.as_ref().and_then(|r| r.view.clone()).expect("view");
    assert!(!view.npl.is_empty() && view.npl.iter().all(|p| p.group.is_some()), "{:?}", view.npl);
    keys(&mut s, &mut desk, ":reports 2026-01<Enter>");
    assert_eq!(month(&s), "2026-01");
    keys(&mut s, &mut desk, "<Esc>");
    assert_eq!(s.screen, Screen::DueSoon);
}

#[test]
fn the_reports_screen_is_for_supervisors() {
    let (_dir, mut desk) = desk("li.qiang");
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "M");
    let r = s.reports.clone().expect("reports state");
    assert!(r.view.is_none());
    assert!(r.error.as_deref().is_some_and(|e| e.contains("supervisor")), "{:?}", r.error);
}

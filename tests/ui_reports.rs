//! The Reports screen drawn into ratatui's TestBackend from the demo book's month-ends (seed 7,
//! as of 2026-03-20, a fixed clock, with the eighteen month-ends it records), in the mono theme CI
//! runs under NO_COLOR: every view as charts in both languages, and as tables.

mod common;

use chrono::{DateTime, NaiveDate};
use common::book::{Book, Keep};
use common::screen;
use duedesk::app::desk_state::{ReportPane, ReportsState};
use duedesk::app::report::{By, ReportsView};
use duedesk::app::strings::Lang;
use duedesk::ui::{Look, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn desk() -> Book {
    let as_of = NaiveDate::from_ymd_opt(2026, 3, 20).expect("date");
    let now = DateTime::parse_from_rfc3339("2026-03-20T10:00:00+08:00").expect("now");
    // The demo book remembers its last eighteen month-ends.
    Book::demo_at(Keep::Memory, 300, 7, as_of, now)
}

fn state(view: ReportsView, pane: ReportPane, table: bool) -> ReportsState {
    ReportsState {
        generation: 1,
        month: Some(view.month),
        by: view.by,
        pane,
        table,
        view: Some(Box::new(view)),
        error: None,
        stale: false,
    }
}

fn render(state: &ReportsState, lang: Lang, w: u16, h: u16) -> String {
    let look = Look::new(Theme::mono());
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| duedesk::ui::reports::draw(f, f.area(), state, lang, &look)).expect("draw");
    screen(t.backend().buffer())
}

#[test]
fn every_view_at_80x24_in_both_languages() {
    let d = desk();
    let view = d.reports_view(None, None, ReportPane::ALL).expect("view");
    assert_eq!(view.month.to_string(), "2026-02");
    assert_eq!(view.prev.map(|m| m.to_string()).as_deref(), Some("2026-01"));
    for pane in ReportPane::ALL {
        for (lang, name) in [(Lang::En, "en"), (Lang::Zh, "zh")] {
            let s = state(view.clone(), *pane, false);
            insta::assert_snapshot!(format!("reports_{}_{name}", pane.as_str()), render(&s, lang, 80, 24));
        }
        let table = state(view.clone(), *pane, true);
        insta::assert_snapshot!(format!("reports_{}_table", pane.as_str()), render(&table, Lang::En, 80, 24));
    }
}

#[test]
fn the_npl_ratio_by_owner_as_bars_and_a_month_without_one_before() {
    let d = desk();
    let view = d.reports_view(None, Some(By::Owner), ReportPane::ALL).expect("view");
    let text = render(&state(view.clone(), ReportPane::Npl, false), Lang::En, 80, 24);
    for owner in view.npl.iter().filter_map(|p| p.group.as_deref()) {
        assert!(text.contains(owner), "{owner} missing:\n{text}");
    }
    let first = d.reports_view(Some("2024-09".parse().expect("month")), None, ReportPane::ALL).expect("view");
    assert_eq!(first.month.to_string(), "2024-09");
    assert_eq!(first.months.len(), 18);
    let text = render(&state(first, ReportPane::Migration, false), Lang::Zh, 80, 24);
    assert!(text.contains("没有更早的月末数据"), "{text}");
    // A large terminal draws the same figures.
    let big = render(&state(view, ReportPane::Migration, false), Lang::En, 200, 50);
    assert!(big.contains("special") && big.contains("w/off"), "{big}");
}

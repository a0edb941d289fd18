//! The team view drawn into ratatui's TestBackend from the demo book's figures (seed 7, as of
//! 2026-03-20, a fixed clock), in the mono theme CI runs under NO_COLOR.

mod common;

use chrono::{DateTime, NaiveDate};
use common::book::{Book, Keep};
use common::screen;
use duedesk::app::strings::Lang;
use duedesk::app::team::TeamReport;
use duedesk::ui::team::draw_team;
use duedesk::ui::{Look, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;

fn report() -> TeamReport {
    let as_of = NaiveDate::from_ymd_opt(2026, 3, 20).expect("date");
    let now = DateTime::parse_from_rfc3339("2026-03-20T10:00:00+08:00").expect("now");
    let mut desk = Book::demo_at(Keep::Memory, 300, 7, as_of, now);
    desk.team(None).expect("team")
}

fn render(report: &TeamReport, lang: Lang, w: u16, h: u16) -> Buffer {
    let look = Look::new(Theme::mono());
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| draw_team(f, f.area(), report, lang, &look)).expect("draw");
    t.backend().buffer().clone()
}

#[test]
fn team_view_80x24() {
    insta::assert_snapshot!(screen(&render(&report(), Lang::En, 80, 24)));
}

#[test]
fn team_view_80x24_in_chinese() {
    insta::assert_snapshot!(screen(&render(&report(), Lang::Zh, 80, 24)));
}

#[test]
fn a_large_terminal_shows_every_collector_and_taller_charts() {
    let r = report();
    let text = screen(&render(&r, Lang::Zh, 200, 50));
    for c in &r.collectors {
        assert!(text.contains(&c.user), "{} missing:\n{text}", c.user);
    }
    assert!(text.contains("各阶段贷款") && text.contains("每日回收"), "{text}");
    // Every stage's bar fits, however tall the charts grow.
    for stage in ["正常", "提醒", "协商", "担保", "法律"] {
        assert!(text.contains(stage), "{stage} missing:\n{text}");
    }
    // Too small for the charts: the table keeps every row it can.
    let small = screen(&render(&r, Lang::En, 60, 10));
    assert!(!small.contains("Loans by stage"), "{small}");
    assert!(small.contains(&r.collectors[0].user), "{small}");
}

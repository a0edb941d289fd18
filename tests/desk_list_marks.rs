//! The due-soon list and the overdue queue by warning level and the watchlist (issue #17): `L`
//! walks all/red/orange/yellow, `w` keeps customers on the watchlist, `:level [LEVEL] [watch]`
//! says both — the loans whose queue mark is that level, as the list without a filter has them.

mod common;

use common::book::{Book, Keep};
use common::desk::{opened, press};
use common::screen;
use duedesk::app::Desk;
use duedesk::app::desk_state::{DeskState, Screen};
use duedesk::app::strings::Lang;
use duedesk::app::views::{LoanQuery, SortKey};
use duedesk::domain::LoanStatus;
use duedesk::domain::warning::{Level, WarningLevel};
use duedesk::ui::{self, Look, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn demo_desk() -> Book {
    Book::demo(Keep::Memory, 300, 7)
}

fn snap(state: &DeskState) -> String {
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    t.draw(|f| ui::draw(f, state, &Look::new(Theme::mono()))).expect("draw");
    screen(t.backend().buffer())
}

/// The overdue queue without a filter, every loan of it: what a filter must pick from.
fn whole_queue(desk: &mut Desk) -> Vec<duedesk::app::views::LoanSummary> {
    let q = LoanQuery {
        dpd_min: Some(1),
        status: Some(LoanStatus::Active),
        sort: SortKey::Dpd,
        ..LoanQuery::default()
    };
    desk.list_loans(&q, &mut |_| {}).expect("queue")
}

#[test]
fn the_queue_by_warning_level_and_the_watchlist() {
    let mut desk = demo_desk();
    let all = whole_queue(&mut desk);
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "<Tab>").expect("keys");
    assert_eq!(state.screen, Screen::Overdue);
    let mut seen = 0;
    for (level, mark) in [
        (Level::Red, WarningLevel::Red),
        (Level::Orange, WarningLevel::Orange),
        (Level::Yellow, WarningLevel::Yellow),
    ] {
        press(&mut state, &mut desk, "L").expect("keys");
        assert_eq!(state.marks.level, Some(level));
        let want: Vec<&str> =
            all.iter().filter(|l| l.warning_level == mark).map(|l| l.loan_id.as_str()).collect();
        let list = &state.overdue;
        assert_eq!(list.total, Some(want.len() as u64), "{level:?}");
        let shown: Vec<&str> = list.rows.iter().map(|r| r.loan_id.as_str()).collect();
        assert_eq!(shown, want[..shown.len()], "{level:?}: in the queue's order");
        seen += want.len();
    }
    assert!(seen > 0 && seen < all.len(), "the demo's queue has loans with and without warnings");
    press(&mut state, &mut desk, "L").expect("keys");
    assert_eq!((state.marks.level, state.overdue.total), (None, Some(all.len() as u64)));
    // `w`: customers on the watchlist only; with a level, both.
    press(&mut state, &mut desk, "w").expect("keys");
    let watched = all.iter().filter(|l| l.watchlist).count() as u64;
    assert!(watched > 0);
    assert_eq!(state.overdue.total, Some(watched));
    assert!(state.overdue.rows.iter().all(|r| r.watchlist));
    press(&mut state, &mut desk, ":level red watch<Enter>").expect("keys");
    let both = all.iter().filter(|l| l.watchlist && l.warning_level == WarningLevel::Red).count() as u64;
    assert_eq!(state.overdue.total, Some(both));
    // The due-soon list takes the same filter.
    press(&mut state, &mut desk, "<Tab>").expect("keys");
    assert!(state.due.rows.iter().all(|r| r.watchlist && r.warning_level == WarningLevel::Red));
    // A word it does not take is refused with the usage; `all` alone shows every loan again.
    press(&mut state, &mut desk, ":level purple<Enter>").expect("keys");
    let said = state.message.clone().unwrap_or_default();
    assert!(said.contains("purple") && said.contains(":level [LEVEL] [watch]"), "{said}");
    press(&mut state, &mut desk, ":level all<Enter><Tab>").expect("keys");
    assert_eq!(state.overdue.total, Some(all.len() as u64));
}

#[test]
fn the_filtered_queue_says_its_filter_in_both_languages() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "<Tab>:level orange<Enter>").expect("keys");
    let text = snap(&state);
    assert!(text.contains("Overdue · orange 1/"), "{text}");
    insta::assert_snapshot!("queue_orange", text);
    state.lang = Lang::Zh;
    insta::assert_snapshot!("queue_orange_zh", snap(&state));
    // No orange loan of a customer on the watchlist is overdue in the demo: the empty queue says
    // why, and how to show every loan again.
    press(&mut state, &mut desk, "w").expect("keys");
    let text = snap(&state);
    assert!(text.contains("逾期 · 橙色 · 重点监测 0"), "{text}");
    assert!(text.contains("没有逾期贷款（当前预警筛选下；按 L 或 :level all 显示全部）"), "{text}");
}

#[test]
fn both_lists_mark_a_warning_by_its_letter_in_its_level_s_colour() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    let theme = Theme::dark();
    for screen in [Screen::DueSoon, Screen::Overdue] {
        if state.screen != screen {
            press(&mut state, &mut desk, "<Tab>").expect("keys");
        }
        assert_eq!(state.screen, screen);
        let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
        t.draw(|f| ui::draw(f, &state, &Look::new(theme))).expect("draw");
        let buf = t.backend().buffer();
        let list = match screen {
            Screen::DueSoon => &state.due,
            _ => &state.overdue,
        };
        let mut seen = 0;
        // Row 2 is the first loan's (the tabs, then the header); the cursor's row keeps its own
        // style, so it is left out.
        for (i, r) in list.rows.iter().enumerate().skip(1).take(19) {
            let y = u16::try_from(2 + i).expect("row");
            let (letter, level) = match r.warning_level {
                WarningLevel::Red => ("R", Level::Red),
                WarningLevel::Orange => ("O", Level::Orange),
                WarningLevel::Yellow => ("Y", Level::Yellow),
                WarningLevel::None => continue,
            };
            let cell = &buf[(2, y)];
            assert_eq!(cell.symbol(), letter, "{screen:?} row {i}: {}", r.loan_id);
            assert_eq!(cell.fg, theme.level(level).fg.unwrap_or_default(), "{screen:?} row {i}");
            seen += 1;
        }
        assert!(seen > 0, "{screen:?}: the demo has warnings on the first page");
    }
}

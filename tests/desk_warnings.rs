//! The desk's Warnings list (issue #17): the open signals of the demo book, red first then newest,
//! drawn at 80×24 in both languages; `L` and `:warnings` filter by level and the watchlist, `m`
//! keeps the user's own cases, Enter opens the loan's case.

mod common;

use std::collections::HashSet;

use common::book::{Book, Keep};
use common::desk::{opened, press};
use common::screen;
use duedesk::app::desk_state::{DeskState, Screen};
use duedesk::app::strings::Lang;
use duedesk::app::warnings::SignalQuery;
use duedesk::domain::warning::Level;
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

fn rank(l: Level) -> u8 {
    match l {
        Level::Red => 0,
        Level::Orange => 1,
        Level::Yellow => 2,
    }
}

#[test]
fn the_warnings_list_is_red_first_then_newest_and_opens_a_case() {
    let mut desk = demo_desk();
    let open = desk.signals(&SignalQuery::default()).expect("signals").len() as u64;
    assert!(open > 10, "the demo book has warnings: {open}");
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "A").expect("keys");
    assert_eq!(state.screen, Screen::Warnings);
    let list = state.warnings.as_ref().expect("list");
    assert_eq!(list.total, Some(open));
    let keys: Vec<_> = list.rows.iter().map(|r| (rank(r.level), std::cmp::Reverse(r.raised_on))).collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "red first, then newest");
    assert!(list.rows.iter().all(|r| r.closed_on.is_none()));
    insta::assert_snapshot!("warnings_list", snap(&state));
    // Down twice and Enter: that row's loan is the case opened.
    press(&mut state, &mut desk, "jj").expect("keys");
    let loan = state.warnings.as_ref().and_then(|l| l.row(2)).expect("third row").loan_id.clone();
    press(&mut state, &mut desk, "<Enter>").expect("keys");
    assert_eq!(state.screen, Screen::Case);
    assert_eq!(state.case.as_ref().map(|c| c.loan.as_str()), Some(loan.as_str()));
    // Back to the list where it was.
    press(&mut state, &mut desk, "A").expect("keys");
    assert_eq!(state.warnings.as_ref().map(|l| l.selected), Some(2));
}

#[test]
fn the_level_and_the_watchlist_filter_the_list() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "A").expect("keys");
    let all = state.warnings.as_ref().and_then(|l| l.total).expect("counted");
    // `L`: red only, then orange, yellow, and all again.
    for level in [Some(Level::Red), Some(Level::Orange), Some(Level::Yellow), None] {
        press(&mut state, &mut desk, "L").expect("keys");
        let list = state.warnings.as_ref().expect("list");
        assert_eq!(list.filter.level, level);
        let want =
            desk.signals(&SignalQuery { level, ..SignalQuery::default() }).expect("signals").len() as u64;
        assert_eq!(list.total, Some(want), "{level:?}");
        assert!(list.rows.iter().all(|r| level.is_none_or(|l| r.level == l)));
    }
    assert_eq!(state.warnings.as_ref().and_then(|l| l.total), Some(all));
    // `:warnings watch`: only customers on the watchlist, none of anyone else's.
    let watched: HashSet<String> =
        desk.watchlist(false).expect("watchlist").into_iter().map(|w| w.customer_id).collect();
    assert!(!watched.is_empty(), "the demo book has a watchlist");
    press(&mut state, &mut desk, ":warnings watch<Enter>").expect("keys");
    let list = state.warnings.as_ref().expect("list");
    assert!(list.filter.watched && list.total.expect("counted") < all);
    assert!(!list.rows.is_empty() && list.rows.iter().all(|r| watched.contains(&r.customer_id)));
    // A level word and the watchlist together; a word it does not take is refused with the usage.
    press(&mut state, &mut desk, ":warnings red watch<Enter>").expect("keys");
    let list = state.warnings.as_ref().expect("list");
    assert_eq!((list.filter.level, list.filter.watched), (Some(Level::Red), true));
    press(&mut state, &mut desk, ":warnings purple<Enter>").expect("keys");
    let said = state.message.clone().unwrap_or_default();
    assert!(said.contains("purple") && said.contains(":warnings [LEVEL] [watch]"), "{said}");
}

#[test]
fn a_collector_sees_their_own_cases_warnings_and_m_shows_everyones() {
    let admin = Book::demo(Keep::File, 300, 7);
    let everyone = admin.signals(&SignalQuery::default()).expect("signals").len() as u64;
    let mut desk = admin.desk_as("li.qiang");
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "A").expect("keys");
    let list = state.warnings.as_ref().expect("list");
    let mine = list.total.expect("counted");
    assert!(mine > 0 && mine < everyone, "{mine} of {everyone}");
    assert!(list.rows.iter().all(|r| r.owner.as_deref() == Some("li.qiang")));
    press(&mut state, &mut desk, "m").expect("keys");
    assert_eq!(state.warnings.as_ref().and_then(|l| l.total), Some(everyone));
}

#[test]
fn the_warnings_list_in_chinese() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    state.lang = Lang::Zh;
    press(&mut state, &mut desk, ":warnings orange<Enter>").expect("keys");
    assert_eq!(state.screen, Screen::Warnings);
    insta::assert_snapshot!("warnings_list_zh", snap(&state));
}

#[test]
fn the_case_shows_its_customers_signals_with_their_measures() {
    let mut desk = demo_desk();
    // A customer with a measure taken on one of their signals.
    let with_measure = desk
        .signals(&SignalQuery { all: true, ..SignalQuery::default() })
        .expect("signals")
        .into_iter()
        .find(|s| !s.measures.is_empty())
        .expect("a signal with a measure in the demo book");
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, &format!(":goto {}<Enter><BackTab>", with_measure.loan_id)).expect("keys");
    let case = state.case.as_ref().expect("case");
    let d = case.detail.as_ref().expect("detail");
    assert!(d.signals.iter().any(|s| s.id == with_measure.id));
    assert!(d.signals.windows(2).all(|w| w[0].raised_on >= w[1].raised_on), "newest first");
    let rows: u64 = d.signals.iter().map(|s| 1 + s.measures.len() as u64).sum();
    assert_eq!(case.pane_len(), rows, "a row for each signal and each of its measures");
    let text = snap(&state);
    assert!(text.contains(&format!("→ {}", with_measure.measures[0].kind.as_str())), "{text}");
    insta::assert_snapshot!("case_signals_pane", text);
    state.lang = Lang::Zh;
    insta::assert_snapshot!("case_signals_pane_zh", snap(&state));
}

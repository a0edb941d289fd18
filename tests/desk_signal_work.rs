//! Early warning worked from the case (issue #17): `!` raises a signal, `C`, `+` and `X` confirm,
//! work and close the one under the Signals pane's cursor, `w` puts the customer on or off the
//! watchlist — each opening its `:` command, carried out by the command line's own actions, so a
//! refusal (a collector's unwatch, a customer with signals open) is theirs, said in the status bar.

mod common;

use common::book::{Book, Keep};
use common::desk::{opened, press};
use common::screen;
use duedesk::app::Desk;
use duedesk::app::desk_state::{CasePane, DeskState, Mode, Screen};
use duedesk::app::strings::Lang;
use duedesk::app::warnings::SignalQuery;
use duedesk::domain::warning::{Category, Level, MeasureKind, SignalState};
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

fn said(state: &DeskState) -> String {
    state.message.clone().unwrap_or_default()
}

/// The first due-soon case opened: an active loan.
fn first_case(desk: &mut Desk) -> (DeskState, String) {
    let mut state = opened(desk);
    press(&mut state, desk, "<Enter>").expect("keys");
    let loan = state.case.as_ref().expect("case").loan.clone();
    (state, loan)
}

/// The first due-soon case whose customer has no signal open.
fn quiet_case(desk: &mut Desk) -> (DeskState, String) {
    let mut state = opened(desk);
    for _ in 0..40 {
        press(&mut state, desk, "<Enter>").expect("keys");
        let case = state.case.as_ref().expect("case");
        let d = case.detail.as_ref().expect("detail");
        if d.signals.iter().all(|s| s.closed_on.is_some()) && !d.summary.watchlist {
            let loan = case.loan.clone();
            return (state, loan);
        }
        press(&mut state, desk, "<Esc>j").expect("keys");
    }
    panic!("no due-soon case without signals in the demo book");
}

#[test]
fn a_signal_raised_confirmed_worked_and_closed_from_the_case() {
    let mut desk = demo_desk();
    let (mut state, loan) = first_case(&mut desk);
    let before = desk.signals(&SignalQuery::default()).expect("signals").len();
    // `!` opens :warn; the signal raised is shown first in the Signals pane.
    press(&mut state, &mut desk, "!").expect("keys");
    assert_eq!((state.mode, state.input.as_str()), (Mode::Command, "warn "));
    press(&mut state, &mut desk, "lawsuit red 借款人被列为被告<Enter>").expect("keys");
    assert_eq!(said(&state), format!("red warning raised on {loan}"));
    let case = state.case.as_ref().expect("case");
    assert_eq!((case.pane, case.cursor), (CasePane::Signals, 0));
    let s = case.signal_under_cursor().expect("the new signal").clone();
    assert_eq!(
        (s.category, s.level, s.loan_id.as_str()),
        (Some(Category::Lawsuit), Level::Red, loan.as_str())
    );
    assert_eq!(desk.signals(&SignalQuery::default()).expect("signals").len(), before + 1);
    // `C` confirms it, `+` records a measure, `X` closes it: the command line's actions.
    press(&mut state, &mut desk, "C").expect("keys");
    assert_eq!(state.input.as_str(), "warn-confirm ");
    press(&mut state, &mut desk, "电话核实属实<Enter>").expect("keys");
    assert_eq!(said(&state), format!("signal {} on {loan} confirmed", s.id));
    press(&mut state, &mut desk, "+special_inspection 下周上门核查<Enter>").expect("keys");
    assert_eq!(said(&state), format!("measure recorded on signal {}: special_inspection", s.id));
    let worked = desk.signal(s.id).expect("signal");
    assert_eq!(worked.state, SignalState::Confirmed);
    assert_eq!(worked.measures.iter().map(|m| m.kind).collect::<Vec<_>>(), [MeasureKind::SpecialInspection]);
    // The measure's row is the signal's too: the cursor on it still closes the signal.
    press(&mut state, &mut desk, "jX已和解撤诉<Enter>").expect("keys");
    assert_eq!(said(&state), format!("signal {} on {loan} closed", s.id));
    assert_eq!(desk.signal(s.id).expect("signal").state, SignalState::Closed);
    // A closed signal is refused by the action, said as it says it.
    press(&mut state, &mut desk, "gg:warn-confirm 再次核实<Enter>").expect("keys");
    assert!(said(&state).contains("was closed on 2026-03-01"), "{}", said(&state));
}

#[test]
fn the_signal_keys_need_a_signal_under_the_cursor() {
    let mut desk = demo_desk();
    let (mut state, _) = first_case(&mut desk);
    for key in ["C", "+", "X"] {
        press(&mut state, &mut desk, key).expect("keys");
        assert_eq!(state.mode, Mode::Normal, "{key}");
        assert!(said(&state).contains("Signals pane"), "{key}: {}", said(&state));
    }
    press(&mut state, &mut desk, ":warn-close 无<Enter>").expect("keys");
    assert!(said(&state).contains("Signals pane"), "{}", said(&state));
    // Words a command does not take are refused with its usage.
    press(&mut state, &mut desk, ":warn rumour red x<Enter>").expect("keys");
    assert!(said(&state).contains("rumour") && said(&state).contains(":warn CATEGORY LEVEL NOTE"));
    press(&mut state, &mut desk, ":warn lawsuit red<Enter>").expect("keys");
    assert!(said(&state).contains(":warn CATEGORY LEVEL NOTE"), "{}", said(&state));
    // Esc drops a command opened by its key.
    press(&mut state, &mut desk, "!<Esc>").expect("keys");
    assert_eq!((state.mode, state.screen), (Mode::Normal, Screen::Case));
}

#[test]
fn the_watchlist_from_the_case_and_who_may_take_a_customer_off() {
    let mut admin = Book::demo(Keep::File, 300, 7);
    // A collector's own case: `w` opens :watch, and once watched, :unwatch — a supervisor's.
    let mut desk = admin.desk_as("li.qiang");
    let (mut state, loan) = quiet_case(&mut desk);
    press(&mut state, &mut desk, "w").expect("keys");
    assert_eq!(state.input.as_str(), "watch ");
    press(&mut state, &mut desk, "经营数据连续下滑<Enter>").expect("keys");
    assert_eq!(said(&state), format!("the customer of {loan} is on the watchlist"));
    assert!(state.case.as_ref().and_then(|c| c.detail.as_ref()).expect("detail").summary.watchlist);
    press(&mut state, &mut desk, "w").expect("keys");
    assert_eq!(state.input.as_str(), "unwatch ");
    press(&mut state, &mut desk, "风险化解<Enter>").expect("keys");
    assert!(said(&state).contains("supervisor"), "{}", said(&state));
    // A supervisor may, once nothing is open: a signal open refuses it, closed lets it.
    let mut state = opened(&mut admin);
    press(&mut state, &mut admin, &format!(":goto {loan}<Enter>:warn income_loss yellow 收入下降<Enter>"))
        .expect("keys");
    press(&mut state, &mut admin, ":unwatch 风险化解<Enter>").expect("keys");
    assert!(said(&state).contains("has a warning open"), "{}", said(&state));
    press(&mut state, &mut admin, ":warn-close 已核实无碍<Enter>:unwatch 风险化解<Enter>").expect("keys");
    assert_eq!(said(&state), format!("the customer of {loan} is off the watchlist"));
}

#[test]
fn the_warn_line_and_the_signals_pane_in_both_languages() {
    let mut desk = demo_desk();
    let (mut state, _) = first_case(&mut desk);
    press(&mut state, &mut desk, "!business_stopped orange 工厂停产<Enter>").expect("keys");
    press(&mut state, &mut desk, "+freeze_credit 冻结未用额度<Enter>").expect("keys");
    insta::assert_snapshot!("case_signal_raised", snap(&state));
    press(&mut state, &mut desk, "!law").expect("keys");
    insta::assert_snapshot!("case_warn_line", snap(&state));
    state.lang = Lang::Zh;
    insta::assert_snapshot!("case_warn_line_zh", snap(&state));
    press(&mut state, &mut desk, "<Esc>").expect("keys");
    let text = snap(&state);
    assert!(text.contains("停产停业") && text.contains("冻结额度"), "{text}");
    insta::assert_snapshot!("case_signal_raised_zh", text);
}

#[test]
fn the_warnings_list_says_what_was_done_last_on_each_signal() {
    let mut desk = demo_desk();
    let (mut state, loan) = quiet_case(&mut desk);
    press(&mut state, &mut desk, "!fraud_suspicion red 冒用他人身份<Enter>C电话核实属实<Enter>")
        .expect("keys");
    let id = state.case.as_ref().and_then(|c| c.signal_under_cursor()).expect("signal").id;
    let done = |state: &DeskState| {
        let list = state.warnings.as_ref().expect("list");
        let i = (0..list.total.unwrap_or(0)).find(|i| list.row(*i).is_some_and(|r| r.id == id));
        i.map(|i| screen_row(state, list.top, i))
    };
    press(&mut state, &mut desk, ":warnings red<Enter>").expect("keys");
    let row = done(&state).expect("the signal raised is listed");
    assert!(row.contains(&loan) && row.trim_end().ends_with("confirmed"), "{loan}: {row}");
    // A measure after the confirmation is what was done last.
    press(
        &mut state,
        &mut desk,
        &format!(":goto {loan}<Enter><BackTab>+special_inspection 安排专项检查<Enter>"),
    )
    .expect("keys");
    press(&mut state, &mut desk, "A").expect("keys");
    let row = done(&state).expect("the signal raised is listed");
    assert!(row.trim_end().ends_with("special insp."), "{row}");
    assert!(row.contains("fraud_suspicion"), "a person's signal by its category: {row}");
    insta::assert_snapshot!("warnings_done", snap(&state));
    state.lang = Lang::Zh;
    let text = snap(&state);
    assert!(text.contains("专项检查") && text.contains("处置"), "{text}");
    insta::assert_snapshot!("warnings_done_zh", text);
}

/// The screen's line of the list's row `i` (the header is the screen's second line).
fn screen_row(state: &DeskState, top: u64, i: u64) -> String {
    snap(state).lines().nth((2 + i - top) as usize).unwrap_or("").to_string()
}

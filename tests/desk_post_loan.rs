//! Post-loan work at the desk (issue #18), drawn at 80×24 in both languages and driven by keys:
//! the Inspections list (due and overdue by due date, Enter opens the case), the inspection form
//! in the case (one key a row, the findings typed), the collateral and work log panes, the
//! supervisor's Review list with the working days left, and the queue's mark for an overdue
//! inspection.

mod common;

use common::book::{Book, Keep};
use common::desk::{opened, press};
use common::screen;
use duedesk::app::Desk;
use duedesk::app::desk_state::{CasePane, DeskState, Mode, Screen};
use duedesk::app::strings::Lang;
use duedesk::ui::{self, Look, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn demo_desk() -> Book {
    Book::demo(Keep::Memory, 300, 7)
}

fn render(state: &DeskState, w: u16, h: u16) -> String {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| ui::draw(f, state, &Look::new(Theme::mono()))).expect("draw");
    screen(t.backend().buffer())
}

fn snap(state: &DeskState) -> String {
    render(state, 80, 24)
}

fn zh(desk: &mut Desk) -> DeskState {
    let mut state = opened(desk);
    state.lang = Lang::Zh;
    state
}

#[test]
fn the_inspections_list_by_due_date_opens_a_case() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "I").expect("keys");
    assert_eq!(state.screen, Screen::Inspections);
    let list = state.inspections.as_ref().expect("list");
    let total = list.total.expect("counted");
    assert!(total > 50, "{total}");
    let dues: Vec<_> = list.rows.iter().filter_map(|r| r.due_on).collect();
    assert!(dues.windows(2).all(|w| w[0] <= w[1]), "by due date");
    insta::assert_snapshot!("inspections_list", snap(&state));
    // `o`: overdue only, every row before the date.
    press(&mut state, &mut desk, "o").expect("keys");
    let list = state.inspections.as_ref().expect("list");
    assert!(list.overdue_only && list.total.expect("counted") < total);
    assert!(list.rows.iter().all(|r| r.overdue));
    let first = list.rows[1].loan_id.clone();
    press(&mut state, &mut desk, "j<Enter>").expect("keys");
    assert_eq!(state.screen, Screen::Case);
    assert_eq!(state.case.as_ref().map(|c| c.loan.clone()), Some(first));
    // Back where it came from, the cursor where it was.
    press(&mut state, &mut desk, "<Esc>").expect("keys");
    assert_eq!(state.screen, Screen::Inspections);
    assert_eq!(state.inspections.as_ref().map(|l| l.selected), Some(1));
    // Deep pages come as the cursor goes; the last row is there.
    press(&mut state, &mut desk, "G").expect("keys");
    let list = state.inspections.as_ref().expect("list");
    assert!(list.row(list.selected).is_some());
    press(&mut state, &mut desk, "<Esc>:inspections due<Enter>").expect("keys");
    assert!(!state.inspections.as_ref().expect("list").overdue_only);
    let mut cn = zh(&mut desk);
    press(&mut cn, &mut desk, "I").expect("keys");
    insta::assert_snapshot!("inspections_list_zh", snap(&cn));
}

#[test]
fn the_inspection_form_records_one_key_a_row_and_moves_the_next_inspection() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "Io<Enter>").expect("keys");
    let loan = state.case.as_ref().expect("case").loan.clone();
    press(&mut state, &mut desk, "K").expect("keys");
    assert_eq!(state.mode, Mode::Form);
    insta::assert_snapshot!("inspection_form", snap(&state));
    let before = desk.show(&loan).expect("show").inspections.len();
    // Kind, mode, funds, business, collateral, guarantor, conclusion, recommendation; the date
    // stands; then the findings and Enter.
    press(&mut state, &mut desk, "fooconc-<Down>客户订单下降，需关注<Enter>").expect("keys");
    assert_eq!(state.mode, Mode::Normal);
    let case = state.case.as_ref().expect("case");
    assert!(case.form.is_none());
    assert_eq!(case.pane, CasePane::Inspections);
    let d = case.detail.as_ref().expect("detail");
    assert_eq!(d.inspections.len(), before + 1);
    assert_eq!(d.inspections[0].findings, "客户订单下降，需关注");
    assert!(d.next_inspections.iter().any(|n| n.due_on > Some(d.summary.as_of)), "{:?}", d.next_inspections);
    insta::assert_snapshot!("inspections_pane", snap(&state));
    // Esc drops a form and records nothing.
    press(&mut state, &mut desk, "Kf<Esc>").expect("keys");
    assert_eq!((state.mode, desk.show(&loan).expect("show").inspections.len()), (Mode::Normal, before + 1));
    // In Chinese it fits 80×24 too.
    let mut cn = zh(&mut desk);
    press(&mut cn, &mut desk, "Io<Enter>K").expect("keys");
    insta::assert_snapshot!("inspection_form_zh", snap(&cn));
}

#[test]
fn collateral_and_work_log_panes_and_a_work_log_written_from_the_case() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    // A case with collateral in the register.
    let loan = desk
        .collateral_register(false, false, Some(1))
        .expect("register")
        .first()
        .and_then(|i| i.loan_id.clone())
        .expect("a pledged loan");
    press(&mut state, &mut desk, &format!(":goto {loan}<Enter>")).expect("keys");
    press(&mut state, &mut desk, "<Tab><Tab><Tab><Tab><Tab>").expect("keys");
    assert_eq!(state.case.as_ref().map(|c| c.pane), Some(CasePane::Collateral));
    insta::assert_snapshot!("collateral_pane", snap(&state));
    press(&mut state, &mut desk, ":worklog visit 上门走访，借款人称下周还款<Enter><Tab>").expect("keys");
    let case = state.case.as_ref().expect("case");
    assert_eq!(case.pane, CasePane::WorkLog);
    assert_eq!(case.detail.as_ref().expect("detail").work_logs[0].note, "上门走访，借款人称下周还款");
    insta::assert_snapshot!("work_log_pane", snap(&state));
    // `W` opens the command at :worklog.
    press(&mut state, &mut desk, "W").expect("keys");
    assert_eq!((state.mode, state.input.as_str()), (Mode::Command, "worklog "));
}

#[test]
fn the_review_list_signs_with_working_days_left() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "V").expect("keys");
    assert_eq!(state.screen, Screen::Review);
    let review = state.review.as_ref().expect("review");
    assert!(!review.items.is_empty());
    assert!(review.items.windows(2).all(|w| w[0].due_on <= w[1].due_on));
    insta::assert_snapshot!("review_list", snap(&state));
    let n = review.items.len();
    let first = review.items[0].clone();
    press(&mut state, &mut desk, ":sign 已阅<Enter>").expect("keys");
    let review = state.review.as_ref().expect("review");
    assert_eq!(review.items.len(), n - 1, "{:?}", state.message);
    assert!(!review.items.iter().any(|i| i.kind == first.kind && i.id == first.id));
    // `:sign` off the Review list says where to go.
    press(&mut state, &mut desk, "<Esc>:sign ok<Enter>").expect("keys");
    assert!(state.message.as_deref().is_some_and(|m| m.contains("(V)")), "{:?}", state.message);
    let mut cn = zh(&mut desk);
    press(&mut cn, &mut desk, "V").expect("keys");
    insta::assert_snapshot!("review_list_zh", snap(&cn));
}

#[test]
fn the_queue_marks_an_overdue_inspection() {
    use duedesk::domain::warning::WarningLevel;
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "<Tab>").expect("keys");
    // An open warning's level takes the mark's place (R, O, Y) …
    let warned =
        state.overdue.rows.iter().find(|r| r.warning_level != WarningLevel::None).expect("a warning");
    let letter = match warned.warning_level {
        WarningLevel::Red => 'R',
        WarningLevel::Orange => 'O',
        _ => 'Y',
    };
    let shown = snap(&state);
    let row = shown.lines().find(|l| l.contains(&warned.loan_id)).expect("row");
    assert!(row.get(..4).is_some_and(|m| m.contains(letter)), "{row}");
    // … and where none is open, an overdue inspection is I.
    let k = state.overdue.rows.iter().position(|r| r.inspection_overdue).expect("an overdue inspection");
    state.overdue.rows[k].warning_level = WarningLevel::None;
    let id = state.overdue.rows[k].loan_id.clone();
    let shown = snap(&state);
    let row = shown.lines().find(|l| l.contains(&id)).expect("row");
    assert!(row.get(..4).is_some_and(|m| m.contains('I')), "{row}");
    // At 200 columns and at 60 the mark stays.
    for w in [60, 200] {
        let wide = render(&state, w, 30);
        let row = wide.lines().find(|l| l.contains(&id)).expect("row");
        assert!(row.get(..4).is_some_and(|m| m.contains('I')), "{w}: {row}");
    }
}

//! The desk opened on a new day before any run (issue #15): its lists come at once from the rows
//! as they stand, the book is rolled forward beside them with a note on the status line, and
//! when the roll is done the lists are asked again and are the day's.

mod common;

use chrono::{DateTime, Duration, NaiveDate};
use common::book::{Book, Keep};
use common::desk::{info, press, settle, sized};
use common::screen;
use duedesk::app::desk_state::{Action, DeskState, ListKind, Query, Reply, serve};
use duedesk::app::views::LoanQuery;
use duedesk::store::{self, SnapshotFor};
use duedesk::ui::{self, Look, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn draw(state: &DeskState) -> String {
    let mut t = Terminal::new(TestBackend::new(100, 24)).expect("terminal");
    t.draw(|f| ui::draw(f, state, &Look::new(Theme::mono()))).expect("draw");
    screen(t.backend().buffer())
}

/// The first page of the overdue queue as a desk that asks now sees it.
fn queue_ids(state: &DeskState) -> Vec<String> {
    let list = state.list(ListKind::Overdue);
    (0..list.rows.len() as u64)
        .filter_map(|i| list.row(i))
        .map(|r| format!("{} {}", r.loan_id, r.dpd))
        .collect()
}

#[test]
fn a_desk_on_a_new_day_shows_the_standing_rows_at_once_and_the_days_rows_after_its_roll() {
    let first = NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
    let now = DateTime::parse_from_rfc3339("2026-03-01T10:00:00+08:00").expect("now");
    let book = Book::demo_at(Keep::File, 600, 7, first, now);

    // Ten days later, on the terminal desk: the roll goes beside the lists.
    let later = first + Duration::days(10);
    let mut desk = book.desk_at("admin", later, now + Duration::days(10));
    desk.roll_elsewhere = true;
    let beside = book.store();
    let stale = store::stale_count(beside.db(), later).expect("stale");
    assert!(stale > 100, "rows stop holding in ten days: {stale}");

    let mut state = DeskState::new(info(&desk));
    sized(&mut state, &mut desk, 100, 24);
    let info = state.start();
    let reply = serve(&mut desk, &info[0]);
    assert!(matches!(reply, Reply::Info { roll: true, .. }), "{reply:?}");
    let asked = state.apply(Action::Reply(reply));
    let (roll, lists): (Vec<_>, Vec<_>) = asked.into_iter().partition(|r| r.query == Query::Roll);
    assert_eq!(roll.len(), 1, "the roll is asked once");
    assert!(!lists.is_empty(), "the lists are asked at once");

    // The first frame: the rows as they stand, nothing rolled yet, and the note.
    settle(&mut state, &mut desk, lists);
    press(&mut state, &mut desk, "<Tab>").expect("to the queue");
    assert_eq!(store::stale_count(beside.db(), later).expect("stale"), stale, "the lists did not roll");
    let standing = queue_ids(&state);
    assert!(!standing.is_empty(), "the queue shows loans before the roll");
    let standing_total = state.list(ListKind::Overdue).total.expect("a count");
    assert!(draw(&state).contains("bringing the book to 2026-03-11"), "{}", draw(&state));

    // The roll, then the lists again: the day's rows, as a desk asking after the roll reads them.
    settle(&mut state, &mut desk, roll);
    assert_eq!(store::snapshot_for(beside.db(), later).expect("state"), SnapshotFor::Holds);
    assert!(state.rolling.is_none());
    assert!(draw(&state).contains("the book is as of 2026-03-11"), "{}", draw(&state));
    let rolled = queue_ids(&state);
    let mut fresh = book.desk_at("admin", later, now + Duration::days(10));
    // The queue's question (`desk_state::lists::query`): today's promises first, then by DPD.
    let queue = LoanQuery {
        promises_first: true,
        dpd_min: Some(1),
        status: Some(duedesk::domain::LoanStatus::Active),
        limit: Some(rolled.len() as u64),
        ..LoanQuery::default()
    };
    let want: Vec<String> = fresh
        .list_loans(&queue, &mut |_| {})
        .expect("list")
        .iter()
        .map(|r| format!("{} {}", r.loan_id, r.dpd))
        .collect();
    assert_eq!(rolled, want);
    // The loans that fell overdue in the ten days join the queue with the roll.
    let total = state.list(ListKind::Overdue).total.expect("a count");
    assert!(total > standing_total, "{total} > {standing_total}");
    let all = LoanQuery { limit: None, ..queue };
    assert_eq!(total, fresh.list_loans(&all, &mut |_| {}).expect("the queue").len() as u64);
}

#[test]
fn the_roll_goes_on_a_second_desk_of_the_same_book_and_the_first_hears_it() {
    let book = Book::demo(Keep::File, 300, 7);
    let later = book.as_of + Duration::days(10);
    let desk = book.desk_at("admin", later, book.now + Duration::days(10));
    // What the terminal's worker does with the day's roll and the run (`tui::worker::run_beside`).
    let mut beside = desk.beside().expect("a second desk").expect("a book on a file or a server has one");
    assert_eq!((beside.store_label(), beside.as_of), (desk.store_label(), desk.as_of));
    assert!(!desk.changed_elsewhere().expect("the first look only takes note"));
    assert!(beside.roll(&mut |_, _| {}).expect("the roll beside") > 0, "rows stop holding in ten days");
    assert!(desk.changed_elsewhere().expect("a look"), "the desk hears the roll beside it");
}

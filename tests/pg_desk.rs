//! The desk on a server (issue #20): a demo book made on a file and copied to the server, then the
//! same desk opened on each — the same screens at 80×24 key for key, the same case, the same
//! call logged with a promise, the same escalation run — and each desk hearing the other desks of
//! its own store commit.

mod common;

use chrono::{DateTime, NaiveDate};
use common::desk::{opened, press};
use common::screen;
use duedesk::app::Desk;
use duedesk::app::desk_state::DeskState;
use duedesk::domain::{Money, Outcome};
use duedesk::store::Store;
use duedesk::ui::{self, Look, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).expect("date")
}

fn open_desk(store: Store, login: &str) -> Desk {
    let now = DateTime::parse_from_rfc3339("2026-03-01T10:00:00+08:00").expect("now");
    Desk::open(store, login, day(), now).expect("desk")
}

/// The screen at 80×24, its status line's store name left out (a path, or the server's address).
fn drawn(state: &DeskState) -> String {
    let mut t = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    t.draw(|f| ui::draw(f, state, &Look::new(Theme::mono()))).expect("draw");
    screen(t.backend().buffer())
        .lines()
        .map(|l| match l.find(" · as of ") {
            Some(at) => &l[..at + " · as of 2026-03-01".len().min(l.len() - at)],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A demo book on a file, copied whole to a fresh database on the test server; the file's desk
/// and the server's address.
fn book_on_both() -> Option<(tempfile::TempDir, Desk, common::pg::TestDb)> {
    let server = common::pg::fresh("desk")?;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut file = open_desk(Store::open(&dir.path().join("desk.db")).expect("store"), "admin");
    duedesk::app::demo::generate(&mut file, 150, 7, &mut |_| {}).expect("demo book");
    let source = Store::open(&dir.path().join("desk.db")).expect("the file again");
    let mut client = server.client();
    duedesk::store::pg::copy_file_to_server(source.conn(), &mut client, "test", &mut |_, _| {})
        .expect("copy");
    Some((dir, file, server))
}

#[test]
fn the_same_desk_on_a_file_and_on_a_server() {
    let Some((_dir, mut file, server)) = book_on_both() else { return };
    let mut central = open_desk(Store::open_server(&server.url(), "admin").expect("server store"), "admin");

    // The queue, a page down, another sort, a case opened: the same screens.
    let (mut a, mut b) = (opened(&mut file), opened(&mut central));
    assert_eq!(drawn(&a), drawn(&b), "the first screen");
    assert!(drawn(&a).contains("DL0"), "{}", drawn(&a));
    for keys in ["<Tab>", "jjj", "<PgDn>", "o", "<Enter>", "<Esc>", "<Tab><Tab>"] {
        press(&mut a, &mut file, keys).expect("keys");
        press(&mut b, &mut central, keys).expect("keys");
        assert_eq!(drawn(&a), drawn(&b), "after {keys}");
    }

    // A call with a promise, logged on each: the same case after.
    let loan = an_overdue_loan(&mut file);
    for desk in [&mut file, &mut central] {
        let mut call = duedesk::app::casework::ContactInput::call(&loan, Outcome::Promise);
        call.note = "答应月底前还 2,000 元".into();
        call.promise = Some((Money::from_cents(200_000), day() + chrono::Days::new(10)));
        desk.log_contact(&call).expect("the call");
    }
    let (x, y) = (file.show(&loan).expect("show"), central.show(&loan).expect("show"));
    assert_eq!(serde_json::to_value(&x).expect("json"), serde_json::to_value(&y).expect("json"));

    // The day's run: the same report, then the same lists.
    let policy = file.policy.clone();
    let ran = |d: &mut Desk| {
        serde_json::to_value(d.escalate(&policy, false, &mut |_, _| {}).expect("run")).expect("json")
    };
    assert_eq!(ran(&mut file), ran(&mut central));
    let (mut a, mut b) = (opened(&mut file), opened(&mut central));
    for keys in ["", "<Tab>", "G"] {
        press(&mut a, &mut file, keys).expect("keys");
        press(&mut b, &mut central, keys).expect("keys");
        assert_eq!(drawn(&a), drawn(&b), "after the run, {keys}");
    }
}

#[test]
fn a_desk_on_the_server_hears_another_desks_commit() {
    let Some((_dir, _file, server)) = book_on_both() else { return };
    let open = || open_desk(Store::open_server(&server.url(), "admin").expect("server store"), "admin");
    let (mut one, mut two) = (open(), open());
    assert!(!one.changed_elsewhere().expect("look"), "the first look takes note");
    let loan = an_overdue_loan(&mut one);
    two.log_contact(&duedesk::app::casework::ContactInput::call(&loan, Outcome::NoAnswer)).expect("the call");
    common::poll::until("desk one to hear of desk two's call", common::poll::LOOKS, || {
        if one.changed_elsewhere().map_err(|e| e.to_string())? { Ok(()) } else { Err("not yet".into()) }
    });
    assert!(!one.changed_elsewhere().expect("look"), "heard once");
    assert!(!two.changed_elsewhere().expect("look"), "its own call");
}

/// The first loan of the overdue queue.
fn an_overdue_loan(desk: &mut Desk) -> String {
    let q = duedesk::app::views::LoanQuery { dpd_min: Some(1), ..Default::default() };
    desk.list_loans(&q, &mut |_| {}).expect("overdue").first().expect("an overdue loan").loan_id.clone()
}

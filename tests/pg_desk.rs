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
    book_on_both_as("admin")
}

/// `book_on_both` with `admin` the book's first admin (the demo's maker).
fn book_on_both_as(admin: &str) -> Option<(tempfile::TempDir, Desk, common::pg::TestDb)> {
    let server = common::pg::fresh("desk")?;
    let dir = tempfile::tempdir().expect("tempdir");
    let mut file = open_desk(Store::open(&dir.path().join("desk.db")).expect("store"), admin);
    duedesk::app::demo::generate(&mut file, 150, 7, &mut |_| {}).expect("demo book");
    let source = Store::open(&dir.path().join("desk.db")).expect("the file again");
    // The command line's DUEDESK_USER acts for the file's desk as the server's role does there.
    duedesk::store::setting_set(source.conn(), "trust_env_user", "true").expect("setting");
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

#[test]
fn the_command_line_on_a_server_answers_as_on_the_file() {
    // The server's role is the desk user there; the test logs in as postgres.
    let Some((dir, mut file, server)) = book_on_both_as("postgres") else { return };
    let loan = an_overdue_loan(&mut file);
    drop(file);
    let path = dir.path().join("desk.db");
    let run = |db: &str, args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_duedesk"))
            .arg("--db")
            .arg(db)
            .args(args)
            .env("DUEDESK_NOW", "2026-03-02T09:00:00+08:00")
            .env("DUEDESK_USER", "postgres")
            .env("DUEDESK_CONFIG", dir.path().join("config"))
            .env("NO_COLOR", "1")
            .env_remove("DUEDESK_DB")
            .output()
            .expect("run");
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let url = server.url();
    let file_path = path.to_str().expect("path");
    for args in [
        vec!["--as-of", "2026-03-02", "loans", "--format", "csv"],
        vec!["--as-of", "2026-03-02", "escalate", "--format", "json"],
        vec![
            "--as-of",
            "2026-03-02",
            "contact",
            &loan,
            "--outcome",
            "promise",
            "--note",
            "答应月底还",
            "--promise-amount",
            "500.00",
            "--promise-date",
            "2026-03-12",
        ],
        vec!["--as-of", "2026-03-02", "show", &loan, "--format", "json"],
        vec!["--as-of", "2026-03-02", "loans", "--stage", "reminder", "--format", "csv"],
        vec!["--as-of", "2026-03-02", "warnings", "--format", "csv"],
        vec!["--as-of", "2026-03-02", "tasks", "--format", "csv"],
    ] {
        let (on_file, on_server) = (run(file_path, &args), run(&url, &args));
        assert_eq!(on_file.0, Some(0), "{args:?}: {}", on_file.2);
        assert_eq!((&on_file.0, &on_file.1), (&on_server.0, &on_server.1), "{args:?}: {}", on_server.2);
    }
    // A week on: a run with class changes, new signals and the special inspections they ask for.
    let later = |db: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_duedesk"))
            .arg("--db")
            .arg(db)
            .args(["--as-of", "2026-03-09", "escalate", "--format", "json"])
            .env("DUEDESK_NOW", "2026-03-09T07:00:00+08:00")
            .env("DUEDESK_USER", "postgres")
            .env("DUEDESK_CONFIG", dir.path().join("config"))
            .env_remove("DUEDESK_DB")
            .output()
            .expect("run");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).expect("json")
    };
    let (on_file, on_server) = (later(file_path), later(&url));
    assert_eq!(on_file, on_server);
    assert!(on_file.as_array().is_some_and(|moves| !moves.is_empty()), "{on_file}");
    // What the runs wrote, row for row and id for id: the server writes a page's moves, their
    // work, class changes, signals and audit entries together, the file one by one.
    let sqlite = rusqlite::Connection::open(&path).expect("the file");
    let mut client = server.client();
    for sql in [
        "SELECT CAST(id AS TEXT) || '|' || CAST(loan_id AS TEXT) || '|' || kind || '|' || due_on || '|' \
         || coalesce(done_on, '') || '|' || created_by || '|' || created_at FROM tasks ORDER BY id",
        "SELECT CAST(id AS TEXT) || '|' || CAST(loan_id AS TEXT) || '|' || from_stage || '|' || to_stage || '|' \
         || as_of || '|' || actor || '|' || reason || '|' || at FROM stage_events ORDER BY id",
        "SELECT CAST(id AS TEXT) || '|' || stage || '|' || CAST(version AS TEXT) FROM loans ORDER BY id",
        "SELECT CAST(id AS TEXT) || '|' || CAST(loan_id AS TEXT) || '|' || on_date || '|' || class_before || '|' \
         || class_after || '|' || reason || '|' || cause FROM class_events ORDER BY id",
        "SELECT CAST(loan_id AS TEXT) || '|' || class || '|' || reason FROM class_last ORDER BY loan_id",
        "SELECT CAST(id AS TEXT) || '|' || CAST(loan_id AS TEXT) || '|' || CAST(customer_id AS TEXT) || '|' || code \
         || '|' || level || '|' || raised_on || '|' || raised_by || '|' || coalesce(closed_on, '') FROM signals ORDER BY id",
        "SELECT CAST(loan_id AS TEXT) || '|' || CAST(special AS TEXT) || '|' || kind || '|' || due_on || '|' \
         || coalesce(CAST(assignee_id AS TEXT), '') || '|' || coalesce(reason, '') FROM inspection_due \
         ORDER BY loan_id, special",
        // The file's log has the copy's entry the server's has not: the content only.
        "SELECT at || '|' || actor || '|' || action || '|' || coalesce(entity_id, '') || '|' || detail \
         FROM audit_log WHERE action <> 'store_copy' ORDER BY id",
    ] {
        let on_file: Vec<String> = sqlite
            .prepare(sql)
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        let on_server: Vec<String> =
            client.query(sql, &[]).expect("server rows").iter().map(|r| r.get(0)).collect();
        assert!(on_file.len() > 5, "{sql}: {on_file:?}");
        assert_eq!(on_file, on_server, "{sql}");
    }
    // A collector's own role, a member of the desk's collector group (migration 0029) with no
    // right of its own, works the desk as that collector: the same list as the file's desk for
    // that user, another's case refused.
    let collector = "chen.jing";
    server.login_role(collector, Some("duedesk_collector"));
    let as_collector = url.replace("user=postgres", &format!("user={collector}"));
    let run_as = |db: &str, user: &str, args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_duedesk"))
            .arg("--db")
            .arg(db)
            .args(args)
            .env("DUEDESK_NOW", "2026-03-02T09:00:00+08:00")
            .env("DUEDESK_USER", user)
            .env("DUEDESK_CONFIG", dir.path().join("config"))
            .env("NO_COLOR", "1")
            .env_remove("DUEDESK_DB")
            .output()
            .expect("run");
        (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned())
    };
    let mine = ["--as-of", "2026-03-02", "loans", "--assignee", collector, "--format", "csv"];
    let (on_file, on_server) = (run_as(file_path, collector, &mine), run_as(&as_collector, collector, &mine));
    assert_eq!(on_file.0, Some(0));
    assert!(on_file.1.lines().count() > 2, "{}", on_file.1);
    assert_eq!(on_file, on_server);
    let others = ["--as-of", "2026-03-02", "contact", &loan, "--outcome", "no_answer"];
    let owner_of_loan =
        run_as(file_path, collector, &["--as-of", "2026-03-02", "show", &loan, "--format", "json"]);
    if !owner_of_loan.1.contains(&format!("\"assignee\": \"{collector}\"")) {
        assert_eq!(run_as(file_path, collector, &others).0, Some(3));
        assert_eq!(run_as(&as_collector, collector, &others).0, Some(3));
    }
    // Acting as another desk user is logging in as that role on a server.
    let (code, _, err) = run(&as_collector, &["loans"]);
    assert_eq!(code, Some(3), "{err}");
    assert!(err.contains("DUEDESK_USER=postgres is refused on a server"), "{err}");
    // The book's owner (here the cluster's superuser), who may change anything by SQL, acts as a
    // desk user in a book that trusts its environment (the demo's, copied), as a file's owner does;
    // once the book no longer trusts it, it is refused.
    assert_eq!(run_as(&url, collector, &mine), on_file);
    client
        .execute("UPDATE settings SET value = 'false' WHERE key = 'trust_env_user'", &[])
        .expect("distrust");
    let (code, _) = run_as(&url, collector, &mine);
    assert_eq!(code, Some(3));
    client.execute("UPDATE settings SET value = 'true' WHERE key = 'trust_env_user'", &[]).expect("trust");

    // The book's audit chain holds on the server after the commands' writes.
    let (code, out, err) = run(&url, &["audit", "verify", "--format", "json"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("\"broken\": null"), "{out}");
}

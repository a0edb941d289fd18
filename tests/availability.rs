//! Availability and crashes (issue #14, items 15–18): reads beside a writer, no panics on odd
//! input or a closed pipe, no store made by a mistyped path.

mod common;

use common::{AS_OF, TestDesk};

fn demo_desk() -> TestDesk {
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--loans", "200", "--seed", "7"]);
    d
}

#[test]
fn a_due_within_past_the_calendar_lists_what_falls_due_instead_of_panicking() {
    let d = demo_desk();
    let all = d.ok(&["--as-of", AS_OF, "loans", "--due-within", "100000000", "--format", "json"]).json();
    let near = d.ok(&["--as-of", AS_OF, "loans", "--due-within", "30", "--format", "json"]).json();
    let (all, near) = (all.as_array().expect("rows").len(), near.as_array().expect("rows").len());
    assert!(all >= near && all > 0, "{all} loans due ever, {near} within 30 days");
}

#[test]
fn an_import_of_an_endless_file_stops_at_the_record_limit_naming_file_and_line() {
    let d = demo_desk();
    let r = d.run(&["import", "loans", "/dev/zero"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.starts_with("/dev/zero:1: row: the header row runs past 1048576 bytes"), "{}", r.stderr);
}

#[test]
fn a_mistyped_store_path_is_bad_input_and_makes_nothing() {
    let d = TestDesk::bare();
    for args in [
        &["loans"][..],
        &["show", "L1"],
        &["users", "list"],
        &["settings", "set", "conduct_profile", "cn"],
        &[],
    ] {
        let r = d.run(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains(&format!("no store at {}", d.db.display())), "{args:?}: {}", r.stderr);
        assert!(!d.db.exists(), "{args:?} made a store");
    }
    let mut deep = TestDesk::bare();
    deep.db = deep.dir.path().join("nonexistent/x.db");
    for args in [&["demo", "--loans", "10"][..], &["import", "loans", "/dev/null"]] {
        let r = deep.run(args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        let folder = deep.dir.path().join("nonexistent");
        assert!(r.stderr.contains(&format!("{} does not exist", folder.display())), "{}", r.stderr);
        assert!(!folder.exists(), "{args:?} made a folder");
    }
    // The demo and an import make a store where its folder is.
    d.ok(&["demo", "--loans", "10"]);
    assert!(d.db.exists());
}

/// Whether a bulk load holds the store now (its lock file, `<store>-load`, locked).
fn load_holds(d: &TestDesk) -> bool {
    let path = std::path::PathBuf::from(format!("{}-load", d.db.display()));
    match std::fs::File::open(path) {
        Ok(f) => matches!(f.try_lock_shared(), Err(std::fs::TryLockError::WouldBlock)),
        Err(_) => false,
    }
}

fn first_active_loan(d: &TestDesk) -> String {
    let rows =
        d.ok(&["--as-of", AS_OF, "loans", "--status", "active", "--limit", "1", "--format", "json"]).json();
    rows[0]["loan_id"].as_str().expect("a loan").to_string()
}

/// A store made by its first import, as a branch's is (no demo, no test set-up).
fn imported_desk() -> TestDesk {
    let d = TestDesk::bare();
    let file = d.write(
        "book.csv",
        "loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,phone\n\
         B-1,甲,annuity,12000,4.9,12,2025-06-01,13800000001\n\
         B-2,乙,annuity,12000,4.9,12,2025-06-01,13800000002\n",
    );
    let r = live(&d, &["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    d
}

/// A run on the system's clock, which any store takes.
fn live(d: &TestDesk, args: &[&str]) -> common::Run {
    d.live().args(args).output().expect("run").into()
}

#[test]
fn reads_answer_while_another_process_holds_the_write_lock() {
    // Opening an up-to-date store writes nothing, whoever made it: the audit chain, the log's
    // baseline of users and settings and the search terms are pending only on a new or older store.
    for d in [demo_desk(), imported_desk()] {
        let rows = live(&d, &["--as-of", AS_OF, "loans", "--status", "active", "--format", "json"]).json();
        let loan = rows[0]["loan_id"].as_str().expect("a loan").to_string();
        let writer = rusqlite::Connection::open(&d.db).expect("open");
        writer
            .execute_batch("BEGIN IMMEDIATE; UPDATE settings SET value = value;")
            .expect("hold the write lock");
        for args in [
            &["--as-of", AS_OF, "loans", "--format", "json"][..],
            &["--as-of", AS_OF, "show", &loan, "--format", "json"],
            &["users", "list", "--format", "json"],
            &["settings", "list", "--format", "json"],
            &["audit", "verify", "--format", "json"],
        ] {
            let r = live(&d, args);
            assert_eq!(r.code, 0, "{args:?} beside a writer: {}", r.stderr);
            assert!(!r.stderr.contains("locked"), "{}", r.stderr);
        }
        writer.execute_batch("ROLLBACK").expect("let go");
    }
}

#[test]
fn a_contact_waits_for_an_import_without_an_error_and_reads_go_on() {
    use std::io::{BufRead as _, Write as _};
    use std::process::Stdio;

    let d = demo_desk();
    let loan = first_active_loan(&d);
    let pipe = d.dir.path().join("payments.pipe");
    assert!(std::process::Command::new("mkfifo").arg(&pipe).status().expect("mkfifo").success());
    let mut import = d
        .command()
        .args(["--as-of", AS_OF, "import", "payments", TestDesk::path_str(&pipe)])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the import");
    // The import reads a pipe the test holds open: it is inside its load until the test lets go.
    let mut feed = std::fs::OpenOptions::new().write(true).open(&pipe).expect("open the pipe");
    writeln!(feed, "loan_id,paid_on,amount,reference\n{loan},2026-02-27,10.00,PIPE-1").expect("rows");
    common::poll::until("the import to hold the store", common::poll::LOOKS, || {
        if let Some(status) = import.try_wait().expect("poll") {
            panic!("the import ended ({status}) with its input still open");
        }
        if load_holds(&d) { Ok(()) } else { Err("no load yet".into()) }
    });

    let r = d.run(&["--as-of", AS_OF, "show", &loan, "--format", "json"]);
    assert_eq!(r.code, 0, "a read during the import: {}", r.stderr);
    // A later day's list would roll the shared snapshot forward: not while a load holds the store.
    let later_list = || -> common::Run {
        d.command()
            .env("DUEDESK_NOW", "2026-03-05T10:00:00+08:00")
            .args(["--as-of", "2026-03-04", "loans", "--format", "json"])
            .output()
            .expect("run")
            .into()
    };
    let later = later_list();
    assert_eq!(later.code, 0, "a list for a new day during the import: {}", later.stderr);

    let mut contact = d
        .command()
        .args(["contact", &loan, "--party", "debtor", "--channel", "call", "--outcome", "no_answer"])
        .args(["--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn the contact");
    let (said, heard) = std::sync::mpsc::channel();
    let stderr = contact.stderr.take().expect("stderr");
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = said.send(line);
        }
    });
    let mut seen = Vec::new();
    common::poll::until("the contact to say it waits for the import", common::poll::LOOKS, || {
        seen.extend(heard.try_iter());
        if seen.iter().any(|l| l.contains("waiting for") && l.contains("import of")) {
            return Ok(());
        }
        if let Some(status) = contact.try_wait().expect("poll") {
            panic!("the contact ended ({status}) while the import ran: {seen:?}");
        }
        Err(format!("{seen:?}"))
    });
    drop(feed);
    let imported = import.wait().expect("the import");
    assert!(imported.success(), "the import: {imported:?}");
    let done = contact.wait_with_output().expect("the contact");
    assert!(done.status.success(), "the contact after the import: {:?} {seen:?}", done.status);
    let logged: serde_json::Value = serde_json::from_slice(&done.stdout).expect("json");
    assert_eq!(logged["loan_id"], loan.as_str());

    // The answer during the import was exact for its day, installments that fell due since the
    // snapshot's date included: the same as the list once the book is rolled there (the loan the
    // import and the contact changed aside).
    let rolled = later_list();
    assert_eq!(rolled.code, 0, "the list for the new day after the import: {}", rolled.stderr);
    let others = |r: &common::Run| -> Vec<serde_json::Value> {
        let rows = r.json().as_array().expect("rows").clone();
        rows.into_iter().filter(|row| row["loan_id"] != loan.as_str()).collect()
    };
    assert_eq!(others(&later).len(), 199);
    assert_eq!(others(&later), others(&rolled));
}

#[cfg(unix)]
#[test]
fn output_to_a_closed_pipe_ends_quietly_as_unix_tools_do() {
    use std::os::unix::process::ExitStatusExt;
    let d = demo_desk();
    for args in [
        &["--as-of", AS_OF][..],
        &["--as-of", AS_OF, "loans", "--format", "csv"],
        &["--as-of", AS_OF, "loans", "--format", "json"],
        &["--as-of", AS_OF, "loans", "--format", "table"],
    ] {
        // The reader is gone before the desk writes a byte, as `| head -1` is once it has its line.
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let out = d.command().args(args).stdout(writer).output().expect("run");
        let said = String::from_utf8_lossy(&out.stderr);
        assert!(said.is_empty(), "{args:?} said: {said}");
        assert_eq!(
            out.status.signal(),
            Some(13),
            "{args:?}: ended by SIGPIPE, as `yes | head -1` is: {:?}",
            out.status
        );
    }
}

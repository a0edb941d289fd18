//! A first import into an empty store writes through a rollback journal instead of the WAL
//! (`Store::write_load`): killed half-way, the store is as before, and back in WAL mode.

mod common;

use std::fmt::Write as _;
use std::fs::{File, OpenOptions};
use std::io::{Read as _, Write as _};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;

use common::{AS_OF, TestDesk, poll};

const LOANS: usize = 20_000;

/// A loans CSV of `n` loans, a customer each, shared among three collectors.
fn loans_csv(n: usize) -> String {
    let mut text = String::from(
        "loan_id,borrower,customer_id,phone,product,principal,annual_rate,term_months,disbursed_on,assignee\n",
    );
    for i in 1..=n {
        let who = ["wang.fang", "li.qiang", "zhou.lei"][i % 3];
        writeln!(
            text,
            "DL{i:08},王芳{i},KH{i:08},1380000{:04},annuity,50000.00,4.35,36,2025-06-15,{who}",
            i % 10_000
        )
        .expect("row");
    }
    text
}

fn journal_mode(d: &TestDesk) -> String {
    let conn = rusqlite::Connection::open(&d.db).expect("open the store");
    conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode")
}

/// Writes `text` into the named pipe from another thread and hands back the pipe, still open, once
/// every byte is written: the reader has then read all but what the pipe holds, and waits for an
/// end of file that comes only when the handle is dropped.
fn feed(pipe: &Path, text: String) -> mpsc::Receiver<std::io::Result<File>> {
    let (done, written) = mpsc::channel();
    let pipe = pipe.to_path_buf();
    std::thread::spawn(move || {
        let fed = OpenOptions::new().write(true).open(&pipe).and_then(|mut w| {
            w.write_all(text.as_bytes())?;
            Ok(w)
        });
        let _ = done.send(fed);
    });
    written
}

/// What the import said when it ended.
fn told(child: &mut Child) -> String {
    let mut s = String::new();
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut s);
    }
    s
}

#[test]
fn a_first_import_killed_half_way_leaves_an_empty_store_in_wal_mode() {
    let d = TestDesk::new();
    let text = loans_csv(LOANS);
    // The import reads a named pipe the test holds open, so it can never reach the file's end and
    // commit: it is inside its load when killed however fast or slow the machine is.
    let pipe = d.dir.path().join("loans.pipe");
    let made = Command::new("mkfifo").arg(&pipe).status().expect("mkfifo");
    assert!(made.success(), "mkfifo {}", pipe.display());
    let mut child = d
        .command()
        .args(["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&pipe)])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn duedesk");
    let written = feed(&pipe, text.clone());

    // Every row is in the pipe and the rollback journal exists (the load's transaction is open,
    // and there is no WAL): that is the moment to kill it.
    let journal = PathBuf::from(format!("{}-journal", d.db.display()));
    let wal = PathBuf::from(format!("{}-wal", d.db.display()));
    let mut writer = None;
    // Patient: a debug build reads 20,000 rows slowly on a busy machine.
    poll::until("the import to read every row inside its load", poll::LOOKS * 6, || {
        if let Some(status) = child.try_wait().expect("poll the import") {
            panic!("the import ended ({status}) with its input still open:\n{}", told(&mut child));
        }
        if writer.is_none() {
            match written.try_recv() {
                Ok(fed) => writer = Some(fed.expect("write the rows into the pipe")),
                Err(mpsc::TryRecvError::Empty) => {}
                Err(e) => panic!("the writing thread: {e}"),
            }
        }
        match (&writer, journal.exists()) {
            (Some(_), true) => Ok(()),
            (Some(_), false) if wal.exists() => panic!("the load writes through the WAL"),
            (w, j) => Err(format!("every row written: {}, journal: {j}", w.is_some())),
        }
    });
    child.kill().expect("kill");
    let status = child.wait().expect("wait");
    assert_eq!(status.signal(), Some(9), "killed mid-import: {status:?}");
    drop(writer);

    // The next desk rolls the half-written load back and puts the store in WAL mode again.
    let loans = d.ok(&["--as-of", AS_OF, "loans", "--format", "json"]).json();
    assert_eq!(loans.as_array().map(Vec::len), Some(0), "nothing of the killed import: {loans}");
    assert_eq!(journal_mode(&d), "wal");
    assert!(!journal.exists(), "the journal is rolled back and gone");

    // And the same rows, imported again from a file, go in whole.
    let csv = d.write("loans.csv", &text);
    let out = d.ok(&["--as-of", AS_OF, "--format", "table", "import", "loans", TestDesk::path_str(&csv)]);
    assert!(out.stdout.contains(&format!("imported {LOANS} loans")), "{}", out.stdout);
    assert_eq!(journal_mode(&d), "wal");
    let n: i64 = rusqlite::Connection::open(&d.db)
        .expect("open")
        .query_row("SELECT count(*) FROM loan_state", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, LOANS as i64, "every loan has its snapshot row");
}

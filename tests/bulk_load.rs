//! A first import into an empty store writes through a rollback journal instead of the WAL
//! (`Store::write_load`): killed half-way, the store is as before, and back in WAL mode.

mod common;

use std::fmt::Write as _;
use std::os::unix::process::ExitStatusExt;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use common::{AS_OF, TestDesk};

/// A loans CSV of `n` loans, a customer each, shared among three collectors.
fn loans_csv(d: &TestDesk, n: usize) -> PathBuf {
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
    d.write("loans.csv", &text)
}

fn journal_mode(d: &TestDesk) -> String {
    let conn = rusqlite::Connection::open(&d.db).expect("open the store");
    conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode")
}

#[test]
fn a_first_import_killed_half_way_leaves_an_empty_store_in_wal_mode() {
    let d = TestDesk::new();
    let csv = loans_csv(&d, 20_000);
    let file = TestDesk::path_str(&csv);
    let mut child = d
        .command()
        .args(["--as-of", AS_OF, "import", "loans", file])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn duedesk");
    // The rollback journal exists while the load's transaction is open (there is no -wal file):
    // that is the moment to kill it.
    // The import's own end bounds the wait: if it ends first, the journal was never seen.
    let journal = PathBuf::from(format!("{}-journal", d.db.display()));
    while !journal.exists() {
        assert!(child.try_wait().expect("poll").is_none(), "the import ended before its journal was seen");
        std::thread::sleep(Duration::from_millis(1));
    }
    child.kill().expect("kill");
    let status = child.wait().expect("wait");
    assert_eq!(status.signal(), Some(9), "killed mid-import: {status:?}");

    // The next desk rolls the half-written load back and puts the store in WAL mode again.
    let loans = d.ok(&["--as-of", AS_OF, "loans", "--format", "json"]).json();
    assert_eq!(loans.as_array().map(Vec::len), Some(0), "nothing of the killed import: {loans}");
    assert_eq!(journal_mode(&d), "wal");
    assert!(!journal.exists(), "the journal is rolled back and gone");

    // And the import, run again, goes in whole.
    let out = d.ok(&["--as-of", AS_OF, "import", "loans", file]);
    assert!(out.stdout.contains("imported 20000 loans"), "{}", out.stdout);
    assert_eq!(journal_mode(&d), "wal");
    let n: i64 = rusqlite::Connection::open(&d.db)
        .expect("open")
        .query_row("SELECT count(*) FROM loan_state", [], |r| r.get(0))
        .expect("count");
    assert_eq!(n, 20_000, "every loan has its snapshot row");
}

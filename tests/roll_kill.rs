//! The day's roll killed half-way (SIGKILL of the real binary) and run again leaves the book an
//! uninterrupted run leaves: the roll commits in batches, each row either as it was or as of the
//! new date, and the next run finishes what the rows say is left (issue #15).

mod common;

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{AS_OF, TestDesk, poll};

/// Fifty days after the demo book's date: nearly every loan's row stops holding by then.
const LATER: &str = "2026-04-20";
const LATER_NOW: &str = "2026-04-20T09:00:00+08:00";

fn escalate(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_duedesk"));
    c.arg("--db").arg(db).args(["--as-of", LATER, "escalate", "--format", "json"]);
    c.env("DUEDESK_NOW", LATER_NOW).env("NO_COLOR", "1");
    for v in ["DUEDESK_TODAY", "DUEDESK_USER", "DUEDESK_DB"] {
        c.env_remove(v);
    }
    c
}

fn query(db: &Path, sql: &str) -> Vec<String> {
    let conn = rusqlite::Connection::open(db).expect("open");
    let mut stmt = conn.prepare(sql).expect(sql);
    let width = stmt.column_count();
    stmt.query_map([], |r| {
        (0..width)
            .map(|i| r.get::<_, rusqlite::types::Value>(i).map(|v| format!("{v:?}")))
            .collect::<rusqlite::Result<Vec<_>>>()
            .map(|v| v.join("|"))
    })
    .expect(sql)
    .collect::<rusqlite::Result<_>>()
    .expect(sql)
}

fn snapshot_date(db: &Path) -> Option<String> {
    query(db, "SELECT value FROM meta WHERE key = 'snapshot_as_of'").into_iter().next()
}

fn stale(db: &Path) -> i64 {
    let conn = rusqlite::Connection::open(db).expect("open");
    conn.query_row("SELECT count(*) FROM loan_state WHERE stale_on <= ?1", [LATER], |r| r.get(0))
        .expect("stale")
}

/// What a run leaves: the snapshot, the loans' stages, the stage events, the work and the audit
/// log (ids left out: they follow the order rows were written in).
fn book(db: &Path) -> Vec<Vec<String>> {
    [
        "SELECT * FROM loan_state ORDER BY loan_id",
        "SELECT id, stage, version FROM loans ORDER BY id",
        "SELECT loan_id, from_stage, to_stage, as_of, actor, reason, at FROM stage_events ORDER BY loan_id, id",
        "SELECT loan_id, kind, due_on, created_by, created_at, done_on, done_by, note FROM tasks ORDER BY loan_id, id",
        "SELECT at, actor, action, entity, entity_id, detail FROM audit_log ORDER BY id",
    ]
    .iter()
    .map(|sql| query(db, sql))
    .collect()
}

fn copy(from: &Path, to: PathBuf) -> PathBuf {
    std::fs::copy(from, &to).expect("copy the store");
    to
}

#[test]
fn a_run_killed_in_its_roll_and_run_again_leaves_what_an_uninterrupted_one_does() {
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--loans", "16000", "--seed", "11"]);
    rusqlite::Connection::open(&d.db)
        .expect("open")
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .expect("checkpoint");

    let whole = copy(&d.db, d.dir.path().join("whole.db"));
    let out = escalate(&whole).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stale(&whole), 0);

    // Killed once the roll has committed its first batch (the snapshot's date moved) and before
    // it is through: whether the kill landed there is read off the rows after, and tried again
    // on a fresh copy if the roll had already finished.
    let mut killed_mid_roll = None;
    for attempt in 0..4 {
        let cut = copy(&d.db, d.dir.path().join(format!("cut{attempt}.db")));
        assert!(stale(&cut) > 2 * i64::from(duedesk::store::ROLL_BATCH), "the roll takes several batches");
        let mut child = escalate(&cut).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
        poll::until("the roll's first batch", poll::LOOKS, || match snapshot_date(&cut) {
            Some(date) if date.contains(LATER) => Ok(()),
            other => Err(format!("snapshot date {other:?}")),
        });
        child.kill().expect("kill");
        let status = child.wait().expect("wait");
        if status.signal() == Some(9) && stale(&cut) > 0 {
            killed_mid_roll = Some(cut);
            break;
        }
    }
    let cut = killed_mid_roll.expect("a run killed in the middle of its roll");
    let left = stale(&cut);
    let out = escalate(&cut).output().expect("run again");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stale(&cut), 0, "the rerun finished the roll ({left} rows were left)");
    let (a, b) = (book(&whole), book(&cut));
    for (table, (x, y)) in
        ["loan_state", "loans", "stage_events", "tasks", "audit_log"].iter().zip(a.iter().zip(&b))
    {
        assert_eq!(x.len(), y.len(), "{table}: rows");
        if let Some((i, (p, q))) = x.iter().zip(y).enumerate().find(|(_, (p, q))| p != q) {
            panic!("{table}: row {i} differs:\n  uninterrupted: {p}\n  killed, rerun: {q}");
        }
    }
}

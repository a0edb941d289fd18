//! The day's run killed half-way on a server's book (SIGKILL of the real binary) and run again
//! leaves the book an uninterrupted run leaves (issue #20): the roll commits in batches on the
//! server as on a file, each row either as it was or as of the new date, and the next run
//! finishes what the rows say is left.

mod common;

use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

use common::{AS_OF, TestDesk, poll};

/// Fifty days after the demo book's date: nearly every loan's row stops holding by then.
const LATER: &str = "2026-04-20";
const LATER_NOW: &str = "2026-04-20T09:00:00+08:00";

fn escalate(address: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_duedesk"));
    c.arg("--db").arg(address).args(["--as-of", LATER, "escalate", "--format", "json"]);
    c.env("DUEDESK_NOW", LATER_NOW).env("NO_COLOR", "1");
    for v in ["DUEDESK_TODAY", "DUEDESK_USER", "DUEDESK_DB"] {
        c.env_remove(v);
    }
    c
}

/// Each row of `sql` as text, its columns cast by the statement.
fn query(client: &mut postgres::Client, sql: &str) -> Vec<String> {
    client
        .query(sql, &[])
        .expect(sql)
        .iter()
        .map(|r| r.get::<_, Option<String>>(0).unwrap_or_default())
        .collect()
}

fn stale(client: &mut postgres::Client) -> i64 {
    client.query_one("SELECT count(*) FROM loan_state WHERE stale_on <= $1", &[&LATER]).expect("stale").get(0)
}

fn snapshot_date(client: &mut postgres::Client) -> Option<String> {
    query(client, "SELECT value FROM meta WHERE key = 'snapshot_as_of'").into_iter().next()
}

/// What a run leaves: the snapshot, the loans' stages, the stage events, the work and the audit
/// log (ids left out: they follow the order rows were written in).
fn book(client: &mut postgres::Client) -> Vec<Vec<String>> {
    [
        "SELECT CAST(s.* AS TEXT) FROM loan_state s ORDER BY loan_id",
        "SELECT CAST((id, stage, version) AS TEXT) FROM loans ORDER BY id",
        "SELECT CAST((loan_id, from_stage, to_stage, as_of, actor, reason, at) AS TEXT) FROM stage_events \
         ORDER BY loan_id, id",
        "SELECT CAST((loan_id, kind, due_on, created_by, created_at, done_on, done_by, note) AS TEXT) FROM tasks \
         ORDER BY loan_id, id",
        // The file's log records each copy made of it, after the rows went: the copies differ there.
        "SELECT CAST((at, actor, action, entity, entity_id, detail) AS TEXT) FROM audit_log \
         WHERE action <> 'store_copy' ORDER BY id",
    ]
    .iter()
    .map(|sql| query(client, sql))
    .collect()
}

#[test]
fn a_run_killed_in_its_roll_on_the_server_and_run_again_leaves_what_an_uninterrupted_one_does() {
    let Some(whole) = common::pg::fresh("run_whole") else { return };
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--loans", "3000", "--seed", "11"]);
    // The server's role is the desk user there: the test logs in as postgres, made a supervisor.
    d.ok(&["users", "add", "postgres", "--role", "supervisor"]);
    let copy_to = |db: &common::pg::TestDb| {
        d.ok(&["store", "copy", "--from", TestDesk::path_str(&d.db), "--to", &db.url()]);
    };
    copy_to(&whole);
    let out = escalate(&whole.url()).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stale(&mut whole.client()), 0);

    // Killed once the roll has committed its first batch (the snapshot's date moved) and before it
    // is through: whether the kill landed there is read off the rows after, and tried again on a
    // fresh copy if the roll had already finished.
    let mut killed_mid_roll = None;
    for attempt in 0..4 {
        let cut = common::pg::fresh(&format!("run_cut{attempt}")).expect("the same server");
        copy_to(&cut);
        let mut client = cut.client();
        assert!(
            stale(&mut client) > 2 * i64::from(duedesk::store::ROLL_BATCH),
            "the roll takes several batches"
        );
        let mut child =
            escalate(&cut.url()).stdout(Stdio::null()).stderr(Stdio::null()).spawn().expect("spawn");
        poll::until("the roll's first batch", poll::LOOKS, || match snapshot_date(&mut client) {
            Some(date) if date.contains(LATER) => Ok(()),
            other => Err(format!("snapshot date {other:?}")),
        });
        child.kill().expect("kill");
        let status = child.wait().expect("wait");
        if status.signal() == Some(9) && stale(&mut client) > 0 {
            killed_mid_roll = Some(cut);
            break;
        }
    }
    let cut = killed_mid_roll.expect("a run killed in the middle of its roll");
    let left = stale(&mut cut.client());
    let out = escalate(&cut.url()).output().expect("run again");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stale(&mut cut.client()), 0, "the rerun finished the roll ({left} rows were left)");
    let (a, b) = (book(&mut whole.client()), book(&mut cut.client()));
    for (table, (x, y)) in
        ["loan_state", "loans", "stage_events", "tasks", "audit_log"].iter().zip(a.iter().zip(&b))
    {
        assert_eq!(x.len(), y.len(), "{table}: rows");
        if let Some((i, (p, q))) = x.iter().zip(y).enumerate().find(|(_, (p, q))| p != q) {
            panic!("{table}: row {i} differs:\n  uninterrupted: {p}\n  killed, rerun: {q}");
        }
    }
}

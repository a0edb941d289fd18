//! What every desk wrote across the whole book (step 0033): by SQL a collector's role writes the
//! shared snapshot's rows of its own cases and not the keys that say how far the book's runs have
//! gone; the day's roll is the supervisors' and the run's, and a collector's desk on a day the
//! book has not been rolled to answers from a private copy, the same answers.

use std::process::Command;

use super::own_cases::{changed, count};
use super::{COLLECTOR, SUPERVISOR, book, not_refused, rows, tried};
use crate::common::{self, Run};

const OWN_ROWS: &str = "SELECT count(*) FROM loan_state s JOIN loans l ON l.id = s.loan_id \
     JOIN customers c ON c.id = l.customer_id JOIN users u ON u.id = c.assignee_id WHERE u.login = $1";

#[test]
fn by_sql_a_collector_s_role_writes_its_own_cases_snapshot_rows_and_not_the_run_s_marks() {
    let Some(b) = book("grants_book_wide") else { return };
    let mut owner = b.server.client();
    let own = count(&mut owner, OWN_ROWS, COLLECTOR);
    let all: i64 = owner.query_one("SELECT count(*) FROM loan_state", &[]).expect("rows").get(0);
    assert!(own > 0 && own < all, "{own} of {all}");
    let mut c = b.server.client_as(COLLECTOR);
    // An update or delete of the whole snapshot reaches the own cases' rows only.
    assert_eq!(changed(&mut c, "UPDATE loan_state SET assignee_id = NULL, overdue_since = NULL"), own as u64);
    assert_eq!(changed(&mut c, "DELETE FROM loan_state"), own as u64);
    // A row put back: one's own case's, not another's.
    let loan_of = |owner: &mut postgres::Client, mine: bool| -> i64 {
        let op = if mine { "=" } else { "<>" };
        owner
            .query_one(
                &format!(
                    "SELECT s.loan_id FROM loan_state s JOIN loans l ON l.id = s.loan_id \
                     JOIN customers c ON c.id = l.customer_id JOIN users u ON u.id = c.assignee_id \
                     WHERE u.login {op} $1 ORDER BY s.loan_id LIMIT 1"
                ),
                &[&COLLECTOR],
            )
            .expect("a snapshot row")
            .get(0)
    };
    let (mine, theirs) = (loan_of(&mut owner, true), loan_of(&mut owner, false));
    let row = |owner: &mut postgres::Client, loan: i64| -> String {
        owner
            .query_one("SELECT row_to_json(s)::text FROM loan_state s WHERE loan_id = $1", &[&loan])
            .expect("row")
            .get(0)
    };
    let put_back = |json: &str| {
        format!("INSERT INTO loan_state SELECT * FROM json_populate_record(NULL::loan_state, '{json}')")
    };
    let mine_json = row(&mut owner, mine);
    let again = format!("DELETE FROM loan_state WHERE loan_id = {mine}; {}", put_back(&mine_json));
    assert_eq!(tried(&mut c, &again), Ok(()), "one's own case's row");
    let theirs_json = row(&mut owner, theirs);
    owner.execute("DELETE FROM loan_state WHERE loan_id = $1", &[&theirs]).expect("taken out");
    let refused = not_refused(&mut c, &[&put_back(&theirs_json)]);
    owner.batch_execute(&put_back(&theirs_json)).expect("put back");
    assert!(refused.is_empty(), "another's case's snapshot row:\n{}", refused.join("\n"));

    // The run's marks are not the collector's to move; the audit chain's head is every desk's.
    for key in ["snapshot_as_of", "class_run_on", "audit_state_vouched"] {
        let set = format!("UPDATE meta SET value = '2099-01-01' WHERE key = '{key}'");
        assert_eq!(changed(&mut c, &set), 0, "{key}");
        let upsert = format!(
            "INSERT INTO meta (key, value) VALUES ('{key}', '2099-01-01') \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value"
        );
        let refused = not_refused(&mut c, &[&upsert]);
        assert!(refused.is_empty(), "{}", refused.join("\n"));
    }
    assert_eq!(changed(&mut c, "UPDATE meta SET value = value WHERE key = 'audit_head'"), 1);

    // The warnings, the schedule and the class records: its own cases' rows (a signal it raised
    // wherever the case is), none of another's.
    let of_own = |table: &str, by: &str| format!("SELECT count(*) FROM {table} x {by} WHERE u.login = $1");
    let loan_owner = "JOIN loans l ON l.id = x.loan_id JOIN customers c ON c.id = l.customer_id \
                      JOIN users u ON u.id = c.assignee_id";
    let customer_owner = "JOIN customers c ON c.id = x.customer_id JOIN users u ON u.id = c.assignee_id";
    for (table, set, by) in [
        ("inspection_due", "due_on = due_on", loan_owner),
        ("class_last", "reason = reason", loan_owner),
        ("watchlist", "left_reason = left_reason", customer_owner),
    ] {
        let own = count(&mut owner, &of_own(table, by), COLLECTOR);
        let all: i64 = owner.query_one(&format!("SELECT count(*) FROM {table}"), &[]).expect("rows").get(0);
        assert!(all > own, "{table}: {own} of {all}");
        assert_eq!(changed(&mut c, &format!("UPDATE {table} SET {set}")), own as u64, "{table}");
    }
    let own_signals = count(
        &mut owner,
        &format!("SELECT count(*) FROM signals x {loan_owner} WHERE u.login = $1 OR x.raised_by = $1"),
        COLLECTOR,
    );
    let signals: i64 = owner.query_one("SELECT count(*) FROM signals", &[]).expect("signals").get(0);
    assert!(signals > own_signals, "{own_signals} of {signals}");
    assert_eq!(changed(&mut c, "UPDATE signals SET reason = reason"), own_signals as u64);
    let on_theirs = format!(
        "INSERT INTO inspection_due (loan_id, special, kind, due_on, asked_on, reason) \
         VALUES ({theirs}, 1, 'special', '2026-03-05', '2026-03-01', 'grants')"
    );
    let refused = not_refused(&mut c, &[&on_theirs]);
    assert!(refused.is_empty(), "a special inspection on another's case:\n{}", refused.join("\n"));

    // A supervisor's role writes them all.
    let mut s = b.server.client_as(SUPERVISOR);
    assert_eq!(changed(&mut s, "UPDATE loan_state SET assignee_id = assignee_id"), all as u64);
    assert_eq!(changed(&mut s, "UPDATE meta SET value = value WHERE key = 'snapshot_as_of'"), 1);
}

/// The command line on the server's book logged in as `login`, on `day` by the clock.
fn on_day(b: &super::Book, login: &str, day: &str, args: &[&str]) -> Run {
    let mut c = Command::new(env!("CARGO_BIN_EXE_duedesk"));
    for (k, v) in b.desk.command().get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    c.env_remove("DUEDESK_USER").env("DUEDESK_NOW", common::now_on(day));
    c.arg("--db").arg(b.server.url_as(login)).args(["--as-of", day]).args(args);
    c.output().expect("run duedesk").into()
}

#[test]
fn a_collector_s_desk_on_a_day_the_book_has_not_reached_answers_from_its_own_copy() {
    let Some(b) = book("grants_next_day") else { return };
    let snapshot = |b: &super::Book| -> String {
        b.server
            .client()
            .query_one("SELECT value FROM meta WHERE key = 'snapshot_as_of'", &[])
            .expect("the snapshot's date")
            .get(0)
    };
    let day = "2026-03-09";
    let list = |login: &str| {
        let r = on_day(&b, login, day, &["loans", "--dpd-min", "1", "--sort", "dpd", "--format", "json"]);
        assert_eq!(r.code, 0, "{login}: {}", r.stderr);
        rows(&r)
            .iter()
            .map(|l| format!("{} {} {}", l["loan_id"], l["dpd"], l["overdue_amount"]))
            .collect::<Vec<_>>()
    };
    let before = snapshot(&b);
    assert!(before.as_str() < day, "{before}");
    let collectors = list(COLLECTOR);
    assert_eq!(snapshot(&b), before, "a collector's desk does not move the shared snapshot");
    let r = on_day(&b, COLLECTOR, day, &["refresh"]);
    assert_eq!(r.code, 3, "refresh is a supervisor's: {}", r.stderr);
    let supervisors = list(SUPERVISOR);
    assert_eq!(snapshot(&b), day, "a supervisor's desk rolls it");
    assert!(!collectors.is_empty());
    assert_eq!(collectors, supervisors, "the private copy's answers are the shared snapshot's");
}

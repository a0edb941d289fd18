//! Many desks on one store (#7): real `duedesk` processes started together, logging contacts and
//! reassigning the same cases at once. Every row must be there afterwards, no "database is locked"
//! may reach a user, the audit chain must hold, and of two edits from the same version one wins.
//!
//! The barrier: each process is a shell that first reads its stdin, so all of them are started
//! and waiting before the test closes every stdin in one loop; no sleeps.

mod common;

use std::process::{Child, Command};

use common::gate::release;

use common::{AS_OF, TestDesk};
use serde_json::Value;

const SUPERVISOR: &str = "zhao.min";
const PROCESSES: usize = 8;
const ROUNDS: usize = 4;

/// A process waiting at the gate that then runs `commands` as `user`.
fn gated(d: &TestDesk, user: &str, commands: &[Vec<String>]) -> Child {
    gated_at(d, user, common::NOW, commands)
}

/// `gated` with the desk's clock at `now` (empty: the system's).
fn gated_at(d: &TestDesk, user: &str, now: &str, commands: &[Vec<String>]) -> Child {
    let db = d.db.clone();
    let env = move |c: &mut Command| {
        c.env("DUEDESK_DB", &db)
            .env("DUEDESK_USER", user)
            .env("DUEDESK_TODAY", AS_OF)
            .env("DUEDESK_NOW", now);
    };
    common::gate::gated(d, env, commands)
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

fn demo() -> TestDesk {
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--seed", "5", "--loans", "60"]);
    d
}

fn show(d: &TestDesk, loan: &str) -> Value {
    d.ok(&["--as-of", AS_OF, "show", loan, "--format", "json"]).json()
}

/// Two loans of different customers.
fn two_cases(d: &TestDesk) -> (String, String) {
    let rows = d.ok(&["--as-of", AS_OF, "loans", "--format", "json"]).json();
    let mut seen = Vec::new();
    let mut out = Vec::new();
    for r in rows.as_array().expect("rows") {
        let id = r["loan_id"].as_str().expect("id").to_string();
        let customer = show(d, &id)["customer_id"].as_str().expect("customer").to_string();
        if !seen.contains(&customer) {
            seen.push(customer);
            out.push(id);
        }
        if out.len() == 2 {
            break;
        }
    }
    (out[0].clone(), out[1].clone())
}

#[test]
fn eight_desks_log_contacts_and_reassign_the_same_cases_at_once() {
    let d = demo();
    let (a, b) = two_cases(&d);
    let contacts_before = [&a, &b].map(|l| show(&d, l)["contacts"].as_array().map_or(0, Vec::len));
    let assignments_before = [&a, &b].map(|l| show(&d, l)["assignments"].as_array().map_or(0, Vec::len));

    let mut children = Vec::new();
    for p in 0..PROCESSES {
        let commands: Vec<Vec<String>> = (0..ROUNDS)
            .map(|round| {
                let loan = if (p + round) % 2 == 0 { &a } else { &b };
                if p % 2 == 0 {
                    // Inbound calls: no conduct rule limits them, so every one must be stored.
                    args(&[
                        "contact",
                        loan,
                        "--inbound",
                        "--outcome",
                        "callback",
                        "--note",
                        &format!("desk {p} round {round}"),
                        "--format",
                        "json",
                    ])
                } else {
                    let to = if (p / 2 + round) % 2 == 0 { "wang.fang" } else { "li.qiang" };
                    args(&[
                        "assign",
                        &a,
                        &b,
                        "--to",
                        to,
                        "--reason",
                        &format!("desk {p}"),
                        "--format",
                        "json",
                    ])
                }
            })
            .collect();
        children.push(gated(&d, SUPERVISOR, &commands));
    }
    let done = release(children);

    let mut contact_ids = Vec::new();
    let mut reassigned = [0usize; 2];
    for (p, r) in done.iter().enumerate() {
        assert!(r.stderr.is_empty(), "desk {p} told its user:\n{}", r.stderr);
        assert!(!r.stdout.contains("locked"), "desk {p}: {}", r.stdout);
        assert_eq!(r.codes, vec![0; ROUNDS], "desk {p}:\n{}", r.stdout);
        // Each command printed one JSON value before its rc line.
        for chunk in r.stdout.split("rc=0\n").filter(|c| !c.trim().is_empty()) {
            let v: Value = serde_json::from_str(chunk).unwrap_or_else(|e| panic!("desk {p}: {e}: {chunk}"));
            if let Some(id) = v["contact_id"].as_i64() {
                contact_ids.push((v["loan_id"].as_str().expect("loan").to_string(), id));
            }
            for m in v.as_array().into_iter().flatten() {
                if m["loan_id"] == a.as_str() {
                    reassigned[0] += 1;
                } else if m["loan_id"] == b.as_str() {
                    reassigned[1] += 1;
                }
            }
        }
    }
    assert_eq!(contact_ids.len(), PROCESSES / 2 * ROUNDS);

    for (i, loan) in [&a, &b].into_iter().enumerate() {
        let s = show(&d, loan);
        let contacts = s["contacts"].as_array().expect("contacts");
        let mine: Vec<i64> = contact_ids.iter().filter(|(l, _)| l == loan).map(|(_, id)| *id).collect();
        assert_eq!(contacts.len(), contacts_before[i] + mine.len(), "{loan}");
        for id in &mine {
            assert!(contacts.iter().any(|c| c["id"] == *id), "contact {id} on {loan} is missing");
        }
        // Every reassignment is in the history, each from the owner the one before left.
        let history = s["assignments"].as_array().expect("assignments");
        assert_eq!(history.len(), assignments_before[i] + reassigned[i], "{loan}");
        for pair in history[assignments_before[i].saturating_sub(1)..].windows(2) {
            assert_eq!(pair[1]["from"], pair[0]["to"], "{loan}: {pair:?}");
        }
        assert_eq!(s["assignee"], history.last().expect("owner")["to"]);
    }

    let verify = d.run_as(SUPERVISOR, &["audit", "verify", "--format", "table"]);
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);
    assert!(verify.stdout.starts_with("OK: "), "{}", verify.stdout);
}

#[test]
fn of_two_edits_from_the_same_version_one_is_refused() {
    let d = demo();
    let (loan, _) = two_cases(&d);
    let version = show(&d, &loan)["version"].as_i64().expect("version").to_string();
    let children = ["2026-03-05", "2026-03-09"]
        .map(|on| gated(&d, SUPERVISOR, &[args(&["next-action", &loan, on, "--expect-version", &version])]))
        .into_iter()
        .collect();
    let done = release(children);
    let mut codes: Vec<i32> = done.iter().flat_map(|r| r.codes.clone()).collect();
    codes.sort_unstable();
    assert_eq!(codes, vec![0, 3], "{:?}", done.iter().map(|r| &r.stderr).collect::<Vec<_>>());
    let refused = done.iter().find(|r| r.codes == [3]).expect("refused");
    assert!(refused.stderr.contains("was changed by zhao.min"), "{}", refused.stderr);
    assert!(!refused.stderr.contains("locked"), "{}", refused.stderr);
    let winner = done.iter().position(|r| r.codes == [0]).expect("winner");
    let after = show(&d, &loan);
    assert_eq!(after["next_action_on"], ["2026-03-05", "2026-03-09"][winner]);
    assert_eq!(after["version"].as_i64(), Some(version.parse::<i64>().expect("v") + 1));
}

#[test]
fn eight_desks_open_a_new_store_at_once() {
    let d = TestDesk::empty();
    let login = String::from_utf8(Command::new("id").arg("-un").output().expect("id").stdout).expect("utf-8");
    let children = (0..PROCESSES)
        .map(|_| gated_at(&d, login.trim(), "", &[args(&["users", "list", "--format", "json"])]))
        .collect();
    for (p, r) in release(children).iter().enumerate() {
        assert!(r.stderr.is_empty(), "desk {p} told its user:\n{}", r.stderr);
        assert_eq!(r.codes, vec![0], "desk {p}:\n{}", r.stdout);
    }
    let users: common::Run =
        d.live().args(["users", "list", "--format", "json"]).output().expect("run").into();
    let users = users.json();
    assert_eq!(users.as_array().map(Vec::len), Some(1), "one first admin: {users}");
    assert_eq!(users[0]["role"], "admin");
    let verify: common::Run =
        d.live().args(["audit", "verify", "--format", "table"]).output().expect("run").into();
    // The first admin and the store's time zone, each written once whoever of the eight made it.
    assert!(verify.stdout.starts_with("OK: 2 audit entries"), "{}", verify.stdout);
}

/// Calls logged at once may not beat the conduct caps: the rules read the day's history in the
/// same write transaction that records the call, so of twelve attempts at one number exactly six
/// (the `cn` cap) are kept and the others are refused by the rule, never by a locked store. Three
/// customers are called at once, twelve desks each, so the race has every chance.
#[test]
fn twelve_calls_at_once_keep_exactly_the_cap() {
    const CALLS: usize = 12;
    const CAP: usize = 6;
    let d = demo();
    let rows = d.ok(&["--as-of", AS_OF, "loans", "--format", "json"]).json();
    let mut loans: Vec<(String, String)> = Vec::new();
    for r in rows.as_array().expect("rows").iter().filter(|r| r["phone"].is_string()) {
        let id = r["loan_id"].as_str().expect("id").to_string();
        let customer = show(&d, &id)["customer_id"].as_str().expect("customer").to_string();
        if loans.iter().all(|(_, c)| *c != customer) {
            loans.push((id, customer));
        }
        if loans.len() == 3 {
            break;
        }
    }
    // A day after the demo's history, so the day's count starts at zero.
    let now = "2026-03-10T10:00:00+08:00";
    let mut children = Vec::new();
    for p in 0..CALLS {
        for (loan, _) in &loans {
            let note = format!("desk {p}");
            let call = args(&["contact", loan, "--outcome", "no_answer", "--note", &note]);
            children.push((loan.clone(), gated_at(&d, SUPERVISOR, now, &[call])));
        }
    }
    let (which, children): (Vec<String>, Vec<Child>) = children.into_iter().unzip();
    let done = release(children);
    for (loan, _) in &loans {
        let mut kept = 0;
        for (r, _) in done.iter().zip(&which).filter(|(_, l)| *l == loan) {
            assert!(!r.stderr.contains("locked"), "{loan}: {}", r.stderr);
            match r.codes.as_slice() {
                [0] => kept += 1,
                [3] => assert!(r.stderr.contains("calls_per_number"), "{loan}: {}", r.stderr),
                other => panic!("{loan}: a desk ended {other:?}: {}", r.stderr),
            }
        }
        assert_eq!(kept, CAP, "{loan}: calls kept of {CALLS} at once");
        let s = d.ok(&["--as-of", "2026-03-10", "show", loan, "--format", "json"]).json();
        let today = s["contacts"]
            .as_array()
            .expect("contacts")
            .iter()
            .filter(|c| c["at"].as_str().is_some_and(|at| at.starts_with("2026-03-10")))
            .count();
        assert_eq!(today, CAP, "{loan}: calls stored for the day");
    }
}

//! Many desks on one book on a server (issue #20): eight real `duedesk` processes, started together
//! on a demo book copied to the server, log contacts and reassign the same two cases at once, each
//! logged in as the supervisor's own role. Every row must be there afterwards, no error may reach a
//! user, each reassignment must start from the owner the one before it left (no lost update), and
//! the audit chain must hold. The barrier: each process is a shell that first reads its stdin; no
//! sleeps.

mod common;

use std::process::{Child, Command};

use common::gate::release;

use common::{AS_OF, TestDesk};
use serde_json::Value;

const SUPERVISOR: &str = "zhao.min";
const PROCESSES: usize = 8;
const ROUNDS: usize = 4;

/// A process waiting at the gate that then runs `commands` on the book at `address`.
fn gated(d: &TestDesk, address: &str, commands: &[Vec<String>]) -> Child {
    // On a server the desk user is the role in the address: no DUEDESK_USER.
    let env = |c: &mut Command| {
        c.env("DUEDESK_DB", address).env_remove("DUEDESK_USER").env("DUEDESK_TODAY", AS_OF);
    };
    common::gate::gated(d, env, commands)
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The command line on the book at `address`, as the supervisor's role.
fn run(d: &TestDesk, address: &str, list: &[&str]) -> common::Run {
    // The environment `TestDesk::command` gives, with the address for its file.
    let mut fresh = Command::new(env!("CARGO_BIN_EXE_duedesk"));
    for (k, v) in d.command().get_envs() {
        match v {
            Some(v) => fresh.env(k, v),
            None => fresh.env_remove(k),
        };
    }
    fresh.env_remove("DUEDESK_USER").arg("--db").arg(address).args(list).output().expect("run").into()
}

#[test]
fn eight_desks_on_the_server_log_contacts_and_reassign_the_same_cases_at_once() {
    let Some(server) = common::pg::fresh("desks") else { return };
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--seed", "5", "--loans", "60"]);
    d.ok(&["store", "copy", "--from", TestDesk::path_str(&d.db), "--to", &server.url()]);
    server.login_role(SUPERVISOR, Some("duedesk_supervisor"));
    let address = server.url().replace("user=postgres", &format!("user={SUPERVISOR}"));

    let show = |loan: &str| -> Value {
        let r = run(&d, &address, &["--as-of", AS_OF, "show", loan, "--format", "json"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.json()
    };
    // Two loans of different customers.
    let rows = run(&d, &address, &["--as-of", AS_OF, "loans", "--format", "json"]).json();
    let mut seen = Vec::new();
    let mut pair = Vec::new();
    for r in rows.as_array().expect("rows") {
        let id = r["loan_id"].as_str().expect("id").to_string();
        let customer = show(&id)["customer_id"].as_str().expect("customer").to_string();
        if !seen.contains(&customer) {
            seen.push(customer);
            pair.push(id);
        }
        if pair.len() == 2 {
            break;
        }
    }
    let (a, b) = (pair[0].clone(), pair[1].clone());
    let contacts_before = [&a, &b].map(|l| show(l)["contacts"].as_array().map_or(0, Vec::len));
    let assignments_before = [&a, &b].map(|l| show(l)["assignments"].as_array().map_or(0, Vec::len));

    let mut children = Vec::new();
    for p in 0..PROCESSES {
        let commands: Vec<Vec<String>> = (0..ROUNDS)
            .map(|round| {
                let loan = if (p + round) % 2 == 0 { &a } else { &b };
                if p % 2 == 0 {
                    let note = format!("desk {p} round {round}");
                    args(&[
                        "contact",
                        loan,
                        "--inbound",
                        "--outcome",
                        "callback",
                        "--note",
                        &note,
                        "--format",
                        "json",
                    ])
                } else {
                    let to = if (p / 2 + round) % 2 == 0 { "wang.fang" } else { "li.qiang" };
                    let reason = format!("desk {p}");
                    args(&["assign", &a, &b, "--to", to, "--reason", &reason, "--format", "json"])
                }
            })
            .collect();
        children.push(gated(&d, &address, &commands));
    }
    let done = release(children);

    let mut contact_ids = Vec::new();
    let mut reassigned = [0usize; 2];
    for (p, r) in done.iter().enumerate() {
        assert!(r.stderr.is_empty(), "desk {p} told its user:\n{}", r.stderr);
        assert_eq!(r.codes, vec![0; ROUNDS], "desk {p}:\n{}", r.stdout);
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
        let s = show(loan);
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
    let verify = run(&d, &address, &["audit", "verify", "--format", "table"]);
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);
    assert!(verify.stdout.starts_with("OK: "), "{}", verify.stdout);
}

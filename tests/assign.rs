//! Reassigning cases (supervisor) and disabling desk users (admin), from the command line.

mod common;

use common::{AS_OF, TestDesk};
use serde_json::Value;

fn demo() -> TestDesk {
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--seed", "7", "--loans", "300"]);
    d
}

fn rows(d: &TestDesk) -> Vec<Value> {
    let v = d.ok(&["--as-of", AS_OF, "loans", "--format", "json"]).json();
    v.as_array().cloned().unwrap_or_default()
}

/// A customer with two loans, both owned by the same collector.
fn two_loan_customer(d: &TestDesk) -> (String, String, String) {
    let all = rows(d);
    for r in &all {
        let id = r["loan_id"].as_str().unwrap_or("");
        let show = d.ok(&["--as-of", AS_OF, "show", id, "--format", "json"]).json();
        if let Some(other) = show["other_loans"].as_array().and_then(|o| o.first()).and_then(Value::as_str) {
            return (id.to_string(), other.to_string(), r["assignee"].as_str().unwrap_or("").to_string());
        }
    }
    panic!("the demo book has customers with several loans");
}

#[test]
fn a_supervisor_moves_a_customer_with_all_its_loans() {
    let d = demo();
    let (loan, other, owner) = two_loan_customer(&d);
    let to = if owner == "xu.na" { "hu.bin" } else { "xu.na" };
    let r = d.run_as("zhao.min", &["assign", &loan, "--to", to, "--reason", "离职交接", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let moved = r.json();
    assert_eq!(moved[0]["from"], owner.as_str());
    assert_eq!(moved[0]["to"], to);
    for id in [&loan, &other] {
        let show = d.ok(&["--as-of", AS_OF, "show", id, "--format", "json"]).json();
        assert_eq!(show["assignee"], to, "{id}");
        let last = show["assignments"].as_array().and_then(|a| a.last()).cloned().expect("history");
        assert_eq!(
            (last["from"].as_str(), last["to"].as_str(), last["by"].as_str()),
            (Some(owner.as_str()), Some(to), Some("zhao.min"))
        );
        assert_eq!(last["reason"], "离职交接");
    }
    // The queue's copy of the owner follows.
    let mine = d.ok(&["--as-of", AS_OF, "loans", "--assignee", to, "--format", "json"]).json();
    let ids: Vec<&str> =
        mine.as_array().expect("array").iter().filter_map(|r| r["loan_id"].as_str()).collect();
    assert!(ids.contains(&loan.as_str()) && ids.contains(&other.as_str()));
}

#[test]
fn reassignment_is_refused_or_rejected_whole() {
    let d = demo();
    let (loan, _, owner) = two_loan_customer(&d);
    let r = d.run_as(&owner, &["assign", &loan, "--to", "xu.na"]);
    assert_eq!(r.code, 3, "a collector cannot reassign: {}", r.stderr);
    let r = d.run_as("zhao.min", &["assign", &loan, "--to", "nobody.here"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let before = rows(&d);
    let r = d.run_as("zhao.min", &["assign", &loan, "NOPE", "--to", "xu.na"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(rows(&d), before, "all or nothing");
}

#[test]
fn a_stale_edit_after_a_reassignment_is_refused() {
    let d = demo();
    let (loan, _, owner) = two_loan_customer(&d);
    let version =
        d.ok(&["--as-of", AS_OF, "show", &loan, "--format", "json"]).json()["version"].as_i64().expect("v");
    d.ok(&["users", "list"]);
    let r =
        d.run_as("zhao.min", &["assign", &loan, "--to", if owner == "xu.na" { "hu.bin" } else { "xu.na" }]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = d.run_as(
        "zhao.min",
        &["--as-of", AS_OF, "next-action", &loan, "2026-03-05", "--expect-version", &version.to_string()],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("changed by zhao.min"), "{}", r.stderr);
}

#[test]
fn a_disabled_user_can_no_longer_act_or_receive_cases() {
    let d = demo();
    let (loan, _, owner) = two_loan_customer(&d);
    let r = d.run_as(&owner, &["users", "disable", "hu.bin"]);
    assert_eq!(r.code, 3, "only an admin: {}", r.stderr);
    d.ok(&["users", "disable", &owner]);
    let users = d.ok(&["users", "list", "--format", "json"]).json();
    let me = users
        .as_array()
        .expect("array")
        .iter()
        .find(|u| u["login"] == owner.as_str())
        .cloned()
        .expect("user");
    assert_eq!(me["active"], false);
    let r = d.run_as(&owner, &["--as-of", AS_OF, "contact", &loan, "--outcome", "no_answer"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("disabled"), "{}", r.stderr);
    let r = d.run_as("zhao.min", &["assign", &loan, "--to", &owner]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

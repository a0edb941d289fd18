//! Desk users from the command line: a role changed (`users set-role`), and a user with cases
//! disabled with how many they own and the command that hands them over.

mod common;

use common::{AS_OF, Run, TestDesk};

/// What the command said of the desk user; on a server, the second line is about the user's
/// PostgreSQL role (none in a test's cluster: its DBA makes login roles).
fn first_line(r: &Run) -> &str {
    let mut lines = r.stdout.lines();
    let first = lines.next().unwrap_or_default();
    if common::on_server() {
        let role = lines.next().unwrap_or_default();
        assert!(role.starts_with("no PostgreSQL role"), "{}", r.stdout);
    }
    assert_eq!(lines.next(), None, "{}", r.stdout);
    first
}

#[test]
fn a_role_is_changed_audited_and_the_last_admin_kept() {
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--seed", "7", "--loans", "100"]);
    let r = d.ok(&["--format", "table", "users", "set-role", "wang.fang", "supervisor"]);
    assert_eq!(first_line(&r), "desk user 'wang.fang': collector → supervisor");
    let users = d.ok(&["users", "list", "--format", "json"]).json();
    let wang =
        users.as_array().expect("users").iter().find(|u| u["login"] == "wang.fang").expect("wang").clone();
    assert_eq!(wang["role"], "supervisor");
    // Only an admin changes roles; the one admin is not demoted.
    let r = d.run_as("zhao.min", &["users", "set-role", "li.qiang", "admin"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let me = users.as_array().expect("users").iter().find(|u| u["role"] == "admin").expect("admin")["login"]
        .as_str()
        .expect("login")
        .to_string();
    let r = d.run(&["users", "set-role", &me, "collector"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("only admin"), "{}", r.stderr);
    let log = d.ok(&["audit", "--limit", "20", "--format", "json"]).json();
    assert!(
        log.as_array()
            .expect("log")
            .iter()
            .any(|e| e["action"] == "user_role" && e["entity_id"] == "wang.fang")
    );
    // The role it recorded is the one the store holds: the log vouches for it.
    let r = d.ok(&["audit", "verify", "--format", "table"]);
    assert!(r.stdout.starts_with("OK: "), "{}", r.stdout);
}

#[test]
fn disabling_a_user_who_owns_cases_names_how_many_and_the_hand_over() {
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--seed", "7", "--loans", "100"]);
    let r = d.ok(&["--as-of", AS_OF, "--format", "table", "users", "disable", "li.qiang"]);
    let said = r.stdout;
    assert!(said.contains("'li.qiang' still owns "), "{said}");
    assert!(said.contains("duedesk assign --from li.qiang --to USER"), "{said}");
    let n: u64 = said
        .split("still owns ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("a count");
    assert!(n > 0);
    d.ok(&["users", "add", "new.one", "--role", "collector"]);
    let r = d.ok(&["--format", "table", "users", "disable", "new.one"]);
    assert_eq!(first_line(&r), "disabled desk user 'new.one'");
}

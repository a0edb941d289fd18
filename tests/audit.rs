//! The audit log from the command line: before and after of changes, who may read it, the hash
//! chain checked by `audit verify` (and broken by writing to the store file directly), masking and
//! `reveal`.

mod common;

use std::process::Command;

use common::{AS_OF, TestDesk};
use serde_json::Value;

const SUPERVISOR: &str = "zhao.min";

fn demo() -> TestDesk {
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--seed", "3", "--loans", "60"]);
    d
}

/// A loan and its owner (a collector), and another collector.
fn owned_loan(d: &TestDesk) -> (String, String, String) {
    let rows = d.ok(&["--as-of", AS_OF, "loans", "--format", "json"]).json();
    let r = rows
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["assignee"].is_string() && r["assignee"] != SUPERVISOR && r["phone"].is_string())
        .cloned()
        .expect("an owned loan with a phone");
    let owner = r["assignee"].as_str().expect("owner").to_string();
    let other = if owner == "wang.fang" { "li.qiang" } else { "wang.fang" };
    (r["loan_id"].as_str().expect("id").to_string(), owner, other.to_string())
}

fn audit(d: &TestDesk, who: &str, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["audit", "--format", "json"];
    all.extend_from_slice(args);
    let r = d.run_as(who, &all);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json().as_array().cloned().expect("array")
}

#[test]
fn changes_are_listed_with_before_and_after_and_filtered() {
    let d = demo();
    let (loan, owner, _) = owned_loan(&d);
    for on in ["2026-03-05", "2026-03-09"] {
        let r = d.run_as(&owner, &["--as-of", AS_OF, "next-action", &loan, on]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    d.ok(&["settings", "set", "pii_full_phone", "supervisor"]);

    let mine = audit(&d, SUPERVISOR, &["--loan", &loan, "--actor", &owner]);
    assert_eq!(mine.len(), 2, "{mine:?}");
    let newest = &mine[0];
    assert_eq!(
        (newest["action"].as_str(), newest["entity_id"].as_str()),
        (Some("next_action"), Some(loan.as_str()))
    );
    assert_eq!(newest["detail"]["before"], "2026-03-05");
    assert_eq!(newest["detail"]["after"], "2026-03-09");
    assert!(mine[0]["id"].as_i64() > mine[1]["id"].as_i64(), "newest first");

    let setting = audit(&d, SUPERVISOR, &["--limit", "1"]);
    assert_eq!(setting[0]["action"], "setting_set");
    assert_eq!(setting[0]["detail"]["before"], "collector");
    assert_eq!(setting[0]["detail"]["after"], "supervisor");

    assert!(audit(&d, SUPERVISOR, &["--since", "2026-03-02"]).is_empty());
    let csv = d.run_as(SUPERVISOR, &["audit", "--format", "csv", "--limit", "2"]);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    assert!(csv.stdout.starts_with("id,at,actor,action,entity,entity_id,detail\n"), "{}", csv.stdout);
    assert_eq!(csv.stdout.lines().count(), 3);
}

#[test]
fn a_collector_reads_own_cases_only_and_a_stranger_nothing() {
    let d = demo();
    let (loan, owner, other) = owned_loan(&d);
    let r = d.run_as(&owner, &["--as-of", AS_OF, "next-action", &loan, "2026-03-05"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(audit(&d, &owner, &["--loan", &loan]).len(), 1, "the owner reads the case's entries");
    for (who, args) in [
        (other.as_str(), vec!["audit", "--loan", loan.as_str()]),
        (owner.as_str(), vec!["audit"]),
        (owner.as_str(), vec!["audit", "verify"]),
        ("stranger", vec!["audit", "--loan", loan.as_str()]),
        ("stranger", vec!["audit", "verify"]),
    ] {
        let r = d.run_as(who, &args);
        assert_eq!(r.code, 3, "{who} {args:?}: {}{}", r.stdout, r.stderr);
        assert!(r.stdout.is_empty(), "{who} {args:?} printed {}", r.stdout);
    }
    assert_eq!(d.run_as(SUPERVISOR, &["audit", "--loan", "NO-SUCH"]).code, 2);
}

/// Changes one row of the store behind the desk's back, as anyone who can write the file (or the
/// book's owner on a server) could.
fn tamper(d: &TestDesk, sql: &str) {
    assert_eq!(d.exec_with(sql, &[]), 1, "{sql}");
}

#[test]
fn verify_passes_and_finds_a_row_changed_behind_its_back() {
    let d = demo();
    let (loan, owner, _) = owned_loan(&d);
    let r = d.run_as(&owner, &["--as-of", AS_OF, "next-action", &loan, "2026-03-05"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let ok = d.run_as(SUPERVISOR, &["audit", "verify", "--format", "table"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(ok.stdout.starts_with("OK: "), "{}", ok.stdout);

    let id: i64 = {
        let rows = audit(&d, SUPERVISOR, &["--loan", &loan]);
        rows[0]["id"].as_i64().expect("id")
    };
    tamper(
        &d,
        &format!("UPDATE audit_log SET detail = replace(detail, '2026-03-05', '2026-03-06') WHERE id = {id}"),
    );
    let broken = d.run_as(SUPERVISOR, &["audit", "verify", "--format", "table"]);
    assert_eq!(broken.code, 1, "{}{}", broken.stdout, broken.stderr);
    assert!(broken.stderr.contains(&format!("broken at row {id}")), "{}", broken.stderr);
    assert!(broken.stderr.contains("changed"), "{}", broken.stderr);

    // The JSON answer names the row too, and deleting the last row is noticed as well.
    let fresh = demo();
    let last = audit(&fresh, SUPERVISOR, &["--limit", "1"])[0]["id"].as_i64().expect("id");
    tamper(&fresh, &format!("DELETE FROM audit_log WHERE id = {last}"));
    let r = fresh.run_as(SUPERVISOR, &["audit", "verify", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.json()["broken"]["why"].as_str().expect("why").contains("deleted"), "{}", r.stdout);
}

/// Users, roles and settings are part of what the log vouches for: each change through duedesk
/// is an entry saying what the user or setting became, so `audit verify` compares the tables with
/// the log and finds a role, a user or a setting changed with SQLite's own tools.
#[test]
fn verify_finds_users_roles_and_settings_changed_behind_its_back() {
    let base = demo();
    // Every way duedesk itself changes users and settings keeps the log and the tables agreeing.
    base.ok(&["users", "add", "qian.li", "--role", "collector", "--display-name", "钱丽"]);
    base.ok(&["users", "disable", "qian.li"]);
    base.ok(&["users", "enable", "qian.li"]);
    base.ok(&["settings", "set", "pii_full_phone", "supervisor"]);
    base.ok(&["settings", "set", "class_bands", "credit_card"]);
    // An import that names an assignee not yet on the desk creates them.
    let file = base.write(
        "more.csv",
        "loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,assignee\n\
         NEW-1,新客户,annuity,1000.00,12,12,2025-10-01,new.hire\n",
    );
    base.ok(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file)]);
    let ok = base.run_as(SUPERVISOR, &["audit", "verify", "--format", "table"]);
    assert_eq!(ok.code, 0, "{}{}", ok.stdout, ok.stderr);

    for (sql, names) in [
        ("UPDATE users SET role = 'admin' WHERE login = 'wang.fang'", "wang.fang"),
        ("UPDATE users SET active = 0 WHERE login = 'zhao.min'", "zhao.min"),
        ("UPDATE users SET display_name = 'x' WHERE login = 'qian.li'", "qian.li"),
        ("INSERT INTO users (login, role, created_at) VALUES ('mallory', 'admin', '2026-03-01')", "mallory"),
        ("DELETE FROM users WHERE login = 'qian.li'", "qian.li"),
        ("UPDATE settings SET value = 'collector' WHERE key = 'pii_full_phone'", "pii_full_phone"),
        ("DELETE FROM settings WHERE key = 'pii_full_phone'", "pii_full_phone"),
        ("INSERT INTO settings (key, value) VALUES ('conduct_profile', 'us-regf')", "conduct_profile"),
        (
            "UPDATE settings SET value = replace(value, 'credit_card', 'standard') WHERE key = 'policy'",
            "policy",
        ),
    ] {
        let d = base.copy();
        tamper(&d, sql);
        let r = d.run(&["audit", "verify", "--format", "table"]);
        assert_eq!(r.code, 1, "{sql}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(names), "{sql}: {}", r.stderr);
        assert!(r.stderr.contains("outside duedesk"), "{sql}: {}", r.stderr);
    }
}

#[test]
fn phones_are_masked_below_the_setting_and_revealed_with_an_audit_entry() {
    let d = demo();
    let (loan, owner, other) = owned_loan(&d);
    let full = d.run_as(&owner, &["--as-of", AS_OF, "show", &loan, "--format", "json"]).json();
    let phone = full["phone"].as_str().expect("phone").to_string();
    assert!(!phone.contains('*'), "collectors see phones in full by default: {phone}");

    d.ok(&["settings", "set", "pii_full_phone", "supervisor"]);
    let shown = d.run_as(&owner, &["--as-of", AS_OF, "show", &loan, "--format", "json"]).json();
    let masked = shown["phone"].as_str().expect("phone");
    assert!(masked.contains('*') && masked.ends_with(&phone[phone.len() - 4..]), "{masked}");
    for c in shown["contacts"].as_array().expect("contacts") {
        assert!(c["phone"].as_str().is_none_or(|p| p.contains('*')), "{c}");
    }
    let list = d.run_as(&owner, &["--as-of", AS_OF, "loans", "--format", "csv"]);
    assert!(!list.stdout.contains(&phone), "the list shows the number in full");
    let sup = d.run_as(SUPERVISOR, &["--as-of", AS_OF, "show", &loan, "--format", "json"]).json();
    assert_eq!(sup["phone"].as_str(), Some(phone.as_str()));
    let stranger = d.run_as("stranger", &["--as-of", AS_OF, "show", &loan, "--format", "json"]).json();
    assert!(stranger["phone"].as_str().expect("phone").contains('*'));

    let r = d.run_as(&owner, &["reveal", &loan, "--format", "table"]);
    assert_eq!((r.code, r.stdout.trim()), (0, phone.as_str()), "{}", r.stderr);
    let entry = &audit(&d, SUPERVISOR, &["--limit", "1"])[0];
    assert_eq!((entry["action"].as_str(), entry["actor"].as_str()), (Some("reveal"), Some(owner.as_str())));
    assert_eq!(entry["detail"]["field"], "phone");
    assert!(!entry.to_string().contains(&phone), "the audit entry must not hold the number");

    for who in [other.as_str(), "stranger"] {
        let r = d.run_as(who, &["reveal", &loan]);
        assert_eq!(r.code, 3, "{who}: {}", r.stderr);
        assert!(r.stdout.is_empty());
    }
    assert_eq!(d.run_as(&owner, &["reveal", &loan, "--field", "id"]).code, 2);

    // Logging a contact with the masked number the desk shows records the real one.
    let r = d.run_as(
        &owner,
        &[
            "--as-of",
            AS_OF,
            "contact",
            &loan,
            "--outcome",
            "no_answer",
            "--phone",
            masked,
            "--format",
            "json",
        ],
    );
    if r.code == 0 {
        let sup = d.run_as(SUPERVISOR, &["--as-of", AS_OF, "show", &loan, "--format", "json"]).json();
        assert_eq!(sup["contacts"][0]["phone"].as_str(), Some(phone.as_str()));
    } else {
        // The conduct rules may refuse a call at this hour; never as a bad phone number.
        assert_eq!(r.code, 3, "{}", r.stderr);
    }
}

#[cfg(unix)]
#[test]
fn a_new_store_is_group_writable_under_umask_002() {
    use std::os::unix::fs::PermissionsExt;
    let d = TestDesk::bare();
    let bin = env!("CARGO_BIN_EXE_duedesk");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("umask 002 && exec '{bin}' --db '{}' demo --loans 10", d.db.display()))
        .env("DUEDESK_NOW", common::NOW)
        .env("DUEDESK_CONFIG", d.config_dir())
        .env_remove("DUEDESK_USER")
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mode = std::fs::metadata(&d.db).expect("store").permissions().mode() & 0o777;
    assert_eq!(mode, 0o664);
}

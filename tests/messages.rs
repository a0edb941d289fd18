//! Messages a new user meets (issue #14, item 23): each says what is wrong in the user's words.

mod common;

use common::{AS_OF, TestDesk};

fn demo_desk() -> TestDesk {
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--loans", "50", "--seed", "7"]);
    d
}

#[test]
fn an_unclosed_quote_names_the_line_where_it_opened() {
    let d = demo_desk();
    let file = d.write(
        "quote.csv",
        "loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on\n\
         Q-1,甲,annuity,1000,4.9,12,2026-01-10\n\
         Q-2,\"乙,annuity,1000,4.9,12,2026-01-10\n\
         Q-3,丙,annuity,1000,4.9,12,2026-01-10\n\
         Q-4,丁,annuity,1000,4.9,12,2026-01-10\n",
    );
    let r = d.run(&["import", "loans", TestDesk::path_str(&file)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let want = format!("{}:3: borrower: a quote opens here and is never closed", file.display());
    assert!(r.stderr.starts_with(&want), "{}", r.stderr);
}

#[test]
fn a_utf16_file_is_called_utf16() {
    let d = demo_desk();
    let text = "loan_id,paid_on,amount\nX,2026-02-01,1.00\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let file = d.dir.path().join("utf16.csv");
    std::fs::write(&file, bytes).expect("write");
    let r = d.run(&["import", "payments", TestDesk::path_str(&file)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is UTF-16") && r.stderr.contains("UTF-8"), "{}", r.stderr);
}

#[test]
fn a_bad_duedesk_today_names_the_variable() {
    let d = demo_desk();
    let r: common::Run =
        d.command().env("DUEDESK_TODAY", "2026-13-01").arg("loans").output().expect("run").into();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("DUEDESK_TODAY=2026-13-01"), "{}", r.stderr);
    // --as-of wins over the variable, as before.
    let r: common::Run = d
        .command()
        .env("DUEDESK_TODAY", "2026-03-02")
        .args(["--as-of", AS_OF, "users", "list"])
        .output()
        .expect("run")
        .into();
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_store_with_a_bad_schema_version_does_not_print_the_migrations_sql() {
    let d = demo_desk();
    // An older version over newer tables.
    match d.server {
        Some(_) => d.exec("UPDATE duedesk_schema SET version = 3"),
        None => {
            let conn = rusqlite::Connection::open(&d.db).expect("open");
            conn.pragma_update(None, "user_version", 3).expect("the file's version");
        }
    }
    let r = d.run(&["users", "list"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("schema version 3"), "{}", r.stderr);
    for sql in ["CREATE", "INSERT", "ALTER"] {
        assert!(!r.stderr.contains(sql), "{}", r.stderr);
    }
}

/// Runs the binary as the login `nobody` (the test runs as root, who may write anywhere), or
/// `None` where that cannot be done.
fn as_nobody(d: &TestDesk, db: &std::path::Path, args: &[&str]) -> Option<common::Run> {
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", env!("CARGO_BIN_EXE_duedesk")])
        .arg("--db")
        .arg(db)
        .args(args)
        .env("DUEDESK_NOW", common::NOW)
        .env("DUEDESK_CONFIG", d.config_dir())
        .output()
        .ok()?;
    Some(out.into())
}

#[cfg(unix)]
#[test]
fn a_read_only_store_folder_says_so() {
    use std::os::unix::fs::PermissionsExt;
    let d = demo_desk();
    let root = std::process::Command::new("id").arg("-u").output().expect("id").stdout;
    if String::from_utf8_lossy(&root).trim() != "0" {
        // Run by a login of its own, the folder is made read-only for it directly.
        return;
    }
    let folder = d.dir.path().join("ro");
    std::fs::create_dir(&folder).expect("folder");
    let db = folder.join("desk.db");
    rusqlite::Connection::open(&d.db)
        .expect("open")
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .expect("checkpoint");
    std::fs::copy(&d.db, &db).expect("copy");
    let mode = |p: &std::path::Path, m| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).expect("chmod")
    };
    mode(d.dir.path(), 0o755);
    mode(&db, 0o666);
    mode(&folder, 0o555);
    let Some(r) = as_nobody(&d, &db, &["users", "list"]) else { panic!("setpriv is missing") };
    mode(&folder, 0o755);
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(r.stderr.contains(&format!("its folder {} is read-only", folder.display())), "{}", r.stderr);
}

#[test]
fn a_new_store_takes_the_machine_s_time_zone_and_an_admin_may_change_it() {
    // No store yet: the demo makes it, in the zone of the machine it runs on.
    let d = TestDesk::bare();
    let made: common::Run = d
        .command()
        .env("TZ", "Asia/Shanghai")
        .args(["--as-of", AS_OF, "demo", "--loans", "10"])
        .output()
        .expect("run")
        .into();
    assert_eq!(made.code, 0, "{}", made.stderr);
    let zone =
        |d: &TestDesk| d.ok(&["settings", "get", "timezone", "--format", "table"]).stdout.trim().to_string();
    assert_eq!(zone(&d), "Asia/Shanghai");
    let r = d.run(&["settings", "set", "timezone", "Beijing"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("IANA"), "{}", r.stderr);
    d.ok(&["settings", "set", "timezone", "Asia/Hong_Kong"]);
    assert_eq!(zone(&d), "Asia/Hong_Kong");
    // The zone the store was made with is in the audit log as every setting is, so the log
    // vouches for it and for its change.
    let r = d.ok(&["audit", "verify", "--format", "table"]);
    assert!(r.stdout.starts_with("OK: "), "{}", r.stdout);
    let log = d.ok(&["audit", "--format", "json"]).json();
    let set: Vec<_> = log
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["action"] == "setting_set" && e["entity_id"] == "timezone")
        .collect();
    assert_eq!(set.len(), 2, "made and changed: {set:?}");
}

#[test]
fn times_in_messages_are_local_hours_and_minutes() {
    let d = demo_desk();
    let users = d.ok(&["users", "list", "--format", "json"]).json();
    let collector = users
        .as_array()
        .and_then(|u| u.iter().find(|u| u["role"] == "collector"))
        .and_then(|u| u["login"].as_str())
        .expect("a collector")
        .to_string();
    let loans = d
        .ok(&["--as-of", AS_OF, "loans", "--assignee", &collector, "--limit", "1", "--format", "json"])
        .json();
    let loan = loans[0]["loan_id"].as_str().expect("a loan").to_string();
    d.ok(&["settings", "set", "trust_env_user", "true"]);
    let held = d.run_as(&collector, &["lease", &loan]);
    assert_eq!(held.code, 0, "{}", held.stderr);
    // The collector's desk holds the case (taken through the library, as the desk does).
    let store = d.store();
    let now = chrono::DateTime::parse_from_rfc3339(common::NOW).expect("now");
    let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("day");
    let mut desk = duedesk::app::Desk::open(store, &collector, day, now).expect("desk");
    desk.take_lease(&loan).expect("lease");
    let r = d.run(&["--as-of", AS_OF, "next-action", &loan, "2026-03-05"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("being worked by {collector} until 10:15")), "{}", r.stderr);
    assert!(!r.stderr.contains("+08:00") && !r.stderr.contains("T10:"), "{}", r.stderr);
}

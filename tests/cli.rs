//! The command line, run as a script would run it.

mod common;

use common::{AS_OF, TestDesk};
use serde_json::Value;

const CONTRACT_FIELDS: &[&str] = &[
    "loan_id",
    "borrower",
    "product",
    "assignee",
    "stage",
    "agency",
    "status",
    "dpd",
    "bucket",
    "class",
    "principal",
    "outstanding_principal",
    "overdue_principal",
    "overdue_interest",
    "overdue_amount",
    "penalty_interest",
    "next_due_on",
    "next_due_amount",
];

fn demo_desk() -> TestDesk {
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--seed", "7"]);
    d
}

fn strings(rows: &[Value], field: &str) -> std::collections::BTreeSet<String> {
    rows.iter().map(|r| r[field].as_str().unwrap_or("").to_string()).collect()
}

#[test]
fn demo_book_lists_every_contract_field_stage_and_bucket() {
    let d = demo_desk();
    let out = d.ok(&["--as-of", AS_OF, "loans", "--format", "json"]).json();
    let rows = out.as_array().expect("array");
    assert_eq!(rows.len(), 2000);
    for field in CONTRACT_FIELDS {
        assert!(rows.iter().all(|r| r.get(*field).is_some()), "field {field} missing");
    }
    let money =
        ["principal", "outstanding_principal", "overdue_amount", "penalty_interest", "next_due_amount"];
    for f in money {
        let v = rows[0][f].as_str().expect("money is a string");
        assert!(v.split_once('.').is_some_and(|(_, c)| c.len() == 2), "{f} = {v}");
    }
    let stages = strings(rows, "stage");
    for s in ["current", "reminder", "negotiation", "guarantor", "legal", "closed", "written_off"] {
        assert!(stages.contains(s), "no loan in stage {s}: {stages:?}");
    }
    let buckets = strings(rows, "bucket");
    for b in ["M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7+"] {
        assert!(buckets.contains(b), "no loan in bucket {b}");
    }
    let classes = strings(rows, "class");
    assert_eq!(classes.len(), 5, "{classes:?}");
    for r in rows.iter().filter(|r| r["status"] == "closed") {
        assert_eq!(r["stage"], "closed");
        assert_eq!(r["dpd"], 0);
        assert_eq!(r["outstanding_principal"], "0.00");
        assert_eq!(r["next_due_on"], Value::Null);
        assert_eq!(r["next_due_amount"], "0.00");
    }
}

#[test]
fn show_and_schedule_agree_with_the_list() {
    let d = demo_desk();
    let list =
        d.ok(&["--as-of", AS_OF, "loans", "--dpd-min", "1", "--limit", "5", "--format", "json"]).json();
    for row in list.as_array().expect("array") {
        let id = row["loan_id"].as_str().expect("id");
        let show = d.ok(&["--as-of", AS_OF, "show", id, "--format", "json"]).json();
        for field in CONTRACT_FIELDS {
            assert_eq!(show[field], row[*field], "{id}: {field}");
        }
        for key in ["schedule", "payments", "contacts", "promises", "stage_events", "assignments"] {
            assert!(show[key].is_array(), "{key}");
        }
        let schedule = d.ok(&["--as-of", AS_OF, "schedule", id, "--format", "json"]).json();
        let lines = schedule.as_array().expect("array");
        assert_eq!(lines, show["schedule"].as_array().expect("array"));
        let overdue: i64 = lines
            .iter()
            .filter(|l| l["status"] == "overdue")
            .map(|l| {
                let c =
                    |k: &str| l[k].as_str().expect("money").replace('.', "").parse::<i64>().expect("cents");
                c("principal") + c("interest") - c("paid_principal") - c("paid_interest")
            })
            .sum();
        let listed =
            row["overdue_amount"].as_str().expect("money").replace('.', "").parse::<i64>().expect("cents");
        assert_eq!(overdue, listed, "{id}");
        assert!(row["dpd"].as_i64().expect("dpd") > 0);
    }
}

#[test]
fn filters_sorts_and_limits() {
    let d = demo_desk();
    let legal = d.ok(&["--as-of", AS_OF, "loans", "--stage", "legal", "--format", "json"]).json();
    let legal = legal.as_array().expect("array");
    assert!(!legal.is_empty());
    assert!(legal.iter().all(|r| r["stage"] == "legal"));

    let by_overdue =
        d.ok(&["--as-of", AS_OF, "loans", "--sort", "overdue", "--limit", "20", "--format", "json"]).json();
    let amounts: Vec<i64> = by_overdue
        .as_array()
        .expect("array")
        .iter()
        .map(|r| r["overdue_amount"].as_str().expect("money").replace('.', "").parse().expect("cents"))
        .collect();
    assert_eq!(amounts.len(), 20);
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");

    let dpd = d.ok(&["--as-of", AS_OF, "loans", "--dpd-min", "91", "--format", "json"]).json();
    assert!(dpd.as_array().expect("array").iter().all(|r| r["dpd"].as_i64().expect("dpd") >= 91));

    let due =
        d.ok(&["--as-of", AS_OF, "loans", "--due-within", "3", "--sort", "due", "--format", "json"]).json();
    let due = due.as_array().expect("array");
    assert!(!due.is_empty());
    for r in due {
        let on = r["next_due_on"].as_str().expect("date");
        assert!(("2026-03-01"..="2026-03-04").contains(&on), "{on}");
    }

    let users = d.ok(&["users", "list", "--format", "json"]).json();
    let collector = users
        .as_array()
        .expect("array")
        .iter()
        .find(|u| u["role"] == "collector")
        .and_then(|u| u["login"].as_str())
        .expect("a collector")
        .to_string();
    let mine = d.ok(&["--as-of", AS_OF, "loans", "--assignee", &collector, "--format", "json"]).json();
    let mine = mine.as_array().expect("array");
    assert!(!mine.is_empty());
    assert!(mine.iter().all(|r| r["assignee"] == collector.as_str()));
}

#[test]
fn tables_fit_80_columns_and_csv_has_a_header() {
    let d = demo_desk();
    let t = d.ok(&["--as-of", AS_OF, "loans", "--limit", "40", "--format", "table"]);
    for line in t.stdout.lines() {
        assert!(unicode_width::UnicodeWidthStr::width(line) <= 80, "too wide: {line:?}");
    }
    assert!(t.stdout.starts_with("LOAN"));
    let csv = d.ok(&["--as-of", AS_OF, "loans", "--limit", "3", "--format", "csv"]);
    let mut lines = csv.stdout.lines();
    let header = lines.next().expect("header");
    for f in CONTRACT_FIELDS {
        assert!(header.split(',').any(|h| h == *f), "csv header lacks {f}: {header}");
    }
    assert_eq!(lines.count(), 3);
}

const CHECK_FIGURES: &str = "\
loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on
CF-1,张三,annuity,1000000.00,4.90,360,2025-01-31
CF-2,李四,equal_principal,1000000.00,4.90,360,2025-01-31
CF-3,王五,annuity,28000.00,14.07,60,2025-01-31
CF-4,Maria Chen,annuity,2000.00,17.09,36,2025-01-31
";

#[test]
fn imported_check_figures_reproduce_in_the_schedule() {
    let d = TestDesk::new();
    let file = d.write("loans.csv", CHECK_FIGURES);
    let r = d.ok(&["--as-of", AS_OF, "--format", "table", "import", "loans", TestDesk::path_str(&file)]);
    assert!(r.stdout.contains("imported 4"), "{}", r.stdout);
    let first = |id: &str| {
        let s = d.ok(&["--as-of", AS_OF, "schedule", id, "--format", "json"]).json();
        s[0].clone()
    };
    assert_eq!(first("CF-1")["payment"], "5307.27");
    assert_eq!(first("CF-1")["due_on"], "2025-02-28");
    assert_eq!(first("CF-2")["payment"], "6861.11");
    assert_eq!(first("CF-3")["payment"], "652.53");
    assert_eq!(first("CF-4")["payment"], "71.40");
    let cf1 = d.ok(&["--as-of", AS_OF, "schedule", "CF-1", "--format", "json"]).json();
    let dues: Vec<&str> =
        cf1.as_array().expect("array")[..3].iter().map(|l| l["due_on"].as_str().expect("d")).collect();
    assert_eq!(dues, ["2025-02-28", "2025-03-31", "2025-04-30"]);
}

#[test]
fn another_date_is_answered_without_moving_the_shared_book() {
    let d = TestDesk::new();
    let file = d.write("loans.csv", CHECK_FIGURES);
    d.ok(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file)]);
    let at = |date: &str| {
        let v = d.ok(&["--as-of", date, "loans", "--format", "json"]).json();
        v.as_array().expect("array").iter().find(|r| r["loan_id"] == "CF-3").cloned().expect("CF-3")
    };
    // Nothing paid: the first installment, due 2025-02-28, is the oldest overdue.
    assert_eq!(at("2025-03-01")["dpd"], 1);
    assert_eq!(at("2025-02-28")["dpd"], 0);
    assert_eq!(at(AS_OF)["dpd"], 366);
    assert_eq!(at(AS_OF)["class"], "loss");
    let pays = d.write("pay.csv", "loan_id,paid_on,amount,reference\nCF-3,2025-02-28,652.53,R1\n");
    d.ok(&["--as-of", AS_OF, "import", "payments", TestDesk::path_str(&pays)]);
    assert_eq!(at("2025-03-01")["dpd"], 0);
    assert_eq!(at("2025-03-31")["dpd"], 0, "the second installment is due today");
    assert_eq!(at("2025-04-01")["dpd"], 1);
    assert_eq!(at(AS_OF)["dpd"], 335);
    assert_eq!(at("2025-04-01")["as_of"], "2025-04-01");
    // The shared snapshot still stands at the import's date.
    let store = d.store();
    let shared = duedesk::store::snapshot_as_of(store.db()).expect("read");
    assert_eq!(shared.map(|d| d.to_string()).as_deref(), Some(AS_OF));
}

#[test]
fn malformed_csv_exits_2_naming_each_line_and_field() {
    let d = TestDesk::new();
    let good = d.write("good.csv", CHECK_FIGURES);
    d.ok(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&good)]);
    let bad = d.write(
        "bad.csv",
        "loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on\n\
         B-1,赵,annuity,\"1,000.00\",5,12,2025-01-01\n\
         B-2,钱,annuity,1000.00,5,12,2025-02-30\n\
         B-3,孙,weekly,1000.00,5,12,2025-01-01\n\
         CF-1,李,annuity,1000.00,5,12,2025-01-01\n",
    );
    let path = TestDesk::path_str(&bad);
    let r = d.run(&["--as-of", AS_OF, "import", "loans", path]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert!(lines.iter().any(|l| l.starts_with(&format!("{path}:2: principal: "))), "{}", r.stderr);
    assert!(lines.iter().any(|l| l.starts_with(&format!("{path}:3: disbursed_on: "))), "{}", r.stderr);
    assert!(lines.iter().any(|l| l.starts_with(&format!("{path}:4: product: "))), "{}", r.stderr);
    assert!(lines.iter().any(|l| l.starts_with(&format!("{path}:5: loan_id: "))), "{}", r.stderr);
    let list = d.ok(&["--as-of", AS_OF, "loans", "--format", "json"]).json();
    assert_eq!(list.as_array().expect("array").len(), 4, "the store is unchanged");
}

#[test]
fn unknown_loan_is_bad_input() {
    let d = TestDesk::new();
    let r = d.run(&["--as-of", AS_OF, "show", "NOPE"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("unknown loan 'NOPE'"), "{}", r.stderr);
    let r = d.run(&["--as-of", "2026-02-30", "loans"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn desk_user_from_the_environment_needs_trust() {
    let d = TestDesk::empty();
    let r: common::Run = d.live().args(["users", "list"]).output().expect("run").into();
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r: common::Run =
        d.live().env("DUEDESK_USER", "someone.else").args(["users", "list"]).output().expect("run").into();
    assert_eq!(r.code, 3, "{}", r.stderr);
    // A server says the desk user is the role it logs in as (a book not trusting its environment).
    let why = if d.server.is_some() {
        "the desk user is the role the session logs in as"
    } else {
        "trust_env_user"
    };
    assert!(r.stderr.contains(why), "{}", r.stderr);
}

/// `DUEDESK_NOW` pins the clock that stamps contacts, conduct rules and the audit log, so it is
/// honoured only where the store trusts its environment (`trust_env_user`, which the demo book
/// turns on); elsewhere it is refused before anything is written. The business date is not a clock.
#[test]
fn the_test_clock_is_refused_where_the_store_does_not_trust_it() {
    let d = TestDesk::bare();
    let file = d.write("loans.csv", CHECK_FIGURES);
    let run = |c: &mut std::process::Command| -> common::Run { c.output().expect("run").into() };
    let r = run(d.live().args(["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file)]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = run(d.live().args(["audit", "--format", "json"])).json();
    let back_dated = "2019-01-07T10:00:00+08:00";
    for args in [vec!["contact", "CF-1", "--outcome", "no_answer"], vec!["loans"], vec!["users", "list"]] {
        let r = run(d.live().env("DUEDESK_NOW", back_dated).args(&args));
        assert_eq!(r.code, 3, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("DUEDESK_NOW") && r.stderr.contains("trust_env_user"), "{}", r.stderr);
    }
    assert_eq!(run(d.live().args(["audit", "--format", "json"])).json(), before, "nothing was written");
    // The business date is no clock: any date may be read.
    let r = run(d.live().env("DUEDESK_TODAY", "2026-01-31").args(["loans", "--format", "json"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(run(d.live().args(["--as-of", "2026-01-31", "show", "CF-1"])).code, 0);
    // A store that trusts its environment honours it.
    assert_eq!(run(d.live().args(["settings", "set", "trust_env_user", "true"])).code, 0);
    let r = run(d.live().env("DUEDESK_NOW", back_dated).args(["contact", "CF-1", "--outcome", "no_answer"]));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["at"], back_dated);
    // So does a new store made into the demo book, and the demo book after.
    let demo = TestDesk::bare();
    assert_eq!(run(demo.command().args(["--as-of", AS_OF, "demo", "--loans", "20"])).code, 0);
    assert_eq!(run(demo.command().args(["users", "list"])).code, 0);
}

#[test]
fn roles_guard_settings() {
    let d = demo_desk();
    let users = d.ok(&["users", "list", "--format", "json"]).json();
    let collector = users
        .as_array()
        .expect("array")
        .iter()
        .find(|u| u["role"] == "collector")
        .and_then(|u| u["login"].as_str())
        .expect("collector")
        .to_string();
    let r = d.run_as(&collector, &["settings", "set", "conduct_profile", "us-regf"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let r = d.run_as("nobody.here", &["settings", "set", "conduct_profile", "us-regf"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("read-only"), "{}", r.stderr);
    d.ok(&["settings", "set", "conduct_profile", "us-regf"]);
    assert_eq!(d.ok(&["settings", "get", "conduct_profile", "--format", "table"]).stdout.trim(), "us-regf");
    let r = d.run(&["settings", "set", "penalty_uplift_pct", "60"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn demo_refuses_a_store_that_holds_loans() {
    let d = TestDesk::new();
    let file = d.write("loans.csv", CHECK_FIGURES);
    d.ok(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file)]);
    let r = d.run(&["--as-of", AS_OF, "demo"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn completions_and_man_page_come_from_the_command_definitions() {
    let d = TestDesk::new();
    let bash = d.ok(&["completions", "bash"]);
    assert!(bash.stdout.contains("duedesk") && bash.stdout.contains("--due-within"));
    let man = d.ok(&["man"]);
    assert!(man.stdout.contains(".TH duedesk"), "{}", &man.stdout[..man.stdout.len().min(200)]);
}

#[test]
fn the_desk_view_shows_due_soon_and_overdue_queues() {
    let d = TestDesk::new();
    let empty = d.ok(&["--as-of", AS_OF]);
    assert!(empty.stdout.contains("holds no loans"), "{}", empty.stdout);
    assert!(empty.stdout.contains("demo --open"));
    let r = d.ok(&["--as-of", AS_OF, "demo", "--seed", "7", "--open"]);
    assert!(r.stdout.contains("Due soon") && r.stdout.contains("Overdue queue"), "{}", r.stdout);
    // Opening again on a demo store just opens it.
    d.ok(&["--as-of", AS_OF, "demo", "--open"]);
}

#[test]
fn the_shared_book_rolls_forward_to_today_and_no_further() {
    let d = TestDesk::new();
    let file = d.write("loans.csv", CHECK_FIGURES);
    d.ok(&["--as-of", "2026-02-27", "import", "loans", TestDesk::path_str(&file)]);
    let shared = || {
        let store = d.store();
        duedesk::store::snapshot_as_of(store.db()).expect("read").map(|d| d.to_string())
    };
    assert_eq!(shared().as_deref(), Some("2026-02-27"));
    // A date after today (the clock says 2026-03-01) is answered privately.
    d.ok(&["--as-of", "2026-03-05", "loans", "--format", "json"]);
    assert_eq!(shared().as_deref(), Some("2026-02-27"));
    // So is a read-only login's question about today.
    d.ok(&["settings", "set", "trust_env_user", "true"]);
    assert_eq!(d.run_as("nobody.here", &["--as-of", AS_OF, "loans", "--format", "json"]).code, 0);
    assert_eq!(shared().as_deref(), Some("2026-02-27"));
    // A desk user's first look at today moves the branch's book to today.
    let today = d.ok(&["--as-of", AS_OF, "loans", "--format", "json"]).json();
    assert_eq!(shared().as_deref(), Some(AS_OF));
    assert!(today.as_array().expect("array").iter().all(|r| r["as_of"] == AS_OF));
    // An earlier date never moves it back.
    d.ok(&["--as-of", "2026-02-28", "loans", "--format", "json"]);
    assert_eq!(shared().as_deref(), Some(AS_OF));
}

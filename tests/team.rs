//! Many users on one branch store (issue #7): case leases, bulk reassignment (filters, balance,
//! hand-over) and the team's figures, from the command line on a small hand-made book.

mod common;

use chrono::{DateTime, NaiveDate};
use common::{AS_OF, NOW, TestDesk};
use duedesk::app::Desk;
use duedesk::app::leases::Lease;
use serde_json::Value;

// Bullet loans of one month at 12%: interest 1% of the principal. Customer K-A has two loans.
// As of 2026-03-01: B-1 and D-1 61 days past due, A-1, A-2 and C-1 30, E-1 not yet due.
const LOANS: &str = "\
loan_id,customer_id,borrower,phone,product,principal,annual_rate,term_months,disbursed_on,assignee
A-1,K-A,赵一,13800000001,bullet,10000.00,12,1,2025-12-30,wang.fang
A-2,K-A,赵一,13800000001,bullet,5000.00,12,1,2025-12-30,wang.fang
B-1,K-B,钱二,13800000002,bullet,20000.00,12,1,2025-11-30,wang.fang
C-1,K-C,孙三,13800000003,bullet,8000.00,12,1,2025-12-30,li.lei
D-1,K-D,李四,13800000004,bullet,30000.00,12,1,2025-11-30,li.lei
E-1,K-E,周五,13800000005,bullet,10000.00,12,1,2026-02-15,wang.fang
";

const SUP: &str = "zhao.sup";
const WANG: &str = "wang.fang";
const LI: &str = "li.lei";
const SUN: &str = "sun.li";

fn desk() -> TestDesk {
    let d = TestDesk::new();
    let file = d.write("loans.csv", LOANS);
    d.ok(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file)]);
    d.ok(&["users", "add", SUP, "--role", "supervisor"]);
    d.ok(&["users", "add", SUN, "--role", "collector"]);
    d.ok(&["settings", "set", "trust_env_user", "true"]);
    d
}

/// Runs as `user` at the clock `now` on `as_of`, JSON output.
fn run(d: &TestDesk, user: &str, as_of: &str, now: &str, args: &[&str]) -> common::Run {
    run_in(d, "json", user, as_of, now, args)
}

fn run_in(d: &TestDesk, format: &str, user: &str, as_of: &str, now: &str, args: &[&str]) -> common::Run {
    let mut all = vec!["--as-of", as_of, "--format", format];
    all.extend_from_slice(args);
    d.command().env("DUEDESK_USER", user).env("DUEDESK_NOW", now).args(&all).output().expect("run").into()
}

fn ok(d: &TestDesk, user: &str, args: &[&str]) -> Value {
    let r = run(d, user, AS_OF, NOW, args);
    assert_eq!(r.code, 0, "{user}: duedesk {args:?} failed:\n{}\n{}", r.stdout, r.stderr);
    r.json()
}

/// The desk opens the case to edit: the lease the terminal desk takes (the command line holds none).
fn open_case(d: &TestDesk, user: &str, now: &str, loan: &str) -> Lease {
    let as_of = NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
    let now = DateTime::parse_from_rfc3339(now).expect("now");
    let mut desk = Desk::open(d.store(), user, as_of, now).expect("desk");
    desk.take_lease(loan).expect("lease")
}

fn owners(d: &TestDesk, as_of: &str) -> Vec<(String, String)> {
    let v = d.ok(&["--as-of", as_of, "--format", "json", "loans", "--sort", "due"]).json();
    let mut rows: Vec<(String, String)> = v
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| (r["loan_id"].as_str().unwrap_or("").into(), r["assignee"].as_str().unwrap_or("-").into()))
        .collect();
    rows.sort();
    rows
}

fn owners_are(d: &TestDesk, as_of: &str, want: &[(&str, &str)]) {
    let want: Vec<(String, String)> = want.iter().map(|(l, o)| (l.to_string(), o.to_string())).collect();
    assert_eq!(owners(d, as_of), want);
}

/// Audit rows of one action: (actor, entity id, detail).
fn audit(d: &TestDesk, action: &str) -> Vec<(String, String, Value)> {
    d.text_rows("SELECT actor, entity_id, detail FROM audit_log WHERE action = $1 ORDER BY id", &[action])
        .into_iter()
        .map(|r| {
            let text = |i: usize| r[i].clone().unwrap_or_default();
            (text(0), text(1), serde_json::from_str(&text(2)).unwrap_or(Value::Null))
        })
        .collect()
}

fn rows_of(v: &Value) -> Vec<(String, i64, String, String, String)> {
    v.as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (
                r["customer_id"].as_str().unwrap_or("").to_string(),
                r["loans"].as_i64().unwrap_or(-1),
                r["from"].as_str().unwrap_or("-").to_string(),
                r["to"].as_str().unwrap_or("-").to_string(),
                r["status"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

fn row(c: &str, loans: i64, from: &str, to: &str, status: &str) -> (String, i64, String, String, String) {
    (c.into(), loans, from.into(), to.into(), status.into())
}

#[test]
fn another_users_lease_refuses_case_edits_but_not_a_contact_until_it_runs_out() {
    let d = desk();
    let lease = open_case(&d, WANG, NOW, "A-1");
    assert_eq!((lease.holder.as_str(), lease.until.as_str()), (WANG, "2026-03-01T10:15:00+08:00"));
    // The lease is the customer's: A-2 is the same case.
    let r = run(&d, SUP, AS_OF, NOW, &["next-action", "A-2", "2026-03-05"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("being worked by wang.fang until 10:15"), "{}", r.stderr);
    for args in [
        vec!["assign", "A-1", "--to", LI],
        vec!["hold", "A-1", "--kind", "dispute", "--until", "2026-03-10", "--reason", "异议"],
        vec!["write-off", "A-1", "--reason", "无力偿还"],
    ] {
        let r = run(&d, SUP, AS_OF, NOW, &args);
        assert_eq!(r.code, 3, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("being worked by wang.fang"), "{args:?}: {}", r.stderr);
    }
    // Appending a contact never waits for a lease.
    let r = run(&d, SUP, AS_OF, NOW, &["contact", "A-1", "--outcome", "no_answer"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Others see who works it; the holder does not see itself.
    let seen = |user: &str| {
        let v = ok(&d, user, &["loans", "--assignee", WANG]);
        let a = v.as_array().expect("rows").iter().find(|r| r["loan_id"] == "A-2").cloned().expect("A-2");
        a["worked_by"].clone()
    };
    assert_eq!(seen(SUP), "wang.fang");
    assert_eq!(seen(WANG), Value::Null);
    assert_eq!(ok(&d, SUP, &["show", "B-1"])["worked_by"], Value::Null);
    let status = ok(&d, SUP, &["lease", "A-2"]);
    assert_eq!((status["holder"].as_str(), status["customer_id"].as_str()), (Some(WANG), Some("K-A")));
    // The holder edits; after the lease runs out anyone allowed may.
    let r = run(&d, WANG, AS_OF, NOW, &["next-action", "A-1", "2026-03-05"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let later = "2026-03-01T10:15:00+08:00";
    let r = run(&d, SUP, AS_OF, later, &["next-action", "A-2", "2026-03-06"]);
    assert_eq!(r.code, 0, "the lease ran out at 10:15: {}", r.stderr);
    let r = run(&d, SUP, AS_OF, later, &["lease", "A-1"]);
    assert_eq!(r.json()["holder"], Value::Null, "a free case is an object with no holder");
}

#[test]
fn a_supervisor_takes_a_case_over_with_a_reason_and_it_is_audited() {
    let d = desk();
    open_case(&d, WANG, NOW, "B-1");
    let r = run(&d, LI, AS_OF, NOW, &["lease", "B-1", "--take-over", "urgent"]);
    assert_eq!(r.code, 3, "a collector cannot take over: {}", r.stderr);
    let r = run(&d, SUP, AS_OF, NOW, &["lease", "B-1", "--take-over", "  "]);
    assert_eq!(r.code, 2, "a take-over needs a reason: {}", r.stderr);
    let r = run(&d, SUP, AS_OF, NOW, &["lease", "B-1", "--release"]);
    assert_eq!(r.code, 3, "only the holder releases: {}", r.stderr);
    let r = run(&d, SUP, AS_OF, NOW, &["lease", "B-1", "--take-over", "客户来电投诉", "--format", "table"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("took over B-1 from wang.fang"), "{}", r.stdout);
    let taken = audit(&d, "lease_take_over");
    assert_eq!(taken.len(), 1);
    let (actor, case, detail) = &taken[0];
    assert_eq!((actor.as_str(), case.as_str(), detail["loan"].as_str()), (SUP, "K-B", Some("B-1")));
    assert_eq!((detail["from"].as_str(), detail["reason"].as_str()), (Some(WANG), Some("客户来电投诉")));
    let r = run(&d, SUP, AS_OF, NOW, &["next-action", "B-1", "2026-03-05"]);
    assert_eq!(r.code, 0, "free after the take-over: {}", r.stderr);
    // The desk's take-over gives the supervisor the lease; the collector is now the one refused.
    open_case(&d, WANG, NOW, "B-1");
    let as_of = NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
    let now = DateTime::parse_from_rfc3339(NOW).expect("now");
    let mut sup = Desk::open(d.store(), SUP, as_of, now).expect("desk");
    assert!(sup.take_lease("B-1").is_err(), "held by wang.fang");
    let lease = sup.take_over_lease("B-1", "复核").expect("take over");
    assert!(lease.mine && lease.holder == SUP);
    let r = run(&d, WANG, AS_OF, NOW, &["next-action", "B-1", "2026-03-07"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("being worked by zhao.sup"), "{}", r.stderr);
    assert!(sup.release_lease("B-1").expect("release"));
    let r = run(&d, WANG, AS_OF, NOW, &["next-action", "B-1", "2026-03-07"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(audit(&d, "lease_take_over").len(), 2);
    assert_eq!(audit(&d, "lease_release").len(), 1);
}

#[test]
fn a_hand_over_moves_whole_customers_and_skips_open_cases() {
    let d = desk();
    open_case(&d, WANG, NOW, "B-1");
    let before = owners(&d, AS_OF);
    let plan = ok(&d, SUP, &["assign", "--from", WANG, "--to", LI, "--dry-run", "--reason", "离职交接"]);
    assert_eq!(
        rows_of(&plan),
        vec![
            row("K-A", 2, WANG, LI, "planned"),
            row("K-E", 1, WANG, LI, "planned"),
            row("K-B", 1, WANG, LI, "skipped"),
        ]
    );
    assert_eq!(owners(&d, AS_OF), before, "a dry run changes nothing");
    assert!(audit(&d, "assign").is_empty());
    let done = ok(&d, SUP, &["assign", "--from", WANG, "--to", LI, "--reason", "离职交接"]);
    assert_eq!(
        rows_of(&done),
        vec![
            row("K-A", 2, WANG, LI, "moved"),
            row("K-E", 1, WANG, LI, "moved"),
            row("K-B", 1, WANG, LI, "skipped")
        ]
    );
    let skipped = done.as_array().expect("rows")[2]["note"].as_str().unwrap_or("").to_string();
    assert!(skipped.contains("being worked by wang.fang until 2026-03-01T10:15:00+08:00"), "{skipped}");
    owners_are(&d, AS_OF, &[("A-1", LI), ("A-2", LI), ("B-1", WANG), ("C-1", LI), ("D-1", LI), ("E-1", LI)]);
    // One audit entry and one history row per customer moved.
    let moved = audit(&d, "assign");
    let who: Vec<(&str, &str, &str)> = moved
        .iter()
        .map(|(a, _, det)| {
            (a.as_str(), det["customer"].as_str().unwrap_or(""), det["reason"].as_str().unwrap_or(""))
        })
        .collect();
    assert_eq!(who, vec![(SUP, "K-A", "离职交接"), (SUP, "K-E", "离职交接")]);
    let hist = ok(&d, SUP, &["show", "A-2"])["assignments"].clone();
    let last = hist.as_array().and_then(|h| h.last()).cloned().expect("history");
    assert_eq!((last["from"].as_str(), last["to"].as_str()), (Some(WANG), Some(LI)));
    // Once the lease runs out, running it again finishes the hand-over.
    let r = run(&d, SUP, AS_OF, "2026-03-01T10:20:00+08:00", &["assign", "--from", WANG, "--to", LI]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(rows_of(&r.json()), vec![row("K-B", 1, WANG, LI, "moved")]);
    assert_eq!(audit(&d, "assign").len(), 3);
}

#[test]
fn a_stage_or_days_past_due_selects_the_cases_to_move() {
    let d = desk();
    let late = "2026-03-20";
    let now = "2026-03-20T10:00:00+08:00";
    let r = run(&d, SUP, late, now, &["escalate"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // On the 20th E-1 is in reminder, every other loan in negotiation.
    let r = run(&d, SUP, late, now, &["assign", "--stage", "reminder", "--to", SUN]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(rows_of(&r.json()), vec![row("K-E", 1, WANG, SUN, "moved")]);
    // 61+ days past due on the 1st: B-1 and D-1; li.lei's D-1 moves to wang.fang, B-1 stays.
    let r = run(&d, SUP, AS_OF, NOW, &["assign", "--dpd-min", "61", "--to", WANG]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(rows_of(&r.json()), vec![row("K-D", 1, LI, WANG, "moved")]);
    owners_are(
        &d,
        AS_OF,
        &[("A-1", WANG), ("A-2", WANG), ("B-1", WANG), ("C-1", LI), ("D-1", WANG), ("E-1", SUN)],
    );
    // Filters combine: wang.fang's negotiation cases at 61+ days (B-1, D-1) to li.lei.
    let r = run(
        &d,
        SUP,
        late,
        now,
        &["assign", "--stage", "negotiation", "--assignee", WANG, "--dpd-min", "61", "--to", LI],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(rows_of(&r.json()), vec![row("K-B", 1, WANG, LI, "moved"), row("K-D", 1, WANG, LI, "moved")]);
}

#[test]
fn balancing_evens_out_cases_by_count_or_amount_with_few_moves() {
    let d = desk();
    // By count: four overdue cases over three collectors; wang.fang and li.lei keep one each,
    // one of wang.fang's goes to sun.li, li.lei's second stays (a tie goes to the owner).
    let plan = ok(
        &d,
        SUP,
        &[
            "assign",
            "--balance",
            "--dpd-min",
            "1",
            "--among",
            "wang.fang,li.lei,sun.li",
            "--by",
            "count",
            "--dry-run",
        ],
    );
    assert_eq!(rows_of(&plan), vec![row("K-B", 1, WANG, SUN, "planned")]);
    let t = run_in(
        &d,
        "table",
        SUP,
        AS_OF,
        NOW,
        &["assign", "--balance", "--dpd-min", "1", "--among", "wang.fang,li.lei,sun.li", "--dry-run"],
    );
    assert_eq!(t.code, 0, "{}", t.stderr);
    assert!(t.stdout.contains("would move 1 case(s); skipped 0"), "{}", t.stdout);
    assert!(t.stdout.contains("sun.li: 1 case(s), overdue 20200.00"), "{}", t.stdout);
    // By amount (overdue K-A 15150, K-B 20200, K-C 8080, K-D 30300; a third is 24576.66):
    // wang.fang keeps K-B, li.lei keeps K-C, then the heaviest left go to whoever has least.
    let done = ok(
        &d,
        SUP,
        &[
            "assign",
            "--balance",
            "--dpd-min",
            "1",
            "--among",
            "wang.fang,li.lei,sun.li",
            "--by",
            "amount",
            "--reason",
            "月初均衡",
        ],
    );
    assert_eq!(rows_of(&done), vec![row("K-A", 2, WANG, LI, "moved"), row("K-D", 1, LI, SUN, "moved")]);
    owners_are(
        &d,
        AS_OF,
        &[("A-1", LI), ("A-2", LI), ("B-1", WANG), ("C-1", LI), ("D-1", SUN), ("E-1", WANG)],
    );
    assert_eq!(audit(&d, "assign").len(), 2);
}

#[test]
fn bulk_assignment_and_the_team_view_are_a_supervisors() {
    let d = desk();
    for args in [
        vec!["assign", "--stage", "current", "--to", LI],
        vec!["assign", "--balance", "--dpd-min", "1", "--among", "wang.fang,li.lei"],
        vec!["team"],
    ] {
        let r = run(&d, WANG, AS_OF, NOW, &args);
        assert_eq!(r.code, 3, "{args:?}: {}", r.stderr);
    }
    let r = run(&d, SUP, AS_OF, NOW, &["assign", "--stage", "current", "--to", "nobody"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = run(&d, SUP, AS_OF, NOW, &["assign", "--to", LI]);
    assert_eq!(r.code, 2, "no loans and no filter: {}", r.stderr);
    let r = run(&d, SUP, AS_OF, NOW, &["team", "--month", "2026-13"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = run(&d, SUP, AS_OF, NOW, &["team", "--month", "2026-04"]);
    assert_eq!(r.code, 2, "a month after the desk's date: {}", r.stderr);
}

#[test]
fn the_team_figures_of_a_small_book() {
    let d = desk();
    let pay = d.write(
        "pay.csv",
        "loan_id,paid_on,amount\nA-1,2026-02-10,100.00\nA-1,2026-03-04,300.00\nB-1,2026-03-10,500.00\n\
         C-1,2026-03-10,250.00\nE-1,2026-03-15,1000.00\n",
    );
    d.ok_on("2026-03-20", &["--as-of", "2026-03-20", "import", "payments", TestDesk::path_str(&pay)]);
    let at = |day: &str| format!("2026-03-{day}T10:00:00+08:00");
    let contact = |user: &str, day: &str, loan: &str, extra: &[&str]| {
        let mut args = vec!["contact", loan];
        args.extend_from_slice(extra);
        let r = run(&d, user, &format!("2026-03-{day}"), &at(day), &args);
        assert_eq!(r.code, 0, "{user} {loan}: {}", r.stderr);
    };
    let promise = |amount: &str, date: &str| -> Vec<String> {
        ["--outcome", "promise", "--promise-amount", amount, "--promise-date", date]
            .map(String::from)
            .to_vec()
    };
    // On the 2nd wang.fang takes two promises: A-1's is kept (paid on the 4th), B-1's broken
    // (paid on the 10th, after its day of grace).
    let p1 = promise("300.00", "2026-03-05");
    contact(WANG, "02", "A-1", &p1.iter().map(String::as_str).collect::<Vec<_>>());
    let p2 = promise("400.00", "2026-03-06");
    contact(WANG, "02", "B-1", &p2.iter().map(String::as_str).collect::<Vec<_>>());
    // On the 20th: two calls by wang.fang, one by li.lei with a promise still open.
    contact(WANG, "20", "E-1", &["--outcome", "no_answer"]);
    contact(WANG, "20", "A-2", &["--outcome", "no_answer"]);
    let p3 = promise("100.00", "2026-03-25");
    contact(LI, "20", "D-1", &p3.iter().map(String::as_str).collect::<Vec<_>>());
    let r = run(&d, SUP, "2026-03-20", &at("20"), &["team"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = r.json();
    assert_eq!(
        (t["month"].as_str(), t["from"].as_str(), t["to"].as_str()),
        (Some("2026-03"), Some("2026-03-01"), Some("2026-03-20"))
    );
    let figures: Vec<Vec<String>> = t["collectors"]
        .as_array()
        .expect("collectors")
        .iter()
        .map(|c| {
            [
                "user",
                "open_cases",
                "open_loans",
                "overdue_amount",
                "contacts_today",
                "promises_made",
                "promises_kept",
                "promises_broken",
                "collected",
            ]
            .iter()
            .map(|k| match &c[*k] {
                Value::String(s) => s.clone(),
                v => v.to_string(),
            })
            .collect()
        })
        .collect();
    let want = |r: [&str; 9]| r.map(String::from).to_vec();
    assert_eq!(
        figures,
        vec![
            // li.lei: C-1 8080 − 250, D-1 30300.
            want(["li.lei", "2", "2", "38130.00", "1", "1", "0", "0", "250.00"]),
            want(["sun.li", "0", "0", "0.00", "0", "0", "0", "0", "0.00"]),
            // wang.fang: A-1 10100 − 400, A-2 5050, B-1 20200 − 500, E-1 10100 − 1000.
            want(["wang.fang", "3", "4", "43550.00", "2", "2", "1", "1", "1800.00"]),
        ]
    );
    let funnel: Vec<(String, i64)> = t["funnel"]
        .as_array()
        .expect("funnel")
        .iter()
        .map(|s| (s["stage"].as_str().unwrap_or("").to_string(), s["loans"].as_i64().unwrap_or(-1)))
        .collect();
    let stages = ["current", "reminder", "negotiation", "guarantor", "legal"];
    assert_eq!(
        funnel,
        stages.iter().map(|s| (s.to_string(), if *s == "current" { 6 } else { 0 })).collect::<Vec<_>>()
    );
    let daily = t["daily"].as_array().expect("daily");
    assert_eq!(daily.len(), 20);
    let paid: Vec<(&str, &str)> = daily
        .iter()
        .filter(|x| x["amount"] != "0.00")
        .map(|x| (x["day"].as_str().unwrap_or(""), x["amount"].as_str().unwrap_or("")))
        .collect();
    assert_eq!(paid, vec![("2026-03-04", "300.00"), ("2026-03-10", "750.00"), ("2026-03-15", "1000.00")]);
    assert_eq!(t["collected"], "2050.00");
    // February: only A-1's 100.00, and the whole month.
    let feb = run(&d, SUP, "2026-03-20", &at("20"), &["team", "--month", "2026-02"]).json();
    assert_eq!((feb["to"].as_str(), feb["collected"].as_str()), (Some("2026-02-28"), Some("100.00")));
    assert_eq!(feb["daily"].as_array().map(Vec::len), Some(28));
    // CSV: one row per collector.
    let csv = run_in(&d, "csv", SUP, "2026-03-20", &at("20"), &["team"]);
    assert_eq!(csv.stdout.lines().count(), 4, "{}", csv.stdout);
    assert!(csv.stdout.starts_with("user,display_name,open_cases,"), "{}", csv.stdout);
}

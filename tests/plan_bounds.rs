//! Plans and promises within the policy's bounds: neither launders a loan. A plan's first
//! installment comes within `plan.max_first_days`, a promise's date within `promise.max_days`, a
//! promise holds escalation only from `promise.min_hold_share` of the arrears, and a plan never
//! improves the class or the stage by itself. Payments before a plan stay counted; the next
//! action's date is judged by the clock.

mod common;

use common::{AS_OF, TestDesk};
use serde_json::Value;

const LOANS: &str = "\
loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,assignee
P-1,周杰,equal_principal,12000.00,12,12,2025-10-15,wang.fang
L-1,郑七,bullet,10000.00,12,1,2024-12-01,wang.fang
A-30,赵一,bullet,10000.00,12,1,2025-12-30,wang.fang
B-30,钱二,bullet,10000.00,12,1,2025-12-30,wang.fang
";

fn desk() -> TestDesk {
    let d = TestDesk::new();
    let file = d.write("loans.csv", LOANS);
    d.ok(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file)]);
    // Two installments of P-1 paid; the ones due 2026-01-15 and 2026-02-15 are overdue on 2026-03-01.
    let pay = d.write("pay.csv", "loan_id,paid_on,amount\nP-1,2025-12-15,2230.00\n");
    d.ok(&["--as-of", AS_OF, "import", "payments", TestDesk::path_str(&pay)]);
    d
}

fn show(d: &TestDesk, as_of: &str, loan: &str) -> Value {
    d.ok(&["--as-of", as_of, "show", loan, "--format", "json"]).json()
}

fn plan(d: &TestDesk, loan: &str, first: &str, save: Option<&str>) -> common::Run {
    let mut args =
        vec!["--as-of", AS_OF, "--format", "json", "plan", loan, "--installments", "3", "--first", first];
    if let Some(reason) = save {
        args.extend_from_slice(&["--save", reason]);
    }
    d.run(&args)
}

fn promise(d: &TestDesk, loan: &str, amount: &str, on: &str) -> common::Run {
    d.run(&[
        "--as-of",
        AS_OF,
        "contact",
        loan,
        "--outcome",
        "promise",
        "--promise-amount",
        amount,
        "--promise-date",
        on,
    ])
}

#[test]
fn a_plans_first_installment_and_a_promises_date_are_bounded_by_the_policy() {
    let d = desk();
    for first in ["9999-12-31", "2026-05-01"] {
        let r = plan(&d, "P-1", first, Some("x"));
        assert_eq!(r.code, 2, "--first {first}: {}", r.stderr);
    }
    let r = plan(&d, "P-1", "2026-05-01", None);
    assert!(r.stderr.contains("plan.max_first_days") && r.stderr.contains("60"), "{}", r.stderr);
    assert_eq!(plan(&d, "P-1", "2026-04-30", None).code, 0, "60 days after the plan's date");

    let r = promise(&d, "A-30", "5000", "9999-12-31");
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = promise(&d, "A-30", "5000", "2026-04-01");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("promise.max_days") && r.stderr.contains("30"), "{}", r.stderr);
    assert_eq!(promise(&d, "A-30", "5000", "2026-03-31").code, 0);

    // The bounds are the policy's: an admin may tighten them, and a bad value is caught by check.
    let tight =
        d.write("tight.toml", "[plan]\nmax_first_days = 10\n[promise]\nmax_days = 5\nmin_hold_share = 50\n");
    let tight = TestDesk::path_str(&tight);
    d.ok(&["policy", "check", tight]);
    d.ok(&["policy", "set", tight]);
    let shown = d.ok(&["policy", "show"]).stdout;
    assert!(shown.contains("[plan]\nmax_first_days = 10\n"), "{shown}");
    assert!(shown.contains("max_days = 5\nmin_hold_share = 50\n"), "{shown}");
    assert_eq!(plan(&d, "P-1", "2026-03-12", None).code, 2);
    assert_eq!(plan(&d, "P-1", "2026-03-11", None).code, 0);
    assert_eq!(promise(&d, "B-30", "5000", "2026-03-07").code, 2);
    let bad =
        d.write("bad.toml", "[plan]\nmax_first_days = 0\n[promise]\nmax_days = 400\nmin_hold_share = 101\n");
    let r = d.run(&["policy", "check", TestDesk::path_str(&bad)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    for key in ["plan.max_first_days", "promise.max_days", "promise.min_hold_share"] {
        assert!(r.stderr.contains(key), "{key}: {}", r.stderr);
    }
}

#[test]
fn a_promise_holds_escalation_only_from_its_share_of_the_arrears() {
    let d = desk();
    d.ok(&["--as-of", AS_OF, "escalate"]);
    assert_eq!(show(&d, AS_OF, "A-30")["stage"], "reminder");
    // Overdue on each: 10,100.00; 20 % is 2,020.00.
    assert_eq!(promise(&d, "A-30", "0.01", "2026-03-05").code, 0);
    assert_eq!(promise(&d, "B-30", "2020.00", "2026-03-05").code, 0);
    let day = "2026-03-03";
    let r = d.ok_on(day, &["--as-of", day, "--format", "json", "escalate"]);
    let changes = r.json();
    let moved: Vec<&str> =
        changes.as_array().expect("changes").iter().filter_map(|c| c["loan_id"].as_str()).collect();
    assert_eq!(moved, ["A-30"], "a promise of 0.01 holds nothing");
    assert_eq!(show(&d, day, "A-30")["stage"], "negotiation");
    assert_eq!(show(&d, day, "B-30")["stage"], "reminder", "a fifth of the arrears holds");
    assert!(r.stderr.contains("held by a promise 1"), "{}", r.stderr);
}

#[test]
fn a_plan_never_improves_the_class_or_the_stage_by_itself() {
    let d = desk();
    d.ok(&["--as-of", AS_OF, "escalate"]);
    let before = show(&d, AS_OF, "L-1");
    assert_eq!((before["dpd"].as_i64(), before["class"].as_str()), (Some(424), Some("loss")));
    assert_eq!(before["stage"], "legal");
    let r = plan(&d, "L-1", "2026-03-20", Some("借款人同意分三期还清"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = show(&d, AS_OF, "L-1");
    assert_eq!(after["dpd"], 0, "the plan's installments are not due yet");
    assert_eq!(after["class"], "loss", "the class holds");
    assert_eq!(after["stage"], "legal");
    let listed = d.ok(&["--as-of", AS_OF, "loans", "--format", "json"]).json();
    let row = listed.as_array().expect("rows").iter().find(|r| r["loan_id"] == "L-1").cloned().expect("L-1");
    assert_eq!(row["class"], "loss", "the list agrees");
    // The next run does not cure it from legal.
    let day = "2026-03-02";
    let r = d.ok_on(day, &["--as-of", day, "--format", "json", "escalate"]);
    assert!(!r.stdout.contains("L-1"), "{}", r.stdout);
    assert!(r.stderr.contains("kept from a cure by a plan 1"), "{}", r.stderr);
    assert_eq!(show(&d, day, "L-1")["stage"], "legal");
    assert_eq!(show(&d, day, "L-1")["class"], "loss");
    // Nor does its collector by hand: under the plan that is a move back, a supervisor's (DOMAIN §6).
    d.ok(&["settings", "set", "trust_env_user", "true"]);
    let back = ["--as-of", day, "move", "L-1", "--to", "current", "--reason", "on a plan"];
    let mut collector = d.command();
    collector.env("DUEDESK_USER", "wang.fang").env("DUEDESK_NOW", common::now_on(day)).args(back);
    let r: common::Run = collector.output().expect("run").into();
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(show(&d, day, "L-1")["stage"], "legal");
    d.ok_on(day, &back);
    // A plan is saved as of today by the clock, not of a date typed ahead.
    let r = d.run(&[
        "--as-of",
        "2026-04-01",
        "plan",
        "P-1",
        "--installments",
        "3",
        "--first",
        "2026-04-10",
        "--save",
        "x",
    ]);
    assert_eq!(r.code, 3, "{}", r.stderr);
}

#[test]
fn payments_before_a_plan_stay_counted_and_shown() {
    let d = desk();
    assert_eq!(show(&d, AS_OF, "P-1")["paid_total"], "2230.00");
    let r = plan(&d, "P-1", "2026-03-10", Some("分三期补缴"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = show(&d, AS_OF, "P-1");
    assert_eq!(after["paid_total"], "2230.00");
    assert_eq!(after["paid_before_plan"], "2230.00");
    assert_eq!(after["payments"].as_array().map(Vec::len), Some(1));
    let text = d.ok(&["--as-of", AS_OF, "--format", "table", "show", "P-1"]).stdout;
    assert!(text.contains("paid 2230.00"), "{text}");
    assert!(text.contains("2230.00 paid before it"), "{text}");
    // A loan without a plan says nothing of one.
    assert_eq!(show(&d, AS_OF, "A-30")["paid_before_plan"], Value::Null);
}

#[test]
fn the_next_actions_date_is_judged_by_the_clock_not_the_as_of_date() {
    let d = desk();
    // The clock says 2026-03-01. A date before it is in the past whatever the as-of date.
    let r = d.run(&["--as-of", "2026-02-01", "next-action", "P-1", "2026-02-15"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // A date after it is fine, even before a later as-of date.
    d.ok(&["--as-of", "2026-04-01", "next-action", "P-1", "2026-03-15"]);
    assert_eq!(show(&d, AS_OF, "P-1")["next_action_on"], "2026-03-15");
    let r = d.run(&["--as-of", AS_OF, "next-action", "P-1", "9999-12-31"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

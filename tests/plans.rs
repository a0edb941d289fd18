//! Payment plans, extensions and restructures from the command line: the preview is what is saved,
//! and delinquency then follows the new schedule.

mod common;

use common::{AS_OF, TestDesk};
use serde_json::Value;

const LOANS: &str = "\
loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,assignee
P-1,周杰,equal_principal,12000.00,12,12,2025-10-15,wang.fang
";

fn desk() -> TestDesk {
    let d = TestDesk::new();
    let file = d.write("loans.csv", LOANS);
    d.ok(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file)]);
    // Two installments paid; the ones due 2026-01-15 and 2026-02-15 are overdue on 2026-03-01.
    let pay = d.write("pay.csv", "loan_id,paid_on,amount\nP-1,2025-12-15,2230.00\n");
    d.ok(&["--as-of", AS_OF, "import", "payments", TestDesk::path_str(&pay)]);
    d
}

fn json(d: &TestDesk, args: &[&str]) -> Value {
    let mut all = vec!["--as-of", AS_OF];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    d.ok(&all).json()
}

#[test]
fn preview_equals_what_is_saved_and_delinquency_follows_the_plan() {
    let d = desk();
    let before = json(&d, &["show", "P-1"]);
    assert_eq!(before["dpd"], 45);
    let plan = ["plan", "P-1", "--installments", "3", "--first", "2026-03-10"];
    let preview = json(&d, &plan);
    assert_eq!(preview["saved"], Value::Null);
    assert_eq!(json(&d, &["show", "P-1"])["dpd"], 45, "a preview changes nothing");

    let mut save = plan.to_vec();
    save.extend_from_slice(&["--save", "借款人失业，协商分三期补缴欠款"]);
    let saved = json(&d, &save);
    assert!(saved["saved"].as_i64().is_some());
    assert_eq!(saved["schedule"], preview["schedule"]);
    assert_eq!(json(&d, &["schedule", "P-1"]), preview["schedule"]);

    let after = json(&d, &["show", "P-1"]);
    assert_eq!(after["dpd"], 0);
    assert_eq!(after["outstanding_principal"], before["outstanding_principal"]);
    assert_eq!(after["next_due_on"], "2026-03-10");
    assert_eq!(after["plans"][0]["kind"], "plan");
    assert_eq!(after["plans"][0]["in_force"], true);
    // The list agrees (a payment plan is recomputed into the shared snapshot).
    let row = json(&d, &["loans"]);
    assert_eq!(row[0]["dpd"], 0);
    // Missing the first plan installment: overdue again from its date.
    let late = d.ok(&["--as-of", "2026-03-12", "show", "P-1", "--format", "json"]).json();
    assert_eq!(late["dpd"], 2);
    // Paying it after the plan's date keeps the loan current.
    let pay = d.write(
        "pay2.csv",
        &format!(
            "loan_id,paid_on,amount\nP-1,2026-03-10,{}\n",
            saved["schedule"][0]["payment"].as_str().expect("amount")
        ),
    );
    d.ok_on("2026-03-10", &["--as-of", "2026-03-10", "import", "payments", TestDesk::path_str(&pay)]);
    let paid = d.ok(&["--as-of", "2026-03-12", "show", "P-1", "--format", "json"]).json();
    assert_eq!(paid["dpd"], 0);
}

#[test]
fn restructure_is_for_supervisors_and_starts_observation() {
    let d = desk();
    d.ok(&["users", "add", "wang.fang.boss", "--role", "supervisor"]);
    d.ok(&["settings", "set", "trust_env_user", "true"]);
    let args = [
        "--as-of",
        AS_OF,
        "plan",
        "P-1",
        "--kind",
        "restructure",
        "--scope",
        "balance",
        "--installments",
        "24",
        "--first",
        "2026-03-15",
        "--save",
        "重组",
        "--format",
        "json",
    ];
    let r = d.run_as("wang.fang", &args);
    assert_eq!(r.code, 3, "a collector cannot restructure: {}", r.stderr);
    let r = d.run_as("wang.fang.boss", &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let saved = r.json();
    assert_eq!(saved["observation_until"], "2027-03-02");
    let show = json(&d, &["show", "P-1"]);
    assert_eq!(show["dpd"], 0);
    assert_eq!(show["class"], "special_mention", "observed after a restructure");
    assert_eq!(show["schedule"].as_array().map(Vec::len), Some(24));
}

#[test]
fn plans_refuse_bad_input() {
    let d = desk();
    let r = d.run(&["--as-of", AS_OF, "plan", "P-1", "--first", "2026-02-01", "--installments", "3"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = d.run(&["--as-of", AS_OF, "plan", "P-1", "--first", "2026-03-10"]);
    assert_eq!(r.code, 2, "no count or amount: {}", r.stderr);
    let r = d.run(&[
        "--as-of",
        AS_OF,
        "plan",
        "P-1",
        "--first",
        "2026-03-10",
        "--installments",
        "3",
        "--save",
        "  ",
    ]);
    assert_eq!(r.code, 2, "a blank reason: {}", r.stderr);
    let r = d.run(&[
        "--as-of",
        AS_OF,
        "plan",
        "P-1",
        "--kind",
        "extension",
        "--scope",
        "balance",
        "--first",
        "2026-03-10",
        "--installments",
        "3",
        "--save",
        "x",
    ]);
    assert_eq!(r.code, 2, "an extension that does not extend: {}", r.stderr);
}

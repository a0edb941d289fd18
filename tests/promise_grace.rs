//! The policy in force is the one source of the promise grace: with `grace_days = 3`, a promise
//! two days past its date is active in `show`, in the queue's mark, in the promise list and in the
//! team figures, and the escalation run holds its loan; four days past, it is broken everywhere.

mod common;

use common::{AS_OF, TestDesk};
use serde_json::Value;

// A bullet loan of one month, due 2026-01-30: DPD 30 on 2026-03-01, 36 on 2026-03-07.
const LOANS: &str = "\
loan_id,borrower,phone,product,principal,annual_rate,term_months,disbursed_on,assignee
A-30,赵一,13800000001,bullet,10000.00,12,1,2025-12-30,wang.fang
";

const POLICY: &str = "[promise]\ngrace_days = 3\n";

/// The promise's date; two days after it the grace of three still runs, four days after it is over.
const PROMISED: &str = "2026-03-05";
const IN_GRACE: &str = "2026-03-07";
const LAPSED: &str = "2026-03-09";

fn desk() -> TestDesk {
    let d = TestDesk::new();
    let file = d.write("loans.csv", LOANS);
    d.ok(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file)]);
    // Into reminder at DPD 30.
    d.ok(&["--as-of", AS_OF, "escalate"]);
    let policy = d.write("policy.toml", POLICY);
    d.ok(&["policy", "set", TestDesk::path_str(&policy)]);
    d.ok(&[
        "--as-of",
        AS_OF,
        "contact",
        "A-30",
        "--outcome",
        "promise",
        "--promise-amount",
        "5000.00",
        "--promise-date",
        PROMISED,
    ]);
    d
}

fn json(d: &TestDesk, as_of: &str, args: &[&str]) -> Value {
    let mut all = vec!["--as-of", as_of, "--format", "json"];
    all.extend_from_slice(args);
    d.ok(&all).json()
}

/// The promise's status as `show`, the loan list's mark and the promise list give it.
fn statuses(d: &TestDesk, as_of: &str) -> [String; 3] {
    let text = |v: &Value| v.as_str().unwrap_or("(none)").to_string();
    let show = json(d, as_of, &["show", "A-30"]);
    let list = json(d, as_of, &["loans", "--search", "A-30"]);
    let promises = json(d, as_of, &["promises"]);
    [text(&show["promises"][0]["status"]), text(&list[0]["promise_status"]), text(&promises[0]["status"])]
}

/// The team's kept and broken promises of the month, over every desk user.
fn team(d: &TestDesk, as_of: &str) -> (i64, i64) {
    let r = json(d, as_of, &["team", "--month", "2026-03"]);
    let users = r["collectors"].as_array().expect("collectors");
    let sum = |k: &str| users.iter().map(|u| u[k].as_i64().expect("a count")).sum();
    (sum("promises_kept"), sum("promises_broken"))
}

/// The run's changes and how many loans a promise held (from the summary on stderr).
fn escalate(d: &TestDesk, as_of: &str) -> (Vec<Value>, u64) {
    let r = d.ok_on(as_of, &["--as-of", as_of, "--format", "json", "escalate"]);
    let tail = r.stderr.split("held by a promise ").nth(1).expect("summary");
    let held = tail.split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse().ok()).expect("held");
    (r.json().as_array().expect("changes").clone(), held)
}

#[test]
fn a_promise_in_the_policys_grace_is_active_everywhere_and_holds_the_run() {
    let d = desk();
    assert_eq!(statuses(&d, IN_GRACE), ["active", "active", "active"].map(String::from));
    assert_eq!(team(&d, IN_GRACE), (0, 0), "an active promise is neither kept nor broken");
    let (changes, held) = escalate(&d, IN_GRACE);
    assert_eq!((changes.len(), held), (0, 1), "{changes:?}");
    assert_eq!(json(&d, IN_GRACE, &["show", "A-30"])["stage"], "reminder");

    assert_eq!(statuses(&d, LAPSED), ["broken", "broken", "broken"].map(String::from));
    assert_eq!(team(&d, LAPSED), (0, 1));
    let (changes, held) = escalate(&d, LAPSED);
    assert_eq!(held, 0);
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(
        (&changes[0]["from"], &changes[0]["to"]),
        (&Value::from("reminder"), &Value::from("negotiation"))
    );
}

#[test]
fn a_payment_within_the_policys_grace_keeps_the_promise() {
    let d = desk();
    // Paid on the promise date + 2: late for one day of grace, in time for three.
    let pay = d.write("pay.csv", "loan_id,paid_on,amount\nA-30,2026-03-07,5000.00\n");
    d.ok_on(IN_GRACE, &["--as-of", IN_GRACE, "import", "payments", TestDesk::path_str(&pay)]);
    assert_eq!(statuses(&d, LAPSED), ["kept", "kept", "kept"].map(String::from));
    assert_eq!(team(&d, LAPSED), (1, 0));
}

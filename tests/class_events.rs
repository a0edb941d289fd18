//! Class changes as events (DOMAIN §5): the nightly run records the loans whose class moved by the
//! date alone, a payment, classify and lift record their own, the NPL hold keeps the class (and
//! records nothing) until it lifts, and a second run on a date records nothing.

mod common;

use common::TestDesk;
use serde_json::Value;

/// 1,200.00 at no interest over twelve months from 2025-01-10: 100.00 due on the 10th from
/// February.
fn desk(loans: &[&str]) -> TestDesk {
    let d = TestDesk::new();
    let mut csv = String::from(
        "loan_id,borrower,customer_id,product,principal,annual_rate,term_months,disbursed_on,assignee\n",
    );
    for id in loans {
        csv.push_str(&format!("{id},借款人{id},C-{id},equal_principal,1200,0,12,2025-01-10,li.lei\n"));
    }
    let file = d.write("loans.csv", &csv);
    d.ok(&["--as-of", "2025-01-10", "import", "loans", TestDesk::path_str(&file)]);
    d
}

/// The nightly run on its day; its summary line.
fn run(d: &TestDesk, on: &str) -> String {
    let r = d.ok_on(on, &["--as-of", on, "escalate"]);
    format!("{}{}", r.stdout, r.stderr)
}

fn pay(d: &TestDesk, on: &str, rows: &[(&str, &str, &str)]) {
    let mut csv = String::from("loan_id,paid_on,amount\n");
    for (id, paid_on, amount) in rows {
        csv.push_str(&format!("{id},{paid_on},{amount}\n"));
    }
    let file = d.write("payments.csv", &csv);
    d.ok_on(on, &["--as-of", on, "import", "payments", TestDesk::path_str(&file)]);
}

fn show(d: &TestDesk, id: &str, on: &str) -> Value {
    d.ok_on(on, &["--as-of", on, "show", id, "--format", "json"]).json()
}

/// A loan's class events, oldest first: (on, from, to, reason, cause, user).
fn events(d: &TestDesk, id: &str, on: &str) -> Vec<[String; 6]> {
    let v = show(d, id, on);
    let s = |e: &Value, k: &str| e[k].as_str().unwrap_or("-").to_string();
    let mut out: Vec<[String; 6]> = v["class_events"]
        .as_array()
        .expect("class_events")
        .iter()
        .map(|e| [s(e, "on"), s(e, "from"), s(e, "to"), s(e, "reason"), s(e, "cause"), s(e, "user")])
        .collect();
    out.reverse();
    out
}

/// The login the tests run as, the store's admin.
fn me() -> String {
    whoami::username().expect("login")
}

fn ev(on: &str, from: &str, to: &str, reason: &str, cause: &str, user: &str) -> [String; 6] {
    [on, from, to, reason, cause, user].map(String::from)
}

#[test]
fn the_run_records_bands_crossed_by_the_date_once_and_a_payment_its_cure() {
    let d = desk(&["L1", "P1"]);
    // The first run takes every loan's class silently: what moved before is not known.
    let first = run(&d, "2025-02-01");
    assert!(!first.contains("class changes"), "{first}");
    assert!(events(&d, "L1", "2025-02-01").is_empty());

    // DPD 1: special mention, by the date alone.
    let day1 = run(&d, "2025-02-11");
    assert!(day1.contains("class changes 2"), "{day1}");
    let sm = ev("2025-02-11", "normal", "special_mention", "floor", "run", "-");
    assert_eq!(events(&d, "L1", "2025-02-11"), std::slice::from_ref(&sm));
    // A second run on the date records nothing.
    let again = run(&d, "2025-02-11");
    assert!(!again.contains("class changes"), "{again}");
    assert_eq!(events(&d, "L1", "2025-02-11"), std::slice::from_ref(&sm));

    // DPD 31 is a bucket, not a class: nothing to record.
    let day31 = run(&d, "2025-03-13");
    assert!(!day31.contains("class changes"), "{day31}");
    // P1 pays its two installments on the day: cured by the payment.
    pay(&d, "2025-03-13", &[("P1", "2025-03-13", "200")]);
    assert_eq!(
        events(&d, "P1", "2025-03-13"),
        [sm.clone(), ev("2025-03-13", "special_mention", "normal", "floor", "payment", &me())]
    );

    // DPD 91: substandard, one event, at the first run on or after the day it is reached.
    run(&d, "2025-05-11");
    assert_eq!(events(&d, "L1", "2025-05-11").len(), 1, "DPD 90 is still special mention");
    run(&d, "2025-05-14");
    assert_eq!(
        events(&d, "L1", "2025-05-14"),
        [sm, ev("2025-05-14", "special_mention", "substandard", "floor", "run", "-")]
    );
    // The history's table on the command line.
    let text = d.ok_on("2025-05-14", &["--as-of", "2025-05-14", "show", "L1", "--format", "table"]).stdout;
    assert!(text.contains("Class history") && text.contains("special_mention → substandard"), "{text}");
}

#[test]
fn the_npl_hold_keeps_the_class_without_an_event_until_it_lifts() {
    let d = desk(&["N91"]);
    run(&d, "2025-02-01");
    run(&d, "2025-05-12");
    // Normal at the last run, substandard at this one: one event from one to the other.
    let sub = ev("2025-05-12", "normal", "substandard", "floor", "run", "-");
    assert_eq!(events(&d, "N91", "2025-05-12"), [sub]);
    // The four installments repaid on the 91st day: DPD 0, held substandard, no event.
    run(&d, "2025-05-13");
    pay(&d, "2025-05-13", &[("N91", "2025-05-13", "400")]);
    let v = show(&d, "N91", "2025-05-13");
    assert_eq!(
        (v["dpd"].as_i64(), v["class"].as_str(), v["class_reason"].as_str()),
        (Some(0), Some("substandard"), Some("npl_hold"))
    );
    assert_eq!(events(&d, "N91", "2025-05-13").len(), 1);
    // Paid on time from then on: the hold lifts on 11-11, six months after the late installment.
    let on_time: Vec<(&str, String, &str)> =
        (6..=11).map(|m| ("N91", format!("2025-{m:02}-10"), "100")).collect();
    let on_time: Vec<(&str, &str, &str)> = on_time.iter().map(|(a, b, c)| (*a, b.as_str(), *c)).collect();
    pay(&d, "2025-11-10", &on_time);
    run(&d, "2025-11-10");
    assert_eq!(events(&d, "N91", "2025-11-10").len(), 1, "still held");
    run(&d, "2025-11-12");
    let all = events(&d, "N91", "2025-11-12");
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(all[1], ev("2025-11-12", "substandard", "normal", "floor", "run", "-"));
}

#[test]
fn classify_and_lift_each_record_one_event() {
    let d = desk(&["C1"]);
    run(&d, "2025-02-01");
    d.ok(&["--as-of", "2025-02-05", "classify", "C1", "--class", "substandard", "--reason", "经营恶化"]);
    d.ok(&["--as-of", "2025-02-06", "classify", "C1", "--lift", "复核"]);
    assert_eq!(
        events(&d, "C1", "2025-02-06"),
        [
            ev("2025-02-05", "normal", "substandard", "manual", "classify", &me()),
            ev("2025-02-06", "substandard", "normal", "floor", "lift", &me()),
        ]
    );
    // The run after records neither again.
    let next = run(&d, "2025-02-07");
    assert!(!next.contains("class changes"), "{next}");
}

#[test]
fn a_manual_class_that_lapses_by_its_date_is_recorded_by_the_next_run() {
    let d = desk(&["C1"]);
    run(&d, "2025-02-01");
    d.ok(&[
        "--as-of",
        "2025-02-02",
        "classify",
        "C1",
        "--class",
        "doubtful",
        "--reason",
        "担保人失联",
        "--until",
        "2025-02-03",
    ]);
    run(&d, "2025-02-03");
    assert_eq!(events(&d, "C1", "2025-02-03").len(), 1, "in force through its last day");
    run(&d, "2025-02-05");
    assert_eq!(
        events(&d, "C1", "2025-02-05"),
        [
            ev("2025-02-02", "normal", "doubtful", "manual", "classify", &me()),
            ev("2025-02-05", "doubtful", "normal", "floor", "run", "-"),
        ]
    );
}

#[test]
fn a_policy_that_moves_the_class_bands_records_the_classes_it_moves() {
    let d = desk(&["L1"]);
    run(&d, "2025-02-01");
    run(&d, "2025-06-15");
    assert_eq!(events(&d, "L1", "2025-06-15").len(), 1, "DPD 125: substandard");
    // Credit-card bands: 121–180 days is doubtful.
    d.ok(&["--as-of", "2025-06-15", "settings", "set", "class_bands", "credit_card"]);
    assert_eq!(
        events(&d, "L1", "2025-06-15")[1],
        ev("2025-06-15", "substandard", "doubtful", "floor", "policy", &me())
    );
    let next = run(&d, "2025-06-16");
    assert!(!next.contains("class changes"), "{next}");
}

#[test]
fn a_loan_imported_after_the_baseline_enters_at_its_class_without_an_event() {
    let d = desk(&["L1"]);
    run(&d, "2025-02-01");
    // Nothing paid since 2024-11-10: 87 days past due on the day it is imported.
    let file = d.write(
        "more.csv",
        "loan_id,borrower,customer_id,product,principal,annual_rate,term_months,disbursed_on,assignee\n\
         L2,借款人L2,C-L2,equal_principal,1200,0,12,2024-10-10,li.lei\n",
    );
    d.ok(&["--as-of", "2025-02-05", "import", "loans", TestDesk::path_str(&file)]);
    run(&d, "2025-02-05");
    assert!(events(&d, "L2", "2025-02-05").is_empty(), "special mention on entering the book");
    run(&d, "2025-02-09");
    assert_eq!(
        events(&d, "L2", "2025-02-09"),
        [ev("2025-02-09", "special_mention", "substandard", "floor", "run", "-")]
    );
}

//! The collector scorecard through the binary (issue #19, DOMAIN §12), figures worked by hand:
//! li.qiang owns loan A, wang.fang loan F (12,000.00 at 0 % over 12 months, 1,000.00 a month).
//! In February li.qiang collects 3,000.00 on A, takes a promise of 1,000.00 by 02-10 that A's
//! payment of 02-08 keeps, and makes two calls to the debtor, one a right-party contact.

mod common;

use common::TestDesk;
use serde_json::{Value, json};

const LOANS: &str = "loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,assignee
A,甲,equal_principal,12000,0,12,2025-06-01,li.qiang
F,己,equal_principal,12000,0,12,2025-06-01,wang.fang
";

fn book() -> TestDesk {
    let d = TestDesk::new();
    let loans = d.write("loans.csv", LOANS);
    d.ok_on("2026-01-15", &["--as-of", "2026-01-15", "import", "loans", TestDesk::path_str(&loans)]);
    let pays = d.write("p.csv", "loan_id,paid_on,amount\nA,2025-07-01,7000\nF,2025-07-01,8000\nA,2026-02-08,1000\nA,2026-02-15,2000\nF,2026-02-01,1000\n");
    d.ok(&["--as-of", "2026-03-01", "import", "payments", TestDesk::path_str(&pays)]);
    let call = |day: &str, extra: &[&str]| {
        let mut args = vec!["--as-of", day, "contact", "A", "--party", "debtor", "--channel", "call"];
        args.extend_from_slice(extra);
        // li.qiang calls, on the day.
        let r = d
            .command()
            .env("DUEDESK_USER", "li.qiang")
            .env("DUEDESK_NOW", common::now_on(day))
            .args(&args)
            .output()
            .expect("run duedesk");
        assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    };
    call("2026-02-05", &["--outcome", "promise", "--promise-amount", "1000", "--promise-date", "2026-02-10"]);
    call("2026-02-06", &["--outcome", "no_answer"]);
    d.ok(&[
        "--as-of",
        "2026-03-01",
        "targets",
        "set",
        "li.qiang",
        "--month",
        "2026-02",
        "--collected",
        "6000",
        "--ptp-kept",
        "80",
        "--rpc",
        "40",
    ]);
    d
}

fn card(d: &TestDesk, user: &str) -> Value {
    let cards = d
        .ok(&["--as-of", "2026-03-01", "--format", "json", "scorecard", "--month", "2026-02", "--user", user])
        .json();
    cards.as_array().and_then(|c| c.first()).cloned().expect("a scorecard")
}

#[test]
fn the_score_weighs_the_months_figures_against_the_targets() {
    let d = book();
    let c = card(&d, "li.qiang");
    assert_eq!(
        (
            c["collected"].clone(),
            c["ptp_kept"].clone(),
            c["ptp_broken"].clone(),
            c["rpc"].clone(),
            c["call_attempts"].clone()
        ),
        (json!("3000.00"), json!(1), json!(0), json!(1), json!(2))
    );
    // Collected 50 % of 6,000 (25 of 50), promises 100 % of 80 % (20), RPC 50 % of 40 % (15),
    // cured and logs without a target (10 and 5).
    assert_eq!(c["score"], json!("75.00"), "{c}");
    let points: Vec<Value> =
        c["lines"].as_array().expect("lines").iter().map(|l| l["points"].clone()).collect();
    assert_eq!(points, vec![json!("25.00"), json!("20.00"), json!("15.00"), json!("10.00"), json!("5.00")]);
    // Weights are the store's setting.
    d.ok(&["settings", "set", "scorecard_weights", "collected=30,ptp_kept=30,rpc=20,cured=10,logs=10"]);
    assert_eq!(card(&d, "li.qiang")["score"], json!("85.00"));
    let bad = d.run(&["settings", "set", "scorecard_weights", "collected=30,ptp_kept=30"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert_eq!(card(&d, "wang.fang")["collected"], json!("1000.00"));
    // The promises report counts the same promise, by owner and for the team.
    let by = d
        .ok(&[
            "--as-of",
            "2026-03-01",
            "--format",
            "json",
            "report",
            "promises",
            "--from",
            "2026-02",
            "--to",
            "2026-02",
            "--by",
            "owner",
        ])
        .json();
    let li =
        by.as_array().expect("rows").iter().find(|r| r["group"] == "li.qiang").cloned().expect("li.qiang");
    assert_eq!(
        (li["kept"].clone(), li["broken"].clone(), li["rate"].clone()),
        (json!(1), json!(0), json!("100.00"))
    );
    let team = d
        .ok(&[
            "--as-of",
            "2026-03-01",
            "--format",
            "json",
            "report",
            "promises",
            "--from",
            "2026-01",
            "--to",
            "2026-02",
        ])
        .json();
    assert_eq!(team.as_array().map(Vec::len), Some(2));
    assert_eq!(team[1]["kept"], json!(1));
}

#[test]
fn a_closed_month_is_kept_as_it_was_whatever_is_paid_later() {
    let d = book();
    let early = d.run(&["--as-of", "2026-02-20", "scorecard", "close", "--month", "2026-02"]);
    assert_eq!(early.code, 3, "a month closes once it is over: {}", early.stderr);
    d.ok(&["--as-of", "2026-03-01", "scorecard", "close", "--month", "2026-02"]);
    let again = d.run(&["--as-of", "2026-03-01", "scorecard", "close", "--month", "2026-02"]);
    assert_eq!(again.code, 3, "{}", again.stderr);
    // A February payment recorded in March, and new weights: the closed card does not move.
    let late = d.write("late.csv", "loan_id,paid_on,amount\nA,2026-02-20,3000\n");
    d.ok(&["--as-of", "2026-03-01", "import", "payments", TestDesk::path_str(&late)]);
    d.ok(&["settings", "set", "scorecard_weights", "collected=30,ptp_kept=30,rpc=20,cured=10,logs=10"]);
    let c = card(&d, "li.qiang");
    assert_eq!(
        (c["closed"].clone(), c["collected"].clone(), c["score"].clone()),
        (json!(true), json!("3000.00"), json!("75.00"))
    );
    let refused =
        d.run(&["--as-of", "2026-03-01", "targets", "set", "li.qiang", "--month", "2026-02", "--cured", "3"]);
    assert_eq!(refused.code, 3, "{}", refused.stderr);
    // March is open: the same payment counts nowhere (it is dated February) and targets may be set.
    d.ok(&["--as-of", "2026-03-01", "targets", "set", "li.qiang", "--month", "2026-03", "--cured", "3"]);
}

#[test]
fn a_collector_sees_only_their_own_scorecard_and_sets_no_targets() {
    let d = book();
    let own = d.run_as(
        "li.qiang",
        &["--as-of", "2026-03-01", "--format", "json", "scorecard", "--month", "2026-02"],
    );
    assert_eq!(own.code, 0, "{}", own.stderr);
    let cards: Value = serde_json::from_str(&own.stdout).expect("json");
    let users: Vec<Value> = cards.as_array().expect("cards").iter().map(|c| c["user"].clone()).collect();
    assert_eq!(users, vec![json!("li.qiang")]);
    let other = d.run_as(
        "li.qiang",
        &["--as-of", "2026-03-01", "scorecard", "--month", "2026-02", "--user", "wang.fang"],
    );
    assert_eq!(other.code, 3, "{}", other.stderr);
    let set = d.run_as(
        "li.qiang",
        &["--as-of", "2026-03-01", "targets", "set", "li.qiang", "--month", "2026-03", "--cured", "9"],
    );
    assert_eq!(set.code, 3, "{}", set.stderr);
    let bad =
        d.run(&["--as-of", "2026-03-01", "targets", "set", "li.qiang", "--month", "2026-03", "--rpc", "120"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

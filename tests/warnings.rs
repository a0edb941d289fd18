//! Early warning through the binary (issue #17): the class the NPL hold keeps, the signals a run
//! opens for each loan and a second run leaves alone, the watchlist's three month-ends, and the
//! roles on the watchlist and the class.

mod common;

use common::TestDesk;
use serde_json::Value;

/// Loans of 1,200.00 at 0 % over 12 months (100.00 a month), disbursed 2025-01-10 unless said,
/// owned by li.lei.
fn book(d: &TestDesk, loans: &[(&str, &str)], payments: &[(&str, &str, &str)]) {
    let mut csv = String::from(
        "loan_id,borrower,customer_id,product,principal,annual_rate,term_months,disbursed_on,assignee\n",
    );
    for (id, disbursed) in loans {
        csv.push_str(&format!("{id},借款人{id},C-{id},equal_principal,1200,0,12,{disbursed},li.lei\n"));
    }
    let file = d.write("loans.csv", &csv);
    d.ok(&["--as-of", "2025-01-10", "import", "loans", TestDesk::path_str(&file)]);
    let mut csv = String::from("loan_id,paid_on,amount\n");
    for (id, on, amount) in payments {
        csv.push_str(&format!("{id},{on},{amount}\n"));
    }
    let file = d.write("payments.csv", &csv);
    d.ok_on("2026-03-01", &["--as-of", "2026-03-01", "import", "payments", TestDesk::path_str(&file)]);
}

fn loan(d: &TestDesk, id: &str, on: &str) -> Value {
    d.ok_on("2026-03-01", &["--as-of", on, "show", id, "--format", "json"]).json()
}

/// Each installment of a 1,200.00 loan disbursed 2025-01-10 paid on its due date from `from` (a
/// month number of 2025, the 10th) through `to`.
fn on_time(id: &'static str, from: u32, to: u32) -> Vec<(&'static str, String, &'static str)> {
    (from..=to).map(|m| (id, format!("2025-{m:02}-10"), "100")).collect()
}

#[test]
fn the_npl_hold_keeps_the_class_until_six_months_are_paid_on_time() {
    let d = TestDesk::new();
    // N91: the first four paid together on 05-13 (DPD 91 on 05-12), then each on its date.
    // N90: the same a day earlier (DPD 90): never non-performing.
    let mut pays: Vec<(&str, String, &str)> =
        vec![("N91", "2025-05-13".into(), "400"), ("N90", "2025-05-12".into(), "400")];
    pays.extend(on_time("N91", 6, 12));
    pays.extend(on_time("N90", 6, 12));
    let pays: Vec<(&str, &str, &str)> = pays.iter().map(|(a, b, c)| (*a, b.as_str(), *c)).collect();
    book(&d, &[("N91", "2025-01-10"), ("N90", "2025-01-10")], &pays);
    let class = |id: &str, on: &str| {
        let v = loan(&d, id, on);
        (
            v["dpd"].as_i64().expect("dpd"),
            v["class"].as_str().expect("class").to_string(),
            v["class_reason"].as_str().expect("reason").to_string(),
        )
    };
    assert_eq!(class("N91", "2025-05-12"), (91, "substandard".into(), "floor".into()));
    assert_eq!(
        class("N91", "2025-05-13"),
        (0, "substandard".into(), "npl_hold".into()),
        "repaid, not yet on time"
    );
    // Installment 4 (05-10) was covered late: it is in the window [D − 6 months, D) until 11-10.
    assert_eq!(
        class("N91", "2025-11-10"),
        (0, "substandard".into(), "npl_hold".into()),
        "five months and a bit"
    );
    assert_eq!(class("N91", "2025-11-11"), (0, "normal".into(), "floor".into()), "six months on time");
    assert_eq!(class("N90", "2025-05-13"), (0, "normal".into(), "floor".into()), "90 days is not an NPL");
    // The list says what show says.
    let rows = d.ok_on("2026-03-01", &["--as-of", "2025-09-01", "loans", "--format", "json"]).json();
    let n91 = rows.as_array().expect("rows").iter().find(|r| r["loan_id"] == "N91").expect("N91").clone();
    assert_eq!(
        (n91["class"].as_str(), n91["class_reason"].as_str()),
        (Some("substandard"), Some("npl_hold"))
    );
}

#[test]
fn a_run_opens_exactly_the_signals_of_each_loan_and_a_second_run_changes_nothing() {
    let d = TestDesk::new();
    // FIRST: nothing paid. PART: three paid on their dates, the fourth partly. LATE: three of
    // four paid five days late, none overdue now. GOOD: each on its date.
    let mut pays: Vec<(&str, String, &str)> = vec![
        ("PART", "2025-05-10".into(), "40"),
        ("LATE", "2025-02-15".into(), "100"),
        ("LATE", "2025-03-15".into(), "100"),
        ("LATE", "2025-04-10".into(), "100"),
        ("LATE", "2025-05-15".into(), "100"),
    ];
    pays.extend(on_time("PART", 2, 4));
    pays.extend(on_time("GOOD", 2, 5));
    let pays: Vec<(&str, &str, &str)> = pays.iter().map(|(a, b, c)| (*a, b.as_str(), *c)).collect();
    book(
        &d,
        &[("FIRST", "2025-01-10"), ("PART", "2025-01-10"), ("LATE", "2025-01-10"), ("GOOD", "2025-01-10")],
        &pays,
    );
    let run = d.ok_on("2025-05-20", &["--as-of", "2025-05-20", "escalate", "--format", "table"]);
    assert!(run.stdout.contains("signals opened 8 closed 0"), "{}", run.stdout);
    let open = d.ok_on("2025-05-20", &["--as-of", "2025-05-20", "warnings", "--format", "json"]).json();
    let mut got: Vec<String> = open
        .as_array()
        .expect("signals")
        .iter()
        .map(|s| {
            format!(
                "{} {} {}",
                s["loan_id"].as_str().unwrap_or(""),
                s["code"].as_str().unwrap_or(""),
                s["level"].as_str().unwrap_or("")
            )
        })
        .collect();
    got.sort();
    // Every loan's first inspection (disbursement + 30 days) is overdue by more than 30 days.
    let want = [
        "FIRST first_installment_missed red",
        "FIRST inspection_overdue yellow",
        "FIRST repeated_late yellow",
        "GOOD inspection_overdue yellow",
        "LATE inspection_overdue yellow",
        "LATE repeated_late yellow",
        "PART inspection_overdue yellow",
        "PART partial_payment yellow",
    ];
    assert_eq!(got, want);
    let before =
        d.ok_on("2025-05-20", &["--as-of", "2025-05-20", "warnings", "--all", "--format", "json"]).stdout;
    let again = d.ok_on("2025-05-20", &["--as-of", "2025-05-20", "escalate", "--format", "table"]);
    assert!(again.stdout.contains("signals opened 0 closed 0"), "{}", again.stdout);
    let after =
        d.ok_on("2025-05-20", &["--as-of", "2025-05-20", "warnings", "--all", "--format", "json"]).stdout;
    assert_eq!(before, after);
    // A red signal puts the customer on the watchlist; loans says so.
    let list = d.ok_on("2025-05-20", &["--as-of", "2025-05-20", "watchlist", "--format", "json"]).json();
    let watched: Vec<&str> =
        list.as_array().expect("list").iter().filter_map(|w| w["customer_id"].as_str()).collect();
    assert_eq!(watched, ["C-FIRST"]);
    let first = loan(&d, "FIRST", "2025-05-20");
    assert_eq!((first["warning_level"].as_str(), first["watchlist"].as_bool()), (Some("red"), Some(true)));
    assert_eq!(first["customer_rating"], "high");
    // Written off, LATE's signals close at once.
    d.ok_on("2025-05-20", &["--as-of", "2025-05-20", "write-off", "LATE", "--reason", "核销"]);
    let late = d
        .ok_on("2025-05-20", &["--as-of", "2025-05-20", "warnings", "--loan", "LATE", "--format", "json"])
        .json();
    assert_eq!(late.as_array().map(Vec::len), Some(0), "{late}");
    // Paid up: its first installment's signal closes on the next run.
    let file = d.write("more.csv", "loan_id,paid_on,amount\nFIRST,2025-05-25,500\n");
    d.ok_on("2025-05-25", &["--as-of", "2025-05-25", "import", "payments", TestDesk::path_str(&file)]);
    let run = d.ok_on("2025-05-26", &["--as-of", "2025-05-26", "escalate", "--format", "table"]);
    assert!(run.stdout.contains("signals opened 0 closed 1"), "{}", run.stdout);
}

#[test]
fn a_signal_open_at_three_month_ends_puts_the_customer_on_the_watchlist() {
    let d = TestDesk::new();
    // Every installment paid five days late: repeated late (yellow), never overdue on a month-end.
    let pays: Vec<(&str, String, &str)> =
        (2..=12).map(|m| ("SLOW", format!("2025-{m:02}-15"), "100")).collect();
    let pays: Vec<(&str, &str, &str)> = pays.iter().map(|(a, b, c)| (*a, b.as_str(), *c)).collect();
    book(&d, &[("SLOW", "2025-01-10"), ("CALM", "2025-01-10")], &pays);
    let watched = |on: &str| {
        d.ok_on(on, &["--as-of", on, "escalate", "--format", "table"]);
        let list = d.ok_on(on, &["--as-of", on, "watchlist", "--format", "json"]).json();
        list.as_array()
            .expect("list")
            .iter()
            .filter_map(|w| w["customer_id"].as_str().map(str::to_string))
            .collect::<Vec<_>>()
    };
    // CALM, nothing paid, is there from the first run by its red signal.
    assert_eq!(watched("2025-04-30"), ["C-CALM"], "SLOW: open at one month-end");
    assert_eq!(watched("2025-05-31"), ["C-CALM"], "at two");
    assert_eq!(watched("2025-06-30"), ["C-SLOW", "C-CALM"], "at three");
    // The list's filters are the desk's L and w: by warning level, by the watchlist.
    let loans = |args: &[&str]| {
        let mut all = vec!["--as-of", "2025-06-30", "loans", "--sort", "due", "--format", "json"];
        all.extend_from_slice(args);
        let list = d.ok_on("2025-06-30", &all).json();
        list.as_array()
            .expect("list")
            .iter()
            .map(|l| {
                format!(
                    "{} {}",
                    l["loan_id"].as_str().unwrap_or("?"),
                    l["warning_level"].as_str().unwrap_or("-")
                )
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(loans(&["--warning", "red"]), ["CALM red"]);
    assert_eq!(loans(&["--warning", "yellow"]), ["SLOW yellow"]);
    assert!(loans(&["--warning", "orange"]).is_empty());
    let mut both = loans(&["--watched"]);
    both.sort();
    assert_eq!(both, ["CALM red", "SLOW yellow"]);
    let bad = d.run(&["--as-of", "2025-06-30", "loans", "--warning", "purple"]);
    assert_eq!(bad.code, 2, "{}", bad.stderr);
}

#[test]
fn a_collector_cannot_unwatch_or_set_a_class() {
    let d = TestDesk::new();
    book(
        &d,
        &[("L1", "2025-01-10")],
        &on_time("L1", 2, 12).iter().map(|(a, b, c)| (*a, b.as_str(), *c)).collect::<Vec<_>>(),
    );
    let as_of = ["--as-of", "2025-06-01"];
    let run = |user: &str, args: &[&str]| {
        let mut all: Vec<&str> = as_of.to_vec();
        all.extend_from_slice(args);
        d.command()
            .env("DUEDESK_NOW", "2026-03-01T10:00:00+08:00")
            .env("DUEDESK_USER", user)
            .args(&all)
            .output()
            .expect("run")
    };
    // The owner (a collector) may put the customer on the watchlist, not take it off.
    assert_eq!(run("li.lei", &["watch", "L1", "--reason", "关注"]).status.code(), Some(0));
    let out = run("li.lei", &["unwatch", "L1", "--reason", "解除"]);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    let out = run("li.lei", &["classify", "L1", "--class", "substandard", "--reason", "风险"]);
    assert_eq!(out.status.code(), Some(3), "{}", String::from_utf8_lossy(&out.stderr));
    // The store's admin (a supervisor and more) may; the class is worse-only and can be lifted.
    d.ok(&["--as-of", "2025-06-01", "unwatch", "L1", "--reason", "解除"]);
    let better = d.run(&["--as-of", "2025-06-01", "classify", "L1", "--class", "normal", "--reason", "x"]);
    assert_eq!(better.code, 3, "{}", better.stderr);
    d.ok(&["--as-of", "2025-06-01", "classify", "L1", "--class", "doubtful", "--reason", "风险"]);
    assert_eq!(loan(&d, "L1", "2025-06-01")["class_reason"], "manual");
    d.ok(&["--as-of", "2025-06-01", "classify", "L1", "--lift", "复核"]);
    assert_eq!(loan(&d, "L1", "2025-06-01")["class"], "normal");
    let again = d.run(&["--as-of", "2025-06-01", "classify", "L1", "--lift", "again"]);
    assert_eq!(again.code, 3, "nothing to lift: {}", again.stderr);
}

#[test]
fn the_watchlist_brings_the_next_inspection_to_a_month() {
    let d = TestDesk::new();
    let pays: Vec<(&str, String, &str)> =
        (2..=12).map(|m| ("W1", format!("2025-{m:02}-10"), "100")).collect();
    let pays: Vec<(&str, &str, &str)> = pays.iter().map(|(a, b, c)| (*a, b.as_str(), *c)).collect();
    book(&d, &[("W1", "2025-01-10")], &pays);
    let on = ["--as-of", "2025-06-01"];
    let with = |args: &[&str]| {
        let mut all: Vec<&str> = on.to_vec();
        all.extend_from_slice(args);
        d.ok(&all)
    };
    with(&[
        "inspect",
        "W1",
        "--kind",
        "first",
        "--mode",
        "onsite",
        "--funds",
        "ok",
        "--business",
        "ok",
        "--collateral",
        "n/a",
        "--guarantor",
        "ok",
        "--conclusion",
        "normal",
        "--findings",
        "正常",
    ]);
    let next = || {
        let due = with(&["inspections", "--due", "--format", "json"]).json();
        let row = due.as_array().expect("rows").iter().find(|r| r["loan_id"] == "W1").expect("W1").clone();
        (row["kind"].as_str().unwrap_or("").to_string(), row["due_on"].as_str().unwrap_or("").to_string())
    };
    assert_eq!(next(), ("routine".to_string(), "2025-12-01".to_string()), "normal: six months");
    with(&["watch", "W1", "--reason", "关注"]);
    assert_eq!(next(), ("routine".to_string(), "2025-07-01".to_string()), "on the watchlist: one month");
    with(&["unwatch", "W1", "--reason", "解除"]);
    assert_eq!(next(), ("routine".to_string(), "2025-12-01".to_string()));
}

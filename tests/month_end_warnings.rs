//! Month-end rows keep each loan's stage, warning level and its customer's watchlist mark as they stood
//! on the month-end (DOMAIN §11), through the binary: the runs record them, a recapture computes
//! the same from the signals' and the watchlist's history, the large-customer report and the loan
//! list of a month-end show them, and a month-end recorded before rows kept them says nothing.
//!
//! BIG (1,200,000.00, paid on time: 500,000.00 outstanding at the last month-end) and SMALL have the policy's yellow signal for an inspection not
//! done from the first run on (2025-11-30, a month-end: recorded as that day closed, the run's new
//! signals in it). BIG has a red one raised by hand on 2025-12-10, the day its customer is put on
//! the watchlist, closed on 2026-01-20 (the customer stays on the list). So
//! BIG is yellow and not watched at 2025-11-30, red and watched at 2025-12-31, yellow and watched
//! at 2026-01-31. BIG is moved to legal by hand on 2026-01-05: current at the first two
//! month-ends, legal at the third.

mod common;

use common::TestDesk;
use serde_json::{Value, json};

const LOANS: &str = "loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,branch,assignee
BIG,大户,equal_principal,1200000,0,12,2025-06-01,东城,li.qiang
SMALL,小户,equal_principal,12000,0,12,2025-06-01,西城,wang.fang
";

fn payments() -> String {
    let mut text = String::from("loan_id,paid_on,amount\n");
    for month in ["2025-07", "2025-08", "2025-09", "2025-10", "2025-11", "2025-12", "2026-01"] {
        text.push_str(&format!("BIG,{month}-01,100000\nSMALL,{month}-01,1000\n"));
    }
    text
}

fn book() -> TestDesk {
    let d = TestDesk::new();
    let (loans, payments) = (d.write("loans.csv", LOANS), d.write("payments.csv", &payments()));
    d.ok_on("2026-02-02", &["--as-of", "2025-11-30", "import", "loans", TestDesk::path_str(&loans)]);
    d.ok_on("2026-02-02", &["--as-of", "2026-02-02", "import", "payments", TestDesk::path_str(&payments)]);
    d.ok_on("2025-11-30", &["--as-of", "2025-11-30", "escalate"]);
    let raised = d
        .ok_on(
            "2025-12-10",
            &[
                "--as-of",
                "2025-12-10",
                "--format",
                "json",
                "warn",
                "BIG",
                "--category",
                "lawsuit",
                "--level",
                "red",
                "--note",
                "被起诉",
            ],
        )
        .json();
    d.ok_on("2025-12-10", &["--as-of", "2025-12-10", "watch", "BIG", "--reason", "被起诉"]);
    d.ok_on("2026-01-05", &["--as-of", "2026-01-05", "move", "BIG", "--to", "legal", "--reason", "起诉"]);
    let id =
        raised["id"].as_i64().map(|i| i.to_string()).unwrap_or_else(|| panic!("a signal id in {raised}"));
    d.ok_on("2026-01-20", &["--as-of", "2026-01-20", "warn-close", &id, "--reason", "撤诉"]);
    d.ok_on("2026-02-02", &["--as-of", "2026-02-02", "escalate"]);
    d
}

fn json_of(d: &TestDesk, args: &[&str]) -> Value {
    let mut all = vec!["--as-of", "2026-02-02", "--format", "json"];
    all.extend_from_slice(args);
    d.ok_on("2026-02-02", &all).json()
}

fn large(d: &TestDesk) -> Vec<(Value, Value, Value, Value)> {
    json_of(d, &["report", "large", "--from", "2025-11", "--to", "2026-01"])
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            (r["month"].clone(), r["customer_id"].clone(), r["warning_level"].clone(), r["watchlist"].clone())
        })
        .collect()
}

fn month_end_row(d: &TestDesk, day: &str, loan: &str) -> (Value, Value, Value) {
    let rows = d.ok_on("2026-02-02", &["--as-of", day, "loans", "--format", "json"]).json();
    let row =
        rows.as_array().expect("rows").iter().find(|r| r["loan_id"] == loan).cloned().expect("the loan");
    (row["warning_level"].clone(), row["watchlist"].clone(), row["stage"].clone())
}

#[test]
fn month_end_rows_keep_the_stage_warning_level_and_watchlist_of_their_day() {
    let d = book();
    let customer = json_of(&d, &["show", "BIG"])["customer_id"].clone();
    let by_runs = large(&d);
    assert_eq!(
        by_runs,
        vec![
            (json!("2025-11"), customer.clone(), json!("yellow"), json!(false)),
            (json!("2025-12"), customer.clone(), json!("red"), json!(true)),
            (json!("2026-01"), customer.clone(), json!("yellow"), json!(true)),
        ]
    );
    assert_eq!(month_end_row(&d, "2025-12-31", "BIG"), (json!("red"), json!(true), json!("current")));
    assert_eq!(month_end_row(&d, "2025-12-31", "SMALL"), (json!("yellow"), json!(false), json!("current")));
    assert_eq!(month_end_row(&d, "2026-01-31", "BIG"), (json!("yellow"), json!(true), json!("legal")));

    // Recomputed from the ledger and the history: the same.
    for month in ["2025-11", "2025-12", "2026-01"] {
        json_of(&d, &["report", "capture", "--month", month, "--replace"]);
    }
    assert_eq!(large(&d), by_runs);
    assert_eq!(month_end_row(&d, "2025-12-31", "BIG"), (json!("red"), json!(true), json!("current")));
    assert_eq!(month_end_row(&d, "2026-01-31", "BIG"), (json!("yellow"), json!(true), json!("legal")));

    // A month-end recorded before rows kept warnings says nothing of them, rather than "none".
    d.exec("UPDATE month_ends SET full_rows = 0 WHERE month = 202512");
    assert_eq!(large(&d)[1], (json!("2025-12"), customer, Value::Null, Value::Null));
    assert_eq!(month_end_row(&d, "2025-12-31", "BIG"), (Value::Null, Value::Null, Value::Null));
}

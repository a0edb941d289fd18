//! Post-loan inspection through the binary (issue #18, DOMAIN §10): on an imported book with no
//! inspections every active loan's first is due at disbursement + 30 days and the overdue ones are
//! exactly those before the date; recording one moves the loan's next by its class's interval;
//! closed and written-off loans drop out; a large customer's or one with several loans' interval
//! is capped; records are append-only and reviewed once, by a supervisor, within working days.

mod common;

use chrono::{Duration, NaiveDate};
use common::{AS_OF, TestDesk};
use serde_json::Value;

// Disbursed in the past year, one customer with two loans (C-2), one large customer (C-3).
const LOANS: &str = "\
loan_id,borrower,customer_id,phone,product,principal,annual_rate,term_months,disbursed_on,guarantor,collateral,assignee
N-1,赵一,C-1,13800000001,annuity,12000.00,12,12,2026-02-10,,,wang.fang
N-2,钱二,C-2,13800000002,annuity,12000.00,12,12,2026-02-05,,,wang.fang
N-3,钱二,C-2,13800000002,annuity,6000.00,12,6,2025-12-15,,,wang.fang
N-4,孙三,C-3,13800000003,interest_only,600000.00,6,24,2026-02-01,,,li.na
N-5,李四,C-4,13800000004,bullet,5000.00,12,1,2026-01-20,,,li.na
N-6,周五,C-5,13800000005,annuity,3000.00,12,3,2026-01-31,,,li.na
";

fn day(s: &str) -> NaiveDate {
    duedesk::domain::parse_date(s).expect("date")
}

fn desk() -> TestDesk {
    let d = TestDesk::new();
    let file = d.write("loans.csv", LOANS);
    d.ok(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file)]);
    d.ok(&["settings", "set", "trust_env_user", "true"]);
    d
}

fn json(d: &TestDesk, args: &[&str]) -> Value {
    let mut all = vec!["--as-of", AS_OF, "--format", "json"];
    all.extend_from_slice(args);
    d.ok(&all).json()
}

/// (loan, kind, due) of a list, in its order.
fn due(v: &Value) -> Vec<(String, String, String)> {
    let s = |x: &Value| x.as_str().expect("text").to_string();
    v.as_array().expect("array").iter().map(|r| (s(&r["loan_id"]), s(&r["kind"]), s(&r["due_on"]))).collect()
}

fn inspect(d: &TestDesk, loan: &str, kind: &str, on: &str) -> Value {
    json(
        d,
        &[
            "inspect",
            loan,
            "--kind",
            kind,
            "--mode",
            "onsite",
            "--on",
            on,
            "--funds",
            "ok",
            "--business",
            "ok",
            "--collateral",
            "n/a",
            "--guarantor",
            "n/a",
            "--conclusion",
            "normal",
            "--findings",
            "as agreed",
        ],
    )
}

#[test]
fn an_imported_book_has_each_active_loan_s_first_inspection_at_disbursement_plus_30_days() {
    let d = desk();
    let list = json(&d, &["inspections", "--due"]);
    let rows = due(&list);
    assert_eq!(rows.len(), 6, "one first inspection per active loan: {list}");
    for (loan, kind, on) in &rows {
        assert_eq!(kind, "first", "{loan}");
        let disbursed = LOANS.lines().find(|l| l.starts_with(loan.as_str())).expect("loan").split(',').nth(8);
        assert_eq!(day(on), day(disbursed.expect("date")) + Duration::days(30), "{loan}");
    }
    // By due date: the list's order is its index's.
    let mut sorted = rows.clone();
    sorted.sort_by(|a, b| (&a.2, &a.0).cmp(&(&b.2, &b.0)));
    assert_eq!(rows, sorted);
    // Overdue: exactly those due before the date (N-1's first falls due on 12 March).
    let overdue = json(&d, &["inspections", "--overdue"]);
    let want: Vec<_> = rows.iter().filter(|r| day(&r.2) < day(AS_OF)).cloned().collect();
    assert_eq!(due(&overdue), want);
    assert!(!want.iter().any(|r| r.0 == "N-1"));
    for r in overdue.as_array().expect("array") {
        assert_eq!(r["overdue"], true);
        assert!(r.get("id").is_none(), "a scheduled one has no record's fields: {r}");
    }
    // Owner, kind and dates filter; CSV and table too.
    assert_eq!(due(&json(&d, &["inspections", "--owner", "li.na"])).len(), 3);
    assert_eq!(due(&json(&d, &["inspections", "--kind", "routine"])).len(), 0);
    assert_eq!(due(&json(&d, &["inspections", "--from", "2026-03-01", "--to", "2026-03-12"])).len(), 4);
    let csv = d.ok(&["--as-of", AS_OF, "--format", "csv", "inspections", "--overdue"]).stdout;
    assert!(csv.starts_with("loan_id,borrower,owner,kind,due_on,overdue,"), "{csv}");
    let table = d.ok(&["--as-of", AS_OF, "--format", "table", "inspections"]).stdout;
    assert!(table.lines().next().is_some_and(|h| h.starts_with("DUE")), "{table}");
}

#[test]
fn recording_an_inspection_moves_the_next_one_by_the_class_s_interval() {
    let d = desk();
    // N-1: a normal loan of a small customer with one loan: six months from the record.
    let rec = inspect(&d, "N-1", "first", "2026-02-27");
    assert_eq!(rec["due_on"], "2026-03-12", "it answered the first, due on the 12th");
    assert_eq!(rec["review_due"], "2026-03-03", "two working days from Sunday 1 March");
    let n1 = json(&d, &["show", "N-1"]);
    assert_eq!(due(&n1["next_inspections"]), [("N-1".into(), "routine".into(), "2026-08-27".into())]);
    // N-2: its customer has two active loans, capped at three months.
    inspect(&d, "N-2", "first", "2026-02-28");
    assert_eq!(due(&json(&d, &["show", "N-2"])["next_inspections"])[0].2, "2026-05-28");
    // N-4: a customer over 500,000.00, capped at three months too.
    inspect(&d, "N-4", "first", AS_OF);
    assert_eq!(due(&json(&d, &["show", "N-4"])["next_inspections"])[0].2, "2026-06-01");
    // A routine inspection before the first leaves the first due.
    inspect(&d, "N-6", "routine", "2026-02-20");
    assert_eq!(
        due(&json(&d, &["show", "N-6"])["next_inspections"]),
        [("N-6".into(), "first".into(), "2026-03-02".into())]
    );
    // The done list, newest first, with the record's fields.
    let done = json(&d, &["inspections", "--done"]);
    assert_eq!(done.as_array().map(Vec::len), Some(4));
    assert_eq!(done[0]["done_on"], AS_OF);
    assert_eq!(done[0]["inspector"], "root");
    assert!(done[0]["reviewed_by"].is_null());
    // N-5, overdue since 20 February, is special mention: three months.
    inspect(&d, "N-5", "first", "2026-02-25");
    assert_eq!(due(&json(&d, &["show", "N-5"])["next_inspections"])[0].2, "2026-05-25");
}

#[test]
fn closed_and_written_off_loans_drop_out_and_a_second_loan_closing_lifts_the_cap() {
    let d = desk();
    inspect(&d, "N-2", "first", "2026-02-28");
    inspect(&d, "N-3", "first", "2026-02-28");
    assert_eq!(due(&json(&d, &["show", "N-2"])["next_inspections"])[0].2, "2026-05-28");
    // N-3 paid off: it leaves the schedule and N-2 is its customer's only loan again.
    let pay = d.write("pay.csv", "loan_id,paid_on,amount\nN-3,2026-02-28,6300.00\n");
    d.ok(&["--as-of", AS_OF, "import", "payments", TestDesk::path_str(&pay)]);
    assert_eq!(json(&d, &["show", "N-3"])["status"], "closed");
    assert_eq!(json(&d, &["show", "N-3"])["next_inspections"], Value::Array(Vec::new()));
    assert_eq!(due(&json(&d, &["show", "N-2"])["next_inspections"])[0].2, "2026-08-28");
    // A write-off takes a loan off the schedule.
    d.ok(&["--as-of", AS_OF, "write-off", "N-5", "--reason", "fraud"]);
    let all = due(&json(&d, &["inspections"]));
    assert!(!all.iter().any(|r| r.0 == "N-3" || r.0 == "N-5"), "{all:?}");
    assert_eq!(all.len(), 4);
    // An inspection of a closed loan is refused.
    let r = d.run(&[
        "--as-of",
        AS_OF,
        "inspect",
        "N-3",
        "--kind",
        "routine",
        "--mode",
        "offsite",
        "--funds",
        "ok",
        "--business",
        "ok",
        "--collateral",
        "ok",
        "--guarantor",
        "ok",
        "--conclusion",
        "normal",
        "--findings",
        "x",
    ]);
    assert_eq!(r.code, 3, "{}", r.stderr);
}

#[test]
fn inspections_are_append_only_and_a_correction_names_the_old_one() {
    let d = desk();
    let first = inspect(&d, "N-1", "first", "2026-02-20");
    let id = first["id"].as_i64().expect("id").to_string();
    // A correction is a new record; the old one stays, marked corrected.
    let fixed = json(
        &d,
        &[
            "inspect",
            "N-1",
            "--kind",
            "first",
            "--mode",
            "offsite",
            "--on",
            "2026-02-21",
            "--funds",
            "concern",
            "--business",
            "ok",
            "--collateral",
            "n/a",
            "--guarantor",
            "n/a",
            "--conclusion",
            "concern",
            "--findings",
            "funds partly used elsewhere",
            "--corrects",
            &id,
        ],
    );
    assert_eq!(fixed["corrects"], first["id"]);
    let show = json(&d, &["show", "N-1"]);
    let records = show["inspections"].as_array().expect("records");
    assert_eq!(records.len(), 2);
    assert_eq!(records[1]["corrected_by"], fixed["id"]);
    assert_eq!(records[1]["findings"], "as agreed", "the old record as it was");
    // The schedule reads the correction: six months from 21 February.
    assert_eq!(due(&show["next_inspections"])[0].2, "2026-08-21");
    // Correcting the corrected record, or one of another loan, is refused.
    let again = ["--corrects", &id];
    let r = d.run(
        &[
            &["--as-of", AS_OF, "inspect", "N-1", "--kind", "first", "--mode", "onsite", "--funds", "ok"][..],
            &["--business", "ok", "--collateral", "ok", "--guarantor", "ok", "--conclusion", "normal"][..],
            &["--findings", "x"][..],
            &again[..],
        ]
        .concat(),
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    // No update or delete path: the store itself refuses both.
    for sql in [
        "UPDATE inspections SET findings = 'rewritten' WHERE id = 1",
        "UPDATE inspections SET conclusion = 'risk' WHERE id = 1",
        "DELETE FROM inspections WHERE id = 1",
    ] {
        let e = d.try_exec(sql).expect_err(sql);
        assert!(e.contains("append-only"), "{sql}: {e}");
    }
    // The command line has no command that changes or removes a record.
    let help = d.ok(&["--help"]).stdout;
    for word in ["inspection-delete", "inspection-edit", "log-delete", "log-edit", "valuation-delete"] {
        assert!(!help.contains(word), "{word}");
    }
}

#[test]
fn a_collector_cannot_review_and_a_supervisor_reviews_once_accepting_a_worse_class() {
    let d = desk();
    d.ok(&["users", "add", "zhao.min", "--role", "supervisor"]);
    let rec = json(
        &d,
        &[
            "inspect",
            "N-4",
            "--kind",
            "first",
            "--mode",
            "onsite",
            "--funds",
            "ok",
            "--business",
            "concern",
            "--collateral",
            "n/a",
            "--guarantor",
            "n/a",
            "--conclusion",
            "risk",
            "--findings",
            "orders halved",
            "--recommend-class",
            "substandard",
        ],
    );
    let id = rec["id"].as_i64().expect("id").to_string();
    // A recommendation of a class no worse than the loan's is refused.
    let r = d.run(&[
        "--as-of",
        AS_OF,
        "inspect",
        "N-1",
        "--kind",
        "first",
        "--mode",
        "onsite",
        "--funds",
        "ok",
        "--business",
        "ok",
        "--collateral",
        "ok",
        "--guarantor",
        "ok",
        "--conclusion",
        "normal",
        "--findings",
        "x",
        "--recommend-class",
        "normal",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    // The recommendation alone changes nothing.
    assert_eq!(json(&d, &["show", "N-4"])["class"], "normal");
    let r = d.run_as("li.na", &["--as-of", AS_OF, "inspection-review", &id, "--comment", "ok"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("supervisor"), "{}", r.stderr);
    // The Review list has it, with its working days left.
    let reviews = json(&d, &["reviews"]);
    assert_eq!(reviews[0]["kind"], "inspection");
    assert_eq!(reviews[0]["days_left"], 2);
    let done = d.run_as(
        "zhao.min",
        &[
            "--as-of",
            AS_OF,
            "--format",
            "json",
            "inspection-review",
            &id,
            "--comment",
            "同意",
            "--accept-class",
        ],
    );
    assert_eq!(done.code, 0, "{}", done.stderr);
    assert_eq!(done.json()["accepted_class"], "substandard");
    let show = json(&d, &["show", "N-4"]);
    assert_eq!(show["class"], "substandard", "a manual class from the review");
    // Substandard: a month after the inspection.
    assert_eq!(due(&show["next_inspections"])[0].2, "2026-04-01");
    let r = d.run_as("zhao.min", &["--as-of", AS_OF, "inspection-review", &id, "--comment", "again"]);
    assert_eq!(r.code, 3, "reviewed once: {}", r.stderr);
    assert_eq!(json(&d, &["reviews"]), Value::Array(Vec::new()));
    // Every step is in the audit log.
    let audit = json(&d, &["audit", "--loan", "N-4"]);
    let actions: Vec<&str> =
        audit.as_array().expect("audit").iter().filter_map(|a| a["action"].as_str()).collect();
    assert!(actions.contains(&"inspection") && actions.contains(&"inspection_review"), "{actions:?}");
}

#[test]
fn the_review_deadline_counts_the_holiday_calendar() {
    let d = desk();
    let cal = d.write(
        "cal.csv",
        "date,kind,name\n2026-03-02,holiday,test\n2026-03-03,holiday,test\n2026-03-07,workday,调休\n",
    );
    let r = d.ok(&["--format", "json", "holidays", "import", TestDesk::path_str(&cal)]);
    assert_eq!(r.json()["days"], 3);
    assert_eq!(json(&d, &["holidays", "list"]).as_array().map(Vec::len), Some(3));
    // Recorded on Sunday 1 March: Monday and Tuesday are holidays, Wednesday and Thursday count.
    assert_eq!(inspect(&d, "N-1", "first", AS_OF)["review_due"], "2026-03-05");
    // A file for the year again replaces the year's dates.
    let cal = d.write("cal2.csv", "date,kind\n2026-10-01,holiday\n");
    d.ok(&["holidays", "import", TestDesk::path_str(&cal)]);
    assert_eq!(due(&json(&d, &["inspections"])).len(), 6);
    assert_eq!(json(&d, &["holidays", "list"]).as_array().map(Vec::len), Some(1));
    // A bad file changes nothing and says where.
    let bad = d.write("bad.csv", "date,kind\n2026-13-01,holiday\n2026-05-01,feast\n");
    let r = d.run(&["holidays", "import", TestDesk::path_str(&bad)]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains(":2: date:") && r.stderr.contains(":3: kind:"), "{}", r.stderr);
    assert_eq!(json(&d, &["holidays", "list"]).as_array().map(Vec::len), Some(1));
}

#[test]
fn a_special_inspection_asked_for_is_due_seven_days_on_until_one_is_recorded() {
    // Through the library: the early-warning work asks for one in its own transaction.
    let d = desk();
    let now = chrono::DateTime::parse_from_rfc3339(common::NOW).expect("now");
    let mut desk = duedesk::app::Desk::open(d.store(), "root", day(AS_OF), now).expect("desk");
    assert_eq!(
        desk.ask_special_inspection("N-1", "lawsuit reported").expect("asked"),
        Some(day("2026-03-08"))
    );
    assert_eq!(desk.ask_special_inspection("N-1", "again").expect("asked"), None, "one at a time");
    drop(desk);
    let rows = due(&json(&d, &["inspections", "--kind", "special"]));
    assert_eq!(rows, [("N-1".into(), "special".into(), "2026-03-08".into())]);
    let special = json(&d, &["inspections", "--kind", "special"]);
    assert_eq!(special[0]["reason"], "lawsuit reported");
    inspect(&d, "N-1", "special", AS_OF);
    assert_eq!(due(&json(&d, &["inspections", "--kind", "special"])).len(), 0);
    // The regular first inspection is still due.
    assert_eq!(
        due(&json(&d, &["show", "N-1"])["next_inspections"]),
        [("N-1".into(), "first".into(), "2026-03-12".into())]
    );
}

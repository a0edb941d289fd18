//! The JSON of `show`, `loans` and `schedule` (CONTRACT.md) keeps its field names, their order and
//! the form of each value (money as a two-decimal string, dates as `YYYY-MM-DD`, words as words)
//! on a loan with every kind of record: payments, contacts, a promise, stage events, an
//! assignment, another loan of the customer, a notice, a plan, tasks and a hold.

mod common;

use common::{AS_OF, TestDesk};
use serde_json::Value;

const LOANS: &str = "\
loan_id,borrower,customer_id,phone,product,principal,annual_rate,term_months,disbursed_on,guarantor,guarantor_phone,collateral,branch,assignee
SH-1,赵一,C-1,13800000001,annuity,12000.00,12,12,2025-10-15,王五,13900000009,,上海分行,wang.fang
SH-2,赵一,C-1,13800000001,bullet,5000.00,6,6,2025-12-01,,,,上海分行,wang.fang
";

fn desk() -> TestDesk {
    let d = TestDesk::new();
    let path = |p: &std::path::Path| TestDesk::path_str(p).to_string();
    let loans = d.write("loans.csv", LOANS);
    d.ok(&["--as-of", AS_OF, "import", "loans", &path(&loans)]);
    let pay = d.write("pay.csv", "loan_id,paid_on,amount,reference\nSH-1,2025-11-15,1066.19,R-1\n");
    d.ok(&["--as-of", AS_OF, "import", "payments", &path(&pay)]);
    d.ok(&["--as-of", AS_OF, "escalate"]);
    d.ok(&[
        "--as-of",
        AS_OF,
        "contact",
        "SH-1",
        "--outcome",
        "promise",
        "--note",
        "will pay",
        "--promise-amount",
        "1000.00",
        "--promise-date",
        "2026-03-05",
    ]);
    let out = d.dir.path().join("notices");
    d.ok(&["--as-of", AS_OF, "notice", "SH-1", "--kind", "dunning", "--out", &path(&out)]);
    d.ok(&[
        "--as-of",
        AS_OF,
        "plan",
        "SH-1",
        "--first",
        "2026-03-10",
        "--installments",
        "3",
        "--save",
        "agreed",
    ]);
    d.ok(&[
        "--as-of",
        AS_OF,
        "hold",
        "SH-1",
        "--kind",
        "hardship",
        "--until",
        "2026-04-30",
        "--reason",
        "ill",
    ]);
    // Post-loan work (issue #18): an inspection, collateral valued, a work log entry, an address.
    d.ok(&[
        "--as-of",
        AS_OF,
        "inspect",
        "SH-1",
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
        "ok",
        "--conclusion",
        "concern",
        "--findings",
        "orders down",
    ]);
    d.ok(&[
        "--as-of",
        AS_OF,
        "collateral",
        "add",
        "SH-1",
        "--type",
        "house",
        "--description",
        "flat 1202",
        "--insured-until",
        "2026-12-31",
        "--value",
        "900000",
        "--valued-on",
        "2025-06-01",
        "--valuer",
        "appraiser",
    ]);
    d.ok(&["--as-of", AS_OF, "log", "C-1", "--kind", "visit", "--note", "visited the shop"]);
    // A class change each way (issue #17): a supervisor's class and its lift.
    d.ok(&["--as-of", AS_OF, "classify", "SH-1", "--class", "substandard", "--reason", "shop closed"]);
    d.ok(&["--as-of", AS_OF, "classify", "SH-1", "--lift", "reopened"]);
    d.ok(&["--as-of", AS_OF, "edit", "SH-1", "--address", "1 Nanjing Road", "--employer", "Shop"]);
    d
}

/// Fields whose values are words of a fixed list (CONTRACT.md), pinned with their value.
const WORDS: &[&str] = &[
    "product",
    "stage",
    "status",
    "bucket",
    "class",
    "last_outcome",
    "promise_status",
    "class_reason",
    "warning_level",
    "customer_rating",
    "party",
    "channel",
    "direction",
    "outcome",
    "kind",
    "lang",
    "receipt_status",
    "mode",
    "conclusion",
    "checklist.funds",
    "checklist.business",
    "checklist.collateral",
    "checklist.guarantor",
    "stage_events[].from",
    "stage_events[].to",
    "class_events[].from",
    "class_events[].to",
    "class_events[].reason",
    "class_events[].cause",
];

/// Every field of a JSON value as `path: form`, arrays by their first item (`path[]`). A form is
/// `money` (a two-decimal string), `date`, `time` (RFC 3339), `int`, `bool`, `null`, `text`,
/// `array` (an empty one) or, for the fields of `WORDS`, `=` and the word.
fn forms(path: &str, v: &Value, out: &mut Vec<String>) {
    let word = WORDS.iter().any(|w| path == *w || path.ends_with(&format!(".{w}")));
    let form = match v {
        Value::Object(fields) => {
            for (k, v) in fields {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                forms(&p, v, out);
            }
            return;
        }
        Value::Array(items) => match items.first() {
            Some(first) => return forms(&format!("{path}[]"), first, out),
            None => "array".to_string(),
        },
        Value::Null => "null".into(),
        Value::Bool(_) => "bool".into(),
        Value::Number(n) if n.is_i64() => "int".into(),
        Value::Number(_) => "float".into(),
        Value::String(s) if word => format!("={s}"),
        Value::String(s) => {
            let digits = |t: &str| !t.is_empty() && t.chars().all(|c| c.is_ascii_digit());
            match s.split_once('.') {
                Some((a, c)) if digits(a.trim_start_matches('-')) && c.len() == 2 && digits(c) => {
                    "money".into()
                }
                // YYYY-MM-DD, and YYYY-MM-DDThh:mm:ss… (RFC 3339).
                _ if chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() => "date".into(),
                _ if chrono::DateTime::parse_from_rfc3339(s).is_ok() => "time".into(),
                _ => "text".into(),
            }
        }
    };
    out.push(format!("{path}: {form}"));
}

fn shape(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    forms("", v, &mut out);
    out.sort();
    out
}

fn json(d: &TestDesk, args: &[&str]) -> Value {
    let mut all = vec!["--as-of", AS_OF, "--format", "json"];
    all.extend_from_slice(args);
    d.ok(&all).json()
}

/// The loan fields of `loans`, which `show` starts with.
const SUMMARY: &[&str] = &[
    "agency: bool",
    "as_of: date",
    "assignee: text",
    "borrower: text",
    "bucket: =M0",
    // The plan holds the class the loan carried when it was saved.
    "class: =special_mention",
    "class_reason: =restructure",
    // A payment rule's signal (the run's): the loan is yellow, its customer medium.
    "customer_rating: =medium",
    "warning_level: =yellow",
    "watchlist: bool",
    "dpd: int",
    "due_soon_on: null",
    "held_until: date",
    "last_contact_at: time",
    "last_outcome: =promise",
    "loan_id: text",
    "next_action_on: null",
    "next_due_amount: money",
    "next_due_on: date",
    "outstanding_principal: money",
    "overdue_amount: money",
    "overdue_interest: money",
    "overdue_principal: money",
    "payoff_amount: money",
    "penalty_interest: money",
    "phone: text",
    "principal: money",
    "product: =annuity",
    "promise_due_on: date",
    "promise_status: =active",
    "stage: =guarantor",
    "status: =active",
    "worked_by: null",
];

/// One line of `schedule` (and of `show`'s `schedule[]`).
const SCHEDULE: &[&str] = &[
    "due_on: date",
    "interest: money",
    "paid_interest: money",
    "paid_principal: money",
    "payment: money",
    "principal: money",
    "seq: int",
    "status: =future",
];

/// What `show` adds to the loan fields, besides its schedule.
const DETAIL: &[&str] = &[
    "agency_name: null",
    "annual_rate: money",
    "assignments[].at: time",
    "assignments[].by: null",
    "assignments[].from: null",
    "assignments[].reason: text",
    "assignments[].to: text",
    "branch: text",
    "collateral: null",
    "contacts[].at: time",
    "contacts[].channel: =call",
    "contacts[].corrects: null",
    "contacts[].direction: =outbound",
    "contacts[].id: int",
    "contacts[].note: text",
    "contacts[].outcome: =promise",
    "contacts[].override_reason: null",
    "contacts[].override_rule: null",
    "contacts[].party: =debtor",
    "contacts[].phone: text",
    "contacts[].user: text",
    "credit_balance: money",
    "customer_id: text",
    "disbursed_on: date",
    "guarantor: text",
    "guarantor_phone: text",
    "holds[].by: text",
    "holds[].created_at: time",
    "holds[].from_on: date",
    "holds[].id: int",
    "holds[].in_force: bool",
    "holds[].kind: =hardship",
    "holds[].lift_reason: null",
    "holds[].lifted_by: null",
    "holds[].lifted_on: null",
    "holds[].loan_id: text",
    "holds[].reason: text",
    "holds[].until_on: date",
    "notices[].addressee: text",
    "notices[].as_of: date",
    "notices[].created_at: time",
    "notices[].files[]: text",
    "notices[].id: int",
    "notices[].issued_on: date",
    "notices[].kind: =dunning",
    "notices[].lang: =zh",
    "notices[].loan_id: text",
    "notices[].number: text",
    "notices[].overdue_interest: money",
    "notices[].overdue_principal: money",
    "notices[].pay_by: date",
    "notices[].penalty_interest: money",
    "notices[].receipt_on: null",
    "notices[].receipt_status: =pending",
    "notices[].total_demanded: money",
    "notices[].user: text",
    "observation_until: null",
    "other_loans[]: text",
    "paid_before_plan: money",
    "paid_total: money",
    "payments[].amount: money",
    "payments[].paid_on: date",
    "payments[].reference: text",
    "plans[].created_at: time",
    "plans[].created_by: text",
    "plans[].effective_on: date",
    "plans[].id: int",
    "plans[].in_force: bool",
    "plans[].installments: int",
    "plans[].kind: =plan",
    "plans[].reason: text",
    "promises[].amount: money",
    "promises[].due_on: date",
    "promises[].made_on: date",
    "promises[].status: =active",
    "promises[].user: text",
    "class_events[].at: time",
    "class_events[].cause: =lift",
    "class_events[].from: =substandard",
    "class_events[].on: date",
    "class_events[].reason: =restructure",
    "class_events[].to: =special_mention",
    "class_events[].user: text",
    "stage_events[].actor: text",
    "stage_events[].as_of: date",
    "stage_events[].at: time",
    "stage_events[].from: =current",
    "stage_events[].reason: text",
    "stage_events[].to: =guarantor",
    "tasks[].assignee: text",
    "tasks[].borrower: text",
    "tasks[].created_at: time",
    "tasks[].created_by: text",
    "tasks[].done_by: null",
    "tasks[].done_on: null",
    "tasks[].due_on: date",
    "tasks[].id: int",
    "tasks[].kind: =guarantor_demand",
    "tasks[].loan_id: text",
    "tasks[].note: null",
    "term_months: int",
    "version: int",
    "written_off_on: null",
    "address: text",
    "employer: text",
    "inspections[].accepted_class: null",
    "inspections[].borrower: text",
    "inspections[].checklist.business: =concern",
    "inspections[].checklist.collateral: =n/a",
    "inspections[].checklist.funds: =ok",
    "inspections[].checklist.guarantor: =ok",
    "inspections[].conclusion: =concern",
    "inspections[].corrected_by: null",
    "inspections[].corrects: null",
    "inspections[].done_on: date",
    "inspections[].due_on: date",
    "inspections[].findings: text",
    "inspections[].id: int",
    "inspections[].inspector: text",
    "inspections[].kind: =first",
    "inspections[].loan_id: text",
    "inspections[].mode: =onsite",
    "inspections[].owner: text",
    "inspections[].recommend_class: null",
    "inspections[].recorded_on: date",
    "inspections[].review_comment: null",
    "inspections[].review_due: date",
    "inspections[].reviewed_by: null",
    "inspections[].reviewed_on: null",
    "next_inspections[].borrower: text",
    "next_inspections[].due_on: date",
    "next_inspections[].kind: =routine",
    "next_inspections[].loan_id: text",
    "next_inspections[].overdue: bool",
    "next_inspections[].owner: text",
    "collateral_items[].customer_id: text",
    "collateral_items[].description: text",
    "collateral_items[].id: int",
    "collateral_items[].insured_until: date",
    "collateral_items[].kind: =house",
    "collateral_items[].loan_id: null",
    "collateral_items[].owner: null",
    "collateral_items[].revalue_by: date",
    "collateral_items[].stale: bool",
    "collateral_items[].status: =held",
    "collateral_items[].status_on: null",
    "collateral_items[].uninsured: bool",
    "collateral_items[].value: money",
    "collateral_items[].valued_on: date",
    "collateral_items[].valuer: text",
    "collateral_items[].valuations[].amount: money",
    "collateral_items[].valuations[].id: int",
    "collateral_items[].valuations[].user: text",
    "collateral_items[].valuations[].valued_on: date",
    "collateral_items[].valuations[].valuer: text",
    "collateral_value: money",
    "ltv: text",
    "work_logs[].customer_id: text",
    "work_logs[].id: int",
    "work_logs[].kind: =visit",
    "work_logs[].late: bool",
    "work_logs[].loan_id: text",
    "work_logs[].logged_on: date",
    "work_logs[].name: text",
    "work_logs[].note: text",
    "work_logs[].sign_comment: null",
    "work_logs[].sign_due: date",
    "work_logs[].signed_by: null",
    "work_logs[].signed_on: null",
    "work_logs[].user: text",
];

#[test]
fn show_loans_and_schedule_keep_their_fields_and_forms() {
    let d = desk();
    let sorted = |lines: Vec<String>| {
        let mut l = lines;
        l.sort();
        l
    };
    let show = json(&d, &["show", "SH-1"]);
    let want = SUMMARY
        .iter()
        .chain(DETAIL)
        .map(|l| l.to_string())
        .chain(SCHEDULE.iter().map(|l| format!("schedule[].{l}")))
        .collect();
    assert_eq!(shape(&show), sorted(want), "show --format json");

    let list = json(&d, &["loans", "--search", "SH-1"]);
    assert_eq!(list.as_array().map(Vec::len), Some(1), "{list}");
    assert_eq!(
        shape(&list[0]),
        sorted(SUMMARY.iter().map(|l| l.to_string()).collect()),
        "loans --format json"
    );

    let schedule = json(&d, &["schedule", "SH-1"]);
    assert_eq!(shape(&schedule[0]), sorted(SCHEDULE.iter().map(|l| l.to_string()).collect()), "schedule");
    assert_eq!(schedule, show["schedule"], "schedule is show's schedule");
}

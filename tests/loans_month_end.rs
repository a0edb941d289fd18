//! `loans --as-of` a month-end already captured answers from its month-end rows: the same loans
//! in the same order, with the same figures for every field those rows keep, as the list the book
//! recomputed for that date (`--recompute`) gives; the stage, warning level and watchlist mark as
//! they stood that day; nothing for the fields they do not keep.

mod common;

use common::TestDesk;
use serde_json::Value;

/// The fields a month-end row gives, as the recomputed list does.
const KEPT: &[&str] = &[
    "loan_id",
    "borrower",
    "product",
    "assignee",
    "agency",
    "status",
    "dpd",
    "bucket",
    "class",
    "principal",
    "outstanding_principal",
    "overdue_amount",
    "phone",
    "last_contact_at",
    "last_outcome",
    "next_action_on",
    "held_until",
    "as_of",
];

/// The fields it keeps as they stood on the month-end, where the recomputed list gives today's
/// (it takes the stage, the open signals and the watchlist as they are now).
const KEPT_AS_THEN: &[&str] = &["stage", "warning_level", "watchlist"];

/// The fields it does not keep: `null`.
const NOT_KEPT: &[&str] = &[
    "class_reason",
    "customer_rating",
    "overdue_principal",
    "overdue_interest",
    "penalty_interest",
    "next_due_on",
    "next_due_amount",
    "payoff_amount",
    "due_soon_on",
    "promise_due_on",
    "promise_status",
    "worked_by",
];

fn book() -> TestDesk {
    let d = TestDesk::new();
    d.ok(&["demo", "--loans", "300", "--seed", "7"]);
    d
}

fn rows(v: &Value) -> &Vec<Value> {
    v.as_array().expect("a JSON array")
}

fn kept(row: &Value) -> Vec<(&'static str, Value)> {
    KEPT.iter()
        .map(|f| (*f, row.get(*f).cloned().unwrap_or_else(|| panic!("no field {f} in {row}"))))
        .collect()
}

/// A recomputed row's kept fields as they were at the month-end, `None` for a loan disbursed
/// after it. The recomputed list takes a loan's status as it stands today (a loan written off
/// since is `written_off` there, `active` in its month-end row) and lists a loan not yet
/// disbursed as active and owing its whole principal; a month-end row has neither.
fn as_at_month_end(d: &TestDesk, row: &Value) -> Option<Vec<(&'static str, Value)>> {
    let found = d.text_rows(
        "SELECT disbursed_on, written_off_on FROM loans WHERE loan_ref = $1",
        &[row["loan_id"].as_str().expect("a loan id")],
    );
    let (disbursed, written_off) = match found.as_slice() {
        [r] => (r[0].clone().expect("disbursed"), r[1].clone()),
        _ => panic!("the loan {row}"),
    };
    (disbursed.as_str() <= "2026-01-31").then(|| {
        kept(row)
            .into_iter()
            .map(|(f, v)| match (f, written_off.as_deref()) {
                ("status", Some(on)) if on > "2026-01-31" => (f, Value::from("active")),
                _ => (f, v),
            })
            .collect()
    })
}

/// Both answers to the same question: from the month-end rows, and recomputed.
fn both(d: &TestDesk, args: &[&str]) -> (Value, Value) {
    let fast = d.ok(&[&["--as-of", "2026-01-31", "loans", "--format", "json"], args].concat());
    assert!(fast.stderr.contains("from its month-end rows"), "{}", fast.stderr);
    let slow = d.ok(&[&["--as-of", "2026-01-31", "loans", "--format", "json", "--recompute"], args].concat());
    assert!(!slow.stderr.contains("month-end rows"), "{}", slow.stderr);
    (fast.json(), slow.json())
}

#[test]
fn a_captured_month_end_lists_from_its_rows_as_the_recomputed_book_does() {
    let d = book();
    for args in [&[][..], &["--sort", "overdue"], &["--dpd-min", "30"], &["--assignee", "li.qiang"]] {
        let (fast, slow) = both(&d, args);
        assert!(!rows(&slow).is_empty(), "{args:?}");
        let fast_kept: Vec<_> = rows(&fast).iter().map(kept).collect();
        let slow_kept: Vec<_> = rows(&slow).iter().filter_map(|r| as_at_month_end(&d, r)).collect();
        assert_eq!(fast_kept, slow_kept, "{args:?}");
        for row in rows(&fast) {
            for f in NOT_KEPT {
                assert_eq!(row.get(*f), Some(&Value::Null), "{f} in {row}");
            }
            for f in KEPT_AS_THEN {
                assert!(row.get(*f).is_some_and(|v| v.is_string() || v.is_boolean()), "{f} in {row}");
            }
        }
    }
    // A status is the one at the month-end; a page is a page of the same list.
    let (all, slow) = both(&d, &[]);
    let then: Vec<_> = rows(&slow).iter().filter_map(|r| as_at_month_end(&d, r)).collect();
    for status in ["active", "closed", "written_off"] {
        let (fast, _) = both(&d, &["--status", status]);
        let want: Vec<_> =
            then.iter().filter(|r| r.iter().any(|(f, v)| *f == "status" && v == status)).collect();
        let got: Vec<_> = rows(&fast).iter().map(kept).collect();
        assert_eq!(got.iter().collect::<Vec<_>>(), want, "{status}");
    }
    let (page, _) = both(&d, &["--limit", "20", "--offset", "5"]);
    assert_eq!(rows(&page)[..], rows(&all)[5..25]);
    // The demo book has loans past due at that month-end: the list says so, not only zeros.
    let (fast, _) = both(&d, &["--dpd-min", "90"]);
    assert!(rows(&fast).iter().all(|r| r["dpd"].as_i64() >= Some(90)) && !rows(&fast).is_empty());
}

#[test]
fn a_question_the_rows_cannot_answer_is_recomputed() {
    let d = book();
    for args in [&["--stage", "reminder"][..], &["--sort", "due"], &["--due-soon"]] {
        let r = d.ok(&[&["--as-of", "2026-01-31", "loans", "--format", "json"], args].concat());
        assert!(!r.stderr.contains("month-end rows"), "{args:?}: {}", r.stderr);
    }
    // A day that is not a month-end, and a month-end not captured, are recomputed too.
    for day in ["2026-01-30", "2023-01-31"] {
        let r = d.ok(&["--as-of", day, "loans", "--format", "json", "--limit", "3"]);
        assert!(!r.stderr.contains("month-end rows"), "{day}: {}", r.stderr);
    }
    // The CSV has the list's columns, in its order.
    let csv = |extra: &[&str]| {
        let r =
            d.ok(&[&["--as-of", "2026-01-31", "loans", "--limit", "3", "--format", "csv"], extra].concat());
        r.stdout.lines().next().map(str::to_string).expect("a header")
    };
    assert_eq!(csv(&[]), csv(&["--recompute"]));
    let table = d.ok(&["--as-of", "2026-01-31", "loans", "--limit", "3", "--format", "table"]);
    let lines: Vec<&str> = table.stdout.lines().collect();
    assert!(lines[0].starts_with("LOAN") && lines[0].contains("STAGE"), "{}", table.stdout);
    // The stage is the one the month-end's row keeps.
    let stage = lines[1].split_whitespace().nth(2);
    assert!(
        stage.is_some_and(|s| [
            "current",
            "reminder",
            "negotiation",
            "guarantor",
            "legal",
            "closed",
            "written_off"
        ]
        .contains(&s)),
        "{}",
        table.stdout
    );
}

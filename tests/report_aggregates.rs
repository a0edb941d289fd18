//! The month-end aggregates (migration 0024) give every report exactly the figures its month-end
//! rows give, whole and by each grouping, on the demo book: as written by each capture, and as
//! rebuilt from the rows when a store recorded before them is opened. The aggregates are read with
//! the rows gone, so the figures can only come from them.

use chrono::{DateTime, NaiveDate};
use duedesk::app::Desk;
use duedesk::app::report::{By, ReportSpan};
use duedesk::domain::report::Month;

mod common;

use common::book::{Book, Keep};
use serde_json::{Value, json};

/// The demo book of 400 loans as of 2026-03-20, kept in a file on the file pass.
fn demo() -> Book {
    let as_of = NaiveDate::from_ymd_opt(2026, 3, 20).expect("date");
    let now = DateTime::parse_from_rfc3339("2026-03-20T10:00:00+08:00").expect("now");
    Book::demo_at(Keep::File, 400, 7, as_of, now)
}

/// Every report over the demo's month-ends: each pair a month apart (those further apart are read
/// from rows), the NPL line and the vintage curves over all of them (large customers are read from rows always).
fn every_report(desk: &Desk) -> Value {
    let (first, last): (Month, Month) =
        ("2024-09".parse().expect("month"), "2026-02".parse().expect("month"));
    let mut out = Vec::new();
    for by in [None, Some(By::Branch), Some(By::Product), Some(By::Owner)] {
        let mut from = first;
        while from < last {
            let span = ReportSpan { from, to: from.plus(1), by };
            out.push(json!([
                desk.report_migration(span).expect("migration"),
                desk.report_migration_rates(span).expect("migration rates"),
                desk.report_roll(span).expect("roll"),
                desk.report_roll_rates(span).expect("roll rates"),
                desk.report_cure(span).expect("cure"),
            ]));
            from = from.plus(1);
        }
        let span = ReportSpan { from: first, to: last, by };
        out.push(json!([desk.report_npl(span).expect("npl"), desk.report_vintage(span).expect("vintage"),]));
    }
    Value::Array(out)
}

fn as_list(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

#[test]
fn every_report_from_aggregates_equals_the_report_from_rows() {
    // The same demo book twice (it is the same book for a seed: `load_digest.rs`).
    let (book, copy) = (demo(), demo());

    // From the rows: the aggregates marked unwritten under a desk already open.
    let rows_desk = copy.desk_as("admin");
    copy.exec("UPDATE month_ends SET aggregated = 0");
    let from_rows = every_report(&rows_desk);
    drop(rows_desk);

    // As each capture wrote them.
    book.exec("DELETE FROM month_end");
    let from_capture = every_report(&book.desk_as("admin"));

    // Rebuilt from the rows when the store is opened.
    copy.exec("DELETE FROM month_agg_npl; DELETE FROM month_agg_cohort; DELETE FROM month_agg_flow");
    let rebuilt = copy.desk_as("admin");
    copy.exec("DELETE FROM month_end");
    let from_rebuilt = every_report(&rebuilt);

    // Figures with something in them: flows, NPL points and cohorts.
    let text = from_rows.to_string();
    for word in ["\"to\":\"closed\"", "\"npl_loans\"", "\"mob\":18"] {
        assert!(text.contains(word), "{word} missing from the reports");
    }
    let (rows, capture, rebuilt) = (as_list(&from_rows), as_list(&from_capture), as_list(&from_rebuilt));
    assert_eq!(capture.len(), rows.len());
    for (i, want) in rows.iter().enumerate() {
        assert_eq!(&capture[i], want, "report {i} as captured");
        assert_eq!(&rebuilt[i], want, "report {i} as rebuilt");
    }
}

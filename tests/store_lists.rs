//! The store's loan lists on a demo book: pages read from the end, a search's kept matches, the
//! index ranges the filters search, the queue's partial indexes, and a refresh that writes only
//! the rows that moved. The book is made through the desk; the lists are asked of the store
//! directly, beside it on the same file.

use chrono::NaiveDate;
use duedesk::store::{self, Db, LoanFilter, SortKey, StateAt, Store};

mod common;

use common::book::Keep;

/// A demo book of `loans` loans as of 2026-03-01 on the backend of the pass: the desk that made it
/// and the store opened again beside it.
struct Book {
    desk: common::book::Book,
    store: Store,
}

fn demo(loans: u64) -> Book {
    let desk = common::book::Book::demo(Keep::File, loans, 7);
    let store = desk.store();
    Book { desk, store }
}

/// The shared snapshot as the desk asks it, on the desk's date.
fn shared(book: &Book) -> StateAt {
    StateAt::shared(book.desk.as_of, book.desk.rules)
}

/// Each row's figures and the date they stop holding (not the date they were found on: a row a
/// refresh finds unchanged keeps its own).
fn snapshot(store: &Store) -> Vec<String> {
    let mut stmt = store
        .conn()
        .prepare("SELECT quote(loan_id) || ',' || quote(stale_on) || ',' || quote(status) || ',' || quote(stage) || ',' || quote(overdue_since) || ',' || quote(overdue_amount) || ',' || quote(next_due_on) || ',' || quote(due_soon_on) || ',' || quote(promise_status) || ',' || quote(last_contact_at) FROM loan_state ORDER BY loan_id")
        .expect("prepare");
    stmt.query_map([], |r| r.get(0)).expect("query").collect::<rusqlite::Result<Vec<String>>>().expect("rows")
}

#[test]
fn a_page_read_from_the_end_is_the_page_read_from_the_start() {
    let book = demo(400);
    let conn = book.store.db();
    let day = book.desk.as_of;
    let at = shared(&book);
    let filters = [
        LoanFilter::default(),
        LoanFilter { dpd_min: Some(1), promises_first: Some(day), ..LoanFilter::default() },
        // A search (loan ids DL00000100 to DL00000199).
        LoanFilter { search: Some("DL000001".into()), ..LoanFilter::default() },
        // The desk's queue, read through its partial indexes.
        LoanFilter {
            status: Some(duedesk::domain::LoanStatus::Active),
            dpd_min: Some(1),
            promises_first: Some(day),
            ..LoanFilter::default()
        },
    ];
    let sorts = [
        SortKey::Dpd,
        SortKey::Overdue,
        SortKey::Due,
        SortKey::LastContact,
        SortKey::NextAction,
        SortKey::DueSoon,
    ];
    for filter in &filters {
        let total = store::count_loans(conn, at, filter).expect("count");
        assert!(total > 20, "{filter:?}");
        for sort in sorts {
            for (offset, limit) in [(total / 2 + 1, 7), (total - 5, 10), (total - 1, 3), (total / 2, 50)] {
                let ahead = store::list_loans(conn, at, filter, sort, Some(limit), offset).expect("forward");
                let back = store::list_loans_in(conn, at, filter, sort, Some(limit), offset, Some(total))
                    .expect("from the end");
                let ids = |rows: &[store::StateRow]| rows.iter().map(|r| r.loan_id.0).collect::<Vec<_>>();
                assert_eq!(ids(&ahead), ids(&back), "{filter:?} {sort:?} {offset}+{limit}");
            }
        }
    }
}

#[test]
fn a_search_read_from_its_kept_matches_is_the_list_the_statements_give() {
    let book = demo(400);
    let conn = book.store.db();
    let day = book.desk.as_of;
    let at = shared(&book);
    let name =
        book.desk.text_rows("SELECT borrower FROM loans WHERE id = 7", &[])[0][0].clone().expect("name");
    let surname: String = name.chars().take(1).collect();
    let queue = LoanFilter {
        status: Some(duedesk::domain::LoanStatus::Active),
        dpd_min: Some(1),
        promises_first: Some(day),
        ..LoanFilter::default()
    };
    let mut seen_a_band = false;
    for search in ["DL0000", "DL000001", surname.as_str(), name.as_str(), "nobody"] {
        for base in [LoanFilter::default(), queue.clone()] {
            let filter = LoanFilter { search: Some(search.into()), ..base };
            let total = store::count_loans(conn, at, &filter).expect("count");
            if let Some(day) = filter.promises_first {
                let band = store::promise_band(&filter, day);
                seen_a_band |= store::count_loans(conn, at, &band).expect("band") > 0;
            }
            for sort in
                [SortKey::Dpd, SortKey::Overdue, SortKey::Due, SortKey::LastContact, SortKey::NextAction]
            {
                for (offset, limit) in [(0, 10), (3, 7), (total.saturating_sub(2), 10), (total + 5, 10)] {
                    let want =
                        store::list_loans(conn, at, &filter, sort, Some(limit), offset).expect("statements");
                    let (got, n) =
                        book.store.list_page(at, &filter, sort, Some(limit), offset, true).expect("kept");
                    assert_eq!(got, want, "{search} {sort:?} {offset}+{limit}");
                    assert_eq!(n, Some(total), "{search} {sort:?}");
                }
            }
        }
    }
    assert!(seen_a_band, "a searched queue with promises due today");
}

#[test]
fn filtered_list_questions_search_an_index_range() {
    // SQLite's query plans (EXPLAIN QUERY PLAN) of a file's indexes: a server plans its own.
    if common::on_server() {
        return;
    }
    let book = demo(100);
    let conn = book.store.conn();
    let day = book.desk.as_of;
    let at = shared(&book);
    let plan = |(sql, args): (String, Vec<rusqlite::types::Value>)| -> String {
        let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).expect("explain");
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))
            .expect("plan")
            .map(|r| r.expect("row"))
            .collect::<Vec<_>>();
        rows.join(" / ")
    };
    // Each question, and whether the range comes in the list's order (today's promise band is a
    // few rows, sorted in another order).
    let questions = [
        (
            LoanFilter {
                next_due_between: Some((day, day + chrono::Duration::days(3))),
                ..LoanFilter::default()
            },
            SortKey::Due,
            true,
        ),
        (LoanFilter { promise_due: Some((true, day)), ..LoanFilter::default() }, SortKey::Overdue, false),
        (
            LoanFilter { stage: Some(duedesk::domain::Stage::Legal), ..LoanFilter::default() },
            SortKey::Dpd,
            true,
        ),
        // The desk's queue by DPD, outside today's promise band, and the band itself.
        (
            LoanFilter {
                status: Some(duedesk::domain::LoanStatus::Active),
                dpd_min: Some(1),
                promise_due: Some((false, day)),
                ..LoanFilter::default()
            },
            SortKey::Dpd,
            true,
        ),
        (
            LoanFilter {
                status: Some(duedesk::domain::LoanStatus::Active),
                dpd_min: Some(1),
                promise_due: Some((true, day)),
                ..LoanFilter::default()
            },
            SortKey::Dpd,
            true,
        ),
    ];
    // The queue by warning level, or of customers on the watchlist: the few loans found by the
    // open signals' level index or the watchlist's current stays drive it, sorted alone.
    let queue = LoanFilter {
        status: Some(duedesk::domain::LoanStatus::Active),
        dpd_min: Some(1),
        promise_due: Some((false, day)),
        ..LoanFilter::default()
    };
    let mut questions = questions.to_vec();
    for level in duedesk::domain::warning::Level::ALL {
        questions.push((LoanFilter { warning: Some(*level), ..queue.clone() }, SortKey::Overdue, false));
    }
    questions.push((LoanFilter { watched: true, ..queue.clone() }, SortKey::LastContact, false));
    questions.push((
        LoanFilter { watched: true, warning: Some(duedesk::domain::warning::Level::Red), ..queue },
        SortKey::Dpd,
        false,
    ));
    for (filter, sort, in_order) in questions {
        for p in [plan(store::count_sql(at, &filter)), plan(store::page_sql(at, &filter, sort, Some(50), 0))]
        {
            // A search of an index's range in the list's order: never a walk of the table or of a
            // whole index, nor a sort of what the range found (the page's own rows, once joined,
            // are put in order again after `SCAN p`).
            let walks = p.split(" / ").any(|step| step.starts_with("SCAN s"));
            let picking = p.split(" / SCAN p").next().unwrap_or_default();
            let sorts = in_order && picking.contains("TEMP B-TREE FOR ORDER BY");
            assert!(p.contains("SEARCH s USING") && !walks && !sorts, "{filter:?} {sort:?}: {p}");
        }
    }
}

#[test]
fn a_kept_search_is_found_again_after_a_write() {
    let mut book = demo(100);
    let filter = LoanFilter { search: Some("DL0000001".into()), ..LoanFilter::default() };
    let at = shared(&book);
    let count = |store: &Store| store.list_page(at, &filter, SortKey::Dpd, None, 0, true).expect("page").1;
    let before = count(&book.store).expect("total");
    assert!(before > 0);
    book.store
        .write(|tx| -> duedesk::store::Result<u64> {
            let delete =
                "DELETE FROM loan_state WHERE loan_id = (SELECT id FROM loans WHERE loan_ref = 'DL00000012')";
            match tx {
                Db::File(c) => Ok(c.execute(delete, [])? as u64),
                Db::Server(s) => s.execute(delete, &[]),
            }
        })
        .expect("write");
    assert_eq!(count(&book.store), Some(before - 1), "a write makes the search look again");
}

#[test]
fn the_queue_read_through_its_partial_indexes_is_in_the_order_asked() {
    let book = demo(400);
    let conn = book.store.db();
    let at = shared(&book);
    let filter = LoanFilter {
        status: Some(duedesk::domain::LoanStatus::Active),
        dpd_min: Some(1),
        ..LoanFilter::default()
    };
    for (sort, order) in [
        (SortKey::Overdue, "overdue_amount DESC, loan_id"),
        // A NULL first, as SQLite sorts it (a server sorts it last unless told).
        (SortKey::LastContact, "last_contact_at IS NOT NULL, last_contact_at, loan_id"),
        (SortKey::NextAction, "next_action_on IS NULL, next_action_on, loan_id"),
    ] {
        let sql = format!(
            "SELECT loan_id FROM loan_state WHERE status = 'active' AND overdue_since IS NOT NULL ORDER BY {order}"
        );
        let want = book.desk.ints(&sql, &[]);
        let got: Vec<i64> = store::list_loans(conn, at, &filter, sort, None, 0)
            .expect("list")
            .iter()
            .map(|r| r.loan_id.0)
            .collect();
        assert!(want.len() > 20);
        assert_eq!(got, want, "{sort:?}");
    }
}

#[test]
fn a_refresh_that_writes_only_moved_rows_leaves_what_a_full_one_would() {
    // SQLite's quote() and a file's snapshot indexes made again (sqlite_master); see pg_snapshot.rs.
    if common::on_server() {
        return;
    }
    let mut book = demo(300);
    let before = snapshot(&book.store);
    book.desk.refresh(&mut |_| {}).expect("same day");
    assert_eq!(snapshot(&book.store), before, "a refresh on the snapshot's date changes nothing");

    book.desk.as_of = NaiveDate::from_ymd_opt(2026, 3, 20).expect("day");
    book.desk.refresh(&mut |_| {}).expect("later");
    let moved = snapshot(&book.store);
    assert_ne!(moved, before);
    // The same date computed into an emptied snapshot (indexes rebuilt at the end).
    let indexes = |store: &Store| -> Vec<(String, Option<String>)> {
        let conn = store.conn();
        let mut stmt = conn
            .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'loan_state' ORDER BY name")
            .expect("prepare");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("query").map(|r| r.expect("row")).collect()
    };
    let before = indexes(&book.store);
    assert!(before.len() > 10, "{before:?}");
    book.store.conn().execute("DELETE FROM loan_state", []).expect("empty");
    book.desk.refresh(&mut |_| {}).expect("from empty");
    assert_eq!(snapshot(&book.store), moved);
    assert_eq!(indexes(&book.store), before, "the snapshot's indexes are back, as they were");
}

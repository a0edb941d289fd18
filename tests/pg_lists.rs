//! The team and scorecard figures, the month-end history and its reports, the escalation run's
//! reads and the desk's lists on both backends (issue #20): a demo book on a file, copied whole to
//! a server, answers every one of them alike, writes included.

mod common;

use std::cell::RefCell;

use common::TestDesk;
use duedesk::domain::report::Month;
use duedesk::store::{self, Db, StateAt, StateTable, UserId};

fn day(d: &str) -> chrono::NaiveDate {
    duedesk::domain::parse_date(d).expect("date")
}

fn month(m: &str) -> Month {
    m.parse().expect("month")
}

/// A statement run as it is on either backend (rows added by hand, the same on both).
fn db_exec(db: Db<'_>, sql: &str) {
    match db {
        Db::Server(s) => {
            s.execute(sql, &[]).expect("statement");
        }
        Db::File(c) => {
            c.execute_batch(sql).expect("statement");
        }
    }
}

/// A demo book on a file and the same book on a fresh server database.
fn book(tag: &str) -> Option<(TestDesk, common::pg::TestDb)> {
    let server = common::pg::fresh(tag)?;
    let d = TestDesk::bare();
    let r = d.run(&["demo", "--loans", "150", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    d.ok(&["store", "copy", "--from", TestDesk::path_str(&d.db), "--to", &server.url(), "--format", "csv"]);
    Some((d, server))
}

/// Rows the demo lacks, added alike on both: a customer with nobody assigned and a payment, a
/// contact taken back, a cure, a late reassignment, a work log signed late.
fn edge_rows(db: Db<'_>) {
    for sql in [
        "INSERT INTO customers (id, customer_ref, name) VALUES (9001, 'C9001', '无人 负责')",
        "INSERT INTO loans (id, loan_ref, customer_id, borrower, product, principal_cents, rate_e4, term_months, \
         disbursed_on, created_at) VALUES (9001, 'DL9001', 9001, '无人 负责', 'bullet', 500000, 90000, 6, \
         '2025-12-01', '2025-12-01T09:00:00+08:00')",
        "INSERT INTO payments (loan_id, paid_on, amount_cents, reference, created_at) \
         VALUES (9001, '2026-02-10', 12345, '付款 1', '2026-02-10T09:00:00+08:00')",
        // Paid the day its customer was handed on: the new owner's by the end of that day.
        "INSERT INTO payments (loan_id, paid_on, amount_cents, reference, created_at) \
         VALUES (1, '2026-02-10', 777, NULL, '2026-02-10T09:00:00+08:00')",
        "INSERT INTO assignments (customer_id, from_user_id, to_user_id, reason, at) \
         VALUES (1, NULL, 4, 'import', '2026-01-05T10:00:00+08:00')",
        "INSERT INTO assignments (customer_id, from_user_id, to_user_id, reason, at) \
         VALUES (1, 4, 3, 'reassign', '2026-02-10T23:59:00+08:00')",
        "INSERT INTO contacts (loan_id, customer_id, user_id, at, channel, party, direction, outcome, note) \
         VALUES (1, 1, 5, '2026-02-20T10:00:00+08:00', 'call', 'debtor', 'outbound', 'promise', '答应 还款')",
        "INSERT INTO contacts (loan_id, customer_id, user_id, at, channel, party, direction, outcome, note, \
         corrects_id, voids) VALUES (1, 1, 5, '2026-02-20T11:00:00+08:00', 'call', 'debtor', 'outbound', 'promise', \
         '录入 错误', (SELECT max(id) FROM contacts), 1)",
        "INSERT INTO stage_events (loan_id, from_stage, to_stage, as_of, actor, reason, at) \
         VALUES (1, 'negotiation', 'current', '2026-02-15', 'policy', '还清', '2026-02-15T10:00:00+08:00')",
    ] {
        db_exec(db, sql);
    }
}

/// The team's and the scorecard's figures, with their writes.
fn team_and_scorecard(db: Db<'_>) -> Vec<String> {
    use duedesk::domain::Stage;
    use duedesk::domain::scorecard::Kpi;
    let mut out = Vec::new();
    let (from, to) = (day("2026-02-01"), day("2026-02-28"));
    for u in [1, 3, 5, 9, 99].map(UserId) {
        out.push(format!("open book {u:?}: {:?}", store::open_book_of(db, StateTable::Shared, u)));
        out.push(format!("contacts {u:?}: {:?}", store::contacts_by(db, u, from, day("2026-03-01"))));
        out.push(format!("made {u:?}: {:?}", store::promises_made_by(db, u, from, day("2026-03-01"))));
        out.push(format!("due {u:?}: {:?}", store::promises_due_by(db, u, from, day("2026-03-31"))));
        out.push(format!("rpc {u:?}: {:?}", store::right_party(db, u, from, to)));
        out.push(format!("cured {u:?}: {:?}", store::cured_by(db, u, from, to)));
        out.push(format!("signed {u:?}: {:?}", store::logs_signed(db, u, from, day("2026-03-31"))));
    }
    out.push(format!("collections: {:?}", store::collections(db, from, day("2026-03-01"))));
    out.push(format!("no collections: {:?}", store::collections(db, day("2030-01-01"), day("2030-01-31"))));
    for stage in [Stage::Current, Stage::Legal, Stage::WrittenOff] {
        out.push(format!("stage {stage:?}: {:?}", store::stage_count(db, StateTable::Shared, stage)));
    }
    let mut owners: Vec<_> =
        store::collected_by_owner(db, from, to).expect("collected").into_iter().collect();
    owners.sort();
    out.push(format!("collected by owner: {owners:?}"));
    let (u, m) = (UserId(3), month("2026-04"));
    store::set_target(db, u, m, Kpi::Collected, 100_000).expect("target");
    store::set_target(db, u, m, Kpi::Cured, 3).expect("target");
    store::set_target(db, u, m, Kpi::Collected, 200_000).expect("target again");
    out.push(format!("targets: {:?}", store::targets_of(db, u, m)));
    out.push(format!("demo targets: {:?}", store::targets_of(db, u, month("2026-02"))));
    out.push(format!("no targets: {:?}", store::targets_of(db, UserId(99), m)));
    store::close_card(db, m, UserId(5), "{\"名\":\"陈静\"}", "2026-05-01T09:00:00+08:00", "zhao.min")
        .expect("card");
    store::close_card(db, m, u, "{}", "2026-05-01T09:00:00+08:00", "zhao.min").expect("card");
    out.push(format!("cards: {:?}", store::closed_cards(db, m)));
    out.push(format!("no cards: {:?}", store::closed_cards(db, month("2026-05"))));
    out
}

/// The month-end history: what is recorded, the list as of a month-end, the aggregates, and a
/// month-end captured from the snapshot, finished, forgotten and aggregated again.
fn month_ends(db: Db<'_>) -> Vec<String> {
    use duedesk::domain::report::{By, FlowKind};
    use duedesk::store::{MonthEndFilter, RowsWritten, SortKey};
    let mut out = Vec::new();
    let (feb, jan) = (month("2026-02"), month("2026-01"));
    out.push(format!("info: {:?}", store::month_end_info(db, feb)));
    out.push(format!("no info: {:?}", store::month_end_info(db, month("2099-01"))));
    out.push(format!("all: {:?}", store::month_ends(db)));
    out.push(format!("last: {:?}", store::last_month_end(db)));
    out.push(format!(
        "through: {:?} {:?}",
        store::captured_through(db, feb),
        store::captured_through(db, month("2030-01"))
    ));
    let mut watched: Vec<i64> =
        store::watched_on(db, day("2026-02-28")).expect("watched").into_iter().collect();
    watched.sort_unstable();
    out.push(format!("watched: {watched:?}"));
    let filters = [
        MonthEndFilter::default(),
        MonthEndFilter {
            status: Some(duedesk::domain::LoanStatus::Active),
            dpd_min: Some(30),
            ..Default::default()
        },
        MonthEndFilter { assignee: Some(UserId(5)), ..Default::default() },
        MonthEndFilter { assignee: Some(UserId(99)), ..Default::default() },
    ];
    for f in filters {
        for sort in [SortKey::Dpd, SortKey::Overdue, SortKey::Due] {
            for (limit, offset) in [(None, 0), (Some(7), 0), (Some(5), 20), (None, 140)] {
                let page = store::month_end_list(db, jan, f, sort, limit, offset);
                out.push(format!("list {f:?} {sort:?} {limit:?} {offset}: {page:?}"));
            }
        }
    }
    out.push(format!("refs walked: {:?}", store::customer_refs(db, &[3, 1, 3, 10, 9001])));
    out.push(format!("refs looked up: {:?}", store::customer_refs(db, &[9001, 2, 99_999])));
    out.push(format!("no refs: {:?}", store::customer_refs(db, &[])));
    let aggregates = |out: &mut Vec<String>, m: Month| {
        out.push(format!(
            "aggregated {m:?}: {:?} {:?}",
            store::aggregated(db, m),
            store::pair_aggregated(db, m)
        ));
        for by in [None, Some(By::Branch), Some(By::Product), Some(By::Owner)] {
            out.push(format!("npl {m:?} {by:?}: {:?}", store::agg_npl(db, m, by)));
            out.push(format!("cohorts {m:?} {by:?}: {:?}", store::agg_cohorts(db, m, by)));
            for kind in [FlowKind::Class, FlowKind::Bucket] {
                out.push(format!("flows {m:?} {by:?} {kind:?}: {:?}", store::agg_flows(db, m, by, kind)));
            }
        }
    };
    aggregates(&mut out, jan);
    aggregates(&mut out, feb);
    // March's month-end from the snapshot, a few loans a page, then finished with its aggregates.
    let mar = month("2026-03");
    let at = StateAt::shared(day("2026-03-31"), duedesk::domain::AssessRules::default());
    let watched = store::watched_on(db, mar.last_day()).expect("watched");
    let mut after = 0;
    while let Some(last) = store::capture_page(db, &at, mar, &watched, after, 40).expect("page") {
        after = last;
    }
    out.push(format!("captured: {:?}", store::captured_through(db, mar)));
    let rows = match db {
        Db::File(_) => RowsWritten::Committed,
        Db::Server(_) => RowsWritten::InThisTransaction,
    };
    out.push(format!(
        "finished: {:?}",
        store::finish_capture(db, mar, "capture", "张伟", "2026-04-01T09:00:00+08:00", rows)
    ));
    out.push(format!("info: {:?}", store::month_end_info(db, mar)));
    aggregates(&mut out, feb);
    aggregates(&mut out, mar);
    // Captured again over what is there: the month-end is replaced and aggregated afresh.
    store::capture_page(db, &at, mar, &watched, 0, 10).expect("again");
    out.push(format!(
        "again: {:?}",
        store::finish_capture(db, mar, "run", "policy", "2026-04-02T09:00:00+08:00", rows)
    ));
    out.push(format!("info: {:?}", store::month_end_info(db, mar)));
    store::forget_month_end(db, feb).expect("forget");
    out.push(format!("forgotten: {:?} {:?}", store::month_end_info(db, feb), store::last_month_end(db)));
    aggregates(&mut out, jan);
    db_exec(db, "UPDATE month_ends SET aggregated = 0 WHERE month IN (202510, 202512)");
    out.push(format!("pending: {:?}", store::aggregates_pending(db)));
    store::aggregate_pending(db).expect("aggregate");
    out.push(format!("pending: {:?}", store::aggregates_pending(db)));
    aggregates(&mut out, month("2025-10"));
    aggregates(&mut out, month("2025-12"));
    out
}

/// The users and settings the audit log vouches for: the baseline written once, and the tables
/// replayed from the log and compared, whole and tampered with.
fn audit_state(db: Db<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let entries = |db: Db<'_>| {
        store::list_audit(db, &store::AuditFilter { loan: None, actor: None, since: None, limit: 100_000 })
            .expect("log")
    };
    // Entries counted from the last one before, which the file's log has one later than the
    // server's (the copy's own entry).
    let base = entries(db).first().map_or(0, |e| e.id);
    let replayed = |db: Db<'_>| {
        let mut replay = store::Replay::default();
        for row in entries(db).iter().rev() {
            replay.apply(row);
        }
        match replay.compare(db).expect("compare") {
            None => "whole".to_string(),
            Some(b) => {
                let after = if b.id > 0 { b.id - base } else { 0 };
                let why = b.why.replace(&format!("entry {}", b.id), &format!("entry +{after}"));
                format!("+{after} {:?} {why}", b.kind)
            }
        }
    };
    out.push(format!("pending: {:?}", store::baseline_pending(db)));
    out.push(format!("compare: {}", replayed(db)));
    db_exec(db, "DELETE FROM meta WHERE key = 'audit_state_vouched'");
    out.push(format!("pending: {:?}", store::baseline_pending(db)));
    store::write_baseline(db).expect("baseline");
    store::write_baseline(db).expect("once only");
    out.push(format!("pending: {:?}", store::baseline_pending(db)));
    // The file's log has one entry more, the copy's own, recorded after it.
    let last: Vec<_> = entries(db).into_iter().take(1).map(|e| (e.actor, e.action, e.detail)).collect();
    out.push(format!("baseline: {last:?}"));
    out.push(format!("compare: {}", replayed(db)));
    db_exec(db, "UPDATE users SET role = 'admin' WHERE login = 'wang.fang'");
    out.push(format!("compare: {}", replayed(db)));
    db_exec(db, "UPDATE users SET role = 'collector' WHERE login = 'wang.fang'");
    db_exec(db, "INSERT INTO settings (key, value) VALUES ('分行', '浦东')");
    out.push(format!("compare: {}", replayed(db)));
    out
}

/// What an escalation run reads, and a run's move undone.
fn escalation(db: Db<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let rules = duedesk::domain::AssessRules::default();
    db_exec(
        db,
        "INSERT INTO holds (loan_id, kind, from_on, until_on, reason, created_at) \
         VALUES (8, 'dispute', '2026-02-20', '2026-03-20', '争议 中', '2026-02-20T09:00:00+08:00')",
    );
    for on in ["2026-03-01", "2026-06-15"] {
        let at = StateAt::shared(day(on), rules);
        let held = store::held_on(db, day(on)).expect("held");
        let mut after = 0;
        loop {
            let mut page = store::escalation_page(db, at, &held, after, 17).expect("page");
            let Some(last) = page.last() else { break };
            after = last.loan.0;
            // The server reads each loan's reference with its page (a file looks it up per move):
            // where read, it is the loan's; the rest of the row is the same on both.
            let server = matches!(db, store::Db::Server(_));
            assert!(page.iter().all(|r| r.loan_ref.is_some() == server), "{page:?}");
            for row in &mut page {
                if let Some(r) = row.loan_ref.take() {
                    assert_eq!(Some(r), store::loan_ref_of(db, row.loan).ok(), "{:?}", row.loan);
                }
            }
            out.push(format!("page {on}: {page:?}"));
        }
    }
    let mut first = day("2026-03-01");
    for _ in 0..24 {
        out.push(format!("maturity {first}: {:?}", store::maturity_due(db, StateAt::shared(first, rules))));
        first = first.checked_add_months(chrono::Months::new(1)).expect("month");
    }
    out.push(format!("loans: {:?}", store::snapshot_loans(db, StateTable::Shared)));
    for actor in ["policy", "nobody"] {
        out.push(format!("last change {actor}: {:?}", store::last_stage_change_as_of(db, actor)));
    }
    let moves = store::run_moves(db, "policy", day("2026-03-01"), 1000).expect("moves");
    out.push(format!("moves: {moves:?}"));
    out.push(format!("a few: {:?}", store::run_moves(db, "policy", day("2026-03-01"), 3)));
    out.push(format!("none: {:?}", store::run_moves(db, "policy", day("2020-01-01"), 3)));
    for m in moves.iter().take(2) {
        store::mark_undone(db, m.event, "2026-03-02T09:00:00+08:00").expect("undone");
    }
    out.push(format!("after undoing: {:?}", store::run_moves(db, "policy", day("2026-03-01"), 3)));
    db_exec(db, "UPDATE stage_events SET undone_at = '2026-03-02T09:00:00+08:00' WHERE actor = 'policy'");
    out.push(format!("all undone: {:?}", store::last_stage_change_as_of(db, "policy")));
    out
}

/// The filters the desk's lists ask, each a different statement.
fn filters() -> Vec<store::LoanFilter> {
    use duedesk::domain::warning::Level;
    use duedesk::domain::{LoanStatus, Stage};
    use store::LoanFilter;
    let today = day("2026-03-01");
    let search = |typed: &str, phones| LoanFilter {
        search: Some(typed.to_string()),
        search_phones: phones,
        ..LoanFilter::default()
    };
    let queue = LoanFilter { status: Some(LoanStatus::Active), dpd_min: Some(1), ..LoanFilter::default() };
    vec![
        LoanFilter::default(),
        queue.clone(),
        LoanFilter { promises_first: Some(today), ..queue.clone() },
        LoanFilter { promises_first: Some(day("2026-02-28")), assignee: Some(UserId(5)), ..queue.clone() },
        LoanFilter { dpd_min: Some(30), ..LoanFilter::default() },
        LoanFilter { dpd_min: Some(100_000), ..LoanFilter::default() },
        LoanFilter { stage: Some(Stage::Legal), ..LoanFilter::default() },
        LoanFilter { assignee: Some(UserId(9)), status: Some(LoanStatus::Closed), ..LoanFilter::default() },
        LoanFilter { next_due_between: Some((today, day("2026-03-20"))), ..LoanFilter::default() },
        LoanFilter { due_soon: true, status: Some(LoanStatus::Active), ..LoanFilter::default() },
        LoanFilter {
            due_soon: true,
            status: Some(LoanStatus::Active),
            assignee: Some(UserId(5)),
            ..LoanFilter::default()
        },
        LoanFilter { promise_due: Some((true, day("2026-02-28"))), ..LoanFilter::default() },
        LoanFilter { promise_due: Some((false, day("2026-02-28"))), ..LoanFilter::default() },
        LoanFilter { warning: Some(Level::Yellow), ..LoanFilter::default() },
        LoanFilter { warning: Some(Level::Red), dpd_min: Some(1), ..LoanFilter::default() },
        LoanFilter { watched: true, ..LoanFilter::default() },
        search("薛", false),
        search("xy", false),
        search("XueYu", false),
        search("dl0000001", false),
        search("DL00000004", false),
        search("9210", true),
        search("9210", false),
        search("nobody at all", false),
        LoanFilter { promises_first: Some(today), ..search("wang", false) },
        LoanFilter { stage: Some(Stage::Legal), ..search("l", false) },
    ]
}

/// The desk's lists: pages in every order from the front and from the end, their counts, a
/// search's matches and their rows, a loan's row, and the search terms kept and asked.
fn lists(db: Db<'_>) -> Vec<String> {
    use store::SortKey;
    let mut out = Vec::new();
    let at = StateAt::shared(day("2026-03-01"), duedesk::domain::AssessRules::default());
    let sorts = [
        SortKey::Dpd,
        SortKey::Overdue,
        SortKey::Due,
        SortKey::LastContact,
        SortKey::NextAction,
        SortKey::DueSoon,
    ];
    for (n, f) in filters().iter().enumerate() {
        let total = store::count_loans(db, at, f).unwrap_or_else(|e| panic!("count {n} {f:?}: {e}"));
        out.push(format!("count {n}: {total}"));
        for sort in sorts {
            let ids =
                |rows: Vec<store::StateRow>| rows.iter().map(|r| r.loan_ref.clone()).collect::<Vec<_>>();
            let all = store::list_loans(db, at, f, sort, None, 0).expect("all");
            out.push(format!("all {n} {sort:?}: {:?}", ids(all)));
            let page = store::list_loans_in(db, at, f, sort, Some(7), total.saturating_sub(9), Some(total));
            out.push(format!("from the end {n} {sort:?}: {:?}", page.map(ids)));
            let first = store::list_loans(db, at, f, sort, Some(5), 2).expect("page");
            out.push(format!("page {n} {sort:?}: {first:?}"));
            if f.search.is_some() {
                let hits = store::search_hits(db, at, f, sort).expect("hits");
                out.push(format!("hits {n} {sort:?}: {hits:?}"));
                let rows = store::rows_by_id(db, at, hits.page(1, Some(4))).expect("rows");
                out.push(format!("rows {n} {sort:?}: {rows:?}"));
            }
        }
        if let Some(band_day) = f.promises_first {
            let band = store::count_loans(db, at, &store::promise_band(f, band_day)).expect("band");
            let known =
                store::list_loans_known(db, at, f, SortKey::Overdue, Some(6), 0, Some(total), Some(band));
            out.push(format!("known {n}: {band} {known:?}"));
        }
    }
    out.push(format!("rows by none: {:?}", store::rows_by_id(db, at, &[])));
    out.push(format!(
        "rows by id: {:?}",
        store::rows_by_id(db, at, &[store::LoanId(9), store::LoanId(999), store::LoanId(2)])
    ));
    out.push(format!("state: {:?}", store::state_of(db, at, store::LoanId(8))));
    out.push(format!("no state: {:?}", store::state_of(db, at, store::LoanId(9999))));
    search_terms(db, &mut out);
    out
}

/// The search terms asked, then kept for a new loan and for a loan's new phone.
fn search_terms(db: Db<'_>, out: &mut Vec<String>) {
    use duedesk::domain::search::query;
    let ask = |out: &mut Vec<String>, typed: &str| {
        let q = query(typed, true);
        out.push(format!(
            "terms {typed}: {:?} {:?} {:?}",
            store::terms_matching_upto(db, &q, 100),
            store::terms_matching_upto(db, &q, 3),
            store::loan_refs_matching(db, &q, 4, 50)
        ));
    };
    for typed in ["薛", "xue", "XUE", "dl00000", "1598", "nobody", "欧阳"] {
        ask(out, typed);
    }
    for typed in ["1", "00000004", "DL4", "x"] {
        out.push(format!("numbered {typed}: {:?}", store::loan_refs_numbered(db, typed, 3)));
    }
    for typed in ["dl00000004", "DL00000004", "DL0000000"] {
        out.push(format!("whole {typed}: {:?}", store::loan_refs_whole(db, typed, 3)));
    }
    out.push(format!("pending: {:?}", store::search_is_pending(db)));
    db_exec(
        db,
        "INSERT INTO loans (id, loan_ref, customer_id, borrower, phone, product, principal_cents, rate_e4, \
         term_months, disbursed_on, created_at) VALUES (9002, 'DLX0009002', 1, '欧阳 娜娜', '13900001111', \
         'bullet', 500000, 90000, 6, '2025-12-01', '2025-12-01T09:00:00+08:00')",
    );
    out.push(format!("pending: {:?}", store::search_is_pending(db)));
    out.push(format!("indexed: {:?}", store::index_search(db, &mut |_| {})));
    out.push(format!("pending: {:?}", store::search_is_pending(db)));
    ask(out, "欧阳");
    ask(out, "oyn");
    ask(out, "1111");
    let before = duedesk::domain::search::loan_terms("DLX0009002", "欧阳 娜娜", Some("13900001111"));
    let after = duedesk::domain::search::loan_terms("DLX0009002", "欧阳 娜娜", Some("13722223333"));
    store::replace_loan_terms(db, 9002, &before, &after).expect("replace");
    store::replace_loan_terms(db, 9002, &after, &after).expect("as it is");
    ask(out, "1111");
    ask(out, "3333");
}

fn assert_alike(what: &str, on_file: &[String], on_server: &[String]) {
    assert_eq!(on_file.len(), on_server.len(), "{what}");
    for (f, s) in on_file.iter().zip(on_server) {
        assert_eq!(f, s, "{what}");
    }
}

#[test]
fn the_team_and_scorecard_figures_answer_alike_on_a_file_and_on_the_server() {
    let Some((desk, server)) = book("team_figures") else { return };
    let file = rusqlite::Connection::open(&desk.db).expect("open");
    let client = RefCell::new(server.client());
    let (on_file, on_server) = (Db::from(&file), Db::Server(&client));
    edge_rows(on_file);
    edge_rows(on_server);
    let figures = team_and_scorecard(on_file);
    assert!(figures.iter().any(|l| l.contains("陈静")), "{figures:?}");
    assert!(figures.iter().any(|l| l.contains("(2026-02-10, None, Money(12345))")), "{figures:?}");
    assert_alike("team and scorecard", &figures, &team_and_scorecard(on_server));
}

#[test]
fn the_month_end_history_and_its_aggregates_answer_alike_on_a_file_and_on_the_server() {
    let Some((desk, server)) = book("month_ends") else { return };
    let file = rusqlite::Connection::open(&desk.db).expect("open");
    let client = RefCell::new(server.client());
    let (on_file, on_server) = (Db::from(&file), Db::Server(&client));
    edge_rows(on_file);
    edge_rows(on_server);
    let history = month_ends(on_file);
    assert!(history.iter().any(|l| l.starts_with("list") && l.contains("DL")), "{history:?}");
    assert!(history.iter().any(|l| l.starts_with("npl") && l.contains("NplPoint")), "{history:?}");
    assert_alike("month-ends", &history, &month_ends(on_server));

    // The baseline is written in a transaction, as a store's opening writes it.
    let tx = file.unchecked_transaction().expect("transaction");
    let vouched = audit_state(Db::from(&tx));
    tx.commit().expect("commit");
    let mut client = client.into_inner();
    let tx = RefCell::new(client.transaction().expect("transaction"));
    let on_server = audit_state(Db::Server(&tx));
    tx.into_inner().commit().expect("commit");
    assert!(vouched.iter().any(|l| l.contains("state_baseline")), "{vouched:?}");
    assert!(vouched.iter().any(|l| l.contains("'wang.fang' is admin")), "{vouched:?}");
    assert_alike("audit state", &vouched, &on_server);
}

#[test]
fn an_escalation_runs_reads_answer_alike_on_a_file_and_on_the_server() {
    let Some((desk, server)) = book("escalation") else { return };
    let file = rusqlite::Connection::open(&desk.db).expect("open");
    let client = RefCell::new(server.client());
    let read = escalation(Db::from(&file));
    assert!(
        read.iter().any(|l| l.starts_with("page 2026-03-01") && l.contains("promise_amount: Some")),
        "{read:?}"
    );
    assert!(read.iter().any(|l| l.contains("held_until: Some(2026-03-20)")), "{read:?}");
    assert!(read.iter().any(|l| l.starts_with("maturity") && l.contains("MaturityRow")), "{read:?}");
    assert_alike("escalation", &read, &escalation(Db::Server(&client)));
}

#[test]
fn the_desks_lists_and_search_answer_alike_on_a_file_and_on_the_server() {
    let Some((desk, server)) = book("lists") else { return };
    let file = rusqlite::Connection::open(&desk.db).expect("open");
    let tx = file.unchecked_transaction().expect("transaction");
    let on_file = lists(Db::from(&tx));
    tx.commit().expect("commit");
    let mut client = server.client();
    let tx = RefCell::new(client.transaction().expect("transaction"));
    let on_server = lists(Db::Server(&tx));
    tx.into_inner().commit().expect("commit");
    for (what, needle) in [
        ("a search by name", "hits 16 Dpd: SearchHits { ids: [LoanId("),
        ("the queue's promises first", "known 2: 1 Ok([StateRow"),
        ("a new loan found", "terms oyn: Ok(2) Ok(2) Ok(([\"DL00000061\", \"DLX0009002\"], 2))"),
        ("an edited phone found", "terms 3333: Ok(1) Ok(1) Ok(([\"DLX0009002\"], 1))"),
        ("a search in capitals", "terms XUE: Ok(8)"),
    ] {
        assert!(on_file.iter().any(|l| l.starts_with(needle)), "{what}: {on_file:#?}");
    }
    assert_alike("lists", &on_file, &on_server);
}

/// The reads a page of the queue makes for its call marks, a statement each on a file and one
/// for the page on the server: the page's loans, and their customers' contacts the conduct rules read.
#[test]
fn a_pages_loans_and_their_conduct_contacts_answer_alike_on_a_file_and_on_the_server() {
    let Some((desk, server)) = book("page_reads") else { return };
    let file = rusqlite::Connection::open(&desk.db).expect("open");
    let client = RefCell::new(server.client());
    let ask = |db: Db<'_>| -> Vec<String> {
        let refs = ["DL00000003", "DL00000001", "DL00000149", "DL00000001", "DL-NONE"];
        let mut loans = store::loans_by_refs(db, &refs).expect("loans");
        loans.sort_by(|a, b| a.loan_ref.cmp(&b.loan_ref));
        let mut out: Vec<String> = loans.iter().map(|l| format!("{l:?}")).collect();
        let mut customers: Vec<store::CustomerId> = loans.iter().map(|l| l.customer_id).collect();
        customers.push(store::CustomerId(999_999));
        let contacts =
            store::contacts_for_conduct_of(db, &customers, "2026-01-01T00:00:00+08:00").expect("contacts");
        let mut contacts: Vec<_> = contacts.into_iter().collect();
        contacts.sort_by_key(|(c, _)| *c);
        out.extend(contacts.iter().map(|(c, rows)| format!("{c:?} {rows:?}")));
        out
    };
    let on_file = ask(Db::from(&file));
    assert_eq!(on_file.iter().filter(|l| l.starts_with("Loan")).count(), 3, "{on_file:#?}");
    assert!(on_file.iter().any(|l| l.contains("ConductRow")), "{on_file:#?}");
    assert!(on_file.iter().any(|l| l.starts_with("CustomerId(999999) []")), "{on_file:#?}");
    assert_alike("a page's reads", &on_file, &ask(Db::Server(&client)));
}

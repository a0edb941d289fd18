//! The team and scorecard figures, the month-end history and its reports, the escalation run's
//! reads and the desk's lists on both backends (issue #20): a demo book on a file, copied whole to
//! a server, answers every one of them alike, writes included.

mod common;

use std::cell::RefCell;

use common::TestDesk;
use duedesk::domain::report::Month;
use duedesk::store::{self, Db, StateTable, UserId};

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
        "INSERT INTO assignments (customer_id, from_user_id, to_user_id, reason, at) \
         VALUES (1, 9, 3, 'reassign', '2026-02-10T23:59:00+08:00')",
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

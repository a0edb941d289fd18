//! The snapshot on both backends (issue #20): a demo book copied to the server, then the same
//! whole-book refresh, roll, scratch copy and loans' refresh on the file and on the server leave
//! the same rows, row for row.

mod common;

use std::cell::RefCell;

use common::TestDesk;
use duedesk::domain::AssessRules;
use duedesk::store::{self, Db, StateTable};

/// The file's snapshot columns, in the file's order: the server's table names the same ones.
fn columns(file: &rusqlite::Connection, table: &str) -> Vec<String> {
    let (schema, name) = table.split_once('.').expect("schema.table");
    file.prepare(&format!("SELECT name FROM pragma_table_info('{name}', '{schema}') ORDER BY cid"))
        .expect("columns")
        .query_map([], |r| r.get(0))
        .expect("names")
        .map(|n| n.expect("name"))
        .collect()
}

/// Every row of a snapshot table on the file, in loan order, as text.
fn file_rows(file: &rusqlite::Connection, table: &str) -> Vec<String> {
    let names = columns(file, "main.loan_state");
    let mut stmt =
        file.prepare(&format!("SELECT {} FROM {table} ORDER BY loan_id", names.join(", "))).expect("select");
    stmt.query_map([], |r| {
        Ok((0..names.len())
            .map(|i| match r.get::<_, rusqlite::types::Value>(i).expect("value") {
                rusqlite::types::Value::Null => "NULL".to_string(),
                rusqlite::types::Value::Integer(n) => n.to_string(),
                rusqlite::types::Value::Text(t) => t,
                other => format!("{other:?}"),
            })
            .collect::<Vec<_>>()
            .join("|"))
    })
    .expect("rows")
    .map(|r| r.expect("row"))
    .collect()
}

/// The same rows on the server, each column read as text.
fn server_rows(names: &[String], client: &mut impl postgres::GenericClient, table: &str) -> Vec<String> {
    let cast: Vec<String> = names.iter().map(|n| format!("CAST({n} AS TEXT)")).collect();
    client
        .query(&format!("SELECT {} FROM {table} t ORDER BY t.loan_id", cast.join(", ")), &[])
        .expect("select")
        .iter()
        .map(|r| {
            (0..names.len())
                .map(|i| r.get::<_, Option<String>>(i).unwrap_or_else(|| "NULL".into()))
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

/// Runs `f` in one transaction on the file and in one on the server; both answers.
fn on_both<T>(
    file: &mut rusqlite::Connection,
    client: &mut postgres::Client,
    f: impl Fn(Db<'_>) -> T,
) -> (T, T) {
    let tx = file.transaction().expect("file transaction");
    let a = f(Db::from(&tx));
    tx.commit().expect("commit");
    let cell = RefCell::new(client.transaction().expect("server transaction"));
    let b = f(Db::Server(&cell));
    cell.into_inner().commit().expect("commit");
    (a, b)
}

fn assert_same_snapshot(file: &rusqlite::Connection, client: &mut postgres::Client, when: &str) {
    let names = columns(file, "main.loan_state");
    let (a, b) = (file_rows(file, "main.loan_state"), server_rows(&names, client, "loan_state"));
    assert!(a.len() > 100, "{when}: {} rows", a.len());
    assert_eq!(a.len(), b.len(), "{when}");
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y, "{when}: {names:?}");
    }
}

#[test]
fn the_snapshot_is_refreshed_and_rolled_alike_on_a_file_and_on_the_server() {
    let Some(server) = common::pg::fresh("snapshot") else { return };
    let d = TestDesk::bare();
    let r = d.run(&["demo", "--loans", "150", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    d.ok(&["store", "copy", "--from", TestDesk::path_str(&d.db), "--to", &server.url()]);
    let mut file = rusqlite::Connection::open(&d.db).expect("file");
    let mut client = server.client();
    assert_same_snapshot(&file, &mut client, "as copied");

    let rules = AssessRules::default();
    let at = store::snapshot_as_of(&file).expect("date").expect("a snapshot");
    let later = |days: u64| at + chrono::Days::new(days);
    let (a, b) = on_both(&mut file, &mut client, |db| {
        (store::snapshot_for(db, at).expect("for"), store::snapshot_for(db, later(40)).expect("for"))
    });
    assert_eq!(a, b);
    assert_eq!(a.0, store::SnapshotFor::Holds);

    // A whole-book refresh forty days on.
    let (a, b) = on_both(&mut file, &mut client, |db| {
        let n = store::refresh_all(db, StateTable::Shared, later(40), &rules, &mut |_| {}).expect("refresh");
        (n, store::snapshot_as_of(db).expect("date"))
    });
    assert_eq!((a.0, a.1), (150, Some(later(40))));
    assert_eq!(a, b);
    assert_same_snapshot(&file, &mut client, "refreshed 40 days on");

    // The roll thirty days further: the same stale rows, rolled alike.
    let (a, b) = on_both(&mut file, &mut client, |db| {
        let stale = store::stale_loans(db, later(70)).expect("stale");
        let count = store::stale_count(db, later(70)).expect("count");
        let far = std::time::Instant::now() + std::time::Duration::from_secs(3600);
        let rolled = store::roll_batch(db, later(70), &rules, &stale, far).expect("roll");
        (stale, count, rolled, store::snapshot_for(db, later(70)).expect("for"))
    });
    assert!(!a.0.is_empty(), "some rows stop holding in thirty days");
    assert_eq!(a.1, a.0.len() as u64);
    assert_eq!(a.3, store::SnapshotFor::Holds);
    assert_eq!(a, b);
    assert_same_snapshot(&file, &mut client, "rolled 30 days on");

    // A payment on both, then the loan's row refreshed: the same figures.
    let loan = a.0[0];
    let pay = format!(
        "INSERT INTO payments (loan_id, paid_on, amount_cents, reference, created_at) \
         VALUES ({loan}, '{}', 12345, '还款 甲', '2026-06-01T09:00:00+08:00')",
        later(70)
    );
    file.execute(&pay, []).expect("file payment");
    client.execute(&pay, &[]).expect("server payment");
    let (a, b) = on_both(&mut file, &mut client, |db| {
        store::refresh_loans(db, &[store::LoanId(loan)], &rules).expect("refresh loans");
        store::paid_of(db, store::LoanId(loan)).expect("paid")
    });
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
    assert_same_snapshot(&file, &mut client, "a loan refreshed after its payment");

    // A scratch copy for another date, in each session's own table.
    let tx = file.transaction().expect("tx");
    let n = store::refresh_all(&tx, StateTable::Scratch, later(10), &rules, &mut |_| {}).expect("scratch");
    let scratch = file_rows(&tx, "temp.loan_state_scratch");
    tx.commit().expect("commit");
    let names = columns(&file, "main.loan_state");
    let mut session = server.client();
    let cell = RefCell::new(session.transaction().expect("tx"));
    let m = store::refresh_all(Db::Server(&cell), StateTable::Scratch, later(10), &rules, &mut |_| {})
        .expect("server scratch");
    let mut tx = cell.into_inner();
    let theirs = server_rows(&names, &mut tx, "pg_temp.loan_state_scratch");
    tx.commit().expect("commit");
    assert_eq!((n, scratch.len()), (150, 150));
    assert_eq!(m, n);
    assert_eq!(scratch, theirs);
    // The shared snapshot is not the scratch's date.
    assert_eq!(store::snapshot_as_of(&file).expect("date"), Some(later(70)));
    assert_same_snapshot(&file, &mut client, "after the scratch copies");

    // A month-end recomputed from the ledger, a page of loans at a time, and its capture finished:
    // the same rows on both (the demo's own month-ends replaced).
    let month = duedesk::domain::report::Month::of(at - chrono::Days::new(40));
    let (a, b) = on_both(&mut file, &mut client, |db| {
        let key = month.key().to_string();
        let gone = format!("DELETE FROM month_end WHERE month = {key}");
        match db {
            Db::File(c) => c.execute_batch(&gone).expect("clear"),
            Db::Server(s) => {
                s.execute(&gone, &[]).expect("clear");
            }
        }
        let walked = store::capture_from_ledger_in(db, month, &rules, 7).expect("capture");
        let rows = store::finish_capture(
            db,
            month,
            "capture",
            "admin",
            "2026-03-01T09:00:00+08:00",
            store::RowsWritten::InThisTransaction,
        )
        .expect("finish");
        (walked, rows)
    });
    assert!(a.0 > 100, "{a:?}");
    assert_eq!(a, b);
    let rows_of = |sql: &str, file: &rusqlite::Connection, client: &mut postgres::Client| {
        let mut f: Vec<String> = file
            .prepare(sql)
            .expect("file")
            .query_map([], |r| r.get::<_, String>(0))
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect();
        let mut s: Vec<String> = client.query(sql, &[]).expect("server").iter().map(|r| r.get(0)).collect();
        f.sort();
        s.sort();
        (f, s)
    };
    let (f, s) = rows_of(
        &format!(
            "SELECT CAST(loan_id AS TEXT) || '|' || status || '|' || CAST(dpd AS TEXT) || '|' || class || '|' \
             || CAST(outstanding AS TEXT) FROM month_end WHERE month = {}",
            month.key()
        ),
        &file,
        &mut client,
    );
    assert_eq!(f.len() as u64, a.0);
    assert_eq!(f, s);

    // The audit chain and the state it vouches for check alike: whole on both, the file's one entry
    // longer (the copy, which its own log records after the rows went).
    let (a, b) = on_both(&mut file, &mut client, |db| {
        let check = store::verify_audit_and_state(db, &mut |_| {}).expect("verify");
        (check.rows, format!("{:?}", check.broken))
    });
    assert_eq!((a.0, a.1.as_str()), (b.0 + 1, "None"), "{b:?}");
    assert_eq!(a.1, b.1);
}

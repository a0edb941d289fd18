//! The bulk loads write the same book as they always have: the demo book of a fixed seed, size and
//! date, and a sample import, each digested table by table (SHA-256 over the rows' data in a
//! canonical order). Row ids are left out and foreign keys read as the referenced row's natural key
//! (a loan id, a customer id, a login), so only what the book holds counts. The clock is pinned
//! through `Desk::open`, so the stamps the loads write are data too.
//!
//! When a load changes on purpose, the table whose digest moved says where to look.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use duedesk::app::{AppError, demo, import};
use rusqlite::Connection;
use rusqlite::types::{Value, ValueRef};
use sha2::{Digest, Sha256};

mod common;

use common::book::{Book, Keep};

/// The book's tables, each as its data columns (natural keys for foreign ones), every column also
/// the sort order.
const TABLES: &[(&str, &str)] = &[
    ("users", "SELECT login, display_name, role, active, created_at FROM users"),
    (
        "customers",
        "SELECT c.customer_ref, c.name, u.login, c.version FROM customers c LEFT JOIN users u ON u.id = c.assignee_id",
    ),
    (
        "loans",
        "SELECT l.loan_ref, c.customer_ref, l.borrower, l.phone, l.product, l.principal_cents, l.rate_e4, \
         l.term_months, l.disbursed_on, l.guarantor, l.guarantor_phone, l.collateral, l.branch, l.stage, \
         l.agency, l.written_off_on, l.schedule_id IS NOT NULL, l.next_action_on, l.last_contact_at, \
         l.last_outcome, l.version, l.created_at, l.promise_amount_cents, l.promise_made_on, \
         l.promise_due_on, l.next_action_kind, l.observation_until \
         FROM loans l JOIN customers c ON c.id = l.customer_id",
    ),
    (
        "payments",
        "SELECT l.loan_ref, p.paid_on, p.amount_cents, p.reference, p.created_at \
         FROM payments p JOIN loans l ON l.id = p.loan_id",
    ),
    (
        "contacts",
        "SELECT l.loan_ref, c.customer_ref, k.party, k.channel, k.direction, k.outcome, k.phone, k.note, \
         u.login, k.at, (SELECT f.at FROM contacts f WHERE f.id = k.corrects_id), k.debtor_asked, \
         k.no_disclosure_ack, k.override_rule, k.override_reason \
         FROM contacts k JOIN loans l ON l.id = k.loan_id JOIN customers c ON c.id = k.customer_id \
         LEFT JOIN users u ON u.id = k.user_id",
    ),
    (
        "promises",
        "SELECT l.loan_ref, (SELECT k.at FROM contacts k WHERE k.id = p.contact_id), p.amount_cents, \
         p.made_on, p.due_on, u.login \
         FROM promises p JOIN loans l ON l.id = p.loan_id LEFT JOIN users u ON u.id = p.user_id",
    ),
    (
        "stage_events",
        "SELECT l.loan_ref, e.from_stage, e.to_stage, e.as_of, e.actor, e.reason, e.at \
         FROM stage_events e JOIN loans l ON l.id = e.loan_id",
    ),
    (
        "assignments",
        "SELECT c.customer_ref, f.login, t.login, b.login, a.reason, a.at FROM assignments a \
         JOIN customers c ON c.id = a.customer_id LEFT JOIN users f ON f.id = a.from_user_id \
         LEFT JOIN users t ON t.id = a.to_user_id LEFT JOIN users b ON b.id = a.by_user_id",
    ),
    // The store's time zone is the machine's where it was made: not part of the book.
    ("settings", "SELECT key, value FROM settings WHERE key <> 'timezone'"),
    ("holidays", "SELECT day, kind, name FROM holidays"),
    (
        "collateral_items",
        "SELECT c.customer_ref, l.loan_ref, x.kind, x.description, x.owner, x.insured_until, x.status, \
         x.status_on, x.created_by, x.created_at \
         FROM collateral_items x JOIN customers c ON c.id = x.customer_id LEFT JOIN loans l ON l.id = x.loan_id",
    ),
    (
        "collateral_valuations",
        "SELECT l.loan_ref, x.description, v.amount_cents, v.valued_on, v.valuer, u.login, v.created_at \
         FROM collateral_valuations v JOIN collateral_items x ON x.id = v.item_id LEFT JOIN loans l ON l.id = x.loan_id \
         LEFT JOIN users u ON u.id = v.user_id",
    ),
    (
        "inspections",
        "SELECT l.loan_ref, i.kind, i.mode, i.done_on, u.login, i.funds, i.business, i.collateral, i.guarantor, \
         i.findings, i.conclusion, i.recommend_class, i.corrects_id IS NOT NULL, i.due_on, i.recorded_on, \
         i.review_due, i.created_at, r.login, i.reviewed_on, i.reviewed_at, i.review_comment, i.accepted_class \
         FROM inspections i JOIN loans l ON l.id = i.loan_id LEFT JOIN users u ON u.id = i.inspector_id \
         LEFT JOIN users r ON r.id = i.reviewed_by",
    ),
    (
        "inspection_due",
        "SELECT l.loan_ref, d.special, d.kind, d.due_on, u.login, d.class, d.capped, d.asked_on, d.reason \
         FROM inspection_due d JOIN loans l ON l.id = d.loan_id LEFT JOIN users u ON u.id = d.assignee_id",
    ),
    (
        "work_logs",
        "SELECT c.customer_ref, u.login, w.kind, w.note, w.logged_on, w.sign_due, w.created_at, s.login, \
         w.signed_on, w.signed_at, w.sign_comment \
         FROM work_logs w JOIN customers c ON c.id = w.customer_id LEFT JOIN users u ON u.id = w.user_id \
         LEFT JOIN users s ON s.id = w.signed_by",
    ),
    (
        "signals",
        "SELECT l.loan_ref, c.customer_ref, g.code, g.category, g.level, g.raised_on, g.raised_by, g.note, \
         g.confirmed_on, g.confirmed_by, g.confirm_note, g.closed_on, g.closed_by, g.reason, g.created_at \
         FROM signals g JOIN loans l ON l.id = g.loan_id JOIN customers c ON c.id = g.customer_id",
    ),
    (
        "signal_measures",
        "SELECT l.loan_ref, g.code, m.kind, m.on_date, m.user, m.note, m.created_at FROM signal_measures m \
         JOIN signals g ON g.id = m.signal_id JOIN loans l ON l.id = g.loan_id",
    ),
    (
        "watchlist",
        "SELECT c.customer_ref, w.entered_on, w.entered_by, w.reason, w.left_on, w.left_by, w.left_reason, \
         w.created_at FROM watchlist w JOIN customers c ON c.id = w.customer_id",
    ),
    (
        "month_end",
        "SELECT m.month, l.loan_ref, c.customer_ref, m.status, m.dpd, m.class, m.outstanding, m.overdue, \
         m.principal, m.disbursed, m.product, u.login, b.name \
         FROM month_end m JOIN loans l ON l.id = m.loan_id JOIN customers c ON c.id = m.customer_id \
         LEFT JOIN users u ON u.id = m.owner_id LEFT JOIN month_end_branch b ON b.id = m.branch",
    ),
    ("month_ends", "SELECT month, as_of, source, actor, loans, captured_at FROM month_ends"),
];

/// Each value typed and length-prefixed, so no two different rows hash alike.
fn feed(hash: &mut Sha256, value: ValueRef<'_>) {
    let (tag, bytes): (u8, Vec<u8>) = match value {
        ValueRef::Null => (0, Vec::new()),
        ValueRef::Integer(i) => (1, i.to_le_bytes().to_vec()),
        ValueRef::Real(f) => (2, f.to_le_bytes().to_vec()),
        ValueRef::Text(t) => (3, t.to_vec()),
        ValueRef::Blob(b) => (4, b.to_vec()),
    };
    hash.update([tag]);
    hash.update((bytes.len() as u64).to_le_bytes());
    hash.update(bytes);
}

/// The snapshot as lists read it on 2026-03-01, each row's values as the table stored them before
/// it kept dates instead of DPD (migration 0019): loan id, date, status, stage, owner, DPD,
/// bucket, class, the six amounts, next due, due soon, last contact, next action, promise. The
/// figures derived for the date are the figures once stored, so the digest has not moved.
fn snapshot_digest(book: &Book) -> (u64, String) {
    let desk = book.desk_as("admin");
    let at = duedesk::store::StateAt::shared(desk.as_of, desk.rules);
    let store = book.store();
    let mut rows =
        duedesk::store::list_loans(store.db(), at, &Default::default(), Default::default(), None, 0)
            .expect("the snapshot");
    rows.sort_by(|a, b| a.loan_ref.cmp(&b.loan_ref));
    let text = |s: &str| Value::Text(s.to_string());
    let opt = |s: Option<String>| s.map_or(Value::Null, Value::Text);
    let day = |d: Option<NaiveDate>| opt(d.map(|d| d.to_string()));
    let cents = |m: duedesk::domain::Money| Value::Integer(m.cents());
    let mut hash = Sha256::new();
    for r in &rows {
        let values = [
            text(&r.loan_ref),
            text(&r.as_of.to_string()),
            text(r.status.as_str()),
            text(r.stage.as_str()),
            opt(r.assignee.clone()),
            Value::Integer(r.dpd),
            text(r.bucket.as_str()),
            text(r.class.as_str()),
            cents(r.outstanding_principal),
            cents(r.overdue_principal),
            cents(r.overdue_interest),
            cents(r.overdue_amount),
            cents(r.penalty_interest),
            cents(r.payoff_amount),
            day(r.next_due_on),
            cents(r.next_due_amount),
            day(r.due_soon_on),
            opt(r.due_soon_kind.map(|k| k.as_str().to_string())),
            opt(r.last_contact_at.clone()),
            day(r.next_action_on),
            day(r.promise_due_on),
            opt(r.promise_status.map(|p| p.as_str().to_string())),
        ];
        for v in &values {
            feed(&mut hash, ValueRef::from(v));
        }
    }
    let hex: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
    (rows.len() as u64, hex)
}

/// `table rows sha256` for each table, one a line.
fn digests(book: &Book) -> String {
    let mut out = String::new();
    for (table, select) in TABLES {
        if *table == "settings" {
            let (n, hex) = snapshot_digest(book);
            writeln!(out, "loan_state {n} {hex}").expect("line");
        }
        let (mut hash, mut n) = (Sha256::new(), 0u64);
        for row in table_rows(book, table, select) {
            for value in &row {
                feed(&mut hash, ValueRef::from(value));
            }
            n += 1;
        }
        let hex: String = hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        writeln!(out, "{table} {n} {hex}").expect("line");
    }
    out
}

/// A table's rows ordered by every column, each value as SQLite types it.
fn table_rows(book: &Book, table: &str, select: &str) -> Vec<Vec<Value>> {
    let Some(path) = book.path() else { return table_rows_on_server(book, table, select) };
    let conn = Connection::open(path).expect("open the store");
    let width = conn.prepare(select).expect(table).column_count();
    let order: Vec<String> = (1..=width).map(|i| i.to_string()).collect();
    let sql = format!("{select} ORDER BY {}", order.join(", "));
    let mut stmt = conn.prepare(&sql).expect(table);
    let mut rows = stmt.query([]).expect(table);
    let mut out = Vec::new();
    while let Some(row) = rows.next().expect(table) {
        out.push((0..width).map(|i| row.get::<_, Value>(i).expect("value")).collect());
    }
    out
}

/// `table_rows` on the server, in SQLite's order (a NULL first) and SQLite's types: a number an
/// integer, a flag an integer 0 or 1, text as text, so the digests are the file's.
fn table_rows_on_server(book: &Book, table: &str, select: &str) -> Vec<Vec<Value>> {
    use postgres::types::Type;
    let mut client = book.server().expect("a book on a file or a server").client();
    let width = client.prepare(select).expect(table).columns().len();
    let order: Vec<String> = (1..=width).map(|i| format!("{i} NULLS FIRST")).collect();
    let sql = format!("{select} ORDER BY {}", order.join(", "));
    let rows = client.query(&sql, &[]).expect(table);
    let value = |row: &postgres::Row, i: usize| -> Option<Value> {
        let t = row.columns()[i].type_();
        Some(if *t == Type::INT8 {
            Value::Integer(row.get::<_, Option<i64>>(i)?)
        } else if *t == Type::INT4 {
            Value::Integer(row.get::<_, Option<i32>>(i)?.into())
        } else if *t == Type::INT2 {
            Value::Integer(row.get::<_, Option<i16>>(i)?.into())
        } else if *t == Type::BOOL {
            Value::Integer(row.get::<_, Option<bool>>(i)?.into())
        } else if *t == Type::FLOAT8 {
            Value::Real(row.get::<_, Option<f64>>(i)?)
        } else if *t == Type::TEXT || *t == Type::VARCHAR {
            Value::Text(row.get::<_, Option<String>>(i)?)
        } else {
            panic!("{table}: column {} is {t}, not a type the digest reads", row.columns()[i].name())
        })
    };
    rows.iter().map(|r| (0..width).map(|i| value(r, i).unwrap_or(Value::Null)).collect()).collect()
}

#[test]
fn the_demo_book_of_a_seed_is_the_same_book() {
    let mut book = Book::empty(Keep::File);
    let report = demo::generate(&mut book, 1_000, 42, &mut |_| {}).expect("demo");
    assert_eq!(report.loans, 1_000);
    assert_eq!(digests(&book), DEMO_1000_SEED_42);
}

/// A loans file of `n` rows from `first`: every product, customers of one to three loans, owners
/// old and new, optional fields present and absent, quoted commas and line breaks, CRLF ends.
fn loans_csv(first: usize, n: usize) -> String {
    const PRODUCTS: [&str; 4] = ["annuity", "equal_principal", "interest_only", "bullet"];
    const OWNERS: [&str; 4] = ["wang.fang", "li.qiang", "", "zhou.lei"];
    let mut text = String::from(
        "\u{feff}loan_id,borrower,customer_id,phone,product,principal,annual_rate,term_months,disbursed_on,\
         guarantor,guarantor_phone,collateral,branch,assignee\r\n",
    );
    for i in first..first + n {
        // In the second file every tenth row is a loan of a customer of the first.
        let customer = if i > 2_000 && i % 10 == 0 { i - 2_000 } else { i - i % 3 + usize::from(i % 7 == 0) };
        let owner = OWNERS[customer % OWNERS.len()];
        let (guarantor, guarantor_phone) = if i % 5 == 0 {
            (format!("担保{i}"), format!("139{i:08}"))
        } else {
            (String::new(), String::new())
        };
        let collateral = match i % 6 {
            0 => format!("\"房产 沪(2021)浦字第{i:07}号, 101室\""),
            1 => "\"车辆 沪A·12345\nblack\"".to_string(),
            _ => String::new(),
        };
        writeln!(
            text,
            "L{i:06},借款人{},C{customer:06},{},{},{}.{:02},{}.{:02},{},{}-{:02}-{:02},{guarantor},{guarantor_phone},{collateral},{},{owner}\r",
            customer % 97,
            if i % 4 == 0 { String::new() } else { format!("1380000{:04}", i % 10_000) },
            PRODUCTS[i % 4],
            1_000 + (i * 7_919) % 500_000,
            i % 100,
            3 + i % 20,
            (i * 37) % 100,
            [6, 12, 24, 36, 60, 360][i % 6],
            2023 + i % 3,
            1 + i % 12,
            1 + (i * 13) % 28,
            ["", "上海浦东支行", "Beijing"][i % 3],
        )
        .expect("row");
    }
    text
}

/// A payments file paying some of the loans of `loans_csv(1, n)`, some rows without a reference.
fn payments_csv(n: usize) -> String {
    let mut text = String::from("loan_id,paid_on,amount,reference\n");
    for i in (1..=n).filter(|i| i % 3 != 1) {
        for k in 0..(i % 4) {
            let reference = if (i + k) % 5 == 0 { String::new() } else { format!("R{i}-{k}") };
            writeln!(
                text,
                "L{i:06},2026-0{}-{:02},{}.{:02},{reference}",
                1 + k % 2,
                1 + (i + k) % 28,
                50 + i % 900,
                k * 11
            )
            .expect("row");
        }
    }
    text
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// The error lines of a refused import, the file's path shown as `FILE`.
fn refused(result: Result<import::ImportReport, AppError>, path: &Path) -> Vec<String> {
    match result {
        Err(AppError::File(lines)) => {
            lines.iter().map(|l| l.replace(&path.display().to_string(), "FILE")).collect()
        }
        other => panic!("expected file errors, got {other:?}"),
    }
}

#[test]
fn a_sample_import_writes_the_same_book() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut desk = Book::empty(Keep::File);
    // Into the empty book (indexes built at the end), then beside it, then payments.
    let first = write(dir.path(), "first.csv", &loans_csv(1, 2_000));
    let report = import::import_loans(&mut desk, &first, &mut |_| {}).expect("first loans");
    assert_eq!((report.rows, report.created_users.len()), (2_000, 3));
    let second = write(dir.path(), "second.csv", &loans_csv(2_001, 500));
    assert_eq!(import::import_loans(&mut desk, &second, &mut |_| {}).expect("second loans").rows, 500);
    let paid = write(dir.path(), "payments.csv", &payments_csv(2_500));
    assert!(
        import::import_payments(&mut desk, &paid, import::PaymentOptions::default(), &mut |_| {})
            .expect("payments")
            .rows
            > 2_000
    );

    // Files that are refused say so in the same words and leave the book as it was: loans already
    // there (and a row with a field too many), then payments with bad values.
    let again = write(dir.path(), "again.csv", &loans_csv(1_993, 5).replace("L001995,", "L001995,,"));
    let lines = refused(import::import_loans(&mut desk, &again, &mut |_| {}), &again);
    assert_eq!(
        lines,
        [
            "FILE:2: loan_id: loan 'L001993' is already on the desk (import the file with --update to change contact fields)",
            "FILE:4: loan_id: loan 'L001994' is already on the desk (import the file with --update to change contact fields)",
            "FILE:5: row: has 15 fields, but the header has 14: put values that contain commas in double quotes",
            "FILE:6: loan_id: loan 'L001996' is already on the desk (import the file with --update to change contact fields)",
            "FILE:7: loan_id: loan 'L001997' is already on the desk (import the file with --update to change contact fields)",
        ]
    );
    let bad = write(
        dir.path(),
        "bad_payments.csv",
        "loan_id,paid_on,amount,reference\nL000002,2026-02-30,10,X\nNOPE,2026-02-01,10,\nL000002,2026-02-01,-1,\n\
         L000003,2026-02-01,10,R3-0\n",
    );
    let lines = refused(
        import::import_payments(&mut desk, &bad, import::PaymentOptions::default(), &mut |_| {}),
        &bad,
    );
    assert_eq!(
        lines,
        [
            "FILE:2: paid_on: '2026-02-30' is not a date: use YYYY-MM-DD",
            "FILE:3: loan_id: unknown loan 'NOPE': import the loan first",
            "FILE:4: amount: '-1' has a sign: write amounts without '+' or '-'",
            "FILE:5: reference: loan 'L000003' already has a payment with reference 'R3-0' (53.00 on 2026-01-04)",
        ]
    );
    assert_eq!(digests(&desk), SAMPLE_IMPORT);
}

/// The demo book of 1,000 loans, seed 42, as of 2026-03-01. Issue #18 added the post-loan
/// tables (drawn from a stream of their own, so the tables before them did not move); issue #17
/// the early warning a run leaves on the demo's date and a few signals by hand (a stream of its
/// own too), whose special inspections and watchlist move the inspection schedule; issue #19 the
/// month-end history, eighteen month-ends recomputed from the ledger after the rest, their classes
/// with the NPL hold.
const DEMO_1000_SEED_42: &str = "\
users 10 a56100464fe67972fc5f75e7e4b4c5c19dd738e615e96a8d1940b2874dafb23e
customers 848 29faa3e8191361e023230615f7a90a1722b31e1e25179c11ca61a29acb3f6370
loans 1000 fa7bb521405e0eacdb22fc1b13582ae92c0b86fbc3057ce4cc3c7683d9d9d458
payments 7951 b5aba474b78034bcf227d9cd2a7aeeba1424fe0bc469a1f3709d8e66f311ee47
contacts 1495 4ced0f49319722fe3af2efb8374b3fa8b0e13cc110789b157a86ac96c84943b0
promises 260 4c544fe23d1d953ed30129837029dfc4c3b8294553aad968ccc55db1dcc00267
stage_events 364 65e65c6c714b0314eb4798dce741fd8872a96cac0d2cc12b3b3e2ad8735b4968
assignments 848 2c23efa93424dd12fdc5faf2254bceead13e517830bf9944ffe9bfda5301169a
loan_state 1000 2f6e1fd211d2f5a774f6c26c384a42ac7ffc78247371faf7355b9b8065daadb5
settings 2 765a9584433bb00a377b451a9142884821e39fa0d06711a3e04d7438ed32de5e
holidays 50 0f82410e2a080bcf4e8f58290c190b97abe5cf99d907726df8d1591fbeadb2c5
collateral_items 343 0102dfb990e8c2b6efad8fe524d9f51e2d58ef56e1e4db01c71493b4488f71f6
collateral_valuations 515 951e289c2ec8815806069e85c72d601a307aa5ce5820d776addba0a88406c178
inspections 1413 2d702a8881936b9a28ebbc6b23b57a0601c5899e622fc0915ea9fca2489ec397
inspection_due 1091 cb312f642ea4709b96db1cadd9004327ff4198257fc3586bb055bd4ba877ff6f
work_logs 228 49a8cb535a6f3d1167ee034c4ffe6cf2c73b6d876c9628a47b85ae834b43dac1
signals 827 bc61a836aedfe96eac2ba581c1797b8d07990e9ac611269917ca45240e9904e6
signal_measures 2 224078707a4c9d4f5e4d83c3fff130cf5c473115d5c9f17a7265433bcb0843c3
watchlist 22 06b515f81fee49518b4c293c030ac5102c5d1f58b78ef39a7c15914d053053e9
month_end 11803 5bf10b143c26e5ab5e8659b35fb214753502ce1a0ddfd14793869ff51f60721e
month_ends 18 22c0fa43e373a614be5f2a41db4c67676552b3b67916456407968ad568c3e4b9
";

/// Two loans files and a payments file of `a_sample_import_writes_the_same_book`; issue #18 added
/// the post-loan tables: the files' collateral in the register, each loan's first inspection;
/// issue #17 the NPL hold, which keeps some cured loans' class (the snapshot as the list reads it
/// and the class the schedule's interval is taken from); issue #19 the month-end tables, which an
/// import leaves empty.
const SAMPLE_IMPORT: &str = "\
users 4 6a833b37060647924339cf8fb6cc44adb05a62ce8253457added9565c561a5ca
customers 1210 907954c12ca086abaaaa2e3a8df95dbbd7317fadfb7f7067c71797a6cd726cfd
loans 2500 4d5aa7d0f28152a4635f40988a43ca855682414b7f8cc71f8687e46da17e160d
payments 2501 8675bf561f63ce1a9af62f92afc19b15177e11e8fe85dc0ab19372de3904ab69
contacts 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
promises 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
stage_events 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
assignments 901 655e7f2d50b5337321286876d13ad4d4350d3875a6c6c1cddc023693d695395d
loan_state 2500 43e4c55858aa5a3215f05fbdfcfd25fa27b3e27f69f9c9633a3baa4b208f31b3
settings 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
holidays 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
collateral_items 833 c661a57ed156accfc119640f72022257a49bbae84a4e062e8f0de097dc5eae53
collateral_valuations 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
inspections 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
inspection_due 2500 293be727ce50fdbfd304462f8ddfac4da2e8fe6975e90d020dd796d770ce47ed
work_logs 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
signals 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
signal_measures 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
watchlist 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
month_end 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
month_ends 0 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
";

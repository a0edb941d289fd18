use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use tempfile::TempDir;

use super::*;
use crate::app::AppError;
use crate::domain::{Money, Product, build_schedule, parse_date};
use crate::store::{AuditFilter, AuditRow, Store};

const LOANS_HEADER: &str =
    "loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,customer_id,assignee\n";

fn day(s: &str) -> NaiveDate {
    parse_date(s).expect("test date")
}

fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-03-01T10:00:00+08:00").expect("now")
}

fn desk() -> Desk {
    Desk::open(Store::open_in_memory().expect("store"), "admin", day("2026-03-01"), now()).expect("desk")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(name)
}

fn write(dir: &TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write fixture");
    path
}

fn loans(desk: &mut Desk, path: &Path) -> Result<ImportReport> {
    import_loans(desk, path, &mut |_| {})
}

fn payments(desk: &mut Desk, path: &Path) -> Result<ImportReport> {
    import_payments(desk, path, PaymentOptions::default(), &mut |_| {})
}

fn file_errors(result: Result<ImportReport>) -> Vec<String> {
    match result {
        Err(AppError::File(lines)) => lines,
        other => panic!("expected file errors, got {other:?}"),
    }
}

fn loan_count(desk: &Desk) -> i64 {
    store::loan_count(desk.store.conn()).expect("loan count")
}

fn payment_count(desk: &Desk) -> i64 {
    store::payment_count(desk.store.conn()).expect("payment count")
}

fn loan(desk: &Desk, loan_ref: &str) -> store::Loan {
    store::loan_by_ref(desk.store.conn(), loan_ref).expect("query").expect("loan")
}

/// The audit log, oldest first, without the records of desk users added and of the new
/// store's time zone.
fn audits_besides_users(desk: &Desk) -> Vec<AuditRow> {
    let all =
        store::list_audit(desk.store.conn(), &AuditFilter { limit: u64::MAX, ..AuditFilter::default() });
    let set_up = |a: &AuditRow| a.action == "user_add" || a.entity_id.as_deref() == Some("timezone");
    all.expect("audit").into_iter().rev().filter(|a| !set_up(a)).collect()
}

/// Checks each error line: `PATH:LINE: FIELD: ` then a message containing the given text.
fn assert_errors(lines: &[String], path: &Path, expected: &[(u64, &str, &str)]) {
    let shown: Vec<&str> = lines.iter().map(String::as_str).collect();
    assert_eq!(lines.len(), expected.len(), "errors: {shown:#?}");
    for (got, (line, field, text)) in lines.iter().zip(expected) {
        let prefix = format!("{}:{line}: {field}: ", path.display());
        assert!(got.starts_with(&prefix), "{got:?} should start with {prefix:?}; all: {shown:#?}");
        assert!(got.contains(text), "{got:?} should mention {text:?}");
    }
}

#[test]
fn a_good_file_with_bom_crlf_quotes_and_chinese_names_imports_every_row() {
    let mut desk = desk();
    let mut calls = Vec::new();
    let report = import_loans(&mut desk, &fixture("loans_good.csv"), &mut |n| calls.push(n)).expect("import");
    assert_eq!(report.rows, 4);
    assert_eq!(report.created_users, ["wangfang"]);
    assert_eq!(report.refreshed_as_of, Some(day("2026-03-01")));
    assert_eq!(calls, [4]);
    assert_eq!(loan_count(&desk), 4);

    // The check figure of DOMAIN §3.
    let hl = loan(&desk, "HL-0001");
    assert_eq!(hl.borrower, "张伟");
    assert_eq!(build_schedule(&hl.terms)[0].payment(), Money::parse("5307.27").expect("money"));
    assert_eq!(hl.terms.rate.to_string(), "4.90");
    assert_eq!(hl.terms.term_months, 360);
    assert_eq!(hl.terms.disbursed_on, day("2025-06-15"));
    assert_eq!(hl.customer_ref, "C-001");
    assert_eq!(hl.phone.as_deref(), Some("+86 138-0013-8000"));
    assert_eq!(hl.guarantor.as_deref(), Some("李娜"));
    assert_eq!(hl.guarantor_phone.as_deref(), Some("139 0000 0001"));
    assert_eq!(hl.collateral.as_deref(), Some("Flat 1202, Building 3\nSunshine Garden, Chaoyang"));
    assert_eq!(hl.branch.as_deref(), Some("Beijing Chaoyang"));
    assert_eq!(hl.assignee.as_deref(), Some("wangfang"));

    // Trimmed, same customer, same owner.
    let second = loan(&desk, "HL-0002");
    assert_eq!(second.borrower, "王芳");
    assert_eq!(second.customer_id, hl.customer_id);
    assert_eq!(second.terms.product, Product::EqualPrincipal);
    assert_eq!(second.terms.principal, Money::from_cents(2_800_000));
    assert_eq!(second.phone, None);

    // Doubled quotes; empty optional fields are absent; the customer defaults to the loan.
    let third = loan(&desk, "CL-0003");
    assert_eq!(third.borrower, "Li \"Lucky\" Ming");
    assert_eq!(third.terms.principal, Money::from_cents(200_050));
    assert_eq!(third.customer_ref, "CL-0003");
    assert_eq!(third.assignee, None);
    assert_eq!(third.guarantor, None);
    assert_eq!(loan(&desk, "CL-0004").assignee.as_deref(), Some("admin"));

    let conn = desk.store.conn();
    let wang = store::user_by_login(conn, "wangfang").expect("query").expect("created");
    assert_eq!(wang.role, Role::Collector);
    assert_eq!(store::snapshot_as_of(conn).expect("snapshot"), Some(day("2026-03-01")));
    assert!(
        store::state_of(conn, store::StateAt::shared(desk.as_of, desk.rules), hl.id)
            .expect("state")
            .is_some()
    );
    let audits = audits_besides_users(&desk);
    let [audit] = audits.as_slice() else { panic!("one audit record: {audits:#?}") };
    assert_eq!(audit.action, "import_loans");
    assert_eq!(audit.entity_id, Some(fixture("loans_good.csv").display().to_string()));
    let detail: serde_json::Value = serde_json::from_str(&audit.detail).expect("json");
    assert_eq!(detail["rows"], 4);
    assert_eq!(detail["created_users"][0], "wangfang");
}

const BAD_ROWS: &[(u64, &str, &str)] = &[
    (2, "principal", "thousands separator"),
    (3, "disbursed_on", "'2025-02-30' is not a date"),
    (4, "product", "unknown product 'mortgage'"),
    (5, "term_months", "'481' is out of range: 1–480"),
    (6, "annual_rate", "'100' is out of range"),
    // Line 7 holds a quoted value with a line break, so the next record starts on line 9.
    (9, "loan_id", "'B-06' is repeated: it is first on line 7"),
    (10, "borrower", "is empty"),
    (11, "phone", "'138-abc' is not a phone number"),
    (12, "principal", "'-500' has a sign"),
    (13, "principal", "'0' is not more than 0.00"),
    (15, "assignee", "customer 'C-9' belongs to 'alice' (line 14), not 'bob'"),
];

#[test]
fn every_bad_row_is_reported_with_its_line_and_field_and_nothing_is_stored() {
    let mut desk = desk();
    let path = fixture("loans_bad.csv");
    let lines = file_errors(loans(&mut desk, &path));
    assert_errors(&lines, &path, BAD_ROWS);
    assert_eq!(loan_count(&desk), 0);
    assert_eq!(store::user_by_login(desk.store.conn(), "alice").expect("query"), None);
    assert_eq!(audits_besides_users(&desk), []);
}

#[test]
fn a_bad_file_after_a_good_one_leaves_the_book_as_it_was() {
    let mut desk = desk();
    loans(&mut desk, &fixture("loans_good.csv")).expect("good import");
    let users = store::user_count(desk.store.conn()).expect("users");
    let dir = TempDir::new().expect("tempdir");
    // A good row first (inserted, with a new owner), then a bad one: all of it rolls back.
    let path = write(
        &dir,
        "mixed.csv",
        &format!(
            "{LOANS_HEADER}N-1,甲,annuity,1000,4.9,12,2026-01-10,,newbie\nN-2,乙,annuity,1000,4.9,12,2026-01-32,,\n"
        ),
    );
    let lines = file_errors(loans(&mut desk, &path));
    assert_errors(&lines, &path, &[(3, "disbursed_on", "'2026-01-32' is not a date")]);
    assert_eq!(loan_count(&desk), 4);
    assert_eq!(store::user_count(desk.store.conn()).expect("users"), users);
    assert!(store::loan_by_ref(desk.store.conn(), "N-1").expect("query").is_none());

    let lines = file_errors(loans(&mut desk, &fixture("loans_bad.csv")));
    assert_errors(&lines, &fixture("loans_bad.csv"), BAD_ROWS);
    assert_eq!(loan_count(&desk), 4);
}

#[test]
fn a_loan_already_in_the_store_is_refused() {
    let mut desk = desk();
    loans(&mut desk, &fixture("loans_good.csv")).expect("good import");
    let dir = TempDir::new().expect("tempdir");
    let path = write(
        &dir,
        "again.csv",
        &format!(
            "{LOANS_HEADER}N-1,甲,annuity,1000,4.9,12,2026-01-10,,\nCL-0003,乙,bullet,1000,4.9,12,2026-01-10,,\n"
        ),
    );
    let lines = file_errors(loans(&mut desk, &path));
    assert_errors(&lines, &path, &[(3, "loan_id", "loan 'CL-0003' is already on the desk")]);
    assert_eq!(loan_count(&desk), 4);
}

#[test]
fn header_problems_are_reported_on_line_one() {
    let mut desk = desk();
    let dir = TempDir::new().expect("tempdir");
    let row = "L-1,甲,annuity,1000,4.9,12,2026-01-10\n";

    let path = write(
        &dir,
        "missing.csv",
        "loan_id,borrower,product,annual_rate,term_months,disbursed_on\nL-1,甲,annuity,4.9,12,2026-01-10\n",
    );
    let lines = file_errors(loans(&mut desk, &path));
    assert_eq!(lines, [format!("{}:1: column: missing required column 'principal'", path.display())]);

    let path = write(
        &dir,
        "typo.csv",
        &format!("loan_id,borrower,product,principle,annual_rate,term_months,disbursed_on\n{row}"),
    );
    let lines = file_errors(loans(&mut desk, &path));
    assert_errors(
        &lines,
        &path,
        &[(1, "column", "unknown column 'principle'"), (1, "column", "missing required column 'principal'")],
    );

    let path = write(
        &dir,
        "twice.csv",
        &format!("loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,Borrower\n{row}"),
    );
    assert_errors(&file_errors(loans(&mut desk, &path)), &path, &[(1, "column", "'borrower' appears twice")]);

    let path = write(&dir, "empty.csv", "");
    assert_errors(&file_errors(loans(&mut desk, &path)), &path, &[(1, "column", "no header row")]);
    assert_eq!(loan_count(&desk), 0);

    // Names are matched ignoring case and surrounding spaces.
    let path = write(
        &dir,
        "case.csv",
        &format!(" Loan_ID ,borrower,PRODUCT,principal,annual_rate,term_months,disbursed_on\n{row}"),
    );
    assert_eq!(loans(&mut desk, &path).expect("import").rows, 1);
}

#[test]
fn more_than_a_hundred_errors_are_cut_with_a_count() {
    let mut desk = desk();
    let dir = TempDir::new().expect("tempdir");
    let mut text = LOANS_HEADER.to_string();
    for i in 0..150 {
        text.push_str(&format!("L-{i},甲,annuity,12x,4.9,12,2026-01-10,,\n"));
    }
    let path = write(&dir, "many.csv", &text);
    let lines = file_errors(loans(&mut desk, &path));
    assert_eq!(lines.len(), MAX_SHOWN + 1);
    assert!(lines[0].starts_with(&format!("{}:2: principal: '12x'", path.display())), "{}", lines[0]);
    assert!(lines[99].starts_with(&format!("{}:101: principal: ", path.display())), "{}", lines[99]);
    assert_eq!(lines[100], format!("{}: … and 50 more errors (150 in all)", path.display()));
}

#[test]
fn line_numbers_are_physical_lines_in_crlf_files_with_blank_lines_and_quoted_breaks() {
    let mut desk = desk();
    let dir = TempDir::new().expect("tempdir");
    let good = "L-1,甲,annuity,1000,4.9,12,2026-01-10,,,";
    let text = [
        "loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,customer_id,assignee,collateral",
        good,
        "",
        "L-2,乙,annuity,1000,4.9,12,2026-01-10,,,\"Flat 3",
        "second line",
        "third line\"",
        "L-3,丙,annuity,1000,4.9,0,2026-01-10,,,",
        "",
        "",
        "L-4,丁,annuity,1000,4.9,12,2026-01-10,,,\"Flat 4\r\n\"",
        "L-5,戊,annuity,1000,4.9,12,2026-01-10,,nobody,",
        "L-6,己,annuity,1000,4.9,12,2026-13-01,,,",
    ];
    for (name, end) in [("lf.csv", "\n"), ("crlf.csv", "\r\n")] {
        let path = write(&dir, name, &(text.join(end) + end));
        let lines = file_errors(loans(&mut desk, &path));
        assert_errors(
            &lines,
            &path,
            &[(7, "term_months", "'0' is out of range"), (13, "disbursed_on", "'2026-13-01' is not a date")],
        );
    }
    assert_eq!(loan_count(&desk), 0);
}

#[test]
fn unreadable_rows_are_reported_and_reading_goes_on() {
    let mut desk = desk();
    let dir = TempDir::new().expect("tempdir");
    let path = dir.path().join("odd.csv");
    let mut bytes = LOANS_HEADER.as_bytes().to_vec();
    bytes.extend_from_slice(b"L-1,\xd5\xc5\xc8\xfd,annuity,1000,4.9,12,2026-01-10,,\n"); // 张三 in GBK
    bytes.extend_from_slice(b"L-2,Li,annuity,1,000.00,4.9,12,2026-01-10,,\n");
    bytes.extend_from_slice(b"L-3,Li,annuity\n");
    bytes.extend_from_slice(b"L-4,Li,annuity,1000,4.9,12,2026-01-10,,\n");
    std::fs::write(&path, bytes).expect("write");
    let lines = file_errors(loans(&mut desk, &path));
    assert_errors(
        &lines,
        &path,
        &[
            (2, "borrower", "is not valid UTF-8"),
            (
                3,
                "row",
                "has 10 fields, but the header has 9: put values that contain commas in double quotes",
            ),
            (4, "row", "has 3 fields, but the header has 9"),
        ],
    );
}

#[test]
fn a_missing_file_is_bad_input() {
    let mut desk = desk();
    let err = loans(&mut desk, Path::new("/nonexistent/loans.csv")).expect_err("no file");
    assert!(
        matches!(&err, AppError::Input(m) if m.starts_with("/nonexistent/loans.csv: cannot read the file"))
    );
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn new_assignees_become_collectors_and_each_customer_keeps_one_owner() {
    let mut desk = desk();
    let at = desk.stamp();
    store::insert_user(desk.store.conn(), "sup", None, Role::Supervisor, &at).expect("user");
    let dir = TempDir::new().expect("tempdir");
    let path = write(
        &dir,
        "owners.csv",
        &format!(
            "{LOANS_HEADER}A-1,甲,annuity,1000,4.9,12,2026-01-10,C-1,liwei\n\
                 A-2,甲,annuity,1000,4.9,12,2026-01-10,C-1,\n\
                 A-3,甲,annuity,1000,4.9,12,2026-01-10,C-1,liwei\n\
                 A-4,乙,annuity,1000,4.9,12,2026-01-10,,sup\n\
                 A-5,丙,annuity,1000,4.9,12,2026-01-10,,zhaomin\n\
                 A-6,丁,annuity,1000,4.9,12,2026-01-10,,liwei\n"
        ),
    );
    let report = loans(&mut desk, &path).expect("import");
    assert_eq!(report.created_users, ["liwei", "zhaomin"]);
    let conn = desk.store.conn();
    for login in ["liwei", "zhaomin"] {
        assert_eq!(store::user_by_login(conn, login).expect("q").expect("user").role, Role::Collector);
    }
    assert_eq!(store::user_by_login(conn, "sup").expect("q").expect("user").role, Role::Supervisor);
    assert_eq!(loan(&desk, "A-2").assignee.as_deref(), Some("liwei"));

    // Against the store and against earlier rows of the same file.
    let path = write(
        &dir,
        "conflict.csv",
        &format!(
            "{LOANS_HEADER}B-1,甲,annuity,1000,4.9,12,2026-01-10,C-1,zhaomin\n\
                 B-2,甲,annuity,1000,4.9,12,2026-01-10,C-1,\n\
                 B-3,戊,annuity,1000,4.9,12,2026-01-10,C-2,\n\
                 B-4,戊,annuity,1000,4.9,12,2026-01-10,C-2,liwei\n\
                 B-5,己,annuity,1000,4.9,12,2026-01-10,A-5,liwei\n"
        ),
    );
    let lines = file_errors(loans(&mut desk, &path));
    assert_errors(
        &lines,
        &path,
        &[
            (2, "assignee", "customer 'C-1' belongs to 'liwei' on the desk, not 'zhaomin'"),
            (5, "assignee", "customer 'C-2' first appears on line 4 with no assignee"),
            (6, "assignee", "customer 'A-5' belongs to 'zhaomin' on the desk, not 'liwei'"),
        ],
    );
}

#[test]
fn a_disabled_assignee_is_refused() {
    let mut desk = desk();
    let at = desk.stamp();
    let conn = desk.store.conn();
    store::insert_user(conn, "gone", None, Role::Collector, &at).expect("user");
    store::set_user_active(conn, "gone", false).expect("disable");
    let dir = TempDir::new().expect("tempdir");
    let path =
        write(&dir, "gone.csv", &format!("{LOANS_HEADER}A-1,甲,annuity,1000,4.9,12,2026-01-10,,gone\n"));
    let lines = file_errors(loans(&mut desk, &path));
    assert_errors(&lines, &path, &[(2, "assignee", "desk user 'gone' is disabled")]);
}

#[test]
fn only_a_supervisor_may_import() {
    let desk = desk();
    let at = desk.stamp();
    store::insert_user(desk.store.conn(), "carol", None, Role::Collector, &at).expect("user");
    let mut carol = Desk::open(desk.store, "carol", day("2026-03-01"), now()).expect("desk");
    let err = loans(&mut carol, &fixture("loans_good.csv")).expect_err("refused");
    assert!(matches!(&err, AppError::Refused(m) if m.contains("importing loans")), "{err}");
    assert_eq!(err.exit_code(), 3);
    let err = payments(&mut carol, &fixture("payments_good.csv")).expect_err("refused");
    assert!(matches!(&err, AppError::Refused(m) if m.contains("importing payments")), "{err}");
    assert_eq!(loan_count(&carol), 0);
}

/// P-1: 12,000.00 at 0 % over 12 months from 2025-12-01, 1,000.00 due on the first of each month;
/// as of 2026-03-01 the January and February installments are overdue. P-2: a bullet loan.
fn desk_with_payment_loans(dir: &TempDir) -> Desk {
    let mut desk = desk();
    let path = write(
        dir,
        "loans.csv",
        &format!(
            "{LOANS_HEADER}P-1,甲,annuity,12000,0,12,2025-12-01,,\nP-2,乙,bullet,5000,6,12,2025-12-01,,\n"
        ),
    );
    loans(&mut desk, &path).expect("loans");
    desk
}

fn dpd(desk: &Desk, loan_ref: &str) -> i64 {
    let id = loan(desk, loan_ref).id;
    store::state_of(desk.store.conn(), store::StateAt::shared(desk.as_of, desk.rules), id)
        .expect("state")
        .expect("row")
        .dpd
}

#[test]
fn good_payments_go_in_and_refresh_the_snapshot() {
    let dir = TempDir::new().expect("tempdir");
    let mut desk = desk_with_payment_loans(&dir);
    assert_eq!(dpd(&desk, "P-1"), 59);
    let report = payments(&mut desk, &fixture("payments_good.csv")).expect("payments");
    assert_eq!(
        report,
        ImportReport { rows: 3, refreshed_as_of: Some(day("2026-03-01")), ..ImportReport::default() }
    );
    assert_eq!(payment_count(&desk), 3);
    assert_eq!(dpd(&desk, "P-1"), 0);
    let paid = store::payments_of(desk.store.conn(), loan(&desk, "P-1").id).expect("payments");
    assert_eq!(paid.len(), 2);
    assert_eq!(paid[0].reference.as_deref(), Some("R-1"));
    assert_eq!(paid[1].amount, Money::from_cents(100_000));
    let audit = audits_besides_users(&desk).into_iter().find(|a| a.action == "import_payments");
    let detail: serde_json::Value = serde_json::from_str(&audit.expect("audit").detail).expect("json");
    assert_eq!((detail["rows"].as_u64(), detail["loans"].as_u64()), (Some(3), Some(2)));
}

#[test]
fn bad_payments_are_all_reported_and_none_go_in() {
    let dir = TempDir::new().expect("tempdir");
    let mut desk = desk_with_payment_loans(&dir);
    payments(&mut desk, &fixture("payments_good.csv")).expect("payments");
    let path = fixture("payments_bad.csv");
    let lines = file_errors(payments(&mut desk, &path));
    assert_errors(
        &lines,
        &path,
        &[
            (3, "loan_id", "unknown loan 'NOPE'"),
            (4, "reference", "'R-9' is repeated for loan 'P-1': it is first on line 2"),
            (5, "amount", "'0' is not more than 0.00"),
            (6, "amount", "'-5.00' has a sign"),
            (7, "paid_on", "'2026-02-31' is not a date"),
            (8, "reference", "loan 'P-1' already has a payment with reference 'R-1'"),
        ],
    );
    assert_eq!(payment_count(&desk), 3);
    assert_eq!(dpd(&desk, "P-1"), 0);
}

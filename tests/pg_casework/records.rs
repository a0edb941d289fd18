//! Holds, work logs, notices, a loan's contact fields, the cases a bulk assignment selects and a
//! loans import's record of its file, alike on a file and on the server.

use std::cell::RefCell;
use std::sync::{Arc, Barrier};

use duedesk::domain::worklog::WorkLogKind;
use duedesk::domain::{HoldKind, Money, Stage};
use duedesk::store::{self, CustomerId, Db, LoanId, UserId};

use super::{AT, both, day, ids};

#[test]
fn holds_work_logs_notices_and_cases_alike_on_a_file_and_on_the_server() {
    let Some(mut b) = both("records") else { return };
    let loans = ids(&b, "SELECT id FROM loans ORDER BY id");
    let customers = ids(&b, "SELECT id FROM customers ORDER BY id");
    let logs = ids(&b, "SELECT id FROM work_logs ORDER BY id");
    let users = ids(&b, "SELECT id FROM users ORDER BY id");
    let as_of = day("2026-12-05");
    let read = b.alike("the demo's records", |db| {
        let mut out = Vec::new();
        for &id in logs.iter().chain(&[999_999]) {
            out.push(format!("{:?}", store::work_log_by_id(db, id).expect("log")));
        }
        let filters = users
            .iter()
            .map(|&u| store::WorkLogFilter { user: Some(UserId(u)), ..Default::default() })
            .chain(
                customers
                    .iter()
                    .map(|&c| store::WorkLogFilter { customer: Some(CustomerId(c)), ..Default::default() }),
            )
            .chain([
                store::WorkLogFilter::default(),
                store::WorkLogFilter { unsigned: true, ..Default::default() },
                store::WorkLogFilter { late_on: Some(as_of), ..Default::default() },
                store::WorkLogFilter {
                    unsigned: true,
                    late_on: Some(as_of),
                    limit: Some(2),
                    ..Default::default()
                },
                store::WorkLogFilter { limit: Some(0), ..Default::default() },
            ]);
        for f in filters {
            out.push(format!("{:?}", store::list_work_logs(db, &f).expect("logs")));
        }
        for (from, to) in
            [("2026-01-01", "2026-12-31"), ("2026-11-01", "2026-12-05"), ("2027-01-01", "2027-01-31")]
        {
            out.push(format!("{:?}", store::owners_without_logs(db, day(from), day(to)).expect("owners")));
        }
        for &id in customers.iter().chain(&[999_999]) {
            out.push(format!("{:?}", store::customer_owner(db, CustomerId(id)).map_err(|e| e.to_string())));
        }
        for &id in loans.iter().chain(&[999_999]) {
            out.push(format!("{:?}", store::contact_fields(db, LoanId(id)).expect("fields")));
            out.push(format!("{:?}", store::holds_of(db, LoanId(id), as_of).expect("holds")));
            out.push(format!("{:?}", store::notices_of(db, LoanId(id)).expect("notices")));
        }
        out.push(format!("{:?}", store::current_holds(db, as_of).expect("holds")));
        out.push(format!("{:?}", store::next_notice_id(db).expect("next notice")));
        let at = store::StateAt::shared(as_of, Default::default());
        let stages = [None, Some(Stage::Legal), Some(Stage::Closed), Some(Stage::Reminder)];
        for stage in stages {
            for owner in [None, Some(UserId(5)), Some(UserId(99))] {
                for dpd_min in [None, Some(0), Some(1), Some(60), Some(100_000), Some(i64::MAX)] {
                    let f = store::CaseFilter { stage, owner, dpd_min };
                    out.push(format!("{:?}", store::select_cases(db, at, &f).expect("cases")));
                }
            }
        }
        out
    });
    let has = |text: &str| read.iter().any(|l| l.contains(text));
    assert!(has("CaseRow") && has("WorkLogRecord") && has("OwnerLogs") && has("ContactFields"), "{read:?}");

    let wrote = b.alike_written("writes of records", |db| {
        let mut out = Vec::new();
        let loan = LoanId(loans[3]);
        let zhao = store::user_by_login(db, "zhao.min").expect("user").map(|u| u.id);
        let hold = |kind, from, until, reason| store::NewHold {
            loan,
            kind,
            from_on: day(from),
            until_on: day(until),
            reason,
            by: zhao,
            at: AT,
        };
        out.push(format!(
            "{:?} {:?} {:?}",
            store::insert_hold(db, &hold(HoldKind::Dispute, "2026-12-01", "2026-12-31", "对账 争议")),
            store::insert_hold(db, &hold(HoldKind::Hardship, "2027-01-10", "2027-02-10", "住院")),
            store::insert_hold(db, &hold(HoldKind::Hardship, "2026-01-01", "2026-02-01", "past"))
        ));
        for on in ["2026-01-15", "2026-12-05", "2027-01-20", "2027-03-01"] {
            out.push(format!("{:?}", store::holds_of(db, loan, day(on))));
            out.push(format!("{:?}", store::current_holds(db, day(on))));
            out.push(format!("{:?}", store::held_on(db, day(on)).map(|h| h.into_iter().collect::<Vec<_>>())));
        }
        out.push(format!("{:?}", store::lift_holds(db, loan, as_of, zhao, "已 核实")));
        out.push(format!("{:?}", store::lift_holds(db, loan, as_of, None, "again")));
        out.push(format!("{:?} {:?}", store::holds_of(db, loan, as_of), store::current_holds(db, as_of)));

        let customer = CustomerId(customers[2]);
        let log = |kind, note, on: &str, due: &str| {
            store::insert_work_log(db, customer, zhao, kind, note, day(on), day(due), AT).expect("log")
        };
        let (one, two) = (
            log(WorkLogKind::Visit, "上门 走访", "2026-12-01", "2026-12-04"),
            log(WorkLogKind::Other, "x", "2026-12-05", "2026-12-09"),
        );
        let signer = UserId(users[0]);
        out.push(format!(
            "{one} {two} {:?} {:?} {:?}",
            store::sign_work_log(db, one, signer, as_of, AT, "已阅"),
            store::sign_work_log(db, one, signer, as_of, AT, "again"),
            store::work_log_by_id(db, one)
        ));
        for f in [
            store::WorkLogFilter { customer: Some(customer), ..Default::default() },
            store::WorkLogFilter { late_on: Some(day("2026-12-10")), ..Default::default() },
            store::WorkLogFilter { unsigned: true, user: zhao, ..Default::default() },
        ] {
            out.push(format!("{:?}", store::list_work_logs(db, &f)));
        }
        out.push(format!("{:?}", store::owners_without_logs(db, day("2026-12-01"), day("2026-12-31"))));

        let files = ["催收通知书 1.pdf".to_string(), "回执.png".to_string()];
        for (i, kind) in ["dunning", "guarantor_demand"].into_iter().enumerate() {
            let id = store::next_notice_id(db).expect("id");
            let number = format!("CS-2026-{id:04}");
            let n = store::NewNotice {
                id,
                loan,
                number: &number,
                kind,
                lang: "zh",
                issued_on: day("2026-12-05"),
                as_of,
                pay_by: day("2026-12-20"),
                overdue_principal: Money::from_cents(100_000 + i as i64),
                overdue_interest: Money::from_cents(2_000),
                penalty: Money::from_cents(300),
                total: Money::from_cents(102_300),
                addressee: "王芳",
                files: &files[..i + 1],
                user: zhao,
                created_at: AT,
            };
            out.push(format!("{:?}", store::insert_notice(db, &n)));
        }
        let first = store::next_notice_id(db).expect("id") - 2;
        store::set_notice_receipt(db, first, "received", Some(day("2026-12-08"))).expect("receipt");
        store::set_notice_receipt(db, first + 1, "returned", None).expect("receipt");
        out.push(format!("{:?}", store::notices_of(db, loan)));
        out.push(format!("{:?} {:?}", store::notice_by_id(db, first), store::notice_by_id(db, 999_999)));
        for (kind, from, to) in
            [("dunning", "2026-12-01", "2026-12-31"), ("dunning", "2026-12-06", "2026-12-31")]
        {
            out.push(format!("{:?}", store::notice_count_between(db, loan, kind, day(from), day(to))));
        }

        let mut fields = store::contact_fields(db, loan).expect("fields").expect("loan");
        fields.set("address", Some("上海市 浦东新区".into()));
        fields.set("phone", None);
        store::set_contact_fields(db, loan, &fields).expect("fields");
        out.push(format!("{:?}", store::contact_fields(db, loan)));
        store::set_address_employer(db, loan, None, Some("某某 公司")).expect("address");
        out.push(format!("{:?}", store::contact_fields(db, loan)));
        out
    });
    let has = |text: &str| wrote.iter().any(|l| l.contains(text));
    assert!(has("回执.png") && has("已 核实") && has("上海市") && has("已阅"), "{wrote:?}");
}

#[test]
fn a_loans_import_remembers_its_file_alike_on_a_file_and_on_the_server() {
    let Some(mut b) = both("import_seen") else { return };
    b.alike_written("an import's record", |db| {
        let mut out = Vec::new();
        store::seen_begin(db).expect("begin");
        for (r, line) in [("L1", 2), ("贷-2", 3), ("L1", 9), ("贷-2", 10), ("l1", 11)] {
            out.push(format!("{:?}", store::seen_loan(db, r, line)));
        }
        let c = store::SeenCustomer { line: Some(2), owner: Some("王芳".into()), id: None };
        out.push(format!("{:?}", store::seen_customer(db, "C1")));
        store::see_customer(db, "C1", &c).expect("see");
        out.push(format!("{:?}", store::seen_customer(db, "C1")));
        store::see_customer(db, "C1", &store::SeenCustomer { id: Some(CustomerId(7)), owner: None, ..c })
            .expect("again");
        store::see_customer(db, "客户", &store::SeenCustomer { line: None, owner: None, id: None })
            .expect("see");
        out.push(format!("{:?} {:?}", store::seen_customer(db, "C1"), store::seen_customer(db, "客户")));
        store::seen_begin(db).expect("a new import");
        out.push(format!("{:?} {:?}", store::seen_customer(db, "C1"), store::seen_loan(db, "L1", 5)));
        store::seen_end(db).expect("end");
        store::seen_end(db).expect("end again");
        out
    });
}

/// Eight desks issue a notice each at once on the server: each takes the next id, none the same.
#[test]
fn eight_desks_issuing_notices_on_the_server_take_eight_ids() {
    let Some(b) = both("notice_race") else { return };
    const DESKS: usize = 8;
    let start = Arc::new(Barrier::new(DESKS));
    let config = b.server().config.clone();
    let threads: Vec<_> = (0..DESKS)
        .map(|i| {
            let (start, config) = (start.clone(), config.clone());
            std::thread::spawn(move || {
                let mut client = config.connect(postgres::NoTls).expect("connect");
                let tx = RefCell::new(client.transaction().expect("transaction"));
                start.wait();
                let id = store::next_notice_id(Db::Server(&tx)).expect("id");
                // A desk writes its notice's files before the row goes in.
                std::thread::sleep(std::time::Duration::from_millis(50));
                let number = format!("CS-{i}");
                let n = store::NewNotice {
                    id,
                    loan: LoanId(1),
                    number: &number,
                    kind: "dunning",
                    lang: "zh",
                    issued_on: day("2026-12-05"),
                    as_of: day("2026-12-05"),
                    pay_by: day("2026-12-20"),
                    overdue_principal: Money::from_cents(1),
                    overdue_interest: Money::from_cents(0),
                    penalty: Money::from_cents(0),
                    total: Money::from_cents(1),
                    addressee: "王芳",
                    files: &[],
                    user: None,
                    created_at: AT,
                };
                store::insert_notice(Db::Server(&tx), &n).map_err(|e| e.to_string())?;
                tx.into_inner().commit().map_err(|e| e.to_string())?;
                Ok::<i64, String>(id)
            })
        })
        .collect();
    let mut issued: Vec<i64> =
        threads.into_iter().map(|t| t.join().expect("desk").expect("issued")).collect();
    issued.sort_unstable();
    assert_eq!(issued, (1..=DESKS as i64).collect::<Vec<_>>());
}

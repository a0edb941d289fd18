//! The book's and the case work's statements on both backends (issue #20): a demo book on a file
//! and the same book copied to a server answer every read alike, and the same writes on both
//! leave the same book behind (loans, customers, payments, plans, contacts, promises, stage moves,
//! assignments, holds, work logs, notices, an import's record of its file).

mod common;
#[path = "pg_casework/records.rs"]
mod records;

use std::cell::RefCell;

use common::TestDesk;
use duedesk::domain::{
    Channel, Direction, Installment, LoanTerms, Money, Outcome, Party, Product, Rate, RiskClass, Stage,
};
use duedesk::store::{self, CustomerId, Db, LoanId, UserId};

/// A demo book on a file, and the same book on a fresh server database.
struct Both {
    _desk: TestDesk,
    server: common::pg::TestDb,
    file: store::Store,
    client: RefCell<postgres::Client>,
}

fn both(tag: &str) -> Option<Both> {
    let server = common::pg::fresh(tag)?;
    let desk = TestDesk::bare();
    desk.ok(&["demo", "--loans", "60", "--format", "json"]);
    desk.ok(&["store", "copy", "--from", TestDesk::path_str(&desk.db), "--to", &server.url()]);
    let file = store::Store::open(&desk.db).expect("file");
    let client = RefCell::new(server.client());
    Some(Both { _desk: desk, server, file, client })
}

impl Both {
    fn server(&self) -> &common::pg::TestDb {
        &self.server
    }

    /// The same questions (and writes) on the file and on the server: their answers, each.
    fn alike(&self, what: &str, ask: impl Fn(Db<'_>) -> Vec<String>) -> Vec<String> {
        let on_file = ask(Db::from(self.file.conn()));
        let on_server = ask(Db::Server(&self.client));
        assert_eq!(on_file.len(), on_server.len(), "{what}");
        for (i, (f, s)) in on_file.iter().zip(&on_server).enumerate() {
            assert_eq!(f, s, "{what}: answer {i}");
        }
        on_file
    }
}

impl Both {
    /// `alike`, each side in a transaction of its own, committed (writes the audit log takes part in).
    fn alike_written(&mut self, what: &str, ask: impl Fn(Db<'_>) -> Vec<String>) -> Vec<String> {
        let on_file = self.file.write(|tx| -> store::Result<_> { Ok(ask(tx)) }).expect("file");
        let on_server = {
            let mut client = self.client.borrow_mut();
            let tx = RefCell::new(client.transaction().expect("transaction"));
            let answers = ask(Db::Server(&tx));
            tx.into_inner().commit().expect("commit");
            answers
        };
        assert_eq!(on_file.len(), on_server.len(), "{what}");
        for (i, (f, s)) in on_file.iter().zip(&on_server).enumerate() {
            assert_eq!(f, s, "{what}: answer {i}");
        }
        on_file
    }
}

fn day(d: &str) -> chrono::NaiveDate {
    duedesk::domain::parse_date(d).expect("date")
}

/// The ids of a table's rows on the file, in order.
fn ids(b: &Both, sql: &str) -> Vec<i64> {
    let conn = b.file.conn();
    let mut stmt = conn.prepare(sql).expect("ids");
    stmt.query_map([], |r| r.get(0)).expect("rows").map(|r| r.expect("id")).collect()
}

const AT: &str = "2026-03-02T10:00:00+08:00";

fn new_loan(
    loan_ref: &str,
    customer: Option<&str>,
    borrower: &str,
    assignee: Option<UserId>,
) -> store::NewLoan {
    store::NewLoan {
        loan_ref: loan_ref.into(),
        customer_ref: customer.map(str::to_string),
        borrower: borrower.into(),
        phone: Some(" ".into()),
        terms: LoanTerms {
            product: Product::Annuity,
            principal: Money::from_cents(1_200_000),
            rate: Rate::from_e4(96_000),
            term_months: 12,
            disbursed_on: day("2025-12-15"),
        },
        guarantor: Some("李四 担保".into()),
        guarantor_phone: None,
        collateral: Some("  ".into()),
        branch: Some("浦东".into()),
        assignee,
    }
}

#[test]
fn the_book_reads_and_writes_alike_on_a_file_and_on_the_server() {
    let Some(b) = both("book") else { return };
    let loans = ids(&b, "SELECT id FROM loans ORDER BY id");
    let customers = ids(&b, "SELECT id FROM customers ORDER BY id");
    assert!(loans.len() == 60 && customers.len() > 10);
    let refs: Vec<String> = {
        let conn = b.file.conn();
        let mut stmt = conn.prepare("SELECT loan_ref FROM loans ORDER BY id LIMIT 5").expect("refs");
        stmt.query_map([], |r| r.get(0)).expect("rows").map(|r| r.expect("ref")).collect()
    };
    let read = b.alike("the demo book", |db| {
        let mut out = Vec::new();
        for &id in loans.iter().chain(&[999_999]) {
            let loan = LoanId(id);
            let found = store::loan_by_id(db, loan).expect("by id");
            out.push(format!("{found:?}"));
            out.push(format!("{:?}", store::payments_of(db, loan).expect("payments")));
            out.push(format!("{:?}", store::paid_of(db, loan).expect("paid")));
            out.push(format!("{:?}", store::plans_of(db, loan).expect("plans")));
            if let Some(l) = found {
                out.push(format!("{:?}", store::schedule_inputs(db, &l).expect("inputs")));
                out.push(format!("{:?}", store::plan_hold(db, &l).expect("hold")));
            }
        }
        for &id in customers.iter().chain(&[999_999]) {
            out.push(format!("{:?}", store::loans_of_customer(db, CustomerId(id)).expect("of customer")));
        }
        for r in refs.iter().map(String::as_str).chain(["", "nobody", "王"]) {
            out.push(format!("{:?}", store::loan_by_ref(db, r).expect("by ref")));
            out.push(format!("{:?}", store::loan_id_by_ref(db, r).expect("id by ref")));
        }
        out.push(format!(
            "{:?} {:?} {:?} {:?}",
            store::customer_count(db),
            store::any_loan(db),
            store::loan_count(db),
            store::payment_count(db)
        ));
        out
    });
    assert!(read.iter().any(|l| l.contains("Some(Loan {")), "{read:?}");

    let wrote = b.alike("writes to the book", |db| {
        let mut out = Vec::new();
        let zhao = store::user_by_login(db, "zhao.min").expect("user").map(|u| u.id);
        let first =
            store::insert_loan(db, &new_loan("新-1", Some("客户-王"), "王芳", zhao), AT).expect("loan");
        let second =
            store::insert_loan(db, &new_loan("新-2", Some("客户-王"), "王芳", None), AT).expect("loan");
        let own = store::insert_loan(db, &new_loan("NEW-3", None, "Zhang", None), AT).expect("loan");
        let customer =
            store::insert_customer(db, &new_loan("NEW-4", Some("C-NEW"), "陈", zhao), AT).expect("c");
        let fourth =
            store::insert_loan_of(db, customer, &new_loan("NEW-4", None, "陈", None), AT).expect("l");
        out.push(format!("{first:?} {second:?} {own:?} {customer:?} {fourth:?}"));
        for r in ["客户-王", "C-NEW", "NEW-3", "新-1"] {
            out.push(format!("{:?}", store::customer_by_ref(db, r).expect("customer")));
        }
        store::insert_payment(db, first, day("2026-01-15"), Money::from_cents(105_000), Some("付 1"), AT)
            .expect("payment");
        store::insert_payment(db, first, day("2026-01-15"), Money::from_cents(105_000), None, AT)
            .expect("payment");
        store::insert_payment(db, first, day("2026-01-10"), Money::from_cents(1), Some(" "), AT)
            .expect("payment");
        for reference in ["付 1", "付", " ", ""] {
            out.push(format!("{:?}", store::payment_reference_exists(db, first, reference)));
        }
        let lines = [
            Installment {
                seq: 1,
                due_on: day("2026-04-15"),
                principal: Money::from_cents(600_000),
                interest: Money::from_cents(9_600),
            },
            Installment {
                seq: 2,
                due_on: day("2026-05-15"),
                principal: Money::from_cents(600_000),
                interest: Money::from_cents(4_800),
            },
        ];
        let plan = |kind, lines: &'static [Installment], class| store::NewSchedule {
            loan: first,
            kind,
            effective_on: day("2026-03-02"),
            reason: "失业 三个月",
            created_by: zhao,
            at: AT,
            lines,
            hold: duedesk::domain::plan::PlanHold {
                since: day("2026-03-02"),
                class,
                arrears: Money::from_cents(210_000),
            },
        };
        let lines: &'static [Installment] = Box::leak(Box::new(lines));
        let one = store::insert_schedule(db, &plan("plan", lines, RiskClass::SpecialMention)).expect("plan");
        let two = store::insert_schedule(db, &plan("extension", &[], RiskClass::Substandard)).expect("plan");
        out.push(format!("{one} {two}"));
        store::set_observation_until(db, first, Some(day("2026-09-02"))).expect("observation");
        store::set_observation_until(db, second, None).expect("observation");
        for loan in [first, second, own, fourth] {
            let l = store::loan_by_id(db, loan).expect("loan").expect("there");
            out.push(format!("{l:?}"));
            out.push(format!("{:?}", store::schedule_inputs(db, &l).expect("inputs")));
            out.push(format!("{:?}", store::plan_hold(db, &l).expect("hold")));
            out.push(format!("{:?}", store::plans_of(db, loan).expect("plans")));
            out.push(format!("{:?}", store::payments_of(db, loan).expect("payments")));
            out.push(format!("{:?}", store::paid_of(db, loan).expect("paid")));
        }
        out.push(format!("{:?}", store::explicit_schedule(db, one)));
        out.push(format!("{:?}", store::explicit_schedule(db, 999_999).map_err(|e| e.to_string())));
        let again = store::insert_loan(db, &new_loan("新-1", None, "x", None), AT);
        out.push(format!("refused again: {}", again.is_err()));
        out.push(format!("{:?}", store::loans_of_customer(db, customer)));
        out.push(format!("{:?}", store::assignments_of(db, customer)));
        out.push(format!(
            "{:?} {:?} {:?}",
            store::customer_count(db),
            store::loan_count(db),
            store::payment_count(db)
        ));
        out
    });
    let has = |text: &str| wrote.iter().any(|l| l.contains(text));
    assert!(has("王芳") && has("SpecialMention") && has("Some(2026-09-02)") && has("Err("), "{wrote:?}");
}

/// Some columns of the loan's snapshot row, which the case work keeps current beside the loan.
fn state_row(db: Db<'_>, loan: LoanId) -> String {
    let sql = "SELECT status, stage, workflow_stage, last_contact_at, next_action_on, warn_bits \
               FROM loan_state WHERE loan_id = ";
    match db {
        Db::File(conn) => conn
            .query_row(&format!("{sql}{}", loan.0), [], |r| {
                Ok(format!(
                    "{:?}",
                    (
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<String>>(4)?,
                        r.get::<_, i64>(5)?
                    )
                ))
            })
            .expect("state"),
        Db::Server(s) => {
            let rows = s.query(&format!("{sql}{}", loan.0), &[]).expect("state");
            let r = &rows[0];
            format!(
                "{:?}",
                (
                    r.get::<_, String>(0),
                    r.get::<_, String>(1),
                    r.get::<_, String>(2),
                    r.get::<_, Option<String>>(3),
                    r.get::<_, Option<String>>(4),
                    r.get::<_, i64>(5)
                )
            )
        }
    }
}

#[test]
fn the_case_work_reads_and_writes_alike_on_a_file_and_on_the_server() {
    let Some(mut b) = both("casework") else { return };
    let loans = ids(&b, "SELECT id FROM loans ORDER BY id");
    let customers = ids(&b, "SELECT id FROM customers ORDER BY id");
    let contacts = ids(&b, "SELECT id FROM contacts ORDER BY id");
    let users = ids(&b, "SELECT id FROM users ORDER BY id");
    let busy =
        LoanId(ids(&b, "SELECT loan_id FROM contacts GROUP BY loan_id ORDER BY count(*) DESC, loan_id")[0]);
    let read = b.alike("the demo's case work", |db| {
        let mut out = Vec::new();
        for &id in loans.iter().chain(&[999_999]) {
            let loan = LoanId(id);
            out.push(format!("{:?}", store::contacts_of(db, loan, 50).expect("contacts")));
            out.push(format!("{:?}", store::contacts_of(db, loan, 1).expect("contacts")));
            out.push(format!("{:?}", store::promises_of(db, loan).expect("promises")));
            out.push(format!("{:?}", store::stage_events_of(db, loan).expect("stages")));
        }
        for &id in customers.iter().chain(&[999_999]) {
            let customer = CustomerId(id);
            out.push(format!("{:?}", store::assignments_of(db, customer).expect("assignments")));
            out.push(format!("{:?}", store::contacts_for_conduct(db, customer, "").expect("conduct")));
            out.push(format!(
                "{:?}",
                store::contacts_for_conduct(db, customer, "2026-11-10").expect("conduct")
            ));
        }
        for &id in contacts.iter().chain(&[999_999]) {
            for loan in [busy, LoanId(1)] {
                out.push(format!("{:?}", store::contact_on_loan(db, loan, id).expect("contact")));
                out.push(format!("{:?}", store::voidable_contact(db, loan, id).expect("voidable")));
            }
        }
        out.push(format!("{:?}", store::contact_count(db)));
        let (from, to) = (Some(day("2026-03-01")), Some(day("2026-12-31")));
        for owner in users.iter().map(|&u| Some(UserId(u))).chain([None]) {
            for limit in [None, Some(0), Some(3)] {
                out.push(format!(
                    "{:?}",
                    store::list_promises(db, None, None, owner, limit).expect("promises")
                ));
                out.push(format!(
                    "{:?}",
                    store::list_promises(db, from, None, owner, limit).expect("promises")
                ));
                out.push(format!(
                    "{:?}",
                    store::list_promises(db, None, to, owner, limit).expect("promises")
                ));
                out.push(format!(
                    "{:?}",
                    store::list_promises(db, from, to, owner, limit).expect("promises")
                ));
            }
        }
        for (entity, id) in [("user", "zhao.min"), ("setting", "demo"), ("store", ""), ("loan", "nobody")] {
            out.push(format!("{:?}", store::last_change(db, entity, id).expect("last change")));
        }
        out
    });
    assert!(
        read.iter().any(|l| l.contains("PromiseRow")) && read.iter().any(|l| l.contains("ContactRecord"))
    );

    let wrote = b.alike_written("writes of case work", |db| {
        let mut out = Vec::new();
        let loan = store::loan_by_id(db, busy).expect("loan").expect("there");
        let zhao = store::user_by_login(db, "zhao.min").expect("user").map(|u| u.id);
        let contact = |at: &'static str, outcome, corrects, flags| store::NewContact {
            loan: loan.id,
            customer: loan.customer_id,
            party: Party::Guarantor,
            channel: Channel::Visit,
            direction: Direction::Inbound,
            outcome,
            phone: Some(" "),
            note: "上门 面谈",
            user: zhao,
            at,
            corrects,
            flags,
        };
        let flags = store::ContactFlags {
            debtor_asked: true,
            no_disclosure_ack: false,
            override_rule: Some("夜间"),
            override_reason: Some("客户要求"),
        };
        let late =
            store::insert_contact(db, &contact("2027-01-05T21:30:00+08:00", Outcome::Promise, None, flags))
                .expect("contact");
        let early = store::insert_contact(
            db,
            &contact("2026-01-05T09:00:00+08:00", Outcome::Busy, None, Default::default()),
        )
        .expect("contact");
        let fix = store::insert_contact(
            db,
            &contact("2027-01-05T21:40:00+08:00", Outcome::Refused, Some(late), Default::default()),
        )
        .expect("correction");
        out.push(format!("{late} {early} {fix}"));
        out.push(format!("{:?}", store::loan_by_id(db, loan.id).expect("loan")));
        out.push(state_row(db, loan.id));
        out.push(format!("{:?}", store::voidable_contact(db, loan.id, late)));
        out.push(format!("{:?}", store::voidable_contact(db, loan.id, fix)));
        let void = store::void_contact(db, loan.id, late, "录入错误", zhao, "2027-01-05T21:45:00+08:00");
        out.push(format!("{void:?}"));
        out.push(format!("{:?}", store::voidable_contact(db, loan.id, late)));
        out.push(format!("{:?}", store::void_contact(db, loan.id, 999_999, "x", None, "t").is_err()));
        out.push(format!("{:?}", store::contacts_of(db, loan.id, 100)));
        out.push(format!("{:?}", store::contacts_for_conduct(db, loan.customer_id, "2026-01-01")));
        out.push(format!("{:?}", store::loan_by_id(db, loan.id).expect("loan")));
        out.push(state_row(db, loan.id));
        let promise = |made, due, cents| {
            store::insert_promise(
                db,
                loan.id,
                Some(early),
                Money::from_cents(cents),
                day(made),
                day(due),
                zhao,
            )
        };
        out.push(format!(
            "{:?} {:?} {:?}",
            promise("2027-01-05", "2027-01-20", 50_000),
            promise("2026-12-01", "2026-12-10", 70_000),
            store::insert_promise(
                db,
                loan.id,
                None,
                Money::from_cents(1),
                day("2027-01-05"),
                day("2027-01-06"),
                None
            )
        ));
        out.push(format!("{:?}", store::promises_of(db, loan.id)));
        out.push(format!("{:?}", store::list_promises(db, Some(day("2027-01-06")), None, None, None)));
        let ev = |from, to| store::StageEvent {
            from,
            to,
            as_of: day("2027-01-05"),
            actor: "zhao.min".into(),
            reason: "承诺 未履行".into(),
            at: "2027-01-05T22:00:00+08:00".into(),
        };
        store::record_stage_change(db, loan.id, &ev(loan.stage, Stage::Negotiation)).expect("stage");
        out.push(state_row(db, loan.id));
        store::set_agency(db, loan.id, Some("某 律所")).expect("agency");
        out.push(format!("{:?}", store::loan_by_id(db, loan.id).expect("loan").map(|l| l.agency)));
        store::set_agency(db, loan.id, Some(" ")).expect("agency");
        out.push(format!("{:?}", store::loan_by_id(db, loan.id).expect("loan").map(|l| l.agency)));
        store::set_next_action(db, loan.id, Some(day("2027-01-09"))).expect("next");
        store::set_next_action_kind(db, loan.id, Some("visit")).expect("kind");
        out.push(format!("{:?}", store::loan_by_id(db, loan.id).expect("loan")));
        out.push(state_row(db, loan.id));
        store::set_next_action(db, loan.id, None).expect("next");
        store::set_next_action_kind(db, loan.id, None).expect("kind");
        store::write_off(db, loan.id, day("2027-01-06")).expect("write off");
        store::record_stage_change(db, loan.id, &ev(Stage::Negotiation, Stage::WrittenOff)).expect("stage");
        out.push(format!("{:?}", store::loan_by_id(db, loan.id).expect("loan")));
        out.push(state_row(db, loan.id));
        store::clear_write_off(db, loan.id, Stage::Legal).expect("clear");
        out.push(format!("{:?}", store::loan_by_id(db, loan.id).expect("loan")));
        out.push(format!("{:?}", store::stage_events_of(db, loan.id)));
        let version = store::loan_by_id(db, loan.id).expect("loan").expect("there").version;
        out.push(format!(
            "{:?} {:?} {:?} {:?}",
            store::bump_version(db, loan.id, Some(version)),
            store::bump_version(db, loan.id, Some(version)),
            store::bump_version(db, loan.id, None),
            store::bump_version(db, LoanId(999_999), None).map_err(|e| e.to_string())
        ));
        store::insert_audit(
            db,
            "2027-01-05T22:00:00+08:00",
            "张伟",
            "edit",
            "loan",
            Some(&loan.loan_ref),
            "{}",
        )
        .expect("audit");
        store::insert_audit(
            db,
            "2027-01-05T22:01:00+08:00",
            "李娜",
            "reveal",
            "loan",
            Some(&loan.loan_ref),
            "{}",
        )
        .expect("audit");
        out.push(format!("{:?}", store::last_change(db, "loan", &loan.loan_ref)));
        out
    });
    let has = |text: &str| wrote.iter().any(|l| l.contains(text));
    assert!(has("录入错误") && has("Some(\"某 律所\")") && has("张伟") && has("Err("), "{wrote:?}");
}

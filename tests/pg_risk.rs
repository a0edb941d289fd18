//! The early-warning and post-loan statements on both backends (issue #20): signals, measures,
//! the watchlist and ratings, class events, what the warning run reads, collateral, inspections,
//! the inspection schedule and a list row's risk facts give the same answers on a demo book's file
//! and on its copy on the server, writes included.

mod common;
#[path = "pg_risk/inspections.rs"]
mod inspections;

use std::cell::RefCell;

use chrono::NaiveDate;
use common::TestDesk;
use duedesk::domain::warning::{Category, Level, MeasureKind, Rating, SignalCode};
use duedesk::store::{self, CustomerId, Db, LoanId, UserId};

fn day(d: &str) -> NaiveDate {
    duedesk::domain::parse_date(d).expect("date")
}

/// A demo book on a file, and the same book copied to a fresh database on the server.
fn book(tag: &str) -> Option<(TestDesk, common::pg::TestDb)> {
    let server = common::pg::fresh(tag)?;
    let d = TestDesk::bare();
    let r = d.run(&["demo", "--loans", "150", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    d.ok(&["store", "copy", "--from", TestDesk::path_str(&d.db), "--to", &server.url()]);
    Some((d, server))
}

/// Runs `exercise` on the file and on the server and holds them to the same lines.
fn alike(d: &TestDesk, server: &common::pg::TestDb, exercise: fn(Db<'_>) -> Vec<String>) -> Vec<String> {
    let file = rusqlite::Connection::open(&d.db).expect("file");
    let on_file = exercise(Db::from(&file));
    let client = RefCell::new(server.client());
    let on_server = exercise(Db::Server(&client));
    assert_eq!(on_file.len(), on_server.len());
    for (n, (a, b)) in on_file.iter().zip(&on_server).enumerate() {
        assert_eq!(a, b, "line {n}");
    }
    on_file
}

/// A statement of the test's own on either backend.
fn exec(db: Db<'_>, sql: &str) {
    match db {
        Db::Server(s) => {
            s.execute(sql, &[]).expect("statement");
        }
        Db::File(c) => {
            c.execute(sql, []).expect("statement");
        }
    }
}

fn signals(db: Db<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let all = store::SignalFilter { all: true, ..store::SignalFilter::default() };
    let listed = store::list_signals(db, &all).expect("all signals");
    assert!(listed.len() > 5, "the demo raises signals: {}", listed.len());
    out.push(format!("{listed:?}"));
    let first = &listed[0];
    let (loan, customer) = (first.loan, first.customer);
    let owner = listed.iter().find_map(|s| s.owner.clone());
    let owner_id: Option<UserId> =
        owner.as_deref().and_then(|login| store::user_by_login(db, login).expect("owner").map(|u| u.id));
    // Every question the list asks, one at a time and together.
    let filters = [
        store::SignalFilter::default(),
        store::SignalFilter { level: Some(Level::Red), ..Default::default() },
        store::SignalFilter { level: Some(Level::Yellow), all: true, ..Default::default() },
        store::SignalFilter { code: Some(first.code), ..Default::default() },
        store::SignalFilter { owner: owner_id, ..Default::default() },
        store::SignalFilter { since: Some(day("2026-02-15")), all: true, ..Default::default() },
        store::SignalFilter { loan: Some(loan), all: true, ..Default::default() },
        store::SignalFilter { customer: Some(customer), ..Default::default() },
        store::SignalFilter { watched: true, all: true, ..Default::default() },
        store::SignalFilter { limit: Some(3), offset: 2, ..Default::default() },
        store::SignalFilter { limit: Some(0), ..Default::default() },
        store::SignalFilter { offset: 100_000, all: true, ..Default::default() },
        store::SignalFilter { loan: Some(LoanId(999_999)), ..Default::default() },
    ];
    for f in &filters {
        let list = store::list_signals(db, f).expect("list");
        out.push(format!("{} {list:?}", store::count_signals(db, f).expect("count")));
    }
    out.push(format!("{:?}", store::signal_by_id(db, first.id)));
    out.push(format!("{:?}", store::signal_by_id(db, -1)));
    out.push(format!("{:?} {:?}", store::loan_level(db, loan), store::loan_level(db, LoanId(999_999))));
    out.push(format!("{:?}", store::customer_has_open(db, customer)));
    out.push(format!("{:?}", store::customers_open_at(db, day("2026-02-01"))));
    out.push(format!("{:?}", store::customers_open_at(db, day("2026-03-01"))));
    if let Some(u) = owner_id {
        out.push(format!("{:?} {:?}", store::open_signals_owned(db, u), store::watched_owned(db, u)));
    }
    out.push(format!("{:?}", store::open_signals_owned(db, UserId(999_999))));
    // The run's reads.
    out.push(format!("{:?}", store::open_rules_in(db, 0, 80)));
    out.push(format!("{:?}", store::open_rules_in(db, 80, 1_000)));
    out.push(format!("{:?}", store::warn_rows_in(db, 0, 1_000)));
    out.push(format!("{:?}", store::last_open_rule_loan(db)));
    out.push(format!("{:?}", store::open_manual_on_inactive(db)));

    // A manual signal, in Chinese, with a measure; confirmed, then closed.
    let opened = store::open_signal(
        db,
        &store::NewSignal {
            loan,
            code: SignalCode::Manual,
            category: Some(Category::Lawsuit),
            level: Level::Orange,
            raised_on: day("2026-03-01"),
            raised_by: "张伟",
            note: Some("被起诉 · 法院传票"),
            at: "2026-03-01T10:00:00+08:00",
        },
    )
    .expect("open");
    let no_loan = store::NewSignal {
        loan: LoanId(999_999),
        code: SignalCode::Manual,
        category: None,
        level: Level::Yellow,
        raised_on: day("2026-03-01"),
        raised_by: "x",
        note: None,
        at: "x",
    };
    out.push(format!("{opened} {}", store::open_signal(db, &no_loan).is_err()));
    store::add_measure(
        db,
        opened,
        MeasureKind::IntensifiedMonitoring,
        day("2026-03-02"),
        "李娜",
        "加强监测",
        "t",
    )
    .expect("measure");
    store::add_measure(db, opened, MeasureKind::Other, day("2026-03-03"), "li.na", "", "t").expect("measure");
    out.push(format!("{:?} {:?}", store::measures_of(db, opened), store::measures_of(db, -1)));
    out.push(format!(
        "{:?} {:?}",
        store::confirm_signal(db, opened, day("2026-03-02"), "li.na", "属实"),
        store::confirm_signal(db, opened, day("2026-03-02"), "li.na", "again")
    ));
    out.push(format!("{:?}", store::loan_level(db, loan)));
    out.push(format!(
        "{:?} {:?}",
        store::close_signal(db, opened, day("2026-03-04"), "li.na", "撤诉"),
        store::close_signal(db, opened, day("2026-03-04"), "li.na", "again")
    ));
    out.push(format!("{:?}", store::signal_by_id(db, opened)));
    out.push(format!(
        "{:?}",
        store::close_loan_signals(db, loan, day("2026-03-05"), "policy", "written off")
    ));
    out.push(format!("{:?} {:?}", store::loan_level(db, loan), store::customer_has_open(db, customer)));

    // The watchlist and ratings.
    out.push(format!("{:?}", store::watchlist(db, false)));
    out.push(format!("{:?}", store::watchlist(db, true)));
    out.push(format!("{:?}", store::watched_without_active(db)));
    let entered = store::enter_watchlist(db, customer, day("2026-03-02"), "li.na", "诉讼", "t");
    let again = store::enter_watchlist(db, customer, day("2026-03-02"), "li.na", "again", "t");
    out.push(format!("{entered:?} {again:?} {:?}", store::watch_of(db, customer)));
    out.push(format!(
        "{:?} {:?} {:?}",
        store::leave_watchlist(db, customer, day("2026-03-03"), "li.na", "结案"),
        store::leave_watchlist(db, customer, day("2026-03-03"), "li.na", "again"),
        store::watch_of(db, customer)
    ));
    out.push(format!("{:?}", store::manual_rating(db, customer)));
    store::set_rating(db, customer, Rating::Medium, "观察", "li.na", day("2026-03-01"), "t").expect("rating");
    store::set_rating(db, customer, Rating::High, "高风险 客户", "li.na", day("2026-03-02"), "t")
        .expect("rating");
    out.push(format!(
        "{:?} {:?}",
        store::manual_rating(db, customer),
        store::manual_rating(db, CustomerId(999_999))
    ));

    // A manual class lifted: the history row and the loan's copy.
    exec(
        db,
        &format!(
            "INSERT INTO manual_classes (loan_id, class, from_on, until_on, reason, created_at) \
             VALUES ({}, 'substandard', '2026-02-01', NULL, '检查', 't')",
            loan.0
        ),
    );
    exec(
        db,
        &format!(
            "UPDATE loans SET manual_class = 'substandard', manual_class_from = '2026-02-01' WHERE id = {}",
            loan.0
        ),
    );
    out.push(format!(
        "{:?} {:?}",
        store::lift_manual_class(db, loan, day("2026-03-04"), "解除"),
        store::lift_manual_class(db, loan, day("2026-03-04"), "again")
    ));
    out
}

#[test]
fn signals_the_watchlist_and_ratings_answer_alike() {
    let Some((d, server)) = book("risk_signals") else { return };
    let lines = alike(&d, &server, signals);
    assert!(lines.iter().any(|l| l.contains("被起诉")), "{lines:?}");
}

fn collateral(db: Db<'_>) -> Vec<String> {
    use duedesk::domain::Money;
    use duedesk::domain::collateral::{CollateralKind, CollateralStatus};
    let mut out = Vec::new();
    let everything = store::all_items(db, true, None).expect("register");
    assert!(everything.len() > 5, "the demo's register: {}", everything.len());
    out.push(format!("{everything:?}"));
    out.push(format!("{:?}", store::all_items(db, false, Some(5))));
    out.push(format!("{:?}", store::all_items(db, true, Some(0))));
    let customer = everything[0].customer;
    out.push(format!("{:?}", store::items_of(db, customer)));
    out.push(format!("{:?}", store::items_of(db, CustomerId(999_999))));
    out.push(format!("{:?} {:?}", store::item_by_id(db, everything[0].id), store::item_by_id(db, -1)));
    for item in everything.iter().take(10) {
        out.push(format!("{:?}", store::valuations_of(db, item.id)));
    }
    out.push(format!("{:?}", store::customer_outstanding(db, customer)));
    out.push(format!("{:?}", store::customer_outstanding(db, CustomerId(999_999))));
    out.push(format!("{:?}", store::collateral_cover(db)));
    // An item of the customer's, valued twice on one day (the later record is the latest).
    let item = store::insert_item(
        db,
        &store::NewItem {
            customer,
            loan: None,
            kind: CollateralKind::House,
            description: "浦东新区 世纪大道 100号 1201室",
            owner: Some("王芳"),
            insured_until: Some(day("2026-12-31")),
            created_by: "li.na",
            created_at: "2026-03-01T10:00:00+08:00",
        },
    )
    .expect("item");
    let v1 = store::insert_valuation(
        db,
        item,
        Money::from_cents(150_000_000),
        day("2026-03-01"),
        "评估所",
        None,
        "t",
    );
    let v2 = store::insert_valuation(
        db,
        item,
        Money::from_cents(140_000_000),
        day("2026-03-01"),
        "评估所",
        None,
        "t",
    );
    out.push(format!("{item} {v1:?} {v2:?} {:?}", store::valuations_of(db, item)));
    out.push(format!("{:?}", store::item_by_id(db, item)));
    store::set_item_status(db, item, CollateralStatus::Seized, day("2026-03-02")).expect("status");
    store::set_item_insurance(db, item, None).expect("insurance");
    out.push(format!("{:?}", store::item_by_id(db, item)));
    out.push(format!("{:?}", store::collateral_cover(db)));
    out
}

fn warn_facts(db: Db<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let active = store::active_loans(db).expect("active");
    assert!(active.len() > 50, "{}", active.len());
    out.push(format!("{active:?}"));
    let customer = active[0].customer;
    out.push(format!("{:?}", store::active_loans_of(db, customer)));
    out.push(format!("{:?}", store::active_loans_of(db, CustomerId(999_999))));
    out.push(format!("{:?}", store::active_loans_latest_risk(db)));
    // The caller knows every other active loan's customer; the rest are looked up.
    let known: std::collections::HashMap<LoanId, CustomerId> =
        active.iter().step_by(2).map(|l| (l.loan, l.customer)).collect();
    let due =
        store::promises_due_between(db, day("2025-12-01"), day("2026-03-31"), &|l| known.get(&l).copied());
    out.push(format!("{due:?}"));
    out.push(format!(
        "{:?}",
        store::promises_due_between(db, day("2030-01-01"), day("2030-02-01"), &|_| None)
    ));
    for n in [1, 2, 3] {
        let called = store::customers_called_since(db, "2026-01-01", n).expect("called");
        out.push(format!("{n}: {called:?}"));
        for c in called.iter().take(5) {
            out.push(format!("{:?}", store::last_calls(db, *c, n)));
        }
        // All of them at once (the server's statement a thousand customers), one unknown.
        let mut asked = called.clone();
        asked.push(CustomerId(999_999));
        let mut calls: Vec<_> = store::last_calls_of(db, &asked, n).expect("calls").into_iter().collect();
        calls.sort_by_key(|(c, _)| *c);
        assert!(calls.iter().any(|(_, c)| c.len() as i64 == n), "{calls:?}");
        out.push(format!("{calls:?}"));
    }
    // The payments of many loans at once, one unknown.
    let mut loans: Vec<LoanId> = active.iter().map(|l| l.loan).collect();
    loans.push(LoanId(999_999));
    let mut paid: Vec<_> = store::paid_of_loans(db, &loans).expect("paid").into_iter().collect();
    paid.sort_by_key(|(l, _)| *l);
    assert!(paid.iter().filter(|(_, p)| p.len() > 1).count() > 10, "{paid:?}");
    out.push(format!("{paid:?}"));
    out.push(format!("{:?}", store::last_loan(db)));
    out
}

fn at() -> store::StateAt {
    store::StateAt::shared(day("2026-03-01"), duedesk::domain::AssessRules::default())
}

fn class_events(db: Db<'_>) -> Vec<String> {
    use duedesk::domain::{ClassCause, RiskClass};
    let mut out = Vec::new();
    let at = at();
    let run = store::ClassMove { cause: ClassCause::Run, user: None, at: "2026-03-01T01:00:00+08:00" };
    let loans = store::snapshot_loan_ids(db).expect("loans");
    out.push(format!("{loans:?}"));
    // Before the baseline, nothing is recorded.
    out.push(format!("{:?}", store::class_run_on(db)));
    store::class_baseline_loans(db, &loans[..3], &at).expect("nothing");
    out.push(format!("{:?}", store::note_classes(db, &loans, &at, run)));
    store::set_class_run_on(db, day("2026-02-28")).expect("run on");
    out.push(format!("{:?}", store::class_run_on(db)));
    // The baseline in pages, one loan already recorded kept.
    store::class_baseline_loans(db, &loans[..1], &at).expect("first loan");
    let mut after = 0;
    while let Some(last) = store::class_baseline_page(db, &at, after, 40).expect("page") {
        out.push(format!("page to {last}"));
        after = last;
    }
    // A manual class moves a loan; lifted, it moves back.
    let loan = loans[2];
    store::set_manual_class(db, loan, RiskClass::Doubtful, day("2026-02-01"), None, "人工", None, None, "t")
        .expect("manual");
    let by =
        store::ClassMove {
            cause: ClassCause::Classify, user: Some("李娜"), at: "2026-03-01T10:00:00+08:00"
        };
    out.push(format!("{:?}", store::note_class(db, loan, &at, by)));
    out.push(format!("{:?}", store::note_class(db, loan, &at, by)));
    store::lift_manual_class(db, loan, day("2026-03-01"), "解除").expect("lift");
    out.push(format!("{:?}", store::note_classes(db, &loans, &at, by)));
    out.push(format!(
        "{:?} {:?}",
        store::class_events_of(db, loan),
        store::class_events_of(db, LoanId(999_999))
    ));
    let bands = at.rules.class_bands;
    out.push(format!("{:?}", store::class_candidates(db, day("2026-02-01"), day("2026-03-01"), bands)));
    out.push(format!("{:?}", store::class_candidates(db, day("2025-06-01"), day("2026-03-01"), bands)));
    out.push(format!("{:?}", store::class_candidates(db, day("2026-03-01"), day("2026-03-01"), bands)));
    // Before the rows were rolled: the DPD bands' ranges alone.
    let banded = store::class_candidates(db, day("2026-02-10"), day("2026-02-28"), bands).expect("bands");
    assert!(!banded.is_empty(), "loans crossed a band in February");
    out.push(format!("{banded:?}"));
    out
}

fn sorted(m: std::collections::HashMap<LoanId, store::RiskFacts>) -> Vec<(LoanId, store::RiskFacts)> {
    let mut v: Vec<_> = m.into_iter().collect();
    v.sort_by_key(|(l, _)| *l);
    v
}

#[test]
fn collateral_and_inspections_answer_alike() {
    let Some((d, server)) = book("risk_post_loan") else { return };
    let lines = alike(&d, &server, collateral);
    assert!(lines.iter().any(|l| l.contains("世纪大道")), "{lines:?}");
    let lines = alike(&d, &server, inspections::inspections);
    assert!(lines.iter().any(|l| l.contains("已关闭")), "{lines:?}");
}

#[test]
fn what_the_warning_run_reads_and_the_class_events_answer_alike() {
    let Some((d, server)) = book("risk_run") else { return };
    alike(&d, &server, warn_facts);
    let lines = alike(&d, &server, class_events);
    assert!(lines.iter().any(|l| l.contains("李娜")), "{lines:?}");
}

#[test]
fn the_inspection_schedule_and_risk_facts_answer_alike() {
    let Some((d, server)) = book("risk_schedule") else { return };
    alike(&d, &server, inspections::schedule);
}

/// Two desks writing at once on the server: the first's transaction stays open while the
/// second's runs, then ends; what each was told.
fn two_at_once(server: &common::pg::TestDb, write: fn(Db<'_>) -> bool) -> (bool, bool) {
    let mut first = server.client();
    let tx = RefCell::new(first.transaction().expect("transaction"));
    let a = write(Db::Server(&tx));
    let config = server.config.clone();
    let second = std::thread::spawn(move || {
        let mut client = config.connect(postgres::NoTls).expect("connect");
        let tx = RefCell::new(client.transaction().expect("transaction"));
        let b = write(Db::Server(&tx));
        tx.into_inner().commit().expect("commit");
        b
    });
    // Long enough for the second to reach what the first holds.
    std::thread::sleep(std::time::Duration::from_millis(500));
    tx.into_inner().commit().expect("commit");
    (a, second.join().expect("the second desk"))
}

#[test]
fn two_desks_at_once_on_the_server_record_a_class_move_once_and_a_stay_once() {
    use duedesk::domain::{ClassCause, RiskClass};
    let Some((_d, server)) = book("risk_race") else { return };
    let client = RefCell::new(server.client());
    let db = Db::Server(&client);
    store::set_class_run_on(db, day("2026-02-28")).expect("run on");
    let mut after = 0;
    while let Some(last) = store::class_baseline_page(db, &at(), after, 100).expect("baseline") {
        after = last;
    }
    store::set_manual_class(
        db,
        LoanId(3),
        RiskClass::Doubtful,
        day("2026-02-01"),
        None,
        "人工",
        None,
        None,
        "t",
    )
    .expect("manual class");
    store::drop_due(db, LoanId(5), Some(true)).expect("no special");
    let noted = two_at_once(&server, |db| {
        let how = store::ClassMove { cause: ClassCause::Classify, user: Some("李娜"), at: "t" };
        store::note_class(db, LoanId(3), &at(), how).expect("note")
    });
    assert_eq!(noted, (true, false), "the second saw the move recorded");
    let events = store::class_events_of(db, LoanId(3)).expect("events");
    assert_eq!(events.len(), 1, "{events:?}");
    let entered = two_at_once(&server, |db| {
        store::enter_watchlist(db, CustomerId(2), day("2026-03-01"), "li.na", "诉讼", "t").expect("no error")
    });
    assert_eq!(entered, (true, false));
    let asked = two_at_once(&server, |db| {
        store::put_special(db, LoanId(5), day("2026-03-09"), None, day("2026-03-01"), "预警")
            .expect("no error")
    });
    assert_eq!(asked, (true, false));
}

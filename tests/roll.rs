//! The snapshot between the dates it changes and the day's roll (issue #15), on random books: the
//! figures a list derives from its standing rows are the ones a full recomputation of each loan
//! gives (`show`, straight from the schedule and the payments), on every day the rows hold and
//! after each day's roll; a roll after skipped days leaves what daily rolls leave and what a
//! whole-book refresh computes.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate};
use duedesk::app::Desk;
use duedesk::app::views::{LoanQuery, LoanSummary};
use duedesk::domain::{LoanStatus, LoanTerms, Money, Product, Rate};
use duedesk::store::{self, LoanFilter, NewLoan, SortKey, StateAt};
use proptest::prelude::*;

mod common;

use common::book::Keep;

const A: &str = "2026-03-01";

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
}

fn clock(on: NaiveDate) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("{on}T09:00:00+08:00")).expect("clock")
}

/// One loan of a random book: terms, payments (days from disbursal, cents) and maybe a promise
/// (days before the first date, days it runs, cents).
#[derive(Debug, Clone)]
struct Spec {
    product: Product,
    principal: i64,
    rate_bp: i64,
    months: u32,
    /// Days before the first date it was disbursed.
    age: i64,
    payments: Vec<(i64, i64)>,
    promise: Option<(i64, i64, i64)>,
}

fn spec() -> impl Strategy<Value = Spec> {
    (
        0usize..4,
        10_000i64..20_000_000,
        0i64..2_400,
        1u32..24,
        1i64..500,
        prop::collection::vec((0i64..560, 1_000i64..2_000_000), 0..6),
        prop::option::of((0i64..10, 0i64..20, 1_000i64..500_000)),
    )
        .prop_map(|(p, principal, rate_bp, months, age, payments, promise)| Spec {
            product: [Product::Annuity, Product::EqualPrincipal, Product::InterestOnly, Product::Bullet][p],
            principal,
            rate_bp,
            months,
            age,
            payments,
            promise,
        })
}

/// A store holding these loans, their snapshot computed as of `A`, and the desk's own (`b.desk`).
struct Book {
    desk: common::book::Book,
}

fn book(specs: &[Spec]) -> Book {
    let a = day(A);
    let mut desk = common::book::Book::empty_at(Keep::File, "admin", a, clock(a));
    let mut store = desk.store();
    let at = clock(a).to_rfc3339();
    store
        .write(|tx| -> store::Result<()> {
            for (i, s) in specs.iter().enumerate() {
                let disbursed_on = a - Duration::days(s.age);
                let rate = Rate::parse(&format!("{}.{:02}", s.rate_bp / 100, s.rate_bp % 100)).expect("rate");
                let terms = LoanTerms {
                    product: s.product,
                    principal: Money::from_cents(s.principal),
                    rate,
                    term_months: s.months,
                    disbursed_on,
                };
                let loan = NewLoan {
                    loan_ref: format!("L{i:03}"),
                    customer_ref: None,
                    borrower: format!("借款人{i}"),
                    phone: None,
                    terms,
                    guarantor: None,
                    guarantor_phone: None,
                    collateral: None,
                    branch: None,
                    assignee: None,
                };
                let id = store::insert_loan(tx, &loan, &at)?;
                for &(after, cents) in &s.payments {
                    let on = disbursed_on + Duration::days(after);
                    store::insert_payment(tx, id, on, Money::from_cents(cents), None, &at)?;
                }
                if let Some((ago, runs, cents)) = s.promise {
                    let made = a - Duration::days(ago);
                    store::insert_promise(
                        tx,
                        id,
                        None,
                        Money::from_cents(cents),
                        made,
                        made + Duration::days(runs),
                        None,
                    )?;
                }
            }
            Ok(())
        })
        .expect("the book");
    drop(store);
    desk.refresh(&mut |_| {}).expect("the snapshot as of A");
    Book { desk }
}

/// The figures a list row and `show` both give, side by side.
fn figures(s: &LoanSummary) -> String {
    format!(
        "{} {} {} dpd {} {} {} ({}) out {} overdue {}+{}={} penalty {} payoff {} next {:?} {} soon {:?} promise {:?} {:?}",
        s.loan_id,
        s.status,
        s.stage,
        s.dpd,
        s.bucket,
        s.class,
        s.class_reason,
        s.outstanding_principal,
        s.overdue_principal,
        s.overdue_interest,
        s.overdue_amount,
        s.penalty_interest,
        s.payoff_amount,
        s.next_due_on,
        s.next_due_amount,
        s.due_soon_on,
        s.promise_due_on,
        s.promise_status,
    )
}

/// Every loan computed from its ledger as of the desk's date.
fn recomputed(desk: &Desk, refs: &[String]) -> Vec<String> {
    refs.iter().map(|r| figures(&desk.show(r).expect("show").summary)).collect()
}

fn listed(rows: &[LoanSummary]) -> Vec<String> {
    let mut rows: Vec<&LoanSummary> = rows.iter().collect();
    rows.sort_by(|a, b| a.loan_id.cmp(&b.loan_id));
    rows.into_iter().map(figures).collect()
}

fn refs(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("L{i:03}")).collect()
}

/// The shared snapshot's rows as stored, every column but the date a row was found on (a row a
/// roll finds unchanged keeps its own).
fn stored(book: &Book) -> Vec<String> {
    let Some(path) = book.desk.path() else { return stored_on_server(book) };
    let conn = rusqlite::Connection::open(path).expect("open");
    let mut stmt = conn.prepare("SELECT * FROM loan_state ORDER BY loan_id").expect("prepare");
    let names: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
    stmt.query_map([], |r| {
        let mut line = Vec::new();
        for (i, name) in names.iter().enumerate() {
            if name != "rolled_on" {
                line.push(format!("{name}={:?}", r.get::<_, rusqlite::types::Value>(i)?));
            }
        }
        Ok(line.join(" "))
    })
    .expect("query")
    .collect::<rusqlite::Result<_>>()
    .expect("rows")
}

/// `stored` on the server: each value as text (`common::pg::row_texts`), by the same names.
fn stored_on_server(book: &Book) -> Vec<String> {
    let server = book.desk.server().expect("a book on a file or a server");
    let rows = server.client().query("SELECT * FROM loan_state ORDER BY loan_id", &[]).expect("rows");
    rows.iter()
        .map(|r| {
            let values = common::pg::row_texts(r);
            let line: Vec<String> = r
                .columns()
                .iter()
                .zip(values)
                .filter(|(c, _)| c.name() != "rolled_on")
                .map(|(c, v)| format!("{}={v:?}", c.name()))
                .collect();
            line.join(" ")
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    /// Rolled on A only, the standing rows that hold on a later day give that day's figures; asked
    /// day by day (each question rolling the book to its day), every row does.
    #[test]
    fn the_figures_on_every_day_from_a_roll_on_are_a_full_recomputations(
        specs in prop::collection::vec(spec(), 1..7),
    ) {
        let mut b = book(&specs);
        let refs = refs(specs.len());
        let a = day(A);
        let beside = b.desk.store();
        for d in 0..=60 {
            let on = a + Duration::days(d);
            b.desk.as_of = on;
            let want = recomputed(&b.desk, &refs);
            // Without a roll: the rows that hold on the day.
            let stale: Vec<i64> = store::stale_loans(beside.db(), on).expect("stale");
            let at = StateAt::shared(on, b.desk.rules);
            let rows = store::list_loans(beside.db(), at, &LoanFilter::default(), SortKey::Dpd, None, 0).expect("rows");
            for r in rows.iter().filter(|r| !stale.contains(&r.loan_id.0)) {
                let summary = LoanSummary::from(r.clone());
                let full = &want[refs.iter().position(|x| *x == summary.loan_id).expect("a loan")];
                prop_assert_eq!(&figures(&summary), full, "standing row on {} (day {})", on, d);
            }
            // The due-soon list of the day from the same rows: a window that opened since the
            // roll is on it, one not open yet is not (the active loans' list on its own index).
            for status in [None, Some(LoanStatus::Active)] {
                let filter = LoanFilter { due_soon: true, status, ..LoanFilter::default() };
                let listed = store::list_loans(beside.db(), at, &filter, SortKey::DueSoon, None, 0).expect("soon");
                let count = store::count_loans(beside.db(), at, &filter).expect("count");
                prop_assert_eq!(count, listed.len() as u64);
                let mut soon: Vec<String> = listed
                    .iter()
                    .filter(|r| !stale.contains(&r.loan_id.0))
                    .map(|r| r.loan_ref.clone())
                    .collect();
                soon.sort();
                let mut due: Vec<String> = rows
                    .iter()
                    .filter(|r| !stale.contains(&r.loan_id.0) && status.is_none_or(|s| r.status == s))
                    .map(|r| b.desk.show(&r.loan_ref).expect("show").summary)
                    .filter(|s| s.due_soon_on.is_some())
                    .map(|s| s.loan_id)
                    .collect();
                due.sort();
                prop_assert_eq!(soon, due, "due soon on {} (day {}), {:?}", on, d, status);
            }
        }
        // Asked on each day by a desk user on that day: the book rolls, and every row is exact.
        for d in 0..=60 {
            let on = a + Duration::days(d);
            (b.desk.as_of, b.desk.now) = (on, clock(on));
            let want = recomputed(&b.desk, &refs);
            let rows = b.desk.list_loans(&LoanQuery::default(), &mut |_| {}).expect("list");
            prop_assert_eq!(listed(&rows), want, "rolled to {} (day {})", on, d);
        }
    }

    /// Rolling straight to a later day leaves the rows daily rolls leave, and the rows a whole-book
    /// refresh for that day computes.
    #[test]
    fn a_roll_after_skipped_days_equals_daily_rolls(
        specs in prop::collection::vec(spec(), 1..7),
        skipped in 1i64..45,
    ) {
        let a = day(A);
        let end = a + Duration::days(skipped);
        let mut daily = book(&specs);
        for d in 1..=skipped {
            let on = a + Duration::days(d);
            (daily.desk.as_of, daily.desk.now) = (on, clock(on));
            daily.desk.roll(&mut |_, _| {}).expect("a day's roll");
        }
        let mut once = book(&specs);
        (once.desk.as_of, once.desk.now) = (end, clock(end));
        once.desk.roll(&mut |_, _| {}).expect("the roll");
        prop_assert_eq!(stored(&daily), stored(&once));
        let mut whole = book(&specs);
        (whole.desk.as_of, whole.desk.now) = (end, clock(end));
        whole.desk.refresh(&mut |_| {}).expect("a whole-book refresh");
        prop_assert_eq!(stored(&whole), stored(&once));
    }
}

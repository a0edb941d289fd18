//! The demo book (`duedesk demo`): a realistic, clearly fictional loan book for trying the desk.
//!
//! Deterministic: the same seed, number of loans and as-of date give the same book, byte for byte
//! (a small splitmix64 generator; the clock is the desk's, never the wall clock). The book is
//! built relative to the desk's as-of date: for each loan a target position is drawn (current,
//! closed, or a days-past-due band), the disbursement date is chosen so that the oldest unpaid
//! installment falls due that many days before the as-of date, and payments cover the
//! installments before it. The real position is then assessed with the domain rules and the
//! loan is placed in the stage the default escalation bands give.
//!
//! Loans are generated and written one by one in a single transaction, so memory stays flat on
//! any size of book; the snapshot (`loan_state`) is refreshed at the end.
//!
//! The parts: the randomness (`rng`), the fiction (`people`, `places`), the `loans` and their
//! payments, the `contacts`, and the `write` that puts them in the store.

mod contacts;
mod history;
mod loans;
mod people;
mod places;
mod post_loan;
mod rng;
mod warnings;
mod write;

use self::rng::Rng;
use self::write::{Counts, Ctx, Generator, Team};
use super::{AppError, Desk, Result};
use crate::store::{self, StateTable};

/// What the demo generator wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoReport {
    pub loans: u64,
    pub customers: u64,
    pub payments: u64,
    pub contacts: u64,
    /// Post-loan work: collateral items, inspections, work log entries.
    pub collateral: u64,
    pub inspections: u64,
    pub work_logs: u64,
    /// Early-warning signals open: the run's and those raised by hand.
    pub warnings: u64,
    /// Month-ends recorded (DOMAIN §11), so the risk reports have a history.
    pub month_ends: u64,
    /// The demo desk users: the supervisor first, then the collectors.
    pub users: Vec<String>,
}

pub const DEFAULT_LOANS: u64 = 2_000;
/// Loan references have eight digits.
pub const MAX_LOANS: u64 = 10_000_000;

/// Mixed into the seed for the post-loan work's own stream of draws.
const POST_LOAN_STREAM: u64 = 0x1818_1818_1818_1818;

/// Fills an empty store with a demo book of `loans` loans, as of the desk's date.
///
/// `progress` gets the number of loans written so far (every 10,000), then the number of loans
/// assessed for the snapshot (every 10,000 again). Refuses a store that holds any loan.
pub fn generate(desk: &mut Desk, loans: u64, seed: u64, progress: &mut dyn FnMut(u64)) -> Result<DemoReport> {
    if loans == 0 || loans > MAX_LOANS {
        return Err(AppError::Input(format!("--loans must be between 1 and {MAX_LOANS}, not {loans}")));
    }
    // The login that creates a store is its admin; on a store with users, only an admin fills it.
    desk.actor.require(crate::domain::Role::Admin, "loading the demo book")?;
    // Its payments reach the as-of date, and no payment is dated after today.
    let today = desk.now.date_naive();
    if desk.as_of > today {
        return Err(AppError::Input(format!(
            "the demo book is made as of today ({today}) or an earlier day, not {}",
            desk.as_of
        )));
    }
    let label = desk.store.label().to_string();
    let inspections = desk.policy.inspections;
    let ctx = Ctx {
        as_of: desk.as_of,
        stamp: desk.stamp(),
        offset: desk.now.offset().to_string(),
        login: desk.actor.login.clone(),
        rules: desk.rules,
    };
    let what = format!("the demo book {} is making (since {})", desk.actor.login, desk.now.format("%H:%M"));
    let stamp = desk.stamp();
    let mut report = desk.store.write_load(&what, |tx| -> Result<DemoReport> {
        let held = store::loan_count(tx)?;
        if held > 0 {
            return Err(AppError::Input(format!(
                "the store at {label} already holds {held} loans; the demo needs an empty store — use another --db"
            )));
        }
        let team = Team::create(tx, &ctx.stamp, &ctx.login)?;
        let mut g = Generator { rng: Rng::new(seed), ctx, team, counts: Counts::default() };
        let mut done = 0u64;
        while done < loans {
            let mut customer = g.customer();
            let n = g.loans_per_customer().min(loans - done);
            for _ in 0..n {
                done += 1;
                g.loan(tx, &mut customer, done)?;
                if done.is_multiple_of(10_000) {
                    progress(done);
                }
            }
        }
        if !done.is_multiple_of(10_000) {
            progress(done);
        }
        for key in ["trust_env_user", "demo"] {
            let before = store::setting_get(tx, key)?;
            store::setting_set(tx, key, "true")?;
            let detail = serde_json::json!({ "before": before, "after": "true", "demo": true }).to_string();
            store::insert_audit(tx, &g.ctx.stamp, &g.ctx.login, "setting_set", "setting", Some(key), &detail)?;
        }
        store::index_search(tx, &mut |_| {})?;
        store::refresh_all(tx, StateTable::Shared, g.ctx.as_of, &g.ctx.rules, progress)?;
        let users = g.team.logins();
        // Post-loan work from a stream of its own, so the loans above are the same for a seed.
        let supervisor = store::user_by_login(tx, &users[0])?.map(|u| u.id);
        let post = post_loan::PostLoan {
            conn: tx,
            rng: Rng::new(seed ^ POST_LOAN_STREAM),
            as_of: g.ctx.as_of,
            stamp: &g.ctx.stamp,
            supervisor,
            rules: &inspections,
            book: store::StateAt::shared(g.ctx.as_of, g.ctx.rules),
            counts: Default::default(),
        }
        .write()?;
        crate::app::inspect::schedule_book(tx, &inspections, &store::StateAt::shared(g.ctx.as_of, g.ctx.rules))?;
        let month_ends = history::HISTORY as u64;
        history::targets(tx, g.ctx.as_of)?;
        let detail = serde_json::json!({
            "loans": done,
            "seed": seed,
            "as_of": g.ctx.as_of.to_string(),
            "customers": g.counts.customers,
            "payments": g.counts.payments,
            "contacts": g.counts.contacts,
            "collateral": post.collateral,
            "inspections": post.inspections,
            "work_logs": post.work_logs,
            "month_ends": month_ends,
            "users": users,
        });
        store::insert_audit(tx, &g.ctx.stamp, &g.ctx.login, "demo", "store", None, &detail.to_string())?;
        Ok(DemoReport {
            loans: done,
            customers: g.counts.customers,
            payments: g.counts.payments,
            contacts: g.counts.contacts,
            collateral: post.collateral,
            inspections: post.inspections,
            work_logs: post.work_logs,
            warnings: 0,
            month_ends,
            users,
        })
    })?;
    // Early warning as a run would leave it on the demo's date, and a few signals by hand.
    let policy = desk.policy.clone();
    let run = desk.warnings_pass(&policy, &mut |_| {})?;
    let (as_of, owners) = (desk.as_of, report.users.get(1..).unwrap_or_default().to_vec());
    let book = store::StateAt::shared(as_of, desk.rules);
    let by_hand =
        desk.store.write(|tx| warnings::manual(tx, seed, as_of, &stamp, &owners, (&inspections, &book)))?;
    report.warnings = run.opened + by_hand;
    // The month-ends last, so that they hold the signals and watchlist stays dated before them.
    let (rules, login) = (desk.rules, desk.actor.login.clone());
    desk.store.write(|tx| history::capture(tx, as_of, &rules, &login, &stamp))?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use chrono::DateTime;

    use super::*;
    use crate::domain::policy::Policy;
    use crate::domain::{
        Bucket, LoanStatus, Party, Payment, Product, PromiseStatus, RiskClass, Role, Stage, StageBands,
        is_secured, parse_date, promise_status,
    };
    use crate::store::{
        AuditFilter, ContactRecord, Loan, LoanFilter, PaymentRecord, PromiseRecord, SortKey, StageEvent,
        StateRow, Store,
    };

    fn desk() -> Desk {
        let store = Store::open_in_memory().expect("test");
        let as_of = parse_date("2026-03-01").expect("test");
        let now = DateTime::parse_from_rfc3339("2026-03-01T10:00:00+08:00").expect("test");
        Desk::open(store, "admin", as_of, now).expect("test")
    }

    fn built(loans: u64, seed: u64) -> (Desk, DemoReport) {
        let mut d = desk();
        let mut ticks = Vec::new();
        let report = generate(&mut d, loans, seed, &mut |n| ticks.push(n)).expect("test");
        assert!(!ticks.is_empty());
        (d, report)
    }

    /// One loan of the book as the store gives it back.
    struct BookLoan {
        loan: Loan,
        state: StateRow,
        payments: Vec<PaymentRecord>,
        contacts: Vec<ContactRecord>,
        promises: Vec<PromiseRecord>,
        events: Vec<StageEvent>,
    }

    /// Every loan of the book with its snapshot row, in loan id order.
    fn book(d: &Desk) -> Vec<BookLoan> {
        let conn = d.store.conn();
        let states = store::list_loans(
            conn,
            store::StateAt::shared(d.as_of, d.rules),
            &LoanFilter::default(),
            SortKey::Dpd,
            None,
            0,
        );
        let mut book: Vec<BookLoan> = states
            .expect("test")
            .into_iter()
            .map(|state| {
                let id = state.loan_id;
                BookLoan {
                    loan: store::loan_by_id(conn, id).expect("test").expect("test"),
                    payments: store::payments_of(conn, id).expect("test"),
                    contacts: store::contacts_of(conn, id, u32::MAX).expect("test"),
                    promises: store::promises_of(conn, id).expect("test"),
                    events: store::stage_events_of(conn, id).expect("test"),
                    state,
                }
            })
            .collect();
        book.sort_by(|a, b| a.loan.loan_ref.cmp(&b.loan.loan_ref));
        book
    }

    fn count(book: &[BookLoan], f: impl Fn(&BookLoan) -> bool) -> usize {
        book.iter().filter(|l| f(l)).count()
    }

    fn contacts(book: &[BookLoan]) -> impl Iterator<Item = (&BookLoan, &ContactRecord)> {
        book.iter().flat_map(|l| l.contacts.iter().map(move |c| (l, c)))
    }

    fn payments(book: &[BookLoan]) -> impl Iterator<Item = &PaymentRecord> {
        book.iter().flat_map(|l| &l.payments)
    }

    fn set<T: Ord>(items: impl Iterator<Item = T>) -> BTreeSet<T> {
        items.collect()
    }

    /// A mainland mobile as the demo writes it: `1[3-9]` and nine digits, perhaps after `+86`.
    fn is_mobile(phone: &str) -> bool {
        let digits = phone.strip_prefix("+86").unwrap_or(phone).as_bytes();
        digits.len() == 11
            && digits[0] == b'1'
            && (b'3'..=b'9').contains(&digits[1])
            && digits.iter().all(u8::is_ascii_digit)
    }

    #[test]
    fn a_book_with_every_position() {
        let (d, report) = built(2_000, 7);
        let conn = d.store.conn();
        let book = book(&d);
        assert_eq!(report.loans, 2_000);
        assert_eq!(store::loan_count(conn).expect("test"), 2_000);
        assert_eq!(book.len(), 2_000);
        assert_eq!(report.customers as i64, store::customer_count(conn).expect("test"));
        assert_eq!(report.payments as i64, store::payment_count(conn).expect("test"));
        assert_eq!(report.contacts as i64, store::contact_count(conn).expect("test"));
        assert_eq!(report.payments as usize, payments(&book).count());
        assert_eq!(report.contacts as usize, contacts(&book).count());

        let stages = set(book.iter().map(|l| l.state.stage.as_str()));
        for s in Stage::ALL {
            assert!(stages.contains(s.as_str()), "stage {s} missing from {stages:?}");
        }
        let buckets = set(book.iter().map(|l| l.state.bucket.as_str()));
        for b in Bucket::ALL {
            assert!(buckets.contains(b.as_str()), "bucket {b} missing from {buckets:?}");
        }
        let classes = set(book.iter().map(|l| l.state.class.as_str()));
        for c in RiskClass::ALL {
            assert!(classes.contains(c.as_str()), "class {c} missing from {classes:?}");
        }
        let products = set(book.iter().map(|l| l.loan.terms.product.as_str()));
        for p in Product::ALL {
            assert!(products.contains(p.as_str()), "product {p} missing");
        }
        assert!(count(&book, |l| l.state.due_soon_on.is_some()) > 0);

        // Customers: every one has loans, some more than one, all of one borrower.
        let mut customers: BTreeMap<_, Vec<&BookLoan>> = BTreeMap::new();
        for l in &book {
            customers.entry(l.loan.customer_id).or_default().push(l);
        }
        assert_eq!(customers.len() as u64, report.customers);
        assert!(customers.values().any(|loans| loans.len() > 1));
        for loans in customers.values() {
            assert_eq!(set(loans.iter().map(|l| &l.loan.borrower)).len(), 1, "one borrower per customer");
        }

        let users = store::list_users(conn).expect("test");
        let collectors = users.iter().filter(|u| u.role == Role::Collector).count();
        assert!((6..=10).contains(&collectors), "{collectors} collectors");
        assert_eq!(users.iter().filter(|u| u.role == Role::Supervisor).count(), 1);
        assert!(users.iter().any(|u| u.login == "admin" && u.role == Role::Admin));
        assert_eq!(report.users.len(), 9);
        for &customer in customers.keys() {
            assert!(
                store::customer_owner(conn, customer).expect("test").is_some(),
                "an owner for every customer"
            );
            assert!(!store::assignments_of(conn, customer).expect("test").is_empty(), "and its assignment");
        }
        assert!(count(&book, |l| l.loan.agency.is_some()) > 0);
        assert!(count(&book, |l| l.loan.next_action_on.is_some()) > 0);
        assert!(count(&book, |l| l.loan.guarantor.is_some()) > 0);
        let collateral =
            |l: &BookLoan, kind: &str| l.loan.collateral.as_deref().is_some_and(|c| c.starts_with(kind));
        assert!(count(&book, |l| collateral(l, "房产 ")) > 0);
        assert!(count(&book, |l| collateral(l, "车辆 ")) > 0);
        assert!(count(&book, |l| l.loan.phone.as_deref().is_some_and(|p| p.starts_with("+86"))) > 0);
        assert_eq!(count(&book, |l| l.loan.phone.as_deref().is_some_and(|p| !is_mobile(p))), 0);
        assert!(contacts(&book).any(|(_, c)| c.note.contains("还款")));
        assert!(contacts(&book).any(|(_, c)| c.party == Party::Guarantor));
        let reference = |r: &str| payments(&book).any(|p| p.reference.as_deref() == Some(r));
        assert!(reference("opening balance"));
        assert!(reference("early payoff"));
        // Contacts between 09:00 and 20:00, before the desk's clock; no payment after its date.
        let outside = |c: &ContactRecord| {
            let time = &c.at[11..16];
            !("09:00".."20:00").contains(&time) || c.at.as_str() >= "2026-03-01T10:00:00+08:00"
        };
        assert_eq!(contacts(&book).filter(|(_, c)| outside(c)).count(), 0);
        assert_eq!(payments(&book).filter(|p| p.paid_on > d.as_of).count(), 0);
        for key in ["trust_env_user", "demo"] {
            assert_eq!(store::setting_get(conn, key).expect("test").as_deref(), Some("true"), "{key}");
        }
        let audit = store::list_audit(conn, &AuditFilter { limit: u64::MAX, ..AuditFilter::default() });
        assert_eq!(audit.expect("test").iter().filter(|a| a.action == "demo").count(), 1);

        // Promises: kept, broken and active ones, judged against the loan's payments.
        let grace = Policy::default().promise_grace_days;
        let mut statuses = BTreeMap::new();
        for l in &book {
            let paid: Vec<Payment> =
                l.payments.iter().map(|p| Payment { paid_on: p.paid_on, amount: p.amount }).collect();
            for p in &l.promises {
                let st = promise_status(p.made_on, p.due_on, p.amount, &paid, d.as_of, grace);
                *statuses.entry(st.as_str()).or_insert(0) += 1;
            }
        }
        for st in [PromiseStatus::Kept, PromiseStatus::Broken, PromiseStatus::Active] {
            assert!(statuses.contains_key(st.as_str()), "no {st} promise: {statuses:?}");
        }
    }

    #[test]
    fn the_demo_book_has_post_loan_work_of_every_kind() {
        use crate::app::inspect::{InspectionList, InspectionQuery};
        use crate::app::worklog::WorkLogQuery;
        let (d, report) = built(2_000, 7);
        assert!(
            report.collateral > 100 && report.inspections > 1_000 && report.work_logs > 100,
            "{report:?}"
        );
        // Collateral valued, some due for revaluation, some uninsured.
        let register = d.collateral_register(false, false, None).expect("register");
        assert_eq!(register.len() as u64, report.collateral);
        assert!(register.iter().all(|i| !i.valuations.is_empty()));
        assert!(register.iter().any(|i| i.stale) && register.iter().any(|i| !i.stale));
        assert!(register.iter().any(|i| i.uninsured));
        // Inspections done (reviewed and waiting) and overdue.
        let q = |list| InspectionQuery { list, ..InspectionQuery::default() };
        let done = d.inspections(&q(InspectionList::Done), true).expect("done");
        assert_eq!(done.total, Some(report.inspections));
        let reviewed =
            done.rows.iter().filter(|r| r.recorded.as_ref().is_some_and(|x| x.reviewed_by.is_some()));
        assert!(reviewed.count() as u64 > report.inspections / 2);
        let overdue = d.inspections(&q(InspectionList::Overdue), true).expect("overdue").total.unwrap_or(0);
        let due = d.inspections(&q(InspectionList::Due), true).expect("due").total.unwrap_or(0);
        assert!(overdue > 0 && overdue < due / 2, "{overdue} of {due}");
        assert!(!d.awaiting_review(None).expect("review").is_empty());
        // Work log entries signed and waiting.
        let logs = d.work_logs(&WorkLogQuery::default()).expect("logs");
        assert!(logs.iter().any(|w| w.signed_by.is_some()) && logs.iter().any(|w| w.signed_by.is_none()));
        // The year's calendar: the Spring Festival and its make-up Saturday.
        let days = d.holidays(Some(2026)).expect("holidays");
        assert!(days.iter().any(|h| h.date.to_string() == "2026-02-14"), "{days:?}");
    }

    #[test]
    fn stages_follow_the_default_bands() {
        let (d, _) = built(2_000, 7);
        let book = book(&d);
        let active: Vec<&BookLoan> = book.iter().filter(|l| l.state.status == LoanStatus::Active).collect();
        assert!(active.len() > 1_000);
        for l in active {
            let secured = is_secured(l.loan.guarantor.as_deref(), l.loan.collateral.as_deref());
            let want = StageBands::default().stage_for(l.state.dpd, secured);
            assert_eq!(l.state.stage, want, "dpd {}", l.state.dpd);
        }
        // Written-off loans are deep in M7+, with an event by the supervisor.
        let written_off = |l: &BookLoan| l.loan.stage == Stage::WrittenOff;
        assert_eq!(count(&book, |l| l.state.status == LoanStatus::WrittenOff && l.state.dpd <= 270), 0);
        let by_supervisor = |l: &BookLoan| {
            l.events.iter().filter(|e| e.to == Stage::WrittenOff && e.actor == "zhao.min").count()
        };
        assert_eq!(count(&book, written_off), book.iter().map(by_supervisor).sum::<usize>());
        assert_eq!(count(&book, |l| written_off(l) && l.loan.written_off_on.is_none()), 0);
        // Closed loans keep their workflow stage; the snapshot derives closed.
        assert_eq!(
            count(&book, |l| l.state.status == LoanStatus::Closed && l.loan.stage != Stage::Current),
            0
        );
    }

    #[test]
    fn only_loans_with_a_guarantor_have_guarantor_contacts() {
        let (d, _) = built(2_000, 7);
        let book = book(&d);
        let has_guarantor = |l: &BookLoan| l.loan.guarantor.as_deref().is_some_and(|g| !g.trim().is_empty());
        let guarantor_contacts = |with: bool| {
            contacts(&book).filter(|(l, c)| c.party == Party::Guarantor && has_guarantor(l) == with).count()
        };
        assert_eq!(guarantor_contacts(false), 0);
        assert!(guarantor_contacts(true) > 0);
    }

    #[test]
    fn mix_is_roughly_as_intended() {
        let (d, _) = built(2_000, 7);
        let book = book(&d);
        let share = |f: &dyn Fn(&BookLoan) -> bool| count(&book, f) * 100 / 2_000;
        let current = share(&|l| l.state.status == LoanStatus::Active && l.state.dpd == 0);
        let closed = share(&|l| l.state.status == LoanStatus::Closed);
        assert!((48..=62).contains(&current), "current {current} %");
        assert!((6..=14).contains(&closed), "closed {closed} %");
        let annuity = share(&|l| l.loan.terms.product == Product::Annuity);
        assert!(annuity > 40, "annuity {annuity} %");
    }

    /// Loan id, borrower, DPD, stage and outstanding principal of every loan; each contact as
    /// loan id, time, outcome and note.
    fn rows(d: &Desk) -> (Vec<String>, BTreeSet<String>) {
        let book = book(d);
        let loans = book
            .iter()
            .map(|l| {
                let s = &l.state;
                format!(
                    "{} {} {} {} {}",
                    l.loan.loan_ref, l.loan.borrower, s.dpd, s.stage, s.outstanding_principal
                )
            })
            .collect();
        let contacts =
            contacts(&book).map(|(l, c)| format!("{}|{}|{}|{}", l.loan.loan_ref, c.at, c.outcome, c.note));
        (loans, contacts.collect())
    }

    #[test]
    fn deterministic_for_a_seed() {
        let (a, ra) = built(300, 42);
        let (b, rb) = built(300, 42);
        let (c, _) = built(300, 43);
        assert_eq!(ra, rb);
        assert_eq!(rows(&a), rows(&b));
        assert_ne!(rows(&a).0, rows(&c).0);
    }

    /// The demo book is one an import could have made and the desk could have recorded: the
    /// book's ids, text, dates and amounts, payments between disbursement and the day, no credit
    /// over a tenth of the principal, promises within the policy's days.
    #[test]
    fn the_demo_book_keeps_the_books_rules_on_what_goes_in() {
        use crate::domain::input::{Lines, check_id, check_text};
        let (d, _) = built(2_000, 7);
        let policy = Policy::default();
        let as_of = d.as_of;
        for l in book(&d) {
            let loan = &l.loan;
            let id = &loan.loan_ref;
            assert_eq!(check_id(id), Ok(id.as_str()));
            assert!(check_id(&loan.customer_ref).is_ok(), "{}", loan.customer_ref);
            for text in
                [Some(&loan.borrower), loan.guarantor.as_ref(), loan.branch.as_ref()].into_iter().flatten()
            {
                assert!(check_text(text, Lines::One).is_ok(), "{id}: {text:?}");
            }
            if let Some(c) = &loan.collateral {
                assert!(check_text(c, Lines::Many).is_ok(), "{id}: {c:?}");
            }
            assert!(loan.terms.principal.check_amount().is_ok(), "{id}");
            assert!(loan.terms.disbursed_on <= as_of, "{id} disbursed after the day");
            for p in &l.payments {
                assert!(
                    (loan.terms.disbursed_on..=as_of).contains(&p.paid_on),
                    "{id}: payment on {}",
                    p.paid_on
                );
                assert!(p.amount.check_amount().is_ok(), "{id}: {}", p.amount);
            }
            let (schedule, counted) = store::schedule_inputs(d.store.conn(), loan).expect("test");
            let credit =
                crate::domain::assess(&schedule, &counted, loan.terms.rate, as_of, &d.rules).credit_balance;
            assert!(credit.cents() * 10 <= loan.terms.principal.cents(), "{id}: credit {credit}");
            for p in &l.promises {
                assert!((p.due_on - p.made_on).num_days() <= policy.promise_max_days, "{id}: promise {p:?}");
                assert!(p.amount.check_amount().is_ok(), "{id}: {p:?}");
            }
            for c in &l.contacts {
                assert!(check_text(&c.note, Lines::Many).is_ok(), "{id}: {:?}", c.note);
            }
        }
    }

    #[test]
    fn refuses_a_store_with_loans() {
        let (mut d, _) = built(10, 1);
        let err = generate(&mut d, 10, 1, &mut |_| {}).expect_err("refused");
        assert!(matches!(err, AppError::Input(_)), "{err:?}");
        assert_eq!(err.exit_code(), 2);
        assert!(err.to_string().contains("already holds 10 loans"), "{err}");
        assert_eq!(store::loan_count(d.store.conn()).expect("test"), 10);
        assert!(matches!(generate(&mut desk(), 0, 1, &mut |_| {}), Err(AppError::Input(_))));
        let mut ahead = desk();
        ahead.as_of = parse_date("2026-03-02").expect("test");
        let err = generate(&mut ahead, 10, 1, &mut |_| {}).expect_err("a day ahead of the clock");
        assert!(err.to_string().contains("as of today (2026-03-01)"), "{err}");
    }

    #[test]
    fn keeps_an_existing_demo_login() {
        let store = Store::open_in_memory().expect("test");
        let as_of = parse_date("2026-03-01").expect("test");
        let now = DateTime::parse_from_rfc3339("2026-03-01T10:00:00+08:00").expect("test");
        let mut d = Desk::open(store, "wang.fang", as_of, now).expect("test");
        let report = generate(&mut d, 50, 3, &mut |_| {}).expect("test");
        assert_eq!(report.loans, 50);
        let user = store::user_by_login(d.store.conn(), "wang.fang").expect("test").expect("test");
        assert_eq!(user.role, Role::Admin);
    }
}

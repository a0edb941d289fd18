use super::*;
use crate::domain::Product;
use crate::store::LoanId;

fn row(stage: Stage, dpd: i64, promise: Option<PromiseStatus>) -> EscalationRow {
    EscalationRow {
        loan: LoanId(1),
        stage,
        status: LoanStatus::Active,
        dpd,
        product: Product::Annuity,
        secured: false,
        written_off: false,
        promise,
        held_until: None,
        promise_amount: Some(crate::domain::Money::from_cents(500_000)),
        overdue: crate::domain::Money::from_cents(1_000_000),
        planned: false,
        loan_ref: None,
    }
}

/// The demo book of 400 loans as made on 2026-03-01 (the run's tests start from it).
pub(super) fn demo_book() -> Desk {
    let store = crate::store::Store::open_in_memory().expect("store");
    let as_of = crate::domain::parse_date("2026-03-01").expect("date");
    let now = chrono::DateTime::parse_from_rfc3339("2026-03-01T10:00:00+08:00").expect("now");
    let mut d = Desk::open(store, "admin", as_of, now).expect("desk");
    crate::app::demo::generate(&mut d, 400, 7, &mut |_| {}).expect("demo");
    d
}

/// The desk's date and clock moved to `day`, ten in the morning.
pub(super) fn on_day(d: &mut Desk, day: &str) {
    d.as_of = crate::domain::parse_date(day).expect("date");
    d.now = chrono::DateTime::parse_from_rfc3339(&format!("{day}T10:00:00+08:00")).expect("now");
}

fn demo_desk() -> Desk {
    let mut d = demo_book();
    // The run is made on its day: the clock has reached it.
    on_day(&mut d, "2026-04-20");
    d
}

/// Every loan's stage and how many stage events it has, in loan order.
fn book(d: &Desk) -> Vec<(String, Stage, usize)> {
    let conn = d.store.conn();
    (1..)
        .map_while(|id| crate::store::loan_by_id(conn, LoanId(id)).expect("loan"))
        .map(|l| (l.loan_ref, l.stage, crate::store::stage_events_of(conn, l.id).expect("events").len()))
        .collect()
}

#[test]
fn a_run_stopped_between_batches_is_finished_by_the_next() {
    let mut whole = demo_desk();
    let once = whole.escalate_in_batches(&Policy::default(), false, 50, &mut |_, _| {}).expect("run");
    assert!(once.changed > 100, "{once:?}");

    let mut cut = demo_desk();
    let stopped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        cut.escalate_in_batches(&Policy::default(), false, 50, &mut |phase, n| {
            assert!(!(phase == RunPhase::Apply.as_str() && n >= 150), "killed");
        })
    }));
    assert!(stopped.is_err());
    let part = book(&cut);
    assert_ne!(part, book(&whole), "some batches were left to do");
    let rest = cut.escalate_in_batches(&Policy::default(), false, 50, &mut |_, _| {}).expect("rerun");
    assert!(rest.changed > 0 && rest.changed < once.changed, "{rest:?}");
    assert_eq!(book(&cut), book(&whole), "the same stages and one event per change");
    let again = cut.escalate(&Policy::default(), false, &mut |_, _| {}).expect("again");
    assert_eq!(again.changed, 0);
}

#[test]
fn a_promise_holds_while_the_snapshot_computed_with_the_runs_policy_calls_it_active() {
    let alive = |r: &EscalationRow| position(&Policy::default(), r).promise_alive;
    assert!(alive(&row(Stage::Reminder, 40, Some(PromiseStatus::Active))));
    assert!(!alive(&row(Stage::Reminder, 40, Some(PromiseStatus::Broken))));
    assert!(!alive(&row(Stage::Reminder, 40, Some(PromiseStatus::Kept))));
    assert!(!alive(&row(Stage::Reminder, 40, None)));
    // Worth less than a fifth of the overdue amount, it holds nothing.
    let token = EscalationRow {
        promise_amount: Some(crate::domain::Money::from_cents(1)),
        ..row(Stage::Reminder, 40, Some(PromiseStatus::Active))
    };
    assert!(!alive(&token));
    let strict = Policy { promise_min_hold_share: 60, ..Policy::default() };
    assert!(!position(&strict, &row(Stage::Reminder, 40, Some(PromiseStatus::Active))).promise_alive);
}

#[test]
fn a_dry_run_with_a_longer_grace_holds_what_the_policy_in_force_moves() {
    let mut d = demo_desk();
    let held = |d: &mut Desk, p: &Policy| d.escalate(p, true, &mut |_, _| {}).expect("dry run").held;
    let in_force = held(&mut d, &Policy::default());
    let longer = held(&mut d, &Policy { promise_grace_days: 60, ..Policy::default() });
    assert!(longer > in_force, "{longer} > {in_force}");
}

//! A loan's figures between the dates they change. Assessed on a date A, a loan's arrears, next due
//! and due-soon window, payoff before penalty and promise status hold until a payment is dated, an
//! installment falls due unpaid, a maturity notice gives way to the next installment's window or a
//! promise's grace ends (`stale_on`); DPD, bucket, class floor, penalty, payoff and whether the
//! due-soon window is open move with the date alone and are derived here exactly for any date in
//! that span (DOMAIN §4–§5: DPD counts from the oldest overdue due date, and the penalty is linear
//! in the date while the arrears stand; a window is open from its opening date on).

use chrono::{Duration, NaiveDate};

use super::contact::PromiseStatus;
use super::delinquency::{
    AssessRules, Assessment, DueSoon, DueWindow, Payment, due_window, penalty_interest,
};
use super::money::Money;
use super::terms::Rate;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// The date the loan was assessed; the figures hold from it.
    pub assessed_on: NaiveDate,
    pub closed: bool,
    /// The due date of the oldest overdue installment: DPD on D is D − this.
    pub overdue_since: Option<NaiveDate>,
    pub outstanding_principal: Money,
    pub overdue_principal: Money,
    pub overdue_interest: Money,
    /// The sum over the overdue installments of unpaid principal × days from `overdue_since` to the
    /// installment's due date, so the penalty's principal-days on D are DPD × overdue principal −
    /// this (an exact integer: DOMAIN §4 rounds the penalty once, over the whole sum).
    pub penalty_lag: i64,
    /// What every installment still owes, future interest included: the payoff before penalty.
    pub unpaid_total: Money,
    pub next_due_on: Option<NaiveDate>,
    pub next_due_amount: Money,
    /// The due-soon window open on the date assessed or the next to open (`due_soon` on a date).
    pub window: Option<DueWindow>,
    /// The first date on which these figures no longer hold (`None`: not until something new is
    /// recorded on the loan).
    pub stale_on: Option<NaiveDate>,
}

impl Standing {
    /// What holds from `a.as_of` on. `payments` are all the loan's payments (those dated after the
    /// assessment end the span on their date); `promise` is the latest promise's status as of
    /// `a.as_of` and its date, whose grace ends an active one's span.
    pub fn of(
        a: &Assessment,
        payments: &[Payment],
        promise: Option<(PromiseStatus, NaiveDate)>,
        rules: &AssessRules,
    ) -> Standing {
        let on = a.as_of;
        let overdue_since = a.oldest_overdue_on;
        let lag: i128 = a
            .installments
            .iter()
            .filter(|s| s.status == super::delinquency::InstallmentStatus::Overdue)
            .map(|s| {
                let days = overdue_since.map_or(0, |since| (s.installment.due_on - since).num_days());
                i128::from(s.unpaid_principal().cents()) * i128::from(days)
            })
            .sum();
        let unpaid_total: Money = a.installments.iter().map(|s| s.unpaid()).sum();

        // The dates something changes: the next installment falls due unpaid the day after its due
        // date; a maturity notice gives way to the next installment's window; a payment dated
        // later counts from its date; an active promise breaks the day after its grace. A window
        // opening changes nothing stored: whether it is open is derived for the date.
        let mut ends: Vec<NaiveDate> = Vec::new();
        if let Some(next) = a.installments.iter().find(|s| !s.covered() && s.installment.due_on >= on) {
            ends.push(next.installment.due_on + Duration::days(1));
        }
        let window = due_window(&a.installments, on, rules);
        ends.extend(window.and_then(|w| w.gives_way_on));
        ends.extend(payments.iter().map(|p| p.paid_on));
        if let Some((PromiseStatus::Active, due)) = promise {
            ends.push(due + Duration::days(rules.promise_grace_days + 1));
        }
        let stale_on = ends.into_iter().filter(|d| *d > on).min();

        Standing {
            assessed_on: on,
            closed: a.closed,
            overdue_since,
            outstanding_principal: a.outstanding_principal,
            overdue_principal: a.overdue_principal,
            overdue_interest: a.overdue_interest,
            penalty_lag: i64::try_from(lag).unwrap_or(i64::MAX),
            unpaid_total,
            next_due_on: a.next_due_on,
            next_due_amount: a.next_due_amount,
            window,
            stale_on,
        }
    }

    /// Whether the figures hold on `on`.
    pub fn holds_on(&self, on: NaiveDate) -> bool {
        on >= self.assessed_on && self.stale_on.is_none_or(|end| on < end)
    }

    /// The due-soon window open on `on`, if any.
    pub fn due_soon(&self, on: NaiveDate) -> Option<DueSoon> {
        self.window.and_then(|w| w.on(on))
    }

    /// Days past due on `on`.
    pub fn dpd(&self, on: NaiveDate) -> i64 {
        dpd_on(self.overdue_since, on)
    }

    /// Penalty interest on `on` at the contract rate `rate`.
    pub fn penalty(&self, on: NaiveDate, rate: Rate, uplift_pct: i64) -> Money {
        penalty_on(self.overdue_since, self.overdue_principal, self.penalty_lag, on, rate, uplift_pct)
    }

    /// What closes the loan on `on`: every unpaid installment plus the penalty.
    pub fn payoff(&self, on: NaiveDate, rate: Rate, uplift_pct: i64) -> Money {
        self.unpaid_total + self.penalty(on, rate, uplift_pct)
    }
}

/// DPD on `on` of a loan overdue since `since` (DOMAIN §4), 0 when nothing is overdue.
pub fn dpd_on(since: Option<NaiveDate>, on: NaiveDate) -> i64 {
    since.map_or(0, |s| (on - s).num_days().max(0))
}

/// The penalty on `on` from a loan's standing arrears: `overdue_principal` unpaid since `since`,
/// with `lag` principal-days not yet run (see `Standing::penalty_lag`).
pub fn penalty_on(
    since: Option<NaiveDate>,
    overdue_principal: Money,
    lag: i64,
    on: NaiveDate,
    rate: Rate,
    uplift_pct: i64,
) -> Money {
    let principal_days =
        i128::from(dpd_on(since, on)) * i128::from(overdue_principal.cents()) - i128::from(lag);
    penalty_interest(principal_days.max(0), rate, uplift_pct)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schedule::build_schedule;
    use crate::domain::terms::{LoanTerms, Product, parse_date};
    use crate::domain::{DueSoonKind, assess, promise_status};
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).expect("date")
    }

    fn terms(product: Product, principal: i64, rate: &str, months: u32, from: &str) -> LoanTerms {
        LoanTerms {
            product,
            principal: Money::from_cents(principal),
            rate: Rate::parse(rate).expect("rate"),
            term_months: months,
            disbursed_on: d(from),
        }
    }

    #[test]
    fn an_overdue_loans_figures_move_with_the_date_until_the_next_installment_falls_due() {
        // 3 × 1,000.00 at 12 %, due 02-15, 03-15, 04-15; nothing paid.
        let t = terms(Product::EqualPrincipal, 300_000, "12", 3, "2025-01-15");
        let s = build_schedule(&t);
        let rules = AssessRules::default();
        let a = assess(&s, &[], t.rate, d("2025-03-01"), &rules);
        let st = Standing::of(&a, &[], None, &rules);
        assert_eq!(st.overdue_since, Some(d("2025-02-15")));
        // The window of the 03-15 installment opens on 03-12 with nothing stored changing; it
        // falls due unpaid on 03-16.
        assert_eq!(st.stale_on, Some(d("2025-03-16")));
        assert_eq!(
            (st.due_soon(d("2025-03-11")), st.due_soon(d("2025-03-12")).map(|w| w.due_on)),
            (None, Some(d("2025-03-15")))
        );
        for day in ["2025-03-01", "2025-03-05", "2025-03-11", "2025-03-15"] {
            let full = assess(&s, &[], t.rate, d(day), &rules);
            assert_eq!(st.dpd(d(day)), full.dpd, "{day}");
            assert_eq!(st.penalty(d(day), t.rate, rules.penalty_uplift_pct), full.penalty_interest, "{day}");
            assert_eq!(st.payoff(d(day), t.rate, rules.penalty_uplift_pct), full.payoff_amount, "{day}");
            assert!(st.holds_on(d(day)));
        }
        assert!(!st.holds_on(d("2025-03-16")));
        assert!(!st.holds_on(d("2025-02-28")), "not before it was assessed");
    }

    #[test]
    fn a_later_payment_and_an_active_promises_grace_end_the_span() {
        let t = terms(Product::Annuity, 1_200_000, "6", 12, "2025-01-10");
        let s = build_schedule(&t);
        let rules = AssessRules::default();
        let pays = [Payment { paid_on: d("2025-04-20"), amount: Money::from_cents(50_000) }];
        let a = assess(&s, &pays, t.rate, d("2025-04-12"), &rules);
        let st = Standing::of(&a, &pays, None, &rules);
        assert_eq!(st.stale_on, Some(d("2025-04-20")));
        let promise = promise_status(d("2025-04-11"), d("2025-04-14"), Money::from_cents(1), &[], a.as_of, 1);
        let st = Standing::of(&a, &[], Some((promise, d("2025-04-14"))), &rules);
        assert_eq!(st.stale_on, Some(d("2025-04-16")), "active through 04-15 with a day's grace");
        let st = Standing::of(&a, &[], Some((PromiseStatus::Broken, d("2025-04-01"))), &rules);
        assert_eq!(st.stale_on, Some(d("2025-05-11")), "the 05-10 installment falls due unpaid");
    }

    #[test]
    fn a_maturity_notice_shown_first_gives_way_to_the_next_installments_window() {
        // 3 × 1,000.00, due 02-15, 03-15, 04-15; with a 45-day maturity window the 04-15
        // notice opens on 03-01, before the 03-15 installment's own window (03-10).
        let t = terms(Product::EqualPrincipal, 300_000, "12", 3, "2025-01-15");
        let s = build_schedule(&t);
        let rules =
            AssessRules { installment_window_days: 5, maturity_window_days: 45, ..AssessRules::default() };
        let pays = [Payment { paid_on: d("2025-02-15"), amount: Money::from_cents(103_000) }];
        let a = assess(&s, &pays, t.rate, d("2025-02-20"), &rules);
        let st = Standing::of(&a, &pays, None, &rules);
        assert_eq!(st.due_soon(d("2025-02-28")), None);
        let soon = st.due_soon(d("2025-03-01")).expect("the maturity notice");
        assert_eq!((soon.due_on, soon.kind), (d("2025-04-15"), DueSoonKind::Maturity));
        assert_eq!(st.stale_on, Some(d("2025-03-10")), "the installment's own window takes over");
        let later = assess(&s, &pays, t.rate, d("2025-03-10"), &rules);
        let st = Standing::of(&later, &pays, None, &rules);
        let soon = st.due_soon(d("2025-03-10")).expect("the installment");
        assert_eq!(
            (soon.due_on, soon.kind, st.stale_on),
            (d("2025-03-15"), DueSoonKind::Installment, Some(d("2025-03-16")))
        );
    }

    #[test]
    fn a_closed_loan_holds_until_something_is_recorded() {
        let t = terms(Product::Bullet, 100_000, "0", 1, "2025-01-10");
        let s = build_schedule(&t);
        let pays = [Payment { paid_on: d("2025-01-20"), amount: Money::from_cents(100_000) }];
        let a = assess(&s, &pays, t.rate, d("2025-03-01"), &AssessRules::default());
        let st = Standing::of(&a, &pays, None, &AssessRules::default());
        assert!(st.closed);
        assert_eq!((st.stale_on, st.dpd(d("2030-01-01")), st.unpaid_total), (None, 0, Money::ZERO));
    }

    proptest! {
        /// Between the date a loan is assessed and `stale_on`, every figure the standing row keeps
        /// equals a fresh assessment, and the derived ones equal it on every day.
        #[test]
        fn the_figures_hold_until_stale_on(
            product in 0usize..4,
            principal in 1i64..50_000_000,
            rate_bp in 0i64..2_400,
            months in 1u32..30,
            start in 0i64..200,
            pays in prop::collection::vec((0i64..900, 1i64..3_000_000), 0..8),
            promise in prop::option::of((0i64..900, 0i64..40, 1i64..2_000_000)),
            assessed in 0i64..900,
            windows in prop::sample::select(vec![(3i64, 30i64), (5, 45), (1, 70)]),
        ) {
            let product = [Product::Annuity, Product::EqualPrincipal, Product::InterestOnly, Product::Bullet][product];
            let base = d("2024-01-01");
            let rate = Rate::parse(&format!("{}.{:02}", rate_bp / 100, rate_bp % 100)).expect("rate");
            let t = LoanTerms { product, principal: Money::from_cents(principal), rate, term_months: months,
                disbursed_on: base + Duration::days(start) };
            let s = build_schedule(&t);
            let payments: Vec<Payment> = pays.iter().map(|&(day, c)| Payment {
                paid_on: base + Duration::days(day), amount: Money::from_cents(c) }).collect();
            // Wider maturity windows open the final maturity's notice before the next
            // installment's own window, which it then gives way to.
            let rules = AssessRules {
                installment_window_days: windows.0,
                maturity_window_days: windows.1,
                ..AssessRules::default()
            };
            let on = base + Duration::days(assessed);
            let promise_on = |day: NaiveDate| promise.map(|(made, len, amount)| {
                let made = base + Duration::days(made);
                let due = made + Duration::days(len);
                (promise_status(made, due, Money::from_cents(amount), &payments, day, rules.promise_grace_days), due)
            });
            let a = assess(&s, &payments, rate, on, &rules);
            let st = Standing::of(&a, &payments, promise_on(on), &rules);
            let end = st.stale_on.unwrap_or(on + Duration::days(400)).min(on + Duration::days(400));
            let mut day = on;
            while day < end {
                let full = assess(&s, &payments, rate, day, &rules);
                prop_assert_eq!(st.dpd(day), full.dpd, "dpd on {}", day);
                prop_assert_eq!(st.overdue_since, full.oldest_overdue_on);
                prop_assert_eq!(st.overdue_principal, full.overdue_principal);
                prop_assert_eq!(st.overdue_interest, full.overdue_interest);
                prop_assert_eq!(st.outstanding_principal, full.outstanding_principal);
                prop_assert_eq!(st.next_due_on, full.next_due_on);
                prop_assert_eq!(st.next_due_amount, full.next_due_amount);
                prop_assert_eq!(st.due_soon(day), full.due_soon, "due soon on {}", day);
                prop_assert_eq!(st.closed, full.closed);
                prop_assert_eq!(st.penalty(day, rate, rules.penalty_uplift_pct), full.penalty_interest, "penalty on {}", day);
                prop_assert_eq!(st.payoff(day, rate, rules.penalty_uplift_pct), full.payoff_amount);
                prop_assert_eq!(promise_on(day).map(|p| p.0), promise_on(on).map(|p| p.0), "promise on {}", day);
                day += Duration::days(1);
            }
        }
    }
}

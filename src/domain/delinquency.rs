//! Payment allocation, days past due, arrears, penalty interest and the payoff quote (DOMAIN §4),
//! and the due-soon windows of DOMAIN §6. Everything is computed as of an explicit date.

use chrono::{Duration, NaiveDate};
use serde::Serialize;

use super::classify::{Bucket, ClassBands, RiskClass};
use super::money::{Money, div_round, to_money};
use super::schedule::Installment;
use super::terms::Rate;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Payment {
    pub paid_on: NaiveDate,
    pub amount: Money,
}

/// Where an installment stands as of the date: the first of these that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InstallmentStatus {
    /// Fully covered.
    Paid,
    /// Due before the as-of date and not fully covered.
    Overdue,
    /// Something paid, not yet fully covered, not overdue.
    Partial,
    /// Due on the as-of date, nothing paid.
    Due,
    Future,
}

impl InstallmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InstallmentStatus::Paid => "paid",
            InstallmentStatus::Overdue => "overdue",
            InstallmentStatus::Partial => "partial",
            InstallmentStatus::Due => "due",
            InstallmentStatus::Future => "future",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstallmentState {
    pub installment: Installment,
    pub paid_principal: Money,
    pub paid_interest: Money,
    pub status: InstallmentStatus,
}

impl InstallmentState {
    pub fn unpaid_principal(&self) -> Money {
        self.installment.principal - self.paid_principal
    }
    pub fn unpaid_interest(&self) -> Money {
        self.installment.interest - self.paid_interest
    }
    pub fn unpaid(&self) -> Money {
        self.unpaid_principal() + self.unpaid_interest()
    }
    pub fn covered(&self) -> bool {
        self.unpaid().is_zero()
    }
}

/// Which due-soon window a loan sits in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DueSoonKind {
    /// A periodic installment, a few days ahead.
    Installment,
    /// The final maturity (到期通知), a month ahead; bullet loans and the final principal of interest-only loans.
    Maturity,
}

impl DueSoonKind {
    pub fn as_str(self) -> &'static str {
        match self {
            DueSoonKind::Installment => "installment",
            DueSoonKind::Maturity => "maturity",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueSoon {
    pub due_on: NaiveDate,
    pub amount: Money,
    pub kind: DueSoonKind,
}

/// The due-soon window a loan shows next: from `opens_on` until its installment falls due or a
/// payment changes the loan, unless `gives_way_on` comes first — a maturity notice shown while
/// the next installment's own window has not opened gives way to it that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueWindow {
    pub soon: DueSoon,
    pub opens_on: NaiveDate,
    pub gives_way_on: Option<NaiveDate>,
}

impl DueWindow {
    /// What the window shows on `on`, a date before it gives way.
    pub fn on(&self, on: NaiveDate) -> Option<DueSoon> {
        (self.opens_on <= on).then_some(self.soon)
    }
}

/// The rules a loan's figures are computed with: the penalty setting and, from the policy in
/// force (`Policy::assess_rules`, which also gives the default), the due-soon windows, the
/// classification bands and the promise grace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssessRules {
    /// Penalty uplift over the contract rate, percent (银发〔2003〕251号: 30–50).
    pub penalty_uplift_pct: i64,
    pub class_bands: ClassBands,
    /// Days before a periodic installment that it counts as due soon.
    pub installment_window_days: i64,
    /// Days before the final maturity that it counts as due soon.
    pub maturity_window_days: i64,
    /// Days after a promise's date that it is still active and a payment still keeps it.
    pub promise_grace_days: i64,
    /// The payment rules of early warning, computed with the snapshot's row (DOMAIN §9).
    pub history: crate::domain::warning::HistoryRules,
}

/// The penalty uplift of a store that has not set `penalty_uplift_pct`: the top of the range.
pub const DEFAULT_PENALTY_UPLIFT_PCT: i64 = 50;

/// A loan's delinquency as of a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    pub as_of: NaiveDate,
    /// Every installment covered.
    pub closed: bool,
    pub dpd: i64,
    pub bucket: Bucket,
    pub class_floor: RiskClass,
    pub oldest_overdue_on: Option<NaiveDate>,
    pub outstanding_principal: Money,
    pub overdue_principal: Money,
    pub overdue_interest: Money,
    pub penalty_interest: Money,
    pub next_due_on: Option<NaiveDate>,
    pub next_due_amount: Money,
    pub due_soon: Option<DueSoon>,
    /// Payments dated on or before the as-of date.
    pub paid_total: Money,
    pub credit_balance: Money,
    /// What closes the loan today: every unpaid installment, future interest included, plus penalty.
    pub payoff_amount: Money,
    pub installments: Vec<InstallmentState>,
}

impl Assessment {
    pub fn overdue_amount(&self) -> Money {
        self.overdue_principal + self.overdue_interest
    }
}

/// Allocates the payments dated ≤ `as_of` over `schedule` (due-date order, interest before principal)
/// and measures the arrears. `rate` is the contract rate the penalty is uplifted from.
pub fn assess(
    schedule: &[Installment],
    payments: &[Payment],
    rate: Rate,
    as_of: NaiveDate,
    rules: &AssessRules,
) -> Assessment {
    let paid_total: Money = payments.iter().filter(|p| p.paid_on <= as_of).map(|p| p.amount).sum();
    let mut remaining = paid_total.max(Money::ZERO);
    let mut installments = Vec::with_capacity(schedule.len());
    for inst in schedule {
        let paid_interest = remaining.min(inst.interest.max(Money::ZERO));
        remaining -= paid_interest;
        let paid_principal = remaining.min(inst.principal.max(Money::ZERO));
        remaining -= paid_principal;
        let covered = paid_interest == inst.interest && paid_principal == inst.principal;
        let status = if covered {
            InstallmentStatus::Paid
        } else if inst.due_on < as_of {
            InstallmentStatus::Overdue
        } else if (paid_interest + paid_principal).is_positive() {
            InstallmentStatus::Partial
        } else if inst.due_on == as_of {
            InstallmentStatus::Due
        } else {
            InstallmentStatus::Future
        };
        installments.push(InstallmentState { installment: *inst, paid_principal, paid_interest, status });
    }
    let credit_balance = remaining;

    let overdue = || installments.iter().filter(|s| s.status == InstallmentStatus::Overdue);
    let oldest_overdue_on = overdue().map(|s| s.installment.due_on).min();
    let dpd = oldest_overdue_on.map_or(0, |d| (as_of - d).num_days());
    let overdue_principal: Money = overdue().map(InstallmentState::unpaid_principal).sum();
    let overdue_interest: Money = overdue().map(InstallmentState::unpaid_interest).sum();

    let principal_days: i128 = overdue()
        .map(|s| {
            let days = i128::from((as_of - s.installment.due_on).num_days());
            i128::from(s.unpaid_principal().cents()) * days
        })
        .sum();
    let penalty_interest = penalty_interest(principal_days, rate, rules.penalty_uplift_pct);

    let total_principal: Money = schedule.iter().map(|i| i.principal).sum();
    let paid_principal: Money = installments.iter().map(|s| s.paid_principal).sum();
    let outstanding_principal = (total_principal - paid_principal).max(Money::ZERO);
    let closed = !installments.is_empty() && installments.iter().all(InstallmentState::covered);

    let upcoming = installments.iter().find(|s| !s.covered() && s.installment.due_on >= as_of);
    let next_due_on = upcoming.map(|s| s.installment.due_on);
    let next_due_amount = upcoming.map_or(Money::ZERO, InstallmentState::unpaid);
    let due_soon = due_soon(&installments, as_of, rules);
    let unpaid_all: Money = installments.iter().map(InstallmentState::unpaid).sum();

    Assessment {
        as_of,
        closed,
        dpd,
        bucket: Bucket::for_dpd(dpd),
        class_floor: rules.class_bands.floor(dpd),
        oldest_overdue_on,
        outstanding_principal,
        overdue_principal,
        overdue_interest,
        penalty_interest,
        next_due_on,
        next_due_amount,
        due_soon,
        paid_total,
        credit_balance,
        payoff_amount: unpaid_all + penalty_interest,
        installments,
    }
}

/// Penalty interest on `principal_days` (cents of overdue principal × days each was overdue, summed
/// over the installments): daily at the contract rate uplifted, summed exactly and rounded once.
pub fn penalty_interest(principal_days: i128, rate: Rate, uplift_pct: i64) -> Money {
    let num = principal_days * i128::from(rate.e4()) * i128::from(100 + uplift_pct);
    // Daily rate = annual% × (1 + uplift) / 360: divide by 100 (percent) × 10⁴ (rate scale) × 100 (uplift) × 360.
    to_money(div_round(num, 100 * 10_000 * 100 * 360))
}

fn due_soon(installments: &[InstallmentState], as_of: NaiveDate, rules: &AssessRules) -> Option<DueSoon> {
    due_window(installments, as_of, rules)?.on(as_of)
}

/// The due-soon window shown on `as_of` or, when none is, the next to open, while the loan's
/// installments stand as they are: the next installment's, a few days ahead (the final one's a
/// month ahead, as a maturity); before that one opens, the final maturity's notice when it opens
/// first, since it goes out a month ahead even while an earlier installment is still to come.
pub fn due_window(
    installments: &[InstallmentState],
    as_of: NaiveDate,
    rules: &AssessRules,
) -> Option<DueWindow> {
    let last = installments.last()?;
    let next = installments.iter().find(|s| !s.covered() && s.installment.due_on >= as_of)?;
    let is_final = next.installment.seq == last.installment.seq;
    let (kind, days) = if is_final {
        (DueSoonKind::Maturity, rules.maturity_window_days)
    } else {
        (DueSoonKind::Installment, rules.installment_window_days)
    };
    let due_on = next.installment.due_on;
    let own = DueWindow {
        soon: DueSoon { due_on, amount: next.unpaid(), kind },
        opens_on: due_on - Duration::days(days),
        gives_way_on: None,
    };
    let maturity_opens = last.installment.due_on - Duration::days(rules.maturity_window_days);
    if is_final || last.covered() || as_of >= own.opens_on || maturity_opens >= own.opens_on {
        return Some(own);
    }
    Some(DueWindow {
        soon: DueSoon { due_on: last.installment.due_on, amount: last.unpaid(), kind: DueSoonKind::Maturity },
        opens_on: maturity_opens,
        gives_way_on: Some(own.opens_on),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::schedule::build_schedule;
    use crate::domain::terms::{LoanTerms, Product, parse_date};
    use proptest::prelude::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).expect("date")
    }
    fn m(s: &str) -> Money {
        Money::parse(s).expect("money")
    }
    fn pay(on: &str, amount: &str) -> Payment {
        Payment { paid_on: d(on), amount: m(amount) }
    }

    /// 3 × 1,000.00 at 12 %: installments due 02-15, 03-15, 04-15.
    fn small() -> (Vec<Installment>, Rate) {
        let rate = Rate::parse("12").expect("rate");
        let terms = LoanTerms {
            product: Product::EqualPrincipal,
            principal: m("3000"),
            rate,
            term_months: 3,
            disbursed_on: d("2025-01-15"),
        };
        (build_schedule(&terms), rate)
    }

    fn at(payments: &[Payment], as_of: &str) -> Assessment {
        let (s, rate) = small();
        assess(&s, payments, rate, d(as_of), &AssessRules::default())
    }

    #[test]
    fn schedule_of_the_fixture() {
        let (s, _) = small();
        let pays: Vec<_> = s.iter().map(|i| i.payment().to_string()).collect();
        assert_eq!(pays, ["1030.00", "1020.00", "1010.00"]);
    }

    #[test]
    fn due_today_is_not_overdue() {
        let a = at(&[], "2025-02-15");
        assert_eq!(a.dpd, 0);
        assert_eq!(a.bucket, Bucket::M0);
        assert_eq!(a.next_due_on, Some(d("2025-02-15")));
        assert_eq!(a.next_due_amount, m("1030.00"));
        assert_eq!(a.installments[0].status, InstallmentStatus::Due);
        assert_eq!(a.overdue_amount(), Money::ZERO);
    }

    #[test]
    fn one_day_late() {
        let a = at(&[], "2025-02-16");
        assert_eq!(a.dpd, 1);
        assert_eq!(a.bucket, Bucket::M1);
        assert_eq!(a.class_floor, RiskClass::SpecialMention);
        assert_eq!(a.overdue_principal, m("1000"));
        assert_eq!(a.overdue_interest, m("30"));
        assert_eq!(a.installments[0].status, InstallmentStatus::Overdue);
        assert_eq!(a.next_due_on, Some(d("2025-03-15")));
        // 1,000.00 × 12 % × 1.5 / 360 × 1 day = 0.50
        assert_eq!(a.penalty_interest, m("0.50"));
    }

    #[test]
    fn payment_on_the_due_date_versus_one_day_late() {
        let on_time = at(&[pay("2025-02-15", "1030")], "2025-02-16");
        assert_eq!(on_time.dpd, 0);
        assert_eq!(on_time.installments[0].status, InstallmentStatus::Paid);
        let late_as_of_due = at(&[pay("2025-02-16", "1030")], "2025-02-16");
        assert_eq!(late_as_of_due.dpd, 0, "a payment dated D counts");
        let late = at(&[pay("2025-02-17", "1030")], "2025-02-16");
        assert_eq!(late.dpd, 1, "a payment dated D + 1 does not count");
        let cured = at(&[pay("2025-02-17", "1030")], "2025-02-17");
        assert_eq!(cured.dpd, 0);
    }

    #[test]
    fn partial_payment_fills_interest_first() {
        let a = at(&[pay("2025-02-10", "500")], "2025-03-01");
        let first = a.installments[0];
        assert_eq!(first.paid_interest, m("30"));
        assert_eq!(first.paid_principal, m("470"));
        assert_eq!(a.dpd, 14);
        assert_eq!(a.overdue_principal, m("530"));
        assert_eq!(a.overdue_interest, Money::ZERO);
        assert_eq!(a.outstanding_principal, m("2530"));
        // Before the due date the same payment leaves the installment partial.
        let early = at(&[pay("2025-02-10", "500")], "2025-02-12");
        assert_eq!(early.installments[0].status, InstallmentStatus::Partial);
        assert_eq!(early.next_due_amount, m("530"));
    }

    #[test]
    fn oldest_overdue_sets_dpd_and_arrears_sum() {
        let a = at(&[], "2025-04-01");
        assert_eq!(a.dpd, 45);
        assert_eq!(a.oldest_overdue_on, Some(d("2025-02-15")));
        assert_eq!(a.overdue_amount(), m("2050"));
        // (1000 × 45 + 1000 × 17) days × 12 % × 1.5 / 360 = 31.00
        assert_eq!(a.penalty_interest, m("31.00"));
        assert_eq!(a.payoff_amount, m("3060") + m("31.00"));
    }

    #[test]
    fn overpayment_closes_with_credit() {
        let a = at(&[pay("2025-02-01", "3100")], "2025-02-02");
        assert!(a.closed);
        assert_eq!(a.credit_balance, m("40"));
        assert_eq!(a.outstanding_principal, Money::ZERO);
        assert_eq!(a.next_due_on, None);
        assert_eq!(a.next_due_amount, Money::ZERO);
        assert_eq!(a.payoff_amount, Money::ZERO);
        assert_eq!(a.dpd, 0);
    }

    #[test]
    fn prepayment_covers_future_installments_without_rebate() {
        let a = at(&[pay("2025-02-01", "2000")], "2025-02-02");
        assert!(!a.closed);
        assert_eq!(a.installments[1].status, InstallmentStatus::Partial);
        assert_eq!(a.outstanding_principal, m("1050"));
        assert_eq!(a.installments[0].status, InstallmentStatus::Paid);
        assert_eq!(a.next_due_on, Some(d("2025-03-15")));
        assert_eq!(a.next_due_amount, m("50"));
    }

    #[test]
    fn payment_after_as_of_is_ignored() {
        let a = at(&[pay("2025-03-02", "1030")], "2025-03-01");
        assert_eq!(a.paid_total, Money::ZERO);
        assert_eq!(a.dpd, 14);
    }

    #[test]
    fn matured_loan_has_no_next_due() {
        let a = at(&[], "2025-05-01");
        assert_eq!(a.next_due_on, None);
        assert_eq!(a.next_due_amount, Money::ZERO);
        assert_eq!(a.dpd, 75);
        assert_eq!(a.bucket, Bucket::M3);
    }

    #[test]
    fn due_soon_windows() {
        // Periodic installment: 3 days ahead, not 4.
        assert_eq!(at(&[], "2025-02-12").due_soon.map(|s| s.kind), Some(DueSoonKind::Installment));
        assert_eq!(at(&[], "2025-02-11").due_soon, None);
        assert_eq!(at(&[], "2025-02-15").due_soon.map(|s| s.due_on), Some(d("2025-02-15")));
        // The final installment is a maturity: 30 days ahead.
        let paid2 = [pay("2025-02-01", "2050")];
        let a = at(&paid2, "2025-03-16");
        assert_eq!(
            a.due_soon,
            Some(DueSoon { due_on: d("2025-04-15"), amount: m("1010"), kind: DueSoonKind::Maturity })
        );
        assert_eq!(at(&paid2, "2025-03-15").due_soon, None, "31 days ahead");
    }

    #[test]
    fn bullet_maturity_notice_a_month_ahead() {
        let rate = Rate::parse("6").expect("rate");
        let terms = LoanTerms {
            product: Product::Bullet,
            principal: m("10000"),
            rate,
            term_months: 12,
            disbursed_on: d("2025-01-10"),
        };
        let s = build_schedule(&terms);
        let r = AssessRules::default();
        // Due 2026-01-10: 30 days ahead is 2025-12-11.
        assert!(assess(&s, &[], rate, d("2025-12-11"), &r).due_soon.is_some());
        assert!(assess(&s, &[], rate, d("2025-12-10"), &r).due_soon.is_none());
        assert!(assess(&s, &[], rate, d("2026-01-10"), &r).due_soon.is_some());
        assert!(assess(&s, &[], rate, d("2026-01-11"), &r).due_soon.is_none());
    }

    #[test]
    fn penalty_is_summed_exactly_and_rounded_once() {
        let rate = Rate::parse("19.03").expect("rate");
        let inst = |seq, due: &str, p: &str| Installment {
            seq,
            due_on: d(due),
            principal: m(p),
            interest: Money::ZERO,
        };
        let s = [inst(1, "2025-01-01", "0.01"), inst(2, "2025-01-02", "0.01"), inst(3, "2025-02-02", "100")];
        let a = assess(&s, &[], rate, d("2025-01-03"), &AssessRules::default());
        // 1 cent × 2 days + 1 cent × 1 day: each rounds to 0 alone, together they still round to 0.
        assert_eq!(a.penalty_interest, Money::ZERO);
        let a = assess(&s, &[], rate, d("2025-03-03"), &AssessRules::default());
        // (1×61 + 1×60 + 10000×29) × 19.03 % × 1.5 / 360 = 2.30
        assert_eq!(a.penalty_interest, m("2.30"));
    }

    proptest! {
        #[test]
        fn allocation_never_creates_or_loses_a_cent(
            amounts in prop::collection::vec((0i64..400, 1i64..200_000), 0..12),
            as_of_day in 0i64..400,
        ) {
            let (s, rate) = small();
            let start = d("2025-01-15");
            let payments: Vec<_> = amounts.iter().map(|&(day, c)| Payment {
                paid_on: start + chrono::Duration::days(day),
                amount: Money::from_cents(c),
            }).collect();
            let as_of = start + chrono::Duration::days(as_of_day);
            let a = assess(&s, &payments, rate, as_of, &AssessRules::default());
            let allocated: Money = a.installments.iter().map(|i| i.paid_principal + i.paid_interest).sum();
            prop_assert_eq!(allocated + a.credit_balance, a.paid_total);
            prop_assert!(a.credit_balance >= Money::ZERO);
            prop_assert!(a.outstanding_principal >= Money::ZERO);
            prop_assert!(a.installments.iter().all(|i| i.unpaid_principal() >= Money::ZERO && i.unpaid_interest() >= Money::ZERO));
            if a.closed { prop_assert_eq!(a.dpd, 0); prop_assert_eq!(a.payoff_amount, Money::ZERO); }
        }
    }
}

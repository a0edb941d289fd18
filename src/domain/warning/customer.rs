//! The signals a customer's circumstances raise on each of their active loans (DOMAIN §9):
//! broken promises, unreachable, a large exposure overdue, collateral short or stale, an
//! inspection overdue or concluding risk.

use chrono::{Duration, NaiveDate};

use super::code::SignalCode;
use super::rules::WarningRules;
use crate::domain::{Money, Outcome, add_months};

/// What the customer-wide rules read of a customer as of a date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CustomerFacts {
    /// The dates the customer's promises became broken (the day after their grace ended).
    pub promises_broken_on: Vec<NaiveDate>,
    /// The customer's latest call attempts to the debtor, newest first: date and outcome.
    pub last_calls: Vec<(NaiveDate, Outcome)>,
    /// The customer's outstanding principal over their active loans.
    pub outstanding: Money,
    /// The latest valuation of the collateral held, summed, with the oldest of those valuations'
    /// dates and the earliest insurance expiry; `None` without valued collateral.
    pub collateral: Option<(Money, NaiveDate, Option<NaiveDate>)>,
}

/// What the loan-level inspection rules read: the due date of an inspection not yet done, and
/// whether the latest recorded one concluded `risk`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct InspectionFacts {
    pub due_on: Option<NaiveDate>,
    pub latest_risk: bool,
}

/// The customer-wide and inspection rules that hold for one active loan with `dpd` on `as_of`,
/// as bits of `SignalCode::bit` (each rule's `on` is the caller's).
pub fn customer_signals(
    f: &CustomerFacts,
    inspection: InspectionFacts,
    dpd: i64,
    as_of: NaiveDate,
    rules: &WarningRules,
) -> u32 {
    let mut bits = 0;
    let mut raise = |code: SignalCode, holds: bool| {
        if holds {
            bits |= code.bit();
        }
    };
    let [count, days] = rules.get(SignalCode::BrokenPromises).params;
    let since = as_of - Duration::days(days);
    let broken = f.promises_broken_on.iter().filter(|d| **d > since && **d <= as_of).count();
    raise(SignalCode::BrokenPromises, i64::try_from(broken).unwrap_or(i64::MAX) >= count);

    let [attempts, days] = rules.get(SignalCode::Unreachable).params;
    let since = as_of - Duration::days(days);
    let last: Vec<&(NaiveDate, Outcome)> =
        f.last_calls.iter().take(usize::try_from(attempts).unwrap_or(usize::MAX)).collect();
    let unreachable = last.len() as i64 == attempts
        && last.iter().all(|(on, outcome)| {
            *on > since
                && *on <= as_of
                && matches!(outcome, Outcome::NoAnswer | Outcome::Busy | Outcome::WrongNumber)
        });
    raise(SignalCode::Unreachable, unreachable);

    let min_dpd = rules.get(SignalCode::LargeExposureOverdue).params[1];
    raise(SignalCode::LargeExposureOverdue, f.outstanding >= rules.large_exposure() && dpd >= min_dpd);

    if let Some((value, valued_on, insured_until)) = f.collateral {
        let pct = rules.get(SignalCode::CollateralShortfall).params[0];
        let short = i128::from(f.outstanding.cents()) * 100 > i128::from(value.cents()) * i128::from(pct);
        raise(SignalCode::CollateralShortfall, short);
        let months = u32::try_from(rules.get(SignalCode::CollateralStale).params[0]).unwrap_or(u32::MAX);
        let stale = add_months(valued_on, months) < as_of || insured_until.is_some_and(|u| u < as_of);
        raise(SignalCode::CollateralStale, stale);
    }

    let grace = rules.get(SignalCode::InspectionOverdue).params[0];
    raise(
        SignalCode::InspectionOverdue,
        inspection.due_on.is_some_and(|d| d + Duration::days(grace) < as_of),
    );
    raise(SignalCode::InspectionRisk, inspection.latest_risk);
    bits
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::parse_date;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).expect("date")
    }

    fn codes(f: &CustomerFacts, i: InspectionFacts, dpd: i64, on: &str) -> Vec<SignalCode> {
        SignalCode::of_bits(customer_signals(
            f,
            i,
            dpd,
            d(on),
            &crate::domain::policy::Policy::default().warnings,
        ))
        .collect()
    }

    #[test]
    fn each_customer_rule_at_its_edge() {
        use SignalCode::*;
        let none = InspectionFacts::default();
        let two = CustomerFacts {
            promises_broken_on: vec![d("2026-01-02"), d("2026-03-01")],
            ..Default::default()
        };
        assert_eq!(codes(&two, none, 0, "2026-04-01"), [BrokenPromises], "both within 90 days");
        assert_eq!(codes(&two, none, 0, "2026-04-02"), [], "01-02 is 90 days back: out");

        let call = |on: &str, o| (d(on), o);
        let mut calls: Vec<_> =
            (0..5).map(|k| call(&format!("2026-03-{:02}", 20 - k), Outcome::NoAnswer)).collect();
        let f = CustomerFacts { last_calls: calls.clone(), ..Default::default() };
        assert_eq!(codes(&f, none, 0, "2026-04-01"), [Unreachable]);
        assert_eq!(codes(&f, none, 0, "2026-04-16"), [], "the oldest is over 30 days back");
        calls[2].1 = Outcome::Promise;
        assert_eq!(
            codes(&CustomerFacts { last_calls: calls, ..Default::default() }, none, 0, "2026-04-01"),
            []
        );

        let big = CustomerFacts { outstanding: Money::from_cents(50_000_000), ..Default::default() };
        assert_eq!(codes(&big, none, 1, "2026-04-01"), [LargeExposureOverdue]);
        assert_eq!(codes(&big, none, 0, "2026-04-01"), []);
        let smaller = CustomerFacts { outstanding: Money::from_cents(49_999_999), ..Default::default() };
        assert_eq!(codes(&smaller, none, 30, "2026-04-01"), []);

        let pledged = |out: i64, valued: &str, insured: Option<&str>| CustomerFacts {
            outstanding: Money::from_cents(out),
            collateral: Some((Money::from_cents(100_000), d(valued), insured.map(d))),
            ..Default::default()
        };
        assert_eq!(codes(&pledged(80_000, "2025-04-01", None), none, 0, "2026-04-01"), []);
        assert_eq!(codes(&pledged(80_001, "2025-04-01", None), none, 0, "2026-04-01"), [CollateralShortfall]);
        assert_eq!(codes(&pledged(1, "2025-03-31", None), none, 0, "2026-04-01"), [CollateralStale]);
        assert_eq!(
            codes(&pledged(1, "2026-01-01", Some("2026-03-31")), none, 0, "2026-04-01"),
            [CollateralStale]
        );

        let due = |on: &str| InspectionFacts { due_on: Some(d(on)), latest_risk: false };
        assert_eq!(codes(&CustomerFacts::default(), due("2026-03-02"), 0, "2026-04-01"), []);
        assert_eq!(codes(&CustomerFacts::default(), due("2026-03-01"), 0, "2026-04-01"), [InspectionOverdue]);
        let risk = InspectionFacts { due_on: None, latest_risk: true };
        assert_eq!(codes(&CustomerFacts::default(), risk, 0, "2026-04-01"), [InspectionRisk]);
    }
}

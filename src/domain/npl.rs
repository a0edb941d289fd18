//! The NPL hold (DOMAIN §5): a loan that was 91 days past due or more in the last 365 days keeps
//! at least the class of its worst DPD there until its arrears are repaid and its installments of
//! the last six months (and in any case its last two) were each covered on their own due dates.
//!
//! Between the dates a loan's figures change (`standing`), the hold moves by the date alone only
//! when its worst day leaves the 365 days or its latest late installment leaves the window; both
//! dates are known in advance, so a snapshot row holds the hold exactly until the earlier of them.

use chrono::{Duration, Months, NaiveDate};

use super::classify::{ClassBands, RiskClass};
use super::coverage::History;
use super::delinquency::Payment;
use super::schedule::Installment;

/// The class the NPL hold keeps a loan at on a date, and the first later date it may change by
/// the date alone (a payment or an installment falling due unpaid ends a snapshot row anyway).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NplHold {
    pub class: Option<RiskClass>,
    pub changes_on: Option<NaiveDate>,
}

/// Days the hold looks back for the worst DPD.
const LOOKBACK_DAYS: i64 = 365;

/// `schedule` and `counted` are the schedule in force and the payments counted against it.
pub fn npl_hold(
    schedule: &[Installment],
    counted: &[Payment],
    as_of: NaiveDate,
    bands: ClassBands,
) -> NplHold {
    let history = History::new(schedule, counted, as_of);
    // The worst DPD over a span is on the day before a payment or at the span's end. The span's
    // end is today's DPD, whose floor the class takes anyway: the hold keeps the days before it,
    // so a row stored for one date says the same on every date it holds for.
    let opens = as_of - Duration::days(LOOKBACK_DAYS);
    let mut points: Vec<NaiveDate> =
        counted.iter().filter_map(|p| p.paid_on.pred_opt()).filter(|t| *t > opens && *t < as_of).collect();
    points.sort_unstable();
    points.dedup();
    let worst = points.iter().map(|t| history.dpd(*t)).max().unwrap_or(0);
    let floor = bands.floor(worst);
    let none = NplHold { class: None, changes_on: None };
    if !floor.is_npl() {
        return none;
    }
    let dpd_now = history.dpd(as_of);
    if dpd_now == 0 && late_in_window(schedule, &history, as_of).is_none() {
        return none;
    }
    // The earliest past day at NPL DPD leaves the 365 days on that day + 365.
    let peak_leaves = points
        .iter()
        .filter(|t| bands.floor(history.dpd(**t)).is_npl())
        .map(|t| *t + Duration::days(LOOKBACK_DAYS))
        .min();
    let late_leaves = if dpd_now == 0 {
        late_in_window(schedule, &history, as_of).and_then(|k| window_passes(schedule, k, as_of))
    } else {
        None
    };
    let changes_on = match (peak_leaves, late_leaves) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    NplHold { class: Some(floor), changes_on }
}

/// Whether every installment due in [as_of − 6 months, as_of), and in any case the last two due
/// before `as_of`, was covered on or before its own due date (with those before it).
pub fn window_on_time(schedule: &[Installment], counted: &[Payment], as_of: NaiveDate) -> bool {
    late_in_window(schedule, &History::new(schedule, counted, as_of), as_of).is_none()
}

/// The latest installment of the upgrade window not covered on its due date (its index).
fn late_in_window(schedule: &[Installment], h: &History, as_of: NaiveDate) -> Option<usize> {
    let window = as_of.checked_sub_months(Months::new(6))?;
    let due = schedule.iter().take_while(|l| l.due_on < as_of).count();
    let first =
        schedule[..due].iter().position(|l| l.due_on >= window).unwrap_or(due).min(due.saturating_sub(2));
    (first..due).rev().find(|k| !h.covered_by_due(*k))
}

/// The first date after `as_of` whose upgrade window no longer holds installment `k`: its due
/// date before the window opens and two installments due after it.
fn window_passes(schedule: &[Installment], k: usize, as_of: NaiveDate) -> Option<NaiveDate> {
    let due = schedule[k].due_on;
    let mut on = super::terms::add_months(due, 6) - Duration::days(3);
    while on.checked_sub_months(Months::new(6)).is_none_or(|w| w <= due) {
        on += Duration::days(1);
    }
    let two_after = schedule.get(k + 2)?.due_on + Duration::days(1);
    Some(on.max(two_after).max(as_of + Duration::days(1)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Money, parse_date};

    fn d(s: &str) -> NaiveDate {
        parse_date(s).expect("date")
    }

    /// Twelve monthly installments of 100.00 due on the 10th from 2025-01-10.
    fn monthly() -> Vec<Installment> {
        (0..12)
            .map(|k| Installment {
                seq: k + 1,
                due_on: crate::domain::add_months(d("2025-01-10"), k),
                principal: Money::from_cents(9_000),
                interest: Money::from_cents(1_000),
            })
            .collect()
    }

    fn pay(on: &str, cents: i64) -> Payment {
        Payment { paid_on: d(on), amount: Money::from_cents(cents) }
    }

    /// Installments 1 to `through_seq` paid together on `cure`, each later one on its due date up
    /// to `on_time_to`.
    fn late_then_on_time(cure: &str, through_seq: u32, on_time_to: &str) -> Vec<Payment> {
        let s = monthly();
        let mut pays = vec![pay(cure, i64::from(through_seq) * 10_000)];
        pays.extend(
            s.iter()
                .filter(|l| l.seq > through_seq && l.due_on <= d(on_time_to))
                .map(|l| Payment { paid_on: l.due_on, amount: l.payment() }),
        );
        pays
    }

    fn hold(pays: &[Payment], on: &str) -> NplHold {
        npl_hold(&monthly(), pays, d(on), ClassBands::Standard)
    }

    #[test]
    fn under_ninety_one_days_nothing_is_held() {
        // Installment 1 (01-10) unpaid until 04-11: DPD 90 on 04-10.
        let pays = late_then_on_time("2025-04-11", 4, "2025-12-31");
        assert_eq!(hold(&pays, "2025-05-01").class, None);
        // Paid a day later: DPD 91 on 04-11, held.
        let pays = late_then_on_time("2025-04-12", 4, "2025-12-31");
        assert_eq!(hold(&pays, "2025-05-01").class, Some(RiskClass::Substandard));
    }

    #[test]
    fn the_hold_lifts_after_six_months_and_two_installments_on_time() {
        // 91 days: cured on 04-12 (installments 1–4 paid), each one after on its date.
        let pays = late_then_on_time("2025-04-12", 4, "2025-12-31");
        // Installment 4 (04-10) was covered late; the window [D − 6 months, D) holds it until
        // D − 6 months passes 04-10: D = 10-11.
        let h = hold(&pays, "2025-09-30");
        assert_eq!(h.class, Some(RiskClass::Substandard), "five months on time");
        assert_eq!(h.changes_on, Some(d("2025-10-11")));
        assert_eq!(hold(&pays, "2025-10-10").class, Some(RiskClass::Substandard));
        assert_eq!(hold(&pays, "2025-10-11").class, None, "six months on time");
    }

    #[test]
    fn the_last_two_installments_count_even_beyond_six_months() {
        // A bullet-like schedule: two installments a year apart.
        let s = vec![
            Installment {
                seq: 1,
                due_on: d("2025-01-10"),
                principal: Money::from_cents(10_000),
                interest: Money::ZERO,
            },
            Installment {
                seq: 2,
                due_on: d("2025-06-10"),
                principal: Money::from_cents(10_000),
                interest: Money::ZERO,
            },
            Installment {
                seq: 3,
                due_on: d("2025-12-10"),
                principal: Money::from_cents(10_000),
                interest: Money::ZERO,
            },
        ];
        let late = [pay("2025-05-01", 10_000), pay("2025-06-10", 10_000)];
        // Installment 1 late (111 days), 2 on time: the last two before 2025-11-20 are 1 and 2.
        let h = npl_hold(&s, &late, d("2025-11-20"), ClassBands::Standard);
        assert_eq!(h.class, Some(RiskClass::Substandard), "one of the last two late");
        assert_eq!(h.changes_on, Some(d("2025-12-11")), "once a third falls due");
        let third = [pay("2025-05-01", 10_000), pay("2025-06-10", 10_000), pay("2025-12-10", 10_000)];
        assert_eq!(npl_hold(&s, &third, d("2025-12-11"), ClassBands::Standard).class, None);
    }

    #[test]
    fn the_worst_day_leaves_after_365_days() {
        // Loss: nothing paid for 400 days, then everything due paid; the loan has matured.
        let s = monthly();
        let all: i64 = s.iter().map(|l| l.payment().cents()).sum();
        let pays = [pay("2026-02-14", all)];
        // DPD on 02-13 = 2026-02-13 − 2025-01-10 = 399: loss.
        let h = hold(&pays, "2026-03-01");
        assert_eq!(h.class, Some(RiskClass::Loss));
        // The last two (11-10, 12-10) were late: they never leave; the worst day leaves on
        // 2027-02-13.
        assert_eq!(h.changes_on, Some(d("2027-02-13")));
        assert_eq!(hold(&pays, "2027-02-12").class, Some(RiskClass::Loss));
        assert_eq!(hold(&pays, "2027-02-13").class, None);
    }

    #[test]
    fn while_overdue_the_hold_is_at_least_the_worst_of_the_year() {
        // Cured at DPD 299 (doubtful), overdue again since 2025-12-10 (DPD 51 on 01-30).
        let s = monthly();
        let through: i64 = s.iter().filter(|l| l.seq <= 11).map(|l| l.payment().cents()).sum();
        let pays = [pay("2025-11-06", through)];
        let h = hold(&pays, "2026-01-30");
        assert_eq!(h.class, Some(RiskClass::Doubtful));
        assert_eq!(h.changes_on, Some(d("2026-11-05")));
        // Never cured: today's DPD is the floor's, not the hold's.
        assert_eq!(hold(&[], "2025-09-30").class, None);
    }

    #[test]
    fn the_upgrade_window_is_on_time_coverage() {
        let s = monthly();
        let on_time: Vec<Payment> =
            s.iter().map(|l| Payment { paid_on: l.due_on, amount: l.payment() }).collect();
        assert!(window_on_time(&s, &on_time, d("2025-08-01")));
        let mut one_late = on_time.clone();
        one_late[5].paid_on = d("2025-06-11");
        assert!(!window_on_time(&s, &one_late, d("2025-08-01")));
        assert!(window_on_time(&s, &one_late, d("2025-12-11")), "06-10 left the window on 12-11");
    }
}

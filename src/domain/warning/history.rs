//! The signals a loan's own payments raise (DOMAIN §9): first installment missed, repeated late,
//! partial payment, relapse. They are computed with the snapshot's row, which has the schedule
//! and payments in hand, with the first date they may change by the date alone as a `stale_on`
//! candidate (a payment or an installment falling due unpaid ends the row anyway).

use chrono::{Duration, NaiveDate};

use super::code::SignalCode;
use crate::domain::coverage::History;
use crate::domain::{Installment, Payment};

/// The thresholds of the payment rules (policy `[warnings.*]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistoryRules {
    /// `repeated_late`: at least `late` of the last `of_last` installments due.
    pub repeated_of_last: u32,
    pub repeated_late: u32,
    /// `relapse`: cured within this many days before the date, overdue again.
    pub relapse_days: i64,
}

/// The payment rules that hold on a date, as bits of `SignalCode::bit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HistorySignals {
    pub bits: u32,
    pub changes_on: Option<NaiveDate>,
}

/// `schedule` and `counted`: the schedule in force and the payments counted against it (those
/// dated after `as_of` do not count).
pub fn history_signals(
    schedule: &[Installment],
    counted: &[Payment],
    as_of: NaiveDate,
    rules: &HistoryRules,
) -> HistorySignals {
    let h = History::new(schedule, counted, as_of);
    let due = h.due_before(as_of);
    let mut bits = 0;
    if due > 0 && h.paid_by(as_of) < h.owed[0] {
        bits |= SignalCode::FirstInstallmentMissed.bit();
    }
    let window = (rules.repeated_of_last as usize).min(due);
    let late = (due - window..due).filter(|k| !h.covered_by_due(*k)).count();
    if due > 0 && late >= rules.repeated_late as usize {
        bits |= SignalCode::RepeatedLate.bit();
    }
    if let Some(k) = due.checked_sub(1) {
        let covered = h.covered_on(k, as_of);
        if covered.is_positive() && covered < schedule[k].payment() {
            bits |= SignalCode::PartialPayment.bit();
        }
    }
    // A cure is the date of a payment that takes DPD to 0; it stays in the window until
    // cure + days.
    let opens = as_of - Duration::days(rules.relapse_days);
    let cures: Vec<NaiveDate> = h
        .paid_dates()
        .filter(|t| *t > opens && *t < as_of)
        .filter(|t| t.pred_opt().is_some_and(|y| h.dpd(y) > 0) && h.dpd(*t) == 0)
        .collect();
    let mut changes_on = schedule.get(due).map(|l| l.due_on + Duration::days(1));
    if h.dpd(as_of) > 0 && !cures.is_empty() {
        bits |= SignalCode::Relapse.bit();
        let leaves = cures.iter().map(|t| *t + Duration::days(rules.relapse_days)).min();
        changes_on = changes_on.min(leaves).or(changes_on).or(leaves);
    }
    HistorySignals { bits, changes_on }
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

    const RULES: HistoryRules = HistoryRules { repeated_of_last: 6, repeated_late: 3, relapse_days: 90 };

    fn codes(pays: &[Payment], on: &str) -> Vec<SignalCode> {
        SignalCode::of_bits(history_signals(&monthly(), pays, d(on), &RULES).bits).collect()
    }

    /// Installments 1..=n, each paid on its due date plus `late[k]` days.
    fn paid_with_delays(late: &[i64]) -> Vec<Payment> {
        monthly()
            .iter()
            .zip(late)
            .map(|(l, days)| Payment { paid_on: l.due_on + Duration::days(*days), amount: l.payment() })
            .collect()
    }

    #[test]
    fn the_first_installment_missed_is_now_not_ever() {
        use SignalCode::*;
        assert_eq!(codes(&[], "2025-01-10"), [], "due today is not overdue");
        assert_eq!(codes(&[], "2025-01-11"), [FirstInstallmentMissed]);
        let late = [pay("2025-01-20", 10_000)];
        assert_eq!(codes(&late, "2025-01-19"), [FirstInstallmentMissed]);
        assert_eq!(codes(&late, "2025-01-20"), [], "covered: the signal clears");
    }

    #[test]
    fn repeated_late_is_three_of_the_last_six() {
        use SignalCode::*;
        // Six paid, the 2nd and 4th late: 2 of 6.
        let two = paid_with_delays(&[0, 5, 0, 5, 0, 0]);
        assert_eq!(codes(&two, "2025-07-01"), []);
        // The 6th late too: 3 of 6.
        let three = paid_with_delays(&[0, 5, 0, 5, 0, 5]);
        assert_eq!(codes(&three, "2025-07-01"), [RepeatedLate]);
        // Fewer than six due: all of them count.
        let early = paid_with_delays(&[3, 3, 3]);
        assert_eq!(codes(&early, "2025-04-01"), [RepeatedLate]);
        // Once three on-time installments follow, the first late one leaves the last six.
        let mut later = three.clone();
        later.extend(paid_with_delays(&[0, 0, 0, 0, 0, 0, 0, 0]).into_iter().skip(6));
        let s = history_signals(&monthly(), &later, d("2025-07-01"), &RULES);
        assert_eq!(s.changes_on, Some(d("2025-07-11")), "the 07-10 installment enters the six");
        assert_eq!(codes(&later, "2025-08-10"), [RepeatedLate], "02, 04, 06 late of 03..08");
        assert_eq!(codes(&later, "2025-08-11"), [], "02-10 left the last six: 04, 06 of 03..08");
    }

    #[test]
    fn partial_vs_full_vs_none() {
        use SignalCode::*;
        let none: [Payment; 0] = [];
        let part = [pay("2025-01-15", 4_000)];
        let full = [pay("2025-01-15", 10_000)];
        assert_eq!(codes(&none, "2025-01-20"), [FirstInstallmentMissed]);
        assert_eq!(codes(&part, "2025-01-20"), [FirstInstallmentMissed, PartialPayment]);
        assert_eq!(codes(&full, "2025-01-20"), []);
    }

    #[test]
    fn relapse_counts_a_cure_within_ninety_days() {
        use SignalCode::*;
        // Installment 1 paid late on 02-01 (a cure), installment 2 (02-10) never paid.
        let pays = [pay("2025-02-01", 10_000)];
        // On D, a cure on t counts while D − 90 < t: through 2025-05-01 (t = 02-01 = D − 89).
        let s = history_signals(&monthly(), &pays, d("2025-05-01"), &RULES);
        assert!(SignalCode::of_bits(s.bits).any(|c| c == Relapse), "the 90th day");
        assert_eq!(s.changes_on, Some(d("2025-05-02")));
        assert!(!codes(&pays, "2025-05-02").contains(&Relapse), "the 91st day");
        // Not overdue now: no relapse.
        let paid = [pay("2025-02-01", 10_000), pay("2025-02-10", 10_000)];
        assert!(!codes(&paid, "2025-02-20").contains(&Relapse));
    }
}

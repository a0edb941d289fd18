//! What a loan's payments covered and when: the running totals that DPD on any day, an
//! installment's coverage on its due date and its part covered on a date are read from.

use chrono::NaiveDate;

use super::delinquency::Payment;
use super::money::Money;
use super::schedule::Installment;

/// The running totals DPD on any day is read from: what the installments owe in due-date order
/// and the payments by date (DOMAIN §4: an installment is covered once the payments to a date
/// reach it and all before it).
pub(crate) struct History<'a> {
    schedule: &'a [Installment],
    pub(crate) owed: Vec<Money>,
    paid: Vec<(NaiveDate, Money)>,
}

impl<'a> History<'a> {
    /// Payments dated after `as_of` do not count.
    pub(crate) fn new(schedule: &'a [Installment], counted: &[Payment], as_of: NaiveDate) -> History<'a> {
        let mut total = Money::ZERO;
        let owed = schedule
            .iter()
            .map(|l| {
                total += l.payment();
                total
            })
            .collect();
        let mut pays: Vec<&Payment> = counted.iter().filter(|p| p.paid_on <= as_of).collect();
        pays.sort_by_key(|p| p.paid_on);
        let mut sum = Money::ZERO;
        let paid = pays
            .into_iter()
            .map(|p| {
                sum += p.amount;
                (p.paid_on, sum)
            })
            .collect();
        History { schedule, owed, paid }
    }

    pub(crate) fn paid_by(&self, on: NaiveDate) -> Money {
        let n = self.paid.partition_point(|(d, _)| *d <= on);
        if n == 0 { Money::ZERO } else { self.paid[n - 1].1 }
    }

    pub(crate) fn dpd(&self, on: NaiveDate) -> i64 {
        let paid = self.paid_by(on);
        let k = self.owed.partition_point(|o| *o <= paid);
        self.schedule.get(k).filter(|l| l.due_on < on).map_or(0, |l| (on - l.due_on).num_days())
    }

    /// Whether installment `k` was covered on or before its own due date (with all before it).
    pub(crate) fn covered_by_due(&self, k: usize) -> bool {
        self.paid_by(self.schedule[k].due_on) >= self.owed[k]
    }

    /// What the payments to `on` put on installment `k` (oldest first, DOMAIN §4).
    pub(crate) fn covered_on(&self, k: usize, on: NaiveDate) -> Money {
        let before = if k == 0 { Money::ZERO } else { self.owed[k - 1] };
        (self.paid_by(on) - before).max(Money::ZERO).min(self.schedule[k].payment())
    }

    /// The installments due before `on`.
    pub(crate) fn due_before(&self, on: NaiveDate) -> usize {
        self.schedule.partition_point(|l| l.due_on < on)
    }

    /// The dates of the payments counted.
    pub(crate) fn paid_dates(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.paid.iter().map(|(d, _)| *d)
    }
}

//! Vintage curves: 30+ DPD by months on book per disbursement month (账龄, DOMAIN §11).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::Money;

use super::{Month, MonthRow, Share};

/// One point of a cohort's curve.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VintagePoint {
    /// The disbursement month.
    pub cohort: Month,
    /// Months on book: the k-th month-end after disbursement (the disbursement month's own is 1).
    pub mob: i32,
    pub month: Month,
    /// The cohort's loans and disbursed principal.
    pub loans: u64,
    pub disbursed: Money,
    /// Of it, the loans with DPD ≥ 31 at that month-end.
    pub bad: Money,
    pub share: Share,
}

/// The curves from the month-ends given (month, its rows), for every cohort disbursed in one of
/// them: at each month-end, the share of the cohort's disbursed principal whose loans have DPD ≥ 31.
pub fn vintage(months: &[(Month, Vec<MonthRow>)]) -> Vec<VintagePoint> {
    let cohorts: Vec<Month> = months.iter().map(|(m, _)| *m).collect();
    let mut points = Vec::new();
    for (month, rows) in months {
        let mut by: BTreeMap<Month, (u64, Money, Money)> = BTreeMap::new();
        for row in rows.iter().filter(|r| cohorts.contains(&r.disbursed)) {
            let e = by.entry(row.disbursed).or_insert((0, Money::ZERO, Money::ZERO));
            e.0 += 1;
            e.1 += row.principal;
            if row.dpd >= 31 {
                e.2 += row.principal;
            }
        }
        for (cohort, (loans, disbursed, bad)) in by {
            points.push(VintagePoint {
                cohort,
                mob: cohort.months_to(*month) + 1,
                month: *month,
                loans,
                disbursed,
                bad,
                share: Share::of(bad.cents().into(), disbursed.cents().into()),
            });
        }
    }
    points.sort_by_key(|p| (p.cohort, p.mob));
    points
}

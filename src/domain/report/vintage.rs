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

/// A disbursement month's loans at one month-end: how many, their disbursed principal, and that
/// of those with DPD ≥ 31.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cohort {
    pub cohort: Month,
    pub loans: u64,
    pub disbursed: Money,
    pub bad: Money,
}

/// Every cohort among a month-end's rows, oldest first.
pub fn cohorts<'a>(rows: impl IntoIterator<Item = &'a MonthRow>) -> Vec<Cohort> {
    let mut by: BTreeMap<Month, Cohort> = BTreeMap::new();
    for row in rows {
        let e = by.entry(row.disbursed).or_insert(Cohort {
            cohort: row.disbursed,
            loans: 0,
            disbursed: Money::ZERO,
            bad: Money::ZERO,
        });
        e.loans += 1;
        e.disbursed += row.principal;
        if row.dpd >= 31 {
            e.bad += row.principal;
        }
    }
    by.into_values().collect()
}

/// The curves from the month-ends given (month, its rows), for every cohort disbursed in one of
/// them: at each month-end, the share of the cohort's disbursed principal whose loans have DPD ≥ 31.
pub fn vintage(months: &[(Month, Vec<MonthRow>)]) -> Vec<VintagePoint> {
    let tallies: Vec<(Month, Vec<Cohort>)> = months.iter().map(|(m, rows)| (*m, cohorts(rows))).collect();
    vintage_of(&tallies)
}

/// `vintage` from each month-end's cohorts.
pub fn vintage_of(months: &[(Month, Vec<Cohort>)]) -> Vec<VintagePoint> {
    let disbursed_in: Vec<Month> = months.iter().map(|(m, _)| *m).collect();
    let mut points = Vec::new();
    for (month, cohorts) in months {
        for c in cohorts.iter().filter(|c| disbursed_in.contains(&c.cohort)) {
            points.push(VintagePoint {
                cohort: c.cohort,
                mob: c.cohort.months_to(*month) + 1,
                month: *month,
                loans: c.loans,
                disbursed: c.disbursed,
                bad: c.bad,
                share: Share::of(c.bad.cents().into(), c.disbursed.cents().into()),
            });
        }
    }
    points.sort_by_key(|p| (p.cohort, p.mob));
    points
}

//! Large customers at a month-end (大额, DOMAIN §11).

use serde::Serialize;

use crate::domain::warning::{Level, WarningLevel};
use crate::domain::{Money, RiskClass};

use super::MonthRow;

/// A customer is large from this outstanding principal on.
pub const LARGE_EXPOSURE: Money = Money::from_cents(50_000_000);

/// A customer whose active loans' outstanding principal is at least `LARGE_EXPOSURE`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Large {
    pub customer: i64,
    pub loans: u64,
    pub outstanding: Money,
    pub overdue: Money,
    pub max_dpd: i64,
    /// The worst class among the customer's active loans.
    pub class: RiskClass,
    /// The highest warning level among them, and whether the customer was on the watchlist.
    pub warning: WarningLevel,
    pub watchlist: bool,
}

/// Large customers, largest outstanding first.
pub fn large<'a>(rows: impl IntoIterator<Item = &'a MonthRow>) -> Vec<Large> {
    // By customer through a sort: a book's worth of rows costs less sorted than hashed.
    let mut active: Vec<&MonthRow> = rows.into_iter().filter(|r| r.active()).collect();
    active.sort_unstable_by_key(|r| r.customer);
    let mut out: Vec<Large> = active
        .chunk_by(|a, b| a.customer == b.customer)
        .filter_map(|loans| {
            let mut c = Large {
                customer: loans[0].customer,
                loans: 0,
                outstanding: Money::ZERO,
                overdue: Money::ZERO,
                max_dpd: 0,
                class: RiskClass::Normal,
                warning: WarningLevel::None,
                watchlist: false,
            };
            for row in loans {
                c.loans += 1;
                c.outstanding += row.outstanding;
                c.overdue += row.overdue;
                c.max_dpd = c.max_dpd.max(row.dpd);
                c.class = c.class.max(row.class);
                c.warning = Level::highest(c.warning.level().into_iter().chain(row.warning.level())).into();
                c.watchlist |= row.watchlist;
            }
            (c.outstanding >= LARGE_EXPOSURE).then_some(c)
        })
        .collect();
    out.sort_by(|a, b| b.outstanding.cmp(&a.outstanding).then(a.customer.cmp(&b.customer)));
    out
}

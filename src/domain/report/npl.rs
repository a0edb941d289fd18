//! The NPL ratio at a month-end (DOMAIN §11).

use serde::Serialize;

use crate::domain::Money;

use super::{Month, MonthRow, Share};

/// One month-end's NPL picture.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NplPoint {
    pub month: Month,
    /// Active loans and their outstanding principal.
    pub loans: u64,
    pub outstanding: Money,
    /// Of them, substandard, doubtful or loss.
    pub npl_loans: u64,
    pub npl_outstanding: Money,
    /// `npl_outstanding ÷ outstanding`.
    pub ratio: Share,
}

impl NplPoint {
    /// The point from its sums, with its ratio.
    pub fn new(
        month: Month,
        loans: u64,
        outstanding: Money,
        npl_loans: u64,
        npl_outstanding: Money,
    ) -> NplPoint {
        let ratio = Share::of(npl_outstanding.cents().into(), outstanding.cents().into());
        NplPoint { month, loans, outstanding, npl_loans, npl_outstanding, ratio }
    }
}

/// NPL outstanding principal ÷ all outstanding principal of active loans at the month-end.
pub fn npl_point<'a>(month: Month, rows: impl IntoIterator<Item = &'a MonthRow>) -> NplPoint {
    let (mut loans, mut outstanding, mut npl_loans, mut npl_outstanding) = (0, Money::ZERO, 0, Money::ZERO);
    for row in rows.into_iter().filter(|r| r.active()) {
        loans += 1;
        outstanding += row.outstanding;
        if row.class.is_npl() {
            npl_loans += 1;
            npl_outstanding += row.outstanding;
        }
    }
    NplPoint::new(month, loans, outstanding, npl_loans, npl_outstanding)
}

//! The cure rate between two month-ends (DOMAIN §11).

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::{LoanStatus, Money};

use super::{MonthRow, Share};

/// Of the loans overdue at M1, those current or closed at M2.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cure {
    /// Loans with DPD ≥ 1 at M1 and their outstanding principal there.
    pub overdue_count: u64,
    pub overdue_principal: Money,
    /// Of them, DPD 0 (active) or closed at M2; principal as at M1.
    pub cured_count: u64,
    pub cured_principal: Money,
    pub count_rate: Share,
    pub principal_rate: Share,
}

pub fn cure(m1: &[MonthRow], m2: &[MonthRow]) -> Cure {
    let later: HashMap<i64, &MonthRow> = m2.iter().map(|r| (r.loan, r)).collect();
    let mut c = Cure {
        overdue_count: 0,
        overdue_principal: Money::ZERO,
        cured_count: 0,
        cured_principal: Money::ZERO,
        count_rate: Share::of(0, 0),
        principal_rate: Share::of(0, 0),
    };
    for row in m1.iter().filter(|r| r.active() && r.dpd >= 1) {
        let Some(next) = later.get(&row.loan) else { continue };
        c.overdue_count += 1;
        c.overdue_principal += row.outstanding;
        let cured = match next.status {
            LoanStatus::Closed => true,
            LoanStatus::Active => next.dpd == 0,
            LoanStatus::WrittenOff => false,
        };
        if cured {
            c.cured_count += 1;
            c.cured_principal += row.outstanding;
        }
    }
    c.count_rate = Share::of(c.cured_count.into(), c.overdue_count.into());
    c.principal_rate = Share::of(c.cured_principal.cents().into(), c.overdue_principal.cents().into());
    c
}

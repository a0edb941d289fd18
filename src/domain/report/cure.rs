//! The cure rate between two month-ends (DOMAIN §11).

use serde::Serialize;

use crate::domain::Money;

use super::{Flow, FlowKind, MonthRow, Share, roll_flows};

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
    cure_of(&roll_flows(m1, m2))
}

/// `cure` from the bucket flows between the two month-ends: overdue at M1 is any bucket after
/// M0 (DPD ≥ 1), cured is M0 or closed at M2.
pub fn cure_of(flows: &[Flow]) -> Cure {
    let kind = FlowKind::Bucket;
    let mut c = Cure {
        overdue_count: 0,
        overdue_principal: Money::ZERO,
        cured_count: 0,
        cured_principal: Money::ZERO,
        count_rate: Share::of(0, 0),
        principal_rate: Share::of(0, 0),
    };
    for flow in flows.iter().filter(|f| kind.rank(f.from) > 0) {
        c.overdue_count += flow.count;
        c.overdue_principal += flow.principal;
        if flow.to == "closed" || kind.rank(flow.to) == 0 {
            c.cured_count += flow.count;
            c.cured_principal += flow.principal;
        }
    }
    c.count_rate = Share::of(c.cured_count.into(), c.overdue_count.into());
    c.principal_rate = Share::of(c.cured_principal.cents().into(), c.overdue_principal.cents().into());
    c
}

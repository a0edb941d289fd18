//! The class migration matrix and migration rates between two month-ends (DOMAIN §11).

use serde::Serialize;

use crate::domain::{Money, RiskClass};

use super::{Flow, FlowKind, MonthRow, Share, flows};

/// The class migration matrix (五级分类迁徙矩阵).
pub fn class_flows(m1: &[MonthRow], m2: &[MonthRow]) -> Vec<Flow> {
    flows(m1, m2, FlowKind::Class)
}

/// A class's migration rate between two month-ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassRate {
    pub class: RiskClass,
    /// Outstanding principal of the class at M1.
    pub principal: Money,
    /// Of it, the loans closed or written off by M2 (left out of the base).
    pub left: Money,
    /// Of it, the loans in a worse class at M2.
    pub worse: Money,
    /// `worse ÷ (principal − left)`.
    pub rate: Share,
    /// For normal and special mention: the share that became non-performing.
    pub into_npl: Option<Share>,
}

/// Migration rates of every class that can get worse *(reg: CBIRC definition)*: principal at M1 of
/// the class's loans worse at M2 ÷ (principal of the class at M1 − that of its loans closed or
/// written off by M2).
pub fn migration_rates(m1: &[MonthRow], m2: &[MonthRow]) -> Vec<ClassRate> {
    migration_rates_of(&class_flows(m1, m2))
}

/// `migration_rates` from the class flows between the two month-ends.
pub fn migration_rates_of(flows: &[Flow]) -> Vec<ClassRate> {
    let kind = FlowKind::Class;
    let below_loss = &RiskClass::ALL[..RiskClass::ALL.len() - 1];
    below_loss
        .iter()
        .enumerate()
        .map(|(rank, &class)| {
            let (mut principal, mut left, mut worse, mut npl) =
                (Money::ZERO, Money::ZERO, Money::ZERO, Money::ZERO);
            for flow in flows.iter().filter(|f| kind.rank(f.from) == rank) {
                principal += flow.principal;
                let to = kind.rank(flow.to);
                if to >= kind.states() {
                    left += flow.principal;
                } else if to > rank {
                    worse += flow.principal;
                    if RiskClass::ALL[to].is_npl() {
                        npl += flow.principal;
                    }
                }
            }
            let base = i128::from((principal - left).cents());
            ClassRate {
                class,
                principal,
                left,
                worse,
                rate: Share::of(worse.cents().into(), base),
                into_npl: (!class.is_npl() && class < RiskClass::Substandard)
                    .then(|| Share::of(npl.cents().into(), base)),
            }
        })
        .collect()
}

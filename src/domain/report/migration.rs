//! The class migration matrix and migration rates between two month-ends (DOMAIN §11).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::domain::{LoanStatus, Money, RiskClass};

use super::{MonthRow, Share};

/// Loans that went from one state at the first month-end to one at the second: `count` loans and
/// their outstanding principal at the first (CONTRACT `report roll|migration`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flow {
    pub from: &'static str,
    pub to: &'static str,
    pub count: u64,
    pub principal: Money,
}

/// The flows from `from(row at M1)` to `to(row at M2)`, or `closed` / `written_off` at M2, of the
/// loans active at M1 (a loan disbursed after M1 has no row there). Ordered by `rank` of from, then
/// of to; only flows with loans in them.
pub fn flows(
    m1: &[MonthRow],
    m2: &[MonthRow],
    state: impl Fn(&MonthRow) -> &'static str,
    rank: impl Fn(&str) -> usize,
) -> Vec<Flow> {
    let later: HashMap<i64, &MonthRow> = m2.iter().map(|r| (r.loan, r)).collect();
    let mut cells: BTreeMap<(usize, usize), Flow> = BTreeMap::new();
    for row in m1.iter().filter(|r| r.active()) {
        let Some(next) = later.get(&row.loan) else { continue };
        let (from, to) = (state(row), ended(next).unwrap_or_else(|| state(next)));
        let cell = cells.entry((rank(from), rank(to))).or_insert(Flow {
            from,
            to,
            count: 0,
            principal: Money::ZERO,
        });
        cell.count += 1;
        cell.principal += row.outstanding;
    }
    cells.into_values().collect()
}

/// `closed` or `written_off` for a loan no longer active.
fn ended(row: &MonthRow) -> Option<&'static str> {
    match row.status {
        LoanStatus::Active => None,
        LoanStatus::Closed => Some("closed"),
        LoanStatus::WrittenOff => Some("written_off"),
    }
}

fn class_rank(word: &str) -> usize {
    RiskClass::ALL.iter().position(|c| c.as_str() == word).unwrap_or(match word {
        "closed" => 5,
        _ => 6,
    })
}

/// The class migration matrix (五级分类迁徙矩阵).
pub fn class_flows(m1: &[MonthRow], m2: &[MonthRow]) -> Vec<Flow> {
    flows(m1, m2, |r| r.class.as_str(), class_rank)
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
    let later: HashMap<i64, &MonthRow> = m2.iter().map(|r| (r.loan, r)).collect();
    let below_loss = &RiskClass::ALL[..RiskClass::ALL.len() - 1];
    below_loss
        .iter()
        .map(|&class| {
            let (mut principal, mut left, mut worse, mut npl) =
                (Money::ZERO, Money::ZERO, Money::ZERO, Money::ZERO);
            for (row, next) in m1
                .iter()
                .filter(|r| r.active() && r.class == class)
                .filter_map(|r| later.get(&r.loan).map(|n| (r, n)))
            {
                principal += row.outstanding;
                if !next.active() {
                    left += row.outstanding;
                } else if next.class > class {
                    worse += row.outstanding;
                    if next.class.is_npl() {
                        npl += row.outstanding;
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

//! The class migration matrix and migration rates between two month-ends (DOMAIN §11).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::domain::{Bucket, LoanStatus, Money, RiskClass};

use super::{By, MonthRow, Share, group_of};

/// Loans that went from one state at the first month-end to one at the second: `count` loans and
/// their outstanding principal at the first (CONTRACT `report roll|migration`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Flow {
    pub from: &'static str,
    pub to: &'static str,
    pub count: u64,
    pub principal: Money,
}

/// What a flow follows from one month-end to the next: the class or the DPD bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FlowKind {
    Class,
    Bucket,
}

impl FlowKind {
    /// The words a flow of this kind goes between, in order: the states, then `closed` and
    /// `written_off`.
    pub fn words(self) -> Vec<&'static str> {
        let mut words: Vec<&'static str> = match self {
            FlowKind::Class => RiskClass::ALL.iter().map(|c| c.as_str()).collect(),
            FlowKind::Bucket => Bucket::ALL.iter().map(|b| b.as_str()).collect(),
        };
        words.extend(["closed", "written_off"]);
        words
    }

    /// A word's place in `words` (past the end for a word not there).
    pub fn rank(self, word: &str) -> usize {
        let words = self.words();
        words.iter().position(|w| *w == word).unwrap_or(words.len())
    }

    /// The word at `rank`.
    pub fn word(self, rank: usize) -> Option<&'static str> {
        self.words().get(rank).copied()
    }

    fn state(self, row: &MonthRow) -> &'static str {
        match self {
            FlowKind::Class => row.class.as_str(),
            FlowKind::Bucket => row.bucket().as_str(),
        }
    }

    /// How many states there are before `closed`.
    fn states(self) -> usize {
        match self {
            FlowKind::Class => RiskClass::ALL.len(),
            FlowKind::Bucket => Bucket::ALL.len(),
        }
    }
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
    flows_in(m1.iter(), &by_loan(m2), state, rank)
}

fn by_loan(rows: &[MonthRow]) -> HashMap<i64, &MonthRow> {
    rows.iter().map(|r| (r.loan, r)).collect()
}

fn flows_in<'a>(
    m1: impl Iterator<Item = &'a MonthRow>,
    later: &HashMap<i64, &MonthRow>,
    state: impl Fn(&MonthRow) -> &'static str,
    rank: impl Fn(&str) -> usize,
) -> Vec<Flow> {
    let mut cells: BTreeMap<(usize, usize), Flow> = BTreeMap::new();
    for row in m1.filter(|r| r.active()) {
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

/// The flows of `kind` of each group of the loans at M1 (`by` their group there; one group, `None`,
/// for the whole book), every group with a row at M1 listed, with flows or without.
pub fn grouped_flows(m1: &[MonthRow], m2: &[MonthRow], by: Option<By>, kind: FlowKind) -> GroupFlows {
    grouped_flows_each(m1, m2, &[by], &[kind]).pop().map(|(_, _, g)| g).unwrap_or_default()
}

/// Each group's flows, `None` the whole book.
pub type GroupFlows = BTreeMap<Option<String>, Vec<Flow>>;

/// `grouped_flows` for each grouping and kind asked, the second month-end's rows indexed once.
pub fn grouped_flows_each(
    m1: &[MonthRow],
    m2: &[MonthRow],
    bys: &[Option<By>],
    kinds: &[FlowKind],
) -> Vec<(Option<By>, FlowKind, GroupFlows)> {
    let later = by_loan(m2);
    let mut out = Vec::new();
    for &by in bys {
        let mut groups: BTreeMap<Option<String>, Vec<&MonthRow>> = BTreeMap::new();
        for row in m1 {
            groups.entry(group_of(by, row)).or_default().push(row);
        }
        for &kind in kinds {
            let flows = groups
                .iter()
                .map(|(group, rows)| {
                    (
                        group.clone(),
                        flows_in(rows.iter().copied(), &later, |r| kind.state(r), |w| kind.rank(w)),
                    )
                })
                .collect();
            out.push((by, kind, flows));
        }
    }
    out
}

/// `closed` or `written_off` for a loan no longer active.
fn ended(row: &MonthRow) -> Option<&'static str> {
    match row.status {
        LoanStatus::Active => None,
        LoanStatus::Closed => Some("closed"),
        LoanStatus::WrittenOff => Some("written_off"),
    }
}

/// The class migration matrix (五级分类迁徙矩阵).
pub fn class_flows(m1: &[MonthRow], m2: &[MonthRow]) -> Vec<Flow> {
    flows(m1, m2, |r| FlowKind::Class.state(r), |w| FlowKind::Class.rank(w))
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

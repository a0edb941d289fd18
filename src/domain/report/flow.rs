//! Loans followed from one month-end to a later one: each loan active at the first paired with its
//! row at the second, counted by its state at both (DOMAIN §11's migration and roll tables).

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::domain::{Bucket, LoanStatus, Money, RiskClass};

use super::{By, MonthRow};

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

const CLASS_WORDS: [&str; 7] =
    ["normal", "special_mention", "substandard", "doubtful", "loss", "closed", "written_off"];
const BUCKET_WORDS: [&str; 10] = ["M0", "M1", "M2", "M3", "M4", "M5", "M6", "M7+", "closed", "written_off"];

impl FlowKind {
    /// The words a flow of this kind goes between, in order: the states, then `closed` and
    /// `written_off`.
    pub fn words(self) -> &'static [&'static str] {
        match self {
            FlowKind::Class => &CLASS_WORDS,
            FlowKind::Bucket => &BUCKET_WORDS,
        }
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

    /// How many states there are before `closed`.
    pub(super) fn states(self) -> usize {
        self.words().len() - 2
    }

    /// The rank of an active loan's state.
    fn state_rank(self, row: &MonthRow) -> usize {
        match self {
            FlowKind::Class => RiskClass::ALL.iter().position(|c| *c == row.class),
            FlowKind::Bucket => Bucket::ALL.iter().position(|b| *b == row.bucket()),
        }
        .unwrap_or(0)
    }

    /// The rank of a loan's state at the second month-end: `closed` and `written_off` after the
    /// states.
    fn end_rank(self, row: &MonthRow) -> usize {
        match row.status {
            LoanStatus::Active => self.state_rank(row),
            LoanStatus::Closed => self.states(),
            LoanStatus::WrittenOff => self.states() + 1,
        }
    }
}

/// Counts and principal per (from, to) rank, before they are listed as flows.
struct Cells {
    kind: FlowKind,
    cells: Vec<(u64, Money)>,
}

impl Cells {
    fn new(kind: FlowKind) -> Cells {
        let n = kind.words().len();
        Cells { kind, cells: vec![(0, Money::ZERO); n * n] }
    }

    fn add(&mut self, m1: &MonthRow, m2: &MonthRow) {
        let n = self.kind.words().len();
        let cell = &mut self.cells[self.kind.state_rank(m1) * n + self.kind.end_rank(m2)];
        cell.0 += 1;
        cell.1 += m1.outstanding;
    }

    /// The cells with loans in them, by rank of from, then of to.
    fn flows(&self) -> Vec<Flow> {
        let words = self.kind.words();
        let n = words.len();
        self.cells
            .iter()
            .enumerate()
            .filter(|(_, (count, _))| *count > 0)
            .map(|(i, &(count, principal))| Flow { from: words[i / n], to: words[i % n], count, principal })
            .collect()
    }
}

/// Each row of `m1` with the same loan's row in `m2`, if it has one. Month-end rows come in loan
/// order, and then the two are walked side by side; otherwise `m2` is looked up by loan.
fn partners<'a>(m1: &[MonthRow], m2: &'a [MonthRow]) -> Vec<Option<&'a MonthRow>> {
    let sorted = |rows: &[MonthRow]| rows.windows(2).all(|w| w[0].loan < w[1].loan);
    if sorted(m1) && sorted(m2) {
        let mut later = m2.iter().peekable();
        return m1
            .iter()
            .map(|row| {
                while later.next_if(|r| r.loan < row.loan).is_some() {}
                later.next_if(|r| r.loan == row.loan)
            })
            .collect();
    }
    let by_loan: HashMap<i64, &MonthRow> = m2.iter().map(|r| (r.loan, r)).collect();
    m1.iter().map(|row| by_loan.get(&row.loan).copied()).collect()
}

/// The flows of `kind` from the state at M1 to the state at M2 (or `closed` / `written_off` there)
/// of the loans active at M1 (a loan disbursed after M1 has no row there). Ordered by rank of
/// from, then of to; only flows with loans in them.
pub fn flows(m1: &[MonthRow], m2: &[MonthRow], kind: FlowKind) -> Vec<Flow> {
    grouped_flows(m1, m2, None, kind).into_values().next().unwrap_or_default()
}

/// The flows of `kind` of each group of the loans at M1 (`by` their group there; one group, `None`,
/// for the whole book), every group with a row at M1 listed, with flows or without.
pub fn grouped_flows(m1: &[MonthRow], m2: &[MonthRow], by: Option<By>, kind: FlowKind) -> GroupFlows {
    grouped_flows_each(m1, m2, &[by], &[kind]).pop().map(|(_, _, g)| g).unwrap_or_default()
}

/// Each group's flows, `None` the whole book.
pub type GroupFlows = BTreeMap<Option<String>, Vec<Flow>>;

/// `grouped_flows` for each grouping and kind asked, the loans paired once.
pub fn grouped_flows_each(
    m1: &[MonthRow],
    m2: &[MonthRow],
    bys: &[Option<By>],
    kinds: &[FlowKind],
) -> Vec<(Option<By>, FlowKind, GroupFlows)> {
    let partners = partners(m1, m2);
    let mut out = Vec::new();
    for &by in bys {
        let mut groups: BTreeMap<Option<&str>, Vec<Cells>> = BTreeMap::new();
        for (row, later) in m1.iter().zip(&partners) {
            let cells = groups
                .entry(by.map(|b| b.word(row)))
                .or_insert_with(|| kinds.iter().map(|&k| Cells::new(k)).collect());
            if let (true, Some(later)) = (row.active(), later) {
                cells.iter_mut().for_each(|c| c.add(row, later));
            }
        }
        let mut each: Vec<GroupFlows> = kinds.iter().map(|_| GroupFlows::new()).collect();
        for (group, cells) in groups {
            for (flows, c) in each.iter_mut().zip(cells) {
                flows.insert(group.map(str::to_string), c.flows());
            }
        }
        out.extend(kinds.iter().zip(each).map(|(&kind, flows)| (by, kind, flows)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_words_are_the_states_words_then_the_ends() {
        let class: Vec<&str> = RiskClass::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(&CLASS_WORDS[..5], &class[..]);
        let bucket: Vec<&str> = Bucket::ALL.iter().map(|b| b.as_str()).collect();
        assert_eq!(&BUCKET_WORDS[..8], &bucket[..]);
        for kind in [FlowKind::Class, FlowKind::Bucket] {
            assert_eq!(&kind.words()[kind.states()..], &["closed", "written_off"]);
        }
    }
}

//! Roll rates between two month-ends: bucket to bucket, by count and by principal (DOMAIN §11).

use serde::Serialize;

use crate::domain::{Bucket, Money};

use super::{Flow, FlowKind, MonthRow, Share, flows};

/// Every from × to bucket flow of the loans active at M1 (`closed`, `written_off` at M2 too).
pub fn roll_flows(m1: &[MonthRow], m2: &[MonthRow]) -> Vec<Flow> {
    flows(m1, m2, FlowKind::Bucket)
}

/// The roll rate Mi → Mi+1.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RollRate {
    pub from: Bucket,
    pub to: Bucket,
    /// Loans and principal in `from` at M1.
    pub count: u64,
    pub principal: Money,
    /// Of them, in `to` at M2.
    pub rolled_count: u64,
    pub rolled_principal: Money,
    /// `rolled_principal ÷ principal`.
    pub rate: Share,
    /// `rolled_count ÷ count`.
    pub count_rate: Share,
}

/// Roll rates Mi → Mi+1 for i = 0…6: principal at M1 of the loans in Mi at M1 that are in Mi+1 at
/// M2 ÷ principal at M1 of the loans in Mi at M1 (closed and written off included in the base).
pub fn roll_rates(m1: &[MonthRow], m2: &[MonthRow]) -> Vec<RollRate> {
    roll_rates_of(&roll_flows(m1, m2))
}

/// `roll_rates` from the bucket flows between the two month-ends.
pub fn roll_rates_of(flows: &[Flow]) -> Vec<RollRate> {
    let kind = FlowKind::Bucket;
    Bucket::ALL
        .windows(2)
        .enumerate()
        .map(|(rank, pair)| {
            let mut rate = RollRate {
                from: pair[0],
                to: pair[1],
                count: 0,
                principal: Money::ZERO,
                rolled_count: 0,
                rolled_principal: Money::ZERO,
                rate: Share::of(0, 0),
                count_rate: Share::of(0, 0),
            };
            for flow in flows.iter().filter(|f| kind.rank(f.from) == rank) {
                rate.count += flow.count;
                rate.principal += flow.principal;
                if kind.rank(flow.to) == rank + 1 {
                    rate.rolled_count += flow.count;
                    rate.rolled_principal += flow.principal;
                }
            }
            rate.rate = Share::of(rate.rolled_principal.cents().into(), rate.principal.cents().into());
            rate.count_rate = Share::of(rate.rolled_count.into(), rate.count.into());
            rate
        })
        .collect()
}

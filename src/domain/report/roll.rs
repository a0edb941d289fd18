//! Roll rates between two month-ends: bucket to bucket, by count and by principal (DOMAIN §11).

use std::collections::HashMap;

use serde::Serialize;

use crate::domain::{Bucket, Money};

use super::migration::flows;
use super::{Flow, MonthRow, Share};

fn bucket_rank(word: &str) -> usize {
    Bucket::ALL.iter().position(|b| b.as_str() == word).unwrap_or(match word {
        "closed" => 8,
        _ => 9,
    })
}

/// Every from × to bucket flow of the loans active at M1 (`closed`, `written_off` at M2 too).
pub fn roll_flows(m1: &[MonthRow], m2: &[MonthRow]) -> Vec<Flow> {
    flows(m1, m2, |r| r.bucket().as_str(), bucket_rank)
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
    let later: HashMap<i64, &MonthRow> = m2.iter().map(|r| (r.loan, r)).collect();
    Bucket::ALL
        .windows(2)
        .map(|pair| {
            let (from, to) = (pair[0], pair[1]);
            let mut rate = RollRate {
                from,
                to,
                count: 0,
                principal: Money::ZERO,
                rolled_count: 0,
                rolled_principal: Money::ZERO,
                rate: Share::of(0, 0),
                count_rate: Share::of(0, 0),
            };
            for row in m1.iter().filter(|r| r.active() && r.bucket() == from) {
                let Some(next) = later.get(&row.loan) else { continue };
                rate.count += 1;
                rate.principal += row.outstanding;
                if next.active() && next.bucket() == to {
                    rate.rolled_count += 1;
                    rate.rolled_principal += row.outstanding;
                }
            }
            rate.rate = Share::of(rate.rolled_principal.cents().into(), rate.principal.cents().into());
            rate.count_rate = Share::of(rate.rolled_count.into(), rate.count.into());
            rate
        })
        .collect()
}

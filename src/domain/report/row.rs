//! A loan at a month-end, as the reports read it.

use std::sync::Arc;

use crate::domain::warning::WarningLevel;
use crate::domain::{Bucket, LoanStatus, Money, Product, RiskClass, Stage};

use super::Month;

/// One loan's month-end row (DOMAIN §11): what the reports need and nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthRow {
    pub loan: i64,
    pub customer: i64,
    pub status: LoanStatus,
    pub dpd: i64,
    /// DOMAIN §5's class on the month-end, every rule included.
    pub class: RiskClass,
    pub outstanding: Money,
    pub overdue: Money,
    /// The principal disbursed.
    pub principal: Money,
    pub disbursed: Month,
    pub product: Product,
    /// The owner's login and the branch's name: shared by every row of the same one.
    pub owner: Option<Arc<str>>,
    pub branch: Option<Arc<str>>,
    /// The loan's warning level and whether its customer was on the watchlist that day.
    pub warning: WarningLevel,
    pub watchlist: bool,
    /// The loan's collection stage that day.
    pub stage: Stage,
}

impl MonthRow {
    pub fn bucket(&self) -> Bucket {
        Bucket::for_dpd(self.dpd)
    }

    pub fn active(&self) -> bool {
        self.status == LoanStatus::Active
    }
}

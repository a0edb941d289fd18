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

/// NPL outstanding principal ÷ all outstanding principal of active loans at the month-end.
pub fn npl_point(month: Month, rows: &[MonthRow]) -> NplPoint {
    let active: Vec<&MonthRow> = rows.iter().filter(|r| r.active()).collect();
    let outstanding: Money = active.iter().map(|r| r.outstanding).sum();
    let npl: Vec<&&MonthRow> = active.iter().filter(|r| r.class.is_npl()).collect();
    let npl_outstanding: Money = npl.iter().map(|r| r.outstanding).sum();
    NplPoint {
        month,
        loans: active.len() as u64,
        outstanding,
        npl_loans: npl.len() as u64,
        npl_outstanding,
        ratio: Share::of(npl_outstanding.cents().into(), outstanding.cents().into()),
    }
}

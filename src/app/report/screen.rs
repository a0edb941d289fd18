//! What the desk's Reports screen draws for a month-end: the migration matrix and roll rates from
//! the month-end before it, the NPL ratio over the twelve month-ends up to it and the vintage
//! curves of the cohorts disbursed in them, all from month-end rows; and the team's scorecards of
//! that month.

use serde::Serialize;

use super::figures::{By, FlowRow, NplRow, RateRow, ReportSpan, VintageRow};
use crate::app::scorecard::Scorecard;
use crate::app::{AppError, Desk, Result};
use crate::domain::Role;
use crate::domain::report::Month;
use crate::store;

/// Month-ends the NPL line and the vintage curves go back over.
pub const HISTORY_MONTHS: i32 = 12;

/// The Reports screen's figures for one month-end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportsView {
    /// Every month-end recorded, oldest first.
    pub months: Vec<Month>,
    /// The month-end shown (M2) and the one it is compared with (M1), if recorded.
    pub month: Month,
    pub prev: Option<Month>,
    pub by: Option<By>,
    pub migration: Vec<FlowRow>,
    pub roll: Vec<FlowRow>,
    pub roll_rates: Vec<RateRow>,
    pub npl: Vec<NplRow>,
    pub vintage: Vec<VintageRow>,
    /// The team's scorecards of the month (DOMAIN §12).
    pub scorecards: Vec<Scorecard>,
}

impl Desk {
    /// The Reports screen's figures for `month` (the latest recorded when none is asked).
    pub fn reports_view(&self, month: Option<Month>, by: Option<By>) -> Result<ReportsView> {
        self.actor.require(Role::Supervisor, "the risk reports")?;
        let months: Vec<Month> = store::month_ends(self.store.conn())?.into_iter().map(|m| m.month).collect();
        let Some(&latest) = months.last() else {
            return Err(AppError::Refused(
                "no month-end recorded yet: the nightly run records each month-end it passes, and \
                 `duedesk report capture --month YYYY-MM` computes a past one"
                    .into(),
            ));
        };
        let month = month.filter(|m| months.contains(m)).unwrap_or(latest);
        let prev = months.iter().rev().find(|m| **m < month).copied();
        let (migration, roll, roll_rates) = match prev {
            Some(prev) => {
                let span = ReportSpan { from: prev, to: month, by: None };
                (self.report_migration(span)?, self.report_roll(span)?, self.report_roll_rates(span)?)
            }
            None => (Vec::new(), Vec::new(), Vec::new()),
        };
        let history = ReportSpan { from: month.plus(1 - HISTORY_MONTHS), to: month, by };
        let npl = self.report_npl(history)?;
        let vintage = self.report_vintage(ReportSpan { by: None, ..history })?;
        let scorecards = self.scorecards(month, None)?;
        Ok(ReportsView { months, month, prev, by, migration, roll, roll_rates, npl, vintage, scorecards })
    }
}

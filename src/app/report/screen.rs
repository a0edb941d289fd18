//! What the desk's Reports screen draws for a month-end, one view at a time: the migration matrix
//! and roll rates from the month-end before it, the NPL ratio over the twelve month-ends up to it
//! and the vintage curves of the cohorts disbursed in them, all from month-end rows; and the
//! team's scorecards of that month. Each view's figures are read when the view is first shown,
//! so the first chart waits for its own rows only.

use serde::Serialize;

use super::figures::{By, FlowRow, NplRow, RateRow, ReportSpan, VintageRow};
use crate::app::scorecard::Scorecard;
use crate::app::{AppError, Desk, Result};
use crate::domain::Role;
use crate::domain::report::Month;
use crate::store;

/// Month-ends the NPL line and the vintage curves go back over.
pub const HISTORY_MONTHS: i32 = 12;

text_enum!(
    /// What the Reports screen shows.
    ReportPane, "report view", {
        Migration => "migration",
        Roll => "roll",
        Npl => "npl",
        Vintage => "vintage",
        Scorecard => "scorecard",
    }
);

/// The Reports screen's figures for one month-end: those of the views in `panes`, the others
/// empty until asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportsView {
    /// Every month-end recorded, oldest first.
    pub months: Vec<Month>,
    /// The month-end shown (M2) and the one it is compared with (M1), if recorded.
    pub month: Month,
    pub prev: Option<Month>,
    pub by: Option<By>,
    /// The views whose figures are here.
    pub panes: Vec<ReportPane>,
    pub migration: Vec<FlowRow>,
    pub roll: Vec<FlowRow>,
    pub roll_rates: Vec<RateRow>,
    pub npl: Vec<NplRow>,
    pub vintage: Vec<VintageRow>,
    /// The team's scorecards of the month (DOMAIN §12).
    pub scorecards: Vec<Scorecard>,
}

impl ReportsView {
    pub fn has(&self, pane: ReportPane) -> bool {
        self.panes.contains(&pane)
    }

    /// Whether `other` answers for the same month-end and grouping, so its views add to these.
    pub fn same_question(&self, other: &ReportsView) -> bool {
        (self.month, self.by, &self.months) == (other.month, other.by, &other.months)
    }

    /// Takes `other`'s views into these (asked for the same month-end and grouping).
    pub fn merge(&mut self, other: ReportsView) {
        let ReportsView { panes, migration, roll, roll_rates, npl, vintage, scorecards, .. } = other;
        for pane in panes {
            if self.has(pane) {
                continue;
            }
            match pane {
                ReportPane::Migration => self.migration.clone_from(&migration),
                ReportPane::Roll => {
                    self.roll.clone_from(&roll);
                    self.roll_rates.clone_from(&roll_rates);
                }
                ReportPane::Npl => self.npl.clone_from(&npl),
                ReportPane::Vintage => self.vintage.clone_from(&vintage),
                ReportPane::Scorecard => self.scorecards.clone_from(&scorecards),
            }
            self.panes.push(pane);
        }
    }
}

impl Desk {
    /// The Reports screen's figures for `month` (the latest recorded when none is asked), of the
    /// views in `panes` only.
    pub fn reports_view(
        &self,
        month: Option<Month>,
        by: Option<By>,
        panes: &[ReportPane],
    ) -> Result<ReportsView> {
        self.actor.require(Role::Supervisor, "the risk reports")?;
        let months: Vec<Month> = store::month_ends(self.store.db())?.into_iter().map(|m| m.month).collect();
        let Some(&latest) = months.last() else {
            return Err(AppError::Refused(
                "no month-end recorded yet: the nightly run records each month-end it passes, and \
                 `duedesk report capture --month YYYY-MM` computes a past one"
                    .into(),
            ));
        };
        let month = month.filter(|m| months.contains(m)).unwrap_or(latest);
        let prev = months.iter().rev().find(|m| **m < month).copied();
        let mut view = ReportsView {
            months,
            month,
            prev,
            by,
            panes: Vec::new(),
            migration: Vec::new(),
            roll: Vec::new(),
            roll_rates: Vec::new(),
            npl: Vec::new(),
            vintage: Vec::new(),
            scorecards: Vec::new(),
        };
        let history = ReportSpan { from: month.plus(1 - HISTORY_MONTHS), to: month, by };
        for &pane in panes {
            if view.has(pane) {
                continue;
            }
            let span = prev.map(|prev| ReportSpan { from: prev, to: month, by: None });
            match (pane, span) {
                (ReportPane::Migration, Some(span)) => view.migration = self.report_migration(span)?,
                (ReportPane::Roll, Some(span)) => {
                    view.roll = self.report_roll(span)?;
                    view.roll_rates = self.report_roll_rates(span)?;
                }
                (ReportPane::Migration | ReportPane::Roll, None) => {}
                (ReportPane::Npl, _) => view.npl = self.report_npl(history)?,
                (ReportPane::Vintage, _) => {
                    view.vintage = self.report_vintage(ReportSpan { by: None, ..history })?
                }
                (ReportPane::Scorecard, _) => view.scorecards = self.scorecards(month, None)?,
            }
            view.panes.push(pane);
        }
        Ok(view)
    }
}

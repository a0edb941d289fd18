//! Each report of DOMAIN §11 from the month-end rows of the months asked, whole or by branch,
//! product or owner: the rows read from the store, the figures from `domain::report`.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::app::{AppError, Desk, Result};
use crate::domain::report::{self, Cohort, Flow, FlowKind, Month, MonthRow, Share};
use crate::domain::warning::WarningLevel;
use crate::domain::{Money, RiskClass, Role};
use crate::store::{self, RowsAsked};

pub use crate::domain::report::By;

/// The month-ends a report compares (M1 < M2), or the months it runs over, and its grouping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportSpan {
    pub from: Month,
    pub to: Month,
    pub by: Option<By>,
}

/// A migration or roll flow (CONTRACT `report roll|migration`), with its group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FlowRow {
    pub group: Option<String>,
    pub from: &'static str,
    pub to: &'static str,
    pub count: u64,
    pub principal: Money,
}

/// A class's migration rate or a bucket's roll rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateRow {
    pub group: Option<String>,
    pub from: &'static str,
    pub to: &'static str,
    pub count: u64,
    pub principal: Money,
    /// The base the rate is of: for migration, the principal less what closed or was written off.
    pub base: Money,
    pub moved: Money,
    pub rate: Share,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NplRow {
    pub group: Option<String>,
    pub month: Month,
    pub loans: u64,
    pub outstanding: Money,
    pub npl_loans: u64,
    pub npl_outstanding: Money,
    pub ratio: Share,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VintageRow {
    pub group: Option<String>,
    pub cohort: Month,
    pub mob: i32,
    pub month: Month,
    pub loans: u64,
    pub disbursed: Money,
    pub bad: Money,
    pub share: Share,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CureRow {
    pub group: Option<String>,
    pub overdue_count: u64,
    pub overdue_principal: Money,
    pub cured_count: u64,
    pub cured_principal: Money,
    pub count_rate: Share,
    pub principal_rate: Share,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LargeRow {
    pub group: Option<String>,
    pub month: Month,
    pub customer_id: String,
    pub loans: u64,
    pub outstanding: Money,
    pub overdue: Money,
    pub max_dpd: i64,
    pub class: RiskClass,
    /// `null` for a month-end recorded before month-end rows kept warnings.
    pub warning_level: Option<WarningLevel>,
    pub watchlist: Option<bool>,
}

impl Desk {
    /// Refused unless the month-end is recorded. Reports are for supervisors.
    fn recorded(&self, month: Month) -> Result<()> {
        self.actor.require(Role::Supervisor, "the risk reports")?;
        if store::month_end_info(self.store.db(), month)?.is_none() {
            return Err(AppError::Refused(format!(
                "no month-end recorded for {month}: the nightly run records each month-end it passes, and \
                 `duedesk report capture --month {month}` computes a past one from the ledger"
            )));
        }
        Ok(())
    }

    /// A month-end's rows, refused unless it is recorded.
    fn rows_of(&self, month: Month, asked: RowsAsked) -> Result<Vec<MonthRow>> {
        self.recorded(month)?;
        Ok(self.store.month_rows(month, asked)?)
    }

    /// Whether a month-end's own aggregates answer for it.
    fn use_aggregates(&self, month: Month) -> Result<bool> {
        Ok(store::aggregated(self.store.db(), month)?)
    }

    /// A recorded month-end's figures of `T` for each group: from its aggregates, or from its rows.
    fn per_group<T>(
        &self,
        month: Month,
        by: Option<By>,
        stored: fn(store::Db<'_>, Month, Option<By>) -> store::Result<store::Grouped<T>>,
        compute: impl Fn(&[&MonthRow]) -> T,
    ) -> Result<Vec<(Option<String>, T)>> {
        if self.use_aggregates(month)? {
            return Ok(stored(self.store.db(), month, by)?);
        }
        self.grouped_rows(month, by, compute)
    }

    /// Each group's figure computed from the month-end's rows.
    fn grouped_rows<T>(
        &self,
        month: Month,
        by: Option<By>,
        compute: impl Fn(&[&MonthRow]) -> T,
    ) -> Result<Vec<(Option<String>, T)>> {
        let rows = self.rows_of(month, RowsAsked { by, ..RowsAsked::WHOLE })?;
        Ok(report::group_rows(by, &rows)
            .into_iter()
            .map(|(g, rows)| (g.map(str::to_string), compute(&rows)))
            .collect())
    }

    /// The flows of `kind` of each group between the two month-ends: from the aggregates written
    /// with them when they are a month apart, else from their rows.
    fn pair_flows(&self, span: ReportSpan, kind: FlowKind) -> Result<Vec<(Option<String>, Vec<Flow>)>> {
        if span.from >= span.to {
            return Err(AppError::Input(format!(
                "--from {} must be a month before --to {}",
                span.from, span.to
            )));
        }
        self.recorded(span.from)?;
        self.recorded(span.to)?;
        let conn = self.store.db();
        if span.to == span.from.plus(1) && store::pair_aggregated(conn, span.from)? {
            return Ok(store::agg_flows(conn, span.from, span.by, kind)?);
        }
        // Grouped by where a loan was at M1: the names of M2 are not needed.
        let m1 = self.rows_of(span.from, RowsAsked::part(span.by, false))?;
        let m2 = self.rows_of(span.to, RowsAsked::part(None, false))?;
        Ok(report::grouped_flows(&m1, &m2, span.by, kind).into_iter().collect())
    }

    /// The month-ends from `from` to `to`, recorded ones only, refused when none is.
    fn months(&self, from: Month, to: Month) -> Result<Vec<Month>> {
        if from > to {
            return Err(AppError::Input(format!("--from {from} must not be after --to {to}")));
        }
        self.actor.require(Role::Supervisor, "the risk reports")?;
        let months: Vec<Month> = store::month_ends(self.store.db())?
            .into_iter()
            .map(|m| m.month)
            .filter(|m| (from..=to).contains(m))
            .collect();
        if months.is_empty() {
            return Err(AppError::Refused(format!(
                "no month-end recorded from {from} to {to}: `duedesk report capture --month {to}` computes one"
            )));
        }
        Ok(months)
    }

    /// The class migration matrix between two month-ends.
    pub fn report_migration(&self, span: ReportSpan) -> Result<Vec<FlowRow>> {
        self.flows(span, FlowKind::Class)
    }

    /// The roll flows, bucket × bucket, between two month-ends.
    pub fn report_roll(&self, span: ReportSpan) -> Result<Vec<FlowRow>> {
        self.flows(span, FlowKind::Bucket)
    }

    fn flows(&self, span: ReportSpan, kind: FlowKind) -> Result<Vec<FlowRow>> {
        Ok(self
            .pair_flows(span, kind)?
            .into_iter()
            .flat_map(|(group, flows)| {
                flows.into_iter().map(move |x| FlowRow {
                    group: group.clone(),
                    from: x.from,
                    to: x.to,
                    count: x.count,
                    principal: x.principal,
                })
            })
            .collect())
    }

    /// Migration rates of each class (`to` = `worse`), and into NPL for normal and special mention.
    pub fn report_migration_rates(&self, span: ReportSpan) -> Result<Vec<RateRow>> {
        let mut out = Vec::new();
        for (group, flows) in self.pair_flows(span, FlowKind::Class)? {
            for r in report::migration_rates_of(&flows) {
                let base = r.principal - r.left;
                out.push(RateRow {
                    group: group.clone(),
                    from: r.class.as_str(),
                    to: "worse",
                    count: 0,
                    principal: r.principal,
                    base,
                    moved: r.worse,
                    rate: r.rate,
                });
                if let Some(npl) = r.into_npl {
                    out.push(RateRow {
                        to: "npl",
                        moved: Money::ZERO,
                        rate: npl,
                        ..out[out.len() - 1].clone()
                    });
                }
            }
        }
        Ok(out)
    }

    /// Roll rates Mi → Mi+1.
    pub fn report_roll_rates(&self, span: ReportSpan) -> Result<Vec<RateRow>> {
        let mut out = Vec::new();
        for (group, flows) in self.pair_flows(span, FlowKind::Bucket)? {
            out.extend(report::roll_rates_of(&flows).into_iter().map(|r| RateRow {
                group: group.clone(),
                from: r.from.as_str(),
                to: r.to.as_str(),
                count: r.count,
                principal: r.principal,
                base: r.principal,
                moved: r.rolled_principal,
                rate: r.rate,
            }));
        }
        Ok(out)
    }

    /// The cure rate between two month-ends.
    pub fn report_cure(&self, span: ReportSpan) -> Result<Vec<CureRow>> {
        Ok(self
            .pair_flows(span, FlowKind::Bucket)?
            .into_iter()
            .map(|(group, flows)| {
                let c = report::cure_of(&flows);
                CureRow {
                    group,
                    overdue_count: c.overdue_count,
                    overdue_principal: c.overdue_principal,
                    cured_count: c.cured_count,
                    cured_principal: c.cured_principal,
                    count_rate: c.count_rate,
                    principal_rate: c.principal_rate,
                }
            })
            .collect())
    }

    /// The NPL ratio at each recorded month-end from `from` to `to`.
    pub fn report_npl(&self, span: ReportSpan) -> Result<Vec<NplRow>> {
        let mut out = Vec::new();
        for month in self.months(span.from, span.to)? {
            for (group, p) in self.per_group(
                month,
                span.by,
                |c, m, b| store::agg_npl(c, m, b),
                |rows| report::npl_point(month, rows.iter().copied()),
            )? {
                out.push(NplRow {
                    group,
                    month,
                    loans: p.loans,
                    outstanding: p.outstanding,
                    npl_loans: p.npl_loans,
                    npl_outstanding: p.npl_outstanding,
                    ratio: p.ratio,
                });
            }
        }
        out.sort_by(|a, b| (&a.group, a.month).cmp(&(&b.group, b.month)));
        Ok(out)
    }

    /// Vintage curves of the cohorts disbursed in the recorded months from `from` to `to`.
    pub fn report_vintage(&self, span: ReportSpan) -> Result<Vec<VintageRow>> {
        let mut by_group: BTreeMap<Option<String>, Vec<(Month, Vec<Cohort>)>> = BTreeMap::new();
        for month in self.months(span.from, span.to)? {
            for (group, cohorts) in self.per_group(
                month,
                span.by,
                |c, m, b| store::agg_cohorts(c, m, b),
                |rows| report::cohorts(rows.iter().copied()),
            )? {
                by_group.entry(group).or_default().push((month, cohorts));
            }
        }
        Ok(by_group
            .into_iter()
            .flat_map(|(group, months)| {
                report::vintage_of(&months).into_iter().map(move |p| VintageRow {
                    group: group.clone(),
                    cohort: p.cohort,
                    mob: p.mob,
                    month: p.month,
                    loans: p.loans,
                    disbursed: p.disbursed,
                    bad: p.bad,
                    share: p.share,
                })
            })
            .collect())
    }

    /// Large customers at each recorded month-end from `from` to `to`.
    pub fn report_large(&self, span: ReportSpan) -> Result<Vec<LargeRow>> {
        let mut out = Vec::new();
        for month in self.months(span.from, span.to)? {
            self.large_at(month, span.by, &mut out)?;
        }
        Ok(out)
    }

    fn large_at(&self, month: Month, by: Option<By>, out: &mut Vec<LargeRow>) -> Result<()> {
        // From the rows: the large customers of a month-end are as many as its output (about a
        // sixth of the customers on the benchmark's book), so stored they cost as much as the
        // rows and save no time.
        let kept = store::month_end_info(self.store.db(), month)?.is_some_and(|m| m.full_rows);
        let rows = self.rows_of(month, RowsAsked { standing: kept, ..RowsAsked::part(by, true) })?;
        let groups: Vec<(Option<String>, Vec<report::Large>)> = report::group_rows(by, &rows)
            .into_iter()
            .map(|(group, rows)| (group.map(str::to_string), report::large(rows)))
            .collect();
        drop(rows);
        let ids: Vec<i64> = groups.iter().flat_map(|(_, large)| large.iter().map(|l| l.customer)).collect();
        let mut refs = store::customer_refs(self.store.db(), &ids)?.into_iter();
        for (group, large) in groups {
            out.extend(large.into_iter().zip(refs.by_ref()).map(|(l, customer_id)| LargeRow {
                group: group.clone(),
                month,
                customer_id,
                loans: l.loans,
                outstanding: l.outstanding,
                overdue: l.overdue,
                max_dpd: l.max_dpd,
                class: l.class,
                warning_level: kept.then_some(l.warning),
                watchlist: kept.then_some(l.watchlist),
            }));
        }
        Ok(())
    }
}

//! The demo book's post-loan work (DOMAIN §10), drawn from its own stream of the seed so the
//! loans, payments and contacts stay as they were: the year's holiday calendar, each pledged item
//! in the register with its valuations (some due for revaluation, some uninsured), inspections
//! done (most reviewed, the latest waiting for a review) and overdue, and work log entries signed
//! and waiting.

use crate::store::Db;
use chrono::{Datelike, Duration, NaiveDate};

use super::rng::Rng;
use crate::app::Result;
use crate::domain::collateral::CollateralKind;
use crate::domain::inspection::{
    Check, Checklist, Conclusion, InspectionKind, InspectionMode, InspectionRules,
};
use crate::domain::workdays::{DayKind, WorkCalendar};
use crate::domain::worklog::WorkLogKind;
use crate::domain::{LoanStatus, Money, RiskClass, add_months};
use crate::store::{self, DueFacts, HolidayRow, NewInspection, NewItem, UserId};

/// What the pass wrote.
#[derive(Debug, Default)]
pub(super) struct PostLoanCounts {
    pub(super) collateral: u64,
    pub(super) inspections: u64,
    pub(super) work_logs: u64,
}

/// Customers read at a time.
const PAGE: u32 = 5_000;

/// The State Council's 2026 calendar (国务院办公厅 2026 年部分节假日安排): holidays and the
/// weekend days worked in exchange.
const Y2026: &[(&str, &str, &str, &str)] = &[
    ("01-01", "01-03", "holiday", "元旦"),
    ("01-04", "01-04", "workday", "元旦调休"),
    ("02-14", "02-14", "workday", "春节调休"),
    ("02-15", "02-23", "holiday", "春节"),
    ("02-28", "02-28", "workday", "春节调休"),
    ("04-04", "04-06", "holiday", "清明节"),
    ("05-01", "05-05", "holiday", "劳动节"),
    ("05-09", "05-09", "workday", "劳动节调休"),
    ("06-19", "06-21", "holiday", "端午节"),
    ("09-20", "09-20", "workday", "国庆节调休"),
    ("09-25", "09-27", "holiday", "中秋节"),
    ("10-01", "10-07", "holiday", "国庆节"),
    ("10-10", "10-10", "workday", "国庆节调休"),
];

/// Another year: the holidays of fixed dates only (the lunar ones move).
const FIXED: &[(&str, &str, &str, &str)] = &[
    ("01-01", "01-01", "holiday", "元旦"),
    ("05-01", "05-03", "holiday", "劳动节"),
    ("10-01", "10-07", "holiday", "国庆节"),
];

/// The demo year's calendar.
fn calendar_days(year: i32) -> Vec<HolidayRow> {
    let table = if year == 2026 { Y2026 } else { FIXED };
    let day = |md: &str| NaiveDate::parse_from_str(&format!("{year}-{md}"), "%Y-%m-%d").ok();
    let mut out = Vec::new();
    for (from, to, kind, name) in table {
        let (Some(mut d), Some(to)) = (day(from), day(to)) else { continue };
        let kind = if *kind == "workday" { DayKind::Workday } else { DayKind::Holiday };
        while d <= to {
            out.push(HolidayRow { day: d, kind, name: Some((*name).to_string()) });
            d += Duration::days(1);
        }
    }
    out
}

const FINDINGS_NORMAL: &[&str] = &[
    "资金按约定用途使用，经营正常，按时还款。",
    "走访经营场所，生产销售正常，流水稳定。",
    "借款人收入稳定，无异常变动。",
];
const FINDINGS_CONCERN: &[&str] = &[
    "订单较上季度下降，现金流偏紧，需持续关注。",
    "借款人工作变动，收入有所下降。",
    "押品周边房价回落，建议重估。",
];
const FINDINGS_RISK: &[&str] =
    &["经营场所停产，借款人失联多日。", "发现借款人涉诉，账户被冻结。", "资金被挪用于约定以外用途。"];
const LOG_NOTES: &[(WorkLogKind, &str)] = &[
    (WorkLogKind::Visit, "上门走访，借款人表示月底前筹款还款。"),
    (WorkLogKind::Call, "电话联系借款人及担保人，了解还款安排。"),
    (WorkLogKind::Analysis, "分析账户流水，近三月回款下降，列入重点关注。"),
    (WorkLogKind::Other, "收集借款人最新财务资料。"),
];

pub(super) struct PostLoan<'a> {
    pub(super) conn: Db<'a>,
    pub(super) rng: Rng,
    pub(super) as_of: NaiveDate,
    pub(super) stamp: &'a str,
    pub(super) supervisor: Option<UserId>,
    pub(super) rules: &'a InspectionRules,
    /// The snapshot's date and rules, which the loans' DPD and class are derived for.
    pub(super) book: store::StateAt,
    pub(super) counts: PostLoanCounts,
}

impl PostLoan<'_> {
    /// Writes the calendar, then customer by customer their post-loan work.
    pub(super) fn write(mut self) -> Result<PostLoanCounts> {
        let year = self.as_of.year();
        let mut days = calendar_days(year - 1);
        days.extend(calendar_days(year));
        store::replace_holiday_years(self.conn, &[year - 1, year], &days)?;
        let calendar = WorkCalendar::new(days.iter().map(|d| (d.day, d.kind)));
        let mut after = 0i64;
        loop {
            let page = store::due_facts_page(self.conn, after, PAGE, false, &self.book)?;
            let Some(last) = page.last().map(|f| f.customer.0) else { break };
            for customer in page.chunk_by(|a, b| a.customer == b.customer) {
                for f in customer {
                    self.collateral(f)?;
                    if f.status == LoanStatus::Active {
                        self.inspections(f, &calendar)?;
                    }
                }
                self.work_logs(customer, &calendar)?;
            }
            after = last;
        }
        Ok(self.counts)
    }

    fn collateral(&mut self, f: &DueFacts) -> Result<()> {
        let Some(text) = f.collateral.as_deref().filter(|c| !c.trim().is_empty()) else { return Ok(()) };
        let kind = if text.starts_with("房产") {
            CollateralKind::House
        } else if text.starts_with("车辆") {
            CollateralKind::Vehicle
        } else {
            CollateralKind::Other
        };
        // Insured things are insured a year at a time; a few have lapsed.
        let insured_until = matches!(kind, CollateralKind::House | CollateralKind::Vehicle)
            .then(|| self.as_of + Duration::days(self.rng.range(-90, 330)));
        let principal = f.principal.cents();
        let item = store::insert_item(
            self.conn,
            &NewItem {
                customer: f.customer,
                loan: Some(f.loan),
                kind,
                description: text,
                owner: None,
                insured_until,
                created_by: "import",
                created_at: self.stamp,
            },
        )?;
        let first = principal * self.rng.range(140, 220) / 100;
        let valuer = self.rng.pick(&["中诚评估", "华信房地产估价", "分行押品岗"]);
        store::insert_valuation(
            self.conn,
            item,
            Money::from_cents(first),
            f.disbursed_on,
            valuer,
            None,
            self.stamp,
        )?;
        // Most are valued again within the year; the others are due for it.
        if (self.as_of - f.disbursed_on).num_days() > 365 && self.rng.chance(65) {
            let on = self.as_of - Duration::days(self.rng.range(10, 330));
            let again = first * self.rng.range(85, 110) / 100;
            store::insert_valuation(self.conn, item, Money::from_cents(again), on, valuer, None, self.stamp)?;
        }
        self.counts.collateral += 1;
        Ok(())
    }

    /// The loan's first inspection (most made, a month after disbursement) and its latest routine
    /// one, some of them longer ago than the class's interval: those are overdue.
    fn inspections(&mut self, f: &DueFacts, calendar: &WorkCalendar) -> Result<()> {
        let first_on = f.disbursed_on + Duration::days(self.rng.range(12, 40));
        // A loan of the last year may still lack its first; older ones have had it.
        let young = (self.as_of - f.disbursed_on).num_days() < 365;
        if first_on > self.as_of || (young && self.rng.chance(15)) {
            return Ok(());
        }
        self.inspection(
            f,
            InspectionKind::First,
            first_on,
            f.disbursed_on + Duration::days(self.rules.first_days),
            calendar,
        )?;
        let months = match f.class {
            RiskClass::Normal => self.rules.normal_months,
            RiskClass::SpecialMention => self.rules.special_mention_months,
            _ => self.rules.substandard_months,
        };
        let interval = i64::from(months) * 30;
        let latest = self.as_of - Duration::days(self.rng.range(0, interval * 11 / 10));
        if latest > first_on + Duration::days(20) {
            let due = add_months(first_on, months);
            self.inspection(
                f,
                InspectionKind::Routine,
                latest,
                due.min(latest + Duration::days(10)),
                calendar,
            )?;
        }
        Ok(())
    }

    fn inspection(
        &mut self,
        f: &DueFacts,
        kind: InspectionKind,
        done_on: NaiveDate,
        due_on: NaiveDate,
        calendar: &WorkCalendar,
    ) -> Result<()> {
        let conclusion = match f.dpd {
            0 => self.rng.weighted(&[(Conclusion::Normal, 88), (Conclusion::Concern, 12)]),
            1..=90 => self.rng.weighted(&[
                (Conclusion::Normal, 30),
                (Conclusion::Concern, 58),
                (Conclusion::Risk, 12),
            ]),
            _ => self.rng.weighted(&[(Conclusion::Concern, 40), (Conclusion::Risk, 60)]),
        };
        let findings = match conclusion {
            Conclusion::Normal => self.rng.pick(FINDINGS_NORMAL),
            Conclusion::Concern => self.rng.pick(FINDINGS_CONCERN),
            Conclusion::Risk => self.rng.pick(FINDINGS_RISK),
        };
        let mark = |worry: bool| if worry { Check::Concern } else { Check::Ok };
        let worried = conclusion != Conclusion::Normal;
        let checklist = Checklist {
            funds: mark(conclusion == Conclusion::Risk && self.rng.chance(30)),
            business: mark(worried),
            collateral: if f.collateral.is_some() {
                mark(worried && self.rng.chance(30))
            } else {
                Check::NotApplicable
            },
            guarantor: if f.guarantor.is_some() {
                mark(worried && self.rng.chance(20))
            } else {
                Check::NotApplicable
            },
        };
        let worse = match f.class {
            RiskClass::Normal => Some(RiskClass::SpecialMention),
            RiskClass::SpecialMention => Some(RiskClass::Substandard),
            RiskClass::Substandard => Some(RiskClass::Doubtful),
            _ => None,
        };
        let recommend_class = worse.filter(|_| conclusion == Conclusion::Risk && self.rng.chance(40));
        let recorded_on = (done_on + Duration::days(self.rng.range(0, 2))).min(self.as_of);
        let review_due = calendar.add_working_days(recorded_on, self.rules.review_working_days);
        let mode = if self.rng.chance(60) { InspectionMode::Onsite } else { InspectionMode::Offsite };
        let id = store::insert_inspection(
            self.conn,
            &NewInspection {
                loan: f.loan,
                kind,
                mode,
                done_on,
                inspector: f.assignee,
                checklist,
                findings,
                conclusion,
                recommend_class,
                corrects: None,
                due_on: Some(due_on),
                recorded_on,
                review_due,
                created_at: self.stamp,
            },
        )?;
        // Reviewed, now and then a day or two late; of the last week's some wait still.
        let age = (self.as_of - recorded_on).num_days();
        let reviewed = age > 7 || (age > 2 && self.rng.chance(60));
        if let Some(by) = self.supervisor.filter(|_| reviewed) {
            let late = if self.rng.chance(10) { self.rng.range(1, 4) } else { -self.rng.range(0, 1) };
            let on = (review_due + Duration::days(late)).clamp(recorded_on, self.as_of);
            let comment = if recommend_class.is_some() {
                "同意加强监控，暂不调整分类。"
            } else {
                "同意。"
            };
            store::review_inspection(self.conn, id, by, on, self.stamp, comment, None)?;
        }
        self.counts.inspections += 1;
        Ok(())
    }

    /// A few entries by the owner of a delinquent customer (fewer for the others) over the last
    /// weeks, signed but for the latest.
    fn work_logs(&mut self, loans: &[DueFacts], calendar: &WorkCalendar) -> Result<()> {
        let Some(first) = loans.first() else { return Ok(()) };
        let delinquent = loans.iter().any(|f| f.status == LoanStatus::Active && f.dpd > 0);
        if first.assignee.is_none() || !self.rng.chance(if delinquent { 40 } else { 4 }) {
            return Ok(());
        }
        for _ in 0..self.rng.range(1, 2) {
            let logged_on = self.as_of - Duration::days(self.rng.range(0, 45));
            let (kind, note) = self.rng.pick(LOG_NOTES);
            let sign_due = calendar.add_working_days(logged_on, self.rules.sign_working_days);
            let id = store::insert_work_log(
                self.conn,
                first.customer,
                first.assignee,
                kind,
                note,
                logged_on,
                sign_due,
                self.stamp,
            )?;
            let age = (self.as_of - logged_on).num_days();
            if let Some(by) = self.supervisor.filter(|_| age > 10 || (age > 3 && self.rng.chance(70))) {
                let late = if self.rng.chance(15) { self.rng.range(1, 5) } else { 0 };
                let on = (sign_due + Duration::days(late)).clamp(logged_on, self.as_of);
                store::sign_work_log(self.conn, id, by, on, self.stamp, "已阅，请继续跟进。")?;
            }
            self.counts.work_logs += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_2026_calendar_has_the_spring_festival_and_its_make_up_days() {
        let days = calendar_days(2026);
        let cal = WorkCalendar::new(days.iter().map(|d| (d.day, d.kind)));
        let d = |s: &str| crate::domain::parse_date(s).expect("date");
        assert!(cal.is_working_day(d("2026-02-14")), "a Saturday worked");
        assert!(!cal.is_working_day(d("2026-02-16")));
        assert!(!cal.is_working_day(d("2026-10-07")));
        assert_eq!(days.iter().filter(|h| h.kind == DayKind::Holiday).count(), 33);
        assert_eq!(calendar_days(2031).len(), 11, "fixed-date holidays in another year");
    }
}

//! The supervisor's team figures (issue #7): per collector, the open book, today's contacts, the
//! month's promises and collections; the stage funnel; the month's daily collections.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;

use super::{AppError, Desk, Result};
use crate::domain::{Money, Payment, PromiseStatus, Role, Stage, promise_status};
use crate::store;

/// The stages of the funnel, in the order a case travels them.
pub const FUNNEL: [Stage; 5] =
    [Stage::Current, Stage::Reminder, Stage::Negotiation, Stage::Guarantor, Stage::Legal];

/// One desk user's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CollectorFigures {
    pub user: String,
    pub display_name: Option<String>,
    /// Customers owned with at least one active loan (a case is a customer).
    pub open_cases: i64,
    pub open_loans: i64,
    pub overdue_amount: Money,
    /// Contacts the user logged on the desk's date.
    pub contacts_today: i64,
    /// Promises the user took this month.
    pub promises_made: i64,
    /// Of the user's promises falling due this month: kept and broken as of the desk's date.
    pub promises_kept: i64,
    pub promises_broken: i64,
    /// Payments received this month on the cases the user owns.
    pub collected: Money,
    /// Early-warning signals open on the user's cases, and the user's customers on the watchlist.
    pub open_signals: i64,
    pub watchlist: i64,
}

impl CollectorFigures {
    /// The figures after the name, in the order the team table shows them (desk and command line).
    pub fn cells(&self) -> [String; 9] {
        [
            self.open_cases.to_string(),
            self.overdue_amount.to_string(),
            self.contacts_today.to_string(),
            self.promises_made.to_string(),
            self.promises_kept.to_string(),
            self.promises_broken.to_string(),
            self.collected.to_string(),
            self.open_signals.to_string(),
            self.watchlist.to_string(),
        ]
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageCount {
    pub stage: Stage,
    pub loans: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DayCollected {
    pub day: NaiveDate,
    pub amount: Money,
}

/// `duedesk team --format json` (one object, like `show`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamReport {
    pub as_of: NaiveDate,
    /// The month, `YYYY-MM`.
    pub month: String,
    /// The period the month's figures cover: its first day to its last, or to the desk's date.
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub collectors: Vec<CollectorFigures>,
    /// Loans in each working stage, current to legal.
    pub funnel: Vec<StageCount>,
    /// Payments received each day of the period, every day listed.
    pub daily: Vec<DayCollected>,
    /// All payments received in the period (owned cases or not).
    pub collected: Money,
}

/// A month as `YYYY-MM`: its first day.
pub fn parse_month(s: &str) -> Result<NaiveDate> {
    let bad = || AppError::Input(format!("month '{s}': use YYYY-MM"));
    let (y, m) = s.trim().split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    let (y, m): (i32, u32) = (y.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)
}

fn month_end(first: NaiveDate) -> NaiveDate {
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    next.map_or(first, |n| n - Duration::days(1))
}

impl Desk {
    /// The team's figures for a month (default: the desk's date's), as of the desk's date
    /// (supervisor). Index ranges per user and per day only: it runs on a million loans.
    pub fn team(&mut self, month: Option<NaiveDate>) -> Result<TeamReport> {
        self.actor.require(Role::Supervisor, "the team's figures")?;
        let as_of = self.as_of;
        let first = month.map_or_else(|| as_of.with_day(1).unwrap_or(as_of), |m| m.with_day(1).unwrap_or(m));
        if first > as_of {
            return Err(AppError::Input(format!(
                "month {} has not begun on the desk's date {as_of}",
                first.format("%Y-%m")
            )));
        }
        let to = month_end(first).min(as_of);
        let at = self.state_table(&mut |_| {})?;
        let conn = self.store.db();
        let collections = store::collections(conn, first, to)?;
        let mut collectors = Vec::new();
        for u in store::list_users(conn)? {
            let (open_cases, open_loans, overdue_amount) = store::open_book_of(conn, at.table, u.id)?;
            let contacts_today = store::contacts_by(conn, u.id, as_of, as_of + Duration::days(1))?;
            let promises_made = store::promises_made_by(conn, u.id, first, to)?;
            let (mut kept, mut broken) = (0, 0);
            for p in store::promises_due_by(conn, u.id, first, to)? {
                let paid: Vec<Payment> = store::payments_of(conn, p.loan)?
                    .iter()
                    .map(|p| Payment { paid_on: p.paid_on, amount: p.amount })
                    .collect();
                match promise_status(
                    p.made_on,
                    p.due_on,
                    p.amount,
                    &paid,
                    as_of,
                    self.rules.promise_grace_days,
                ) {
                    PromiseStatus::Kept => kept += 1,
                    PromiseStatus::Broken => broken += 1,
                    _ => {}
                }
            }
            let collected: Money =
                collections.iter().filter(|(_, owner, _)| *owner == Some(u.id)).map(|(_, _, m)| *m).sum();
            let f = CollectorFigures {
                user: u.login.clone(),
                display_name: u.display_name.clone(),
                open_cases,
                open_loans,
                overdue_amount,
                contacts_today,
                promises_made,
                promises_kept: kept,
                promises_broken: broken,
                collected,
                open_signals: store::open_signals_owned(conn, u.id)?,
                watchlist: store::watched_owned(conn, u.id)?,
            };
            // Collectors always; others (supervisors, disabled users) when they have figures.
            let busy = open_loans > 0
                || contacts_today > 0
                || promises_made > 0
                || kept + broken > 0
                || collected.is_positive();
            if (u.role == Role::Collector && u.active) || busy {
                collectors.push(f);
            }
        }
        let funnel = FUNNEL
            .iter()
            .map(|s| Ok(StageCount { stage: *s, loans: store::stage_count(conn, at.table, *s)? }))
            .collect::<Result<Vec<_>>>()?;
        let mut daily = Vec::new();
        let mut day = first;
        while day <= to {
            let amount = collections.iter().filter(|(d, _, _)| *d == day).map(|(_, _, m)| *m).sum();
            daily.push(DayCollected { day, amount });
            day += Duration::days(1);
        }
        Ok(TeamReport {
            as_of,
            month: first.format("%Y-%m").to_string(),
            from: first,
            to,
            collectors,
            funnel,
            collected: collections.iter().map(|(_, _, m)| *m).sum(),
            daily,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        crate::domain::parse_date(s).expect("date")
    }

    #[test]
    fn months_parse_and_end() {
        assert_eq!(parse_month("2026-02").expect("month"), day("2026-02-01"));
        for bad in ["2026-13", "2026-2", "26-02", "2026/02", "", "2026-02-01"] {
            assert!(parse_month(bad).is_err(), "{bad}");
        }
        assert_eq!(month_end(day("2024-02-01")), day("2024-02-29"));
        assert_eq!(month_end(day("2026-12-01")), day("2026-12-31"));
    }

    #[test]
    fn a_collector_is_refused_and_a_month_ahead_is_bad_input() {
        let store = crate::store::Store::open_in_memory().expect("store");
        let now = chrono::DateTime::parse_from_rfc3339("2026-03-20T10:00:00+08:00").expect("now");
        let mut d = Desk::open(store, "admin", day("2026-03-20"), now).expect("desk");
        crate::app::demo::generate(&mut d, 120, 3, &mut |_| {}).expect("demo");
        let r = d.team(None).expect("team");
        assert_eq!((r.from, r.to, r.daily.len()), (day("2026-03-01"), day("2026-03-20"), 20));
        let daily: Money = r.daily.iter().map(|x| x.amount).sum();
        assert_eq!(daily, r.collected);
        let owned: Money = r.collectors.iter().map(|c| c.collected).sum();
        assert!(owned <= r.collected);
        assert!(matches!(d.team(Some(day("2026-04-01"))), Err(AppError::Input(_))));
        let collector = crate::store::list_users(d.store.conn())
            .expect("users")
            .into_iter()
            .find(|u| u.role == Role::Collector)
            .expect("a collector");
        d.actor =
            super::super::Actor { login: collector.login.clone(), user: Some(collector), admins: Vec::new() };
        assert!(matches!(d.team(None), Err(AppError::Refused(_))));
    }
}

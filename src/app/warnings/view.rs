//! What a signal and a watchlist stay show (CONTRACT: `warnings --format json`).

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::warning::{Category, Level, MeasureKind, SignalCode, SignalState};
use crate::store::{MeasureRecord, SignalRecord, WatchRecord};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeasureView {
    pub kind: MeasureKind,
    pub on: NaiveDate,
    pub user: String,
    pub note: String,
}

impl From<MeasureRecord> for MeasureView {
    fn from(m: MeasureRecord) -> Self {
        MeasureView { kind: m.kind, on: m.on, user: m.user, note: m.note }
    }
}

/// One signal occurrence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignalView {
    pub id: i64,
    pub loan_id: String,
    pub customer_id: String,
    pub borrower: String,
    pub owner: Option<String>,
    pub code: SignalCode,
    pub category: Option<Category>,
    pub level: Level,
    pub state: SignalState,
    pub raised_on: NaiveDate,
    pub raised_by: String,
    pub note: Option<String>,
    pub confirmed_on: Option<NaiveDate>,
    pub confirmed_by: Option<String>,
    pub closed_on: Option<NaiveDate>,
    pub closed_by: Option<String>,
    pub reason: Option<String>,
    /// Days from raised to closed, or to the desk's date while open.
    pub days_open: i64,
    pub measures: Vec<MeasureView>,
    /// When the special inspection this signal asked for was asked, while it is on the loan's
    /// schedule (the desk's Warnings list asks; not in `warnings`' output).
    #[serde(skip)]
    pub special_asked_on: Option<NaiveDate>,
}

impl SignalView {
    pub(crate) fn of(r: SignalRecord, measures: Vec<MeasureRecord>, as_of: NaiveDate) -> Self {
        let state = match (r.closed_on, r.confirmed_on) {
            (Some(_), _) => SignalState::Closed,
            (None, Some(_)) => SignalState::Confirmed,
            (None, None) => SignalState::Open,
        };
        SignalView {
            id: r.id,
            loan_id: r.loan_ref,
            customer_id: r.customer_ref,
            borrower: r.borrower,
            owner: r.owner,
            code: r.code,
            category: r.category,
            level: r.level,
            state,
            raised_on: r.raised_on,
            raised_by: r.raised_by,
            note: r.note,
            confirmed_on: r.confirmed_on,
            confirmed_by: r.confirmed_by,
            closed_on: r.closed_on,
            closed_by: r.closed_by,
            reason: r.reason,
            days_open: (r.closed_on.unwrap_or(as_of) - r.raised_on).num_days().max(0),
            measures: measures.into_iter().map(Into::into).collect(),
            special_asked_on: None,
        }
    }
}

/// The latest thing done on a signal, as the Warnings list says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalStep {
    /// A special inspection asked for when the signal opened (orange or red).
    SpecialAsked,
    Confirmed,
    /// A measure (a special inspection asked for among them).
    Measure(MeasureKind),
}

impl SignalView {
    /// The latest step taken on the signal: its last measure (kept in the order recorded), its
    /// confirmation or the special inspection it asked for, whichever came last — a person's
    /// step before the ask on the same day; `None` while nothing was done.
    pub fn last_step(&self) -> Option<SignalStep> {
        let asked = self.special_asked_on.map(|d| (d, 0, SignalStep::SpecialAsked));
        let confirmed = self.confirmed_on.map(|d| (d, 1, SignalStep::Confirmed));
        let measure = self.measures.last().map(|m| (m.on, 2, SignalStep::Measure(m.kind)));
        [asked, confirmed, measure].into_iter().flatten().max_by_key(|(d, rank, _)| (*d, *rank)).map(|s| s.2)
    }
}

/// One stay on the watchlist.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WatchView {
    pub customer_id: String,
    pub name: String,
    pub owner: Option<String>,
    pub entered_on: NaiveDate,
    pub entered_by: String,
    pub reason: String,
    pub left_on: Option<NaiveDate>,
    pub left_by: Option<String>,
    pub left_reason: Option<String>,
}

impl From<WatchRecord> for WatchView {
    fn from(w: WatchRecord) -> Self {
        WatchView {
            customer_id: w.customer_ref,
            name: w.name,
            owner: w.owner,
            entered_on: w.entered_on,
            entered_by: w.entered_by,
            reason: w.reason,
            left_on: w.left_on,
            left_by: w.left_by,
            left_reason: w.left_reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, d).expect("date")
    }

    fn signal(asked: Option<u32>, confirmed: Option<u32>, measures: &[(u32, MeasureKind)]) -> SignalView {
        SignalView {
            id: 1,
            loan_id: "DL1".into(),
            customer_id: "KH1".into(),
            borrower: "王".into(),
            owner: None,
            code: SignalCode::Relapse,
            category: None,
            level: Level::Orange,
            state: SignalState::Open,
            raised_on: day(1),
            raised_by: "policy".into(),
            note: None,
            confirmed_on: confirmed.map(day),
            confirmed_by: None,
            closed_on: None,
            closed_by: None,
            reason: None,
            days_open: 0,
            measures: measures
                .iter()
                .map(|(d, kind)| MeasureView { kind: *kind, on: day(*d), user: "u".into(), note: "n".into() })
                .collect(),
            special_asked_on: asked.map(day),
        }
    }

    #[test]
    fn the_last_step_is_the_latest_and_a_persons_before_the_ask_on_the_same_day() {
        use MeasureKind::{Collection, FreezeCredit};
        use SignalStep::{Confirmed, Measure, SpecialAsked};
        type Case = (Option<u32>, Option<u32>, &'static [(u32, MeasureKind)], Option<SignalStep>);
        let cases: [Case; 7] = [
            (None, None, &[], None),
            (Some(1), None, &[], Some(SpecialAsked)),
            (Some(1), Some(1), &[], Some(Confirmed)),
            (Some(3), Some(2), &[], Some(SpecialAsked)),
            (None, Some(4), &[(3, Collection)], Some(Confirmed)),
            (Some(1), Some(2), &[(2, Collection)], Some(Measure(Collection))),
            (None, None, &[(2, Collection), (2, FreezeCredit)], Some(Measure(FreezeCredit))),
        ];
        for (asked, confirmed, measures, want) in cases {
            assert_eq!(
                signal(asked, confirmed, measures).last_step(),
                want,
                "{asked:?} {confirmed:?} {measures:?}"
            );
        }
    }
}

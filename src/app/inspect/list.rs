//! The inspections lists (CONTRACT: `inspections --format json`): what is due and overdue, by
//! due date, a page at a time over the schedule's index; what was done, newest first; and the
//! supervisor's Review list, the inspections and work log entries awaiting a signature with the
//! working days left.

use chrono::NaiveDate;
use serde::Serialize;

use crate::app::holidays::calendar_of;
use crate::app::views::{InspectionRow, InspectionView};
use crate::app::worklog::WorkLogQuery;
use crate::app::{AppError, Desk, Result};
use crate::domain::inspection::InspectionKind;
use crate::store::{self, DoneFilter, DueFilter};

text_enum!(
    /// Which inspections a list shows.
    InspectionList, "inspections list", {
        /// Scheduled and not done, overdue included.
        Due => "due",
        /// Scheduled, and due before the desk's date.
        Overdue => "overdue",
        /// Recorded.
        Done => "done",
    }
);

/// The inspections list's question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionQuery {
    pub list: InspectionList,
    /// Scheduled ones: the case's owner; recorded ones: the inspector.
    pub owner: Option<String>,
    pub kind: Option<InspectionKind>,
    /// Due (or done) on or after, on or before.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub limit: Option<u64>,
    pub offset: u64,
}

impl Default for InspectionQuery {
    fn default() -> Self {
        InspectionQuery {
            list: InspectionList::Due,
            owner: None,
            kind: None,
            from: None,
            to: None,
            limit: None,
            offset: 0,
        }
    }
}

/// A page of the list and, when asked, how long the list is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectionPage {
    pub rows: Vec<InspectionRow>,
    pub total: Option<u64>,
}

text_enum!(
    /// What awaits a supervisor's signature.
    ReviewKind, "review kind", {
        Inspection => "inspection",
        WorkLog => "work_log",
    }
);

/// One entry of the supervisor's Review list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewItem {
    pub kind: ReviewKind,
    pub id: i64,
    /// The loan inspected, or the customer the entry is about.
    pub subject: String,
    /// The loan whose case a desk opens for it.
    pub loan_id: String,
    pub name: String,
    /// Who made it.
    pub by: Option<String>,
    pub on: NaiveDate,
    /// What it is: the inspection's kind and conclusion, or the entry's kind.
    pub what: String,
    pub due_on: NaiveDate,
    /// Working days from the desk's date to the deadline (negative: that many late).
    pub days_left: i64,
}

impl Desk {
    fn user_id(&self, login: &str) -> Result<store::UserId> {
        Ok(store::user_by_login(self.store.db(), login)?
            .ok_or_else(|| AppError::Input(format!("unknown desk user '{login}'")))?
            .id)
    }

    /// A page of an inspections list as of the desk's date; `want_total` counts it too.
    pub fn inspections(&self, q: &InspectionQuery, want_total: bool) -> Result<InspectionPage> {
        let owner = q.owner.as_deref().map(|o| self.user_id(o)).transpose()?;
        let conn = self.store.db();
        if q.list == InspectionList::Done {
            // Counted, the records are read whole; else only as far as the page.
            let upto = q.limit.filter(|_| !want_total).map(|l| l.saturating_add(q.offset));
            let filter = DoneFilter {
                inspector: owner,
                kind: q.kind,
                from: q.from,
                to: q.to,
                unreviewed: false,
                limit: upto,
            };
            let all = store::list_inspections(conn, &filter)?;
            let total = want_total.then_some(all.len() as u64);
            let skip = usize::try_from(q.offset).unwrap_or(usize::MAX);
            let take = q.limit.map_or(usize::MAX, |l| usize::try_from(l).unwrap_or(usize::MAX));
            let rows = all
                .into_iter()
                .skip(skip)
                .take(take)
                .map(|r| InspectionRow::recorded(InspectionView::from(r)))
                .collect();
            return Ok(InspectionPage { rows, total });
        }
        let filter = DueFilter {
            owner,
            kind: q.kind,
            from: q.from,
            to: q.to,
            before: (q.list == InspectionList::Overdue).then_some(self.as_of),
            loan: None,
        };
        let total = if want_total || q.offset > 0 { Some(store::count_due(conn, &filter)?) } else { None };
        let rows = store::due_page(conn, &filter, q.limit, q.offset, total)?;
        Ok(InspectionPage {
            rows: rows.into_iter().map(|r| InspectionRow::scheduled(r, self.as_of)).collect(),
            total: total.filter(|_| want_total),
        })
    }

    /// What awaits a supervisor's signature: inspections to review and work log entries to sign,
    /// soonest deadline first, each with the working days left.
    pub fn awaiting_review(&self, limit: Option<u64>) -> Result<Vec<ReviewItem>> {
        let conn = self.store.db();
        let calendar = calendar_of(conn)?;
        let left = |due: NaiveDate| calendar.working_days_between(self.as_of, due);
        let filter = DoneFilter { unreviewed: true, limit, ..DoneFilter::default() };
        let mut items: Vec<ReviewItem> = store::list_inspections(conn, &filter)?
            .into_iter()
            .map(|r| ReviewItem {
                kind: ReviewKind::Inspection,
                id: r.id,
                loan_id: r.loan_ref.clone(),
                subject: r.loan_ref,
                name: r.borrower,
                by: r.inspector,
                on: r.done_on,
                what: format!("{} · {}", r.kind, r.conclusion),
                due_on: r.review_due,
                days_left: left(r.review_due),
            })
            .collect();
        let logs = self.work_logs(&WorkLogQuery { unsigned: true, limit, ..WorkLogQuery::default() })?;
        items.extend(logs.into_iter().map(|w| ReviewItem {
            kind: ReviewKind::WorkLog,
            id: w.id,
            loan_id: w.loan_id.unwrap_or_default(),
            subject: w.customer_id,
            name: w.name,
            by: w.user,
            on: w.logged_on,
            what: w.kind.to_string(),
            due_on: w.sign_due,
            days_left: left(w.sign_due),
        }));
        items.sort_by(|a, b| (a.due_on, a.kind.as_str(), a.id).cmp(&(b.due_on, b.kind.as_str(), b.id)));
        if let Some(n) = limit {
            items.truncate(usize::try_from(n).unwrap_or(usize::MAX));
        }
        Ok(items)
    }
}

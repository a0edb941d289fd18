//! What lists, the case view and the schedule show. These are the shapes of CONTRACT.md's JSON.

use chrono::NaiveDate;
use serde::Serialize;

use super::{AppError, Desk, Result};
use crate::domain::loan_class;
use crate::domain::{
    Assessment, Bucket, InstallmentState, LoanStatus, Money, Payment, Product, PromiseStatus, Rate,
    RiskClass, Stage, assess, effective_stage, promise_status,
};
use crate::store::{
    self, AssignmentRecord, ContactRecord, Loan, LoanFilter, SortKey, StageEvent, StateRow, StateTable,
};

/// One row of the loan list (CONTRACT: `loans --format json`), plus a few fields for the desk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoanSummary {
    pub loan_id: String,
    pub borrower: String,
    pub product: Product,
    pub assignee: Option<String>,
    pub stage: Stage,
    pub agency: bool,
    pub status: LoanStatus,
    pub dpd: i64,
    pub bucket: Bucket,
    pub class: RiskClass,
    pub principal: Money,
    pub outstanding_principal: Money,
    pub overdue_principal: Money,
    pub overdue_interest: Money,
    pub overdue_amount: Money,
    pub penalty_interest: Money,
    pub next_due_on: Option<NaiveDate>,
    pub next_due_amount: Money,
    pub payoff_amount: Money,
    pub due_soon_on: Option<NaiveDate>,
    pub phone: Option<String>,
    pub last_contact_at: Option<String>,
    pub last_outcome: Option<String>,
    pub next_action_on: Option<NaiveDate>,
    /// The latest promise to pay and its status (active, kept, broken).
    pub promise_due_on: Option<NaiveDate>,
    pub promise_status: Option<PromiseStatus>,
    /// The end of the dispute or hardship hold in force on the date (no collection calls, no
    /// automatic escalation until then).
    pub held_until: Option<NaiveDate>,
    pub as_of: NaiveDate,
    /// Another desk user who has the case open to edit (a running lease): others may read it
    /// but not edit it. Filled for the rows fetched, from the lease table.
    pub worked_by: Option<String>,
    /// Whether the conduct rules allow calling the debtor now; filled by the desk's queue only.
    #[serde(skip)]
    pub call_now: Option<bool>,
}

impl From<StateRow> for LoanSummary {
    fn from(r: StateRow) -> Self {
        LoanSummary {
            loan_id: r.loan_ref,
            borrower: r.borrower,
            product: r.product,
            assignee: r.assignee,
            stage: r.stage,
            agency: r.agency.is_some(),
            status: r.status,
            dpd: r.dpd,
            bucket: r.bucket,
            class: r.class,
            principal: r.principal,
            outstanding_principal: r.outstanding_principal,
            overdue_principal: r.overdue_principal,
            overdue_interest: r.overdue_interest,
            overdue_amount: r.overdue_amount,
            penalty_interest: r.penalty_interest,
            next_due_on: r.next_due_on,
            next_due_amount: r.next_due_amount,
            payoff_amount: r.payoff_amount,
            due_soon_on: r.due_soon_on,
            phone: r.phone,
            last_contact_at: r.last_contact_at,
            last_outcome: r.last_outcome,
            next_action_on: r.next_action_on,
            promise_due_on: r.promise_due_on,
            promise_status: r.promise_status,
            held_until: r.held_until,
            worked_by: None,
            call_now: None,
            as_of: r.as_of,
        }
    }
}

impl LoanSummary {
    fn from_assessment(loan: &Loan, a: &Assessment, latest_promise: Option<&PromiseView>) -> Self {
        let (status, stage) = effective_stage(loan.stage, loan.written_off_on.is_some(), a.closed);
        LoanSummary {
            loan_id: loan.loan_ref.clone(),
            borrower: loan.borrower.clone(),
            product: loan.terms.product,
            assignee: loan.assignee.clone(),
            stage,
            agency: loan.agency.is_some(),
            status,
            dpd: a.dpd,
            bucket: a.bucket,
            class: loan_class(a, loan.observation_until),
            principal: loan.terms.principal,
            outstanding_principal: a.outstanding_principal,
            overdue_principal: a.overdue_principal,
            overdue_interest: a.overdue_interest,
            overdue_amount: a.overdue_amount(),
            penalty_interest: a.penalty_interest,
            next_due_on: a.next_due_on,
            next_due_amount: a.next_due_amount,
            payoff_amount: a.payoff_amount,
            due_soon_on: a.due_soon.map(|s| s.due_on),
            phone: loan.phone.clone(),
            last_contact_at: loan.last_contact_at.clone(),
            last_outcome: loan.last_outcome.clone(),
            next_action_on: loan.next_action_on,
            promise_due_on: latest_promise.map(|p| p.due_on),
            promise_status: latest_promise.map(|p| p.status),
            held_until: None,
            worked_by: None,
            call_now: None,
            as_of: a.as_of,
        }
    }
}

/// The loan list's question: filters by name as the user gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoanQuery {
    pub stage: Option<Stage>,
    pub status: Option<LoanStatus>,
    pub assignee: Option<String>,
    pub dpd_min: Option<i64>,
    pub due_within: Option<i64>,
    pub due_soon: bool,
    pub search: Option<String>,
    /// Active promises due today first (the collector's queue).
    pub promises_first: bool,
    pub sort: SortKey,
    pub limit: Option<u64>,
    pub offset: u64,
}

impl Desk {
    /// Which snapshot answers questions as of the desk's date: the shared one when it is for that
    /// date, else a private scratch copy computed now (the shared date is not moved).
    pub fn state_table(&mut self, progress: &mut dyn FnMut(u64)) -> Result<StateTable> {
        let shared = store::snapshot_as_of(self.store.conn())?;
        if shared == Some(self.as_of) {
            return Ok(StateTable::Shared);
        }
        // The branch's book moves forward to today on the day's first use, for every desk: the
        // figures the nightly run would write. Never backwards, never into the future, never by a
        // login that is not a desk user; a desk that finds another one rolling it answers privately.
        let (as_of, rules) = (self.as_of, self.rules);
        if shared.is_none_or(|d| d < as_of) && as_of <= self.now.date_naive() && self.actor.role().is_some() {
            let rolled = self.store.write(|tx| -> store::Result<()> {
                if store::snapshot_as_of(tx)?.is_none_or(|d| d < as_of) {
                    store::refresh_all(tx, StateTable::Shared, as_of, &rules, progress)?;
                }
                Ok(())
            });
            match rolled {
                Ok(()) => return Ok(StateTable::Shared),
                Err(store::StoreError::Sqlite(e))
                    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {}
                Err(e) => return Err(e.into()),
            }
        }
        if self.store.scratch_is_current(self.as_of)? {
            return Ok(StateTable::Scratch);
        }
        let conn = self.store.conn();
        let tx = conn.unchecked_transaction()?;
        store::refresh_all(&tx, StateTable::Scratch, as_of, &rules, progress)?;
        tx.commit()?;
        self.store.mark_scratch(as_of)?;
        Ok(StateTable::Scratch)
    }

    fn filter_for(&self, q: &LoanQuery) -> Result<LoanFilter> {
        let assignee = match q.assignee.as_deref() {
            Some(login) => Some(
                store::user_by_login(self.store.conn(), login)?
                    .ok_or_else(|| AppError::Input(format!("unknown desk user '{login}'")))?
                    .id,
            ),
            None => None,
        };
        if let Some(n) = q.due_within.filter(|n| *n < 0) {
            return Err(AppError::Input(format!("--due-within {n}: give a number of days, 0 or more")));
        }
        Ok(LoanFilter {
            stage: q.stage,
            status: q.status,
            assignee,
            dpd_min: q.dpd_min,
            next_due_between: q.due_within.map(|n| (self.as_of, self.as_of + chrono::Duration::days(n))),
            due_soon: q.due_soon,
            search: q.search.clone(),
            promises_first: q.promises_first.then_some(self.as_of),
            promise_due: None,
        })
    }

    /// The loan list as of the desk's date.
    pub fn list_loans(&mut self, q: &LoanQuery, progress: &mut dyn FnMut(u64)) -> Result<Vec<LoanSummary>> {
        Ok(self.list_page(q, false, progress)?.0)
    }

    /// A page of the loan list and, with `want_total`, how many loans the list holds (the desk's
    /// list asks both on its first page; counts and a search's matches are kept until the store
    /// changes, so the next pages and a sort change do not find them again).
    pub fn list_page(
        &mut self,
        q: &LoanQuery,
        want_total: bool,
        progress: &mut dyn FnMut(u64),
    ) -> Result<(Vec<LoanSummary>, Option<u64>)> {
        let filter = self.filter_for(q)?;
        let table = self.state_table(progress)?;
        let (rows, total) = self.store.list_page(table, &filter, q.sort, q.limit, q.offset, want_total)?;
        let worked_by = self.worked_by()?;
        let mut rows: Vec<LoanSummary> = rows
            .into_iter()
            .map(|r| {
                let by = worked_by.get(&r.loan_id).cloned();
                LoanSummary { worked_by: by, ..LoanSummary::from(r) }
            })
            .collect();
        self.mask_rows(&mut rows)?;
        Ok((rows, total))
    }

    /// How many loans the list's question matches (limit and offset aside).
    pub fn count_loans(&mut self, q: &LoanQuery) -> Result<u64> {
        let filter = self.filter_for(q)?;
        let table = self.state_table(&mut |_| {})?;
        Ok(self.store.count_loans(table, &filter)?)
    }

    /// Recomputes the shared snapshot as of the desk's date (the nightly roll of the book).
    pub fn refresh(&mut self, progress: &mut dyn FnMut(u64)) -> Result<u64> {
        self.actor.require(crate::domain::Role::Collector, "refreshing the book")?;
        let (as_of, rules) = (self.as_of, self.rules);
        Ok(self.store.write(|tx| store::refresh_all(tx, StateTable::Shared, as_of, &rules, progress))?)
    }

    pub(crate) fn loan(&self, loan_ref: &str) -> Result<Loan> {
        store::loan_by_ref(self.store.conn(), loan_ref)?
            .ok_or_else(|| AppError::Input(format!("unknown loan '{loan_ref}'")))
    }

    fn assessed(&self, loan_ref: &str) -> Result<(Loan, Assessment)> {
        let loan = self.loan(loan_ref)?;
        let (schedule, payments) = store::schedule_inputs(self.store.conn(), &loan)?;
        let a = assess(&schedule, &payments, loan.terms.rate, self.as_of, &self.rules);
        Ok((loan, a))
    }

    /// The installment schedule with what is paid, as of the desk's date.
    pub fn schedule(&self, loan_ref: &str) -> Result<Vec<ScheduleLine>> {
        let (_, a) = self.assessed(loan_ref)?;
        Ok(a.installments.iter().map(ScheduleLine::from).collect())
    }

    /// Everything about one loan (CONTRACT: `show --format json`), phone numbers masked as the
    /// user's role requires (`privacy.rs`).
    pub fn show(&self, loan_ref: &str) -> Result<LoanDetail> {
        let mut d = self.show_full(loan_ref)?;
        self.mask_detail(&mut d)?;
        Ok(d)
    }

    /// `show` with every number in full: for the legal packet and notices, which must identify
    /// the person (never for a screen or a list).
    pub(crate) fn show_full(&self, loan_ref: &str) -> Result<LoanDetail> {
        let (loan, a) = self.assessed(loan_ref)?;
        let conn = self.store.conn();
        let payments = store::payments_of(conn, loan.id)?;
        let all: Vec<Payment> =
            payments.iter().map(|p| Payment { paid_on: p.paid_on, amount: p.amount }).collect();
        let promises: Vec<PromiseView> = store::promises_of(conn, loan.id)?
            .into_iter()
            .map(|p| PromiseView {
                amount: p.amount,
                made_on: p.made_on,
                due_on: p.due_on,
                status: promise_status(
                    p.made_on,
                    p.due_on,
                    p.amount,
                    &all,
                    self.as_of,
                    self.rules.promise_grace_days,
                ),
                user: p.user,
            })
            .collect();
        let other_loans = store::loans_of_customer(conn, loan.customer_id)?
            .into_iter()
            .filter(|l| l.id != loan.id)
            .map(|l| l.loan_ref)
            .collect();
        let holds = store::holds_of(conn, loan.id, self.as_of)?;
        let mut summary = LoanSummary::from_assessment(&loan, &a, promises.first());
        summary.held_until = holds.iter().filter(|h| h.in_force).map(|h| h.until_on).max();
        let me = self.edit_as();
        summary.worked_by = store::lease_of(conn, loan.customer_id, me.now)?
            .filter(|l| Some(l.user) != me.user)
            .map(|l| l.login);
        Ok(LoanDetail {
            summary,
            customer_id: loan.customer_ref.clone(),
            annual_rate: loan.terms.rate,
            term_months: loan.terms.term_months,
            disbursed_on: loan.terms.disbursed_on,
            guarantor: loan.guarantor.clone(),
            guarantor_phone: loan.guarantor_phone.clone(),
            collateral: loan.collateral.clone(),
            branch: loan.branch.clone(),
            agency_name: loan.agency.clone(),
            written_off_on: loan.written_off_on,
            credit_balance: a.credit_balance,
            paid_total: a.paid_total,
            version: loan.version,
            schedule: a.installments.iter().map(ScheduleLine::from).collect(),
            payments,
            contacts: store::contacts_of(conn, loan.id, 500)?,
            promises,
            stage_events: store::stage_events_of(conn, loan.id)?,
            assignments: store::assignments_of(conn, loan.customer_id)?,
            other_loans,
            notices: store::notices_of(conn, loan.id)?
                .into_iter()
                .map(super::notices::view)
                .collect::<Result<_>>()?,
            plans: store::plans_of(conn, loan.id)?,
            tasks: self.tasks_of(loan.id)?,
            holds,
            observation_until: loan.observation_until,
        })
    }
}

/// One installment (CONTRACT: `schedule --format json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScheduleLine {
    pub seq: u32,
    pub due_on: NaiveDate,
    pub principal: Money,
    pub interest: Money,
    pub payment: Money,
    pub paid_principal: Money,
    pub paid_interest: Money,
    pub status: crate::domain::InstallmentStatus,
}

impl From<&InstallmentState> for ScheduleLine {
    fn from(s: &InstallmentState) -> Self {
        ScheduleLine {
            seq: s.installment.seq,
            due_on: s.installment.due_on,
            principal: s.installment.principal,
            interest: s.installment.interest,
            payment: s.installment.payment(),
            paid_principal: s.paid_principal,
            paid_interest: s.paid_interest,
            status: s.status,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PromiseView {
    pub amount: Money,
    pub made_on: NaiveDate,
    pub due_on: NaiveDate,
    pub status: PromiseStatus,
    pub user: Option<String>,
}

/// One loan in full (CONTRACT: `show --format json`): the list fields, then terms and history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoanDetail {
    #[serde(flatten)]
    pub summary: LoanSummary,
    pub customer_id: String,
    pub annual_rate: Rate,
    pub term_months: u32,
    pub disbursed_on: NaiveDate,
    pub guarantor: Option<String>,
    pub guarantor_phone: Option<String>,
    pub collateral: Option<String>,
    pub branch: Option<String>,
    pub agency_name: Option<String>,
    pub written_off_on: Option<NaiveDate>,
    pub credit_balance: Money,
    pub paid_total: Money,
    pub version: i64,
    pub schedule: Vec<ScheduleLine>,
    pub payments: Vec<store::PaymentRecord>,
    pub contacts: Vec<ContactRecord>,
    pub promises: Vec<PromiseView>,
    pub stage_events: Vec<StageEvent>,
    pub assignments: Vec<AssignmentRecord>,
    pub other_loans: Vec<String>,
    /// Notices issued on the loan (dunning, guarantor demand), newest first, with their receipt.
    pub notices: Vec<super::notices::NoticeView>,
    /// Payment plans, extensions and restructures on record; the one in force is marked.
    pub plans: Vec<store::PlanRecord>,
    /// The work the loan's stages created (open first) and what became of it.
    pub tasks: Vec<super::tasks::TaskView>,
    /// Dispute and hardship holds on the loan, newest first, each marked in force or not.
    pub holds: Vec<store::HoldRecord>,
    pub observation_until: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, NaiveDate};

    use super::*;
    use crate::store::{LoanFilter, SortKey, Store};

    fn demo(loans: u64) -> Desk {
        let now = DateTime::parse_from_rfc3339("2026-03-01T10:00:00+08:00").expect("now");
        let as_of = NaiveDate::from_ymd_opt(2026, 3, 1).expect("day");
        let mut desk =
            Desk::open(Store::open_in_memory().expect("store"), "admin", as_of, now).expect("desk");
        super::super::demo::generate(&mut desk, loans, 7, &mut |_| {}).expect("demo");
        desk
    }

    fn snapshot(desk: &Desk) -> Vec<String> {
        let mut stmt = desk
            .store
            .conn()
            .prepare("SELECT quote(loan_id) || ',' || quote(as_of) || ',' || quote(status) || ',' || quote(stage) || ',' || quote(dpd) || ',' || quote(overdue_amount) || ',' || quote(next_due_on) || ',' || quote(due_soon_on) || ',' || quote(promise_status) || ',' || quote(last_contact_at) FROM loan_state ORDER BY loan_id")
            .expect("prepare");
        stmt.query_map([], |r| r.get(0))
            .expect("query")
            .collect::<rusqlite::Result<Vec<String>>>()
            .expect("rows")
    }

    #[test]
    fn a_page_read_from_the_end_is_the_page_read_from_the_start() {
        let desk = demo(400);
        let conn = desk.store.conn();
        let day = desk.as_of;
        let filters = [
            LoanFilter::default(),
            LoanFilter { dpd_min: Some(1), promises_first: Some(day), ..LoanFilter::default() },
            // A search (loan ids DL00000100 to DL00000199).
            LoanFilter { search: Some("DL000001".into()), ..LoanFilter::default() },
            // The desk's queue, read through its partial indexes.
            LoanFilter {
                status: Some(crate::domain::LoanStatus::Active),
                dpd_min: Some(1),
                promises_first: Some(day),
                ..LoanFilter::default()
            },
        ];
        let sorts = [
            SortKey::Dpd,
            SortKey::Overdue,
            SortKey::Due,
            SortKey::LastContact,
            SortKey::NextAction,
            SortKey::DueSoon,
        ];
        for filter in &filters {
            let total = store::count_loans(conn, StateTable::Shared, filter).expect("count");
            assert!(total > 20, "{filter:?}");
            for sort in sorts {
                for (offset, limit) in [(total / 2 + 1, 7), (total - 5, 10), (total - 1, 3), (total / 2, 50)]
                {
                    let ahead =
                        store::list_loans(conn, StateTable::Shared, filter, sort, Some(limit), offset)
                            .expect("forward");
                    let back = store::list_loans_in(
                        conn,
                        StateTable::Shared,
                        filter,
                        sort,
                        Some(limit),
                        offset,
                        Some(total),
                    )
                    .expect("from the end");
                    let ids = |rows: &[store::StateRow]| rows.iter().map(|r| r.loan_id.0).collect::<Vec<_>>();
                    assert_eq!(ids(&ahead), ids(&back), "{filter:?} {sort:?} {offset}+{limit}");
                }
            }
        }
    }

    #[test]
    fn a_search_read_from_its_kept_matches_is_the_list_the_statements_give() {
        let desk = demo(400);
        let conn = desk.store.conn();
        let day = desk.as_of;
        let name: String =
            conn.query_row("SELECT borrower FROM loans WHERE id = 7", [], |r| r.get(0)).expect("name");
        let surname: String = name.chars().take(1).collect();
        let queue = LoanFilter {
            status: Some(crate::domain::LoanStatus::Active),
            dpd_min: Some(1),
            promises_first: Some(day),
            ..LoanFilter::default()
        };
        let mut seen_a_band = false;
        for search in ["DL0000", "DL000001", surname.as_str(), name.as_str(), "nobody"] {
            for base in [LoanFilter::default(), queue.clone()] {
                let filter = LoanFilter { search: Some(search.into()), ..base };
                let total = store::count_loans(conn, StateTable::Shared, &filter).expect("count");
                if let Some(day) = filter.promises_first {
                    let band = store::promise_band(&filter, day);
                    seen_a_band |= store::count_loans(conn, StateTable::Shared, &band).expect("band") > 0;
                }
                for sort in
                    [SortKey::Dpd, SortKey::Overdue, SortKey::Due, SortKey::LastContact, SortKey::NextAction]
                {
                    for (offset, limit) in [(0, 10), (3, 7), (total.saturating_sub(2), 10), (total + 5, 10)] {
                        let want =
                            store::list_loans(conn, StateTable::Shared, &filter, sort, Some(limit), offset)
                                .expect("statements");
                        let (got, n) = desk
                            .store
                            .list_page(StateTable::Shared, &filter, sort, Some(limit), offset, true)
                            .expect("kept");
                        assert_eq!(got, want, "{search} {sort:?} {offset}+{limit}");
                        assert_eq!(n, Some(total), "{search} {sort:?}");
                    }
                }
            }
        }
        assert!(seen_a_band, "a searched queue with promises due today");
    }

    #[test]
    fn filtered_list_questions_search_an_index_range() {
        let desk = demo(100);
        let conn = desk.store.conn();
        let day = desk.as_of;
        let plan = |(sql, args): (String, Vec<rusqlite::types::Value>)| -> String {
            let mut stmt = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).expect("explain");
            let rows = stmt
                .query_map(rusqlite::params_from_iter(args), |r| r.get::<_, String>(3))
                .expect("plan")
                .map(|r| r.expect("row"))
                .collect::<Vec<_>>();
            rows.join(" / ")
        };
        let questions = [
            (
                LoanFilter {
                    next_due_between: Some((day, day + chrono::Duration::days(3))),
                    ..LoanFilter::default()
                },
                SortKey::Due,
            ),
            (LoanFilter { promise_due: Some((true, day)), ..LoanFilter::default() }, SortKey::Overdue),
            (LoanFilter { stage: Some(crate::domain::Stage::Legal), ..LoanFilter::default() }, SortKey::Dpd),
        ];
        for (filter, sort) in questions {
            for p in [
                plan(store::count_sql(StateTable::Shared, &filter)),
                plan(store::page_sql(StateTable::Shared, &filter, sort, Some(50), 0)),
            ] {
                // A search of an index's range, never a walk of the table or of a whole index.
                let walks = p.split(" / ").any(|step| step.starts_with("SCAN s"));
                assert!(p.contains("SEARCH s USING") && !walks, "{filter:?} {sort:?}: {p}");
            }
        }
    }

    #[test]
    fn a_kept_search_is_found_again_after_a_write() {
        let mut desk = demo(100);
        let filter = LoanFilter { search: Some("DL0000001".into()), ..LoanFilter::default() };
        let count = |desk: &Desk| {
            desk.store.list_page(StateTable::Shared, &filter, SortKey::Dpd, None, 0, true).expect("page").1
        };
        let before = count(&desk).expect("total");
        assert!(before > 0);
        desk.store.write(|tx| tx.execute("DELETE FROM loan_state WHERE loan_id = (SELECT id FROM loans WHERE loan_ref = 'DL00000012')", [])).expect("write");
        assert_eq!(count(&desk), Some(before - 1), "a write makes the search look again");
    }

    #[test]
    fn the_queue_read_through_its_partial_indexes_is_in_the_order_asked() {
        let desk = demo(400);
        let conn = desk.store.conn();
        let filter = LoanFilter {
            status: Some(crate::domain::LoanStatus::Active),
            dpd_min: Some(1),
            ..LoanFilter::default()
        };
        for (sort, order) in [
            (SortKey::Overdue, "overdue_amount DESC, loan_id"),
            (SortKey::LastContact, "last_contact_at, loan_id"),
            (SortKey::NextAction, "next_action_on IS NULL, next_action_on, loan_id"),
        ] {
            let sql = format!(
                "SELECT loan_id FROM loan_state WHERE status = 'active' AND dpd >= 1 ORDER BY {order}"
            );
            let want: Vec<i64> = conn
                .prepare(&sql)
                .expect("prepare")
                .query_map([], |r| r.get(0))
                .expect("query")
                .collect::<rusqlite::Result<_>>()
                .expect("rows");
            let got: Vec<i64> = store::list_loans(conn, StateTable::Shared, &filter, sort, None, 0)
                .expect("list")
                .iter()
                .map(|r| r.loan_id.0)
                .collect();
            assert!(want.len() > 20);
            assert_eq!(got, want, "{sort:?}");
        }
    }

    #[test]
    fn a_refresh_that_writes_only_moved_rows_leaves_what_a_full_one_would() {
        let mut desk = demo(300);
        let before = snapshot(&desk);
        desk.refresh(&mut |_| {}).expect("same day");
        assert_eq!(snapshot(&desk), before, "a refresh on the snapshot's date changes nothing");

        desk.as_of = NaiveDate::from_ymd_opt(2026, 3, 20).expect("day");
        desk.refresh(&mut |_| {}).expect("later");
        let moved = snapshot(&desk);
        assert_ne!(moved, before);
        // The same date computed into an emptied snapshot (indexes rebuilt at the end).
        let indexes = |desk: &Desk| -> Vec<(String, Option<String>)> {
            let conn = desk.store.conn();
            let mut stmt = conn
                .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'loan_state' ORDER BY name")
                .expect("prepare");
            stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
                .expect("query")
                .map(|r| r.expect("row"))
                .collect()
        };
        let before = indexes(&desk);
        assert!(before.len() > 10, "{before:?}");
        desk.store.conn().execute("DELETE FROM loan_state", []).expect("empty");
        desk.refresh(&mut |_| {}).expect("from empty");
        assert_eq!(snapshot(&desk), moved);
        assert_eq!(indexes(&desk), before, "the snapshot's indexes are back, as they were");
    }
}

//! One loan's snapshot row: what is read for it and the row computed from that as of a date.

use chrono::NaiveDate;

use super::cells::Cell;
use crate::domain::npl::npl_hold;
use crate::domain::plan::{ExplicitSchedule, held_class, schedule_in_force};
use crate::domain::warning::history_signals;
use crate::domain::{
    AssessRules, LoanTerms, Money, Payment, RiskClass, Stage, Standing, assess, effective_stage, is_secured,
    promise_status,
};
use crate::store::Result;
use crate::store::book::{LoanId, explicit_schedule};
use crate::store::row::{Cols, FromRow};
use crate::store::users::UserId;

/// What a refresh needs to know about one loan besides its payments.
pub(super) struct Facts {
    pub(super) id: LoanId,
    pub(super) terms: LoanTerms,
    pub(super) stage: Stage,
    written_off: bool,
    secured: bool,
    pub(super) schedule_id: Option<i64>,
    assignee: Option<UserId>,
    last_contact_at: Option<String>,
    next_action_on: Option<String>,
    /// The latest promise to pay: amount, made on, due on.
    promise: Option<(Money, NaiveDate, NaiveDate)>,
}

/// What `Facts` reads, from a loan `l` and its customer `c` (`FACTS_FROM`).
pub(super) const FACTS_COLUMNS: &str = "l.id, l.product, l.principal_cents, l.rate_e4, l.term_months, \
     l.disbursed_on, l.stage, l.written_off_on IS NOT NULL AS written_off, l.guarantor, l.collateral, \
     l.schedule_id, c.assignee_id, l.last_contact_at, l.next_action_on, l.promise_amount_cents, \
     l.promise_made_on, l.promise_due_on";

pub(super) const FACTS_FROM: &str = "FROM loans l JOIN customers c ON c.id = l.customer_id";

impl FromRow for Facts {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        let id = c.get("id")?;
        let terms = c.terms()?;
        let (stage, written_off) = (c.word("stage")?, c.get("written_off")?);
        let (guarantor, collateral): (Option<String>, Option<String>) =
            (c.get("guarantor")?, c.get("collateral")?);
        let (schedule_id, assignee) = (c.get("schedule_id")?, c.get("assignee_id")?);
        let (last_contact_at, next_action_on) = (c.get("last_contact_at")?, c.get("next_action_on")?);
        let amount: Option<i64> = c.get("promise_amount_cents")?;
        let (made, due) = (c.opt_day("promise_made_on")?, c.opt_day("promise_due_on")?);
        let promise = match (amount, made, due) {
            (Some(a), Some(m), Some(d)) => Some((Money::from_cents(a), m, d)),
            _ => None,
        };
        Ok(Facts {
            id,
            terms,
            stage,
            written_off,
            secured: is_secured(guarantor.as_deref(), collateral.as_deref()),
            schedule_id,
            assignee,
            last_contact_at,
            next_action_on,
            promise,
        })
    }
}

/// The snapshot's columns in the order of a `Row`.
pub(super) const COLUMNS: &str = "loan_id, rolled_on, stale_on, status, stage, workflow_stage, product, secured, \
     assignee_id, overdue_since, outstanding_principal, overdue_principal, overdue_interest, overdue_amount, \
     penalty_lag, unpaid_total, next_due_on, next_due_amount, due_soon_on, due_soon_kind, last_contact_at, \
     next_action_on, promise_due_on, promise_status, class_held, class_npl, warn_bits, due_soon_from";

pub(super) const WIDTH: usize = 28;

/// Where some of a row's values are, in `COLUMNS`' order.
pub(super) mod place {
    pub(in crate::store::state) const STATUS: usize = 3;
    pub(in crate::store::state) const ASSIGNEE: usize = 8;
    pub(in crate::store::state) const OVERDUE_SINCE: usize = 9;
    pub(in crate::store::state) const OUTSTANDING: usize = 10;
    pub(in crate::store::state) const OVERDUE_AMOUNT: usize = 13;
    pub(in crate::store::state) const UNPAID_TOTAL: usize = 15;
    pub(in crate::store::state) const CLASS_HELD: usize = 24;
    pub(in crate::store::state) const CLASS_NPL: usize = 25;
}

/// A snapshot row in the order of `COLUMNS`.
pub(super) type Row = [Cell; WIDTH];

/// `loan_id` and `rolled_on`: a row that is otherwise what is stored is not written again.
pub(super) const KEY_AND_DATE: usize = 2;

/// Where `stale_on` is in a row.
pub(super) const STALE_ON: usize = 2;

/// Loans in one batch of the refresh's worker, and of the roll's reads.
pub(super) const BATCH_LOANS: usize = 256;

/// One loan's snapshot row as of the date, from what was read for it.
pub(super) fn row_of(
    facts: &Facts,
    payments: Vec<Payment>,
    explicit: Option<ExplicitSchedule>,
    as_of: NaiveDate,
    rules: &AssessRules,
) -> Row {
    let promise = facts.promise.map(|(amount, made, due)| {
        (promise_status(made, due, amount, &payments, as_of, rules.promise_grace_days), due)
    });
    let events = payments.clone();
    let hold = explicit.as_ref().and_then(|e| e.hold);
    let (schedule, counted) = schedule_in_force(&facts.terms, explicit, payments);
    let a = assess(&schedule, &counted, facts.terms.rate, as_of, rules);
    let mut st = Standing::of(&a, &events, promise, rules);
    let class_held = held_class(hold, &schedule, &counted, &a);
    let npl = npl_hold(&schedule, &counted, as_of, rules.class_bands);
    let active = !a.closed && !facts.written_off;
    let warn = active.then(|| history_signals(&schedule, &counted, as_of, &rules.history));
    for end in [npl.changes_on, warn.and_then(|w| w.changes_on)] {
        st.stale_on = match (st.stale_on, end) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    if hold.is_some() {
        // Whether a plan is kept turns on its last six months, a window that moves every day.
        st.stale_on = st.stale_on.min(as_of.succ_opt()).or(as_of.succ_opt());
    }
    let (status, stage) = effective_stage(facts.stage, facts.written_off, a.closed);
    let money = |m: Money| Cell::Int(m.cents());
    let day = |d: Option<NaiveDate>| d.map_or(Cell::Null, Cell::day);
    let word = |w: Option<&'static str>| w.map_or(Cell::Null, Cell::Word);
    let text = |t: &Option<String>| t.clone().map_or(Cell::Null, Cell::Text);
    [
        Cell::Int(facts.id.0),
        Cell::day(as_of),
        day(st.stale_on),
        Cell::Word(status.as_str()),
        Cell::Word(stage.as_str()),
        Cell::Word(facts.stage.as_str()),
        Cell::Word(facts.terms.product.as_str()),
        Cell::Int(i64::from(facts.secured)),
        facts.assignee.map_or(Cell::Null, |u| Cell::Int(u.0)),
        day(st.overdue_since),
        money(st.outstanding_principal),
        money(st.overdue_principal),
        money(st.overdue_interest),
        money(st.overdue_principal + st.overdue_interest),
        Cell::Int(st.penalty_lag),
        money(st.unpaid_total),
        day(st.next_due_on),
        money(st.next_due_amount),
        day(st.window.map(|w| w.soon.due_on)),
        word(st.window.map(|w| w.soon.kind.as_str())),
        text(&facts.last_contact_at),
        text(&facts.next_action_on),
        day(promise.map(|(_, d)| d)),
        word(promise.map(|(s, _)| s.as_str())),
        word(class_held.map(RiskClass::as_str)),
        word(npl.class.map(RiskClass::as_str)),
        Cell::Int(i64::from(warn.map_or(0, |w| w.bits))),
        day(st.window.map(|w| w.opens_on)),
    ]
}

/// One loan's snapshot row as of the date, its schedule read here.
pub(super) fn assessed_row(
    db: crate::store::Db<'_>,
    facts: &Facts,
    payments: Vec<Payment>,
    as_of: NaiveDate,
    rules: &AssessRules,
) -> Result<Row> {
    let explicit = facts.schedule_id.map(|id| explicit_schedule(db, id)).transpose()?;
    Ok(row_of(facts, payments, explicit, as_of, rules))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_place_is_its_columns() {
        let names: Vec<&str> = COLUMNS.split(',').map(str::trim).collect();
        assert_eq!(names.len(), WIDTH);
        for (at, name) in [
            (place::STATUS, "status"),
            (place::ASSIGNEE, "assignee_id"),
            (place::OVERDUE_SINCE, "overdue_since"),
            (place::OUTSTANDING, "outstanding_principal"),
            (place::OVERDUE_AMOUNT, "overdue_amount"),
            (place::UNPAID_TOTAL, "unpaid_total"),
            (place::CLASS_HELD, "class_held"),
            (place::CLASS_NPL, "class_npl"),
        ] {
            assert_eq!(names[at], name);
        }
    }

    #[test]
    fn a_rows_promise_status_takes_the_grace_of_the_rules_given() {
        let day = |s: &str| crate::domain::parse_date(s).expect("date");
        let facts = Facts {
            id: LoanId(1),
            terms: LoanTerms {
                product: crate::domain::Product::Bullet,
                principal: Money::from_cents(1_000_000),
                rate: crate::domain::Rate::parse("12").expect("rate"),
                term_months: 1,
                disbursed_on: day("2025-12-30"),
            },
            stage: Stage::Reminder,
            written_off: false,
            secured: false,
            schedule_id: None,
            assignee: None,
            last_contact_at: None,
            next_action_on: None,
            promise: Some((Money::from_cents(500_000), day("2026-03-01"), day("2026-03-05"))),
        };
        let status = |as_of: &str, grace: i64| {
            let rules = AssessRules { promise_grace_days: grace, ..AssessRules::default() };
            let row = row_of(&facts, Vec::new(), None, day(as_of), &rules);
            (row[23].clone(), row[2].clone())
        };
        assert_eq!(status("2026-03-07", 3), (Cell::Word("active"), Cell::day(day("2026-03-09"))));
        assert_eq!(status("2026-03-07", 1).0, Cell::Word("broken"));
        assert_eq!(status("2026-03-09", 3).0, Cell::Word("broken"));
    }
}

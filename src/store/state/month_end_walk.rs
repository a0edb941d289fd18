//! A month-end's rows recomputed from the ledger (`report capture`, a run's month-end the shared
//! snapshot has already passed, the demo's history): each loan disbursed by then walked as of
//! that day, its month-end row made on the walk's worker, handed on a page at a time; no snapshot
//! copy is written and read back.

use chrono::NaiveDate;

use super::cells::Cell;
use super::compute::{Facts, Row, place};
use super::stream::{Walk, each_loan};
use crate::domain::report::Month;
use crate::domain::{AssessRules, LoanStatus, ManualClass, Money, RiskClass};
use crate::store::month_end::Source;
use crate::store::row::parse_day;
use crate::store::row::{Cols, FromRow};
use crate::store::state_row::ClassParts;
use crate::store::{Result, StoreError};

/// What a month-end row needs of a loan beyond the facts of its figures.
struct More {
    customer: i64,
    written_off_on: Option<NaiveDate>,
    branch: Option<String>,
    observation_until: Option<NaiveDate>,
    manual: Option<ManualClass>,
}

const MORE: &str = "l.customer_id, l.written_off_on, l.branch, l.observation_until, l.manual_class, \
     l.manual_class_from, l.manual_class_until";

impl FromRow for More {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(More {
            customer: c.get("customer_id")?,
            written_off_on: c.opt_day("written_off_on")?,
            branch: c.get("branch")?,
            observation_until: c.opt_day("observation_until")?,
            manual: c.manual_class()?,
        })
    }
}

/// Walks the loans after `after` disbursed by the month-end of `month` as of that day, and hands
/// `write` their rows `page` loans at a time, in loan order. Returns the loans walked.
pub(crate) fn month_end_walk<'a>(
    db: impl Into<crate::store::Db<'a>>,
    month: Month,
    rules: &AssessRules,
    after: i64,
    page: usize,
    write: &mut dyn FnMut(&[Source]) -> Result<()>,
) -> Result<u64> {
    let end = month.last_day();
    let walk = Walk { after, disbursed_by: Some(end), extra: MORE };
    let mut rows: Vec<Source> = Vec::with_capacity(page);
    let n = each_loan(db, end, rules, &walk, source, &mut |made: Result<Source>| {
        rows.push(made?);
        if rows.len() >= page {
            write(&rows)?;
            rows.clear();
        }
        Ok(())
    })?;
    if !rows.is_empty() {
        write(&rows)?;
    }
    Ok(n)
}

/// A loan's month-end source from its facts and its row computed for the day.
fn source(facts: Facts, more: More, row: Row) -> Result<Source> {
    let loan = facts.id.0;
    let corrupt = |what: &str| StoreError::Corrupt(format!("loan {loan}'s computed {what}"));
    let day = |at: usize, what: &str| row[at].text().map(parse_day).transpose().map_err(|_| corrupt(what));
    let money = |at: usize, what: &str| row[at].int().map(Money::from_cents).ok_or_else(|| corrupt(what));
    let class = |at: usize, what: &str| -> Result<Option<RiskClass>> {
        row[at].text().map(|w| w.parse().map_err(|_| corrupt(what))).transpose()
    };
    let status: LoanStatus = match &row[place::STATUS] {
        Cell::Word(w) => w.parse().map_err(|_| corrupt("status"))?,
        _ => return Err(corrupt("status")),
    };
    Ok(Source {
        loan,
        customer: more.customer,
        status,
        outstanding: money(place::OUTSTANDING, "outstanding principal")?,
        overdue: money(place::OVERDUE_AMOUNT, "overdue amount")?,
        principal: facts.terms.principal,
        disbursed: facts.terms.disbursed_on,
        written_off_on: more.written_off_on,
        product: facts.terms.product,
        stage: facts.stage,
        owner: row[place::ASSIGNEE].int(),
        branch: more.branch,
        class: ClassParts {
            overdue_since: day(place::OVERDUE_SINCE, "overdue since")?,
            unpaid_total: money(place::UNPAID_TOTAL, "unpaid total")?,
            observation_until: more.observation_until,
            class_held: class(place::CLASS_HELD, "held class")?,
            class_npl: class(place::CLASS_NPL, "NPL hold")?,
            manual: more.manual,
        },
    })
}

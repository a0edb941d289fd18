//! Every loan computed as of a date from the ledger, in loan order: loans and payments read as two
//! index scans merged, the schedules and figures computed on a second thread while this one reads
//! the next loans and takes the answers. A whole-book refresh and a month-end recomputed from the
//! ledger are both this walk with a different use for each row.

use std::ops::Range;

use chrono::NaiveDate;
use rusqlite::types::Type;
use rusqlite::{Connection, params};

use super::compute::{BATCH_LOANS, FACTS_COLUMNS, FACTS_FROM, Facts, Row, row_of};
use crate::domain::plan::ExplicitSchedule;
use crate::domain::{AssessRules, Money, Payment};
use crate::store::book::explicit_schedule;
use crate::store::db::{Db, IDS_IN, Val, ids_json};
use crate::store::row::parse_day;
use crate::store::row::{Cols, FromRow};
use crate::store::{Result, StoreError};

/// Which loans a walk takes and what more it reads of each.
pub(super) struct Walk<'a> {
    /// Loans with a larger id only (a stopped capture going on).
    pub(super) after: i64,
    /// Loans disbursed by this day only.
    pub(super) disbursed_by: Option<NaiveDate>,
    /// Columns of `loans l` read after the facts, for `E`.
    pub(super) extra: &'a str,
}

impl Walk<'static> {
    pub(super) const WHOLE: Walk<'static> = Walk { after: i64::MIN, disbursed_by: None, extra: "" };
}

/// Nothing more than the facts.
pub(super) struct NoMore;

impl FromRow for NoMore {
    fn read(_: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(NoMore)
    }
}

/// One loan for the worker: its facts, what more was read, its payments' place in the batch's.
type Job<E> = (Facts, E, Range<usize>, Option<ExplicitSchedule>);

/// A batch for the worker; the payments of all its loans in one allocation (one per loan, made
/// here and freed on the other thread, was a fifth of this thread's time).
struct Batch<E> {
    jobs: Vec<Job<E>>,
    payments: Vec<Payment>,
}

impl<E> Batch<E> {
    fn new() -> Self {
        Batch { jobs: Vec::with_capacity(BATCH_LOANS), payments: Vec::with_capacity(BATCH_LOANS * 16) }
    }
}

/// Batches handed to the worker and not yet taken back.
const IN_FLIGHT: usize = 4;

/// The next loan a walk takes, its payments pushed onto the batch's.
type Next<'n, E> = Box<dyn FnMut(&mut Vec<Payment>) -> Result<Option<Job<E>>> + 'n>;

/// Loans read from a file: the loans and their payments as two index scans merged.
fn file_loans<'s, 'c: 's, E: FromRow + 's>(
    conn: &'c Connection,
    loans: &'s mut rusqlite::Statement<'c>,
    pays: &'s mut rusqlite::Statement<'c>,
    walk: &Walk<'_>,
) -> Result<Next<'s, E>> {
    // A book's every payment goes by here: each date parsed where it lies, not copied first.
    let mut pay_rows = pays.query_map([walk.after], |r| {
        let day = r.get_ref(1)?.as_str()?;
        let day = parse_day(day)
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(1, Type::Text, Box::new(e)))?;
        Ok((r.get::<_, i64>(0)?, day, r.get::<_, i64>(2)?))
    })?;
    let mut pending: Option<(i64, NaiveDate, i64)> = pay_rows.next().transpose()?;
    let mut rows = match walk.disbursed_by {
        Some(day) => loans.query(params![walk.after, day.to_string()])?,
        None => loans.query([walk.after])?,
    };
    Ok(Box::new(move |payments: &mut Vec<Payment>| {
        let Some(r) = rows.next()? else { return Ok(None) };
        let mut c = Cols::new(r);
        let facts = Facts::read(&mut c)?;
        let extra = E::read(&mut c)?;
        let from = payments.len();
        // Payments come in loan order too; take this loan's, skip any of a loan not walked
        // (gone, or disbursed after the day).
        while let Some((loan_id, day, cents)) = pending.take_if(|(loan_id, _, _)| *loan_id <= facts.id.0) {
            if loan_id == facts.id.0 {
                payments.push(Payment { paid_on: day, amount: Money::from_cents(cents) });
            }
            pending = pay_rows.next().transpose()?;
        }
        let explicit = facts.schedule_id.map(|id| explicit_schedule(conn, id)).transpose()?;
        Ok(Some((facts, extra, from..payments.len(), explicit)))
    }))
}

/// A loan's facts and what more a walk reads of it.
struct Walked<E>(Facts, E);

impl<E: FromRow> FromRow for Walked<E> {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(Walked(Facts::read(c)?, E::read(c)?))
    }
}

/// A page of loans read from the server and their payments, in loan order.
type Page<E> = std::collections::VecDeque<(Walked<E>, Vec<Payment>)>;

/// Loans read from the server a page at a time, each page's payments by one range of loan ids
/// (one session cannot keep two statements' rows open at once).
fn server_loans<'c, E: FromRow + 'c>(db: Db<'c>, loans_sql: String, walk: &Walk<'_>) -> Next<'c, E> {
    // Small in test builds, so that a demo book spans several pages.
    const PAGE: i64 = if cfg!(debug_assertions) { 64 } else { 2_000 };
    let (mut after, by) = (walk.after, walk.disbursed_by.map(|d| d.to_string()));
    let mut done = false;
    server_pages(db, move || {
        if done {
            return Ok(None);
        }
        let mut params: Vec<Val<'_>> = vec![after.into(), PAGE.into()];
        params.extend(by.as_deref().map(Val::from));
        let loans: Vec<Walked<E>> = db.rows(&loans_sql, &params)?;
        done = (loans.len() as i64) < PAGE;
        let Some(last) = loans.last().map(|l| l.0.id.0) else { return Ok(None) };
        let paid = db.rows(
            "SELECT loan_id, paid_on, amount_cents FROM payments WHERE loan_id > ?1 AND loan_id <= ?2 \
             ORDER BY loan_id, paid_on, amount_cents",
            &[after.into(), last.into()],
        )?;
        after = last;
        Ok(Some((loans, paid)))
    })
}

/// A page of loans as read, and their payments (loan, day, cents) in loan order.
type Fetched<E> = (Vec<Walked<E>>, Vec<(i64, String, i64)>);

/// The loans `fetch` reads a page at a time with their payments (loan order, a loan's payments
/// by day and amount), handed out one by one.
fn server_pages<'c, E: FromRow + 'c>(
    db: Db<'c>,
    mut fetch: impl FnMut() -> Result<Option<Fetched<E>>> + 'c,
) -> Next<'c, E> {
    let mut page: Page<E> = Page::new();
    Box::new(move |payments: &mut Vec<Payment>| {
        while page.is_empty() {
            let Some((loans, paid)) = fetch()? else { return Ok(None) };
            let mut paid = paid.into_iter().peekable();
            for loan in loans {
                let mut own = Vec::new();
                while let Some((id, day, cents)) = paid.next_if(|(id, _, _)| *id <= loan.0.id.0) {
                    if id == loan.0.id.0 {
                        own.push(Payment { paid_on: parse_day(&day)?, amount: Money::from_cents(cents) });
                    }
                }
                page.push_back((loan, own));
            }
        }
        let Some((Walked(facts, extra), own)) = page.pop_front() else { return Ok(None) };
        let from = payments.len();
        payments.extend(own);
        let explicit = facts.schedule_id.map(|id| explicit_schedule(db, id)).transpose()?;
        Ok(Some((facts, extra, from..payments.len(), explicit)))
    })
}

/// Computes the loans `ids` (increasing, each once) as of `as_of` and hands `take` each row, in
/// loan order: on the server a page of loans and their payments a statement each, on a file a
/// loan's own statements (an index look-up each, cheaper there than one over many loans). Returns
/// the loans found.
pub(super) fn each_listed<'a>(
    db: impl Into<Db<'a>>,
    ids: &[i64],
    as_of: NaiveDate,
    rules: &AssessRules,
    take: &mut dyn FnMut(Row) -> Result<()>,
) -> Result<u64> {
    let db = db.into();
    let map = |_: Facts, _: NoMore, row: Row| row;
    let one_sql = format!("SELECT {FACTS_COLUMNS} {FACTS_FROM} WHERE l.id = ?1");
    let page_sql = format!("SELECT {FACTS_COLUMNS} {FACTS_FROM} WHERE l.id {IDS_IN} ORDER BY l.id");
    let pays_sql = format!(
        "SELECT loan_id, paid_on, amount_cents FROM payments WHERE loan_id {IDS_IN} \
         ORDER BY loan_id, paid_on, amount_cents"
    );
    match db {
        Db::File(_) => {
            let mut left = ids.iter();
            let next: Next<'_, NoMore> = Box::new(move |payments: &mut Vec<Payment>| {
                for id in left.by_ref() {
                    let Some(Walked(facts, NoMore)) =
                        db.first::<Walked<NoMore>>(&one_sql, &[(*id).into()])?
                    else {
                        continue;
                    };
                    let from = payments.len();
                    payments.extend(crate::store::paid_of(db, facts.id)?);
                    let explicit = facts.schedule_id.map(|id| explicit_schedule(db, id)).transpose()?;
                    return Ok(Some((facts, NoMore, from..payments.len(), explicit)));
                }
                Ok(None)
            });
            compute_each(next, as_of, rules, map, take)
        }
        Db::Server(_) => {
            const PAGE: usize = if cfg!(debug_assertions) { 64 } else { 2_000 };
            let mut pages = ids.chunks(PAGE);
            let next = server_pages(db, move || {
                let Some(page) = pages.next() else { return Ok(None) };
                let json = ids_json(page.iter().copied());
                Ok(Some((db.rows(&page_sql, &[(&json).into()])?, db.rows(&pays_sql, &[(&json).into()])?)))
            });
            compute_each(next, as_of, rules, map, take)
        }
    }
}

/// Computes each loan `walk` takes as of `as_of` and hands `take` what `map` (on the worker) makes
/// of it, in loan order. Memory stays flat on any size of book: at most `IN_FLIGHT` batches are
/// out and the answers' channel holds that many. Returns the loans taken.
pub(super) fn each_loan<'a, E, T>(
    db: impl Into<Db<'a>>,
    as_of: NaiveDate,
    rules: &AssessRules,
    walk: &Walk<'_>,
    map: impl Fn(Facts, E, Row) -> T + Sync,
    take: &mut dyn FnMut(T) -> Result<()>,
) -> Result<u64>
where
    E: FromRow + Send + 'a,
    T: Send,
{
    let db = db.into();
    let sep = if walk.extra.is_empty() { "" } else { ", " };
    match db {
        Db::File(conn) => {
            let by = if walk.disbursed_by.is_some() { " AND l.disbursed_on <= ?2" } else { "" };
            let mut loans = conn.prepare(&format!(
                "SELECT {FACTS_COLUMNS}{sep}{} {FACTS_FROM} WHERE l.id > ?1{by} ORDER BY l.id",
                walk.extra
            ))?;
            let mut pays = conn.prepare(
                "SELECT loan_id, paid_on, amount_cents FROM payments WHERE loan_id > ?1 \
                 ORDER BY loan_id, paid_on, amount_cents",
            )?;
            let next = file_loans(conn, &mut loans, &mut pays, walk)?;
            compute_each(next, as_of, rules, map, take)
        }
        Db::Server(_) => {
            let by = if walk.disbursed_by.is_some() { " AND l.disbursed_on <= ?3" } else { "" };
            let sql = format!(
                "SELECT {FACTS_COLUMNS}{sep}{} {FACTS_FROM} WHERE l.id > ?1{by} ORDER BY l.id LIMIT ?2",
                walk.extra
            );
            compute_each(server_loans(db, sql, walk), as_of, rules, map, take)
        }
    }
}

/// `each_loan`'s computing: the loans `next` reads, in batches to the worker and back.
fn compute_each<E, T>(
    mut next: Next<'_, E>,
    as_of: NaiveDate,
    rules: &AssessRules,
    map: impl Fn(Facts, E, Row) -> T + Sync,
    take: &mut dyn FnMut(T) -> Result<()>,
) -> Result<u64>
where
    E: FromRow + Send,
    T: Send,
{
    let mut done = 0u64;
    let rules = *rules;
    std::thread::scope(|scope| -> Result<()> {
        let (to_worker, work) = std::sync::mpsc::sync_channel::<Batch<E>>(IN_FLIGHT);
        let (to_main, answers) = std::sync::mpsc::sync_channel::<Vec<T>>(IN_FLIGHT);
        let map = &map;
        scope.spawn(move || {
            for Batch { jobs, payments } in work {
                let out = jobs
                    .into_iter()
                    .map(|(facts, extra, paid, explicit)| {
                        let row = row_of(&facts, payments[paid].to_vec(), explicit, as_of, &rules);
                        map(facts, extra, row)
                    })
                    .collect();
                if to_main.send(out).is_err() {
                    break;
                }
            }
        });
        let mut in_flight = 0usize;
        let lost = || StoreError::Corrupt("the snapshot's worker stopped".into());
        let mut batch = Batch::new();
        let mut more = true;
        while more {
            match next(&mut batch.payments)? {
                Some(job) => batch.jobs.push(job),
                None => more = false,
            }
            if batch.jobs.len() == BATCH_LOANS || (!more && !batch.jobs.is_empty()) {
                if in_flight == IN_FLIGHT {
                    for out in answers.recv().map_err(|_| lost())? {
                        take(out)?;
                        done += 1;
                    }
                    in_flight -= 1;
                }
                to_worker.send(std::mem::replace(&mut batch, Batch::new())).map_err(|_| lost())?;
                in_flight += 1;
            }
        }
        drop(to_worker);
        for outs in answers.iter() {
            for out in outs {
                take(out)?;
                done += 1;
            }
        }
        Ok(())
    })?;
    Ok(done)
}

//! Each active loan's next inspection (`inspection_due`, migration 0019): written as the book
//! changes, so the inspections due or overdue are a range of `due_on` (or of an owner's), a page
//! at a time, on any size of book. What is due is decided by `app` with the domain's rule; this
//! module reads the facts it needs and keeps the rows.

use std::collections::HashSet;

use chrono::NaiveDate;
use rusqlite::types::Value;

use super::Result;
use super::book::{CustomerId, LoanId};
use super::class_events::state_table;
use super::db::{Db, Val};
use super::row::{Cols, FromRow};
use super::state::StateAt;
use super::state_row::{CLASS_COLUMNS, ClassParts};
use super::users::UserId;
use crate::domain::inspection::InspectionKind;
use crate::domain::{LoanStatus, Money, RiskClass};

/// What one loan's schedule is computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueFacts {
    pub loan: LoanId,
    pub customer: CustomerId,
    pub assignee: Option<UserId>,
    pub disbursed_on: NaiveDate,
    /// The snapshot's status (written off from the loan while it has no snapshot row).
    pub status: LoanStatus,
    pub class: RiskClass,
    pub outstanding: Money,
    /// A `first` inspection on record (not corrected by a later record).
    pub first_done: bool,
    /// The latest inspection of any kind (not corrected).
    pub latest: Option<NaiveDate>,
    pub dpd: i64,
    pub principal: Money,
    /// The loan's collateral description and guarantor, as imported.
    pub collateral: Option<String>,
    pub guarantor: Option<String>,
    /// The customer is on the watchlist (DOMAIN §9): inspected monthly.
    pub watchlist: bool,
}

/// An inspection record that no later record corrects.
const STANDING: &str = "NOT EXISTS (SELECT 1 FROM inspections n WHERE n.corrects_id = i.id)";

/// The facts of the loans `filter` selects; a book without inspections (a first import) skips
/// looking them up for each loan. The server's words: flags are its `BOOL` (no `max` of them, no
/// 0 for false), a `NULL` has a type, and the snapshot no schema name.
pub(super) fn facts_sql(db: Db<'_>, filter: &str, inspected: bool) -> String {
    let server = matches!(db, Db::Server(_));
    let (first, latest) = match (inspected, server) {
        (true, false) => (
            format!(
                "(SELECT coalesce(max(i.kind = 'first'), 0) FROM inspections i WHERE i.loan_id = l.id AND {STANDING})"
            ),
            format!("(SELECT max(i.done_on) FROM inspections i WHERE i.loan_id = l.id AND {STANDING})"),
        ),
        (true, true) => (
            format!(
                "(SELECT coalesce(bool_or(i.kind = 'first'), false) FROM inspections i WHERE i.loan_id = l.id AND {STANDING})"
            ),
            format!("(SELECT max(i.done_on) FROM inspections i WHERE i.loan_id = l.id AND {STANDING})"),
        ),
        (false, false) => ("0".to_string(), "NULL".to_string()),
        (false, true) => ("false".to_string(), "CAST(NULL AS TEXT)".to_string()),
    };
    let state = if server { "loan_state" } else { "main.loan_state" };
    format!(
        "SELECT l.id, l.customer_id, c.assignee_id, l.disbursed_on, \
         coalesce(s.status, CASE WHEN l.written_off_on IS NULL THEN 'active' ELSE 'written_off' END) AS status, \
         coalesce(s.outstanding_principal, l.principal_cents) AS outstanding, \
         {first} AS first_done, {latest} AS latest, l.principal_cents, l.collateral, l.guarantor, \
         EXISTS (SELECT 1 FROM watchlist w WHERE w.customer_id = l.customer_id AND w.left_on IS NULL) AS watched, \
         s.loan_id IS NOT NULL AS standing, {CLASS_COLUMNS} \
         FROM loans l JOIN customers c ON c.id = l.customer_id LEFT JOIN {state} s ON s.loan_id = l.id \
         WHERE {filter} ORDER BY l.customer_id, l.id"
    )
}

/// A loan's facts as read, before its DPD and class on the date asked are derived.
pub(super) struct Read {
    facts: DueFacts,
    /// `None` while the loan has no snapshot row: DPD 0, normal.
    standing: Option<ClassParts>,
}

impl FromRow for Read {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        let facts = DueFacts {
            loan: c.get("id")?,
            customer: c.get("customer_id")?,
            assignee: c.get("assignee_id")?,
            disbursed_on: c.day("disbursed_on")?,
            status: c.word("status")?,
            class: RiskClass::Normal,
            outstanding: c.money("outstanding")?,
            first_done: c.get("first_done")?,
            latest: c.opt_day("latest")?,
            dpd: 0,
            principal: c.money("principal_cents")?,
            collateral: c.get("collateral")?,
            guarantor: c.get("guarantor")?,
            watchlist: c.get("watched")?,
        };
        let standing = if c.get("standing")? { Some(ClassParts::read(c)?) } else { None };
        Ok(Read { facts, standing })
    }
}

impl Read {
    fn at(self, at: &StateAt) -> DueFacts {
        let Some(parts) = self.standing else { return self.facts };
        let (dpd, class, _) = parts.on(at);
        DueFacts { dpd, class, ..self.facts }
    }
}

pub(super) fn facts_at(rows: Vec<Read>, at: &StateAt) -> Vec<DueFacts> {
    rows.into_iter().map(|r| r.at(at)).collect()
}

/// The facts of a customer's loans, in loan order.
/// DPD and class as of the date asked.
pub fn due_facts_of_customer<'a>(
    db: impl Into<Db<'a>>,
    customer: CustomerId,
    at: &StateAt,
) -> Result<Vec<DueFacts>> {
    let db = db.into();
    let rows = db.rows(&facts_sql(db, "l.customer_id = ?1", true), &[customer.0.into()])?;
    Ok(facts_at(rows, at))
}

/// The facts of the loans of up to `customers` customers after customer id `after`, in
/// customer order (a whole-book schedule reads the book a page at a time). `inspected`: the
/// book holds inspections to look up (`any_inspection`).
pub fn due_facts_page<'a>(
    db: impl Into<Db<'a>>,
    after: i64,
    customers: u32,
    inspected: bool,
    at: &StateAt,
) -> Result<Vec<DueFacts>> {
    let db = db.into();
    let sql = facts_sql(
        db,
        "l.customer_id IN (SELECT id FROM customers WHERE id > ?1 ORDER BY id LIMIT ?2)",
        inspected,
    );
    Ok(facts_at(db.rows(&sql, &[after.into(), i64::from(customers).into()])?, at))
}

/// Whether any inspection is on record.
pub fn any_inspection<'a>(db: impl Into<Db<'a>>) -> Result<bool> {
    Ok(db.into().value("SELECT EXISTS (SELECT 1 FROM inspections)", &[])?.unwrap_or(false))
}

/// When and why the loan's special inspection was asked for, if one is on its schedule (by the
/// schedule's primary key).
pub fn special_asked<'a>(db: impl Into<Db<'a>>, loan: LoanId) -> Result<Option<(NaiveDate, String)>> {
    let row: Option<(Option<String>, Option<String>)> = db.into().first(
        "SELECT asked_on, reason FROM inspection_due WHERE loan_id = ?1 AND special = 1",
        &[loan.0.into()],
    )?;
    match row {
        Some((Some(day), reason)) => Ok(Some((super::row::parse_day(&day)?, reason.unwrap_or_default()))),
        _ => Ok(None),
    }
}

/// When the loan's special inspection was asked for, if one is on its schedule.
pub fn special_asked_on<'a>(db: impl Into<Db<'a>>, loan: LoanId) -> Result<Option<NaiveDate>> {
    let day: Option<Option<String>> = db
        .into()
        .value("SELECT asked_on FROM inspection_due WHERE loan_id = ?1 AND special = 1", &[loan.0.into()])?;
    day.flatten().as_deref().map(super::row::parse_day).transpose()
}

/// Takes the loan off the schedule: its regular row, its special one, or both (`None`).
pub fn drop_due<'a>(db: impl Into<Db<'a>>, loan: LoanId, special: Option<bool>) -> Result<()> {
    db.into().execute(
        "DELETE FROM inspection_due WHERE loan_id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR special = ?2)",
        &[loan.0.into(), special.into()],
    )?;
    Ok(())
}

/// Keeps the owner of the loan's rows with the case's (a reassignment).
pub fn set_due_owner<'a>(db: impl Into<Db<'a>>, loan: LoanId, to: Option<UserId>) -> Result<()> {
    db.into().execute(
        "UPDATE inspection_due SET assignee_id = ?2 WHERE loan_id = ?1",
        &[loan.0.into(), to.map(|u| u.0).into()],
    )?;
    Ok(())
}

/// The customers whose schedule the snapshot has moved from on the date asked: a scheduled loan
/// no longer active, a routine interval taken for another class than the loan's on the date, an
/// active loan not scheduled. One pass over the schedule and one over the snapshot's active loans
/// (a run's, after the book is rolled to its date), each read row by row.
pub fn customers_out_of_step<'a>(db: impl Into<Db<'a>>, at: &StateAt) -> Result<Vec<CustomerId>> {
    let db = db.into();
    let t = state_table(db, at);
    match db {
        Db::File(conn) => out_of_step_merged(conn, t, at),
        Db::Server(_) => out_of_step_joined(db, t, at),
    }
}

/// `customers_out_of_step` as the server answers it, on any store: what a file's walk is held to.
#[cfg(test)]
pub(crate) fn customers_out_of_step_joined<'a>(
    db: impl Into<Db<'a>>,
    at: &StateAt,
) -> Result<Vec<CustomerId>> {
    let db = db.into();
    out_of_step_joined(db, state_table(db, at), at)
}

/// `customers_out_of_step` as two joins: the server's.
fn out_of_step_joined(db: Db<'_>, t: &str, at: &StateAt) -> Result<Vec<CustomerId>> {
    struct Scheduled {
        customer: CustomerId,
        active: bool,
        routine: bool,
        class: Option<RiskClass>,
        parts: ClassParts,
    }
    impl FromRow for Scheduled {
        fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
            let customer = c.get("customer_id")?;
            let active = c.word::<LoanStatus>("status")? == LoanStatus::Active;
            let (routine, class) = (c.get("routine")?, c.opt_word("class")?);
            Ok(Scheduled { customer, active, routine, class, parts: ClassParts::read(c)? })
        }
    }
    let mut out: Vec<CustomerId> = Vec::new();
    let scheduled = format!(
        "SELECT l.customer_id, s.status, d.kind = 'routine' AS routine, d.class, {CLASS_COLUMNS} \
         FROM inspection_due d JOIN {t} s ON s.loan_id = d.loan_id JOIN loans l ON l.id = d.loan_id"
    );
    db.each::<Scheduled>(&scheduled, &[], &mut |r| {
        if !r.active || (r.routine && r.class != Some(r.parts.on(at).1)) {
            out.push(r.customer);
        }
        Ok(())
    })?;
    let unscheduled = format!(
        "SELECT l.customer_id FROM {t} s JOIN loans l ON l.id = s.loan_id WHERE s.status = 'active' \
         AND NOT EXISTS (SELECT 1 FROM inspection_due d WHERE d.loan_id = s.loan_id AND d.special = 0)"
    );
    db.each::<(CustomerId,)>(&unscheduled, &[], &mut |(c,)| {
        out.push(c);
        Ok(())
    })?;
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// `customers_out_of_step` on a file: the schedule and the snapshot each read once in loan order
/// and walked together, where joining them probed two tables a row at random (4.8 s of a book's
/// first run on 1,000,000 loans).
fn out_of_step_merged(conn: &rusqlite::Connection, t: &str, at: &StateAt) -> Result<Vec<CustomerId>> {
    struct Due {
        loan: i64,
        special: bool,
        routine: bool,
        class: Option<RiskClass>,
    }
    impl FromRow for Due {
        fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
            let (loan, special, routine) = (c.get("loan_id")?, c.get("special")?, c.get("routine")?);
            Ok(Due { loan, special, routine, class: c.opt_word("class")? })
        }
    }
    struct Standing {
        loan: i64,
        customer: CustomerId,
        active: bool,
        parts: ClassParts,
    }
    impl FromRow for Standing {
        fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
            let (loan, customer) = (c.get("loan_id")?, c.get("customer_id")?);
            let active = c.word::<LoanStatus>("status")? == LoanStatus::Active;
            Ok(Standing { loan, customer, active, parts: ClassParts::read(c)? })
        }
    }
    let mut schedule = conn.prepare_cached(
        "SELECT loan_id, special, kind = 'routine' AS routine, class FROM inspection_due NOT INDEXED \
         ORDER BY loan_id, special",
    )?;
    let mut dues = schedule.query([])?;
    let mut next_due = || -> Result<Option<Due>> { dues.next()?.map(Due::from_row).transpose() };
    let mut standing = conn.prepare_cached(&format!(
        "SELECT s.loan_id, l.customer_id, s.status, {CLASS_COLUMNS} \
         FROM {t} s JOIN loans l ON l.id = s.loan_id ORDER BY s.loan_id"
    ))?;
    let mut loans = standing.query([])?;
    let mut out: Vec<CustomerId> = Vec::new();
    let mut due = next_due()?;
    while let Some(row) = loans.next()? {
        let l = Standing::from_row(row)?;
        // A schedule row with no snapshot row is not the snapshot's to judge (the join's).
        while due.as_ref().is_some_and(|d| d.loan < l.loan) {
            due = next_due()?;
        }
        let (mut regular, mut stepped) = (false, false);
        while let Some(d) = due.as_ref().filter(|d| d.loan == l.loan) {
            regular |= !d.special;
            stepped |= !l.active || (d.routine && d.class != Some(l.parts.on(at).1));
            due = next_due()?;
        }
        if stepped || (l.active && !regular) {
            out.push(l.customer);
        }
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
}

/// Whether the schedule holds any row.
pub fn schedule_is_empty<'a>(db: impl Into<Db<'a>>) -> Result<bool> {
    Ok(db.into().value("SELECT NOT EXISTS (SELECT 1 FROM inspection_due)", &[])?.unwrap_or(true))
}

/// Which scheduled inspections a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DueFilter {
    pub owner: Option<UserId>,
    pub kind: Option<InspectionKind>,
    /// Due on or after, on or before.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Due before this date: overdue on it.
    pub before: Option<NaiveDate>,
    /// These loans only (a case's).
    pub loan: Option<LoanId>,
}

/// A scheduled inspection as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueRow {
    pub loan: LoanId,
    pub loan_ref: String,
    pub borrower: String,
    pub owner: Option<String>,
    pub kind: InspectionKind,
    pub due_on: NaiveDate,
    pub class: Option<RiskClass>,
    pub asked_on: Option<NaiveDate>,
    pub reason: Option<String>,
}

impl FromRow for DueRow {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(DueRow {
            loan: c.get("loan_id")?,
            loan_ref: c.get("loan_ref")?,
            borrower: c.get("borrower")?,
            owner: c.get("login")?,
            kind: c.word("kind")?,
            due_on: c.day("due_on")?,
            class: c.opt_word("class")?,
            asked_on: c.opt_day("asked_on")?,
            reason: c.get("reason")?,
        })
    }
}

fn due_where(f: &DueFilter) -> (String, Vec<Value>) {
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<Value> = Vec::new();
    let mut bind = |cond: &str, v: Value| {
        args.push(v);
        conds.push(cond.replace('?', &format!("?{}", args.len())));
    };
    if let Some(owner) = f.owner {
        bind("d.assignee_id = ?", Value::Integer(owner.0));
    }
    if let Some(loan) = f.loan {
        bind("d.loan_id = ?", Value::Integer(loan.0));
    }
    if let Some(kind) = f.kind {
        bind("d.kind = ?", Value::Text(kind.as_str().into()));
    }
    if let Some(from) = f.from {
        bind("d.due_on >= ?", Value::Text(from.to_string()));
    }
    if let Some(to) = f.to {
        bind("d.due_on <= ?", Value::Text(to.to_string()));
    }
    if let Some(before) = f.before {
        bind("d.due_on < ?", Value::Text(before.to_string()));
    }
    let clause = if conds.is_empty() { String::new() } else { format!("WHERE {}", conds.join(" AND ")) };
    (clause, args)
}

/// How many scheduled inspections the filter matches: a count over an index range.
pub fn count_due<'a>(db: impl Into<Db<'a>>, f: &DueFilter) -> Result<u64> {
    let (clause, args) = due_where(f);
    let sql = format!("SELECT count(*) FROM inspection_due d {clause}");
    let n: i64 = db.into().value(&sql, &vals(&args))?.unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The values of a statement as its slots take them on either backend.
fn vals(args: &[Value]) -> Vec<Val<'_>> {
    args.iter()
        .map(|v| match v {
            Value::Integer(i) => Val::Int(*i),
            Value::Text(t) => Val::Text(t),
            // `due_where` binds integers and text only.
            _ => Val::Null,
        })
        .collect()
}

/// The statement and values of a page of the due list, by due date (ties by loan); `reversed`
/// reads it from the end (a page in the back half of a long list).
pub fn due_page_sql(f: &DueFilter, limit: Option<u64>, offset: u64, reversed: bool) -> (String, Vec<Value>) {
    let (clause, mut args) = due_where(f);
    // No limit: the largest, which both read as none (SQLite's -1 the server refuses).
    args.push(Value::Integer(limit.map_or(i64::MAX, |l| i64::try_from(l).unwrap_or(i64::MAX))));
    let lim = args.len();
    args.push(Value::Integer(i64::try_from(offset).unwrap_or(i64::MAX)));
    let off = args.len();
    let order = if reversed {
        "d.due_on DESC, d.loan_id DESC, d.special DESC"
    } else {
        "d.due_on, d.loan_id, d.special"
    };
    let sql = format!(
        "SELECT d.loan_id, l.loan_ref, l.borrower, u.login, d.kind, d.due_on, d.class, d.asked_on, d.reason \
         FROM (SELECT d.loan_id, d.special FROM inspection_due d {clause} ORDER BY {order} LIMIT ?{lim} OFFSET ?{off}) p \
         JOIN inspection_due d ON d.loan_id = p.loan_id AND d.special = p.special JOIN loans l ON l.id = d.loan_id \
         LEFT JOIN users u ON u.id = d.assignee_id ORDER BY {order}"
    );
    (sql, args)
}

/// A page of the due list; knowing the list's length, a page in its back half is read from the end.
pub fn due_page<'a>(
    db: impl Into<Db<'a>>,
    f: &DueFilter,
    limit: Option<u64>,
    offset: u64,
    total: Option<u64>,
) -> Result<Vec<DueRow>> {
    let from_end = match (total, limit) {
        (Some(total), Some(limit)) if offset > total / 2 && offset < total => {
            let end = offset.saturating_add(limit).min(total);
            Some((total - end, end - offset))
        }
        _ => None,
    };
    let (sql, args) = match from_end {
        Some((back, n)) => due_page_sql(f, Some(n), back, true),
        None => due_page_sql(f, limit, offset, false),
    };
    let mut rows: Vec<DueRow> = db.into().rows(&sql, &vals(&args))?;
    if from_end.is_some() {
        rows.reverse();
    }
    Ok(rows)
}

/// Which of these loans have an inspection due before `before` (the queue's mark).
/// The loans go in as one JSON array, each backend's own way of reading one.
pub fn overdue_among<'a>(
    db: impl Into<Db<'a>>,
    loans: &[LoanId],
    before: NaiveDate,
) -> Result<HashSet<LoanId>> {
    if loans.is_empty() {
        return Ok(HashSet::new());
    }
    let db = db.into();
    let list = format!("[{}]", loans.iter().map(|l| l.0.to_string()).collect::<Vec<_>>().join(","));
    let sql = match db {
        Db::File(_) => {
            "SELECT DISTINCT loan_id FROM inspection_due WHERE loan_id IN (SELECT value FROM json_each(?1)) \
             AND due_on < ?2"
        }
        Db::Server(_) => {
            "SELECT DISTINCT loan_id FROM inspection_due WHERE loan_id IN \
             (SELECT CAST(value AS BIGINT) FROM json_array_elements_text(CAST(CAST(?1 AS TEXT) AS json))) AND due_on < ?2"
        }
    };
    let before = before.to_string();
    Ok(db.column::<LoanId>(sql, &[(&list).into(), (&before).into()])?.into_iter().collect())
}

const PENDING: &str = "inspections_pending";

/// Whether the book is to be scheduled whole (a store made before the schedule).
pub fn schedule_pending<'a>(db: impl Into<super::Db<'a>>) -> Result<bool> {
    Ok(super::meta_get(db, PENDING)?.is_some())
}

/// The book is scheduled.
pub fn schedule_made<'a>(db: impl Into<super::Db<'a>>) -> Result<()> {
    db.into().execute("DELETE FROM meta WHERE key = ?1", &[PENDING.into()])?;
    Ok(())
}

/// The loans with an inspection due before `before` (an index range of the schedule, for the
/// early-warning signal of an inspection overdue by 30 days: `before` is the date less 30 days),
/// each once, in loan order.
pub fn loans_due_before<'a>(db: impl Into<Db<'a>>, before: NaiveDate) -> Result<Vec<LoanId>> {
    let db = db.into();
    // The file is told the index; the server chooses.
    let sql = match db {
        Db::File(_) => {
            "SELECT DISTINCT loan_id FROM inspection_due INDEXED BY inspection_due_on WHERE due_on < ?1 ORDER BY loan_id"
        }
        Db::Server(_) => "SELECT DISTINCT loan_id FROM inspection_due WHERE due_on < ?1 ORDER BY loan_id",
    };
    let before = before.to_string();
    let mut out = Vec::new();
    db.each::<(LoanId,)>(sql, &[(&before).into()], &mut |(loan,)| {
        out.push(loan);
        Ok(())
    })?;
    Ok(out)
}

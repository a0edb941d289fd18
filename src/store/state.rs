//! The delinquency snapshot (`loan_state`): every loan's figures as of one business date.
//!
//! The shared table holds the book as of `snapshot_as_of`; a question about another date is
//! answered from a private scratch table (a TEMP table of this connection), so one desk's
//! "what did the book look like on 1 March" never moves the date everyone else works on.

use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{Connection, Statement, params, params_from_iter};

use super::book::{LoanId, explicit_schedule};
use super::row::{self, Cols, FromRow};
use super::settings::{parse_day, set_snapshot_as_of};
use super::users::UserId;
use super::{Result, StoreError};
use crate::domain::plan::{ExplicitSchedule, held_class, schedule_in_force};
use crate::domain::{
    AssessRules, Assessment, LoanTerms, Money, Payment, PromiseStatus, RiskClass, Stage, assess,
    effective_stage, loan_class, promise_status,
};

/// Which table a refresh writes and a query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateTable {
    /// `loan_state`, shared by every desk, as of `snapshot_as_of`.
    Shared,
    /// This connection's own scratch copy, for other dates.
    Scratch,
}

impl StateTable {
    pub(crate) fn name(self) -> &'static str {
        match self {
            StateTable::Shared => "main.loan_state",
            StateTable::Scratch => "temp.loan_state_scratch",
        }
    }
}

/// What a refresh needs to know about one loan besides its payments.
struct Facts {
    id: LoanId,
    terms: LoanTerms,
    stage: Stage,
    written_off: bool,
    schedule_id: Option<i64>,
    assignee: Option<UserId>,
    last_contact_at: Option<String>,
    next_action_on: Option<String>,
    /// The latest promise to pay: amount, made on, due on.
    promise: Option<(Money, NaiveDate, NaiveDate)>,
    observation_until: Option<NaiveDate>,
    manual_class: Option<crate::domain::ManualClass>,
}

const FACTS_SQL: &str = "SELECT l.id, l.product, l.principal_cents, l.rate_e4, l.term_months, l.disbursed_on, \
     l.stage, l.written_off_on IS NOT NULL AS written_off, l.schedule_id, c.assignee_id, l.last_contact_at, \
     l.next_action_on, l.promise_amount_cents, l.promise_made_on, l.promise_due_on, l.observation_until, \
     l.manual_class, l.manual_class_from, l.manual_class_until \
     FROM loans l JOIN customers c ON c.id = l.customer_id";

impl FromRow for Facts {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        let id = c.get("id")?;
        let terms = c.terms()?;
        let stage = c.word("stage")?;
        let (written_off, schedule_id, assignee) =
            (c.get("written_off")?, c.get("schedule_id")?, c.get("assignee_id")?);
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
            schedule_id,
            assignee,
            last_contact_at,
            next_action_on,
            promise,
            observation_until: c.opt_day("observation_until")?,
            manual_class: c.manual_class()?,
        })
    }
}

const WRITER_COLUMNS: &str = "loan_id, as_of, status, stage, assignee_id, dpd, bucket, class, \
     outstanding_principal, overdue_principal, overdue_interest, overdue_amount, penalty_interest, \
     payoff_amount, next_due_on, next_due_amount, due_soon_on, due_soon_kind, last_contact_at, next_action_on, \
     promise_due_on, promise_status";

struct Writer<'c> {
    insert: Statement<'c>,
}

impl<'c> Writer<'c> {
    fn new(conn: &'c Connection, table: StateTable) -> Result<Self> {
        let sql = format!(
            "INSERT OR REPLACE INTO {} ({WRITER_COLUMNS}) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22)",
            table.name()
        );
        Ok(Writer { insert: conn.prepare(&sql)? })
    }
}

/// One value of a snapshot row as the schedules' thread makes it: the fixed words and the dates
/// without a heap string each. A whole-book refresh makes a million rows on one thread and frees
/// them on the other, and freeing another thread's small strings was a third of the writing
/// thread's time (docs/BENCHMARKS.md).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Cell {
    Null,
    Int(i64),
    Word(&'static str),
    /// A date as the store keeps it, `YYYY-MM-DD`.
    Day([u8; 10]),
    Text(String),
}

impl Cell {
    fn day(date: NaiveDate) -> Cell {
        use chrono::Datelike;
        let (y, m, d) = (date.year(), date.month(), date.day());
        if !(0..=9999).contains(&y) {
            return Cell::Text(date.to_string());
        }
        let y = y as u32;
        let digit = |n: u32| b'0' + (n % 10) as u8;
        Cell::Day([
            digit(y / 1000),
            digit(y / 100),
            digit(y / 10),
            digit(y),
            b'-',
            digit(m / 10),
            digit(m),
            b'-',
            digit(d / 10),
            digit(d),
        ])
    }

    /// Whether the store already holds this value.
    fn is(&self, stored: &Value) -> bool {
        match (self, stored) {
            (Cell::Null, Value::Null) => true,
            (Cell::Int(a), Value::Integer(b)) => a == b,
            (Cell::Word(a), Value::Text(b)) => a == b,
            (Cell::Day(a), Value::Text(b)) => a.as_slice() == b.as_bytes(),
            (Cell::Text(a), Value::Text(b)) => a == b,
            _ => false,
        }
    }
}

impl rusqlite::ToSql for Cell {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(ToSqlOutput::Borrowed(match self {
            Cell::Null => ValueRef::Null,
            Cell::Int(n) => ValueRef::Integer(*n),
            Cell::Word(w) => ValueRef::Text(w.as_bytes()),
            Cell::Day(d) => ValueRef::Text(d),
            Cell::Text(t) => ValueRef::Text(t.as_bytes()),
        }))
    }
}

/// A snapshot row in the order of `Writer`'s columns.
type Row = [Cell; 22];

/// Whether stored values are these cells.
fn stored_as(stored: &[Value], cells: &[Cell]) -> bool {
    stored.len() == cells.len() && cells.iter().zip(stored).all(|(c, v)| c.is(v))
}

fn values(
    f: &Facts,
    a: &Assessment,
    promise: Option<(NaiveDate, PromiseStatus)>,
    plan_held: Option<RiskClass>,
) -> Row {
    let (status, stage) = effective_stage(f.stage, f.written_off, a.closed);
    let class = loan_class(a, f.observation_until, plan_held);
    let money = |m: Money| Cell::Int(m.cents());
    let day = |d: Option<NaiveDate>| d.map_or(Cell::Null, Cell::day);
    let word = |w: Option<&'static str>| w.map_or(Cell::Null, Cell::Word);
    let text = |t: &Option<String>| t.clone().map_or(Cell::Null, Cell::Text);
    [
        Cell::Int(f.id.0),
        Cell::day(a.as_of),
        Cell::Word(status.as_str()),
        Cell::Word(stage.as_str()),
        f.assignee.map_or(Cell::Null, |u| Cell::Int(u.0)),
        Cell::Int(a.dpd),
        Cell::Word(a.bucket.as_str()),
        Cell::Word(class.as_str()),
        money(a.outstanding_principal),
        money(a.overdue_principal),
        money(a.overdue_interest),
        money(a.overdue_amount()),
        money(a.penalty_interest),
        money(a.payoff_amount),
        day(a.next_due_on),
        money(a.next_due_amount),
        day(a.due_soon.map(|s| s.due_on)),
        word(a.due_soon.map(|s| s.kind.as_str())),
        text(&f.last_contact_at),
        text(&f.next_action_on),
        day(promise.map(|(d, _)| d)),
        word(promise.map(|(_, st)| st.as_str())),
    ]
}

/// The shared snapshot as it stands, read in loan order a chunk at a time (no cursor stays open
/// on the table while it is written), so a refresh writes only the rows whose figures moved: a
/// run on the snapshot's own date writes almost nothing, and a new date rewrites the indexes of
/// the loans whose figures changed, not of the whole book.
struct Standing<'c> {
    read: Statement<'c>,
    chunk: std::collections::VecDeque<Vec<Value>>,
    after: i64,
    done: bool,
    /// Rows whose loan is gone.
    orphans: Vec<i64>,
}

const STANDING_CHUNK: i64 = 10_000;

impl<'c> Standing<'c> {
    fn new(conn: &'c Connection) -> Result<Self> {
        let read = conn.prepare(&format!(
            "SELECT {WRITER_COLUMNS} FROM main.loan_state WHERE loan_id > ?1 ORDER BY loan_id LIMIT ?2"
        ))?;
        Ok(Standing { read, chunk: Default::default(), after: i64::MIN, done: false, orphans: Vec::new() })
    }

    /// The standing row of loan `id`, if any (loans come in increasing id order).
    fn take(&mut self, id: i64) -> Result<Option<Vec<Value>>> {
        loop {
            if self.chunk.is_empty() && !self.done {
                let n = WRITER_COLUMNS.split(',').count();
                let rows = self
                    .read
                    .query_map(params![self.after, STANDING_CHUNK], |r| {
                        (0..n).map(|i| r.get::<_, Value>(i)).collect()
                    })?
                    .collect::<rusqlite::Result<Vec<Vec<Value>>>>()?;
                self.done = (rows.len() as i64) < STANDING_CHUNK;
                if let Some(Value::Integer(last)) = rows.last().and_then(|r| r.first()) {
                    self.after = *last;
                }
                self.chunk.extend(rows);
            }
            let Some(first) = self.chunk.front() else { return Ok(None) };
            let Value::Integer(at) = first[0] else { return Ok(None) };
            if at > id {
                return Ok(None);
            }
            let row = self.chunk.pop_front().unwrap_or_default();
            if at == id {
                return Ok(Some(row));
            }
            self.orphans.push(at);
        }
    }

    /// Every standing row not taken belongs to a loan that is gone.
    fn rest(mut self) -> Result<Vec<i64>> {
        while self.take(i64::MAX)?.is_some() {}
        Ok(self.orphans)
    }
}

fn prepare_table(conn: &Connection, table: StateTable) -> Result<()> {
    if table == StateTable::Scratch {
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS loan_state_scratch AS SELECT * FROM main.loan_state WHERE 0;\
             DELETE FROM temp.loan_state_scratch;",
        )?;
    }
    Ok(())
}

/// Recomputes every loan as of `as_of` into `table`, streaming loans and payments in loan order
/// (a merge of two index scans), so memory stays flat on any size of book. `progress` gets the
/// number of loans done so far. Run it inside a transaction.
pub fn refresh_all(
    conn: &Connection,
    table: StateTable,
    as_of: NaiveDate,
    rules: &AssessRules,
    progress: &mut dyn FnMut(u64),
) -> Result<u64> {
    prepare_table(conn, table)?;
    // Filling an empty snapshot (a first import, the demo): its indexes are built once at the end,
    // a sort each, instead of a million scattered inserts into each.
    let rebuild = if table == StateTable::Shared && !has_rows(conn)? {
        Some(super::drop_indexes(conn, "loan_state")?)
    } else {
        None
    };
    let mut standing = if table == StateTable::Shared { Some(Standing::new(conn)?) } else { None };
    let mut as_of_only = conn.prepare("UPDATE main.loan_state SET as_of = ?2 WHERE loan_id = ?1")?;
    let mut writer = Writer::new(conn, table)?;
    let mut loans = conn.prepare(&format!("{FACTS_SQL} ORDER BY l.id"))?;
    let mut pays =
        conn.prepare("SELECT loan_id, paid_on, amount_cents FROM payments ORDER BY loan_id, paid_on")?;
    let mut pay_rows =
        pays.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?)))?;
    let mut pending: Option<(i64, String, i64)> = pay_rows.next().transpose()?;
    let mut rows = loans.query([])?;
    let mut done = 0u64;
    // The schedules and figures are computed on a second thread while this one reads the next
    // loans and writes the rows that moved: the two halves take about as long as each other.
    // Loans go over in batches (a message per loan costs more in wake-ups than it saves); at most
    // `IN_FLIGHT` batches are out and the answers' channel holds that many, so neither side waits
    // on the other for long and memory stays flat.
    let rules = *rules;
    std::thread::scope(|scope| -> Result<()> {
        let (to_worker, work) = std::sync::mpsc::sync_channel::<Vec<Job>>(IN_FLIGHT);
        let (to_main, answers) = std::sync::mpsc::sync_channel::<Vec<Row>>(IN_FLIGHT);
        scope.spawn(move || {
            for batch in work {
                let rows = batch
                    .into_iter()
                    .map(|(facts, payments, explicit)| row_of(&facts, payments, explicit, as_of, &rules))
                    .collect();
                if to_main.send(rows).is_err() {
                    break;
                }
            }
        });
        let mut in_flight = 0usize;
        let mut take = |row: Row| -> Result<()> {
            let Cell::Int(id) = row[0] else { return Ok(()) };
            match standing.as_mut() {
                None => {
                    writer.insert.execute(params_from_iter(&row))?;
                }
                Some(standing) => match standing.take(id)? {
                    Some(old) if stored_as(&old, &row) => {}
                    // A new date moves every row's date; only that column is written, no index.
                    Some(old) if stored_as(&old[2..], &row[2..]) => {
                        as_of_only.execute(params![id, row[1]])?;
                    }
                    _ => {
                        writer.insert.execute(params_from_iter(&row))?;
                    }
                },
            }
            done += 1;
            if done.is_multiple_of(10_000) {
                progress(done);
            }
            Ok(())
        };
        let lost = || StoreError::Corrupt("the snapshot's worker stopped".into());
        let mut batch = Vec::with_capacity(BATCH);
        let mut more = true;
        while more {
            match rows.next()? {
                Some(r) => {
                    let facts = Facts::from_row(r)?;
                    let mut payments = Vec::new();
                    // Payments come in loan order too; take this loan's, skip any of a loan that no
                    // longer exists.
                    while let Some((loan_id, day, cents)) =
                        pending.take_if(|(loan_id, _, _)| *loan_id <= facts.id.0)
                    {
                        if loan_id == facts.id.0 {
                            payments.push(Payment {
                                paid_on: parse_day(&day)?,
                                amount: Money::from_cents(cents),
                            });
                        }
                        pending = pay_rows.next().transpose()?;
                    }
                    let explicit = facts.schedule_id.map(|id| explicit_schedule(conn, id)).transpose()?;
                    batch.push((facts, payments, explicit));
                }
                None => more = false,
            }
            if batch.len() == BATCH || (!more && !batch.is_empty()) {
                if in_flight == IN_FLIGHT {
                    for row in answers.recv().map_err(|_| lost())? {
                        take(row)?;
                    }
                    in_flight -= 1;
                }
                to_worker
                    .send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH)))
                    .map_err(|_| lost())?;
                in_flight += 1;
            }
        }
        drop(to_worker);
        for rows in answers.iter() {
            for row in rows {
                take(row)?;
            }
        }
        Ok(())
    })?;
    progress(done);
    if let Some(standing) = standing {
        let mut gone = conn.prepare("DELETE FROM main.loan_state WHERE loan_id = ?1")?;
        for id in standing.rest()? {
            gone.execute([id])?;
        }
    }
    drop(writer);
    drop(as_of_only);
    super::make_indexes(conn, &rebuild.unwrap_or_default())?;
    if table == StateTable::Shared {
        set_snapshot_as_of(conn, as_of)?;
    }
    Ok(done)
}

/// What the worker of `refresh_all` computes one row from.
type Job = (Facts, Vec<Payment>, Option<ExplicitSchedule>);

/// Batches handed to the worker of `refresh_all` and not yet written, and loans in a batch.
const IN_FLIGHT: usize = 4;
const BATCH: usize = 256;

/// One loan's snapshot row as of the date, from what was read for it.
fn row_of(
    facts: &Facts,
    payments: Vec<Payment>,
    explicit: Option<ExplicitSchedule>,
    as_of: NaiveDate,
    rules: &AssessRules,
) -> Row {
    let promise = facts.promise.map(|(amount, made, due)| {
        (due, promise_status(made, due, amount, &payments, as_of, rules.promise_grace_days))
    });
    let hold = explicit.as_ref().and_then(|e| e.hold);
    let (schedule, counted) = schedule_in_force(&facts.terms, explicit, payments);
    let a = assess(&schedule, &counted, facts.terms.rate, as_of, rules);
    let manual = facts.manual_class.and_then(|m| m.in_force(as_of));
    values(facts, &a, promise, held_class(hold, &schedule, &counted, &a).max(manual))
}

fn assess_and_write(
    conn: &Connection,
    writer: &mut Writer<'_>,
    facts: &Facts,
    payments: Vec<Payment>,
    as_of: NaiveDate,
    rules: &AssessRules,
) -> Result<()> {
    let row = assessed_row(conn, facts, payments, as_of, rules)?;
    writer.insert.execute(params_from_iter(&row))?;
    Ok(())
}

/// One loan's snapshot row as of the date.
fn assessed_row(
    conn: &Connection,
    facts: &Facts,
    payments: Vec<Payment>,
    as_of: NaiveDate,
    rules: &AssessRules,
) -> Result<Row> {
    let explicit = facts.schedule_id.map(|id| explicit_schedule(conn, id)).transpose()?;
    Ok(row_of(facts, payments, explicit, as_of, rules))
}

fn has_rows(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row("SELECT EXISTS (SELECT 1 FROM main.loan_state)", [], |r| r.get(0))?)
}

/// Recomputes the shared snapshot for these loans only, at the snapshot's own date (after a payment
/// import or a case edit). Does nothing when the store has no snapshot yet.
pub fn refresh_loans(conn: &Connection, ids: &[LoanId], rules: &AssessRules) -> Result<()> {
    let Some(as_of) = super::snapshot_as_of(conn)? else { return Ok(()) };
    let mut writer = Writer::new(conn, StateTable::Shared)?;
    let mut one = conn.prepare_cached(&format!("{FACTS_SQL} WHERE l.id = ?1"))?;
    let mut pays = conn
        .prepare_cached("SELECT paid_on, amount_cents FROM payments WHERE loan_id = ?1 ORDER BY paid_on")?;
    for id in ids {
        let facts: Facts = row::first(&mut one, [id])?
            .ok_or_else(|| StoreError::Corrupt(format!("loan {} to refresh is not in the book", id.0)))?;
        let payments = row::all(&mut pays, [id])?;
        assess_and_write(conn, &mut writer, &facts, payments, as_of, rules)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_cell_is_the_text_the_store_keeps() {
        for (y, m, d) in
            [(2026, 3, 1), (1999, 12, 31), (999, 1, 9), (0, 1, 1), (9999, 12, 31), (10_000, 1, 1)]
        {
            let date = NaiveDate::from_ymd_opt(y, m, d).expect("date");
            let cell = Cell::day(date);
            assert!(cell.is(&Value::Text(date.to_string())), "{date}: {cell:?}");
            assert!(!cell.is(&Value::Text("2026-03-02".into())), "{date}");
            let out = rusqlite::ToSql::to_sql(&cell).expect("to sql");
            let rusqlite::types::ToSqlOutput::Borrowed(rusqlite::types::ValueRef::Text(bytes)) = out else {
                panic!("{out:?}")
            };
            assert_eq!(bytes, date.to_string().as_bytes());
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
            schedule_id: None,
            assignee: None,
            last_contact_at: None,
            next_action_on: None,
            promise: Some((Money::from_cents(500_000), day("2026-03-01"), day("2026-03-05"))),
            observation_until: None,
            manual_class: None,
        };
        let status = |as_of: &str, grace: i64| {
            let rules = AssessRules { promise_grace_days: grace, ..AssessRules::default() };
            row_of(&facts, Vec::new(), None, day(as_of), &rules)[21].clone()
        };
        assert_eq!(status("2026-03-07", 3), Cell::Word("active"));
        assert_eq!(status("2026-03-07", 1), Cell::Word("broken"));
        assert_eq!(status("2026-03-09", 3), Cell::Word("broken"));
    }

    #[test]
    fn cells_match_stored_values_of_their_own_kind_only() {
        assert!(Cell::Int(5).is(&Value::Integer(5)));
        assert!(!Cell::Int(5).is(&Value::Text("5".into())));
        assert!(Cell::Word("active").is(&Value::Text("active".into())));
        assert!(!Cell::Null.is(&Value::Text(String::new())));
        assert!(Cell::Null.is(&Value::Null));
        assert!(stored_as(&[Value::Integer(1), Value::Null], &[Cell::Int(1), Cell::Null]));
        assert!(!stored_as(&[Value::Integer(1)], &[Cell::Int(1), Cell::Null]));
    }
}

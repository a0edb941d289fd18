//! Case work records: contacts (append-only), promises, stage moves, assignments.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, params};
use serde::Serialize;

use super::book::{CustomerId, LoanId};
use super::row::{self, Cols, FromRow};
use super::users::UserId;
use super::{Result, opt_text};
use crate::domain::{Channel, Direction, Money, Outcome, Party, Stage};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewContact<'a> {
    pub loan: LoanId,
    pub customer: CustomerId,
    pub party: Party,
    pub channel: Channel,
    pub direction: Direction,
    pub outcome: Outcome,
    pub phone: Option<&'a str>,
    pub note: &'a str,
    pub user: Option<UserId>,
    /// RFC 3339 local time with offset.
    pub at: &'a str,
    pub corrects: Option<i64>,
    pub flags: ContactFlags<'a>,
}

/// What the conduct rules recorded about a contact.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ContactFlags<'a> {
    pub debtor_asked: bool,
    pub no_disclosure_ack: bool,
    /// The rule a supervisor overrode, and why.
    pub override_rule: Option<&'a str>,
    pub override_reason: Option<&'a str>,
}

/// Appends a contact and keeps the loan's "last contact" (and the queue's copy of it) current.
pub fn insert_contact(conn: &Connection, c: &NewContact<'_>) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO contacts (loan_id, customer_id, party, channel, direction, outcome, phone, note, user_id, at, \
         corrects_id, debtor_asked, no_disclosure_ack, override_rule, override_reason) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
    )?
    .execute(params![
        c.loan,
        c.customer,
        c.party.as_str(),
        c.channel.as_str(),
        c.direction.as_str(),
        c.outcome.as_str(),
        opt_text(c.phone),
        c.note,
        c.user,
        c.at,
        c.corrects,
        c.flags.debtor_asked,
        c.flags.no_disclosure_ack,
        c.flags.override_rule,
        c.flags.override_reason,
    ])?;
    let id = conn.last_insert_rowid();
    // A correction is no contact: "last contact" stays where it was, and only its outcome follows
    // the correction when the record amended is the last contact.
    if let Some(amended) = c.corrects {
        conn.prepare_cached(
            "UPDATE loans SET last_outcome = ?2 \
             WHERE id = ?1 AND last_contact_at = (SELECT at FROM contacts WHERE id = ?3)",
        )?
        .execute(params![c.loan, c.outcome.as_str(), amended])?;
        return Ok(id);
    }
    // Times carry one desk offset, so text order is time order; keep the latest.
    conn.prepare_cached(
        "UPDATE loans SET last_contact_at = ?2, last_outcome = ?3 \
         WHERE id = ?1 AND (last_contact_at IS NULL OR last_contact_at <= ?2)",
    )?
    .execute(params![c.loan, c.at, c.outcome.as_str()])?;
    conn.prepare_cached(
        "UPDATE loan_state SET last_contact_at = ?2 WHERE loan_id = ?1 AND (last_contact_at IS NULL OR last_contact_at <= ?2)",
    )?
    .execute(params![c.loan, c.at])?;
    Ok(id)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContactRecord {
    pub id: i64,
    pub at: String,
    pub party: Party,
    pub channel: Channel,
    pub direction: Direction,
    pub outcome: Outcome,
    pub phone: Option<String>,
    pub note: String,
    pub user: Option<String>,
    pub corrects: Option<i64>,
    /// The conduct rule a supervisor overrode for this contact, and why.
    pub override_rule: Option<String>,
    pub override_reason: Option<String>,
}

impl FromRow for ContactRecord {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(ContactRecord {
            id: c.get("id")?,
            at: c.get("at")?,
            party: c.word("party")?,
            channel: c.word("channel")?,
            direction: c.word("direction")?,
            outcome: c.word("outcome")?,
            phone: c.get("phone")?,
            note: c.get("note")?,
            user: c.get("login")?,
            corrects: c.get("corrects_id")?,
            override_rule: c.get("override_rule")?,
            override_reason: c.get("override_reason")?,
        })
    }
}

/// Contact history of a loan, newest first.
pub fn contacts_of(conn: &Connection, loan: LoanId, limit: u32) -> Result<Vec<ContactRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.at, c.party, c.channel, c.direction, c.outcome, c.phone, c.note, u.login, c.corrects_id, \
         c.override_rule, c.override_reason FROM contacts c LEFT JOIN users u ON u.id = c.user_id WHERE c.loan_id = ?1 ORDER BY c.at DESC, c.id DESC LIMIT ?2",
    )?;
    row::all(&mut stmt, params![loan, limit])
}

impl FromRow for ConductRow {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(ConductRow {
            at: c.get("at")?,
            loan: c.get("loan_id")?,
            party: c.get("party")?,
            channel: c.get("channel")?,
            direction: c.get("direction")?,
            outcome: c.get("outcome")?,
            phone: c.get("phone")?,
        })
    }
}

/// One customer's original contacts (not corrections) at or after `since` (RFC 3339 text in the
/// desk's offset), for the conduct rules: (at, loan, party, channel, direction, outcome, phone).
pub fn contacts_for_conduct(conn: &Connection, customer: CustomerId, since: &str) -> Result<Vec<ConductRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT at, loan_id, party, channel, direction, outcome, phone FROM contacts c \
         WHERE customer_id = ?1 AND at >= ?2 AND corrects_id IS NULL \
         AND NOT EXISTS (SELECT 1 FROM contacts v WHERE v.corrects_id = c.id AND v.voids = 1) ORDER BY at",
    )?;
    row::all(&mut stmt, params![customer, since])
}

/// A contact as the conduct rules read it, before parsing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConductRow {
    pub at: String,
    pub loan: i64,
    pub party: String,
    pub channel: String,
    pub direction: String,
    pub outcome: String,
    pub phone: Option<String>,
}

/// Contact `id`, if it is one of this loan's.
pub fn contact_on_loan(conn: &Connection, loan: LoanId, id: i64) -> Result<Option<ContactRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, c.at, c.party, c.channel, c.direction, c.outcome, c.phone, c.note, u.login, c.corrects_id, \
         c.override_rule, c.override_reason FROM contacts c LEFT JOIN users u ON u.id = c.user_id \
         WHERE c.id = ?1 AND c.loan_id = ?2",
    )?;
    row::first(&mut stmt, params![id, loan])
}

/// A contact on this loan that can be taken back: an original record (not a correction) not
/// taken back already. Its time and who logged it.
pub fn voidable_contact(
    conn: &Connection,
    loan: LoanId,
    id: i64,
) -> Result<Option<(String, Option<UserId>)>> {
    Ok(conn
        .prepare_cached(
            "SELECT at, user_id FROM contacts c WHERE id = ?1 AND loan_id = ?2 AND corrects_id IS NULL \
             AND NOT EXISTS (SELECT 1 FROM contacts v WHERE v.corrects_id = c.id AND v.voids = 1)",
        )?
        .query_row(params![id, loan], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Takes a contact back: a correction marking it entered in error, written as the record it
/// corrects with this note, and the loan's last contact as it stands without it.
pub fn void_contact(
    conn: &Connection,
    loan: LoanId,
    id: i64,
    note: &str,
    user: Option<UserId>,
    at: &str,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO contacts (loan_id, customer_id, party, channel, direction, outcome, phone, note, user_id, at, \
         corrects_id, voids) SELECT loan_id, customer_id, party, channel, direction, outcome, phone, ?3, ?4, ?5, id, 1 \
         FROM contacts WHERE id = ?1 AND loan_id = ?2",
    )?
    .execute(params![id, loan, note, user, at])?;
    let void = conn.last_insert_rowid();
    // The last contact is the latest record that still counts (a correction never is one), with
    // its outcome as last corrected, as `insert_contact` keeps it.
    let last: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT at, coalesce((SELECT k.outcome FROM contacts k WHERE k.loan_id = ?1 AND k.corrects_id = c.id \
             AND k.voids = 0 ORDER BY k.at DESC, k.id DESC LIMIT 1), outcome) \
             FROM contacts c WHERE loan_id = ?1 AND corrects_id IS NULL \
             AND NOT EXISTS (SELECT 1 FROM contacts v WHERE v.corrects_id = c.id AND v.voids = 1) \
             ORDER BY at DESC, id DESC LIMIT 1",
        )?
        .query_row([loan], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    let (at, outcome) = last.unzip();
    conn.prepare_cached("UPDATE loans SET last_contact_at = ?2, last_outcome = ?3 WHERE id = ?1")?
        .execute(params![loan, at, outcome])?;
    conn.prepare_cached("UPDATE loan_state SET last_contact_at = ?2 WHERE loan_id = ?1")?
        .execute(params![loan, at])?;
    Ok(void)
}

pub fn contact_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM contacts", [], |r| r.get(0))?)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromiseRecord {
    pub id: i64,
    pub contact_id: Option<i64>,
    pub amount: Money,
    pub made_on: NaiveDate,
    pub due_on: NaiveDate,
    pub user: Option<String>,
}

pub fn insert_promise(
    conn: &Connection,
    loan: LoanId,
    contact: Option<i64>,
    amount: Money,
    made_on: NaiveDate,
    due_on: NaiveDate,
    user: Option<UserId>,
) -> Result<i64> {
    conn.prepare_cached(
        "INSERT INTO promises (loan_id, contact_id, amount_cents, made_on, due_on, user_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![loan, contact, amount.cents(), made_on.to_string(), due_on.to_string(), user])?;
    let id = conn.last_insert_rowid();
    // The loan carries its latest promise, which the queue orders and marks by.
    conn.prepare_cached(
        "UPDATE loans SET promise_amount_cents = ?2, promise_made_on = ?3, promise_due_on = ?4 \
         WHERE id = ?1 AND (promise_made_on IS NULL OR promise_made_on <= ?3)",
    )?
    .execute(params![loan, amount.cents(), made_on.to_string(), due_on.to_string()])?;
    Ok(id)
}

impl FromRow for PromiseRecord {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(PromiseRecord {
            id: c.get("id")?,
            contact_id: c.get("contact_id")?,
            amount: c.money("amount_cents")?,
            made_on: c.day("made_on")?,
            due_on: c.day("due_on")?,
            user: c.get("login")?,
        })
    }
}

/// Promises on a loan, newest first.
pub fn promises_of(conn: &Connection, loan: LoanId) -> Result<Vec<PromiseRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.contact_id, p.amount_cents, p.made_on, p.due_on, u.login FROM promises p \
         LEFT JOIN users u ON u.id = p.user_id WHERE p.loan_id = ?1 ORDER BY p.made_on DESC, p.id DESC",
    )?;
    row::all(&mut stmt, [loan])
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageEvent {
    pub from: Stage,
    pub to: Stage,
    pub as_of: NaiveDate,
    pub actor: String,
    pub reason: String,
    pub at: String,
}

/// Moves a loan to another stage and records the move as an event, in the caller's transaction.
pub fn record_stage_change(conn: &Connection, loan: LoanId, ev: &StageEvent) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO stage_events (loan_id, from_stage, to_stage, as_of, actor, reason, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![loan, ev.from.as_str(), ev.to.as_str(), ev.as_of.to_string(), ev.actor, ev.reason, ev.at])?;
    conn.prepare_cached("UPDATE loans SET stage = ?2, version = version + 1 WHERE id = ?1")?
        .execute(params![loan, ev.to.as_str()])?;
    // The list's stage follows the loan's while it is active; closed and written-off loans show
    // their status. The run's own copy always follows.
    conn.prepare_cached(
        "UPDATE loan_state SET workflow_stage = ?2, stage = iif(status = 'active', ?2, stage) WHERE loan_id = ?1",
    )?
    .execute(params![loan, ev.to.as_str()])?;
    Ok(())
}

impl FromRow for StageEvent {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(StageEvent {
            from: c.word("from_stage")?,
            to: c.word("to_stage")?,
            as_of: c.day("as_of")?,
            actor: c.get("actor")?,
            reason: c.get("reason")?,
            at: c.get("at")?,
        })
    }
}

/// Stage history of a loan, oldest first.
pub fn stage_events_of(conn: &Connection, loan: LoanId) -> Result<Vec<StageEvent>> {
    let mut stmt = conn.prepare_cached(
        "SELECT from_stage, to_stage, as_of, actor, reason, at FROM stage_events WHERE loan_id = ?1 ORDER BY id",
    )?;
    row::all(&mut stmt, [loan])
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssignmentRecord {
    pub from: Option<String>,
    pub to: Option<String>,
    pub by: Option<String>,
    pub reason: Option<String>,
    pub at: String,
}

impl FromRow for AssignmentRecord {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(AssignmentRecord {
            from: c.get("from_login")?,
            to: c.get("to_login")?,
            by: c.get("by_login")?,
            reason: c.get("reason")?,
            at: c.get("at")?,
        })
    }
}

/// Ownership history of a customer, oldest first.
pub fn assignments_of(conn: &Connection, customer: CustomerId) -> Result<Vec<AssignmentRecord>> {
    let mut stmt = conn.prepare_cached(
        "SELECT f.login AS from_login, t.login AS to_login, b.login AS by_login, a.reason, a.at FROM assignments a \
         LEFT JOIN users f ON f.id = a.from_user_id LEFT JOIN users t ON t.id = a.to_user_id \
         LEFT JOIN users b ON b.id = a.by_user_id WHERE a.customer_id = ?1 ORDER BY a.id",
    )?;
    row::all(&mut stmt, [customer])
}

/// Appends an audit record: who did what to which entity, with a JSON detail (`before` and
/// `after` where a value changes), hash-chained to the row before. Call it inside `Store::write`.
pub fn insert_audit<'a>(
    db: impl Into<super::Db<'a>>,
    at: &str,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: Option<&str>,
    detail: &str,
) -> Result<()> {
    super::audit::append_audit(db, at, actor, action, entity, entity_id, detail)
}

/// Places a case with an outside collection agency (委外), or takes it back with `None`.
pub fn set_agency(conn: &Connection, loan: LoanId, agency: Option<&str>) -> Result<()> {
    conn.prepare_cached("UPDATE loans SET agency = ?2, version = version + 1 WHERE id = ?1")?
        .execute(params![loan, opt_text(agency)])?;
    Ok(())
}

/// Sets (or clears) the date of a loan's next planned action, in the loan and the snapshot.
pub fn set_next_action(conn: &Connection, loan: LoanId, on: Option<NaiveDate>) -> Result<()> {
    let on = on.map(|d| d.to_string());
    conn.prepare_cached("UPDATE loans SET next_action_on = ?2 WHERE id = ?1")?.execute(params![loan, on])?;
    conn.prepare_cached("UPDATE loan_state SET next_action_on = ?2 WHERE loan_id = ?1")?
        .execute(params![loan, on])?;
    Ok(())
}

/// Writes a loan off on `on`: the loan leaves the working book (stage and status `written_off`).
/// The caller records the stage event (a supervisor action with a reason).
pub fn write_off(conn: &Connection, loan: LoanId, on: NaiveDate) -> Result<()> {
    conn.prepare_cached(
        "UPDATE loans SET written_off_on = ?2, stage = 'written_off', version = version + 1 WHERE id = ?1",
    )?
    .execute(params![loan, on.to_string()])?;
    conn.prepare_cached(
        "UPDATE loan_state SET status = 'written_off', stage = 'written_off', workflow_stage = 'written_off', \
         warn_bits = 0 WHERE loan_id = ?1",
    )?
    .execute(params![loan])?;
    Ok(())
}

/// Undoes a mistaken write-off: clears `written_off_on` and puts the loan back in `stage`. The
/// caller records the stage event and refreshes the loan's snapshot row.
pub fn clear_write_off(conn: &Connection, loan: LoanId, stage: Stage) -> Result<()> {
    conn.prepare_cached(
        "UPDATE loans SET written_off_on = NULL, stage = ?2, version = version + 1 WHERE id = ?1",
    )?
    .execute(params![loan, stage.as_str()])?;
    Ok(())
}

/// Claims an edit of the loan: bumps its version if it still is `expected` (any version when
/// `None`). `Err(current)` when another desk changed it first.
pub fn bump_version(
    conn: &Connection,
    loan: LoanId,
    expected: Option<i64>,
) -> Result<std::result::Result<i64, i64>> {
    let changed = conn
        .prepare_cached(
            "UPDATE loans SET version = version + 1 WHERE id = ?1 AND (?2 IS NULL OR version = ?2)",
        )?
        .execute(params![loan, expected])?;
    let current: i64 =
        conn.prepare_cached("SELECT version FROM loans WHERE id = ?1")?.query_row([loan], |r| r.get(0))?;
    Ok(if changed == 1 { Ok(current) } else { Err(current) })
}

/// Who last changed this entity, and when, from the audit log (a number revealed is no change).
pub fn last_change(conn: &Connection, entity: &str, entity_id: &str) -> Result<Option<(String, String)>> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached(
            "SELECT actor, at FROM audit_log WHERE entity = ?1 AND entity_id = ?2 AND action != 'reveal' \
             ORDER BY id DESC LIMIT 1",
        )?
        .query_row(params![entity, entity_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?)
}

/// Sets the kind of the next action (callback, visit, letter) beside its date.
pub fn set_next_action_kind(conn: &Connection, loan: LoanId, kind: Option<&str>) -> Result<()> {
    conn.prepare_cached("UPDATE loans SET next_action_kind = ?2 WHERE id = ?1")?
        .execute(params![loan, kind])?;
    Ok(())
}

/// A promise with its loan, for the book-wide promise list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PromiseRow {
    pub loan: LoanId,
    pub loan_ref: String,
    pub borrower: String,
    pub assignee: Option<String>,
    pub promise: PromiseRecord,
}

impl FromRow for PromiseRow {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        let promise = PromiseRecord::read(c)?;
        Ok(PromiseRow {
            loan: c.get("loan_id")?,
            loan_ref: c.get("loan_ref")?,
            borrower: c.get("borrower")?,
            assignee: c.get("owner")?,
            promise,
        })
    }
}

/// Promises due within `from..=to` (either end open), optionally of one owner's cases, by due date.
pub fn list_promises(
    conn: &Connection,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    assignee: Option<UserId>,
    limit: Option<u64>,
) -> Result<Vec<PromiseRow>> {
    let mut stmt = conn.prepare_cached(
        "SELECT p.id, p.contact_id, p.amount_cents, p.made_on, p.due_on, mu.login, l.id AS loan_id, l.loan_ref, \
         l.borrower, ou.login AS owner \
         FROM promises p JOIN loans l ON l.id = p.loan_id JOIN customers c ON c.id = l.customer_id \
         LEFT JOIN users mu ON mu.id = p.user_id LEFT JOIN users ou ON ou.id = c.assignee_id \
         WHERE (?1 IS NULL OR p.due_on >= ?1) AND (?2 IS NULL OR p.due_on <= ?2) AND (?3 IS NULL OR c.assignee_id = ?3) \
         ORDER BY p.due_on, p.id LIMIT ?4",
    )?;
    let limit = limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX));
    row::all(&mut stmt, params![from.map(|d| d.to_string()), to.map(|d| d.to_string()), assignee, limit])
}

//! Case work records: contacts (append-only), promises, stage moves, assignments.

use chrono::NaiveDate;
use serde::Serialize;

use super::book::{CustomerId, LoanId};
use super::db::{Db, Val};
use super::row::{Cols, FromRow};
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
pub fn insert_contact<'a>(db: impl Into<Db<'a>>, c: &NewContact<'_>) -> Result<i64> {
    let db = db.into();
    let id: i64 = inserted(
        db.value(
            "INSERT INTO contacts (loan_id, customer_id, party, channel, direction, outcome, phone, note, user_id, at, \
             corrects_id, debtor_asked, no_disclosure_ack, override_rule, override_reason) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) RETURNING id",
            &[
                c.loan.0.into(),
                c.customer.0.into(),
                c.party.as_str().into(),
                c.channel.as_str().into(),
                c.direction.as_str().into(),
                c.outcome.as_str().into(),
                opt_text(c.phone).into(),
                c.note.into(),
                c.user.map(|u| u.0).into(),
                c.at.into(),
                c.corrects.into(),
                c.flags.debtor_asked.into(),
                c.flags.no_disclosure_ack.into(),
                c.flags.override_rule.into(),
                c.flags.override_reason.into(),
            ],
        )?,
        "a contact",
    )?;
    // A correction is no contact: "last contact" stays where it was, and only its outcome follows
    // the correction when the record amended is the last contact.
    if let Some(amended) = c.corrects {
        db.execute(
            "UPDATE loans SET last_outcome = ?2 \
             WHERE id = ?1 AND last_contact_at = (SELECT at FROM contacts WHERE id = ?3)",
            &[c.loan.0.into(), c.outcome.as_str().into(), amended.into()],
        )?;
        return Ok(id);
    }
    // Times carry one desk offset, so text order is time order; keep the latest.
    db.execute(
        "UPDATE loans SET last_contact_at = ?2, last_outcome = ?3 \
         WHERE id = ?1 AND (last_contact_at IS NULL OR last_contact_at <= ?2)",
        &[c.loan.0.into(), c.at.into(), c.outcome.as_str().into()],
    )?;
    db.execute(
        "UPDATE loan_state SET last_contact_at = ?2 WHERE loan_id = ?1 AND (last_contact_at IS NULL OR last_contact_at <= ?2)",
        &[c.loan.0.into(), c.at.into()],
    )?;
    Ok(id)
}

/// The id a row just inserted was given (`RETURNING id`).
fn inserted(id: Option<i64>, what: &str) -> Result<i64> {
    id.ok_or_else(|| super::StoreError::Corrupt(format!("{what} added without an id")))
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
pub fn contacts_of<'a>(db: impl Into<Db<'a>>, loan: LoanId, limit: u32) -> Result<Vec<ContactRecord>> {
    db.into().rows(
        "SELECT c.id, c.at, c.party, c.channel, c.direction, c.outcome, c.phone, c.note, u.login, c.corrects_id, \
         c.override_rule, c.override_reason FROM contacts c LEFT JOIN users u ON u.id = c.user_id WHERE c.loan_id = ?1 ORDER BY c.at DESC, c.id DESC LIMIT ?2",
        &[loan.0.into(), i64::from(limit).into()],
    )
}

/// Contact `id`, if it is one of this loan's.
pub fn contact_on_loan<'a>(db: impl Into<Db<'a>>, loan: LoanId, id: i64) -> Result<Option<ContactRecord>> {
    db.into().first(
        "SELECT c.id, c.at, c.party, c.channel, c.direction, c.outcome, c.phone, c.note, u.login, c.corrects_id, \
         c.override_rule, c.override_reason FROM contacts c LEFT JOIN users u ON u.id = c.user_id \
         WHERE c.id = ?1 AND c.loan_id = ?2",
        &[id.into(), loan.0.into()],
    )
}

/// A contact on this loan that can be taken back: an original record (not a correction) not
/// taken back already. Its time and who logged it.
pub fn voidable_contact<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    id: i64,
) -> Result<Option<(String, Option<UserId>)>> {
    db.into().first(
        "SELECT at, user_id FROM contacts c WHERE id = ?1 AND loan_id = ?2 AND corrects_id IS NULL \
         AND NOT EXISTS (SELECT 1 FROM contacts v WHERE v.corrects_id = c.id AND v.voids = 1)",
        &[id.into(), loan.0.into()],
    )
}

/// Takes a contact back: a correction marking it entered in error, written as the record it
/// corrects with this note, and the loan's last contact as it stands without it.
pub fn void_contact<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    id: i64,
    note: &str,
    user: Option<UserId>,
    at: &str,
) -> Result<i64> {
    let db = db.into();
    // The slots in the SELECT list are typed for the server.
    let void = inserted(
        db.value(
            "INSERT INTO contacts (loan_id, customer_id, party, channel, direction, outcome, phone, note, user_id, at, \
             corrects_id, voids) SELECT loan_id, customer_id, party, channel, direction, outcome, phone, \
             CAST(?3 AS TEXT), CAST(?4 AS BIGINT), CAST(?5 AS TEXT), id, 1 \
             FROM contacts WHERE id = ?1 AND loan_id = ?2 RETURNING id",
            &[id.into(), loan.0.into(), note.into(), user.map(|u| u.0).into(), at.into()],
        )?,
        "a correction of a contact not on the loan",
    )?;
    // The last contact is the latest record that still counts (a correction never is one), with
    // its outcome as last corrected, as `insert_contact` keeps it.
    let last: Option<(String, String)> = db.first(
        "SELECT at, coalesce((SELECT k.outcome FROM contacts k WHERE k.loan_id = ?1 AND k.corrects_id = c.id \
         AND k.voids = 0 ORDER BY k.at DESC, k.id DESC LIMIT 1), outcome) \
         FROM contacts c WHERE loan_id = ?1 AND corrects_id IS NULL \
         AND NOT EXISTS (SELECT 1 FROM contacts v WHERE v.corrects_id = c.id AND v.voids = 1) \
         ORDER BY at DESC, id DESC LIMIT 1",
        &[loan.0.into()],
    )?;
    let (at, outcome) = last.unzip();
    db.execute(
        "UPDATE loans SET last_contact_at = ?2, last_outcome = ?3 WHERE id = ?1",
        &[loan.0.into(), at.as_ref().into(), outcome.as_ref().into()],
    )?;
    db.execute(
        "UPDATE loan_state SET last_contact_at = ?2 WHERE loan_id = ?1",
        &[loan.0.into(), at.as_ref().into()],
    )?;
    Ok(void)
}

pub fn contact_count<'a>(db: impl Into<Db<'a>>) -> Result<i64> {
    Ok(db.into().value("SELECT count(*) FROM contacts", &[])?.unwrap_or(0))
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

pub fn insert_promise<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    contact: Option<i64>,
    amount: Money,
    made_on: NaiveDate,
    due_on: NaiveDate,
    user: Option<UserId>,
) -> Result<i64> {
    let db = db.into();
    let (made_on, due_on) = (made_on.to_string(), due_on.to_string());
    let id = inserted(
        db.value(
            "INSERT INTO promises (loan_id, contact_id, amount_cents, made_on, due_on, user_id) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING id",
            &[
                loan.0.into(),
                contact.into(),
                amount.cents().into(),
                (&made_on).into(),
                (&due_on).into(),
                user.map(|u| u.0).into(),
            ],
        )?,
        "a promise",
    )?;
    // The loan carries its latest promise, which the queue orders and marks by.
    db.execute(
        "UPDATE loans SET promise_amount_cents = ?2, promise_made_on = ?3, promise_due_on = ?4 \
         WHERE id = ?1 AND (promise_made_on IS NULL OR promise_made_on <= ?3)",
        &[loan.0.into(), amount.cents().into(), (&made_on).into(), (&due_on).into()],
    )?;
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
pub fn promises_of<'a>(db: impl Into<Db<'a>>, loan: LoanId) -> Result<Vec<PromiseRecord>> {
    db.into().rows(
        "SELECT p.id, p.contact_id, p.amount_cents, p.made_on, p.due_on, u.login FROM promises p \
         LEFT JOIN users u ON u.id = p.user_id WHERE p.loan_id = ?1 ORDER BY p.made_on DESC, p.id DESC",
        &[loan.0.into()],
    )
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
pub fn record_stage_change<'a>(db: impl Into<Db<'a>>, loan: LoanId, ev: &StageEvent) -> Result<()> {
    let db = db.into();
    let as_of = ev.as_of.to_string();
    db.execute(
        "INSERT INTO stage_events (loan_id, from_stage, to_stage, as_of, actor, reason, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        &[
            loan.0.into(),
            ev.from.as_str().into(),
            ev.to.as_str().into(),
            (&as_of).into(),
            (&ev.actor).into(),
            (&ev.reason).into(),
            (&ev.at).into(),
        ],
    )?;
    db.execute(
        "UPDATE loans SET stage = ?2, version = version + 1 WHERE id = ?1",
        &[loan.0.into(), ev.to.as_str().into()],
    )?;
    // The list's stage follows the loan's while it is active; closed and written-off loans show
    // their status. The run's own copy always follows.
    db.execute(
        "UPDATE loan_state SET workflow_stage = ?2, stage = CASE WHEN status = 'active' THEN ?2 ELSE stage END \
         WHERE loan_id = ?1",
        &[loan.0.into(), ev.to.as_str().into()],
    )?;
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
pub fn stage_events_of<'a>(db: impl Into<Db<'a>>, loan: LoanId) -> Result<Vec<StageEvent>> {
    db.into().rows(
        "SELECT from_stage, to_stage, as_of, actor, reason, at FROM stage_events WHERE loan_id = ?1 ORDER BY id",
        &[loan.0.into()],
    )
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
pub fn assignments_of<'a>(db: impl Into<Db<'a>>, customer: CustomerId) -> Result<Vec<AssignmentRecord>> {
    db.into().rows(
        "SELECT f.login AS from_login, t.login AS to_login, b.login AS by_login, a.reason, a.at FROM assignments a \
         LEFT JOIN users f ON f.id = a.from_user_id LEFT JOIN users t ON t.id = a.to_user_id \
         LEFT JOIN users b ON b.id = a.by_user_id WHERE a.customer_id = ?1 ORDER BY a.id",
        &[customer.0.into()],
    )
}

/// Appends an audit record: who did what to which entity, with a JSON detail (`before` and
/// `after` where a value changes), hash-chained to the row before. Call it inside `Store::write`.
pub fn insert_audit<'a>(
    db: impl Into<Db<'a>>,
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
pub fn set_agency<'a>(db: impl Into<Db<'a>>, loan: LoanId, agency: Option<&str>) -> Result<()> {
    db.into().execute(
        "UPDATE loans SET agency = ?2, version = version + 1 WHERE id = ?1",
        &[loan.0.into(), opt_text(agency).into()],
    )?;
    Ok(())
}

/// Sets (or clears) the date of a loan's next planned action, in the loan and the snapshot.
pub fn set_next_action<'a>(db: impl Into<Db<'a>>, loan: LoanId, on: Option<NaiveDate>) -> Result<()> {
    let db = db.into();
    let on = on.map(|d| d.to_string());
    db.execute("UPDATE loans SET next_action_on = ?2 WHERE id = ?1", &[loan.0.into(), on.as_ref().into()])?;
    db.execute(
        "UPDATE loan_state SET next_action_on = ?2 WHERE loan_id = ?1",
        &[loan.0.into(), on.as_ref().into()],
    )?;
    Ok(())
}

/// Writes a loan off on `on`: the loan leaves the working book (stage and status `written_off`).
/// The caller records the stage event (a supervisor action with a reason).
pub fn write_off<'a>(db: impl Into<Db<'a>>, loan: LoanId, on: NaiveDate) -> Result<()> {
    let db = db.into();
    let on = on.to_string();
    db.execute(
        "UPDATE loans SET written_off_on = ?2, stage = 'written_off', version = version + 1 WHERE id = ?1",
        &[loan.0.into(), (&on).into()],
    )?;
    db.execute(
        "UPDATE loan_state SET status = 'written_off', stage = 'written_off', workflow_stage = 'written_off', \
         warn_bits = 0 WHERE loan_id = ?1",
        &[loan.0.into()],
    )?;
    Ok(())
}

/// Undoes a mistaken write-off: clears `written_off_on` and puts the loan back in `stage`. The
/// caller records the stage event and refreshes the loan's snapshot row.
pub fn clear_write_off<'a>(db: impl Into<Db<'a>>, loan: LoanId, stage: Stage) -> Result<()> {
    db.into().execute(
        "UPDATE loans SET written_off_on = NULL, stage = ?2, version = version + 1 WHERE id = ?1",
        &[loan.0.into(), stage.as_str().into()],
    )?;
    Ok(())
}

/// Claims an edit of the loan: bumps its version if it still is `expected` (any version when
/// `None`). `Err(current)` when another desk changed it first. On the server the update is the
/// check (a second desk's update waits for the first's row and then finds another version).
pub fn bump_version<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    expected: Option<i64>,
) -> Result<std::result::Result<i64, i64>> {
    let db = db.into();
    let changed = db.execute(
        "UPDATE loans SET version = version + 1 WHERE id = ?1 AND (CAST(?2 AS BIGINT) IS NULL OR version = ?2)",
        &[loan.0.into(), expected.into()],
    )?;
    let current: i64 = db
        .value("SELECT version FROM loans WHERE id = ?1", &[loan.0.into()])?
        // The error a missing loan always gave.
        .ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    Ok(if changed == 1 { Ok(current) } else { Err(current) })
}

/// Who last changed this entity, and when, from the audit log (a number revealed is no change).
pub fn last_change<'a>(
    db: impl Into<Db<'a>>,
    entity: &str,
    entity_id: &str,
) -> Result<Option<(String, String)>> {
    db.into().first(
        "SELECT actor, at FROM audit_log WHERE entity = ?1 AND entity_id = ?2 AND action != 'reveal' \
         ORDER BY id DESC LIMIT 1",
        &[entity.into(), entity_id.into()],
    )
}

/// Sets the kind of the next action (callback, visit, letter) beside its date.
pub fn set_next_action_kind<'a>(db: impl Into<Db<'a>>, loan: LoanId, kind: Option<&str>) -> Result<()> {
    db.into()
        .execute("UPDATE loans SET next_action_kind = ?2 WHERE id = ?1", &[loan.0.into(), kind.into()])?;
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
pub fn list_promises<'a>(
    db: impl Into<Db<'a>>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    assignee: Option<UserId>,
    limit: Option<u64>,
) -> Result<Vec<PromiseRow>> {
    let db = db.into();
    let (from, to) = (from.map(|d| d.to_string()), to.map(|d| d.to_string()));
    db.rows(
        "SELECT p.id, p.contact_id, p.amount_cents, p.made_on, p.due_on, mu.login, l.id AS loan_id, l.loan_ref, \
         l.borrower, ou.login AS owner \
         FROM promises p JOIN loans l ON l.id = p.loan_id JOIN customers c ON c.id = l.customer_id \
         LEFT JOIN users mu ON mu.id = p.user_id LEFT JOIN users ou ON ou.id = c.assignee_id \
         WHERE (CAST(?1 AS TEXT) IS NULL OR p.due_on >= ?1) AND (CAST(?2 AS TEXT) IS NULL OR p.due_on <= ?2) \
         AND (CAST(?3 AS BIGINT) IS NULL OR c.assignee_id = ?3) \
         ORDER BY p.due_on, p.id LIMIT ?4",
        &[from.as_ref().into(), to.as_ref().into(), assignee.map(|u| u.0).into(), no_limit(db, limit)],
    )
}

/// A `LIMIT` slot's value: none is -1 on a file and NULL on the server (each refuses the other's).
pub(crate) fn no_limit(db: Db<'_>, limit: Option<u64>) -> Val<'static> {
    match (limit, db) {
        (Some(l), _) => Val::Int(i64::try_from(l).unwrap_or(i64::MAX)),
        (None, Db::File(_)) => Val::Int(-1),
        (None, Db::Server(_)) => Val::Null,
    }
}

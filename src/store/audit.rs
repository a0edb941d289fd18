//! The audit log as a hash chain: each row's `hash` is SHA-256 over its content and `prev_hash`,
//! the hash of the row before, so a row changed, deleted or inserted out of turn breaks the chain.
//! Rows are appended only inside `Store::write` (BEGIN IMMEDIATE), which serializes the chain; on
//! the server, inside a transaction that takes the chain's lock.

use serde::Serialize;
use sha2::{Digest, Sha256};

use super::Result;
use super::db::Db;
use super::row::{Cols, FromRow};
use super::settings::{meta_get, meta_set};

/// The `prev_hash` of the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// `meta` key of the last row's `id hash`: deleting rows at the end of the log is noticed too.
const HEAD: &str = "audit_head";
/// Set by migration 0011 when a store had rows from before the chain.
const PENDING: &str = "audit_chain_pending";

/// The row content a hash covers.
pub struct AuditContent<'a> {
    pub id: i64,
    pub at: &'a str,
    pub actor: &'a str,
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: Option<&'a str>,
    pub detail: &'a str,
}

/// SHA-256 (lowercase hex) of a version tag and every field, each length-prefixed (a missing
/// `entity_id` has its own marker), so no two different rows encode alike.
pub fn audit_hash(c: &AuditContent<'_>, prev_hash: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"duedesk-audit-1");
    h.update(c.id.to_be_bytes());
    let mut field = |v: Option<&str>| match v {
        Some(s) => {
            h.update((s.len() as u64).to_be_bytes());
            h.update(s.as_bytes());
        }
        None => h.update(u64::MAX.to_be_bytes()),
    };
    for v in [Some(c.at), Some(c.actor), Some(c.action), Some(c.entity), c.entity_id, Some(c.detail)] {
        field(v);
    }
    field(Some(prev_hash));
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The server's advisory lock that serializes the chain's writers (an arbitrary key of its own).
const CHAIN_LOCK: i64 = 0x6475_6564_6573_6b41;

/// An audit row to append: what `AuditContent` holds but the id, which the chain gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    pub detail: String,
}

/// Appends a chained row; call it inside the write transaction of the change it records.
pub(crate) fn append_audit<'a>(
    db: impl Into<Db<'a>>,
    at: &str,
    actor: &str,
    action: &str,
    entity: &str,
    entity_id: Option<&str>,
    detail: &str,
) -> Result<()> {
    let entry = AuditEntry {
        at: at.into(),
        actor: actor.into(),
        action: action.into(),
        entity: entity.into(),
        entity_id: entity_id.map(str::to_string),
        detail: detail.into(),
    };
    append_audits(db, std::slice::from_ref(&entry))
}

/// Appends chained rows in their order, the chain's head read and moved once (a run's page of
/// moves: on the server one statement for all of them, not a round trip each).
pub(crate) fn append_audits<'a>(db: impl Into<Db<'a>>, entries: &[AuditEntry]) -> Result<()> {
    let db = db.into();
    if entries.is_empty() {
        return Ok(());
    }
    match db {
        // Only inside a write transaction (`Store::write`, BEGIN IMMEDIATE) is the chain serialized.
        Db::File(conn) => {
            debug_assert!(!conn.is_autocommit(), "audit entries are written inside a write transaction");
        }
        // On the server a writer holds the chain's lock until its transaction ends, so the next
        // writer reads the head this one leaves: one chain, however many desks write at once.
        Db::Server(session) => {
            debug_assert!(session.in_transaction(), "audit entries are written inside a transaction");
            db.execute("SELECT pg_advisory_xact_lock(?1)", &[CHAIN_LOCK.into()])?;
        }
    }
    let last: Option<(i64, Option<String>)> =
        db.first("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1", &[])?;
    // The chain goes on from the head duedesk last wrote, not from whatever row is last now: rows
    // deleted from the end stay a visible break after the next write. A store tampered with does
    // not stop the desk; `audit verify` reports it.
    let head = meta_get(db, HEAD)?.and_then(|h| {
        let (id, hash) = h.split_once(' ')?;
        Some((id.parse::<i64>().ok()?, hash.to_string()))
    });
    let last_id = last.as_ref().map_or(0, |l| l.0);
    let (mut id, mut prev) = match (head, last) {
        (Some((head_id, hash)), _) => (head_id.max(last_id), hash),
        (None, Some((id, hash))) => (id, hash.unwrap_or_default()),
        (None, None) => (0, GENESIS.to_string()),
    };
    let mut rows = Vec::with_capacity(entries.len());
    for e in entries {
        id += 1;
        let content = AuditContent {
            id,
            at: &e.at,
            actor: &e.actor,
            action: &e.action,
            entity: &e.entity,
            entity_id: e.entity_id.as_deref(),
            detail: &e.detail,
        };
        let hash = audit_hash(&content, &prev);
        rows.push((id, e, std::mem::replace(&mut prev, hash.clone()), hash));
    }
    match db {
        Db::Server(_) if rows.len() > 1 => {
            let json: Vec<serde_json::Value> = rows
                .iter()
                .map(|(id, e, prev_hash, hash)| {
                    serde_json::json!({
                        "id": id, "at": e.at, "actor": e.actor, "action": e.action, "entity": e.entity,
                        "entity_id": e.entity_id, "detail": e.detail, "prev_hash": prev_hash, "hash": hash,
                    })
                })
                .collect();
            db.execute(
                "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, detail, prev_hash, hash) \
                 SELECT id, at, actor, action, entity, entity_id, detail, prev_hash, hash \
                 FROM jsonb_to_recordset(CAST(CAST(?1 AS TEXT) AS JSONB)) AS v(id BIGINT, at TEXT, actor TEXT, \
                 action TEXT, entity TEXT, entity_id TEXT, detail TEXT, prev_hash TEXT, hash TEXT) ORDER BY id",
                &[(&serde_json::Value::Array(json).to_string()).into()],
            )?;
        }
        _ => {
            for (id, e, prev_hash, hash) in &rows {
                db.execute(
                    "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, detail, prev_hash, hash) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    &[
                        (*id).into(),
                        e.at.as_str().into(),
                        e.actor.as_str().into(),
                        e.action.as_str().into(),
                        e.entity.as_str().into(),
                        e.entity_id.as_deref().into(),
                        e.detail.as_str().into(),
                        prev_hash.as_str().into(),
                        hash.as_str().into(),
                    ],
                )?;
            }
        }
    }
    meta_set(db, HEAD, &format!("{id} {prev}"))
}

/// Whether rows from before the chain wait to be chained (read without taking the write lock).
pub(crate) fn chain_is_pending<'a>(db: impl Into<Db<'a>>) -> Result<bool> {
    Ok(meta_get(db, PENDING)?.is_some())
}

/// Chains the rows written before migration 0011, once (in pages, so memory stays flat).
pub(crate) fn chain_pending<'a>(db: impl Into<Db<'a>>) -> Result<()> {
    let db = db.into();
    if meta_get(db, PENDING)?.is_none() {
        return Ok(());
    }
    let mut after = 0i64;
    let mut prev = GENESIS.to_string();
    loop {
        let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE id > ?1 ORDER BY id LIMIT 5000");
        let page: Vec<AuditRow> = db.rows(&sql, &[after.into()])?;
        let Some(last) = page.last() else { break };
        after = last.id;
        for row in &page {
            let hash = audit_hash(&row.content(), &prev);
            db.execute(
                "UPDATE audit_log SET prev_hash = ?2, hash = ?3 WHERE id = ?1",
                &[row.id.into(), prev.as_str().into(), hash.as_str().into()],
            )?;
            prev = hash;
        }
    }
    if after > 0 {
        meta_set(db, HEAD, &format!("{after} {prev}"))?;
    }
    db.execute("DELETE FROM meta WHERE key = ?1", &[PENDING.into()])?;
    Ok(())
}

/// One audit record as listed (`duedesk audit`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AuditRow {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub entity: String,
    pub entity_id: Option<String>,
    /// JSON text: what changed, with `before` and `after` where a value changed.
    pub detail: String,
    #[serde(skip)]
    pub prev_hash: Option<String>,
    #[serde(skip)]
    pub hash: Option<String>,
}

impl AuditRow {
    fn content(&self) -> AuditContent<'_> {
        AuditContent {
            id: self.id,
            at: &self.at,
            actor: &self.actor,
            action: &self.action,
            entity: &self.entity,
            entity_id: self.entity_id.as_deref(),
            detail: &self.detail,
        }
    }
}

const COLUMNS: &str = "id, at, actor, action, entity, entity_id, detail, prev_hash, hash";

impl FromRow for AuditRow {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(AuditRow {
            id: c.get("id")?,
            at: c.get("at")?,
            actor: c.get("actor")?,
            action: c.get("action")?,
            entity: c.get("entity")?,
            entity_id: c.get("entity_id")?,
            detail: c.get("detail")?,
            prev_hash: c.get("prev_hash")?,
            hash: c.get("hash")?,
        })
    }
}

/// What `duedesk audit` asks for; every filter is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Entries about this loan (entity `loan`, by its loan id).
    pub loan: Option<String>,
    pub actor: Option<String>,
    /// Entries at or after this time (RFC 3339 text or a date, compared as text in the desk's offset).
    pub since: Option<String>,
    pub limit: u64,
}

/// Audit entries newest first. (A slot asked `IS NULL` is cast: the server wants each slot's type.)
pub fn list_audit<'a>(db: impl Into<Db<'a>>, f: &AuditFilter) -> Result<Vec<AuditRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log WHERE (CAST(?1 AS TEXT) IS NULL OR (entity = 'loan' AND entity_id = ?1)) \
         AND (CAST(?2 AS TEXT) IS NULL OR actor = ?2) AND (CAST(?3 AS TEXT) IS NULL OR at >= ?3) \
         ORDER BY id DESC LIMIT ?4"
    );
    let limit = i64::try_from(f.limit).unwrap_or(i64::MAX);
    db.into().rows(
        &sql,
        &[f.loan.as_deref().into(), f.actor.as_deref().into(), f.since.as_deref().into(), limit.into()],
    )
}

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainCheck {
    /// Rows checked (up to the first broken one).
    pub rows: u64,
    /// The last row's hash when the chain holds: note it somewhere else to notice a rewritten log.
    pub head: Option<String>,
    /// The first broken row and why.
    pub broken: Option<BrokenLink>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BrokenLink {
    /// The broken row; for a user or setting changed outside duedesk, the entry that last said
    /// what it was (0: none did).
    pub id: i64,
    pub why: String,
    pub kind: BreakKind,
}

/// What does not hold: the chain of rows, or the users and settings it vouches for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakKind {
    Chain,
    State,
}

/// Checks every row in id order in one read transaction (the caller's, if it is in one),
/// streaming: flat memory on any size. `on_row` sees each row that checks out, in order.
pub fn verify_audit<'a>(
    db: impl Into<Db<'a>>,
    progress: &mut dyn FnMut(u64),
    on_row: &mut dyn FnMut(&AuditRow),
) -> Result<ChainCheck> {
    db.into().reading(|db| verify_in(db, progress, on_row))
}

/// Rows read a page at a time by id: a range seek each on either backend, and the check can stop
/// at the first broken link.
const VERIFY_PAGE: i64 = 10_000;

fn verify_in(
    db: Db<'_>,
    progress: &mut dyn FnMut(u64),
    on_row: &mut dyn FnMut(&AuditRow),
) -> Result<ChainCheck> {
    let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE id > ?1 ORDER BY id LIMIT ?2");
    let mut n = 0u64;
    let (mut prev_id, mut prev_hash) = (None::<i64>, GENESIS.to_string());
    let broken = |id: i64, why: String, rows: u64| ChainCheck {
        rows,
        head: None,
        broken: Some(BrokenLink { id, why, kind: BreakKind::Chain }),
    };
    loop {
        let page: Vec<AuditRow> = db.rows(&sql, &[prev_id.unwrap_or(i64::MIN).into(), VERIFY_PAGE.into()])?;
        let full = page.len() as i64 == VERIFY_PAGE;
        for row in page {
            let after = prev_id.map_or_else(|| "the start of the log".to_string(), |p| format!("row {p}"));
            let Some(hash) = row.hash.as_deref() else {
                return Ok(broken(
                    row.id,
                    "the row has no hash (written outside duedesk, or its hash erased)".into(),
                    n,
                ));
            };
            if row.prev_hash.as_deref() != Some(prev_hash.as_str()) {
                return Ok(broken(
                    row.id,
                    format!(
                        "its prev_hash does not match the hash of {after}: a row before it was changed or deleted"
                    ),
                    n,
                ));
            }
            if audit_hash(&row.content(), &prev_hash) != hash {
                return Ok(broken(
                    row.id,
                    "its content does not match its hash: the row was changed".into(),
                    n,
                ));
            }
            on_row(&row);
            n += 1;
            if n.is_multiple_of(100_000) {
                progress(n);
            }
            prev_id = Some(row.id);
            prev_hash = hash.to_string();
        }
        if !full {
            break;
        }
    }
    let head = meta_get(db, HEAD)?;
    let last = prev_id.map(|id| format!("{id} {prev_hash}"));
    if head != last && meta_get(db, PENDING)?.is_none() {
        let id = prev_id.unwrap_or(0);
        let why = match head {
            Some(h) => format!(
                "the log ends at {} but the last row written was {}: rows at the end were deleted or added outside duedesk",
                last.as_deref().and_then(|l| l.split(' ').next()).unwrap_or("the start"),
                h.split(' ').next().unwrap_or("?")
            ),
            None => "the log has rows but no recorded head: rows were added outside duedesk".into(),
        };
        return Ok(broken(id, why, n));
    }
    Ok(ChainCheck { rows: n, head: prev_id.map(|_| prev_hash), broken: None })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn add(store: &mut Store, n: usize) {
        for i in 0..n {
            store
                .write(|tx| {
                    append_audit(
                        tx,
                        "2026-03-01T10:00:00+08:00",
                        "wang",
                        "note",
                        "loan",
                        Some(&format!("L{i}")),
                        "{}",
                    )
                })
                .expect("append");
        }
    }

    fn check(store: &Store) -> ChainCheck {
        verify_audit(store.conn(), &mut |_| {}, &mut |_| {}).expect("verify")
    }

    #[test]
    fn a_fresh_chain_verifies_and_any_tampering_is_found() {
        let mut store = Store::open_in_memory().expect("store");
        assert_eq!(check(&store), ChainCheck { rows: 0, head: None, broken: None });
        add(&mut store, 5);
        let ok = check(&store);
        assert_eq!((ok.rows, ok.broken), (5, None));
        let c = store.conn();

        c.execute("UPDATE audit_log SET detail = '{\"x\":1}' WHERE id = 3", []).expect("alter");
        let b = check(&store).broken.expect("broken");
        assert_eq!(b.id, 3);
        assert!(b.why.contains("changed"), "{}", b.why);

        // Rehashing the altered row moves the break to the next one.
        let sql = format!("SELECT {COLUMNS} FROM audit_log WHERE id = 3");
        let row: AuditRow =
            crate::store::row::first(&mut c.prepare(&sql).expect("sql"), []).expect("row").expect("a row");
        let h = audit_hash(&row.content(), row.prev_hash.as_deref().expect("prev"));
        c.execute("UPDATE audit_log SET hash = ?1 WHERE id = 3", [h]).expect("rehash");
        assert_eq!(check(&store).broken.expect("broken").id, 4);
    }

    #[test]
    fn deleting_a_middle_or_the_last_row_is_found() {
        let mut store = Store::open_in_memory().expect("store");
        add(&mut store, 4);
        store.conn().execute("DELETE FROM audit_log WHERE id = 4", []).expect("delete last");
        let b = check(&store).broken.expect("broken");
        assert!(b.why.contains("deleted"), "{}", b.why);
        // The next entry does not paper over it.
        add(&mut store, 1);
        assert_eq!(check(&store).broken.expect("still broken").id, 5);

        let mut store = Store::open_in_memory().expect("store");
        add(&mut store, 4);
        store.conn().execute("DELETE FROM audit_log WHERE id = 2", []).expect("delete middle");
        assert_eq!(check(&store).broken.expect("broken").id, 3);
    }

    #[test]
    fn rows_from_before_the_chain_are_chained_once() {
        let mut store = Store::open_in_memory().expect("store");
        let c = store.conn();
        for i in 0..3 {
            c.execute(
                "INSERT INTO audit_log (at, actor, action, entity, detail) VALUES ('2026-01-01', 'old', 'x', 'y', ?1)",
                [i.to_string()],
            )
            .expect("legacy row");
        }
        meta_set(c, PENDING, "1").expect("pending");
        store.write(|tx| chain_pending(tx)).expect("chain");
        add(&mut store, 1);
        assert_eq!(check(&store), ChainCheck { rows: 4, head: check(&store).head, broken: None });
        // Once chained, an erased hash is a break, never chained again.
        store.conn().execute("UPDATE audit_log SET hash = NULL WHERE id = 2", []).expect("erase");
        store.write(|tx| chain_pending(tx)).expect("no-op");
        assert_eq!(check(&store).broken.expect("broken").id, 2);
    }

    #[test]
    fn the_encoding_separates_fields() {
        let a = AuditContent {
            id: 1,
            at: "a",
            actor: "bc",
            action: "",
            entity: "e",
            entity_id: None,
            detail: "{}",
        };
        let b = AuditContent { actor: "b", action: "c", ..AuditContent { ..a } };
        let c = AuditContent { entity_id: Some(""), ..AuditContent { ..a } };
        assert_ne!(audit_hash(&a, GENESIS), audit_hash(&b, GENESIS));
        assert_ne!(audit_hash(&a, GENESIS), audit_hash(&c, GENESIS));
        assert_eq!(audit_hash(&a, GENESIS).len(), 64);
    }
}

//! Users, roles and settings as the audit log vouches for them. Every change duedesk makes to a
//! user or a setting is an entry saying what it became (`after`: a user's `role`, `display_name`
//! and `active`; a setting's value, `null` once removed), so replaying the log gives the tables as
//! duedesk left them; `audit verify` compares, and a role raised, a user added or removed or a
//! setting changed with SQLite's own tools is a broken log. A store from before this is vouched for
//! once, by a `state_baseline` entry of its users and settings as they were when first opened.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Result;
use super::audit::{AuditRow, BreakKind, BrokenLink, ChainCheck, append_audit, verify_audit};
use super::db::Db;
use super::settings::{all_settings, meta_get, meta_set};
use super::users::list_users;

/// `meta` key set once the log vouches for the users and settings.
const VOUCHED: &str = "audit_state_vouched";

/// A user as the log last described them, and the entry that did.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Described {
    role: Option<String>,
    display_name: Option<String>,
    active: bool,
    entry: i64,
}

/// Users and settings replayed from the log, entry by entry.
#[derive(Debug, Default)]
pub struct Replay {
    users: BTreeMap<String, Described>,
    /// A setting's value (`None`: removed) and the entry that set it.
    settings: BTreeMap<String, (Option<String>, i64)>,
}

impl Replay {
    /// Takes in one entry of the log, in order.
    pub fn apply(&mut self, row: &AuditRow) {
        if row.action == "state_baseline" {
            return self.baseline(row);
        }
        let (Some(id), "user" | "setting") = (row.entity_id.as_deref(), row.entity.as_str()) else { return };
        let Ok(detail) = serde_json::from_str::<Value>(&row.detail) else { return };
        let Some(after) = detail.get("after") else { return };
        if row.entity == "setting" {
            self.settings.insert(id.to_string(), (after.as_str().map(str::to_string), row.id));
            return;
        }
        if after.is_null() {
            self.users.remove(id);
            return;
        }
        let user = self.users.entry(id.to_string()).or_insert(Described {
            role: None,
            display_name: None,
            active: true,
            entry: row.id,
        });
        user.entry = row.id;
        if let Some(role) = after.get("role").and_then(Value::as_str) {
            user.role = Some(role.to_string());
        }
        if let Some(name) = after.get("display_name") {
            user.display_name = name.as_str().map(str::to_string);
        }
        if let Some(active) = after.get("active").and_then(Value::as_bool) {
            user.active = active;
        }
    }

    fn baseline(&mut self, row: &AuditRow) {
        let detail: Value = serde_json::from_str(&row.detail).unwrap_or(Value::Null);
        self.users.clear();
        self.settings.clear();
        for u in detail["users"].as_array().into_iter().flatten() {
            let Some(login) = u["login"].as_str() else { continue };
            self.users.insert(
                login.to_string(),
                Described {
                    role: u["role"].as_str().map(str::to_string),
                    display_name: u["display_name"].as_str().map(str::to_string),
                    active: u["active"].as_bool().unwrap_or(true),
                    entry: row.id,
                },
            );
        }
        for (key, value) in detail["settings"].as_object().into_iter().flatten() {
            self.settings.insert(key.clone(), (value.as_str().map(str::to_string), row.id));
        }
    }

    /// The first difference between the tables and the log, as a broken link.
    pub fn compare<'a>(&self, db: impl Into<Db<'a>>) -> Result<Option<BrokenLink>> {
        let db = db.into();
        let outside = |id: i64, what: String| {
            let by = if id > 0 { format!("audit entry {id}") } else { "no audit entry".into() };
            Some(BrokenLink {
                id,
                why: format!("{what} ({by}): changed outside duedesk"),
                kind: BreakKind::State,
            })
        };
        let users = list_users(db)?;
        for u in &users {
            let Some(d) = self.users.get(&u.login) else {
                return Ok(outside(
                    0,
                    format!(
                        "user '{}' ({}) is in the store but the audit log never added them",
                        u.login, u.role
                    ),
                ));
            };
            let log_role = d.role.as_deref().unwrap_or("none");
            if log_role != u.role.as_str() {
                return Ok(outside(
                    d.entry,
                    format!("user '{}' is {} in the store but {log_role} by the audit log", u.login, u.role),
                ));
            }
            if d.active != u.active {
                let word = |a: bool| if a { "enabled" } else { "disabled" };
                let what = format!(
                    "user '{}' is {} in the store but {} by the audit log",
                    u.login,
                    word(u.active),
                    word(d.active)
                );
                return Ok(outside(d.entry, what));
            }
            if d.display_name != u.display_name {
                let name = |n: &Option<String>| n.as_deref().unwrap_or("").to_string();
                let what = format!(
                    "user '{}' is named '{}' in the store but '{}' by the audit log",
                    u.login,
                    name(&u.display_name),
                    name(&d.display_name)
                );
                return Ok(outside(d.entry, what));
            }
        }
        if let Some((login, d)) = self.users.iter().find(|(l, _)| !users.iter().any(|u| &u.login == *l)) {
            return Ok(outside(
                d.entry,
                format!("user '{login}' of the audit log is missing from the store"),
            ));
        }
        let mut logged: BTreeMap<&str, (Option<&str>, i64)> =
            self.settings.iter().map(|(k, (v, e))| (k.as_str(), (v.as_deref(), *e))).collect();
        for (key, value) in &all_settings(db)? {
            match logged.remove(key.as_str()) {
                Some((Some(v), _)) if v == value => {}
                Some((_, entry)) => {
                    return Ok(outside(
                        entry,
                        format!("setting '{key}' differs from what the audit log set"),
                    ));
                }
                None => {
                    return Ok(outside(
                        0,
                        format!("setting '{key}' is in the store but the audit log never set it"),
                    ));
                }
            }
        }
        if let Some((key, (_, entry))) = logged.into_iter().find(|(_, (v, _))| v.is_some()) {
            return Ok(outside(entry, format!("setting '{key}' of the audit log is missing from the store")));
        }
        Ok(None)
    }
}

/// Checks the chain, then the users and settings against it, in one read transaction.
pub fn verify_audit_and_state<'a>(
    db: impl Into<Db<'a>>,
    progress: &mut dyn FnMut(u64),
) -> Result<ChainCheck> {
    db.into().reading(|db| {
        let mut replay = Replay::default();
        let mut check = verify_audit(db, progress, &mut |row| replay.apply(row))?;
        if check.broken.is_none()
            && let Some(b) = replay.compare(db)?
        {
            check.broken = Some(b);
            check.head = None;
        }
        Ok(check)
    })
}

/// Whether the log has yet to vouch for the users and settings (read without the write lock).
pub fn baseline_pending<'a>(db: impl Into<Db<'a>>) -> Result<bool> {
    Ok(meta_get(db, VOUCHED)?.is_none())
}

/// The server's advisory lock under which a desk looks whether the baseline is written and writes
/// it (two desks opening a book at once would each write one; the file's writer is alone).
const BASELINE_LOCK: i64 = 0x6475_6564_6573_6b42;

/// Vouches once for the users and settings a store holds from before the log did: one entry of
/// them all as they are. A new store has none, and only takes note.
pub fn write_baseline<'a>(db: impl Into<Db<'a>>) -> Result<()> {
    let db = db.into();
    if let Db::Server(session) = db {
        debug_assert!(session.in_transaction(), "the baseline is written inside a transaction");
        db.execute("SELECT pg_advisory_xact_lock(?1)", &[BASELINE_LOCK.into()])?;
    }
    if !baseline_pending(db)? {
        return Ok(());
    }
    let users = list_users(db)?;
    let settings = all_settings(db)?;
    if !users.is_empty() || !settings.is_empty() {
        let detail = json!({
            "users": users.iter().map(|u| json!({
                "login": u.login, "role": u.role.as_str(), "display_name": u.display_name, "active": u.active,
            })).collect::<Vec<_>>(),
            "settings": settings.into_iter().map(|(k, v)| (k, Value::String(v))).collect::<serde_json::Map<_, _>>(),
        });
        let at = chrono::Local::now().fixed_offset().to_rfc3339();
        append_audit(db, &at, "duedesk", "state_baseline", "store", None, &detail.to_string())?;
    }
    meta_set(db, VOUCHED, "1")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Role;
    use crate::store::{Store, insert_user, setting_set};

    const AT: &str = "2026-03-01T10:00:00+08:00";

    fn check(store: &Store) -> Option<BrokenLink> {
        verify_audit_and_state(store.conn(), &mut |_| {}).expect("verify").broken
    }

    fn add_user(store: &mut Store, login: &str, role: Role) {
        store
            .write(|tx| {
                insert_user(tx, login, None, role, AT)?;
                let after = json!({ "role": role.as_str(), "display_name": null, "active": true });
                append_audit(
                    tx,
                    AT,
                    "admin",
                    "user_add",
                    "user",
                    Some(login),
                    &json!({ "after": after }).to_string(),
                )
            })
            .expect("add");
    }

    #[test]
    fn the_log_vouches_for_users_and_settings_and_finds_a_change_around_it() {
        let mut store = Store::open_in_memory().expect("store");
        add_user(&mut store, "admin", Role::Admin);
        add_user(&mut store, "wang", Role::Collector);
        store
            .write(|tx| {
                setting_set(tx, "pii_full_phone", "supervisor")?;
                let detail = json!({ "before": null, "after": "supervisor" }).to_string();
                append_audit(tx, AT, "admin", "setting_set", "setting", Some("pii_full_phone"), &detail)
            })
            .expect("set");
        assert_eq!(check(&store), None);
        let c = store.conn();
        c.execute("UPDATE users SET role = 'admin' WHERE login = 'wang'", []).expect("tamper");
        let b = check(&store).expect("broken");
        assert_eq!((b.kind, b.id), (BreakKind::State, 2));
        assert!(b.why.contains("'wang' is admin in the store but collector"), "{}", b.why);
        c.execute("UPDATE users SET role = 'collector' WHERE login = 'wang'", []).expect("undo");
        assert_eq!(check(&store), None);
        c.execute("DELETE FROM settings WHERE key = 'pii_full_phone'", []).expect("tamper");
        assert!(check(&store).expect("broken").why.contains("'pii_full_phone' of the audit log is missing"));
    }

    #[test]
    fn a_store_from_before_is_vouched_for_once_as_it_is() {
        let mut store = Store::open_in_memory().expect("store");
        // Users and settings written before the log vouched for them, as an older duedesk left them.
        let c = store.conn();
        insert_user(c, "old", Some("老"), Role::Supervisor, AT).expect("user");
        setting_set(c, "conduct_profile", "us-regf").expect("setting");
        c.execute("DELETE FROM meta WHERE key = ?1", [VOUCHED]).expect("as before");
        assert!(check(&store).expect("unvouched").why.contains("'old'"));
        store.write(|tx| write_baseline(tx)).expect("baseline");
        assert_eq!(check(&store), None);
        // Once only.
        store.write(|tx| write_baseline(tx)).expect("no-op");
        let entries: i64 =
            store.conn().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).expect("count");
        assert_eq!(entries, 1);
        store.conn().execute("UPDATE settings SET value = 'cn'", []).expect("tamper");
        assert_eq!(check(&store).expect("broken").id, 1);
    }
}

//! Desk users, on either backend (`db.rs`).

use serde::Serialize;

use super::db::Db;
use super::row::{Cols, FromRow};
use super::{Result, StoreError};
use crate::domain::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    #[serde(skip)]
    pub id: UserId,
    pub login: String,
    pub display_name: Option<String>,
    pub role: Role,
    pub active: bool,
}

const COLUMNS: &str = "id, login, display_name, role, active";

impl FromRow for User {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(User {
            id: c.get("id")?,
            login: c.get("login")?,
            display_name: c.get("display_name")?,
            role: c.word("role")?,
            active: c.get("active")?,
        })
    }
}

pub fn user_by_login<'a>(db: impl Into<Db<'a>>, login: &str) -> Result<Option<User>> {
    db.into().first(&format!("SELECT {COLUMNS} FROM users WHERE login = ?1"), &[login.into()])
}

pub fn user_by_id<'a>(db: impl Into<Db<'a>>, id: UserId) -> Result<Option<User>> {
    db.into().first(&format!("SELECT {COLUMNS} FROM users WHERE id = ?1"), &[id.0.into()])
}

pub fn list_users<'a>(db: impl Into<Db<'a>>) -> Result<Vec<User>> {
    db.into().rows(&format!("SELECT {COLUMNS} FROM users ORDER BY login"), &[])
}

pub fn insert_user<'a>(
    db: impl Into<Db<'a>>,
    login: &str,
    display_name: Option<&str>,
    role: Role,
    at: &str,
) -> Result<UserId> {
    let id = db.into().value(
        "INSERT INTO users (login, display_name, role, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
        &[login.into(), display_name.into(), role.as_str().into(), at.into()],
    )?;
    id.ok_or_else(|| super::StoreError::Corrupt("a user added without an id".into()))
}

pub fn user_count<'a>(db: impl Into<Db<'a>>) -> Result<i64> {
    Ok(db.into().value("SELECT count(*) FROM users", &[])?.unwrap_or(0))
}

pub fn set_user_active<'a>(db: impl Into<Db<'a>>, login: &str, active: bool) -> Result<()> {
    db.into().execute("UPDATE users SET active = ?2 WHERE login = ?1", &[login.into(), active.into()])?;
    Ok(())
}

pub fn set_user_role<'a>(db: impl Into<Db<'a>>, login: &str, role: crate::domain::Role) -> Result<()> {
    db.into()
        .execute("UPDATE users SET role = ?2 WHERE login = ?1", &[login.into(), role.as_str().into()])?;
    Ok(())
}

/// What became of a desk user's role on the server when the desk changed theirs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ServerMembership {
    /// A file: it has no roles of its own.
    NotOnServer,
    /// No PostgreSQL role of the login's name: the server's DBA makes login roles.
    NoRole,
    /// The login's role is now a member of this desk role's group only (none: of no group).
    Member(Option<Role>),
}

/// The server's group role a desk role is enforced by (migration 0029).
pub fn group_role(role: Role) -> &'static str {
    match role {
        Role::Collector => "duedesk_collector",
        Role::Supervisor => "duedesk_supervisor",
        Role::Admin => "duedesk_admin",
    }
}

/// On a server, makes the login's PostgreSQL role a member of `role`'s group and of no other
/// (`None`: of none, a disabled user), in the caller's transaction, so a refusal undoes the desk's
/// change with it. Only the memberships that change are granted or revoked: the admins' group
/// holds ADMIN OPTION on the collectors' and supervisors' (step 0031), so an admin's role without
/// CREATEROLE moves a user between those two; making or unmaking an admin needs CREATEROLE or
/// ADMIN OPTION on `duedesk_admin`. A file: nothing.
pub fn set_server_membership<'a>(
    db: impl Into<Db<'a>>,
    login: &str,
    role: Option<Role>,
) -> Result<ServerMembership> {
    let db = db.into();
    if matches!(db, Db::File(_)) {
        return Ok(ServerMembership::NotOnServer);
    }
    let roles: i64 =
        db.value("SELECT count(*) FROM pg_roles WHERE rolname = ?1", &[login.into()])?.unwrap_or(0);
    if roles == 0 {
        return Ok(ServerMembership::NoRole);
    }
    let now: Vec<String> = db.column(
        "SELECT g.rolname::text FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid \
         JOIN pg_roles u ON u.oid = a.member WHERE u.rolname = ?1",
        &[login.into()],
    )?;
    // A role's name cannot be a statement's parameter: quoted as an identifier, quotes doubled.
    let member = format!("\"{}\"", login.replace('"', "\"\""));
    for r in [Role::Collector, Role::Supervisor, Role::Admin] {
        let (group, wanted) = (group_role(r), Some(r) == role);
        let verb = match (wanted, now.iter().any(|g| g == group)) {
            (true, false) => "GRANT {} TO {}",
            (false, true) => "REVOKE {} FROM {}",
            _ => continue,
        };
        let sql = verb.replacen("{}", group, 1).replacen("{}", &member, 1);
        db.execute(&sql, &[]).map_err(|e| match e {
            StoreError::NoGrant(why) => StoreError::NoRight(format!(
                "the server refused to change the desk roles {member} is a member of ({why}): an admin's role \
                 needs CREATEROLE, or ADMIN OPTION on {group}; nothing was changed"
            )),
            other => other,
        })?;
    }
    Ok(ServerMembership::Member(role))
}

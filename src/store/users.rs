//! Desk users.

use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;

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

fn from_row(r: &Row<'_>) -> rusqlite::Result<(UserId, String, Option<String>, String, bool)> {
    Ok((UserId(r.get(0)?), r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn build(t: (UserId, String, Option<String>, String, bool)) -> Result<User> {
    let role = t.3.parse::<Role>().map_err(StoreError::Corrupt)?;
    Ok(User { id: t.0, login: t.1, display_name: t.2, role, active: t.4 })
}

pub fn user_by_login(conn: &Connection, login: &str) -> Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE login = ?1");
    conn.prepare_cached(&sql)?.query_row([login], from_row).optional()?.map(build).transpose()
}

pub fn user_by_id(conn: &Connection, id: UserId) -> Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = ?1");
    conn.prepare_cached(&sql)?.query_row([id.0], from_row).optional()?.map(build).transpose()
}

pub fn list_users(conn: &Connection) -> Result<Vec<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users ORDER BY login");
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(build).collect()
}

pub fn insert_user(
    conn: &Connection,
    login: &str,
    display_name: Option<&str>,
    role: Role,
    at: &str,
) -> Result<UserId> {
    conn.prepare_cached("INSERT INTO users (login, display_name, role, created_at) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![login, display_name, role.as_str(), at])?;
    Ok(UserId(conn.last_insert_rowid()))
}

pub fn user_count(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM users", [], |r| r.get(0))?)
}

pub fn set_user_active(conn: &Connection, login: &str, active: bool) -> Result<()> {
    conn.prepare_cached("UPDATE users SET active = ?2 WHERE login = ?1")?.execute(params![login, active])?;
    Ok(())
}

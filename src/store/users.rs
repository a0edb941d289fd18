//! Desk users.

use rusqlite::{Connection, params};
use serde::Serialize;

use super::Result;
use super::row::{self, Cols, FromRow};
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

pub fn user_by_login(conn: &Connection, login: &str) -> Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE login = ?1");
    row::first(&mut *conn.prepare_cached(&sql)?, [login])
}

pub fn user_by_id(conn: &Connection, id: UserId) -> Result<Option<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = ?1");
    row::first(&mut *conn.prepare_cached(&sql)?, [id])
}

pub fn list_users(conn: &Connection) -> Result<Vec<User>> {
    let sql = format!("SELECT {COLUMNS} FROM users ORDER BY login");
    row::all(&mut conn.prepare(&sql)?, [])
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

pub fn set_user_role(conn: &Connection, login: &str, role: crate::domain::Role) -> Result<()> {
    conn.prepare_cached("UPDATE users SET role = ?2 WHERE login = ?1")?
        .execute(params![login, role.as_str()])?;
    Ok(())
}

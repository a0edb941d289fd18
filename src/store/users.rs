//! Desk users, on either backend (`db.rs`).

use serde::Serialize;

use super::Result;
use super::db::Db;
use super::row::{Cols, FromRow};
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

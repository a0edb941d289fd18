//! `store copy`: a branch's book moved whole to a collection centre's PostgreSQL server, or a
//! server's book into a new branch file (issue #20). An admin's action, all or nothing; the copy
//! is the book as it stood when the copy began, whatever desks write meanwhile.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{AppError, Desk, Result};
use crate::domain::Role;
use crate::store::pg;

/// Where a book is: a SQLite file, or a database on a PostgreSQL server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    File(PathBuf),
    Server(String),
}

impl Place {
    /// A `postgres://` or `postgresql://` address is a server, anything else a file. A password
    /// written in the address is refused: it would show in the process list and the shell's
    /// history.
    pub fn parse(text: &str) -> Result<Place> {
        let t = text.trim();
        if !pg::is_address(t) {
            return Ok(Place::File(PathBuf::from(text)));
        }
        refuse_password(t)?;
        Ok(Place::Server(t.to_string()))
    }
}

/// A server's address as a desk takes it: a PostgreSQL address with no password written in it.
pub(crate) fn refuse_password(address: &str) -> Result<()> {
    let (config, _) = pg::parse_address(address)
        .map_err(|e| AppError::Input(format!("{address}: not a PostgreSQL address: {e}")))?;
    if config.get_password().is_some() {
        return Err(AppError::Input(
            "a password in the server's address would show in the process list and the shell's history; \
             the server should know the desk's login (peer or certificate), or give the address without it \
             (a password file, ~/.pgpass, is read)"
                .into(),
        ));
    }
    Ok(())
}

/// What a copy moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CopyReport {
    pub from: String,
    pub to: String,
    pub tables: Vec<TableRows>,
    pub rows: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableRows {
    pub table: String,
    pub rows: u64,
}

fn report(from: String, to: String, copied: Vec<pg::TableCopy>) -> CopyReport {
    let tables: Vec<TableRows> =
        copied.into_iter().map(|t| TableRows { table: t.table, rows: t.rows }).collect();
    let rows = tables.iter().map(|t| t.rows).sum();
    CopyReport { from, to, tables, rows }
}

impl Desk {
    /// Copies this desk's book (a file) to an empty database on the server at `address`; the
    /// file's audit log records the copy after it (so the copy is the book before that entry).
    pub fn copy_to_server(
        &mut self,
        address: &str,
        progress: &mut dyn FnMut(&str, u64),
    ) -> Result<CopyReport> {
        let login = self.actor.require(Role::Admin, "copying the whole book")?.login.clone();
        if self.on_server() {
            return Err(AppError::Input(
                "the book is on a server already: copy it to a file from there".into(),
            ));
        }
        let mut client = pg::connect(address, &login)?;
        let copied = pg::copy_file_to_server(self.store.conn(), &mut client, address, progress)?;
        let report = report(self.store_label().to_string(), address.to_string(), copied);
        let detail = serde_json::json!({ "to": address, "rows": report.rows, "tables": report.tables.len() })
            .to_string();
        let at = self.stamp();
        self.store.write(|tx| {
            crate::store::insert_audit(tx, &at, &login, "store_copy", "book", Some(address), &detail)
        })?;
        Ok(report)
    }
}

/// Copies the book on the server at `address` into a new store file `to`. The desk user is
/// `os_login`, or `env_user` where the server's book trusts its environment, as on a file; an
/// admin of that book.
pub fn copy_from_server(
    address: &str,
    to: &Path,
    os_login: &str,
    env_user: Option<&str>,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<CopyReport> {
    let mut client = pg::connect(address, os_login)?;
    if pg::schema_version(&mut client)? == 0 {
        return Err(AppError::Input(format!("{address} holds no book to copy")));
    }
    // The book's own settings and users, read by the store's statements as on a file.
    let session = std::cell::RefCell::new(client);
    let db = crate::store::Db::Server(&session);
    let login = super::desk_login(os_login, env_user, || {
        Ok(crate::store::setting_get(db, "trust_env_user")?.as_deref() == Some("true"))
    })?;
    let admin = crate::store::user_by_login(db, login)?.is_some_and(|u| u.active && u.role == Role::Admin);
    let mut client = session.into_inner();
    if !admin {
        return Err(AppError::Refused(format!(
            "copying the whole book needs the admin role on the server's book; '{login}' is not an active admin there"
        )));
    }
    let copied = pg::copy_server_to_file(&mut client, to, address, progress)?;
    Ok(report(address.to_string(), to.display().to_string(), copied))
}

//! The store on a PostgreSQL server, for a collection centre (issue #20): connecting, and the
//! schema kept beside SQLite's, step for step (`migrations/postgres/`, the same numbers and names).
//! The desk's statements still run on SQLite only; what PostgreSQL needs of them is in
//! docs/ARCHITECTURE.md ("The PostgreSQL store").

mod copy;
mod migrations;

pub use copy::{TableCopy, copy_file_to_server, copy_server_to_file};
pub use migrations::{STEPS, migrate, schema_version};

use super::Result;

/// Connects to the server at `address`: a `postgres://` URL or `key=value` words, as PostgreSQL's
/// own tools take them (the password from the server's password file, never from the command line).
pub fn connect(address: &str) -> Result<postgres::Client> {
    Ok(postgres::Client::connect(address, postgres::NoTls)?)
}

/// A store-wide setting of the book on the server (`settings`), if set.
pub fn setting(client: &mut postgres::Client, key: &str) -> Result<Option<String>> {
    Ok(client.query_opt("SELECT value FROM settings WHERE key = $1", &[&key])?.map(|r| r.get(0)))
}

/// The role of an active desk user of the book on the server, if the login is one.
pub fn active_role(client: &mut postgres::Client, login: &str) -> Result<Option<String>> {
    Ok(client
        .query_opt("SELECT role FROM users WHERE login = $1 AND active = 1", &[&login])?
        .map(|r| r.get(0)))
}

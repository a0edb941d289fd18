//! The store on a PostgreSQL server, for a collection centre (issue #20): connecting, and the
//! schema kept beside SQLite's, step for step (`migrations/postgres/`, the same numbers and names).
//! The desk's statements still run on SQLite only; what PostgreSQL needs of them is in
//! docs/ARCHITECTURE.md ("The PostgreSQL store").

mod migrations;

pub use migrations::{STEPS, migrate, schema_version};

use super::Result;

/// Connects to the server at `address`: a `postgres://` URL or `key=value` words, as PostgreSQL's
/// own tools take them (the password from the server's password file, never from the command line).
pub fn connect(address: &str) -> Result<postgres::Client> {
    Ok(postgres::Client::connect(address, postgres::NoTls)?)
}

//! The store on a PostgreSQL server, for a collection centre (issue #20): connecting, and the
//! schema kept beside SQLite's, step for step (`migrations/postgres/`, the same numbers and names).
//! The desk's statements still run on SQLite only; what PostgreSQL needs of them is in
//! docs/ARCHITECTURE.md ("The PostgreSQL store").

mod copy;
mod migrations;
mod passfile;

pub use copy::{TableCopy, copy_file_to_server, copy_server_to_file};
pub use migrations::{STEPS, migrate, schema_version};

use super::Result;

/// Connects to the server at `address` (a `postgres://` URL or `key=value` words, as PostgreSQL's
/// own tools take them) as `login` unless the address names a role; a password, when the server
/// asks one, from the password file (`passfile.rs`), never from the command line.
pub fn connect(address: &str, login: &str) -> Result<postgres::Client> {
    let mut config: postgres::Config = address.parse()?;
    if config.get_user().is_none() {
        config.user(login);
    }
    if config.get_password().is_none()
        && let Some(text) = passfile::path().as_deref().and_then(passfile::read)
    {
        let (host, local) = match config.get_hosts().first() {
            Some(postgres::config::Host::Tcp(name)) => (name.clone(), false),
            #[cfg(unix)]
            Some(postgres::config::Host::Unix(path)) => (path.display().to_string(), true),
            None => ("localhost".to_string(), true),
        };
        let user = config.get_user().unwrap_or(login).to_string();
        let database = config.get_dbname().unwrap_or(&user).to_string();
        let port = config.get_ports().first().copied().unwrap_or(5432);
        let want = passfile::Wanted { host: &host, local, port, database: &database, user: &user };
        if let Some(password) = passfile::lookup(&text, &want) {
            config.password(password);
        }
    }
    Ok(config.connect(postgres::NoTls)?)
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

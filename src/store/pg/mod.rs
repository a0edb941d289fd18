//! The store on a PostgreSQL server, for a collection centre (issue #20): connecting, and the
//! schema kept beside SQLite's, step for step (`migrations/postgres/`, the same numbers and names).
//! The store's statements reach the server through `store::Db` one function at a time (users,
//! settings, the audit chain so far); the rest still run on SQLite only (docs/ARCHITECTURE.md,
//! "The PostgreSQL store").

mod copy;
mod migrations;
mod passfile;
mod session;
pub mod tls;

pub use copy::{TableCopy, copy_file_to_server, copy_server_to_file};
pub use migrations::{STEPS, migrate, schema_version};
pub use session::{CHANNEL, ServerSession};

use super::{Result, StoreError};

/// Whether a store's address names a PostgreSQL server (a `postgres://` or `postgresql://` URL)
/// rather than a file.
pub fn is_address(text: &str) -> bool {
    let t = text.trim();
    t.starts_with("postgres://") || t.starts_with("postgresql://")
}

/// A book on a server as the desk names it (its status line, messages): the database and the
/// host, never the rest of the address (a password in it included).
pub fn label_of(address: &str) -> String {
    let Ok((config, _)) = parse_address(address) else { return "a PostgreSQL server".into() };
    let database = config.get_dbname().or(config.get_user()).unwrap_or("postgres");
    match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(host)) => format!("{database}@{host}"),
        _ => format!("{database}@local"),
    }
}

/// The address as `postgres::Config` reads it, with the TLS it asks (`tls.rs`), the process's
/// environment filling in what it leaves out as it does for `psql`.
pub fn parse_address(address: &str) -> Result<(postgres::Config, tls::TlsWanted)> {
    let (rest, wanted) = tls::split(address, &|key| std::env::var(key).ok())?;
    let mut config: postgres::Config = rest.parse()?;
    config.ssl_mode(tls::crate_mode(wanted.mode));
    Ok((config, wanted))
}

/// Connects to the server at `address` (a `postgres://` URL or `key=value` words, as PostgreSQL's
/// own tools take them) as `login` unless the address names a role; a password, when the server
/// asks one, from the password file (`passfile.rs`), never from the command line; over TCP with
/// the TLS the address asks (`tls.rs`; a socket is never encrypted, as with libpq).
pub fn connect(address: &str, login: &str) -> Result<postgres::Client> {
    let (mut config, wanted) = parse_address(address)?;
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
    let socket = config.get_hosts().iter().any(|h| !matches!(h, postgres::config::Host::Tcp(_)));
    let connected = if wanted.mode == tls::SslMode::Disable || socket {
        config.connect(postgres::NoTls)
    } else {
        config.connect(tokio_postgres_rustls::MakeRustlsConnect::new(tls::client_config(&wanted)?))
    };
    connected.map_err(|e| connect_error(&config, &e))
}

/// Why a connection failed, with each cause (the crate's own words stop at "db error" or "error
/// performing TLS handshake"), and where to.
fn connect_error(config: &postgres::Config, e: &postgres::Error) -> StoreError {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            postgres::config::Host::Tcp(name) => name.clone(),
            #[cfg(unix)]
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let database = config.get_dbname().unwrap_or("");
    StoreError::Connect(format!(
        "cannot connect to the server at {} port {port}, database {database}: {}",
        hosts.join(","),
        super::db::with_causes(e)
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_book_on_a_server_is_named_by_its_database_and_host_alone() {
        for (address, label) in [
            (
                "postgresql://desk:secret@db.branch.local:5433/centre?sslmode=verify-full",
                "centre@db.branch.local",
            ),
            ("postgresql:///centre?host=/run/postgresql", "centre@local"),
            ("host=10.1.2.3 user=wang dbname=催收中心", "催收中心@10.1.2.3"),
            ("postgres://db.example/", "postgres@db.example"),
        ] {
            assert_eq!(super::label_of(address), label, "{address}");
        }
        assert_eq!(super::label_of("postgresql://[bad"), "a PostgreSQL server");
    }
}

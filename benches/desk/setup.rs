//! The fixed clock and terminal every figure is taken at, and the store files around them.

use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate};
use duedesk::app::Desk;
use duedesk::store::Store;

pub const AS_OF: &str = "2026-03-01";
pub const NOW: &str = "2026-03-01T10:00:00+08:00";
/// The terminal the desk is drawn into: a common full-screen size.
pub const SIZE: (u16, u16) = (120, 40);

pub type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// The desk's clock: ten in the morning of `as_of()`.
pub fn now() -> DateTime<FixedOffset> {
    if as_of().to_string() == AS_OF {
        return DateTime::parse_from_rfc3339(NOW).expect("fixed clock");
    }
    DateTime::parse_from_rfc3339(&format!("{}T10:00:00+08:00", as_of())).expect("a day's clock")
}

/// The date the in-process desk works at: `AS_OF`, or `DUEDESK_BENCH_AS_OF` (the date a copied
/// store's snapshot holds, so the desk does not compute a scratch copy of the book first).
pub fn as_of() -> NaiveDate {
    let day = std::env::var("DUEDESK_BENCH_AS_OF").unwrap_or_else(|_| AS_OF.to_string());
    NaiveDate::parse_from_str(day.trim(), "%Y-%m-%d")
        .ok()
        .filter(|d| (2000..=2100).contains(&chrono::Datelike::year(d)))
        .expect("DUEDESK_BENCH_AS_OF is a date (YYYY-MM-DD)")
}

/// The PostgreSQL book the in-process desk opens instead of the file (`DUEDESK_BENCH_SERVER`,
/// an address whose user is a desk login in `duedesk_admin`; without a user, the file's admin).
pub fn server() -> Option<String> {
    std::env::var("DUEDESK_BENCH_SERVER").ok().filter(|v| !v.trim().is_empty())
}

pub fn open_desk(path: &Path, login: &str) -> Res<Desk> {
    let store = match server() {
        Some(address) => Store::open_server(&address, login)?,
        None => Store::open(path)?,
    };
    let login = store.server_role().unwrap_or(login).to_string();
    Ok(Desk::open(store, &login, as_of(), now())?)
}

/// Removes a store and its WAL and load-lock files, if there are any.
pub fn remove_store(db: &Path) {
    for ext in ["", "-wal", "-shm", "-journal", "-load"] {
        let _ = std::fs::remove_file(format!("{}{ext}", db.display()));
    }
}

/// Moves the WAL into the store file, so that the file alone is the whole store to copy.
pub fn checkpoint(db: &Path) -> Res<()> {
    rusqlite::Connection::open(db)?.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
    Ok(())
}

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

pub fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(NOW).expect("fixed clock")
}

pub fn as_of() -> NaiveDate {
    NaiveDate::parse_from_str(AS_OF, "%Y-%m-%d").expect("fixed date")
}

pub fn open_desk(path: &Path, login: &str) -> Res<Desk> {
    Ok(Desk::open(Store::open(path)?, login, as_of(), now())?)
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

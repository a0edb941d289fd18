//! Store-wide settings (user-visible) and internal bookkeeping (`meta`), on either backend.

use chrono::NaiveDate;

use super::Result;
use super::db::Db;
use super::row::parse_day;

pub fn setting_get<'a>(db: impl Into<Db<'a>>, key: &str) -> Result<Option<String>> {
    db.into().value("SELECT value FROM settings WHERE key = ?1", &[key.into()])
}

pub fn setting_set<'a>(db: impl Into<Db<'a>>, key: &str, value: &str) -> Result<()> {
    db.into().execute(
        "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[key.into(), value.into()],
    )?;
    Ok(())
}

/// Every setting in the store, by key.
pub fn all_settings<'a>(db: impl Into<Db<'a>>) -> Result<Vec<(String, String)>> {
    db.into().rows("SELECT key, value FROM settings ORDER BY key", &[])
}

pub fn meta_get<'a>(db: impl Into<Db<'a>>, key: &str) -> Result<Option<String>> {
    db.into().value("SELECT value FROM meta WHERE key = ?1", &[key.into()])
}

pub fn meta_set<'a>(db: impl Into<Db<'a>>, key: &str, value: &str) -> Result<()> {
    // Cached (on a file): the audit chain's head is written with every audited change (100,000
    // in one run).
    db.into().execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        &[key.into(), value.into()],
    )?;
    Ok(())
}

const SNAPSHOT_AS_OF: &str = "snapshot_as_of";

/// The business date `loan_state` was computed for, if ever.
pub fn snapshot_as_of<'a>(db: impl Into<Db<'a>>) -> Result<Option<NaiveDate>> {
    meta_get(db, SNAPSHOT_AS_OF)?.map(|s| parse_day(&s)).transpose()
}

pub(crate) fn set_snapshot_as_of<'a>(db: impl Into<Db<'a>>, as_of: NaiveDate) -> Result<()> {
    meta_set(db, SNAPSHOT_AS_OF, &as_of.to_string())
}

//! The SQLite store: connection set-up, migrations, transactions. All SQL lives under this module.

mod assign;
mod audit;
mod book;
mod casework;
mod escalation;
mod holds;
mod leases;
mod migrations;
mod notices;
mod queue;
mod settings;
mod state;
mod tasks;
mod team;
mod users;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, Transaction, TransactionBehavior};

pub use assign::*;
pub use audit::*;
pub use book::*;
pub use casework::*;
pub use escalation::*;
pub use holds::*;
pub use leases::*;
pub use notices::*;
pub use queue::*;
pub use settings::*;
pub use state::*;
pub use tasks::*;
pub use team::*;
pub use users::*;

/// How long a writer waits for another desk's transaction before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("cannot prepare the store at {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(
        "the store at {path} was written by a newer duedesk (schema {found}, this build knows {known}); upgrade duedesk"
    )]
    TooNew { path: String, found: i64, known: i64 },
    #[error("migrating the store failed: {0}")]
    Migration(String),
    #[error("corrupt value in the store: {0}")]
    Corrupt(String),
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

pub struct Store {
    conn: Connection,
    label: String,
    /// The date the scratch snapshot was computed for, and the store's state then
    /// (`data_version` for other connections' commits, `total_changes` for ours).
    scratch: std::cell::Cell<Option<(chrono::NaiveDate, i64, u64)>>,
    /// `data_version` when `changed_elsewhere` last looked.
    seen_version: std::cell::Cell<Option<i64>>,
    /// List counts by question, good while the store is as it was when they were taken: a sort
    /// change or a cleared filter asks a count the desk already has.
    counts: std::cell::RefCell<(i64, u64, std::collections::HashMap<String, u64>)>,
}

impl Store {
    /// Opens (creating and migrating as needed) the store at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|source| StoreError::Io { path: parent.to_path_buf(), source })?;
        }
        create_shared(path)?;
        let conn = Connection::open(path)?;
        Self::setup(conn, path.display().to_string())
    }

    /// A private in-memory store, for tests.
    pub fn open_in_memory() -> Result<Self> {
        Self::setup(Connection::open_in_memory()?, ":memory:".into())
    }

    fn setup(mut conn: Connection, label: String) -> Result<Self> {
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // WAL lets readers on other desks go on while one writes; NORMAL is durable enough under WAL.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        migrations::migrate(&mut conn, &label)?;
        let mut store = Store {
            conn,
            label,
            scratch: std::cell::Cell::new(None),
            seen_version: std::cell::Cell::new(None),
            counts: std::cell::RefCell::new((-1, 0, std::collections::HashMap::new())),
        };
        if audit::chain_is_pending(&store.conn)? {
            store.write(|tx| audit::chain_pending(tx))?;
        }
        Ok(store)
    }

    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The path (or `:memory:`) the store was opened from, for messages.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// Whether another connection (another desk, a command, the escalation run) committed since
    /// the last call: SQLite's `data_version`, one cheap pragma, no table read. The first call
    /// only takes note.
    pub fn changed_elsewhere(&self) -> Result<bool> {
        let version: i64 = self.conn.pragma_query_value(None, "data_version", |r| r.get(0))?;
        let before = self.seen_version.replace(Some(version));
        Ok(before.is_some_and(|b| b != version))
    }

    fn change_mark(&self) -> Result<(i64, u64)> {
        let version: i64 = self.conn.pragma_query_value(None, "data_version", |r| r.get(0))?;
        Ok((version, self.conn.total_changes()))
    }

    /// Whether the scratch snapshot still answers for `as_of`: computed for that date, and nothing
    /// written to the store since, by this desk or another.
    pub fn scratch_is_current(&self, as_of: chrono::NaiveDate) -> Result<bool> {
        let Some((date, version, changes)) = self.scratch.get() else { return Ok(false) };
        Ok(date == as_of && self.change_mark()? == (version, changes))
    }

    /// Records that the scratch snapshot was just computed for `as_of`.
    pub fn mark_scratch(&self, as_of: chrono::NaiveDate) -> Result<()> {
        let (version, changes) = self.change_mark()?;
        self.scratch.set(Some((as_of, version, changes)));
        Ok(())
    }

    /// How many loans of `table` match the filter; asked again only after the store changed.
    pub fn count_loans(&self, table: StateTable, filter: &LoanFilter) -> Result<u64> {
        let (sql, args) = count_sql(table, filter);
        let key = format!("{sql} {args:?}");
        let (version, changes) = self.change_mark()?;
        {
            let mut c = self.counts.borrow_mut();
            if (c.0, c.1) != (version, changes) || c.2.len() > 256 {
                *c = (version, changes, std::collections::HashMap::new());
            }
            if let Some(n) = c.2.get(&key) {
                return Ok(*n);
            }
        }
        let n = count_loans(&self.conn, table, filter)?;
        self.counts.borrow_mut().2.insert(key, n);
        Ok(n)
    }

    /// Runs `f` in one write transaction, taken immediately so that two desks never deadlock
    /// upgrading read locks. Commits on `Ok`, rolls back on `Err`.
    pub fn write<T, E: From<rusqlite::Error>>(
        &mut self,
        f: impl FnOnce(&Transaction<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let out = f(&tx)?;
        tx.commit()?;
        Ok(out)
    }
}

/// Creates a new store file readable and writable by its group (mode 0666 less the umask), so
/// that with `umask 002` in a setgid group directory every desk user of the branch server can
/// write it. SQLite's own default is 0644, and it gives the -wal and -shm files the store's mode.
fn create_shared(path: &Path) -> Result<()> {
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o666);
    match open.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(source) => Err(StoreError::Io { path: path.to_path_buf(), source }),
    }
}

/// Drops `table`'s own indexes (not those behind a UNIQUE or PRIMARY KEY) and returns the
/// statements that make them again: a bulk load into an empty table then builds each index with
/// one sort at the end instead of a million scattered inserts. Inside the load's transaction, so a
/// failed load gets them back with the rollback.
pub fn drop_indexes(conn: &Connection, table: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL",
    )?;
    let indexes = stmt
        .query_map([table], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (name, _) in &indexes {
        conn.execute_batch(&format!("DROP INDEX main.\"{name}\""))?;
    }
    Ok(indexes.into_iter().map(|(_, sql)| sql).collect())
}

/// Makes again the indexes `drop_indexes` dropped.
pub fn make_indexes(conn: &Connection, statements: &[String]) -> Result<()> {
    for sql in statements {
        conn.execute_batch(sql)?;
    }
    Ok(())
}

/// Optional text: an empty or blank value is absent.
pub(crate) fn opt_text(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_a_temp_file_store_in_wal_mode() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("sub/dir/desk.db");
        let store = Store::open(&path).expect("open");
        let mode: String = store.conn().query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
        assert_eq!(mode, "wal");
        let fk: i64 = store.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).expect("fk");
        assert_eq!(fk, 1);
        drop(store);
        // Reopening an up-to-date store is a no-op.
        Store::open(&path).expect("reopen");
    }

    #[test]
    fn scratch_goes_stale_on_any_write() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("desk.db");
        let mut mine = Store::open(&path).expect("open");
        let other = Store::open(&path).expect("open other");
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("date");
        assert!(!mine.scratch_is_current(day).expect("check"));
        mine.mark_scratch(day).expect("mark");
        assert!(mine.scratch_is_current(day).expect("check"));
        assert!(!mine.scratch_is_current(day.succ_opt().expect("next")).expect("check"));
        // Another desk's commit.
        setting_set(other.conn(), "k", "v").expect("write");
        assert!(!mine.scratch_is_current(day).expect("check"));
        mine.mark_scratch(day).expect("mark");
        // Our own.
        mine.write(|tx| setting_set(tx, "k", "w")).expect("write");
        assert!(!mine.scratch_is_current(day).expect("check"));
    }

    #[test]
    fn another_connections_commit_is_noticed_once_and_our_own_not_at_all() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("desk.db");
        let mut mine = Store::open(&path).expect("open");
        let other = Store::open(&path).expect("open other");
        assert!(!mine.changed_elsewhere().expect("first look"));
        mine.write(|tx| setting_set(tx, "k", "mine")).expect("write");
        assert!(!mine.changed_elsewhere().expect("own write"));
        setting_set(other.conn(), "k", "theirs").expect("write");
        assert!(mine.changed_elsewhere().expect("their write"));
        assert!(!mine.changed_elsewhere().expect("seen"));
    }
}

//! A bulk load (an import, the demo) is one long transaction: all or nothing. While it runs,
//! readers go on (WAL), and writers wait for it without an error however long it takes: the load
//! holds an exclusive lock on a file beside the store (`<store>-load`, which also says what the
//! load is), and a writer that finds it held waits on that lock instead of on SQLite's busy
//! timeout. The operating system drops the lock when the load ends or its process dies, so
//! nobody waits on a load that is gone.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::{Result, Store, StoreError, book::loan_count, is_busy};

/// The lock file of the store at `db`.
fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push("-load");
    PathBuf::from(name)
}

/// Held by a load for as long as it runs.
struct LoadLock {
    _file: File,
}

impl LoadLock {
    /// Takes the store's load lock (after any other load), saying what holds it.
    fn take(db: &Path, what: &str) -> Result<LoadLock> {
        let path = lock_path(db);
        let mut open = OpenOptions::new();
        open.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o666);
        let io = |source| StoreError::Io { path: path.clone(), source };
        let mut file = open.open(&path).map_err(io)?;
        file.lock().map_err(io)?;
        file.set_len(0).map_err(io)?;
        file.write_all(what.as_bytes()).map_err(io)?;
        Ok(LoadLock { _file: file })
    }
}

/// When a load holds the store at `db`: waits until it ends and returns what it was. `None` at
/// once when none does (or there is no lock file to look at).
pub(super) fn wait_for_load(db: &Path) -> Option<String> {
    let mut file = File::open(lock_path(db)).ok()?;
    match file.try_lock_shared() {
        Ok(()) => None,
        Err(TryLockError::WouldBlock) => {
            let mut what = String::new();
            let _ = file.read_to_string(&mut what);
            file.lock_shared().ok()?;
            Some(what)
        }
        Err(TryLockError::Error(_)) => None,
    }
}

/// What holds the store at `db` now, when a load does.
pub(super) fn load_running(db: &Path) -> Option<String> {
    let mut file = File::open(lock_path(db)).ok()?;
    match file.try_lock_shared() {
        Err(TryLockError::WouldBlock) => {
            let mut what = String::new();
            let _ = file.read_to_string(&mut what);
            Some(what)
        }
        _ => None,
    }
}

impl Store {
    /// What a bulk load running now on the store is ("an import of loans.csv by wang"), if one is.
    pub fn load_running(&self) -> Option<String> {
        self.path.as_deref().and_then(load_running)
    }

    /// Runs `f` as one write transaction sized for a bulk load (an import, the demo book), which
    /// `what` names to the desks that wait for it: a 128 MB page cache, so a million scattered
    /// inserts stay in memory, and two sorter threads for the indexes it builds. Into a store that
    /// holds no loans and that no other connection has open, it writes through a rollback journal
    /// instead of the WAL: the pages of an empty store are then written once, not to the WAL and
    /// again into the store (a 1,000,000-loan import takes a third less time, docs/BENCHMARKS.md).
    /// Other desks' writes wait for it meanwhile, without an error however long it takes (and so
    /// do desks opening the store during a first load); it is back in WAL mode after, and a load
    /// killed half-way is rolled back by the next connection like any transaction.
    pub fn write_load<T, E: From<StoreError>>(
        &mut self,
        what: &str,
        f: impl FnOnce(super::Db<'_>) -> Result<T, E>,
    ) -> Result<T, E> {
        let _held = match &self.path {
            Some(db) => Some(LoadLock::take(db, what)?),
            None => None,
        };
        // A server has no load lock, journal or page cache of the desk's to set: one transaction.
        let conn = match &self.backend {
            super::Backend::File(conn) => conn,
            super::Backend::Server(session) => return session.write_load(what, f),
        };
        // SQLite leaves WAL mode only for a connection that is the store's only one; otherwise it
        // says the store is busy, and the load goes through the WAL.
        let rollback = loan_count(conn)? == 0
            && match set_journal_mode(conn, "DELETE") {
                Ok(mode) => mode == "delete",
                Err(StoreError::Sqlite(e)) if is_busy(&e) => false,
                Err(e) => return Err(e.into()),
            };
        let settings = || -> Result<(i64, i64)> {
            let cache: i64 = conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
            let threads: i64 = conn.pragma_query_value(None, "threads", |r| r.get(0))?;
            conn.pragma_update(None, "cache_size", LOAD_CACHE_KIB)?;
            conn.pragma_update(None, "threads", 2)?;
            Ok((cache, threads))
        };
        let (cache, threads) = settings()?;
        let out = self.write_now(f);
        let conn = self.conn();
        let restore = || -> Result<()> {
            conn.pragma_update(None, "cache_size", cache)?;
            conn.pragma_update(None, "threads", threads)?;
            Ok(())
        };
        restore()?;
        if rollback {
            // Best effort: a desk that opens the store sets WAL mode itself.
            let _ = set_journal_mode(conn, "WAL");
        }
        out
    }
}

/// The page cache of a bulk load's transaction, in KiB as `PRAGMA cache_size` takes it (negative).
const LOAD_CACHE_KIB: i64 = -131_072;

/// Asks for a journal mode; SQLite answers with the mode in force after.
fn set_journal_mode(conn: &Connection, mode: &str) -> Result<String> {
    let now: String = conn.pragma_update_and_check(None, "journal_mode", mode, |r| r.get(0))?;
    Ok(now.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Db, NewLoan, insert_loan, setting_get, setting_set};
    use std::time::Duration;

    fn journal_mode<'a>(db: impl Into<Db<'a>>) -> String {
        let Db::File(conn) = db.into() else { panic!("a file's journal") };
        conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode")
    }

    #[test]
    fn a_load_into_an_empty_store_alone_skips_the_wal_and_leaves_it_in_wal_mode() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("desk.db");
        let mut store = Store::open(&path).expect("open");
        let during =
            store.write_load("a load", |tx| -> Result<String> { Ok(journal_mode(tx)) }).expect("load");
        assert_eq!(during, "delete", "alone with an empty store: a rollback journal");
        assert_eq!(journal_mode(store.conn()), "wal");
        let cache: i64 = store.conn().pragma_query_value(None, "cache_size", |r| r.get(0)).expect("cache");
        assert_eq!(cache, -2_000, "the load's page cache is given back");
    }

    #[test]
    fn a_desk_opening_the_store_during_a_first_load_waits_for_it() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("desk.db");
        let mut store = Store::open(&path).expect("open");
        let (say_loading, loading) = std::sync::mpsc::channel();
        let (release, released) = std::sync::mpsc::channel::<()>();
        let (result_tx, result) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            let store = &mut store;
            scope.spawn(move || {
                store
                    .write_load("a load", |tx| -> Result<()> {
                        setting_set(tx, "k", "v")?;
                        say_loading.send(journal_mode(tx)).expect("say");
                        released.recv().expect("wait");
                        Ok(())
                    })
                    .expect("load");
            });
            assert_eq!(loading.recv().expect("loading"), "delete");
            let other = path.clone();
            scope.spawn(move || result_tx.send(Store::open(&other).map(|s| journal_mode(s.conn()))));
            // While the load holds the store, the other desk is still opening it, not refused.
            let early = result.recv_timeout(Duration::from_millis(300)).ok();
            release.send(()).expect("release");
            assert!(early.is_none(), "it waits for the load: {early:?}");
        });
        let opened = result.recv().expect("opened").expect("the other desk opens the store after the load");
        assert_eq!(opened, "wal");
        assert_eq!(setting_get(store.conn(), "k").expect("read"), Some("v".into()));
    }

    #[test]
    fn a_load_beside_another_desk_or_into_a_book_goes_through_the_wal() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("desk.db");
        let mut store = Store::open(&path).expect("open");
        let other = Store::open(&path).expect("another desk");
        let during =
            store.write_load("a load", |tx| -> Result<String> { Ok(journal_mode(tx)) }).expect("load");
        assert_eq!(during, "wal", "another connection is open");
        drop(other);
        store
            .write(|tx| {
                let terms = crate::domain::LoanTerms {
                    product: crate::domain::Product::Bullet,
                    principal: crate::domain::Money::from_cents(100_000),
                    rate: crate::domain::Rate::parse("4.35").expect("rate"),
                    term_months: 12,
                    disbursed_on: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).expect("day"),
                };
                let loan = NewLoan {
                    loan_ref: "L1".into(),
                    customer_ref: None,
                    borrower: "王芳".into(),
                    phone: None,
                    terms,
                    guarantor: None,
                    guarantor_phone: None,
                    collateral: None,
                    branch: None,
                    assignee: None,
                };
                insert_loan(tx, &loan, "2026-03-01T10:00:00+08:00")
            })
            .expect("a loan");
        let during =
            store.write_load("a load", |tx| -> Result<String> { Ok(journal_mode(tx)) }).expect("load");
        assert_eq!(during, "wal", "a store with a book keeps its WAL for the desks reading it");
    }
}

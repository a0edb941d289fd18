//! Long work on a store file (the day's roll, the escalation run): settings that make a batch of
//! scattered writes cheap, and the WAL's checkpoints made beside the writer instead of inside its
//! commits. A server has none of this to set.

use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension};

use super::{Backend, Result, Store};

/// The page cache of long work, in KiB as `PRAGMA cache_size` takes it (negative): a batch of
/// the roll or the run dirties some tens of megabytes of pages.
const LONG_CACHE_KIB: i64 = -65_536;

/// The dirty pages, in pages of 4 KiB, past which a transaction of long work writes some into the
/// WAL before its commit (`PRAGMA cache_spill`; outside it, a full page cache). A batch of the run
/// dirtied more than the cache holds: its pages were spilled, written again at the commit, and the
/// commit read back and summed every frame after the first rewritten one (140,000 reads and as
/// many writes a run on 1,000,000 loans). Bounded, so that a transaction larger than any batch
/// still spills rather than grows.
const LONG_SPILL_PAGES: i64 = 65_536;

/// How much of the file long work reads through a memory map instead of a copy a page
/// (`PRAGMA mmap_size`; SQLite maps no more than the file). A file page read is then no system
/// call and no copy, the page cache the operating system keeps anyway and every process shares.
/// A build whose SQLite allows less (`SQLITE_MAX_MMAP_SIZE`, raised in `.cargo/config.toml`) maps
/// what it allows; one that cannot map reads as before.
pub(super) const LONG_MMAP_BYTES: i64 = 1 << 40;

/// How often the checkpointer beside long work copies the WAL's committed pages into the file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(20);

/// The WAL's pages past which a commit of long work checkpoints too (`wal_autocheckpoint`; 1,000
/// outside it). The writer begins its next transaction at once, so the checkpointer beside it has
/// rarely copied everything by then and the WAL would never start again from its beginning: it grew
/// to 1.1 GB over a run, each commit appending to the file. The commit's checkpoint copies what
/// the checkpointer has not (or nothing, when it is at work: the commit's gives way), and the next
/// transaction starts the WAL again. Above the largest batch, so that a commit copies the batch
/// before it only now and then: at 4,096 pages most of the run's commits copied their own batch,
/// a second a run on 1,000,000 loans spent in the writer instead of beside it.
const LONG_AUTOCHECKPOINT_PAGES: i64 = 32_768;

/// What `Store::long_work` changed, to give back to `Store::end_long_work`.
#[must_use = "long work is ended with Store::end_long_work"]
pub struct LongWork(Option<Saved>);

struct Saved {
    cache: i64,
    spill: i64,
    mmap: i64,
    autocheckpoint: i64,
    checkpointer: Option<Checkpointer>,
}

impl Store {
    /// Sets a store file up for long work in many transactions over scattered pages:
    /// - a page cache that holds a transaction's pages, so that SQLite does not spill half-made
    ///   changes into the WAL and write them again at the commit (`LONG_SPILL_PAGES`);
    /// - the file read through a memory map (`LONG_MMAP_BYTES`);
    /// - the WAL checkpointed by a connection and thread of its own (`Checkpointer`), not by the
    ///   writer's commits, so that copying pages into the file and the checkpoint's `fsync` run
    ///   beside the work rather than inside it.
    ///
    /// Nested long work (the run's roll) changes nothing more. Ended by `end_long_work`.
    pub fn long_work(&self) -> Result<LongWork> {
        let (Backend::File(conn), false) = (&self.backend, self.long.get()) else {
            return Ok(LongWork(None));
        };
        // A store in memory answers no `mmap_size`.
        let get = |name: &str| -> Result<i64> {
            Ok(conn.pragma_query_value(None, name, |r| r.get(0)).optional()?.unwrap_or(0))
        };
        let saved = Saved {
            cache: get("cache_size")?,
            spill: get("cache_spill")?,
            mmap: get("mmap_size")?,
            autocheckpoint: get("wal_autocheckpoint")?,
            checkpointer: None,
        };
        conn.pragma_update(None, "cache_size", LONG_CACHE_KIB)?;
        set_spill(conn, LONG_SPILL_PAGES)?;
        if self.path.is_some() {
            conn.pragma_update(None, "mmap_size", LONG_MMAP_BYTES)?;
        }
        // Without a thread or a second connection, the commits checkpoint as before.
        let checkpointer = self.path.as_deref().and_then(Checkpointer::start);
        if checkpointer.is_some() {
            conn.pragma_update(None, "wal_autocheckpoint", LONG_AUTOCHECKPOINT_PAGES)?;
        }
        self.long.set(true);
        Ok(LongWork(Some(Saved { checkpointer, ..saved })))
    }

    /// Gives back the settings `long_work` changed, once the checkpointer has copied what the
    /// work left in the WAL.
    pub fn end_long_work(&self, work: LongWork) -> Result<()> {
        let (Backend::File(conn), Some(saved)) = (&self.backend, work.0) else { return Ok(()) };
        self.long.set(false);
        if let Some(checkpointer) = saved.checkpointer {
            checkpointer.stop();
        }
        conn.pragma_update(None, "wal_autocheckpoint", saved.autocheckpoint)?;
        if self.path.is_some() {
            conn.pragma_update(None, "mmap_size", saved.mmap)?;
        }
        conn.pragma_update(None, "cache_size", saved.cache)?;
        set_spill(conn, saved.spill)?;
        Ok(())
    }
}

/// Sets `PRAGMA cache_spill` to `pages` (0: never). SQLite also reads the number as on or off by
/// its lowest byte (65,536 would be off), so on is said in a second statement.
fn set_spill(conn: &Connection, pages: i64) -> Result<()> {
    if pages == 0 {
        conn.pragma_update(None, "cache_spill", "OFF")?;
    } else {
        conn.pragma_update(None, "cache_spill", pages)?;
        conn.pragma_update(None, "cache_spill", "ON")?;
    }
    Ok(())
}

/// A connection and a thread that checkpoint the WAL (`PASSIVE`: never waiting for the writer or
/// a reader; a reader still on old pages only leaves them for later) until stopped.
struct Checkpointer {
    stop: Sender<()>,
    thread: JoinHandle<()>,
}

impl Checkpointer {
    fn start(path: &std::path::Path) -> Option<Checkpointer> {
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).ok()?;
        conn.busy_timeout(super::BUSY_TIMEOUT).ok()?;
        let (stop, stopped) = channel();
        let thread = std::thread::Builder::new()
            .name("checkpoint".into())
            .spawn(move || checkpoints(&conn, &stopped))
            .ok()?;
        Some(Checkpointer { stop, thread })
    }

    fn stop(self) {
        drop(self.stop);
        let _ = self.thread.join();
    }
}

/// Checkpoints every `CHECKPOINT_EVERY`, and once more when stopped, for what the work's last
/// commits left.
fn checkpoints(conn: &Connection, stopped: &Receiver<()>) {
    loop {
        let stop = stopped.recv_timeout(CHECKPOINT_EVERY) != Err(RecvTimeoutError::Timeout);
        // An error here (busy, a full disk) leaves the pages in the WAL for the next try or the
        // next commit after the work; the work itself is unaffected.
        let _ = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()));
        if stop {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Db;

    fn setting(conn: &Connection, name: &str) -> i64 {
        conn.pragma_query_value(None, name, |r| r.get(0)).expect(name)
    }

    /// The WAL's last committed frame and the last one copied into the file, as the wal-index
    /// (the `-shm` file, native byte order) says: `mxFrame` in its header, `nBackfill` after the
    /// header's two copies.
    fn wal_frames(path: &std::path::Path) -> (u32, u32) {
        let shm = std::fs::read(path.with_extension("db-shm")).expect("shm");
        let word = |at: usize| u32::from_ne_bytes(shm[at..at + 4].try_into().expect("word"));
        (word(16), word(96))
    }

    fn write_rows(store: &mut Store, n: i64) {
        store
            .write(|tx: Db<'_>| -> Result<()> {
                let value = "x".repeat(500);
                for i in 0..n {
                    let key = format!("long work {i}");
                    tx.execute(
                        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        &[key.as_str().into(), value.as_str().into()],
                    )?;
                }
                Ok(())
            })
            .expect("write");
    }

    #[test]
    fn long_work_gives_back_the_settings_it_found_and_leaves_nothing_in_the_wal() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("desk.db");
        let mut store = Store::open(&path).expect("open");
        let names = ["cache_size", "cache_spill", "mmap_size", "wal_autocheckpoint"];
        let before: Vec<i64> = names.iter().map(|n| setting(store.conn(), n)).collect();
        let work = store.long_work().expect("long work");
        assert_eq!(setting(store.conn(), "cache_size"), LONG_CACHE_KIB);
        assert_eq!(setting(store.conn(), "cache_spill"), LONG_SPILL_PAGES);
        assert!(setting(store.conn(), "mmap_size") > 0, "the file is read through a map");
        assert_eq!(
            setting(store.conn(), "wal_autocheckpoint"),
            LONG_AUTOCHECKPOINT_PAGES,
            "the checkpointer beside does most of it"
        );
        // The run's roll is long work inside long work: it changes nothing, and ending it neither.
        let inner = store.long_work().expect("inner");
        store.end_long_work(inner).expect("end inner");
        assert_eq!(setting(store.conn(), "wal_autocheckpoint"), LONG_AUTOCHECKPOINT_PAGES);
        write_rows(&mut store, 200);
        store.end_long_work(work).expect("end");
        let after: Vec<i64> = names.iter().map(|n| setting(store.conn(), n)).collect();
        assert_eq!(after, before);
        let (last, copied) = wal_frames(&path);
        assert!(last > 0, "the rows went through the WAL");
        assert_eq!(copied, last, "every committed frame is in the file");
    }

    #[test]
    fn a_transaction_larger_than_the_page_cache_writes_nothing_into_the_wal_before_its_commit() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("desk.db");
        let mut store = Store::open(&path).expect("open");
        let work = store.long_work().expect("long work");
        let wal = || std::fs::metadata(path.with_extension("db-wal")).map_or(0, |m| m.len());
        // A row a page, a thousand pages past the cache: a cache full of dirty pages spilled some
        // into the WAL before the commit.
        let rows = -LONG_CACHE_KIB / 4 + 1_000;
        let (before, during) = store
            .write(|tx: Db<'_>| -> Result<(u64, u64)> {
                let before = wal();
                let value = "x".repeat(3_500);
                for i in 0..rows {
                    tx.execute(
                        "INSERT INTO meta (key, value) VALUES (?1, ?2)",
                        &[format!("page {i}").as_str().into(), value.as_str().into()],
                    )?;
                }
                Ok((before, wal()))
            })
            .expect("write");
        store.end_long_work(work).expect("end");
        assert_eq!(during, before, "no page of the transaction went into the WAL before its commit");
        assert!(wal() > during, "the commit wrote them");
    }

    #[test]
    fn the_checkpointer_copies_what_writers_committed_into_the_file() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("desk.db");
        let mut store = Store::open(&path).expect("open");
        store.conn().pragma_update(None, "wal_autocheckpoint", 0).expect("no autocheckpoint");
        write_rows(&mut store, 200);
        let (last, copied) = wal_frames(&path);
        assert!(last > copied, "the commit left its frames in the WAL: {last} {copied}");
        // Stopped before it starts: one checkpoint, then it returns.
        let (stop, stopped) = channel();
        drop(stop);
        let conn = Connection::open(&path).expect("conn");
        checkpoints(&conn, &stopped);
        assert_eq!(wal_frames(&path), (last, last));
    }

    /// A statement inside a larger transaction keeps its pages' originals in a journal of its own,
    /// which past a size goes to a temporary file: a build that kept it in memory up to 1 MiB
    /// (`SQLITE_STMTJRNL_SPILL`) failed here with "database or disk is full", as it failed a
    /// migration making an index again on a large book.
    #[test]
    fn a_statement_whose_journal_outgrows_memory_goes_on() {
        let dir = tempfile::tempdir().expect("dir");
        let mut store = Store::open(&dir.path().join("desk.db")).expect("open");
        let work = store.long_work().expect("long work");
        let changed = store
            .write(|tx: Db<'_>| -> Result<u64> {
                tx.execute(
                    "CREATE TABLE long_rows (id INTEGER PRIMARY KEY, up INTEGER REFERENCES long_rows (id), v TEXT)",
                    &[],
                )?;
                tx.execute(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40000) \
                     INSERT INTO long_rows (id, up, v) SELECT i, NULL, printf('%.900c', 'x') FROM n",
                    &[],
                )?;
                tx.execute("CREATE INDEX long_rows_v ON long_rows (v, id)", &[])?;
                tx.execute("DROP INDEX long_rows_v", &[])?;
                tx.execute("CREATE INDEX long_rows_v ON long_rows (v, up, id)", &[])?;
                // Many rows, a foreign key: the statement keeps a journal, of some 4 MB of pages.
                tx.execute("UPDATE long_rows SET v = v || 'y'", &[])
            })
            .expect("a large statement in a transaction");
        store.end_long_work(work).expect("end");
        assert_eq!(changed, 40_000);
    }

    #[test]
    fn a_store_in_memory_does_its_long_work_as_it_is() {
        let store = Store::open_in_memory().expect("store");
        let before = setting(store.conn(), "wal_autocheckpoint");
        let work = store.long_work().expect("long work");
        assert_eq!(setting(store.conn(), "wal_autocheckpoint"), before, "no checkpointer without a file");
        store.end_long_work(work).expect("end");
    }
}

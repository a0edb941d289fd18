//! The SQLite store: connection set-up, migrations, transactions. All SQL lives under this module.

mod assign;
mod audit;
mod audit_state;
mod book;
mod casework;
mod class_events;
mod collateral;
mod conduct;
mod db;
mod escalation;
mod holds;
mod holidays;
mod import_batch;
mod import_seen;
mod inspection_due;
mod inspection_rows;
mod inspections;
mod leases;
mod ledger;
mod load;
mod load_lock;
mod long_work;
mod lookup;
mod migrations;
mod month_agg;
mod month_end;
mod month_end_ledger;
mod month_end_list;
mod month_rows;
mod notices;
mod open;
mod payments;
pub mod pg;
mod queue;
mod risk;
mod row;
mod run_writes;
mod scorecard;
mod search;
mod settings;
mod signals;
mod state;
mod state_row;
mod tasks;
mod team;
mod users;
mod warn_facts;
mod worklogs;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, TransactionBehavior};

pub use assign::*;
pub use audit::*;
pub use audit_state::{Replay, baseline_pending, verify_audit_and_state, write_baseline};
pub use book::*;
pub use casework::*;
pub use class_events::*;
pub use collateral::*;
pub use conduct::*;
pub use db::{Db, Session, Val};
pub use escalation::*;
pub use holds::*;
pub use holidays::*;
pub use import_batch::*;
pub use import_seen::*;
pub use inspection_due::*;
pub use inspection_rows::*;
pub use inspections::*;
pub use leases::*;
pub use ledger::*;
pub use load::*;
pub use long_work::LongWork;
pub use lookup::*;
pub use month_agg::*;
pub use month_end::*;
pub use month_end_ledger::capture_from_ledger_in;
pub use month_end_list::{MonthEndFilter, MonthEndListRow, month_end_list};
pub use month_rows::{RowsAsked, customer_refs};
pub use notices::*;
pub use payments::*;
pub use queue::*;
pub use risk::*;
pub use run_writes::RunWrites;
pub use scorecard::*;
pub use search::*;
pub use settings::*;
pub use signals::*;
pub use state::*;
pub use state_row::StateRow;
pub use tasks::*;
pub use team::*;
pub use users::*;
pub use warn_facts::*;
pub use worklogs::*;

/// Loans a transaction of the day's roll recomputes at most, and how long it may go on: another
/// desk's write waits at most that long for it (docs/BENCHMARKS.md).
/// Small in test builds, so that a test's book spans several (a server's roll is fast enough
/// that a test's whole book would otherwise be one batch).
pub const ROLL_BATCH: u32 = if cfg!(debug_assertions) { 500 } else { 5_000 };
pub const ROLL_BATCH_TIME: Duration = Duration::from_millis(500);

/// From this offset on a page may be read from the end of its list (its count is then asked).
const DEEP_PAGE: u64 = 1_000;

/// How long a writer waits for another desk's transaction before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("store server error: {}", db::with_causes(.0))]
    Postgres(postgres::Error),
    /// The server could not be reached, or refused the connection (its reason and each cause).
    #[error("{0}")]
    Connect(String),
    /// TLS to the server asked in a way that cannot be given (a mode, a file).
    #[error("{0}")]
    Tls(String),
    #[error("cannot prepare the store at {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(
        "the store at {path} was written by a newer duedesk (schema {found}, this build knows {known}); upgrade duedesk"
    )]
    TooNew { path: String, found: i64, known: i64 },
    #[error("migrating the store failed: {0}")]
    Migration(String),
    /// A whole book refused where one is already (a copy's destination).
    #[error("{0}")]
    Occupied(String),
    #[error("corrupt value in the store: {0}")]
    Corrupt(String),
    /// The server refused the desk's role a right it asked (a group's membership to give).
    #[error("{0}")]
    NoRight(String),
    /// The server refused a statement for want of a grant (its words).
    #[error(
        "the server refused it ({0}): the PostgreSQL role this desk logs in as is not in the group its desk role \
         needs (duedesk_collector, duedesk_supervisor or duedesk_admin); an admin puts it there with `duedesk \
         users set-role LOGIN --role ROLE`, and nothing was changed"
    )]
    NoGrant(String),
    #[error(
        "the store at {path} is busy: another desk holds it (a book being imported into it, or the demo being made); try again when that is done"
    )]
    Busy { path: String },
    #[error(
        "no store at {}: check --db (or DUEDESK_DB); `duedesk demo` or `duedesk import loans FILE` makes a new one",
        path.display()
    )]
    Missing { path: PathBuf },
    #[error(
        "{address} is a PostgreSQL server's address, not a store file: a book there is opened with \
         Store::open_server (the command line's --db takes either)"
    )]
    NotOnServer { address: String },
    #[error(
        "no folder for a store at {}: {} does not exist; make it first (duedesk never makes folders on its own)",
        path.display(),
        path.parent().map_or_else(String::new, |p| p.display().to_string())
    )]
    NoFolder { path: PathBuf },
    #[error(
        "cannot use the store at {}: its folder {} is read-only for this login, and SQLite keeps its journal files (-wal, -shm) beside the store; ask an admin to make the folder writable for the desk's users",
        path.display(),
        folder.display()
    )]
    ReadOnlyFolder { path: PathBuf, folder: PathBuf },
    #[error("cannot use the store at {}: the file is read-only for this login; ask an admin to make it writable for the desk's users", path.display())]
    ReadOnlyStore { path: PathBuf },
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

impl StoreError {
    /// Another connection held the store's write lock past the busy timeout.
    pub fn is_busy(&self) -> bool {
        matches!(self, StoreError::Sqlite(e) if is_busy(e))
    }
}

/// What a store's statements run on: a file's connection, or a desk's session on a server.
enum Backend {
    File(Connection),
    Server(Box<pg::ServerSession>),
}

pub struct Store {
    backend: Backend,
    label: String,
    /// The store's file (none in memory): a bulk load's lock lives beside it.
    path: Option<PathBuf>,
    /// The server's address the store was opened at (none on a file): a second session opens it.
    address: Option<String>,
    /// Told what a write waits for when a bulk load holds the store.
    wait_note: Option<fn(&str)>,
    /// The date the scratch snapshot was computed for, and the store's state then
    /// (`data_version` for other connections' commits, `total_changes` for ours).
    scratch: std::cell::Cell<Option<(chrono::NaiveDate, i64, u64)>>,
    /// `data_version` when `changed_elsewhere` last looked.
    seen_version: std::cell::Cell<Option<i64>>,
    /// List counts by question: a sort change or a cleared filter asks a count the desk already has.
    counts: std::cell::RefCell<Kept<u64>>,
    /// A search's matches by question: its count, promise band and pages key after key.
    searches: std::cell::RefCell<Kept<std::sync::Arc<SearchHits>>>,
    /// Whether long work (`long_work.rs`) has the connection's settings.
    long: std::cell::Cell<bool>,
}

/// A server's refusal for want of a grant is the desk refusing (exit 3) and says which grants
/// the desk gives; any other server error is the server's.
impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        if e.code() != Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) {
            return StoreError::Postgres(e);
        }
        StoreError::NoGrant(e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string()))
    }
}

/// Answers by question, good while the store is as it was when they were taken (`data_version`
/// for other connections' commits, `total_changes` for ours).
struct Kept<V> {
    mark: (i64, u64),
    answers: std::collections::HashMap<String, V>,
    room: usize,
}

impl<V: Clone> Kept<V> {
    fn new(room: usize) -> Self {
        Kept { mark: (-1, 0), answers: std::collections::HashMap::new(), room }
    }

    fn get(&mut self, mark: (i64, u64), key: &str) -> Option<V> {
        if self.mark != mark {
            self.mark = mark;
            self.answers.clear();
        }
        self.answers.get(key).cloned()
    }

    fn put(&mut self, key: String, value: V) {
        if self.answers.len() >= self.room {
            self.answers.clear();
        }
        self.answers.insert(key, value);
    }
}

impl Store {
    /// The file's connection, for what only a file has (its pragmas, raw SQL in tests, a copy's
    /// source). A store on a server has none: the desk's actions go through `db`.
    pub fn conn(&self) -> &Connection {
        match &self.backend {
            Backend::File(conn) => conn,
            Backend::Server(_) => panic!("{}: a store on a server has no file connection", self.label),
        }
    }

    /// Where the store's statements run, as every store function takes it.
    pub fn db(&self) -> Db<'_> {
        match &self.backend {
            Backend::File(conn) => Db::File(conn),
            Backend::Server(session) => Db::Server(&**session),
        }
    }

    /// Whether the store is a book on a PostgreSQL server.
    pub fn on_server(&self) -> bool {
        matches!(self.backend, Backend::Server(_))
    }

    /// On a server, the role the desk's session logs in as: there, the desk user.
    pub fn server_role(&self) -> Option<&str> {
        match &self.backend {
            Backend::File(_) => None,
            Backend::Server(session) => Some(session.role()),
        }
    }

    /// Whether the server's session logs in as the book's owner (or a member of its role): it may
    /// change anything of the book by SQL. A file: no.
    pub fn session_owns_book(&self) -> Result<bool> {
        let Backend::Server(_) = &self.backend else { return Ok(false) };
        Ok(self
            .db()
            .value::<bool>(
                "SELECT pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = 'loans'::regclass), 'MEMBER')",
                &[],
            )?
            .unwrap_or(false))
    }

    /// The path (or `:memory:`) the store was opened from, for messages.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// A second connection that only reads, to read beside this one's writes on another thread
    /// (each statement sees what was committed when it began); none for a store in memory.
    pub fn side_reader(&self) -> Result<Option<Connection>> {
        self.path.as_deref().map(month_rows::side_reader).transpose()
    }

    /// Whether another connection (another desk, a command, the escalation run) committed since
    /// the last call: SQLite's `data_version`, one cheap pragma, no table read. The first call
    /// only takes note.
    /// On a server, the other desks' commits heard of (`LISTEN`).
    pub fn changed_elsewhere(&self) -> Result<bool> {
        let version = self.change_mark()?.0;
        let before = self.seen_version.replace(Some(version));
        Ok(before.is_some_and(|b| b != version))
    }

    fn change_mark(&self) -> Result<(i64, u64)> {
        match &self.backend {
            Backend::File(conn) => {
                let version: i64 = conn.pragma_query_value(None, "data_version", |r| r.get(0))?;
                Ok((version, conn.total_changes()))
            }
            Backend::Server(session) => {
                Ok((i64::try_from(session.heard()?).unwrap_or(i64::MAX), session.written()))
            }
        }
    }

    /// Whether the scratch snapshot still answers for `as_of`: computed for that date, and nothing
    /// written to the store since, by this desk or another.
    pub fn scratch_is_current(&self, as_of: chrono::NaiveDate) -> Result<bool> {
        let Some((date, version, changes)) = self.scratch.get() else { return Ok(false) };
        Ok(date == as_of && self.change_mark()? == (version, changes))
    }

    /// Computes this connection's scratch snapshot as of `as_of` in one transaction and records it
    /// as current; the shared snapshot and its date are not touched. The number of loans.
    pub fn refresh_scratch(
        &self,
        as_of: chrono::NaiveDate,
        rules: &crate::domain::AssessRules,
        progress: &mut dyn FnMut(u64),
    ) -> Result<u64> {
        let n = match &self.backend {
            Backend::File(conn) => {
                let tx = conn.unchecked_transaction()?;
                let n = refresh_all(&tx, StateTable::Scratch, as_of, rules, progress)?;
                tx.commit()?;
                n
            }
            Backend::Server(session) => {
                session.write_own(|db| refresh_all(db, StateTable::Scratch, as_of, rules, progress))?
            }
        };
        self.mark_scratch(as_of)?;
        Ok(n)
    }

    /// Records that the scratch snapshot was just computed for `as_of`.
    pub fn mark_scratch(&self, as_of: chrono::NaiveDate) -> Result<()> {
        let (version, changes) = self.change_mark()?;
        self.scratch.set(Some((as_of, version, changes)));
        Ok(())
    }

    /// How many loans of `table` match the filter; asked again only after the store changed.
    pub fn count_loans(&self, at: StateAt, filter: &LoanFilter) -> Result<u64> {
        let (sql, args) = count_sql(at, filter);
        let key = format!("{sql} {args:?}");
        let mark = self.change_mark()?;
        if let Some(n) = self.counts.borrow_mut().get(mark, &key) {
            return Ok(n);
        }
        let n = count_loans(self.db(), at, filter)?;
        self.counts.borrow_mut().put(key, n);
        Ok(n)
    }

    /// The loans a search (`filter.search`) finds, in the list's order; found again only after
    /// the store changed.
    pub fn search_hits(
        &self,
        at: StateAt,
        filter: &LoanFilter,
        sort: SortKey,
    ) -> Result<std::sync::Arc<SearchHits>> {
        let (sql, args) = search_sql(at, filter, sort);
        let key = format!("{sql} {args:?}");
        let mark = self.change_mark()?;
        if let Some(hits) = self.searches.borrow_mut().get(mark, &key) {
            return Ok(hits);
        }
        let hits = std::sync::Arc::new(search_hits(self.db(), at, filter, sort)?);
        self.searches.borrow_mut().put(key, hits.clone());
        Ok(hits)
    }

    /// How many search terms match a typed search, counting no further than `cap`.
    pub fn search_terms_upto(&self, q: &crate::domain::search::SearchQuery, cap: u64) -> Result<u64> {
        terms_matching_upto(self.db(), q, cap)
    }

    /// A page of a loan list and, when asked, how many loans the list holds. A search's matches
    /// are found once and kept (`search_hits`); any other list reads its page from the list's
    /// index, from the end when the page lies in the back half, with the counts kept.
    pub fn list_page(
        &self,
        at: StateAt,
        filter: &LoanFilter,
        sort: SortKey,
        limit: Option<u64>,
        offset: u64,
        want_total: bool,
    ) -> Result<(Vec<StateRow>, Option<u64>)> {
        if filter.search.as_deref().is_some_and(|s| !s.trim().is_empty()) {
            let hits = self.search_hits(at, filter, sort)?;
            let rows = rows_by_id(self.db(), at, hits.page(offset, limit))?;
            return Ok((rows, want_total.then_some(hits.ids.len() as u64)));
        }
        let total =
            if want_total || offset >= DEEP_PAGE { Some(self.count_loans(at, filter)?) } else { None };
        let in_band = match filter.promises_first {
            Some(day) => Some(self.count_loans(at, &promise_band(filter, day))?),
            None => None,
        };
        let rows = list_loans_known(self.db(), at, filter, sort, limit, offset, total, in_band)?;
        Ok((rows, total.filter(|_| want_total)))
    }

    /// Rolls the shared snapshot forward to `on` (`state::roll_batch`): the loans whose rows stop
    /// holding by then, in loan order, `ROLL_BATCH` a transaction, so other desks' reads never
    /// wait and their writes wait at most one batch. `progress` gets the rows done and the rows
    /// the roll found to do. How many it recomputed. A batch waits for a bulk load, as any write.
    pub fn roll_to(
        &mut self,
        on: chrono::NaiveDate,
        rules: &crate::domain::AssessRules,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<u64> {
        Ok(self.roll_with(on, rules, progress, false)?.unwrap_or(0))
    }

    /// `roll_to` for a reader, which never waits for a bulk load: it stops between batches when
    /// one holds the store (`None`; the rows rolled so far hold, the next roll finishes).
    pub fn roll_unless_loading(
        &mut self,
        on: chrono::NaiveDate,
        rules: &crate::domain::AssessRules,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Option<u64>> {
        self.roll_with(on, rules, progress, true)
    }

    fn roll_with(
        &mut self,
        on: chrono::NaiveDate,
        rules: &crate::domain::AssessRules,
        progress: &mut dyn FnMut(u64, u64),
        unless_loading: bool,
    ) -> Result<Option<u64>> {
        let ids = stale_loans(self.db(), on)?;
        let total = ids.len() as u64;
        let saved = self.long_work()?;
        let mut rolled = || -> Result<Option<u64>> {
            let (mut from, mut done) = (0, 0);
            loop {
                let chunk = &ids[from..ids.len().min(from + ROLL_BATCH as usize)];
                let until = std::time::Instant::now() + ROLL_BATCH_TIME;
                // An empty chunk still moves the date when nothing stops holding.
                let batch = |tx: Db<'_>| roll_batch(tx, on, rules, chunk, until);
                let batch = if unless_loading {
                    let Some(batch) = self.write_unless_loading(batch)? else { return Ok(None) };
                    batch
                } else {
                    self.write(batch)?
                };
                (from, done) = (from + batch.looked, done + batch.recomputed);
                progress(done, total);
                if from >= ids.len() {
                    return Ok(Some(done));
                }
            }
        };
        let out = rolled();
        self.end_long_work(saved)?;
        out
    }

    /// Runs `f` in one write transaction, taken immediately so that two desks never deadlock
    /// upgrading read locks. Commits on `Ok`, rolls back on `Err`. While a bulk load holds the
    /// store it waits for the load to end, however long that takes (`load_lock.rs`); any other
    /// writer it waits for up to `BUSY_TIMEOUT`.
    pub fn write<T, E: From<StoreError>>(&mut self, f: impl FnOnce(Db<'_>) -> Result<T, E>) -> Result<T, E> {
        let conn = match &mut self.backend {
            Backend::File(conn) => conn,
            Backend::Server(session) => return session.write_noting(self.wait_note, f),
        };
        let (db, note) = (self.path.clone(), self.wait_note);
        let wait = || db.as_deref().is_some_and(|db| wait_for_load(db, note));
        wait();
        loop {
            match conn.transaction_with_behavior(TransactionBehavior::Immediate) {
                Ok(tx) => {
                    let out = f(Db::File(&tx))?;
                    tx.commit().map_err(StoreError::from)?;
                    return Ok(out);
                }
                Err(e) if is_busy(&e) && wait() => {}
                Err(e) => return Err(StoreError::from(e).into()),
            }
        }
    }

    /// `write` for a reader that never waits for a bulk load: `None` at once while one holds the
    /// store. Another writer (a load that began just now included) is waited for up to
    /// `BUSY_TIMEOUT`, then the store is busy.
    pub fn write_unless_loading<T, E: From<StoreError>>(
        &mut self,
        f: impl FnOnce(Db<'_>) -> Result<T, E>,
    ) -> Result<Option<T>, E> {
        if self.load_running().is_some() {
            return Ok(None);
        }
        self.write_now(f).map(Some)
    }

    /// `write` without waiting for a load, which the load itself runs.
    fn write_now<T, E: From<StoreError>>(&mut self, f: impl FnOnce(Db<'_>) -> Result<T, E>) -> Result<T, E> {
        let conn = match &mut self.backend {
            Backend::File(conn) => conn,
            Backend::Server(session) => return session.write(f),
        };
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(StoreError::from)?;
        let out = f(Db::File(&tx))?;
        tx.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// Where a write that waits for a bulk load says what it waits for (a command's stderr).
    pub fn on_wait(&mut self, note: fn(&str)) {
        self.wait_note = Some(note);
    }
}

/// Waits while a bulk load holds the store at `db`, telling `note` what it is; whether it waited.
fn wait_for_load(db: &Path, note: Option<fn(&str)>) -> bool {
    if let (Some(what), Some(note)) = (load_lock::load_running(db), note) {
        note(&what);
    }
    load_lock::wait_for_load(db).is_some()
}

fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Optional text: an empty or blank value is absent.
pub(crate) fn opt_text(v: Option<&str>) -> Option<&str> {
    v.map(str::trim).filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

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

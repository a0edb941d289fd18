//! Opening a store: an existing one for every command, a new one only where the caller creates
//! it (the demo, an import, the desk after asking); never a folder on the way. Set-up (WAL, foreign
//! keys, busy timeout), migrations, and what a store that cannot be opened is told as.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use super::load_lock;
use super::{
    BUSY_TIMEOUT, Backend, Kept, Result, Store, StoreError, audit, audit_state, migrations, month_agg, search,
};

/// A server's address is not a file to make or open: the desk opens a book on a server only once
/// every statement runs there (issue #20); until then a book moves there and back whole.
fn refuse_server(path: &Path) -> Result<()> {
    match path.to_str().filter(|p| super::pg::is_address(p)) {
        Some(address) => Err(StoreError::NotOnServer { address: address.to_string() }),
        None => Ok(()),
    }
}

impl Store {
    /// Opens the store at `path`, creating the file (never its folder) when there is none.
    pub fn open(path: &Path) -> Result<Self> {
        refuse_server(path)?;
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
            && !parent.is_dir()
        {
            return Err(StoreError::NoFolder { path: path.to_path_buf() });
        }
        create_shared(path)?;
        Self::open_existing(path)
    }

    /// Opens the store at `path`, which must be there: a mistyped path is not a new store.
    pub fn open_existing(path: &Path) -> Result<Self> {
        refuse_server(path)?;
        if !path.exists() {
            return Err(StoreError::Missing { path: path.to_path_buf() });
        }
        let flags =
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| cannot_open(path, e))?;
        Self::setup(conn, path.display().to_string(), Some(path)).map_err(|e| match e {
            StoreError::Sqlite(e) => cannot_open(path, e),
            other => other,
        })
    }

    /// A private in-memory store, for tests.
    pub fn open_in_memory() -> Result<Self> {
        Self::setup(Connection::open_in_memory()?, ":memory:".into(), None)
    }

    /// Connection set-up and migrations. Opening an up-to-date store reads only: no write lock is
    /// taken, so a desk opens while another one writes.
    fn setup(mut conn: Connection, label: String, path: Option<&Path>) -> Result<Self> {
        set_up(&mut conn, &label, path)?;
        Self::with(Backend::File(conn), label, path)
    }

    /// Opens the book on the PostgreSQL server at `address` as the desk user `login` (unless the
    /// address names a role): connected as `pg::connect` does, the schema brought up to date
    /// under the migrations' lock when it is behind (a newer one refused; an up-to-date one only
    /// read, so a desk's role needs no right to change the schema), listening for other desks'
    /// commits.
    pub fn open_server(address: &str, login: &str) -> Result<Self> {
        let mut client = super::pg::connect(address, login)?;
        let label = super::pg::label_of(address);
        if super::pg::schema_version(&mut client)? != super::pg::STEPS.len() as i64 {
            super::pg::migrate(&mut client, &label)?;
        }
        let session = super::pg::ServerSession::new(client)?;
        let mut store = Self::with(Backend::Server(Box::new(session)), label, None)?;
        store.address = Some(address.to_string());
        Ok(store)
    }

    /// The same store on a connection of its own, for work beside this one's on another thread:
    /// its file opened again, or on a server another session of the same role at the same
    /// address; `None` for a store in memory, which has no second connection.
    pub fn again(&self) -> Result<Option<Store>> {
        match (&self.backend, &self.path, &self.address) {
            (Backend::File(_), Some(path), _) => Ok(Some(Self::open_existing(path)?)),
            (Backend::Server(session), _, Some(address)) => {
                Ok(Some(Self::open_server(address, session.role())?))
            }
            _ => Ok(None),
        }
    }

    fn with(backend: Backend, label: String, path: Option<&Path>) -> Result<Self> {
        let mut store = Store {
            backend,
            label,
            path: path.map(Path::to_path_buf),
            address: None,
            wait_note: None,
            scratch: std::cell::Cell::new(None),
            seen_version: std::cell::Cell::new(None),
            long: std::cell::Cell::new(false),
            counts: std::cell::RefCell::new(Kept::new(256)),
            searches: std::cell::RefCell::new(Kept::new(8)),
        };
        // One-time steps for a new store or one made by an older duedesk, each checked by a read
        // first: on an up-to-date store opening writes nothing.
        if audit::chain_is_pending(store.db())? {
            store.write(|tx| audit::chain_pending(tx))?;
        }
        if audit_state::baseline_pending(store.db())? {
            store.write(|tx| audit_state::write_baseline(tx))?;
        }
        // A store made before search terms, or loans written by a path that does not index them.
        if search::search_is_pending(store.db())? {
            store.write(|tx| search::index_search(tx, &mut |_| {}))?;
        }
        // Month-ends recorded before their aggregates were: computed from their rows, once.
        if !month_agg::aggregates_pending(store.db())?.is_empty() {
            store.write(|tx| month_agg::aggregate_pending(tx))?;
        }
        Ok(store)
    }
}

/// Puts the store in WAL mode unless it is in it already (asking again would want a lock). A first
/// load into an empty store (`Store::write_load`) holds it in rollback-journal mode, and asking for
/// WAL mode meanwhile is refused at once (SQLite does not wait for a lock it could deadlock on), so
/// a desk opening the store then waits for the load to end, however long it takes.
fn wal_mode(conn: &Connection, label: &str, path: Option<&Path>) -> Result<()> {
    let started = std::time::Instant::now();
    loop {
        let asked = match journal_mode(conn) {
            Ok(mode) if mode == "wal" || mode == "memory" => return Ok(()),
            Ok(_) => conn.pragma_update(None, "journal_mode", "WAL"),
            Err(e) => Err(e),
        };
        match asked {
            Ok(()) => return Ok(()),
            Err(e) if super::is_busy(&e) && path.and_then(load_lock::wait_for_load).is_some() => {}
            Err(e) if super::is_busy(&e) && started.elapsed() < BUSY_TIMEOUT => {
                std::thread::sleep(Duration::from_millis(50));
            }
            Err(e) if super::is_busy(&e) => return Err(StoreError::Busy { path: label.to_string() }),
            Err(e) => return Err(e.into()),
        }
    }
}

fn journal_mode(conn: &Connection) -> rusqlite::Result<String> {
    conn.pragma_query_value(None, "journal_mode", |r| r.get::<_, String>(0)).map(|m| m.to_ascii_lowercase())
}

/// Says why SQLite could not open or set up the store: a folder this login cannot write (the
/// journal files live beside the store) is named as such.
fn cannot_open(path: &Path, e: rusqlite::Error) -> StoreError {
    let code = e.sqlite_error_code();
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let maybe_folder = matches!(
        code,
        Some(
            rusqlite::ErrorCode::CannotOpen
                | rusqlite::ErrorCode::ReadOnly
                | rusqlite::ErrorCode::PermissionDenied
        )
    );
    if maybe_folder && !folder_is_writable(folder) {
        return StoreError::ReadOnlyFolder { path: path.to_path_buf(), folder: folder.to_path_buf() };
    }
    if code == Some(rusqlite::ErrorCode::ReadOnly) || code == Some(rusqlite::ErrorCode::PermissionDenied) {
        return StoreError::ReadOnlyStore { path: path.to_path_buf() };
    }
    StoreError::Sqlite(e)
}

/// Whether this process may make a file in `folder`: tried, as permissions alone do not say
/// (groups, ACLs, a read-only mount).
fn folder_is_writable(folder: &Path) -> bool {
    let probe = folder.join(format!(".duedesk-probe-{}", std::process::id()));
    match std::fs::OpenOptions::new().write(true).create_new(true).open(&probe) {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            true
        }
        Err(_) => false,
    }
}

/// A new store file at `path` with the schema and nothing else (no first admin, no settings), for
/// a book copied in whole (`pg::copy_server_to_file`); a file already there is refused.
pub(super) fn create_bare(path: &Path) -> Result<Connection> {
    if path.exists() {
        return Err(StoreError::Occupied(format!(
            "{} is there already: a copy makes a new store file, never over one",
            path.display()
        )));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty())
        && !parent.is_dir()
    {
        return Err(StoreError::NoFolder { path: path.to_path_buf() });
    }
    create_shared(path)?;
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let mut conn = Connection::open_with_flags(path, flags).map_err(|e| cannot_open(path, e))?;
    set_up(&mut conn, &path.display().to_string(), Some(path))?;
    Ok(conn)
}

/// A connection's set-up, for a store opened or made for a copy: busy timeout, WAL, foreign keys,
/// the statement cache, the schema brought up to date.
fn set_up(conn: &mut Connection, label: &str, path: Option<&Path>) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    // WAL lets readers on other desks go on while one writes; NORMAL is durable enough under WAL.
    wal_mode(conn, label, path)?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // A desk page asks a few dozen distinct statements; rusqlite keeps 16 by default, and
    // preparing a joined statement again costs more than running it.
    conn.set_prepared_statement_cache_capacity(128);
    migrations::migrate(conn, label)
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
        Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            Err(StoreError::ReadOnlyFolder { path: path.to_path_buf(), folder: folder.to_path_buf() })
        }
        Err(source) => Err(StoreError::Io { path: path.to_path_buf(), source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_a_temp_file_store_in_wal_mode() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("desk.db");
        let store = Store::open(&path).expect("open");
        let mode: String = store.conn().query_row("PRAGMA journal_mode", [], |r| r.get(0)).expect("mode");
        assert_eq!(mode, "wal");
        let fk: i64 = store.conn().query_row("PRAGMA foreign_keys", [], |r| r.get(0)).expect("fk");
        assert_eq!(fk, 1);
        drop(store);
        // Reopening an up-to-date store is a no-op.
        Store::open_existing(&path).expect("reopen");
    }

    #[test]
    fn no_store_and_no_folder_is_made_on_the_way() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("nope.db");
        assert!(matches!(Store::open_existing(&missing), Err(StoreError::Missing { .. })));
        assert!(!missing.exists());
        let deep = dir.path().join("sub/dir/desk.db");
        assert!(matches!(Store::open(&deep), Err(StoreError::NoFolder { .. })));
        assert!(!dir.path().join("sub").exists());
    }
}

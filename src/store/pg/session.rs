//! A desk's session on the server: its statements' plans kept for the session's life (the file's
//! `prepare_cached`), writes in transactions that tell every other desk they committed
//! (`NOTIFY`), and what other desks committed since the desk last looked (`LISTEN`): on the
//! server, what SQLite's `data_version` gives a desk on a file.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;

use super::super::Result;
use super::super::db::{Db, Session, Val, each_on, execute_on, query_on, read_view};

/// The channel every desk of a book listens on.
pub const CHANNEL: &str = "duedesk_book";

/// The book's writer lock: every desk's write transaction takes it first, so the book's writes
/// follow one another as a file's do (a desk reads, decides and writes with no other desk's write
/// between: no lost update, no deadlock between writers), while reads never wait for it. The
/// finer locks of the store's functions are taken inside it, by the same session.
const BOOK_WRITE_LOCK: i64 = 0x6475_6564_6573_6b57;

/// What a session's `application_name` starts with while a bulk load (an import, the demo book)
/// holds the writer lock: a desk whose write has to wait for it reads what it waits for there (a
/// file's load lock says the same). The server keeps 63 bytes of it, in ASCII.
const LOAD_NAME: &str = "duedesk load: ";

/// `LOAD_NAME` and what the load is, as the server keeps it: printable ASCII (another character is
/// a `?`, as the server would make it) in 63 bytes, a longer text kept at its start (whose load)
/// and its end (since when) around `...` instead of cut off.
fn load_name(what: &str) -> String {
    const ROOM: usize = 63 - LOAD_NAME.len();
    const TAIL: usize = 20;
    let ascii: String =
        what.chars().map(|c| if c == ' ' || c.is_ascii_graphic() { c } else { '?' }).collect();
    if ascii.len() <= ROOM {
        return format!("{LOAD_NAME}{ascii}");
    }
    let head = ROOM - TAIL - 3;
    format!("{LOAD_NAME}{}...{}", &ascii[..head], &ascii[ascii.len() - TAIL..])
}

/// What a bulk load holding the book's writer lock is, if one is: the rest of its session's
/// `application_name` after `LOAD_NAME`.
const LOAD_HOLDING: &str = "SELECT substr(a.application_name, length(CAST($2 AS TEXT)) + 1) \
     FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid \
     WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 \
     AND CAST(l.classid AS BIGINT) = CAST($1 AS BIGINT) >> 32 \
     AND CAST(l.objid AS BIGINT) = CAST($1 AS BIGINT) & 4294967295 \
     AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database()) \
     AND starts_with(a.application_name, CAST($2 AS TEXT)) LIMIT 1";

/// Plans kept by statement text; a session has a few hundred statements at most.
type Plans = RefCell<HashMap<String, postgres::Statement>>;

/// How a transaction writes: telling the other desks (and, waiting for a bulk load, `note` what it
/// waits for), as a bulk load they wait for, or only what this session sees.
enum Writing<'a> {
    Tell(Option<fn(&str)>),
    Load(&'a str),
    Own,
}

pub struct ServerSession {
    client: RefCell<postgres::Client>,
    plans: Plans,
    /// The server process of this session: its own notifications are not another desk's.
    pid: i32,
    /// The role the session logs in as: on a server, the desk user.
    role: String,
    /// Other desks' commits heard so far, and this session's own.
    heard: Cell<u64>,
    written: Cell<u64>,
}

/// The plan of `sql`, prepared once a session.
fn plan(plans: &Plans, on: &mut impl postgres::GenericClient, sql: &str) -> Result<postgres::Statement> {
    if let Some(s) = plans.borrow().get(sql) {
        return Ok(s.clone());
    }
    let s = on.prepare(sql)?;
    plans.borrow_mut().insert(sql.to_string(), s.clone());
    Ok(s)
}

impl ServerSession {
    /// A session on `client`, listening for other desks' commits.
    pub fn new(mut client: postgres::Client) -> Result<Self> {
        client.batch_execute(&format!("LISTEN {CHANNEL}"))?;
        let row = client.query_one("SELECT pg_backend_pid(), CAST(session_user AS TEXT)", &[])?;
        let (pid, role): (i32, String) = (row.get(0), row.get(1));
        Ok(ServerSession {
            client: RefCell::new(client),
            plans: RefCell::new(HashMap::new()),
            pid,
            role,
            heard: Cell::new(0),
            written: Cell::new(0),
        })
    }

    /// Runs `f` in one transaction that commits on `Ok` (telling the other desks) and rolls back
    /// on `Err`.
    pub fn write<T, E: From<super::super::StoreError>>(
        &self,
        f: impl FnOnce(Db<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.transaction(Writing::Tell(None), f)
    }

    /// `write`, telling `note` what it waits for when a bulk load holds the book.
    pub fn write_noting<T, E: From<super::super::StoreError>>(
        &self,
        note: Option<fn(&str)>,
        f: impl FnOnce(Db<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.transaction(Writing::Tell(note), f)
    }

    /// `write` for a bulk load, which other desks' writes wait for naming it as `what`.
    pub fn write_load<T, E: From<super::super::StoreError>>(
        &self,
        what: &str,
        f: impl FnOnce(Db<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.transaction(Writing::Load(what), f)
    }

    /// `write` for what only this session sees (its temporary tables): nobody is told.
    pub fn write_own<T, E: From<super::super::StoreError>>(
        &self,
        f: impl FnOnce(Db<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.transaction(Writing::Own, f)
    }

    fn transaction<T, E: From<super::super::StoreError>>(
        &self,
        writing: Writing<'_>,
        f: impl FnOnce(Db<'_>) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        use super::super::StoreError;
        let tell = !matches!(writing, Writing::Own);
        let mut client = self.client.borrow_mut();
        let mut tx = client.transaction().map_err(StoreError::from)?;
        if tell {
            let took: bool = tx
                .query_one("SELECT pg_try_advisory_xact_lock($1)", &[&BOOK_WRITE_LOCK])
                .map_err(StoreError::from)?
                .get(0);
            if !took {
                if let Writing::Tell(Some(note)) = writing {
                    let load = tx
                        .query_opt(LOAD_HOLDING, &[&BOOK_WRITE_LOCK, &LOAD_NAME])
                        .map_err(StoreError::from)?;
                    if let Some(what) = load.map(|r| r.get::<_, String>(0)) {
                        note(&what);
                    }
                }
                tx.execute("SELECT pg_advisory_xact_lock($1)", &[&BOOK_WRITE_LOCK])
                    .map_err(StoreError::from)?;
            }
        }
        if let Writing::Load(what) = writing {
            // For the transaction only: the session's own name comes back at its end.
            tx.execute("SELECT set_config('application_name', $1, true)", &[&load_name(what)])
                .map_err(StoreError::from)?;
        }
        let tx = InTransaction { tx: RefCell::new(tx), plans: &self.plans };
        let out = f(Db::Server(&tx))?;
        let mut tx = tx.tx.into_inner();
        if tell {
            tx.execute("SELECT pg_notify($1, '')", &[&CHANNEL]).map_err(StoreError::from)?;
        }
        tx.commit().map_err(StoreError::from)?;
        self.written.set(self.written.get() + 1);
        Ok(out)
    }

    /// How many commits other desks made that this session has heard of: the notifications that
    /// came in, its own not counted. It waits a millisecond at most: the connection's reader
    /// runs only while the session waits for something, so a look that never waits never hears.
    pub fn heard(&self) -> Result<u64> {
        use postgres::fallible_iterator::FallibleIterator;
        let mut client = self.client.borrow_mut();
        let mut notes = client.notifications();
        let mut pending = notes.timeout_iter(std::time::Duration::from_millis(1));
        while let Some(n) = pending.next()? {
            if n.process_id() != self.pid {
                self.heard.set(self.heard.get() + 1);
            }
        }
        Ok(self.heard.get())
    }

    /// The role the session logged in as.
    pub fn role(&self) -> &str {
        &self.role
    }

    /// This session's own commits so far.
    pub fn written(&self) -> u64 {
        self.written.get()
    }

    /// Whether another desk committed since the last look.
    pub fn changed_elsewhere(&self) -> Result<bool> {
        let before = self.heard.get();
        Ok(self.heard()? != before)
    }
}

impl Session for ServerSession {
    fn query(&self, sql: &str, params: &[Val<'_>]) -> Result<Vec<postgres::Row>> {
        let mut client = self.client.borrow_mut();
        let s = plan(&self.plans, &mut *client, sql)?;
        query_on(&mut *client, &s, params)
    }

    fn execute(&self, sql: &str, params: &[Val<'_>]) -> Result<u64> {
        let mut client = self.client.borrow_mut();
        let s = plan(&self.plans, &mut *client, sql)?;
        execute_on(&mut *client, &s, params)
    }

    fn in_transaction(&self) -> bool {
        false
    }

    fn reading(&self, f: &mut dyn FnMut(Db<'_>) -> Result<()>) -> Result<()> {
        let mut client = self.client.borrow_mut();
        let tx = InTransaction { tx: RefCell::new(read_view(&mut client)?), plans: &self.plans };
        f(Db::Server(&tx))?;
        Ok(tx.tx.into_inner().commit()?)
    }

    fn each(
        &self,
        sql: &str,
        params: &[Val<'_>],
        f: &mut dyn FnMut(&postgres::Row) -> Result<()>,
    ) -> Result<()> {
        let mut client = self.client.borrow_mut();
        let s = plan(&self.plans, &mut *client, sql)?;
        each_on(&mut *client, &s, params, f)
    }
}

/// A transaction of a `ServerSession`, sharing its plans.
struct InTransaction<'s, 'c> {
    tx: RefCell<postgres::Transaction<'c>>,
    plans: &'s Plans,
}

impl Session for InTransaction<'_, '_> {
    fn query(&self, sql: &str, params: &[Val<'_>]) -> Result<Vec<postgres::Row>> {
        let mut tx = self.tx.borrow_mut();
        let s = plan(self.plans, &mut *tx, sql)?;
        query_on(&mut *tx, &s, params)
    }

    fn execute(&self, sql: &str, params: &[Val<'_>]) -> Result<u64> {
        let mut tx = self.tx.borrow_mut();
        let s = plan(self.plans, &mut *tx, sql)?;
        execute_on(&mut *tx, &s, params)
    }

    fn in_transaction(&self) -> bool {
        true
    }

    fn reading(&self, f: &mut dyn FnMut(Db<'_>) -> Result<()>) -> Result<()> {
        f(Db::Server(self))
    }

    fn each(
        &self,
        sql: &str,
        params: &[Val<'_>],
        f: &mut dyn FnMut(&postgres::Row) -> Result<()>,
    ) -> Result<()> {
        let mut tx = self.tx.borrow_mut();
        let s = plan(self.plans, &mut *tx, sql)?;
        each_on(&mut *tx, &s, params, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_load_s_name_keeps_whose_it_is_and_since_when_in_the_server_s_63_bytes() {
        assert_eq!(
            load_name("an import of loans.csv by wang"),
            "duedesk load: an import of loans.csv by wang"
        );
        let long = load_name("王芳's import of /srv/duedesk/imports/2026-12/还款-第一批.csv (since 18:20)");
        assert_eq!(long, "duedesk load: ??'s import of /srv/duedes...??.csv (since 18:20)");
        assert!(long.len() <= 63 && long.is_ascii());
        let tabs = load_name("a\tb\u{1b}[31m");
        assert_eq!(tabs, "duedesk load: a?b?[31m");
    }
}

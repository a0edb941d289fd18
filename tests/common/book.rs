//! A test's book on the backend of the pass, for the tests that open the desk in process
//! (`Desk::open`) instead of running the binary: on a file pass what those tests always had — a
//! store in memory, or a file in a temporary folder when the test opens the book again — and on
//! the server pass (`DUEDESK_TEST_BACKEND=server`) a fresh database of the test cluster, logged
//! in as the login running the tests, whose desk acts as the login the test names (as
//! `TestDesk::new` does for the command line). The `Book` keeps the database (or the folder) as
//! long as the test keeps the book, and drops it after its desk.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset, NaiveDate};
use duedesk::app::Desk;
use duedesk::store::Store;

use super::pg::TestDb;

/// The desk's date in the desk tests, 2026-03-01, and its clock, ten in the morning in Beijing.
pub fn as_of() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 1).expect("date")
}

pub fn now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(super::NOW).expect("the test clock")
}

/// How the file pass keeps a book: in memory (one connection, the desk's), or in a file of a
/// temporary folder when the test opens the book again beside its desk. The server pass keeps
/// either in a database of its own.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Keep {
    Memory,
    File,
}

/// Where the book is: kept as long as the desk, dropped after it.
enum Home {
    Memory,
    File {
        _dir: tempfile::TempDir,
        path: PathBuf,
    },
    /// Boxed: a server's address is much larger than a folder.
    Server(Box<TestDb>),
}

/// A desk on a test's book. Derefs to its `Desk`, so `&mut book` is what the desk helpers take.
pub struct Book {
    /// Declared first: dropped (its connection closed) before the home it is in.
    desk: Desk,
    home: Home,
}

impl Book {
    /// An empty book on the backend of the pass, its desk opened as `login` on `as_of` at `now`:
    /// the login that makes a book is its first admin.
    pub fn empty_at(keep: Keep, login: &str, as_of: NaiveDate, now: DateTime<FixedOffset>) -> Book {
        let home = Home::made(keep);
        let store = home.store();
        let desk = Desk::open(store, login, as_of, now).expect("desk");
        Book { desk, home }
    }

    /// An empty book, its desk the admin's on the desk tests' date.
    pub fn empty(keep: Keep) -> Book {
        Book::empty_at(keep, "admin", as_of(), now())
    }

    /// The demo book of `loans` loans made with `seed` by the admin on the desk tests' date, its
    /// desk the admin's.
    pub fn demo(keep: Keep, loans: u64, seed: u64) -> Book {
        Book::demo_at(keep, loans, seed, as_of(), now())
    }

    /// The demo book of `loans` loans made with `seed` by the admin on `as_of` at `now`, its desk
    /// the admin's. On the server a copy of the process's own demo of those figures (`template`),
    /// with the admin's desk opened on it: the book the demo leaves, as the desk that made it
    /// leaves it.
    pub fn demo_at(keep: Keep, loans: u64, seed: u64, as_of: NaiveDate, now: DateTime<FixedOffset>) -> Book {
        if super::on_server()
            && let Some(db) = template::copy_of_demo(loans, seed, as_of, now)
        {
            let desk = Desk::open(on(&db), "admin", as_of, now).expect("desk");
            return Book { desk, home: Home::Server(Box::new(db)) };
        }
        let mut book = Book::empty_at(keep, "admin", as_of, now);
        duedesk::app::demo::generate(&mut book.desk, loans, seed, &mut |_| {}).expect("demo book");
        book
    }

    /// The book's desk opened again as `login` on its connection (`Desk::reopen_as`).
    pub fn reopen_as(self, login: &str) -> duedesk::app::Result<Book> {
        Ok(Book { desk: self.desk.reopen_as(login)?, home: self.home })
    }

    /// Another connection to the same book: on a file the file opened again, on a server another
    /// session of the tester. A book kept in memory has none (`Keep::File` is for such a test).
    pub fn store(&self) -> Store {
        assert!(
            !matches!(self.home, Home::Memory),
            "a book in memory has no other connection: make it with Keep::File"
        );
        self.home.store()
    }

    /// A desk of `login` on another connection to the same book, on the book desk's date and clock.
    pub fn desk_as(&self, login: &str) -> Desk {
        Desk::open(self.store(), login, self.desk.as_of, self.desk.now).expect("desk")
    }

    /// A desk of `login` on another connection to the same book, on `as_of` at `now`.
    pub fn desk_at(&self, login: &str, as_of: NaiveDate, now: DateTime<FixedOffset>) -> Desk {
        Desk::open(self.store(), login, as_of, now).expect("desk")
    }

    /// The book's file, on the file pass of a book kept in a file.
    pub fn path(&self) -> Option<&std::path::Path> {
        match &self.home {
            Home::File { path, .. } => Some(path),
            _ => None,
        }
    }

    /// The server database the book is, on the server pass.
    pub fn server(&self) -> Option<&TestDb> {
        match &self.home {
            Home::Server(db) => Some(db),
            _ => None,
        }
    }

    /// Rows of a statement read on another connection to the book, each value as text (a number
    /// in digits, a flag 1 or 0), `None` for NULL; `$1`… stand for `params`, bound as text.
    pub fn text_rows(&self, sql: &str, params: &[&str]) -> Vec<Vec<Option<String>>> {
        match &self.home {
            Home::Memory => panic!("a book in memory has no other connection: make it with Keep::File"),
            Home::File { path, .. } => super::text_rows(None, path, sql, params),
            Home::Server(db) => super::text_rows(Some(db), std::path::Path::new(""), sql, params),
        }
    }

    /// The first column of a statement's rows as integers (`text_rows`).
    pub fn ints(&self, sql: &str, params: &[&str]) -> Vec<i64> {
        let rows = self.text_rows(sql, params);
        rows.iter().map(|r| r[0].as_deref().and_then(|v| v.parse().ok()).expect("an integer")).collect()
    }

    /// Runs statements on another connection to the book, as one batch (SQL both backends take).
    pub fn exec(&self, sql: &str) {
        match &self.home {
            Home::Memory => panic!("a book in memory has no other connection: make it with Keep::File"),
            Home::File { path, .. } => super::exec(None, path, sql),
            Home::Server(db) => super::exec(Some(db), std::path::Path::new(""), sql),
        }
    }
}

/// The demo books of the server pass. Made on the server, a 300-loan demo takes about 2.5 s and a
/// copy of it a quarter of a second; the desk tests make the same demo dozens of times.
mod template {
    use std::collections::BTreeMap;
    use std::io::Write;
    use std::process::{ChildStdin, Command, Stdio};
    use std::sync::{Mutex, PoisonError};

    use chrono::{DateTime, FixedOffset, NaiveDate};

    use super::super::pg::{self, TestDb};

    /// A process's demo of some figures on the server, the template its tests' books are copied
    /// from (`CREATE DATABASE … TEMPLATE`), and the pipe whose end drops it (`reaper`).
    struct Template {
        db: TestDb,
        _reaper: ChildStdin,
    }

    /// The demo's figures: loans, seed, its date and clock.
    type Figures = (u64, u64, NaiveDate, String);

    /// The templates by their figures; `None` where one could not be kept. Made and copied under
    /// this lock: nobody may be connected to a template while it is copied, and the desk that
    /// made it is closed before the first copy.
    static DEMOS: Mutex<BTreeMap<Figures, Option<Template>>> = Mutex::new(BTreeMap::new());

    /// A new database holding the process's demo of `loans` loans and `seed`, made once; `None`
    /// where no template can be kept (the test then makes its own demo).
    pub fn copy_of_demo(
        loans: u64,
        seed: u64,
        as_of: NaiveDate,
        now: DateTime<FixedOffset>,
    ) -> Option<TestDb> {
        let mut demos = DEMOS.lock().unwrap_or_else(PoisonError::into_inner);
        let key = (loans, seed, as_of, now.to_rfc3339());
        let made = demos.entry(key).or_insert_with(|| made(loans, seed, as_of, now));
        made.as_ref().map(|t| t.db.copy())
    }

    fn made(loans: u64, seed: u64, as_of: NaiveDate, now: DateTime<FixedOffset>) -> Option<Template> {
        let db = pg::fresh("tpl").expect("DUEDESK_TEST_BACKEND=server needs DUEDESK_TEST_PG");
        // A static is never dropped: the reaper drops the template when the process ends.
        let reaper = reaper(&db)?;
        let mut desk = super::Desk::open(super::on(&db), "admin", as_of, now).expect("desk");
        duedesk::app::demo::generate(&mut desk, loans, seed, &mut |_| {}).expect("demo book");
        drop(desk);
        Some(Template { db, _reaper: reaper })
    }

    /// `psql` on the test server, given the template's `DROP DATABASE` without its end, so that it
    /// runs it only when its input ends: when this process ends, however it ends, and closes the
    /// pipe. Without `psql` no template is kept.
    fn reaper(db: &TestDb) -> Option<ChildStdin> {
        let server = std::env::var("DUEDESK_TEST_PG").ok()?;
        let mut child = Command::new("psql")
            .args(["-X", "-q", "-d", &server])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let mut pipe = child.stdin.take()?;
        writeln!(pipe, "DROP DATABASE IF EXISTS {} WITH (FORCE)", db.name).ok()?;
        Some(pipe)
    }
}

impl Home {
    fn made(keep: Keep) -> Home {
        if super::on_server() {
            let db = super::pg::fresh("book").expect("DUEDESK_TEST_BACKEND=server needs DUEDESK_TEST_PG");
            return Home::Server(Box::new(db));
        }
        match keep {
            Keep::Memory => Home::Memory,
            Keep::File => {
                let dir = tempfile::tempdir().expect("tempdir");
                let path = dir.path().join("desk.db");
                Home::File { _dir: dir, path }
            }
        }
    }

    /// A new connection to the book; for a book in memory, the book itself (made once, by `made`'s
    /// caller).
    fn store(&self) -> Store {
        match self {
            Home::Memory => Store::open_in_memory().expect("store"),
            Home::File { path, .. } => Store::open(path).expect("store"),
            Home::Server(db) => on(db),
        }
    }
}

/// A session on the server database `db` as the login running the tests, a superuser of the test
/// cluster: `Desk::open` on it acts as the login it is given, as on a file (`tests/pg_desk.rs`).
fn on(db: &TestDb) -> Store {
    let login = whoami::username().expect("the login running the tests");
    Store::open_server(&db.url_as_tester(), &login).expect("the book on the server")
}

impl std::ops::Deref for Book {
    type Target = Desk;
    fn deref(&self) -> &Desk {
        &self.desk
    }
}

impl std::ops::DerefMut for Book {
    fn deref_mut(&mut self) -> &mut Desk {
        &mut self.desk
    }
}

//! Runs the real `duedesk` binary against a store in a temporary directory; `desk` runs the
//! desk's state without a terminal.
#![allow(dead_code)] // Each test file uses a different part of this helper.

pub mod book;
pub mod desk;
pub mod gate;
pub mod pg;
pub mod poll;
pub mod program;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const NOW: &str = "2026-03-01T10:00:00+08:00";
pub const AS_OF: &str = "2026-03-01";

/// The clock (`DUEDESK_NOW`) at ten in the morning of `day`, Beijing time.
pub fn now_on(day: &str) -> String {
    format!("{day}T10:00:00+08:00")
}

pub struct TestDesk {
    pub dir: tempfile::TempDir,
    /// The store's address: a file in `dir`, or a server database's (`DUEDESK_TEST_BACKEND=server`).
    pub db: PathBuf,
    /// The server database the store is, dropped with the desk.
    pub server: Option<pg::TestDb>,
}

/// Whether the tests' stores are server databases (`DUEDESK_TEST_BACKEND=server`, on the server
/// `DUEDESK_TEST_PG` names): `.ci/run` runs the store and command-line tests that way as well.
pub fn on_server() -> bool {
    std::env::var("DUEDESK_TEST_BACKEND").is_ok_and(|v| v.trim() == "server")
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}\n{}", self.stdout, self.stderr))
    }
}

impl From<Output> for Run {
    fn from(o: Output) -> Self {
        Run {
            code: o.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }
}

impl TestDesk {
    /// A desk on a test store: made at the test clock (`NOW`), its first admin the login running
    /// the tests, with `trust_env_user` on, so the store takes `DUEDESK_NOW` and `DUEDESK_USER`.
    pub fn new() -> Self {
        let d = Self::bare();
        let now = chrono::DateTime::parse_from_rfc3339(NOW).expect("the test clock");
        let login = whoami::username().expect("the login running the tests");
        let store = match &d.server {
            Some(_) => {
                duedesk::store::Store::open_server(TestDesk::path_str(&d.db), &login).expect("the book")
            }
            None => duedesk::store::Store::open(&d.db).expect("make the store"),
        };
        let mut desk =
            duedesk::app::Desk::open(store, &login, now.date_naive(), now).expect("open the store");
        desk.set_setting("trust_env_user", "true").expect("trust the test clock");
        d
    }

    /// A desk whose store does not exist yet.
    pub fn bare() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        if on_server() {
            let server = pg::fresh("cli").expect("DUEDESK_TEST_BACKEND=server needs DUEDESK_TEST_PG");
            let db = PathBuf::from(server.url_as_tester());
            return TestDesk { dir, db, server: Some(server) };
        }
        let db = dir.path().join("desk.db");
        TestDesk { dir, db, server: None }
    }

    /// A desk on an empty store file, as an administrator makes one for a branch (`touch`, or
    /// the shared folder's set-up): the first command run on it migrates it and makes its login
    /// the first admin. Without a file there is no store, and only `demo`, `import` and the desk
    /// (after asking) make one.
    pub fn empty() -> Self {
        let d = TestDesk::bare();
        if d.server.is_none() {
            std::fs::write(&d.db, b"").expect("an empty store file");
        }
        d
    }

    /// A desk of its own on a copy of this desk's store as it is now (no command may be running).
    pub fn copy(&self) -> TestDesk {
        let dir = tempfile::tempdir().expect("tempdir");
        if let Some(server) = &self.server {
            let server = server.copy();
            let db = PathBuf::from(server.url_as_tester());
            return TestDesk { dir, db, server: Some(server) };
        }
        let db = dir.path().join("desk.db");
        std::fs::copy(&self.db, &db).expect("copy the store");
        let wal = PathBuf::from(format!("{}-wal", self.db.display()));
        if wal.exists() {
            std::fs::copy(&wal, format!("{}-wal", db.display())).expect("copy the store's log");
        }
        TestDesk { dir, db, server: None }
    }

    /// The store itself, on its backend (for what the command line does not reach).
    pub fn store(&self) -> duedesk::store::Store {
        match &self.server {
            Some(_) => {
                let login = whoami::username().expect("the login running the tests");
                duedesk::store::Store::open_server(TestDesk::path_str(&self.db), &login).expect("the book")
            }
            None => duedesk::store::Store::open(&self.db).expect("the store"),
        }
    }

    /// Rows of a statement on the store's backend, each value as text (a number in digits),
    /// `None` for NULL; `$1`… stand for `params`, bound as text.
    pub fn text_rows(&self, sql: &str, params: &[&str]) -> Vec<Vec<Option<String>>> {
        text_rows(self.server.as_ref(), &self.db, sql, params)
    }

    /// Each row of a statement as one line, its values joined by `|` (NULL as empty).
    pub fn lines(&self, sql: &str) -> Vec<String> {
        self.text_rows(sql, &[])
            .into_iter()
            .map(|r| r.into_iter().map(Option::unwrap_or_default).collect::<Vec<_>>().join("|"))
            .collect()
    }

    /// Runs statements on the store's backend, as one batch.
    pub fn exec(&self, sql: &str) {
        exec(self.server.as_ref(), &self.db, sql);
    }

    /// Runs one statement on the store's backend with `$1`… bound to `params` as text; the rows
    /// it changed.
    pub fn exec_with(&self, sql: &str, params: &[&str]) -> u64 {
        match &self.server {
            Some(server) => {
                let params: Vec<&(dyn postgres::types::ToSql + Sync)> =
                    params.iter().map(|p| p as &(dyn postgres::types::ToSql + Sync)).collect();
                server.client().execute(sql, &params).expect("statement")
            }
            None => {
                let conn = rusqlite::Connection::open(&self.db).expect("open");
                let n = conn
                    .execute(&sql.replace('$', "?"), rusqlite::params_from_iter(params))
                    .expect("statement");
                n as u64
            }
        }
    }

    /// Runs a statement on the store's backend, and what refused it, if anything.
    pub fn try_exec(&self, sql: &str) -> Result<(), String> {
        match &self.server {
            Some(server) => server
                .client()
                .batch_execute(sql)
                .map_err(|e| e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string())),
            None => rusqlite::Connection::open(&self.db)
                .expect("open")
                .execute_batch(sql)
                .map_err(|e| e.to_string()),
        }
    }

    /// The first column of a statement's rows as integers (`text_rows`).
    pub fn ints(&self, sql: &str, params: &[&str]) -> Vec<i64> {
        self.text_rows(sql, params)
            .iter()
            .map(|r| r[0].as_deref().and_then(|v| v.parse().ok()).expect("an integer"))
            .collect()
    }

    /// A command on the system's clock (no `DUEDESK_NOW`).
    pub fn live(&self) -> Command {
        let mut c = self.command();
        c.env_remove("DUEDESK_NOW");
        c
    }

    pub fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_duedesk"));
        c.arg("--db").arg(&self.db);
        c.env("DUEDESK_NOW", NOW).env("NO_COLOR", "1");
        // Never the real user's configuration folder: an empty one of this test's.
        c.env("DUEDESK_CONFIG", self.config_dir());
        for v in ["DUEDESK_TODAY", "DUEDESK_USER", "DUEDESK_DB", "COLUMNS"] {
            c.env_remove(v);
        }
        c
    }

    /// The configuration directory the binary is pointed at (`DUEDESK_CONFIG`); not created.
    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.command().args(args).output().expect("run duedesk").into()
    }

    /// Runs with the clock at ten in the morning of `day`: a real run or a payment dated after
    /// `NOW` needs the clock to have reached its date.
    pub fn run_on(&self, day: &str, args: &[&str]) -> Run {
        self.command().env("DUEDESK_NOW", now_on(day)).args(args).output().expect("run duedesk").into()
    }

    /// `run_on`, insisting on exit 0.
    pub fn ok_on(&self, day: &str, args: &[&str]) -> Run {
        let r = self.run_on(day, args);
        assert_eq!(r.code, 0, "duedesk {args:?} on {day} failed:\n{}\n{}", r.stdout, r.stderr);
        r
    }

    pub fn run_as(&self, user: &str, args: &[&str]) -> Run {
        self.command().env("DUEDESK_USER", user).args(args).output().expect("run duedesk").into()
    }

    /// Runs and insists on exit 0.
    pub fn ok(&self, args: &[&str]) -> Run {
        let r = self.run(args);
        assert_eq!(r.code, 0, "duedesk {args:?} failed:\n{}\n{}", r.stdout, r.stderr);
        r
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).expect("write fixture");
        p
    }

    pub fn path_str(p: &Path) -> &str {
        p.to_str().expect("utf-8 path")
    }
}

/// Rows of a statement on a test store's backend (the server database, else the file `db`), each
/// value as text (a number in digits), `None` for NULL; `$1`… stand for `params`, bound as text.
pub fn text_rows(
    server: Option<&pg::TestDb>,
    db: &Path,
    sql: &str,
    params: &[&str],
) -> Vec<Vec<Option<String>>> {
    match server {
        Some(server) => {
            let params: Vec<&(dyn postgres::types::ToSql + Sync)> =
                params.iter().map(|p| p as &(dyn postgres::types::ToSql + Sync)).collect();
            server.client().query(sql, &params).expect("rows").iter().map(pg::row_texts).collect()
        }
        None => {
            use rusqlite::types::ValueRef;
            let conn = rusqlite::Connection::open(db).expect("open");
            let mut stmt = conn.prepare(&sql.replace('$', "?")).expect("sql");
            let width = stmt.column_count();
            stmt.query_map(rusqlite::params_from_iter(params), |r| {
                (0..width)
                    .map(|i| {
                        Ok(match r.get_ref(i)? {
                            ValueRef::Null => None,
                            ValueRef::Integer(n) => Some(n.to_string()),
                            ValueRef::Real(x) => Some(x.to_string()),
                            ValueRef::Text(t) | ValueRef::Blob(t) => {
                                Some(String::from_utf8_lossy(t).into_owned())
                            }
                        })
                    })
                    .collect::<rusqlite::Result<Vec<_>>>()
            })
            .expect("query")
            .collect::<rusqlite::Result<Vec<_>>>()
            .expect("rows")
        }
    }
}

/// Runs statements on a test store's backend (the server database, else the file `db`), as one
/// batch.
pub fn exec(server: Option<&pg::TestDb>, db: &Path, sql: &str) {
    match server {
        Some(server) => server.client().batch_execute(sql).expect("statements"),
        None => rusqlite::Connection::open(db).expect("open").execute_batch(sql).expect("statements"),
    }
}

/// A test backend's screen as text, one line per row; a wide character's second cell is not
/// repeated.
pub fn screen(buf: &ratatui::buffer::Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        let mut x = 0;
        while x < buf.area.width {
            let sym = buf.cell((x, y)).map_or(" ", |c| c.symbol());
            line.push_str(sym);
            x += u16::try_from(duedesk::text::width(sym).max(1)).unwrap_or(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

//! A PostgreSQL server for the tests that need one (issue #20): `DUEDESK_TEST_PG` names it, in
//! PostgreSQL's `key=value` words or as a URL, with a role that may create databases. `.ci/run`
//! starts a throwaway cluster and sets it; under CI a test without it fails, elsewhere it skips.

use duedesk::store::pg;

/// A database of its own on the test server, dropped at the end.
pub struct TestDb {
    admin: postgres::Config,
    pub name: String,
    pub config: postgres::Config,
}

/// A new empty database on the server `DUEDESK_TEST_PG` names, or `None` (skipped) without one.
pub fn fresh(tag: &str) -> Option<TestDb> {
    made(tag, None)
}

/// A new database, empty or a copy of the database `template` (which nobody may be connected to).
fn made(tag: &str, template: Option<&str>) -> Option<TestDb> {
    let address = std::env::var("DUEDESK_TEST_PG").ok().filter(|v| !v.trim().is_empty());
    if !super::program::decide("PostgreSQL (DUEDESK_TEST_PG)", address.is_some(), super::program::on_ci()) {
        return None;
    }
    let admin: postgres::Config = address?.parse().expect("DUEDESK_TEST_PG is a PostgreSQL address");
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_nanos();
    // Two tests of a process may read the same clock: a count of the process's own keeps them apart.
    static MADE: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = MADE.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = format!("duedesk_{tag}_{}_{n}_{nanos}", std::process::id());
    let mut client = admin.connect(postgres::NoTls).expect("the test server answers");
    let from = template.map(|t| format!(" TEMPLATE {t}")).unwrap_or_default();
    client.batch_execute(&format!("CREATE DATABASE {name}{from}")).expect("a database of the test's own");
    let mut config = admin.clone();
    config.dbname(&name);
    Some(TestDb { admin, name, config })
}

impl TestDb {
    /// A new database holding what this one holds now.
    pub fn copy(&self) -> TestDb {
        made("copy", Some(&self.name)).expect("the test server")
    }

    pub fn client(&self) -> postgres::Client {
        self.config.connect(postgres::NoTls).expect("connect")
    }

    /// The database's address as the command line takes it (`postgresql://…`, no password).
    pub fn url(&self) -> String {
        let host = match self.config.get_hosts().first() {
            Some(postgres::config::Host::Unix(path)) => path.display().to_string(),
            Some(postgres::config::Host::Tcp(name)) => name.clone(),
            None => "localhost".into(),
        };
        let port = self.config.get_ports().first().copied().unwrap_or(5432);
        let user = self.config.get_user().unwrap_or("postgres");
        format!("postgresql:///{}?host={host}&port={port}&user={user}", self.name)
    }

    /// A client on a database brought up to date.
    pub fn migrated(&self) -> postgres::Client {
        let mut c = self.client();
        pg::migrate(&mut c, &self.name).expect("migrate");
        c
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut c) = self.admin.connect(postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name));
        }
    }
}

/// The desk's three group roles on the server (migration 0029).
pub const GROUPS: [&str; 3] = ["duedesk_collector", "duedesk_supervisor", "duedesk_admin"];

/// Roles are the cluster's, shared by every test's database: one test of a process at a time
/// changes whose member a role is.
static ROLES: std::sync::Mutex<()> = std::sync::Mutex::new(());

impl TestDb {
    /// A login role of the cluster named `login`, made if missing, a member of `group` (one of
    /// `GROUPS`) and of no other desk group, with no right of its own; `None`: of no group.
    pub fn login_role(&self, login: &str, group: Option<&str>) {
        let _one = ROLES.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let quoted = format!("\"{}\"", login.replace('"', "\"\""));
        let mut sql = format!(
            "DO $$ BEGIN CREATE ROLE {quoted} LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;"
        );
        for g in GROUPS {
            if Some(g) == group {
                sql.push_str(&format!("GRANT {g} TO {quoted};"));
            } else {
                sql.push_str(&format!("REVOKE {g} FROM {quoted};"));
            }
        }
        self.client().batch_execute(&sql).expect("a desk login's role");
    }

    /// The database's address logged in as the login running the tests, made a superuser of the
    /// test cluster (once): the desk user by default, as a file's is the operating-system login,
    /// and, as one who may change anything, acting as another desk user in a test's book
    /// (`DUEDESK_USER`, the book trusting its environment) as on a file.
    pub fn url_as_tester(&self) -> String {
        let login = whoami::username().expect("the login running the tests");
        static MADE: std::sync::Once = std::sync::Once::new();
        MADE.call_once(|| {
            let quoted = format!("\"{}\"", login.replace('"', "\"\""));
            let sql = format!(
                "DO $$ BEGIN CREATE ROLE {quoted} LOGIN SUPERUSER; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$; \
                 ALTER ROLE {quoted} LOGIN SUPERUSER;"
            );
            self.client().batch_execute(&sql).expect("the tester's role");
        });
        self.url_as(&login)
    }

    /// The database's address logged in as `login`.
    pub fn url_as(&self, login: &str) -> String {
        let user = self.config.get_user().unwrap_or("postgres");
        self.url().replace(&format!("user={user}"), &format!("user={login}"))
    }

    /// A client of the database logged in as `login`.
    pub fn client_as(&self, login: &str) -> postgres::Client {
        let mut config = self.config.clone();
        config.user(login);
        config.connect(postgres::NoTls).expect("connect as a desk login")
    }
}

/// A server row's values as text (`TestDesk::text_rows`): integers and reals in digits, a flag as
/// 1 or 0 (as a file keeps it), `None` for NULL.
pub fn row_texts(row: &postgres::Row) -> Vec<Option<String>> {
    use postgres::types::Type;
    (0..row.len())
        .map(|i| {
            let t = row.columns()[i].type_().clone();
            if t == Type::INT8 {
                row.get::<_, Option<i64>>(i).map(|v| v.to_string())
            } else if t == Type::INT4 {
                row.get::<_, Option<i32>>(i).map(|v| v.to_string())
            } else if t == Type::INT2 {
                row.get::<_, Option<i16>>(i).map(|v| v.to_string())
            } else if t == Type::FLOAT8 {
                row.get::<_, Option<f64>>(i).map(|v| v.to_string())
            } else if t == Type::BOOL {
                row.get::<_, Option<bool>>(i).map(|v| u8::from(v).to_string())
            } else {
                row.get::<_, Option<String>>(i)
            }
        })
        .collect()
}

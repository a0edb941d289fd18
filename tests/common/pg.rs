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
    let address = std::env::var("DUEDESK_TEST_PG").ok().filter(|v| !v.trim().is_empty());
    if !super::program::decide("PostgreSQL (DUEDESK_TEST_PG)", address.is_some(), super::program::on_ci()) {
        return None;
    }
    let admin: postgres::Config = address?.parse().expect("DUEDESK_TEST_PG is a PostgreSQL address");
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_nanos();
    let name = format!("duedesk_{tag}_{}_{nanos}", std::process::id());
    let mut client = admin.connect(postgres::NoTls).expect("the test server answers");
    client.batch_execute(&format!("CREATE DATABASE {name}")).expect("a database of the test's own");
    let mut config = admin.clone();
    config.dbname(&name);
    Some(TestDb { admin, name, config })
}

impl TestDb {
    pub fn client(&self) -> postgres::Client {
        self.config.connect(postgres::NoTls).expect("connect")
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

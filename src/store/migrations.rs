//! Versioned schema migrations, kept as SQL files under `migrations/`.

use rusqlite::Connection;
use rusqlite_migration::{M, Migrations};

use super::{Result, StoreError};

const STEPS: &[&str] = &[
    include_str!("../../migrations/0001_book.sql"),
    include_str!("../../migrations/0002_casework.sql"),
    include_str!("../../migrations/0003_loan_state.sql"),
    include_str!("../../migrations/0004_contact_conduct.sql"),
    include_str!("../../migrations/0005_promises_plans.sql"),
    include_str!("../../migrations/0006_notices.sql"),
    include_str!("../../migrations/0007_holds.sql"),
    include_str!("../../migrations/0008_tasks.sql"),
    include_str!("../../migrations/0013_queue_covering.sql"),
];

fn migrations() -> Migrations<'static> {
    Migrations::new(STEPS.iter().map(|sql| M::up(sql)).collect())
}

pub(super) fn migrate(conn: &mut Connection, label: &str) -> Result<()> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = STEPS.len() as i64;
    if found > known {
        return Err(StoreError::TooNew { path: label.to_string(), found, known });
    }
    migrations().to_latest(conn).map_err(|e| StoreError::Migration(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        migrations().validate().expect("valid migrations");
    }

    #[test]
    fn migrates_from_empty_and_refuses_a_newer_store() {
        let mut conn = Connection::open_in_memory().expect("conn");
        migrate(&mut conn, "mem").expect("migrate");
        let v: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).expect("v");
        assert_eq!(v, STEPS.len() as i64);
        let tables: i64 = conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('loans', 'loan_state', 'audit_log')", [], |r| r.get(0))
            .expect("tables");
        assert_eq!(tables, 3);
        conn.pragma_update(None, "user_version", 99).expect("bump");
        assert!(matches!(migrate(&mut conn, "mem"), Err(StoreError::TooNew { found: 99, .. })));
    }
}

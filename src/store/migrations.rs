//! Versioned schema migrations, kept as SQL files under `migrations/`.

use rusqlite::{Connection, TransactionBehavior};
#[cfg(test)]
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
    include_str!("../../migrations/0009_case_leases.sql"),
    include_str!("../../migrations/0010_team_figures.sql"),
    include_str!("../../migrations/0011_audit_chain.sql"),
    include_str!("../../migrations/0013_queue_covering.sql"),
    include_str!("../../migrations/0014_promise_band.sql"),
    include_str!("../../migrations/0015_plan_hold.sql"),
    include_str!("../../migrations/0016_run_undo.sql"),
    include_str!("../../migrations/0017_search_terms.sql"),
    include_str!("../../migrations/0018_contact_void.sql"),
    include_str!("../../migrations/0019_post_loan.sql"),
];

#[cfg(test)]
fn migrations() -> Migrations<'static> {
    Migrations::new(STEPS.iter().map(|sql| M::up(sql)).collect())
}

fn user_version(conn: &Connection, label: &str) -> Result<usize> {
    let found: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0))?;
    let known = STEPS.len() as i64;
    if found > known {
        return Err(StoreError::TooNew { path: label.to_string(), found, known });
    }
    Ok(usize::try_from(found).unwrap_or(0))
}

/// Brings the schema up to date. Several desks may open a store that needs migrating at the same
/// moment (a new store, an upgraded duedesk): the write lock is taken before the version is read
/// again, so each step runs once and the others wait for it (rusqlite_migration reads the version
/// outside its transaction, so a second desk re-ran step 1 and failed).
pub(super) fn migrate(conn: &mut Connection, label: &str) -> Result<()> {
    if user_version(conn, label)? == STEPS.len() {
        return Ok(());
    }
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let found = user_version(&tx, label)?;
    for (i, sql) in STEPS.iter().enumerate().skip(found) {
        tx.execute_batch(sql).map_err(|e| StoreError::Migration(format!("step {}: {e}", i + 1)))?;
    }
    tx.pragma_update(None, "user_version", STEPS.len() as i64)?;
    tx.commit()?;
    Ok(())
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

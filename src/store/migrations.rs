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
    include_str!("../../migrations/0020_standing_snapshot.sql"),
    include_str!("../../migrations/0021_early_warning.sql"),
    include_str!("../../migrations/0022_month_end.sql"),
    include_str!("../../migrations/0023_class_events.sql"),
    include_str!("../../migrations/0024_month_aggregates.sql"),
    include_str!("../../migrations/0025_warnings_order.sql"),
    include_str!("../../migrations/0026_warning_facts.sql"),
    include_str!("../../migrations/0027_month_end_standing.sql"),
    include_str!("../../migrations/0028_due_soon_from.sql"),
    include_str!("../../migrations/0029_desk_grants.sql"),
    include_str!("../../migrations/0030_run_reads_covered.sql"),
    include_str!("../../migrations/0031_own_cases.sql"),
    include_str!("../../migrations/0032_lists_in_sqlite_order.sql"),
    include_str!("../../migrations/0033_book_wide_writes.sql"),
    include_str!("../../migrations/0034_supervisor_values.sql"),
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
        // SQLite's own message, never the step's SQL (rusqlite puts the statement in its text).
        tx.execute_batch(sql).map_err(|e| {
            let why = match &e {
                rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
                rusqlite::Error::SqliteFailure(_, Some(msg)) => msg.clone(),
                other => other.to_string(),
            };
            StoreError::Migration(format!(
                "the store at {label} says it has schema version {found} of {}, but its tables do not match it \
                 (step {}: {why}): it was changed outside duedesk or by a broken build; restore a backup",
                STEPS.len(),
                i + 1
            ))
        })?;
    }
    tx.pragma_update(None, "user_version", STEPS.len() as i64)?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// PostgreSQL's steps mirror SQLite's: a file of the same name for each, in the same order
    /// (tests/pg_schema.rs holds them to the same tables on a server).
    #[test]
    fn every_step_has_its_postgresql_twin() {
        let names = |dir: &str| -> Vec<String> {
            let mut v: Vec<String> = std::fs::read_dir(dir)
                .expect("migrations")
                .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".sql"))
                .collect();
            v.sort();
            v
        };
        let root = env!("CARGO_MANIFEST_DIR");
        let sqlite = names(&format!("{root}/migrations"));
        assert_eq!(sqlite, names(&format!("{root}/migrations/postgres")));
        assert_eq!((sqlite.len(), STEPS.len()), (STEPS.len(), crate::store::pg::STEPS.len()));
        for (i, (a, b)) in STEPS.iter().zip(crate::store::pg::STEPS).enumerate() {
            assert!(
                b.contains(&format!("beside SQLite's `{}`", sqlite[i])),
                "step {} is {}",
                i + 1,
                sqlite[i]
            );
            assert!(!a.is_empty() && !b.is_empty());
        }
    }

    #[test]
    fn migrations_are_valid() {
        migrations().validate().expect("valid migrations");
    }

    /// A store of the schema before the post-loan register (migration 0019), with a loan whose
    /// collateral is free text and one with none.
    fn store_before_post_loan() -> Connection {
        let mut conn = Connection::open_in_memory().expect("conn");
        let before = STEPS
            .iter()
            .position(|s| s.contains("Post-loan inspection, the collateral register"))
            .expect("0019");
        let tx = conn.transaction().expect("tx");
        for sql in &STEPS[..before] {
            tx.execute_batch(sql).expect("step");
        }
        tx.pragma_update(None, "user_version", before as i64).expect("version");
        tx.execute_batch(
            "INSERT INTO customers (id, customer_ref, name) VALUES (1, 'C-1', '赵一');
             INSERT INTO loans (id, loan_ref, customer_id, borrower, product, principal_cents, rate_e4, term_months,
               disbursed_on, collateral, created_at)
             VALUES (1, 'L-1', 1, '赵一', 'bullet', 100000, 0, 12, '2025-06-01', '房产 沪(2020)123号
101室', '2025-06-01T10:00:00+08:00'),
                    (2, 'L-2', 1, '赵一', 'bullet', 100000, 0, 12, '2025-06-01', '  ', '2025-06-01T10:00:00+08:00');
             INSERT INTO notices (loan_id, number, kind, lang, issued_on, as_of, pay_by, overdue_principal_cents,
               overdue_interest_cents, penalty_cents, total_cents, addressee, created_at)
             VALUES (1, 'CS1', 'dunning', 'zh', '2026-01-05', '2026-01-05', '2026-01-15', 1, 0, 0, 1, '赵一', 'x');
             INSERT INTO tasks (loan_id, kind, due_on, created_by, created_at) VALUES (1, 'call', '2026-01-05', 'policy', 'x');",
        )
        .expect("book");
        tx.commit().expect("commit");
        conn
    }

    #[test]
    fn free_text_collateral_becomes_an_item_of_type_other_without_value_and_nothing_is_lost() {
        let mut conn = store_before_post_loan();
        migrate(&mut conn, "mem").expect("migrate");
        let items: Vec<(i64, i64, String, String, String)> = conn
            .prepare("SELECT customer_id, loan_id, kind, description, status FROM collateral_items")
            .expect("items")
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))
            .expect("rows")
            .map(|r| r.expect("row"))
            .collect();
        assert_eq!(items, [(1, 1, "other".into(), "房产 沪(2020)123号\n101室".into(), "held".into())]);
        let valuations: i64 =
            conn.query_row("SELECT count(*) FROM collateral_valuations", [], |r| r.get(0)).expect("count");
        assert_eq!(valuations, 0, "without a value");
        let kept: String =
            conn.query_row("SELECT collateral FROM loans WHERE id = 1", [], |r| r.get(0)).expect("loan");
        assert_eq!(kept, "房产 沪(2020)123号\n101室", "the loan keeps its text");
        // The notices and tasks made again keep their rows and take the maturity notice.
        let (notices, tasks): (i64, i64) = conn
            .query_row("SELECT (SELECT count(*) FROM notices), (SELECT count(*) FROM tasks)", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .expect("counts");
        assert_eq!((notices, tasks), (1, 1));
        conn.execute("INSERT INTO tasks (loan_id, kind, due_on, created_by, created_at) VALUES (1, 'maturity_notice', 'd', 'p', 'x')", [])
            .expect("a maturity task");
        // The book is scheduled when the program next opens it.
        let pending: Option<String> =
            conn.query_row("SELECT value FROM meta WHERE key = 'inspections_pending'", [], |r| r.get(0)).ok();
        assert_eq!(pending.as_deref(), Some("1"));
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

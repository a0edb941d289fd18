//! PostgreSQL's migrations: the same steps as SQLite's (`store/migrations.rs`), in PostgreSQL's
//! words, each file named as SQLite's. The version is a one-row table of its own, since PostgreSQL
//! has no `user_version`; an advisory lock lets one desk migrate while others that open the store
//! at the same moment wait and then find nothing to do.

use postgres::Client;

use crate::store::{Result, StoreError};

pub const STEPS: &[&str] = &[
    include_str!("../../../migrations/postgres/0001_book.sql"),
    include_str!("../../../migrations/postgres/0002_casework.sql"),
    include_str!("../../../migrations/postgres/0003_loan_state.sql"),
    include_str!("../../../migrations/postgres/0004_contact_conduct.sql"),
    include_str!("../../../migrations/postgres/0005_promises_plans.sql"),
    include_str!("../../../migrations/postgres/0006_notices.sql"),
    include_str!("../../../migrations/postgres/0007_holds.sql"),
    include_str!("../../../migrations/postgres/0008_tasks.sql"),
    include_str!("../../../migrations/postgres/0009_case_leases.sql"),
    include_str!("../../../migrations/postgres/0010_team_figures.sql"),
    include_str!("../../../migrations/postgres/0011_audit_chain.sql"),
    include_str!("../../../migrations/postgres/0013_queue_covering.sql"),
    include_str!("../../../migrations/postgres/0014_promise_band.sql"),
    include_str!("../../../migrations/postgres/0015_plan_hold.sql"),
    include_str!("../../../migrations/postgres/0016_run_undo.sql"),
    include_str!("../../../migrations/postgres/0017_search_terms.sql"),
    include_str!("../../../migrations/postgres/0018_contact_void.sql"),
    include_str!("../../../migrations/postgres/0019_post_loan.sql"),
    include_str!("../../../migrations/postgres/0020_standing_snapshot.sql"),
    include_str!("../../../migrations/postgres/0021_early_warning.sql"),
    include_str!("../../../migrations/postgres/0022_month_end.sql"),
    include_str!("../../../migrations/postgres/0023_class_events.sql"),
    include_str!("../../../migrations/postgres/0024_month_aggregates.sql"),
    include_str!("../../../migrations/postgres/0025_warnings_order.sql"),
    include_str!("../../../migrations/postgres/0026_warning_facts.sql"),
    include_str!("../../../migrations/postgres/0027_month_end_standing.sql"),
    include_str!("../../../migrations/postgres/0028_due_soon_from.sql"),
    include_str!("../../../migrations/postgres/0029_desk_grants.sql"),
    include_str!("../../../migrations/postgres/0030_run_reads_covered.sql"),
    include_str!("../../../migrations/postgres/0031_own_cases.sql"),
    include_str!("../../../migrations/postgres/0032_lists_in_sqlite_order.sql"),
    include_str!("../../../migrations/postgres/0033_book_wide_writes.sql"),
    include_str!("../../../migrations/postgres/0034_supervisor_values.sql"),
];

/// The advisory lock a migration holds for its transaction ("duedesk" in ASCII).
const MIGRATION_LOCK: i64 = 0x0064_7565_6465_736b;

/// The schema version the server's store is at (0 for an empty database).
pub fn schema_version(client: &mut Client) -> Result<i64> {
    let exists: bool = client.query_one("SELECT to_regclass('duedesk_schema') IS NOT NULL", &[])?.get(0);
    if !exists {
        return Ok(0);
    }
    Ok(client.query_opt("SELECT version FROM duedesk_schema", &[])?.map_or(0, |r| r.get(0)))
}

/// Whether the database's own collation compares text as SQLite does, byte for byte of UTF-8 (code
/// point order): upper case before lower, accents after `z`, Chinese by code point and not pinyin.
fn sorts_by_code_point(tx: &mut postgres::Transaction<'_>) -> Result<bool> {
    Ok(tx.query_one("SELECT 'B' < 'a' AND 'é' > 'z' AND '张' < '王'", &[])?.get(0))
}

/// Brings the server's schema up to date in one transaction; `label` names the store in errors. A
/// new book is refused a database whose text sorts by a language's rules (`sorts_by_code_point`).
pub fn migrate(client: &mut Client, label: &str) -> Result<()> {
    let known = STEPS.len() as i64;
    // A book already up to date is only read (a desk's role may not create in the schema); one
    // behind is brought up to date by its owner, and a desk's role is told so rather than that
    // the server refused it a table.
    let found = schema_version(client)?;
    if found == known {
        return Ok(());
    }
    if found > 0 && found < known {
        let owns: bool = client
            .query_one(
                "SELECT pg_has_role(session_user, (SELECT relowner FROM pg_class WHERE oid = 'duedesk_schema'::regclass), 'MEMBER')",
                &[],
            )?
            .get(0);
        if !owns {
            let role: String = client.query_one("SELECT session_user::text", &[])?.get(0);
            return Err(StoreError::NoRight(format!(
                "the book at {label} is at schema version {found} of this duedesk's {known}: its owner brings it up to \
                 date (any duedesk command run once as the role that owns it), not the desk role {role}"
            )));
        }
    }
    let mut tx = client.transaction()?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
    tx.batch_execute("CREATE TABLE IF NOT EXISTS duedesk_schema (version BIGINT NOT NULL)")?;
    let found: i64 = tx.query_opt("SELECT version FROM duedesk_schema", &[])?.map_or(0, |r| r.get(0));
    if found > known {
        return Err(StoreError::TooNew { path: label.to_string(), found, known });
    }
    if found == known {
        return Ok(());
    }
    if found == 0 && !sorts_by_code_point(&mut tx)? {
        let name: String = tx.query_one("SELECT current_database()::text", &[])?.get(0);
        return Err(StoreError::Migration(format!(
            "the database {name} sorts text by a language's rules, not by code point as a branch file does: lists \
             would come in another order than on the file and a loan id's prefix would miss ids; make the book's \
             database with `createdb --template=template0 --locale=C.UTF-8 {name}` (or --lc-collate=C)"
        )));
    }
    for (i, sql) in STEPS.iter().enumerate().skip(usize::try_from(found).unwrap_or(0)) {
        tx.batch_execute(sql).map_err(|e| {
            let why = e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string());
            // The owner may not make the desk's roles (step 0029): the server's set-up, not the tables.
            if e.code() == Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) {
                return StoreError::Migration(format!("the store at {label} cannot be brought up to date (step {}): {why}", i + 1));
            }
            StoreError::Migration(format!(
                "the store at {label} says it has schema version {found} of {known}, but its tables do not match \
                 it (step {}: {why}): it was changed outside duedesk or by a broken build; restore a backup",
                i + 1
            ))
        })?;
    }
    if found == 0 {
        tx.execute("INSERT INTO duedesk_schema (version) VALUES ($1)", &[&known])?;
    } else {
        tx.execute("UPDATE duedesk_schema SET version = $1", &[&known])?;
    }
    tx.commit()?;
    Ok(())
}

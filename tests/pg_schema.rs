//! PostgreSQL's migrations reach SQLite's schema (issue #20): the same tables, columns (type, NOT
//! NULL, order), indexes (unique, partial, width) and triggers; a second migration does nothing;
//! a newer server schema is refused; desks migrating at the same moment run each step once; the
//! append-only records refuse a delete on the server as in the file.

mod common;

use std::collections::BTreeMap;

use duedesk::store::{Store, StoreError, pg};

/// A column: name, type (`int` or `text`), and whether it may be NULL.
type Column = (String, &'static str, bool);
/// An index: unique, partial, number of key columns.
type Index = (bool, bool, i64);

#[derive(Debug, PartialEq, Eq)]
struct Schema {
    tables: BTreeMap<String, Vec<Column>>,
    indexes: BTreeMap<String, (String, Index)>,
    triggers: Vec<(String, String)>,
}

fn kind(declared: &str) -> &'static str {
    match declared.to_ascii_lowercase().as_str() {
        "integer" | "bigint" => "int",
        "text" => "text",
        other => panic!("a column of type {other}: say what it is in both stores"),
    }
}

fn sqlite_schema(conn: &rusqlite::Connection) -> Schema {
    let names = |sql: &str| -> Vec<(String, String)> {
        let mut stmt = conn.prepare(sql).expect("prepare");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("query").map(|r| r.expect("row")).collect()
    };
    let mut tables = BTreeMap::new();
    for (table, _) in
        names("SELECT name, type FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'")
    {
        let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})")).expect("info");
        let cols: Vec<Column> = stmt
            .query_map([], |r| {
                let (name, ty, notnull, pk): (String, String, bool, i64) =
                    (r.get(1)?, r.get(2)?, r.get(3)?, r.get(5)?);
                // A primary key's column is never NULL, whatever SQLite's pragma says of it.
                Ok((name, kind(&ty), !(notnull || pk > 0)))
            })
            .expect("columns")
            .map(|r| r.expect("column"))
            .collect();
        tables.insert(table, cols);
    }
    let mut indexes = BTreeMap::new();
    for (index, table) in
        names("SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
    {
        let (unique, partial): (bool, bool) = conn
            .query_row(
                &format!("SELECT \"unique\", partial FROM pragma_index_list('{table}') WHERE name = ?1"),
                [&index],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("index");
        let width: i64 = conn
            .query_row(&format!("SELECT count(*) FROM pragma_index_info('{index}')"), [], |r| r.get(0))
            .expect("width");
        indexes.insert(index, (table, (unique, partial, width)));
    }
    let mut triggers = names("SELECT name, tbl_name FROM sqlite_master WHERE type = 'trigger'");
    triggers.sort();
    Schema { tables, indexes, triggers }
}

fn pg_schema(c: &mut postgres::Client) -> Schema {
    let mut tables: BTreeMap<String, Vec<Column>> = BTreeMap::new();
    for r in c
        .query(
            "SELECT table_name::text, column_name::text, data_type::text, is_nullable = 'YES' FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name <> 'duedesk_schema' ORDER BY table_name, ordinal_position",
            &[],
        )
        .expect("columns")
    {
        tables.entry(r.get(0)).or_default().push((r.get(1), kind(r.get(2)), r.get(3)));
    }
    let mut indexes = BTreeMap::new();
    // Indexes made by CREATE INDEX: not those behind a primary key or UNIQUE constraint, which
    // SQLite keeps as its own autoindexes.
    for r in c
        .query(
            "SELECT i.relname::text, t.relname::text, x.indisunique, x.indpred IS NOT NULL, x.indnkeyatts::bigint \
             FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)",
            &[],
        )
        .expect("indexes")
    {
        indexes.insert(r.get(0), (r.get(1), (r.get(2), r.get(3), r.get(4))));
    }
    let mut triggers: Vec<(String, String)> = c
        .query(
            "SELECT t.tgname::text, c.relname::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid \
             JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND NOT t.tgisinternal",
            &[],
        )
        .expect("triggers")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    triggers.sort();
    Schema { tables, indexes, triggers }
}

#[test]
fn postgresql_s_migrations_reach_sqlite_s_tables_columns_indexes_and_triggers() {
    let Some(db) = common::pg::fresh("schema") else { return };
    let dir = tempfile::tempdir().expect("dir");
    let store = Store::open(&dir.path().join("book.db")).expect("store");
    let want = sqlite_schema(store.conn());
    assert!(
        want.tables.len() >= 40 && want.indexes.len() >= 60,
        "{} tables, {} indexes",
        want.tables.len(),
        want.indexes.len()
    );
    let got = pg_schema(&mut db.migrated());
    for (table, cols) in &want.tables {
        assert_eq!(got.tables.get(table), Some(cols), "table {table}");
    }
    assert_eq!(
        got.tables.keys().collect::<Vec<_>>(),
        want.tables.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    for (index, shape) in &want.indexes {
        assert_eq!(got.indexes.get(index), Some(shape), "index {index}");
    }
    assert_eq!(got.indexes.len(), want.indexes.len(), "no index SQLite lacks");
    // The server's own: who an audit entry or a new desk user may name (step 0029's grants), who
    // moves a case back or sends a second dunning notice in a month (step 0034's).
    let server_only = [
        ("audit_log_actor", "audit_log"),
        ("users_added_role", "users"),
        ("loans_stage_moved", "loans"),
        ("notices_second_dunning", "notices"),
    ];
    let mut on_server = got.triggers.clone();
    for t in server_only {
        assert!(on_server.contains(&(t.0.to_string(), t.1.to_string())), "the server's trigger {t:?}");
    }
    on_server.retain(|(name, table)| !server_only.contains(&(name.as_str(), table.as_str())));
    assert_eq!(on_server, want.triggers);
}

#[test]
fn a_second_migration_does_nothing_and_a_newer_schema_is_refused() {
    let Some(db) = common::pg::fresh("again") else { return };
    let mut c = db.migrated();
    assert_eq!(pg::schema_version(&mut c).expect("version"), pg::STEPS.len() as i64);
    c.batch_execute("INSERT INTO settings (key, value) VALUES ('kept', 'yes')").expect("a row");
    pg::migrate(&mut c, &db.name).expect("again");
    let kept: String = c.query_one("SELECT value FROM settings WHERE key = 'kept'", &[]).expect("row").get(0);
    assert_eq!(kept, "yes");
    c.batch_execute("UPDATE duedesk_schema SET version = version + 1").expect("a newer build's");
    let err = pg::migrate(&mut c, &db.name).expect_err("refused");
    assert!(matches!(err, StoreError::TooNew { found, known, .. } if found == known + 1), "{err}");
}

#[test]
fn desks_migrating_at_the_same_moment_run_each_step_once() {
    let Some(db) = common::pg::fresh("race") else { return };
    let config = db.config.clone();
    let desks: Vec<_> = (0..4)
        .map(|_| {
            let config = config.clone();
            std::thread::spawn(move || {
                let mut c = config.connect(postgres::NoTls).expect("connect");
                pg::migrate(&mut c, "race")
            })
        })
        .collect();
    for d in desks {
        d.join().expect("desk").expect("each desk opens the store");
    }
    let mut c = db.client();
    assert_eq!(pg::schema_version(&mut c).expect("version"), pg::STEPS.len() as i64);
    let rows: i64 = c.query_one("SELECT count(*) FROM duedesk_schema", &[]).expect("count").get(0);
    assert_eq!(rows, 1);
}

#[test]
fn an_append_only_record_refuses_a_delete_and_a_second_signature_on_the_server() {
    let Some(db) = common::pg::fresh("append") else { return };
    let mut c = db.migrated();
    c.batch_execute(
        "INSERT INTO users (id, login, role, created_at) VALUES (1, 'li.qiang', 'collector', 't'), (2, 'chen.jing', 'supervisor', 't');
         INSERT INTO customers (id, customer_ref, name) VALUES (1, 'C-1', '赵一');
         INSERT INTO work_logs (customer_id, user_id, kind, note, logged_on, sign_due, created_at)
           VALUES (1, 1, 'visit', '走访', '2026-03-02', '2026-03-05', 't');
         UPDATE work_logs SET signed_by = 2, signed_on = '2026-03-03', signed_at = 't2'",
    )
    .expect("a log, signed once");
    let refused = |c: &mut postgres::Client, sql: &str| {
        let e = c.batch_execute(sql).expect_err(sql);
        e.as_db_error().map(|d| d.message().to_string()).unwrap_or_default()
    };
    assert_eq!(refused(&mut c, "DELETE FROM work_logs"), "work logs are append-only");
    assert_eq!(
        refused(&mut c, "UPDATE work_logs SET sign_comment = 'again'"),
        "work logs are append-only: only a signature is added, once"
    );
    assert_eq!(
        refused(&mut c, "UPDATE work_logs SET note = 'x'"),
        "work logs are append-only: only a signature is added, once"
    );
}

#[test]
fn a_book_is_refused_a_database_that_sorts_text_by_a_language() {
    let Some(db) = common::pg::fresh("collation_probe") else { return };
    // A database of its own with ICU's English order, beside the test's.
    let name = format!("{}_icu", db.name);
    let mut admin = db.client();
    admin
        .batch_execute(&format!(
            "CREATE DATABASE {name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'"
        ))
        .expect("an ICU database (the distribution's server is built with ICU)");
    let mut config = db.config.clone();
    config.dbname(&name);
    let outcome = config.connect(postgres::NoTls).map(|mut c| {
        let migrated = pg::migrate(&mut c, &name);
        let tables: i64 = c
            .query_one("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'", &[])
            .expect("tables")
            .get(0);
        (migrated, tables)
    });
    admin.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)")).expect("drop");
    let (migrated, tables) = outcome.expect("connect");
    let e = migrated.expect_err("refused").to_string();
    assert!(e.contains("createdb --template=template0 --locale=C.UTF-8"), "{e}");
    assert_eq!(tables, 0, "nothing made");
    // The test's own database (C) takes a book.
    pg::migrate(&mut db.client(), &db.name).expect("C sorts by code point");
}

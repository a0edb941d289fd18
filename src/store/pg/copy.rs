//! Moving a book whole between a branch's file and a centre's server (`store copy`, issue #20):
//! every table, row for row, in one transaction on each side, so the copy is all of the book or
//! none of it. The source is read in one read transaction (a consistent book while desks write);
//! the destination must hold no book. Tables go parents first (their foreign keys), rows in key
//! order; the server is written by binary `COPY`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use postgres::Client;
use postgres::binary_copy::{BinaryCopyInWriter, BinaryCopyOutIter};
use postgres::types::{ToSql, Type};
use rusqlite::Connection;
use rusqlite::types::Value;

use super::migrations::{STEPS, migrate, schema_version};
use crate::store::{Result, StoreError};

/// A table of the book as both stores have it (tests/pg_schema.rs holds them equal).
#[derive(Debug, Clone)]
struct Table {
    name: String,
    /// Columns, and whether each holds integers (else text).
    columns: Vec<(String, bool)>,
    key: Vec<String>,
    /// An `id` the store numbers itself: the server's counter follows the copied rows.
    numbered: bool,
}

impl Table {
    fn column_list(&self) -> String {
        self.columns.iter().map(|(c, _)| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
    }

    /// The columns' types as the server's binary COPY takes them.
    fn types(&self) -> Vec<Type> {
        self.columns.iter().map(|(_, int)| if *int { Type::INT8 } else { Type::TEXT }).collect()
    }

    fn order(&self) -> String {
        if self.key.is_empty() {
            String::new()
        } else {
            format!(
                " ORDER BY {}",
                self.key.iter().map(|c| format!("\"{c}\"")).collect::<Vec<_>>().join(", ")
            )
        }
    }
}

/// How many rows each table took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCopy {
    pub table: String,
    pub rows: u64,
}

/// The book's tables from a SQLite store's schema, each after the tables its foreign keys name.
fn tables(conn: &Connection) -> Result<Vec<Table>> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut by_name = BTreeMap::new();
    let mut parents: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for name in &names {
        let mut columns = Vec::new();
        let mut key: Vec<(i64, String)> = Vec::new();
        let mut info = conn.prepare("SELECT name, type, pk FROM pragma_table_info(?1)")?;
        let mut rows = info.query([name])?;
        while let Some(r) = rows.next()? {
            let (column, ty, pk): (String, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let int = match ty.to_ascii_uppercase().as_str() {
                "INTEGER" => true,
                "TEXT" => false,
                other => return Err(StoreError::Corrupt(format!("{name}.{column} is of type {other}"))),
            };
            if pk > 0 {
                key.push((pk, column.clone()));
            }
            columns.push((column, int));
        }
        key.sort();
        let key: Vec<String> = key.into_iter().map(|(_, c)| c).collect();
        let numbered = key == ["id"] && columns.iter().any(|(c, int)| c == "id" && *int);
        let refs: BTreeSet<String> = conn
            .prepare("SELECT \"table\" FROM pragma_foreign_key_list(?1)")?
            .query_map([name], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        parents.insert(name.clone(), refs.into_iter().filter(|p| p != name).collect());
        by_name.insert(name.clone(), Table { name: name.clone(), columns, key, numbered });
    }
    let mut ordered = Vec::new();
    let mut placed = BTreeSet::new();
    while placed.len() < names.len() {
        let ready: Vec<String> = names
            .iter()
            .filter(|n| !placed.contains(*n) && parents[*n].iter().all(|p| placed.contains(p)))
            .cloned()
            .collect();
        if ready.is_empty() {
            return Err(StoreError::Corrupt("the tables' foreign keys go round in a circle".into()));
        }
        for n in ready {
            placed.insert(n.clone());
            ordered.push(by_name[&n].clone());
        }
    }
    Ok(ordered)
}

/// A value of another type than its column's (SQLite keeps what it is given): named by its type,
/// never shown, since it may be anything.
fn bad_value(table: &Table, column: &str, n: u64, v: &Value) -> StoreError {
    let what = match v {
        Value::Null => "an empty value",
        Value::Integer(_) => "a whole number",
        Value::Real(_) => "a decimal number",
        Value::Text(_) => "a text",
        Value::Blob(_) => "a blob",
    };
    StoreError::Corrupt(format!(
        "{}.{column}, row {n}: {what} where the column holds {}; the store was changed outside duedesk",
        table.name,
        if table.columns.iter().any(|(c, int)| c == column && *int) { "whole numbers" } else { "text" }
    ))
}

/// Copies the book in `src` (a SQLite store) to the server, whose database must hold no book
/// (its schema is brought up to date first). `progress` gets each table and rows copied.
pub fn copy_file_to_server(
    src: &Connection,
    dst: &mut Client,
    label: &str,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<Vec<TableCopy>> {
    migrate(dst, label)?;
    let read = src.unchecked_transaction()?;
    let tables = tables(&read)?;
    let mut tx = dst.transaction()?;
    refuse_a_book(&mut tx, &tables, label)?;
    let indexes = set_indexes_aside(&mut tx)?;
    let mut done = Vec::new();
    for t in &tables {
        let types = t.types();
        let sink =
            tx.copy_in(&format!("COPY \"{}\" ({}) FROM STDIN (FORMAT binary)", t.name, t.column_list()))?;
        let mut writer = BinaryCopyInWriter::new(sink, &types);
        let mut stmt =
            read.prepare(&format!("SELECT {} FROM \"{}\"{}", t.column_list(), t.name, t.order()))?;
        let mut rows = stmt.query([])?;
        let mut n = 0u64;
        while let Some(r) = rows.next()? {
            n += 1;
            let mut values: Vec<Box<dyn ToSql + Sync>> = Vec::with_capacity(t.columns.len());
            for (i, (column, int)) in t.columns.iter().enumerate() {
                let v: Value = r.get(i)?;
                values.push(match (v, *int) {
                    (Value::Null, true) => Box::new(None::<i64>),
                    (Value::Null, false) => Box::new(None::<String>),
                    (Value::Integer(x), true) => Box::new(Some(x)),
                    (Value::Text(s), false) => Box::new(Some(s)),
                    (other, _) => return Err(bad_value(t, column, n, &other)),
                });
            }
            let refs: Vec<&(dyn ToSql + Sync)> = values.iter().map(|b| b.as_ref()).collect();
            writer.write(&refs)?;
            if n.is_multiple_of(50_000) {
                progress(&t.name, n);
            }
        }
        writer.finish()?;
        if t.numbered {
            // The server numbers the next row after the copied ones, as SQLite would.
            tx.execute(
                &format!(
                    "SELECT setval(pg_get_serial_sequence('\"{0}\"', 'id'), COALESCE(max(id), 0) + 1, false) FROM \"{0}\"",
                    t.name
                ),
                &[],
            )?;
        }
        progress(&t.name, n);
        done.push(TableCopy { table: t.name.clone(), rows: n });
    }
    // Each index built once over its table's rows, not kept up row by row.
    tx.batch_execute("SET LOCAL maintenance_work_mem = '256MB'")?;
    for (name, definition) in &indexes {
        progress(name, 0);
        tx.batch_execute(definition)?;
    }
    // A server plans by its statistics, and a book just copied has none until autovacuum comes
    // round: the first run on it would walk tables for lookups (100,000 loans: 164 s, not 3).
    progress("statistics", 0);
    let names: Vec<String> = tables.iter().map(|t| format!("\"{}\"", t.name)).collect();
    tx.batch_execute(&format!("ANALYZE {}", names.join(", ")))?;
    tx.commit()?;
    Ok(done)
}

/// Drops the indexes the book's migrations made (not those behind a key or a UNIQUE constraint,
/// which the copy checks), in the caller's transaction; their definitions, to be made again.
fn set_indexes_aside(tx: &mut postgres::Transaction<'_>) -> Result<Vec<(String, String)>> {
    let rows = tx.query(
        "SELECT i.relname::text, pg_get_indexdef(x.indexrelid) FROM pg_index x \
         JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = current_schema() AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) \
         ORDER BY 1",
        &[],
    )?;
    let indexes: Vec<(String, String)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    for (name, _) in &indexes {
        tx.batch_execute(&format!("DROP INDEX \"{name}\""))?;
    }
    Ok(indexes)
}

fn refuse_a_book(tx: &mut postgres::Transaction<'_>, tables: &[Table], label: &str) -> Result<()> {
    for t in tables {
        let any: bool = tx.query_one(&format!("SELECT EXISTS (SELECT 1 FROM \"{}\")", t.name), &[])?.get(0);
        if any {
            return Err(StoreError::Occupied(format!(
                "{label} already holds a book (its table {} has rows): a copy goes only into an empty database",
                t.name
            )));
        }
    }
    Ok(())
}

/// Copies the server's book into a new SQLite store at `dst` (never over a file that is there);
/// on any failure the new file is removed. The server's schema must be this build's.
pub fn copy_server_to_file(
    src: &mut Client,
    dst: &Path,
    label: &str,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<Vec<TableCopy>> {
    let found = schema_version(src)?;
    if found != STEPS.len() as i64 {
        return Err(StoreError::Migration(format!(
            "the book on {label} is at schema {found}, this duedesk's is {}: copy it with the duedesk that made it, \
             or open it with this one first",
            STEPS.len()
        )));
    }
    let mut conn = crate::store::open::create_bare(dst)?;
    let copied = fill_from_server(src, &mut conn, progress);
    if copied.is_err() {
        drop(conn);
        for end in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{end}", dst.display()));
        }
    }
    copied
}

fn fill_from_server(
    src: &mut Client,
    conn: &mut Connection,
    progress: &mut dyn FnMut(&str, u64),
) -> Result<Vec<TableCopy>> {
    let tx = conn.transaction()?;
    let tables = tables(&tx)?;
    // Each index built once over its table's rows at the end, as an import's are.
    let mut indexes = Vec::new();
    for t in &tables {
        indexes.extend(crate::store::drop_indexes(&tx, &t.name)?);
    }
    let mut read = src
        .build_transaction()
        .read_only(true)
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .start()?;
    let mut done = Vec::new();
    for t in &tables {
        let types = t.types();
        let source = read.copy_out(&format!(
            "COPY (SELECT {} FROM \"{}\"{}) TO STDOUT (FORMAT binary)",
            t.column_list(),
            t.name,
            t.order()
        ))?;
        let slots: Vec<String> = (1..=t.columns.len()).map(|i| format!("?{i}")).collect();
        let mut insert = tx.prepare(&format!(
            "INSERT INTO \"{}\" ({}) VALUES ({})",
            t.name,
            t.column_list(),
            slots.join(", ")
        ))?;
        let mut rows = BinaryCopyOutIter::new(source, &types);
        let mut n = 0u64;
        while let Some(row) = fallible_next(&mut rows)? {
            n += 1;
            let values: Vec<Value> = t
                .columns
                .iter()
                .enumerate()
                .map(|(i, (_, int))| {
                    if *int {
                        row.try_get::<Option<i64>>(i).map(|v| v.map_or(Value::Null, Value::Integer))
                    } else {
                        row.try_get::<Option<String>>(i).map(|v| v.map_or(Value::Null, Value::Text))
                    }
                })
                .collect::<std::result::Result<_, _>>()?;
            insert.execute(rusqlite::params_from_iter(values))?;
            if n.is_multiple_of(50_000) {
                progress(&t.name, n);
            }
        }
        progress(&t.name, n);
        done.push(TableCopy { table: t.name.clone(), rows: n });
    }
    read.commit()?;
    progress("indexes", 0);
    crate::store::make_indexes(&tx, &indexes)?;
    tx.commit()?;
    Ok(done)
}

fn fallible_next(
    rows: &mut BinaryCopyOutIter<'_>,
) -> Result<Option<postgres::binary_copy::BinaryCopyOutRow>> {
    use postgres::fallible_iterator::FallibleIterator;
    Ok(rows.next()?)
}

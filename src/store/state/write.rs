//! Writing snapshot rows: a new row whole; a standing row only in the columns that moved, so that
//! SQLite touches only the indexes holding those columns (a loan whose installment fell due moves
//! its arrears and next due, not its place in the DPD order).

use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::{Statement, params_from_iter};

use super::cells::Cell;
use super::compute::{COLUMNS, KEY_AND_DATE, Row, WIDTH};
use super::table::StateTable;
use crate::store::Result;
use crate::store::db::Db;
use crate::store::row::{Cols, FromRow};

/// The statements a writer runs: held prepared on a file (a whole-book refresh runs them a
/// million times), as text on the server, which keeps its own plans.
enum Statements<'c> {
    File { insert: Statement<'c>, read: Statement<'c>, updates: HashMap<u32, Statement<'c>> },
    Server { insert: String, read: String, updates: HashMap<u32, String>, deferred: Option<Deferred> },
}

/// The rows a deferring writer holds for the server: new rows, and standing rows' new values.
#[derive(Default)]
struct Deferred {
    inserts: Vec<Row>,
    updates: Vec<Row>,
}

/// Rows a deferring writer sends to the server in one statement.
const DEFERRED_ROWS: usize = 500;

pub(super) struct Writer<'c> {
    db: Db<'c>,
    table: StateTable,
    statements: Statements<'c>,
}

/// A stored row, each value as the file gives it (the server's read into the same).
pub(super) struct Stored(pub(super) Vec<Value>);

impl FromRow for Stored {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        (0..WIDTH).map(|_| c.any::<Value>()).collect::<Result<_>>().map(Stored)
    }
}

impl<'c> Writer<'c> {
    pub(super) fn new(db: impl Into<Db<'c>>, table: StateTable) -> Result<Self> {
        let db = db.into();
        let t = table.name_in(db);
        let slots: Vec<String> = (1..=WIDTH).map(|i| format!("?{i}")).collect();
        let insert = format!("INSERT INTO {t} ({COLUMNS}) VALUES ({})", slots.join(", "));
        let read = format!("SELECT {COLUMNS} FROM {t} WHERE loan_id = ?1");
        let statements = match db {
            Db::File(conn) => Statements::File {
                insert: conn.prepare(&insert)?,
                read: conn.prepare(&read)?,
                updates: HashMap::new(),
            },
            Db::Server(_) => Statements::Server { insert, read, updates: HashMap::new(), deferred: None },
        };
        Ok(Writer { db, table, statements })
    }

    /// A writer whose inserts and updates on the server wait and go `DEFERRED_ROWS` a statement
    /// (a round trip a row was most of a roll's and a first fill's time there); on a file, as
    /// `new`. The caller `flush`es before its transaction ends, and reads no row it wrote before.
    pub(super) fn deferring(db: impl Into<Db<'c>>, table: StateTable) -> Result<Self> {
        let mut writer = Self::new(db, table)?;
        if let Statements::Server { deferred, .. } = &mut writer.statements {
            *deferred = Some(Deferred::default());
        }
        Ok(writer)
    }

    /// Sends the rows a deferring writer holds.
    pub(super) fn flush(&mut self) -> Result<()> {
        let Statements::Server { deferred: Some(held), .. } = &mut self.statements else { return Ok(()) };
        let table = self.table.name_in(self.db);
        for (rows, sql) in [
            (&mut held.inserts, super::bulk::insert_from_json(table)),
            (&mut held.updates, super::bulk::update_from_json(table)),
        ] {
            if rows.is_empty() {
                continue;
            }
            let json = super::bulk::rows_json(rows);
            rows.clear();
            self.db.execute(&sql, &[(&json).into()])?;
        }
        Ok(())
    }

    pub(super) fn insert(&mut self, row: &Row) -> Result<()> {
        match &mut self.statements {
            Statements::File { insert, .. } => {
                insert.execute(params_from_iter(row.iter()))?;
            }
            Statements::Server { deferred: Some(held), .. } => {
                held.inserts.push(row.clone());
                if held.inserts.len() >= DEFERRED_ROWS {
                    return self.flush();
                }
            }
            Statements::Server { insert, .. } => {
                self.db.execute(insert, &row.iter().map(Cell::val).collect::<Vec<_>>())?;
            }
        }
        Ok(())
    }

    /// The stored row of loan `id`, if any.
    pub(super) fn standing(&mut self, id: i64) -> Result<Option<Vec<Value>>> {
        match &mut self.statements {
            Statements::File { read, .. } => {
                let mut rows = read.query([id])?;
                let Some(r) = rows.next()? else { return Ok(None) };
                Ok(Some((0..WIDTH).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<_>>()?))
            }
            Statements::Server { read, .. } => {
                Ok(self.db.first::<Stored>(read, &[id.into()])?.map(|Stored(values)| values))
            }
        }
    }

    /// Writes the loan's row: whole when it has none, else the columns that moved (with the date
    /// it was computed for), or nothing when only that date would. Whether anything was written.
    pub(super) fn put(&mut self, row: &Row) -> Result<bool> {
        let Cell::Int(id) = row[0] else { return Ok(false) };
        match self.standing(id)? {
            None => self.insert(row).map(|()| true),
            Some(old) => self.update(&old, row),
        }
    }

    /// Writes the columns of `row` that differ from `old` (the same loan's stored row).
    pub(super) fn update(&mut self, old: &[Value], row: &Row) -> Result<bool> {
        let moved: u32 =
            (KEY_AND_DATE..WIDTH).filter(|&i| !row[i].is(&old[i])).fold(0, |mask, i| mask | (1 << i));
        // Unchanged figures hold from the earlier of the two dates (a whole-book refresh for an
        // earlier date than the rows were found on moves it back).
        let earlier = matches!((&row[1], &old[1]), (Cell::Day(new), Value::Text(was)) if new.as_slice() < was.as_bytes());
        if moved == 0 && !earlier {
            return Ok(false);
        }
        let values = std::iter::once(&row[0])
            .chain(std::iter::once(&row[1]))
            .chain((KEY_AND_DATE..WIDTH).filter(|i| moved & (1 << i) != 0).map(|i| &row[i]));
        let (db, table) = (self.db, self.table);
        match &mut self.statements {
            Statements::File { updates, .. } => {
                let Db::File(conn) = db else { unreachable!("a file's statements on a file") };
                let stmt = match updates.entry(moved) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(conn.prepare(&update_statement(db, table, moved))?)
                    }
                };
                stmt.execute(params_from_iter(values))?;
            }
            Statements::Server { deferred: Some(held), .. } => {
                held.updates.push(row.clone());
                if held.updates.len() >= DEFERRED_ROWS {
                    return self.flush().map(|()| true);
                }
            }
            Statements::Server { updates, .. } => {
                let sql = updates.entry(moved).or_insert_with(|| update_statement(db, table, moved));
                db.execute(sql, &values.map(Cell::val).collect::<Vec<_>>())?;
            }
        }
        Ok(true)
    }
}

fn update_statement(db: Db<'_>, table: StateTable, moved: u32) -> String {
    let names: Vec<&str> = COLUMNS.split(',').map(str::trim).collect();
    let mut sets = vec![format!("{} = ?2", names[1])];
    let mut slot = 2;
    for (i, name) in names.iter().enumerate().skip(KEY_AND_DATE) {
        if moved & (1 << i) != 0 {
            slot += 1;
            sets.push(format!("{name} = ?{slot}"));
        }
    }
    format!("UPDATE {} SET {} WHERE loan_id = ?1", table.name_in(db), sets.join(", "))
}

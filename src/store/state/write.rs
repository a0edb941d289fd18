//! Writing snapshot rows: a new row whole; a standing row only in the columns that moved, so that
//! SQLite touches only the indexes holding those columns (a loan whose installment fell due moves
//! its arrears and next due, not its place in the DPD order).

use std::collections::HashMap;

use rusqlite::types::Value;
use rusqlite::{Connection, Statement, params_from_iter};

use super::cells::Cell;
use super::compute::{COLUMNS, KEY_AND_DATE, Row, WIDTH};
use super::table::StateTable;
use crate::store::Result;

pub(super) struct Writer<'c> {
    conn: &'c Connection,
    table: StateTable,
    insert: Statement<'c>,
    read: Statement<'c>,
    /// An UPDATE for each set of moved columns met so far (a handful in a whole book).
    updates: HashMap<u32, Statement<'c>>,
}

impl<'c> Writer<'c> {
    pub(super) fn new(conn: &'c Connection, table: StateTable) -> Result<Self> {
        let t = table.name();
        let slots: Vec<String> = (1..=WIDTH).map(|i| format!("?{i}")).collect();
        let insert = conn.prepare(&format!("INSERT INTO {t} ({COLUMNS}) VALUES ({})", slots.join(", ")))?;
        let read = conn.prepare(&format!("SELECT {COLUMNS} FROM {t} WHERE loan_id = ?1"))?;
        Ok(Writer { conn, table, insert, read, updates: HashMap::new() })
    }

    pub(super) fn insert(&mut self, row: &Row) -> Result<()> {
        self.insert.execute(params_from_iter(row.iter()))?;
        Ok(())
    }

    /// The stored row of loan `id`, if any.
    pub(super) fn standing(&mut self, id: i64) -> Result<Option<Vec<Value>>> {
        let mut rows = self.read.query([id])?;
        let Some(r) = rows.next()? else { return Ok(None) };
        Ok(Some((0..WIDTH).map(|i| r.get::<_, Value>(i)).collect::<rusqlite::Result<_>>()?))
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
        let (conn, table) = (self.conn, self.table);
        let stmt = match self.updates.entry(moved) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(update_statement(conn, table, moved)?),
        };
        let values = std::iter::once(&row[0])
            .chain(std::iter::once(&row[1]))
            .chain((KEY_AND_DATE..WIDTH).filter(|i| moved & (1 << i) != 0).map(|i| &row[i]));
        stmt.execute(params_from_iter(values))?;
        Ok(true)
    }
}

fn update_statement<'c>(conn: &'c Connection, table: StateTable, moved: u32) -> Result<Statement<'c>> {
    let names: Vec<&str> = COLUMNS.split(',').map(str::trim).collect();
    let mut sets = vec![format!("{} = ?2", names[1])];
    let mut slot = 2;
    for (i, name) in names.iter().enumerate().skip(KEY_AND_DATE) {
        if moved & (1 << i) != 0 {
            slot += 1;
            sets.push(format!("{name} = ?{slot}"));
        }
    }
    Ok(conn.prepare(&format!("UPDATE {} SET {} WHERE loan_id = ?1", table.name(), sets.join(", ")))?)
}

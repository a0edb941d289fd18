//! Recomputing the snapshot: the whole book as of a date (a first fill, a policy change, another
//! date's scratch copy), or a few loans after something was recorded on them.

use std::collections::VecDeque;

use chrono::NaiveDate;
use rusqlite::Connection;
use rusqlite::types::Value;

use super::compute::{COLUMNS, Row};
use super::stream::{NoMore, Walk, each_listed, each_loan};
use super::table::StateTable;
use super::write::{Stored, Writer};
use crate::domain::AssessRules;
use crate::store::book::LoanId;
use crate::store::db::{IDS_IN, ids_json};
use crate::store::settings::{set_snapshot_as_of, snapshot_as_of};
use crate::store::{Db, Result, StoreError};

/// The shared snapshot as it stands, read in loan order a chunk at a time (no cursor stays open
/// on the table while it is written), so a refresh writes only the rows whose figures moved.
struct Standing<'c> {
    db: Db<'c>,
    read: String,
    chunk: VecDeque<Vec<Value>>,
    after: i64,
    done: bool,
    /// Rows whose loan is gone.
    orphans: Vec<i64>,
    /// The loans still to read when only some are (`listed`), else empty.
    listed: std::vec::IntoIter<i64>,
}

const STANDING_CHUNK: i64 = 10_000;

impl<'c> Standing<'c> {
    fn new(db: Db<'c>) -> Self {
        let read = format!(
            "SELECT {COLUMNS} FROM {} WHERE loan_id > ?1 ORDER BY loan_id LIMIT ?2",
            StateTable::Shared.name_in(db)
        );
        let listed = Vec::new().into_iter();
        Standing {
            db,
            read,
            chunk: VecDeque::new(),
            after: i64::MIN,
            done: false,
            orphans: Vec::new(),
            listed,
        }
    }

    /// The standing rows of the loans `ids` only (increasing), a chunk of them a statement.
    fn listed(db: Db<'c>, ids: Vec<i64>) -> Self {
        let read = format!(
            "SELECT {COLUMNS} FROM {} WHERE loan_id {IDS_IN} ORDER BY loan_id",
            StateTable::Shared.name_in(db)
        );
        let (done, listed) = (ids.is_empty(), ids.into_iter());
        Standing { db, read, chunk: VecDeque::new(), after: i64::MIN, done, orphans: Vec::new(), listed }
    }

    /// The next chunk of standing rows: of the loans listed, or after the last one read.
    fn refill(&mut self) -> Result<()> {
        let rows: Vec<Stored> = if self.listed.len() > 0 {
            let chunk: Vec<i64> = self.listed.by_ref().take(STANDING_CHUNK as usize).collect();
            self.done = self.listed.len() == 0;
            self.db.rows(&self.read, &[(&ids_json(chunk)).into()])?
        } else {
            let rows: Vec<Stored> = self.db.rows(&self.read, &[self.after.into(), STANDING_CHUNK.into()])?;
            self.done = (rows.len() as i64) < STANDING_CHUNK;
            if let Some(Value::Integer(last)) = rows.last().and_then(|r| r.0.first()) {
                self.after = *last;
            }
            rows
        };
        self.chunk.extend(rows.into_iter().map(|r| r.0));
        Ok(())
    }

    /// The standing row of loan `id`, if any (loans come in increasing id order).
    fn take(&mut self, id: i64) -> Result<Option<Vec<Value>>> {
        loop {
            if self.chunk.is_empty() && !self.done {
                self.refill()?;
            }
            let Some(first) = self.chunk.front() else { return Ok(None) };
            let Value::Integer(at) = first[0] else { return Ok(None) };
            if at > id {
                return Ok(None);
            }
            let row = self.chunk.pop_front().unwrap_or_default();
            if at == id {
                return Ok(Some(row));
            }
            self.orphans.push(at);
        }
    }

    /// Every standing row not taken belongs to a loan that is gone.
    fn rest(mut self) -> Result<Vec<i64>> {
        while self.take(i64::MAX)?.is_some() {}
        Ok(self.orphans)
    }
}

fn prepare_table(db: Db<'_>, table: StateTable) -> Result<()> {
    if table != StateTable::Scratch {
        return Ok(());
    }
    match db {
        Db::File(conn) => conn.execute_batch(&format!(
            "CREATE TEMP TABLE IF NOT EXISTS loan_state_scratch {}; DELETE FROM temp.loan_state_scratch;",
            scratch_columns(conn)?
        ))?,
        Db::Server(_) => {
            // The shared table's columns and key, none of its other indexes (as the file's).
            db.execute(
                "CREATE TEMP TABLE IF NOT EXISTS loan_state_scratch \
                 (LIKE loan_state INCLUDING DEFAULTS, PRIMARY KEY (loan_id))",
                &[],
            )?;
            db.execute("DELETE FROM pg_temp.loan_state_scratch", &[])?;
        }
    }
    Ok(())
}

/// The shared snapshot's column list, its key included (a copy made by `AS SELECT` has none, and
/// every page read in loan order was then a scan and a sort of the whole copy), without its
/// reference to `loans`, which a temporary table cannot hold.
fn scratch_columns(conn: &Connection) -> Result<String> {
    let sql: String = conn.query_row(
        "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = 'loan_state'",
        [],
        |r| r.get(0),
    )?;
    let columns = sql
        .find('(')
        .map(|at| &sql[at..])
        .ok_or_else(|| StoreError::Corrupt("loan_state's schema".into()))?;
    Ok(columns.replace("REFERENCES loans(id)", ""))
}

fn has_rows(db: Db<'_>) -> Result<bool> {
    let sql = format!("SELECT EXISTS (SELECT 1 FROM {})", StateTable::Shared.name_in(db));
    Ok(db.value(&sql, &[])?.unwrap_or(false))
}

/// Recomputes every loan as of `as_of` into `table`, streaming loans and payments in loan order
/// (a merge of two index scans), so memory stays flat on any size of book. `progress` gets the
/// number of loans done so far. Run it inside a transaction. A standing row is written only where
/// its figures moved; the shared snapshot's date becomes `as_of`.
pub fn refresh_all<'a>(
    db: impl Into<Db<'a>>,
    table: StateTable,
    as_of: NaiveDate,
    rules: &AssessRules,
    progress: &mut dyn FnMut(u64),
) -> Result<u64> {
    let db = db.into();
    prepare_table(db, table)?;
    // Filling an empty snapshot on a file (a first import, the demo, a store just migrated): its
    // indexes are built once at the end, a sort each, instead of a million scattered inserts into
    // each.
    let rebuild = match db {
        Db::File(conn) if table == StateTable::Shared && !has_rows(db)? => {
            Some(crate::store::drop_indexes(conn, "loan_state")?)
        }
        _ => None,
    };
    let mut standing = (table == StateTable::Shared).then(|| Standing::new(db));
    let mut writer = Writer::deferring(db, table)?;
    let mut done = 0u64;
    each_loan(db, as_of, rules, &Walk::WHOLE, |_, NoMore, row| row, &mut |row: Row| {
        let super::cells::Cell::Int(id) = row[0] else { return Ok(()) };
        match standing.as_mut().map(|s| s.take(id)).transpose()?.flatten() {
            Some(old) => {
                writer.update(&old, &row)?;
            }
            None => writer.insert(&row)?,
        }
        done += 1;
        if done.is_multiple_of(10_000) {
            progress(done);
        }
        Ok(())
    })?;
    writer.flush()?;
    progress(done);
    if let Some(standing) = standing {
        let gone = format!("DELETE FROM {} WHERE loan_id = ?1", StateTable::Shared.name_in(db));
        for id in standing.rest()? {
            db.execute(&gone, &[id.into()])?;
        }
    }
    drop(writer);
    if let (Db::File(conn), Some(rebuild)) = (db, rebuild) {
        crate::store::make_indexes(conn, &rebuild)?;
    }
    if table == StateTable::Shared {
        set_snapshot_as_of(db, as_of)?;
    }
    Ok(done)
}

/// Recomputes the shared snapshot for these loans only, at the snapshot's own date (after a payment
/// import or a case edit). Does nothing when the store has no snapshot yet. On the server the loans,
/// their payments and standing rows are read a page a statement and the rows written 500 a
/// statement (a payments file of 100,000 loans was 500,000 round trips).
pub fn refresh_loans<'a>(db: impl Into<Db<'a>>, ids: &[LoanId], rules: &AssessRules) -> Result<()> {
    let db = db.into();
    let Some(as_of) = snapshot_as_of(db)? else { return Ok(()) };
    let mut ids: Vec<i64> = ids.iter().map(|l| l.0).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut standing = matches!(db, Db::Server(_)).then(|| Standing::listed(db, ids.clone()));
    let mut writer = Writer::deferring(db, StateTable::Shared)?;
    let found = each_listed(db, &ids, as_of, rules, &mut |row: Row| {
        let super::cells::Cell::Int(id) = row[0] else { return Ok(()) };
        match standing.as_mut() {
            Some(standing) => match standing.take(id)? {
                Some(old) => writer.update(&old, &row).map(drop),
                None => writer.insert(&row),
            },
            None => writer.put(&row).map(drop),
        }
    })?;
    writer.flush()?;
    if found != ids.len() as u64 {
        return Err(StoreError::Corrupt(format!(
            "{} of the loans to refresh are not in the book",
            ids.len() as u64 - found
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    #[test]
    fn the_scratch_copy_is_keyed_by_loan_like_the_snapshot() {
        let store = Store::open_in_memory().expect("store");
        let day = crate::domain::parse_date("2026-01-31").expect("day");
        store.refresh_scratch(day, &crate::domain::AssessRules::default(), &mut |_| {}).expect("scratch");
        let key: String = store
            .conn()
            .query_row(
                "SELECT name FROM pragma_table_info('loan_state_scratch', 'temp') WHERE pk = 1",
                [],
                |r| r.get(0),
            )
            .expect("a key");
        assert_eq!(key, "loan_id");
        let columns = |schema: &str, table: &str| -> i64 {
            store
                .conn()
                .query_row(
                    &format!("SELECT count(*) FROM pragma_table_info('{table}', '{schema}')"),
                    [],
                    |r| r.get(0),
                )
                .expect("columns")
        };
        assert_eq!(columns("temp", "loan_state_scratch"), columns("main", "loan_state"));
    }
}

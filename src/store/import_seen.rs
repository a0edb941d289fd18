//! What a loans import has seen of its file so far (each loan id's line, each customer's owner and
//! the line that settled it), kept in temporary tables of the importing connection: a file of
//! millions of rows is checked against its earlier rows with memory that does not grow with it.

use std::borrow::Cow;

use super::Result;
use super::book::CustomerId;
use super::db::Db;
use super::row::{Cols, FromRow};

/// A customer as the import settled it: by a line of the file (`None`: found on the desk), with
/// its owner's login and, once it is in the store, its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenCustomer {
    pub line: Option<u64>,
    pub owner: Option<String>,
    pub id: Option<CustomerId>,
}

/// The import's tables are its session's own: in `temp` on a file, in `pg_temp` on the server.
fn in_temp(db: Db<'_>, sql: &'static str) -> Cow<'static, str> {
    match db {
        Db::File(_) => Cow::Borrowed(sql),
        Db::Server(_) => Cow::Owned(sql.replace("temp.", "pg_temp.")),
    }
}

/// Starts an import's record of what it has seen, empty.
pub fn seen_begin<'a>(db: impl Into<Db<'a>>) -> Result<()> {
    match db.into() {
        Db::File(conn) => conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS import_loan_lines (loan_ref TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;
             CREATE TEMP TABLE IF NOT EXISTS import_customers (
                 customer_ref TEXT PRIMARY KEY, line INTEGER, owner TEXT, customer_id INTEGER) WITHOUT ROWID;
             DELETE FROM temp.import_loan_lines;
             DELETE FROM temp.import_customers;",
        )?,
        db @ Db::Server(_) => {
            for sql in [
                "CREATE TEMP TABLE IF NOT EXISTS import_loan_lines (loan_ref TEXT PRIMARY KEY, line BIGINT NOT NULL)",
                "CREATE TEMP TABLE IF NOT EXISTS import_customers (\
                 customer_ref TEXT PRIMARY KEY, line BIGINT, owner TEXT, customer_id BIGINT)",
                "DELETE FROM pg_temp.import_loan_lines",
                "DELETE FROM pg_temp.import_customers",
            ] {
                db.execute(sql, &[])?;
            }
        }
    }
    Ok(())
}

/// Ends it: the tables go (their pages with them).
pub fn seen_end<'a>(db: impl Into<Db<'a>>) -> Result<()> {
    match db.into() {
        Db::File(conn) => conn.execute_batch(
            "DROP TABLE IF EXISTS temp.import_loan_lines; DROP TABLE IF EXISTS temp.import_customers;",
        )?,
        db @ Db::Server(_) => {
            db.execute("DROP TABLE IF EXISTS pg_temp.import_loan_lines, pg_temp.import_customers", &[])?;
        }
    }
    Ok(())
}

/// Lets the server plan the import's look-ups in its tables by their size now: a temporary table
/// is never analyzed by the server itself, and a statement planned for the few rows of its first
/// batches reads all of it for every batch after (a million-row file's look-ups took 97 s). On a
/// file nothing: SQLite looks a key up by its key.
pub fn seen_analyze<'a>(db: impl Into<Db<'a>>) -> Result<()> {
    let db = db.into();
    if let Db::Server(_) = db {
        db.execute("ANALYZE pg_temp.import_loan_lines, pg_temp.import_customers", &[])?;
    }
    Ok(())
}

/// Notes the loan id seen at `line`; when the file had it already, the line it was first on.
pub fn seen_loan<'a>(db: impl Into<Db<'a>>, loan_ref: &str, line: u64) -> Result<Option<u64>> {
    let db = db.into();
    let added = db.execute(
        &in_temp(
            db,
            "INSERT INTO temp.import_loan_lines (loan_ref, line) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        ),
        &[loan_ref.into(), (line as i64).into()],
    )?;
    if added == 1 {
        return Ok(None);
    }
    let first: i64 = db
        .value(
            &in_temp(db, "SELECT line FROM temp.import_loan_lines WHERE loan_ref = ?1"),
            &[loan_ref.into()],
        )?
        // The error a line not noted always gave.
        .ok_or(rusqlite::Error::QueryReturnedNoRows)?;
    Ok(Some(first as u64))
}

impl FromRow for SeenCustomer {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(SeenCustomer {
            line: c.get::<Option<i64>>("line")?.map(|l| l as u64),
            owner: c.get("owner")?,
            id: c.get("customer_id")?,
        })
    }
}

/// The customer as settled earlier in the import, if it was.
pub fn seen_customer<'a>(db: impl Into<Db<'a>>, customer_ref: &str) -> Result<Option<SeenCustomer>> {
    let db = db.into();
    db.first(
        &in_temp(db, "SELECT line, owner, customer_id FROM temp.import_customers WHERE customer_ref = ?1"),
        &[customer_ref.into()],
    )
}

/// Records (or updates) how the import settled a customer.
pub fn see_customer<'a>(db: impl Into<Db<'a>>, customer_ref: &str, seen: &SeenCustomer) -> Result<()> {
    let db = db.into();
    db.execute(
        &in_temp(
            db,
            "INSERT INTO temp.import_customers (customer_ref, line, owner, customer_id) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (customer_ref) DO UPDATE SET line = excluded.line, owner = excluded.owner, \
             customer_id = excluded.customer_id",
        ),
        &[customer_ref.into(), seen.line.map(|l| l as i64).into(), seen.owner.as_ref().into(), seen.id.map(|c| c.0).into()],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    #[test]
    fn lines_and_customers_are_remembered_until_the_next_import() {
        let conn = Connection::open_in_memory().expect("conn");
        seen_begin(&conn).expect("begin");
        assert_eq!(seen_loan(&conn, "L1", 2).expect("note"), None);
        assert_eq!(seen_loan(&conn, "L2", 3).expect("note"), None);
        assert_eq!(seen_loan(&conn, "L1", 9).expect("note"), Some(2));
        let c = SeenCustomer { line: Some(2), owner: Some("wang".into()), id: None };
        see_customer(&conn, "C1", &c).expect("see");
        assert_eq!(seen_customer(&conn, "C1").expect("look"), Some(c.clone()));
        see_customer(&conn, "C1", &SeenCustomer { id: Some(CustomerId(7)), ..c }).expect("again");
        assert_eq!(seen_customer(&conn, "C1").expect("look").and_then(|c| c.id), Some(CustomerId(7)));
        seen_begin(&conn).expect("a new import");
        assert_eq!(seen_customer(&conn, "C1").expect("look"), None);
        assert_eq!(seen_loan(&conn, "L1", 5).expect("note"), None);
        seen_end(&conn).expect("end");
    }
}

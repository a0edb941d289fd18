//! What a loans import has seen of its file so far (each loan id's line, each customer's owner and
//! the line that settled it), kept in temporary tables of the importing connection: a file of
//! millions of rows is checked against its earlier rows with memory that does not grow with it.

use rusqlite::{Connection, OptionalExtension, params};

use super::Result;
use super::book::CustomerId;

/// A customer as the import settled it: by a line of the file (`None`: found on the desk), with
/// its owner's login and, once it is in the store, its id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeenCustomer {
    pub line: Option<u64>,
    pub owner: Option<String>,
    pub id: Option<CustomerId>,
}

/// Starts an import's record of what it has seen, empty.
pub fn seen_begin(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "CREATE TEMP TABLE IF NOT EXISTS import_loan_lines (loan_ref TEXT PRIMARY KEY, line INTEGER NOT NULL) WITHOUT ROWID;
         CREATE TEMP TABLE IF NOT EXISTS import_customers (
             customer_ref TEXT PRIMARY KEY, line INTEGER, owner TEXT, customer_id INTEGER) WITHOUT ROWID;
         DELETE FROM temp.import_loan_lines;
         DELETE FROM temp.import_customers;",
    )?;
    Ok(())
}

/// Ends it: the tables go (their pages with them).
pub fn seen_end(conn: &Connection) -> Result<()> {
    conn.execute_batch(
        "DROP TABLE IF EXISTS temp.import_loan_lines; DROP TABLE IF EXISTS temp.import_customers;",
    )?;
    Ok(())
}

/// Notes the loan id seen at `line`; when the file had it already, the line it was first on.
pub fn seen_loan(conn: &Connection, loan_ref: &str, line: u64) -> Result<Option<u64>> {
    let added = conn
        .prepare_cached(
            "INSERT INTO temp.import_loan_lines (loan_ref, line) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
        )?
        .execute(params![loan_ref, line as i64])?;
    if added == 1 {
        return Ok(None);
    }
    let first: i64 = conn
        .prepare_cached("SELECT line FROM temp.import_loan_lines WHERE loan_ref = ?1")?
        .query_row([loan_ref], |r| r.get(0))?;
    Ok(Some(first as u64))
}

/// The customer as settled earlier in the import, if it was.
pub fn seen_customer(conn: &Connection, customer_ref: &str) -> Result<Option<SeenCustomer>> {
    Ok(conn
        .prepare_cached("SELECT line, owner, customer_id FROM temp.import_customers WHERE customer_ref = ?1")?
        .query_row([customer_ref], |r| {
            Ok(SeenCustomer {
                line: r.get::<_, Option<i64>>(0)?.map(|l| l as u64),
                owner: r.get(1)?,
                id: r.get::<_, Option<i64>>(2)?.map(CustomerId),
            })
        })
        .optional()?)
}

/// Records (or updates) how the import settled a customer.
pub fn see_customer(conn: &Connection, customer_ref: &str, seen: &SeenCustomer) -> Result<()> {
    conn.prepare_cached(
        "INSERT OR REPLACE INTO temp.import_customers (customer_ref, line, owner, customer_id) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![customer_ref, seen.line.map(|l| l as i64), seen.owner, seen.id.map(|c| c.0)])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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

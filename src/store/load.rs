//! What the bulk loads (import, demo) ask of the store beyond single rows.

use super::Db;
use super::Result;
use super::book::{customer_count, loan_count};

/// The store holds no loan and no customer: nothing a load brings can be there already.
pub fn book_is_empty<'a>(db: impl Into<super::Db<'a>>) -> Result<bool> {
    let db = db.into();
    Ok(loan_count(db)? == 0 && customer_count(db)? == 0)
}

/// Drops the loans' and customers' own indexes (name, phone, owner) for a load into an empty
/// book, and returns the statements that build them again once it is in (`make_indexes`).
pub fn defer_book_indexes<'a>(db: impl Into<super::Db<'a>>) -> Result<Vec<String>> {
    let db = db.into();
    let mut deferred = drop_indexes(db, "loans")?;
    deferred.extend(drop_indexes(db, "customers")?);
    Ok(deferred)
}

/// Drops `table`'s own indexes (not those behind a UNIQUE or PRIMARY KEY) and returns the
/// statements that make them again: a bulk load into an empty table then builds each index with
/// one sort at the end instead of a million scattered inserts. Inside the load's transaction, so a
/// failed load gets them back with the rollback. On a server nothing is dropped: the indexes are
/// the book owner's, not the importing supervisor's role's, and a whole book's first fill there
/// is `store copy`, which sets them aside (`pg::copy`).
pub fn drop_indexes<'a>(db: impl Into<Db<'a>>, table: &str) -> Result<Vec<String>> {
    let Db::File(conn) = db.into() else { return Ok(Vec::new()) };
    let mut stmt = conn.prepare(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL",
    )?;
    let indexes = stmt
        .query_map([table], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (name, _) in &indexes {
        conn.execute_batch(&format!("DROP INDEX main.\"{name}\""))?;
    }
    Ok(indexes.into_iter().map(|(_, sql)| sql).collect())
}

/// Makes again the indexes `drop_indexes` dropped. SQLite's sorter cuts a sort into runs the size
/// of the page cache and sorts them on helper threads while it reads on: with a bulk load's large
/// cache an index of a million keys is one run sorted on one thread, so the builds run with a
/// small cache and two sorter threads (about half the time on two cores), then both are restored.
pub fn make_indexes<'a>(db: impl Into<Db<'a>>, statements: &[String]) -> Result<()> {
    let Db::File(conn) = db.into() else { return Ok(()) };
    if statements.is_empty() {
        return Ok(());
    }
    let cache: i64 = conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
    let threads: i64 = conn.pragma_query_value(None, "threads", |r| r.get(0))?;
    conn.pragma_update(None, "cache_size", SORT_RUN_KIB)?;
    conn.pragma_update(None, "threads", 2)?;
    let built = statements.iter().try_for_each(|sql| conn.execute_batch(sql));
    conn.pragma_update(None, "cache_size", cache)?;
    conn.pragma_update(None, "threads", threads)?;
    Ok(built?)
}

/// The page cache while indexes are built, in KiB as `PRAGMA cache_size` takes it (negative):
/// SQLite's default, the size of one sorted run.
const SORT_RUN_KIB: i64 = -2_000;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{LoanTerms, Money, Product, Rate, parse_date};
    use crate::store::{NewLoan, Store, insert_loan, make_indexes};
    use rusqlite::Connection;

    fn index_names(conn: &Connection) -> Vec<String> {
        let mut stmt = conn
            .prepare(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('loans', 'customers') \
                 AND sql IS NOT NULL ORDER BY name",
            )
            .expect("indexes");
        stmt.query_map([], |r| r.get(0)).expect("names").map(|n| n.expect("name")).collect()
    }

    #[test]
    fn the_book_s_indexes_are_dropped_and_made_again() {
        let store = Store::open_in_memory().expect("store");
        let conn = store.conn();
        assert!(book_is_empty(conn).expect("empty"));
        let before = index_names(conn);
        assert!(before.contains(&"loans_customer".to_string()), "{before:?}");
        assert!(before.contains(&"customers_assignee".to_string()), "{before:?}");
        let deferred = defer_book_indexes(conn).expect("drop");
        assert_eq!(deferred.len(), before.len());
        assert_eq!(index_names(conn), Vec::<String>::new());
        make_indexes(conn, &deferred).expect("make");
        assert_eq!(index_names(conn), before);
    }

    #[test]
    fn a_book_with_a_loan_is_not_empty() {
        let store = Store::open_in_memory().expect("store");
        let terms = LoanTerms {
            product: Product::Bullet,
            principal: Money::from_cents(100_000),
            rate: Rate::from_e4(0),
            term_months: 12,
            disbursed_on: parse_date("2026-01-10").expect("date"),
        };
        let loan = NewLoan {
            loan_ref: "L-1".into(),
            customer_ref: None,
            borrower: "甲".into(),
            phone: None,
            terms,
            guarantor: None,
            guarantor_phone: None,
            collateral: None,
            branch: None,
            assignee: None,
        };
        insert_loan(store.conn(), &loan, "2026-03-01T10:00:00+08:00").expect("loan");
        assert!(!book_is_empty(store.conn()).expect("empty"));
    }
}

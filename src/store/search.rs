//! The search terms (migration 0017): each loan's, kept after it is written, and the statement
//! that finds the loans a typed search matches (ranges of the terms' key, `domain/search.rs`).

use std::borrow::Cow;

use rusqlite::Connection;
use rusqlite::types::Value;

use super::Result;
use super::db::{Db, Val};
use super::row::{Cols, FromRow};
use super::settings::{meta_get, meta_set};
use super::state::StateTable;
use crate::domain::search::{SearchQuery, loan_terms};

/// Whose words a list's statement is built in: SQLite's, stated for its planner (index pins,
/// literals, `+`), or the server's saying the same.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Dialect {
    File,
    Server,
}

impl Dialect {
    pub(super) fn of(db: Db<'_>) -> Dialect {
        match db {
            Db::File(_) => Dialect::File,
            Db::Server(_) => Dialect::Server,
        }
    }

    /// The snapshot's table: on the server the shared one is `loan_state` (no `main` schema) and
    /// a session's scratch copy a temporary table, which the server looks for first.
    pub(super) fn table(self, table: StateTable) -> &'static str {
        match (self, table) {
            (Dialect::File, t) => t.name(),
            (Dialect::Server, StateTable::Shared) => "loan_state",
            (Dialect::Server, StateTable::Scratch) => "loan_state_scratch",
        }
    }

    /// An `ORDER BY` list in SQLite's order: nulls first going up and last going down, which the
    /// server says term by term (its own are the other way round).
    pub(super) fn order(self, order: &'static str) -> Cow<'static, str> {
        match self {
            Dialect::File => Cow::Borrowed(order),
            Dialect::Server => Cow::Owned(
                order
                    .split(", ")
                    .map(|t| {
                        if t.ends_with(" DESC") {
                            format!("{t} NULLS LAST")
                        } else {
                            format!("{t} NULLS FIRST")
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
        }
    }
}

/// A list's values as the statements on `Db` take them.
pub(super) fn vals(args: &[Value]) -> Vec<Val<'_>> {
    args.iter()
        .map(|v| match v {
            Value::Integer(i) => Val::Int(*i),
            Value::Text(t) => Val::Text(t),
            // A list binds integers and text only; anything else is none.
            _ => Val::Null,
        })
        .collect()
}

/// The last loan whose terms are kept (`meta`): loans are only ever added, so the ones after it
/// are those to index.
const THROUGH: &str = "search_through";

/// The page cache while the terms of a first indexing are sorted (KiB, as `cache_size` takes
/// it): the sorter's runs are as large as the cache.
const SORT_CACHE_KIB: i64 = -16_384;

/// Loans read and indexed at a time.
const BATCH: i64 = 10_000;

fn through(db: Db<'_>) -> Result<i64> {
    Ok(meta_get(db, THROUGH)?.and_then(|v| v.parse().ok()).unwrap_or(0))
}

/// Whether loans were written that search does not find yet (a store made before the search
/// terms, or loans added by a path that does not index them).
pub fn search_is_pending<'a>(db: impl Into<Db<'a>>) -> Result<bool> {
    let db = db.into();
    let last: Option<Option<i64>> = db.value("SELECT max(id) FROM loans", &[])?;
    Ok(last.flatten().is_some_and(|last| last > through(db).unwrap_or(0)))
}

/// A loan to index: id, loan id, borrower, phone.
struct Indexed {
    id: i64,
    loan_ref: String,
    borrower: String,
    phone: Option<String>,
}

impl FromRow for Indexed {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(Indexed {
            id: c.get("id")?,
            loan_ref: c.get("loan_ref")?,
            borrower: c.get("borrower")?,
            phone: c.get("phone")?,
        })
    }
}

fn loans_after(db: Db<'_>, after: i64) -> Result<Vec<Indexed>> {
    db.rows(
        "SELECT id, loan_ref, borrower, phone FROM loans WHERE id > ?1 ORDER BY id LIMIT ?2",
        &[after.into(), BATCH.into()],
    )
}

/// The terms of a batch of loans, each with its loan.
fn batch_terms(batch: &[Indexed]) -> Vec<(String, i64)> {
    batch
        .iter()
        .flat_map(|l| {
            loan_terms(&l.loan_ref, &l.borrower, l.phone.as_deref()).into_iter().map(move |t| (t, l.id))
        })
        .collect()
}

/// The server's advisory lock under which one desk at a time indexes (SQLite's writer is alone):
/// two would read the same last loan indexed and index the loans after it twice.
const INDEX_LOCK: i64 = 0x6475_6564_6573_6b53;

/// Keeps the terms of every loan written since the last indexed, in the caller's transaction;
/// the number of loans indexed. Into an empty table (a first load, a store made before search
/// terms) the terms are gathered unsorted and written once in key order, so the table is built
/// by one sort instead of millions of scattered inserts; otherwise each goes in its place. On the
/// server the same, under a lock of its own.
pub fn index_search<'a>(db: impl Into<Db<'a>>, progress: &mut dyn FnMut(u64)) -> Result<u64> {
    let db = db.into();
    let conn = match db {
        Db::File(conn) => conn,
        Db::Server(session) => {
            debug_assert!(session.in_transaction(), "loans are indexed inside a transaction");
            db.execute("SELECT pg_advisory_xact_lock(?1)", &[INDEX_LOCK.into()])?;
            let mut after = through(db)?;
            // Into an empty table the terms go in key order at the end, each at the index's right
            // edge, as on a file (a million loans' first indexing: 138 s of scattered inserts).
            let empty =
                !db.value::<bool>("SELECT EXISTS (SELECT 1 FROM search_terms)", &[])?.unwrap_or(false);
            let into = if empty {
                db.execute(
                    "CREATE TEMP TABLE IF NOT EXISTS search_load (term TEXT NOT NULL, loan_id BIGINT NOT NULL)",
                    &[],
                )?;
                db.execute("TRUNCATE pg_temp.search_load", &[])?;
                "pg_temp.search_load"
            } else {
                "search_terms"
            };
            let mut done = 0u64;
            loop {
                let batch = loans_after(db, after)?;
                let Some(last) = batch.last().map(|l| l.id) else { break };
                insert_terms_on_server(db, into, &batch_terms(&batch))?;
                done += batch.len() as u64;
                after = last;
                progress(done);
            }
            if empty {
                db.execute(
                    "INSERT INTO search_terms (term, loan_id) SELECT term, loan_id FROM pg_temp.search_load \
                     ORDER BY term, loan_id",
                    &[],
                )?;
                db.execute("DROP TABLE pg_temp.search_load", &[])?;
            }
            if done > 0 {
                meta_set(db, THROUGH, &after.to_string())?;
            }
            return Ok(done);
        }
    };
    let mut after = through(db)?;
    let cache: i64 = conn.pragma_query_value(None, "cache_size", |r| r.get(0))?;
    let empty: bool =
        conn.prepare_cached("SELECT NOT EXISTS (SELECT 1 FROM search_terms)")?.query_row([], |r| r.get(0))?;
    let target = if empty {
        // The bundled SQLite keeps temporary tables and the sorter's runs in memory, and a load's
        // 128 MB page cache lets the sorter hold runs of that size on each thread: a million
        // loans' terms took 900 MB at the peak. On disk, in runs of a smaller cache, for this;
        // temp_store is refused once this connection's temporary database is in a transaction.
        let _ = conn.execute_batch("PRAGMA temp_store = FILE");
        conn.pragma_update(None, "cache_size", SORT_CACHE_KIB)?;
        conn.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS search_load (term TEXT NOT NULL, loan_id INTEGER NOT NULL); \
             DELETE FROM temp.search_load;",
        )?;
        "INSERT INTO temp.search_load (term, loan_id)"
    } else {
        "INSERT OR IGNORE INTO search_terms (term, loan_id)"
    };
    let mut done = 0u64;
    loop {
        let batch = loans_after(db, after)?;
        let Some(last) = batch.last().map(|l| l.id) else { break };
        insert_terms(conn, target, &batch_terms(&batch))?;
        done += batch.len() as u64;
        after = last;
        progress(done);
    }
    if empty {
        conn.execute_batch(
            "INSERT INTO search_terms (term, loan_id) SELECT term, loan_id FROM temp.search_load ORDER BY term, loan_id; \
             DROP TABLE temp.search_load;",
        )?;
        let _ = conn.execute_batch("PRAGMA temp_store = DEFAULT");
        conn.pragma_update(None, "cache_size", cache)?;
    }
    if done > 0 {
        meta_set(conn, THROUGH, &after.to_string())?;
    }
    Ok(done)
}

/// Terms written per statement: a statement per term was most of the time of indexing a
/// million loans; a few hundred rows a statement spend it on the rows instead.
const ROWS_PER_INSERT: usize = 400;

fn insert_terms(conn: &Connection, target: &str, rows: &[(String, i64)]) -> Result<()> {
    let values = |n: usize| vec!["(?, ?)"; n].join(", ");
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let sql = format!("{target} VALUES {}", values(chunk.len()));
        let params = chunk.iter().flat_map(|(t, id)| [t as &dyn rusqlite::ToSql, id as &dyn rusqlite::ToSql]);
        // The full chunk's statement is kept; the last, shorter one of a batch is not worth it.
        if chunk.len() == ROWS_PER_INSERT {
            conn.prepare_cached(&sql)?.execute(rusqlite::params_from_iter(params))?;
        } else {
            conn.prepare(&sql)?.execute(rusqlite::params_from_iter(params))?;
        }
    }
    Ok(())
}

/// `insert_terms` on the server, the slots numbered: into the index itself (a term already kept
/// left as it is), or into the first indexing's unkeyed load table.
fn insert_terms_on_server(db: Db<'_>, into: &str, rows: &[(String, i64)]) -> Result<()> {
    let once = if into == "search_terms" { " ON CONFLICT (term, loan_id) DO NOTHING" } else { "" };
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        let values: Vec<String> =
            (0..chunk.len()).map(|i| format!("(?{}, ?{})", 2 * i + 1, 2 * i + 2)).collect();
        let sql = format!("INSERT INTO {into} (term, loan_id) VALUES {}{once}", values.join(", "));
        let params: Vec<Val<'_>> = chunk.iter().flat_map(|(t, id)| [Val::Text(t), Val::Int(*id)]).collect();
        db.execute(&sql, &params)?;
    }
    Ok(())
}

/// Keeps one loan's terms in step with an edit of what it is found by (its phone): the terms of
/// `before` go, those of `after` come, in the caller's transaction.
pub fn replace_loan_terms<'a>(
    db: impl Into<Db<'a>>,
    loan: i64,
    before: &[String],
    after: &[String],
) -> Result<()> {
    let db = db.into();
    for t in before.iter().filter(|t| !after.contains(t)) {
        db.execute("DELETE FROM search_terms WHERE term = ?1 AND loan_id = ?2", &[t.into(), loan.into()])?;
    }
    let rows: Vec<(String, i64)> =
        after.iter().filter(|t| !before.contains(t)).map(|t| (t.clone(), loan)).collect();
    match db {
        Db::File(conn) => insert_terms(conn, "INSERT OR IGNORE INTO search_terms (term, loan_id)", &rows),
        Db::Server(_) => insert_terms_on_server(db, "search_terms", &rows),
    }
}

/// The statement (`SELECT loan_id …`, each loan once or more) that finds the loans matching a
/// search, its values appended to `args`; `None` when nothing can match.
pub fn matching_sql(q: &SearchQuery, args: &mut Vec<Value>) -> Option<String> {
    let mut parts = Vec::new();
    for p in &q.prefixes {
        args.push(Value::Text(p.clone()));
        let lo = args.len();
        // U+10FFFF sorts after any text that starts with the prefix.
        args.push(Value::Text(format!("{p}\u{10FFFF}")));
        parts.push(format!("SELECT loan_id FROM search_terms WHERE term >= ?{lo} AND term < ?{}", lo + 1));
    }
    for e in &q.exact {
        args.push(Value::Text(e.clone()));
        parts.push(format!("SELECT loan_id FROM search_terms WHERE term = ?{}", args.len()));
    }
    (!parts.is_empty()).then(|| parts.join(" UNION ALL "))
}

/// How many terms match the search, counting no further than `cap` (a loan found by two terms
/// counts twice): cheap, so the desk can decline a search too broad to list, key after key.
pub fn terms_matching_upto<'a>(db: impl Into<Db<'a>>, q: &SearchQuery, cap: u64) -> Result<u64> {
    let db = db.into();
    let cap = i64::try_from(cap).unwrap_or(i64::MAX);
    // The server names every query in FROM.
    let prefixed = match db {
        Db::File(_) => {
            "SELECT count(*) FROM (SELECT 1 FROM search_terms WHERE term >= ?1 AND term < ?2 LIMIT ?3)"
        }
        Db::Server(_) => {
            "SELECT count(*) FROM (SELECT 1 FROM search_terms WHERE term >= ?1 AND term < ?2 LIMIT ?3) AS m"
        }
    };
    let mut n = 0i64;
    for p in &q.prefixes {
        let end = format!("{p}\u{10FFFF}");
        n +=
            db.value::<i64>(prefixed, &[p.into(), (&end).into(), cap.saturating_sub(n).into()])?.unwrap_or(0);
        if n >= cap {
            break;
        }
    }
    for e in &q.exact {
        n += db.value::<i64>("SELECT count(*) FROM search_terms WHERE term = ?1", &[e.into()])?.unwrap_or(0);
    }
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Loan ids matching a search, in id order, at most `limit`, and how many there are (counted no
/// further than `count_upto`).
pub fn loan_refs_matching<'a>(
    db: impl Into<Db<'a>>,
    q: &SearchQuery,
    limit: u64,
    count_upto: u64,
) -> Result<(Vec<String>, u64)> {
    let db = db.into();
    let mut args = Vec::new();
    let Some(sub) = matching_sql(q, &mut args) else { return Ok((Vec::new(), 0)) };
    let n = args.len();
    let refs = format!("SELECT loan_ref FROM loans WHERE id IN ({sub}) ORDER BY loan_ref LIMIT ?{}", n + 1);
    let with = |v: u64| {
        let mut a = args.clone();
        a.push(Value::Integer(i64::try_from(v).unwrap_or(i64::MAX)));
        a
    };
    let conn = match db {
        Db::File(conn) => conn,
        Db::Server(_) => {
            // The server names every query in FROM.
            let count = format!(
                "SELECT count(*) FROM (SELECT DISTINCT loan_id FROM ({sub}) AS t LIMIT ?{}) AS d",
                n + 1
            );
            let (found_args, count_args) = (with(limit), with(count_upto));
            let found: Vec<String> = db.column(&refs, &vals(&found_args))?;
            let total: i64 = db.value(&count, &vals(&count_args))?.unwrap_or(0);
            return Ok((found, u64::try_from(total).unwrap_or(0)));
        }
    };
    let count = format!("SELECT count(*) FROM (SELECT DISTINCT loan_id FROM ({sub}) LIMIT ?{})", n + 1);
    let found = conn
        .prepare(&refs)?
        .query_map(rusqlite::params_from_iter(with(limit)), |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    let total: i64 =
        conn.prepare(&count)?.query_row(rusqlite::params_from_iter(with(count_upto)), |r| r.get(0))?;
    Ok((found, u64::try_from(total).unwrap_or(0)))
}

/// Loan ids numbered as typed (`1346`, `00001346` → DL00001346 and any other id numbered 1346,
/// whatever its letters), at most `limit`.
pub fn loan_refs_numbered<'a>(db: impl Into<Db<'a>>, typed: &str, limit: u64) -> Result<Vec<String>> {
    let Some(term) = crate::domain::search::number_term(typed) else { return Ok(Vec::new()) };
    loan_refs_by_term(db.into(), term, limit)
}

/// Loan ids that are what was typed in another case (`dl00001346` → DL00001346).
pub fn loan_refs_whole<'a>(db: impl Into<Db<'a>>, typed: &str, limit: u64) -> Result<Vec<String>> {
    loan_refs_by_term(db.into(), crate::domain::search::id_term(typed), limit)
}

fn loan_refs_by_term(db: Db<'_>, term: String, limit: u64) -> Result<Vec<String>> {
    let q = SearchQuery {
        prefixes: Vec::new(),
        exact: vec![term],
        phone: crate::domain::search::PhoneSearch::No,
        digits: String::new(),
    };
    Ok(loan_refs_matching(db, &q, limit, 0)?.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::search::query;
    use crate::domain::{LoanTerms, Money, Product, Rate, parse_date};
    use crate::store::{NewLoan, Store, insert_loan};

    fn add(store: &Store, loan_ref: &str, name: &str, phone: Option<&str>) {
        let terms = LoanTerms {
            product: Product::Bullet,
            principal: Money::from_cents(100_000),
            rate: Rate::parse("4.35").expect("rate"),
            term_months: 12,
            disbursed_on: parse_date("2026-01-01").expect("day"),
        };
        let loan = NewLoan {
            loan_ref: loan_ref.into(),
            customer_ref: None,
            borrower: name.into(),
            phone: phone.map(str::to_string),
            terms,
            guarantor: None,
            guarantor_phone: None,
            collateral: None,
            branch: None,
            assignee: None,
        };
        insert_loan(store.conn(), &loan, "2026-03-01T10:00:00+08:00").expect("loan");
    }

    fn found(store: &Store, typed: &str) -> Vec<String> {
        let mut args = Vec::new();
        let Some(sub) = matching_sql(&query(typed, true), &mut args) else { return Vec::new() };
        let sql = format!("SELECT loan_ref FROM loans WHERE id IN ({sub}) ORDER BY loan_ref");
        let mut stmt = store.conn().prepare(&sql).expect("sql");
        let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| r.get(0)).expect("query");
        rows.collect::<rusqlite::Result<Vec<String>>>().expect("rows")
    }

    #[test]
    fn loans_are_indexed_in_bulk_first_then_one_by_one() {
        let store = Store::open_in_memory().expect("store");
        add(&store, "DL00001346", "张伟", Some("+8613549554583"));
        add(&store, "DL00001347", "Chen Wei", Some("17512341636"));
        assert!(search_is_pending(store.conn()).expect("pending"));
        let mut store = store;
        assert_eq!(store.write(|tx| index_search(tx, &mut |_| {})).expect("index"), 2);

        assert!(!search_is_pending(store.conn()).expect("pending"));
        assert_eq!(found(&store, "zw"), ["DL00001346"]);
        assert_eq!(found(&store, "wei"), ["DL00001346", "DL00001347"]);
        assert_eq!(found(&store, "1636"), ["DL00001347"]);
        assert_eq!(found(&store, "1346"), ["DL00001346"]);
        assert!(found(&store, "135").is_empty());
        assert_eq!(loan_refs_numbered(store.conn(), "001347", 5).expect("numbered"), ["DL00001347"]);
        add(&store, "DL00001348", "欧阳娜娜", None);
        assert_eq!(index_search(store.conn(), &mut |_| {}).expect("index"), 1);
        assert_eq!(index_search(store.conn(), &mut |_| {}).expect("again"), 0);
        assert_eq!(found(&store, "oy"), ["DL00001348"]);
        assert_eq!(found(&store, "134"), ["DL00001346", "DL00001347", "DL00001348"]);
        assert_eq!(found(&store, "dl000013"), ["DL00001346", "DL00001347", "DL00001348"]);
        let q = query("dl000013", true);
        assert_eq!(terms_matching_upto(store.conn(), &q, 100).expect("count"), 3);
        assert_eq!(terms_matching_upto(store.conn(), &q, 2).expect("count"), 2);
    }
}

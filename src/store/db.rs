//! The store's connection as its statements take it (issue #20): a SQLite file's, or a session on
//! a PostgreSQL server. A statement is written once, with SQLite's `?N` slots, in words both
//! dialects read; on the server its slots become `$N`. Where the dialects must differ, the store's
//! function matches on `Db` and keeps each dialect's statement beside the other's. Rows come
//! back through `FromRow` from either. The store's functions move onto `Db` one by one; the others
//! still take SQLite's connection.

use std::cell::RefCell;

use super::Result;
use super::row::{Cols, FromRow, Readable};

/// Where a statement runs.
#[derive(Clone, Copy)]
pub enum Db<'a> {
    File(&'a rusqlite::Connection),
    Server(&'a dyn Session),
}

impl<'a> From<&'a rusqlite::Connection> for Db<'a> {
    fn from(conn: &'a rusqlite::Connection) -> Self {
        Db::File(conn)
    }
}

impl<'a> From<&'a rusqlite::Transaction<'_>> for Db<'a> {
    fn from(tx: &'a rusqlite::Transaction<'_>) -> Self {
        Db::File(tx)
    }
}

/// An error and each of its causes, as `a: b: c`: the server's errors say little on their own
/// ("db error", "error serializing parameter 0").
pub(crate) fn with_causes(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// A session on the server (a client, or a transaction of one), which runs statements written
/// in the server's words.
pub trait Session {
    fn query(&self, sql: &str, params: &[Val<'_>]) -> Result<Vec<postgres::Row>>;
    fn execute(&self, sql: &str, params: &[Val<'_>]) -> Result<u64>;
    /// Whether the statements run in one transaction (what a writer's locks last for).
    fn in_transaction(&self) -> bool;
    /// Runs `f` on one consistent view of the book: this transaction, or a read-only one of
    /// its own (repeatable read) that ends with `f`.
    fn reading(&self, f: &mut dyn FnMut(Db<'_>) -> Result<()>) -> Result<()>;
    /// Each row in turn, as the server sends them, none kept after `f` has read it.
    fn each(
        &self,
        sql: &str,
        params: &[Val<'_>],
        f: &mut dyn FnMut(&postgres::Row) -> Result<()>,
    ) -> Result<()>;
}

fn server_params<'p>(params: &'p [Val<'_>]) -> Vec<&'p (dyn postgres::types::ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn postgres::types::ToSql + Sync)).collect()
}

/// A connection to the server a session runs on: a client, or a transaction of one.
pub(crate) trait Connected: postgres::GenericClient {
    /// Whether its statements run in one transaction (what a writer's locks last for).
    const IN_TRANSACTION: bool;

    /// Runs `f` on one consistent view of the book (`Session::reading`).
    fn reading(cell: &RefCell<Self>, f: &mut dyn FnMut(Db<'_>) -> Result<()>) -> Result<()>
    where
        Self: Sized;
}

impl Connected for postgres::Client {
    const IN_TRANSACTION: bool = false;

    fn reading(cell: &RefCell<Self>, f: &mut dyn FnMut(Db<'_>) -> Result<()>) -> Result<()> {
        let mut client = cell.borrow_mut();
        let tx = RefCell::new(read_view(&mut client)?);
        f(Db::Server(&tx))?;
        Ok(tx.into_inner().commit()?)
    }
}

impl Connected for postgres::Transaction<'_> {
    const IN_TRANSACTION: bool = true;

    fn reading(cell: &RefCell<Self>, f: &mut dyn FnMut(Db<'_>) -> Result<()>) -> Result<()> {
        f(Db::Server(cell))
    }
}

/// A read-only, repeatable-read transaction of `client`: one view of the book for a check.
pub(crate) fn read_view(client: &mut postgres::Client) -> Result<postgres::Transaction<'_>> {
    Ok(client
        .build_transaction()
        .isolation_level(postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()?)
}

/// A statement run on `on`: its rows, its count of rows changed, its rows one by one. `T` is the
/// statement's text or a plan prepared for it.
pub(crate) fn query_on<T>(
    on: &mut impl postgres::GenericClient,
    sql: &T,
    params: &[Val<'_>],
) -> Result<Vec<postgres::Row>>
where
    T: ?Sized + postgres::ToStatement,
{
    Ok(on.query(sql, &server_params(params))?)
}

pub(crate) fn execute_on<T>(on: &mut impl postgres::GenericClient, sql: &T, params: &[Val<'_>]) -> Result<u64>
where
    T: ?Sized + postgres::ToStatement,
{
    Ok(on.execute(sql, &server_params(params))?)
}

pub(crate) fn each_on<T>(
    on: &mut impl postgres::GenericClient,
    sql: &T,
    params: &[Val<'_>],
    f: &mut dyn FnMut(&postgres::Row) -> Result<()>,
) -> Result<()>
where
    T: ?Sized + postgres::ToStatement,
{
    use postgres::fallible_iterator::FallibleIterator;
    let mut rows = on.query_raw(sql, server_params(params))?;
    while let Some(row) = rows.next()? {
        f(&row)?;
    }
    Ok(())
}

impl<C: Connected> Session for RefCell<C> {
    fn query(&self, sql: &str, params: &[Val<'_>]) -> Result<Vec<postgres::Row>> {
        query_on(&mut *self.borrow_mut(), sql, params)
    }

    fn execute(&self, sql: &str, params: &[Val<'_>]) -> Result<u64> {
        execute_on(&mut *self.borrow_mut(), sql, params)
    }

    fn in_transaction(&self) -> bool {
        C::IN_TRANSACTION
    }

    fn reading(&self, f: &mut dyn FnMut(Db<'_>) -> Result<()>) -> Result<()> {
        C::reading(self, f)
    }

    fn each(
        &self,
        sql: &str,
        params: &[Val<'_>],
        f: &mut dyn FnMut(&postgres::Row) -> Result<()>,
    ) -> Result<()> {
        each_on(&mut *self.borrow_mut(), sql, params, f)
    }
}

/// A value for a statement's slot: the store keeps integers (cents, ids, days as text, flags as
/// 0 or 1) and text, on both backends alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Val<'v> {
    Null,
    Int(i64),
    Text(&'v str),
}

impl From<i64> for Val<'_> {
    fn from(v: i64) -> Self {
        Val::Int(v)
    }
}

impl From<bool> for Val<'_> {
    fn from(v: bool) -> Self {
        Val::Int(i64::from(v))
    }
}

impl<'v> From<&'v str> for Val<'v> {
    fn from(v: &'v str) -> Self {
        Val::Text(v)
    }
}

impl<'v> From<&'v String> for Val<'v> {
    fn from(v: &'v String) -> Self {
        Val::Text(v)
    }
}

impl<'v, T: Into<Val<'v>>> From<Option<T>> for Val<'v> {
    fn from(v: Option<T>) -> Self {
        v.map_or(Val::Null, Into::into)
    }
}

impl rusqlite::ToSql for Val<'_> {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match *self {
            Val::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Val::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(i)),
            Val::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
        })
    }
}

impl postgres::types::ToSql for Val<'_> {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut bytes::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
        use postgres::types::Type;
        match *self {
            Val::Null => Ok(postgres::types::IsNull::Yes),
            Val::Int(i) if *ty == Type::INT8 => i.to_sql(ty, out),
            Val::Int(i) if *ty == Type::INT4 => i32::try_from(i)?.to_sql(ty, out),
            Val::Int(i) if *ty == Type::BOOL => (i != 0).to_sql(ty, out),
            Val::Text(t) if TEXT.contains(ty) => t.to_sql(ty, out),
            // A statement out of step with its values: an error, not bytes of one type read as another.
            other => Err(format!("{other:?} given for a slot of type {ty}").into()),
        }
    }

    fn accepts(ty: &postgres::types::Type) -> bool {
        use postgres::types::Type;
        [Type::INT8, Type::INT4, Type::BOOL].contains(ty) || TEXT.contains(ty)
    }

    postgres::types::to_sql_checked!();
}

/// The server's types a `Val::Text` goes into.
const TEXT: [postgres::types::Type; 4] = [
    postgres::types::Type::TEXT,
    postgres::types::Type::VARCHAR,
    postgres::types::Type::BPCHAR,
    postgres::types::Type::NAME,
];

/// SQLite's `?N` slots as the server's `$N`, outside quoted text and names.
pub(crate) fn server_sql(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    for c in sql.chars() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '?') => {
                out.push('$');
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

impl<'a> Db<'a> {
    /// Every row of the statement, read as `T`.
    pub(crate) fn rows<T: FromRow>(self, sql: &str, params: &[Val<'_>]) -> Result<Vec<T>> {
        match self {
            Db::File(conn) => {
                super::row::all(&mut *conn.prepare_cached(sql)?, rusqlite::params_from_iter(params))
            }
            Db::Server(s) => {
                s.query(&server_sql(sql), params)?.iter().map(|r| T::read(&mut Cols::server(r))).collect()
            }
        }
    }

    /// The first row of the statement, if any, read as `T`.
    pub(crate) fn first<T: FromRow>(self, sql: &str, params: &[Val<'_>]) -> Result<Option<T>> {
        match self {
            Db::File(conn) => {
                super::row::first(&mut *conn.prepare_cached(sql)?, rusqlite::params_from_iter(params))
            }
            Db::Server(s) => {
                s.query(&server_sql(sql), params)?.first().map(|r| T::read(&mut Cols::server(r))).transpose()
            }
        }
    }

    /// The first column of the first row, if there is a row.
    pub(crate) fn value<T: Readable>(self, sql: &str, params: &[Val<'_>]) -> Result<Option<T>> {
        Ok(self.first::<Single<T>>(sql, params)?.map(|s| s.0))
    }

    /// The first column of every row.
    pub(crate) fn column<T: Readable>(self, sql: &str, params: &[Val<'_>]) -> Result<Vec<T>> {
        Ok(self.rows::<Single<T>>(sql, params)?.into_iter().map(|s| s.0).collect())
    }

    /// Each row of the statement read as `T` and handed to `f` in turn, none kept after: for
    /// statements whose rows are the whole book.
    pub(crate) fn each<T: FromRow>(
        self,
        sql: &str,
        params: &[Val<'_>],
        f: &mut dyn FnMut(T) -> Result<()>,
    ) -> Result<()> {
        match self {
            Db::File(conn) => {
                let mut stmt = conn.prepare_cached(sql)?;
                let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
                while let Some(r) = rows.next()? {
                    f(T::from_row(r)?)?;
                }
                Ok(())
            }
            Db::Server(s) => s.each(&server_sql(sql), params, &mut |r| f(T::read(&mut Cols::server(r))?)),
        }
    }

    /// Runs `f` on one consistent view of the book: the caller's transaction, or a read
    /// transaction of its own that ends with `f`.
    pub(crate) fn reading<T>(self, f: impl FnOnce(Db<'_>) -> Result<T>) -> Result<T> {
        match self {
            Db::File(conn) if conn.is_autocommit() => {
                let tx = conn.unchecked_transaction()?;
                f(Db::File(&tx))
            }
            Db::File(_) => f(self),
            Db::Server(s) => {
                let (mut f, mut out) = (Some(f), None);
                s.reading(&mut |db| {
                    out = f.take().map(|f| f(db)).transpose()?;
                    Ok(())
                })?;
                out.ok_or_else(|| super::StoreError::Corrupt("a read that did not run".into()))
            }
        }
    }

    /// Runs a statement that returns no rows; how many rows it changed.
    pub(crate) fn execute(self, sql: &str, params: &[Val<'_>]) -> Result<u64> {
        match self {
            Db::File(conn) => {
                Ok(conn.prepare_cached(sql)?.execute(rusqlite::params_from_iter(params))? as u64)
            }
            Db::Server(s) => s.execute(&server_sql(sql), params),
        }
    }
}

/// A statement's one column, whatever its name.
struct Single<T>(T);

impl<T: Readable> FromRow for Single<T> {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(Single(c.any()?))
    }
}

/// Ids as one JSON text for a server's statement (`ids_in`): one slot, however many ids.
pub(crate) fn ids_json(ids: impl IntoIterator<Item = i64>) -> String {
    serde_json::Value::from(ids.into_iter().collect::<Vec<_>>()).to_string()
}

/// `IN` the ids of the JSON text in slot `?1` (`ids_json`), on the server.
pub(crate) const IDS_IN: &str =
    "IN (SELECT CAST(value AS BIGINT) FROM jsonb_array_elements_text(CAST(CAST(?1 AS TEXT) AS JSONB)))";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_become_the_servers_outside_quotes() {
        assert_eq!(
            server_sql("SELECT a FROM t WHERE b = ?1 AND c = ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = $12"
        );
        assert_eq!(
            server_sql("SELECT '?1', \"a?\" FROM t WHERE x = ?2"),
            "SELECT '?1', \"a?\" FROM t WHERE x = $2"
        );
        assert_eq!(server_sql("SELECT 'it''s ?' WHERE y = ?1"), "SELECT 'it''s ?' WHERE y = $1");
    }

    #[test]
    fn a_file_runs_the_statement_as_written() {
        let conn = rusqlite::Connection::open_in_memory().expect("db");
        let db = Db::from(&conn);
        db.execute("CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER, f INTEGER)", &[]).expect("table");
        let n = db.execute(
            "INSERT INTO t VALUES (?1, ?2, ?3), ('b', NULL, ?4)",
            &["a".into(), 7.into(), true.into(), false.into()],
        );
        assert_eq!(n.expect("insert"), 2);
        assert_eq!(db.value::<i64>("SELECT n FROM t WHERE k = ?1", &["a".into()]).expect("n"), Some(7));
        assert_eq!(
            db.value::<Option<i64>>("SELECT n FROM t WHERE k = ?1", &["b".into()]).expect("n"),
            Some(None)
        );
        assert_eq!(db.value::<bool>("SELECT f FROM t WHERE k = ?1", &["a".into()]).expect("f"), Some(true));
        assert_eq!(db.value::<i64>("SELECT n FROM t WHERE k = ?1", &["zz".into()]).expect("none"), None);
        let mut seen = Vec::new();
        db.each::<(String, Option<i64>)>("SELECT k, n FROM t ORDER BY k", &[], &mut |row| {
            seen.push(row);
            Ok(())
        })
        .expect("each");
        assert_eq!(seen, [("a".to_string(), Some(7)), ("b".to_string(), None)]);
    }
}

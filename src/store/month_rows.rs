//! Reading month-end rows back for the reports (migration 0022, 0027): only the rows and columns
//! a report asks, a large month-end in two halves on two connections side by side, and the
//! customer references the large-customer report names.

use std::path::Path;
use std::sync::Arc;

use rusqlite::{Connection, OpenFlags};

use super::Result;
use super::db::{Db, Val, server_sql};
use super::month_end::{STATUSES, decode};
use crate::domain::report::{By, Month, MonthRow};
use crate::domain::warning::WarningLevel;
use crate::domain::{Money, Product, RiskClass, Stage};

/// Logins and branch names by id, each shared by the rows that name it; sorted by id (a handful
/// of each: a binary search costs less than hashing on every row).
struct Names {
    logins: Vec<(i64, Arc<str>)>,
    branches: Vec<(i64, Arc<str>)>,
}

impl Names {
    fn read(db: Db<'_>) -> Result<Names> {
        let names = |sql: &str| -> Result<Vec<(i64, Arc<str>)>> {
            let pairs: Vec<(i64, String)> = db.rows(sql, &[])?;
            Ok(pairs.into_iter().map(|(id, name)| (id, Arc::from(name))).collect())
        };
        Ok(Names {
            logins: names("SELECT id, login FROM users ORDER BY id")?,
            branches: names("SELECT id, name FROM month_end_branch ORDER BY id")?,
        })
    }

    fn find(names: &[(i64, Arc<str>)], id: Option<i64>) -> Option<Arc<str>> {
        let id = id?;
        names.binary_search_by_key(&id, |(k, _)| *k).ok().map(|i| names[i].1.clone())
    }
}

/// Which of a month-end's rows a report reads, and how much of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RowsAsked {
    /// Only the loans active at the month-end.
    pub active_only: bool,
    /// The whole row; otherwise only what the flows and the large customers read — loan,
    /// customer, status, DPD, class, outstanding, overdue, and the group of `by` — and the rest
    /// left empty (principal zero, disbursed in the month-end's own month, product the first,
    /// owner and branch none unless `by` names them). SQLite reads half as much for it.
    pub whole: bool,
    pub by: Option<By>,
    /// The stage, warning level and watchlist mark, read with a part of a row too (a whole row
    /// has them).
    pub standing: bool,
}

impl RowsAsked {
    pub const WHOLE: RowsAsked = RowsAsked { active_only: false, whole: true, by: None, standing: true };

    /// What the flows between two month-ends and the large customers read.
    pub fn part(by: Option<By>, active_only: bool) -> RowsAsked {
        RowsAsked { active_only, whole: false, by, standing: false }
    }

    /// Whether the row's origin (principal, disbursed, product), owner, branch and standing
    /// (stage, warning level, watchlist) are read.
    fn reads(self) -> (bool, bool, bool, bool) {
        match (self.whole, self.by) {
            (true, _) => (true, true, true, true),
            (false, by) => {
                (by == Some(By::Product), by == Some(By::Owner), by == Some(By::Branch), self.standing)
            }
        }
    }
}

/// Several month-ends' rows, each asked as it says; with `side_by_side`, the second and later
/// ones each on a connection of its own beside `conn` when the store is a file (on the server one
/// after the other, in the caller's session). Only for rows committed before: a writer whose
/// transaction has not touched them (a capture's last step, its rows committed page by page)
/// reads what the others read.
pub(super) fn month_rows_each(
    db: Db<'_>,
    asks: &[(Month, RowsAsked)],
    side_by_side: bool,
) -> Result<Vec<Vec<MonthRow>>> {
    let read = |db: Db<'_>, (month, asked): (Month, RowsAsked)| {
        month_rows_between(db, asked, month, i64::MIN, i64::MAX)
    };
    let file = match db {
        Db::File(conn) => Some(conn),
        Db::Server(_) => None,
    };
    let path = file.and_then(|c| c.path()).filter(|p| side_by_side && !p.is_empty()).map(Path::new);
    let (Some(path), [first, rest @ ..]) = (path, asks) else {
        return asks.iter().map(|&ask| read(db, ask)).collect();
    };
    std::thread::scope(|scope| {
        let others: Vec<_> =
            rest.iter().map(|&ask| scope.spawn(move || read(Db::from(&side_reader(path)?), ask))).collect();
        let mut out = vec![read(db, *first)?];
        for other in others {
            out.push(joined(other)?);
        }
        Ok(out)
    })
}

/// What a reader on a thread of its own read.
fn joined<T>(reader: std::thread::ScopedJoinHandle<'_, Result<T>>) -> Result<T> {
    reader.join().map_err(|_| super::StoreError::Corrupt("a month-end reader stopped".into()))?
}

/// A second connection to an opened store's file that only reads (`query_only`), for a long
/// read split in parts read side by side, through a memory map as long work reads. Its schema is
/// the opener's, brought up to date already.
pub(super) fn side_reader(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags)?;
    conn.busy_timeout(super::BUSY_TIMEOUT)?;
    conn.pragma_update(None, "query_only", "ON")?;
    conn.pragma_update(None, "mmap_size", super::long_work::LONG_MMAP_BYTES)?;
    Ok(conn)
}

/// Below this many loans a month-end is read in one part.
const SPLIT_FROM: i64 = 100_000;

impl super::Store {
    /// The rows `asked` of a month-end, in loan order; the two halves of its loans read side by
    /// side on two connections when the store is a file and the month-end is large (a report's
    /// wait is mostly this read).
    pub fn month_rows(&self, month: Month, asked: RowsAsked) -> Result<Vec<MonthRow>> {
        let db = self.db();
        let (low, high): (Option<i64>, Option<i64>) = db
            .first(
                "SELECT min(loan_id), max(loan_id) FROM month_end WHERE month = ?1",
                &[month.key().into()],
            )?
            .unwrap_or((None, None));
        let (Some(path), Some(low), Some(high)) = (self.path.as_deref(), low, high) else {
            return month_rows_between(db, asked, month, i64::MIN, i64::MAX);
        };
        if high - low < SPLIT_FROM {
            return month_rows_between(db, asked, month, i64::MIN, i64::MAX);
        }
        let middle = low + (high - low) / 2;
        std::thread::scope(|scope| {
            let upper = scope.spawn(|| {
                let side = side_reader(path)?;
                month_rows_between(Db::from(&side), asked, month, middle + 1, i64::MAX)
            });
            let mut rows = month_rows_between(db, asked, month, i64::MIN, middle)?;
            rows.extend(joined(upper)?);
            Ok(rows)
        })
    }
}

/// A column of a month-end row read by its place, from either backend's row.
trait ByPlace {
    fn int(&self, at: usize) -> Result<i64>;
    fn opt(&self, at: usize) -> Result<Option<i64>>;
}

impl ByPlace for rusqlite::Row<'_> {
    fn int(&self, at: usize) -> Result<i64> {
        Ok(self.get(at)?)
    }

    fn opt(&self, at: usize) -> Result<Option<i64>> {
        Ok(self.get(at)?)
    }
}

impl ByPlace for postgres::Row {
    fn int(&self, at: usize) -> Result<i64> {
        Ok(self.try_get(at)?)
    }

    fn opt(&self, at: usize) -> Result<Option<i64>> {
        Ok(self.try_get(at)?)
    }
}

/// Which columns a statement of `month_rows_between` selects, and where.
struct Layout {
    month: Month,
    origin: bool,
    owner: bool,
    branch: bool,
    standing: bool,
    owner_at: usize,
    branch_at: usize,
    warning_at: usize,
}

impl Layout {
    fn row<R: ByPlace>(&self, r: &R, names: &Names) -> Result<MonthRow> {
        let bad = |what: &str, key: i64| super::StoreError::Corrupt(format!("{what} {key}"));
        let (principal, disbursed, product) = if self.origin {
            let disbursed: i64 = r.int(8)?;
            (
                Money::from_cents(r.int(7)?),
                Month::from_key(disbursed).ok_or_else(|| bad("month", disbursed))?,
                decode(&Product::ALL, r.int(9)?, "product")?,
            )
        } else {
            (Money::ZERO, self.month, Product::ALL[0])
        };
        let standing = self.standing;
        Ok(MonthRow {
            loan: r.int(0)?,
            customer: r.int(1)?,
            status: decode(&STATUSES, r.int(2)?, "status")?,
            dpd: r.int(3)?,
            class: decode(&RiskClass::ALL, r.int(4)?, "class")?,
            outstanding: Money::from_cents(r.int(5)?),
            overdue: Money::from_cents(r.int(6)?),
            principal,
            disbursed,
            product,
            owner: if self.owner { Names::find(&names.logins, r.opt(self.owner_at)?) } else { None },
            branch: if self.branch { Names::find(&names.branches, r.opt(self.branch_at)?) } else { None },
            warning: if standing {
                decode(WarningLevel::ALL, r.int(self.warning_at)?, "warning")?
            } else {
                WarningLevel::None
            },
            watchlist: standing && r.int(self.warning_at + 1)? == 1,
            stage: if standing {
                decode(&Stage::ALL, r.int(self.warning_at + 2)?, "stage")?
            } else {
                Stage::Current
            },
        })
    }
}

fn month_rows_between(
    db: Db<'_>,
    asked: RowsAsked,
    month: Month,
    from: i64,
    to: i64,
) -> Result<Vec<MonthRow>> {
    // Each reader its own names: rows sharing one `Arc` across threads contend on its count.
    let names = Names::read(db)?;
    let (origin, owner, branch, standing) = asked.reads();
    let sql = format!(
        "SELECT loan_id, customer_id, status, dpd, class, outstanding, overdue{}{}{}{} FROM month_end \
         WHERE month = ?1 AND loan_id BETWEEN ?2 AND ?3{} ORDER BY loan_id",
        if origin { ", principal, disbursed, product" } else { "" },
        if owner { ", owner_id" } else { "" },
        if branch { ", branch" } else { "" },
        if standing { ", warning, watchlist, stage" } else { "" },
        if asked.active_only { " AND status = 0" } else { "" },
    );
    let owner_at = 7 + 3 * usize::from(origin);
    let branch_at = owner_at + usize::from(owner);
    let warning_at = branch_at + usize::from(branch);
    let layout = Layout { month, origin, owner, branch, standing, owner_at, branch_at, warning_at };
    let mut out =
        Vec::with_capacity(usize::try_from(to.saturating_sub(from)).unwrap_or(0).clamp(16, 1 << 20));
    let params = [Val::Int(month.key()), Val::Int(from), Val::Int(to)];
    match db {
        Db::File(conn) => {
            let mut q = conn.prepare_cached(&sql)?;
            let mut rows = q.query(rusqlite::params_from_iter(params))?;
            while let Some(r) = rows.next()? {
                out.push(layout.row(r, &names)?);
            }
        }
        // The rows as the server sends them, none kept but the month-end's own.
        Db::Server(s) => s.each(&server_sql(&sql), &params, &mut |r| {
            out.push(layout.row(r, &names)?);
            Ok(())
        })?,
    }
    Ok(out)
}

/// Customers' references by id, for the large-customer report (an empty one for an id not there).
pub fn customer_refs<'a>(db: impl Into<Db<'a>>, ids: &[i64]) -> Result<Vec<String>> {
    let db = db.into();
    let mut order: Vec<usize> = (0..ids.len()).collect();
    order.sort_unstable_by_key(|&i| ids[i]);
    let mut out = vec![String::new(); ids.len()];
    let (Some(&first), Some(&last)) = (order.first(), order.last()) else { return Ok(out) };
    let (low, high) = (ids[first], ids[last]);
    // Many ids close together: one walk over the range beats a lookup each.
    if (ids.len() as i128) * 8 >= i128::from(high) - i128::from(low) {
        let mut wanted = order.iter().peekable();
        db.each::<(i64, String)>(
            "SELECT id, customer_ref FROM customers WHERE id BETWEEN ?1 AND ?2 ORDER BY id",
            &[low.into(), high.into()],
            &mut |(id, reference)| {
                while wanted.next_if(|&&i| ids[i] < id).is_some() {}
                while let Some(i) = wanted.next_if(|&&i| ids[i] == id) {
                    out[*i].clone_from(&reference);
                }
                Ok(())
            },
        )?;
        return Ok(out);
    }
    for i in order {
        if let Some(r) =
            db.value::<String>("SELECT customer_ref FROM customers WHERE id = ?1", &[ids[i].into()])?
        {
            out[i] = r;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use rusqlite::params;

    /// Loans 1..=40 and 200,001..=200,040 (far enough apart for two readers), owners and branches
    /// on some, a few closed.
    fn book(store: &Store, month: Month) {
        let conn = store.conn();
        conn.execute("INSERT INTO month_end_branch (id, name) VALUES (1, '东城'), (2, 'West')", [])
            .expect("branches");
        conn.execute(
            "INSERT INTO users (login, display_name, role, created_at) VALUES ('wang', '王', 'collector', '2026-01-01T09:00:00+08:00')",
            [],
        )
        .expect("user");
        let owner = conn.last_insert_rowid();
        for loan in (1..=40).chain(200_001..=200_040) {
            conn.execute(
                "INSERT INTO month_end (month, loan_id, customer_id, status, dpd, class, outstanding, overdue, \
                 principal, disbursed, product, owner_id, branch) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 202501, ?10, ?11, ?12)",
                params![
                    month.key(),
                    loan,
                    loan % 7,
                    i64::from(loan % 5 == 0),
                    loan % 200,
                    loan % 4,
                    loan * 1000,
                    loan * 10,
                    loan * 2000,
                    loan % 3,
                    (loan % 2 == 0).then_some(owner),
                    [None, Some(1), Some(2)][(loan % 3) as usize],
                ],
            )
            .expect("row");
        }
    }

    #[test]
    fn a_month_end_read_in_two_halves_equals_one_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("desk.db")).expect("open");
        let month: Month = "2026-01".parse().expect("month");
        book(&store, month);
        let whole = month_rows_between(store.conn().into(), RowsAsked::WHOLE, month, i64::MIN, i64::MAX)
            .expect("one read");
        assert_eq!(whole.len(), 80);
        assert!(
            whole.iter().any(|r| r.branch.as_deref() == Some("东城"))
                && whole.iter().any(|r| r.owner.is_some())
        );
        assert_eq!(store.month_rows(month, RowsAsked::WHOLE).expect("two readers"), whole);

        for by in [None, Some(By::Branch), Some(By::Owner), Some(By::Product)] {
            for active_only in [false, true] {
                let part = store.month_rows(month, RowsAsked::part(by, active_only)).expect("part");
                let expected: Vec<&MonthRow> = whole.iter().filter(|r| !active_only || r.active()).collect();
                assert_eq!(part.len(), expected.len(), "{by:?} {active_only}");
                for (got, want) in part.iter().zip(expected) {
                    let kept = (
                        got.loan,
                        got.customer,
                        got.status,
                        got.dpd,
                        got.class,
                        got.outstanding,
                        got.overdue,
                    );
                    assert_eq!(
                        kept,
                        (
                            want.loan,
                            want.customer,
                            want.status,
                            want.dpd,
                            want.class,
                            want.outstanding,
                            want.overdue
                        )
                    );
                    if let Some(by) = by {
                        assert_eq!(by.word(got), by.word(want), "the group is read");
                    }
                }
            }
        }
    }

    #[test]
    fn customer_references_come_back_in_the_order_asked_walked_or_looked_up() {
        let store = Store::open_in_memory().expect("store");
        let conn = store.conn();
        for id in (1..=10).chain([5000]) {
            conn.execute(
                "INSERT INTO customers (id, customer_ref, name) VALUES (?1, ?2, '客户')",
                params![id, format!("C{id}")],
            )
            .expect("customer");
        }
        // Close together: one walk over the ids.
        assert_eq!(customer_refs(conn, &[3, 1, 3, 10]).expect("walk"), ["C3", "C1", "C3", "C10"]);
        // Far apart: a lookup each; an id not there comes back empty.
        assert_eq!(customer_refs(conn, &[5000, 2, 99_999]).expect("lookups"), ["C5000", "C2", ""]);
        assert_eq!(customer_refs(conn, &[]).expect("none"), Vec::<String>::new());
    }
}

//! Month-end aggregates (migration 0024): what each report takes from a month-end's rows, computed
//! by `domain::report` from them when the month-end is captured (and for the pairs with the month
//! before and after it), whole and by each grouping, and read back instead of the rows. A capture
//! is finished (or a month-end forgotten) here, with its aggregates, in the caller's transaction.

use std::collections::BTreeMap;

use super::Result;
use super::db::Db;
use super::month_end::{code, month_end_info};
use super::month_rows::{RowsAsked, month_rows_each};
use super::row::{Cols, FromRow};
use crate::domain::Money;
use crate::domain::report::{
    By, Cohort, Flow, FlowKind, Month, MonthRow, NplPoint, cohorts, group_rows, grouped_flows_each, npl_point,
};

/// Marks a month-end's capture complete, with its aggregates and the flows from the month-end
/// before it and to the one after it written in the same transaction.
pub fn finish_capture<'a>(
    db: impl Into<Db<'a>>,
    month: Month,
    source: &str,
    actor: &str,
    at: &str,
    rows: RowsWritten,
) -> Result<u64> {
    let db = db.into();
    let loans: i64 =
        db.value("SELECT count(*) FROM month_end WHERE month = ?1", &[month.key().into()])?.unwrap_or(0);
    // In place of any row before, as a new one: not aggregated until the aggregates below are.
    let as_of = month.last_day().to_string();
    db.execute(
        "INSERT INTO month_ends (month, as_of, source, actor, loans, captured_at, full_rows) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1) ON CONFLICT (month) DO UPDATE SET as_of = excluded.as_of, \
         source = excluded.source, actor = excluded.actor, loans = excluded.loans, \
         captured_at = excluded.captured_at, full_rows = excluded.full_rows, aggregated = excluded.aggregated",
        &[month.key().into(), (&as_of).into(), source.into(), actor.into(), loans.into(), at.into()],
    )?;
    aggregate_month(db, month, true, rows)?;
    Ok(u64::try_from(loans).unwrap_or(0))
}

/// Where the month-end rows a capture finishes were written: committed before (a page a
/// transaction, so other connections may read them beside the writer), or in the writer's own
/// transaction (the demo's history, aggregates made on opening), where only it sees them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowsWritten {
    Committed,
    InThisTransaction,
}

/// Forgets a month-end (to capture it again).
pub fn forget_month_end<'a>(db: impl Into<Db<'a>>, month: Month) -> Result<()> {
    let db = db.into();
    db.execute("DELETE FROM month_ends WHERE month = ?1", &[month.key().into()])?;
    db.execute("DELETE FROM month_end WHERE month = ?1", &[month.key().into()])?;
    forget_aggregates(db, month)
}

/// A group's aggregates of one kind, `None` the whole book.
pub type Grouped<T> = Vec<(Option<String>, T)>;

const KINDS: [FlowKind; 2] = [FlowKind::Class, FlowKind::Bucket];

/// The whole book, then each grouping.
fn groupings() -> impl Iterator<Item = Option<By>> {
    std::iter::once(None).chain(By::ALL.iter().copied().map(Some))
}

fn grouping_code(by: Option<By>) -> i64 {
    by.map_or(0, |b| code(By::ALL, &b) + 1)
}

fn kind_code(kind: FlowKind) -> i64 {
    code(&KINDS, &kind)
}

/// The stored word of a group ('' for the whole book) and back.
fn grp<S: AsRef<str>>(group: &Option<S>) -> &str {
    group.as_ref().map_or("", |g| g.as_ref())
}

fn group_from(by: Option<By>, grp: String) -> Option<String> {
    by.map(|_| grp)
}

/// Whether the month-end's aggregates are written.
pub fn aggregated<'a>(db: impl Into<Db<'a>>, month: Month) -> Result<bool> {
    let on: Option<i64> =
        db.into().value("SELECT aggregated FROM month_ends WHERE month = ?1", &[month.key().into()])?;
    Ok(on == Some(1))
}

/// Whether the flows from `m1` to the month after it are written: both month-ends aggregated.
pub fn pair_aggregated<'a>(db: impl Into<Db<'a>>, m1: Month) -> Result<bool> {
    let db = db.into();
    Ok(aggregated(db, m1)? && aggregated(db, m1.plus(1))?)
}

/// Month-ends recorded without their aggregates (a store from before them), oldest first.
pub fn aggregates_pending<'a>(db: impl Into<Db<'a>>) -> Result<Vec<Month>> {
    let keys: Vec<i64> =
        db.into().column("SELECT month FROM month_ends WHERE aggregated = 0 ORDER BY month", &[])?;
    Ok(keys.into_iter().filter_map(Month::from_key).collect())
}

/// Writes the aggregates of every month-end recorded without them, oldest first.
pub fn aggregate_pending<'a>(db: impl Into<Db<'a>>) -> Result<()> {
    let db = db.into();
    let pending = aggregates_pending(db)?;
    for &month in &pending {
        // A pending month after this one writes the pair with it itself.
        aggregate_month(db, month, !pending.contains(&month.plus(1)), RowsWritten::InThisTransaction)?;
    }
    Ok(())
}

/// The server's advisory lock under which month-end aggregates are written, until the
/// transaction ends.
const AGGREGATES_LOCK: i64 = 0x6475_6564_6573_6b4d;

/// Writes a complete month-end's aggregates, in place of any it had, and the flows from the
/// month-end before it (if recorded) and, with `next`, to the one after it (if recorded), then
/// marks it aggregated.
pub fn aggregate_month<'a>(
    db: impl Into<Db<'a>>,
    month: Month,
    next: bool,
    rows_are: RowsWritten,
) -> Result<()> {
    let db = db.into();
    if let Db::Server(_) = db {
        // Two desks finishing month-ends at once would each delete and write the same aggregates
        // (and flows between their months); the file's writer is alone.
        db.execute("SELECT pg_advisory_xact_lock(?1)", &[AGGREGATES_LOCK.into()])?;
    }
    let (prev, after) = (month.plus(-1), month.plus(1));
    let with_prev = month_end_info(db, prev)?.is_some();
    let with_next = next && month_end_info(db, after)?.is_some();
    // The month-end and those beside it read side by side; the one after only as far as the
    // flows into it need (its state, not its groups).
    let mut asks = vec![(month, RowsAsked::WHOLE)];
    if with_prev {
        asks.push((prev, RowsAsked::WHOLE));
    }
    if with_next {
        asks.push((after, RowsAsked::part(None, false)));
    }
    let mut read = month_rows_each(db, &asks, rows_are == RowsWritten::Committed)?.into_iter();
    let rows = read.next().unwrap_or_default();
    let (prev_rows, next_rows) =
        (with_prev.then(|| read.next()).flatten(), with_next.then(|| read.next()).flatten());
    forget_own(db, month)?;
    for by in groupings() {
        write_month(db, month, by, &rows)?;
    }
    db.execute("DELETE FROM month_agg_flow WHERE month = ?1", &[prev.key().into()])?;
    if let Some(prev_rows) = prev_rows {
        write_flows(db, prev, &prev_rows, &rows)?;
    }
    if next {
        db.execute("DELETE FROM month_agg_flow WHERE month = ?1", &[month.key().into()])?;
        if let Some(next_rows) = next_rows {
            write_flows(db, month, &rows, &next_rows)?;
        }
    }
    db.execute("UPDATE month_ends SET aggregated = 1 WHERE month = ?1", &[month.key().into()])?;
    Ok(())
}

fn forget_own(db: Db<'_>, month: Month) -> Result<()> {
    for table in ["month_agg_npl", "month_agg_cohort"] {
        db.execute(&format!("DELETE FROM {table} WHERE month = ?1"), &[month.key().into()])?;
    }
    Ok(())
}

/// Forgets a month-end's aggregates and the flows from and to it.
pub(super) fn forget_aggregates(db: Db<'_>, month: Month) -> Result<()> {
    forget_own(db, month)?;
    db.execute(
        "DELETE FROM month_agg_flow WHERE month IN (?1, ?2)",
        &[month.plus(-1).key().into(), month.key().into()],
    )?;
    Ok(())
}

fn write_month(db: Db<'_>, month: Month, by: Option<By>, rows: &[MonthRow]) -> Result<()> {
    let groups = group_rows(by, rows);
    let g = grouping_code(by);
    for (group, rows) in &groups {
        let p = npl_point(month, rows.iter().copied());
        db.execute(
            "INSERT INTO month_agg_npl (month, grouping, grp, loans, outstanding, npl_loans, npl_outstanding) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            &[
                month.key().into(),
                g.into(),
                grp(group).into(),
                count(p.loans).into(),
                p.outstanding.cents().into(),
                count(p.npl_loans).into(),
                p.npl_outstanding.cents().into(),
            ],
        )?;
        for c in cohorts(rows.iter().copied()) {
            db.execute(
                "INSERT INTO month_agg_cohort (month, grouping, grp, cohort, loans, disbursed, bad) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                &[
                    month.key().into(),
                    g.into(),
                    grp(group).into(),
                    c.cohort.key().into(),
                    count(c.loans).into(),
                    c.disbursed.cents().into(),
                    c.bad.cents().into(),
                ],
            )?;
        }
    }
    Ok(())
}

fn write_flows(db: Db<'_>, m1: Month, rows1: &[MonthRow], rows2: &[MonthRow]) -> Result<()> {
    let bys: Vec<Option<By>> = groupings().collect();
    for (by, kind, groups) in grouped_flows_each(rows1, rows2, &bys, &KINDS) {
        for (group, flows) in groups {
            for f in flows {
                db.execute(
                    "INSERT INTO month_agg_flow (month, kind, grouping, grp, from_rank, to_rank, count, principal) \
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    &[
                        m1.key().into(),
                        kind_code(kind).into(),
                        grouping_code(by).into(),
                        grp(&group).into(),
                        (kind.rank(f.from) as i64).into(),
                        (kind.rank(f.to) as i64).into(),
                        count(f.count).into(),
                        f.principal.cents().into(),
                    ],
                )?;
            }
        }
    }
    Ok(())
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn uncount(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// A stored aggregate's row: its group's word and four integers, as each table names them.
struct AggRow {
    grp: String,
    n: [i64; 4],
}

/// Reads `grp` then the four columns named in `names`, in order.
fn agg_row(c: &mut Cols<'_, '_>, names: [&str; 4]) -> Result<AggRow> {
    let grp = c.get("grp")?;
    let mut n = [0; 4];
    for (at, name) in names.iter().enumerate() {
        n[at] = c.get(name)?;
    }
    Ok(AggRow { grp, n })
}

struct NplRow(AggRow);
struct CohortRow(AggRow);
struct FlowRow(AggRow);

impl FromRow for NplRow {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(NplRow(agg_row(c, ["loans", "outstanding", "npl_loans", "npl_outstanding"])?))
    }
}

impl FromRow for CohortRow {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(CohortRow(agg_row(c, ["cohort", "loans", "disbursed", "bad"])?))
    }
}

impl FromRow for FlowRow {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(FlowRow(agg_row(c, ["from_rank", "to_rank", "count", "principal"])?))
    }
}

/// The NPL sums of each group with a row at the month-end, in group order.
pub fn agg_npl<'a>(db: impl Into<Db<'a>>, month: Month, by: Option<By>) -> Result<Grouped<NplPoint>> {
    let rows: Vec<NplRow> = db.into().rows(
        "SELECT grp, loans, outstanding, npl_loans, npl_outstanding FROM month_agg_npl \
         WHERE month = ?1 AND grouping = ?2 ORDER BY grp",
        &[month.key().into(), grouping_code(by).into()],
    )?;
    Ok(rows
        .into_iter()
        .map(|NplRow(AggRow { grp, n: [loans, outstanding, npl_loans, npl_outstanding] })| {
            let point = NplPoint::new(
                month,
                uncount(loans),
                Money::from_cents(outstanding),
                uncount(npl_loans),
                Money::from_cents(npl_outstanding),
            );
            (group_from(by, grp), point)
        })
        .collect())
}

/// Each group's cohorts at the month-end.
pub fn agg_cohorts<'a>(db: impl Into<Db<'a>>, month: Month, by: Option<By>) -> Result<Grouped<Vec<Cohort>>> {
    let rows: Vec<CohortRow> = db.into().rows(
        "SELECT grp, cohort, loans, disbursed, bad FROM month_agg_cohort \
         WHERE month = ?1 AND grouping = ?2 ORDER BY grp, cohort",
        &[month.key().into(), grouping_code(by).into()],
    )?;
    let mut out: BTreeMap<Option<String>, Vec<Cohort>> = BTreeMap::new();
    for CohortRow(AggRow { grp, n: [cohort, loans, disbursed, bad] }) in rows {
        let cohort = Month::from_key(cohort)
            .ok_or_else(|| super::StoreError::Corrupt(format!("month-end cohort {cohort}")))?;
        out.entry(group_from(by, grp)).or_default().push(Cohort {
            cohort,
            loans: uncount(loans),
            disbursed: Money::from_cents(disbursed),
            bad: Money::from_cents(bad),
        });
    }
    Ok(out.into_iter().collect())
}

/// The flows of `kind` from `m1` to the month after it of each group with a row at `m1` (with
/// flows or without).
pub fn agg_flows<'a>(
    db: impl Into<Db<'a>>,
    m1: Month,
    by: Option<By>,
    kind: FlowKind,
) -> Result<Grouped<Vec<Flow>>> {
    let db = db.into();
    let mut out: BTreeMap<Option<String>, Vec<Flow>> =
        agg_npl(db, m1, by)?.into_iter().map(|(g, _)| (g, Vec::new())).collect();
    let rows: Vec<FlowRow> = db.rows(
        "SELECT grp, from_rank, to_rank, count, principal FROM month_agg_flow \
         WHERE month = ?1 AND kind = ?2 AND grouping = ?3 ORDER BY grp, from_rank, to_rank",
        &[m1.key().into(), kind_code(kind).into(), grouping_code(by).into()],
    )?;
    for FlowRow(AggRow { grp, n: [from, to, n, principal] }) in rows {
        let word = |rank: i64| {
            usize::try_from(rank)
                .ok()
                .and_then(|r| kind.word(r))
                .ok_or_else(|| super::StoreError::Corrupt(format!("month-end flow rank {rank}")))
        };
        out.entry(group_from(by, grp)).or_default().push(Flow {
            from: word(from)?,
            to: word(to)?,
            count: uncount(n),
            principal: Money::from_cents(principal),
        });
    }
    Ok(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, finish_capture, forget_month_end};
    use rusqlite::{Connection, params};

    fn month(s: &str) -> Month {
        s.parse().expect("month")
    }

    /// One loan's row: status 0 active / 1 closed, class as its code, outstanding in cents.
    fn put(conn: &Connection, m: &str, status: i64, dpd: i64, class: i64, outstanding: i64) {
        conn.execute(
            "INSERT INTO month_end (month, loan_id, customer_id, status, dpd, class, outstanding, overdue, \
             principal, disbursed, product, owner_id, branch) VALUES (?1, 1, 1, ?2, ?3, ?4, ?5, 0, 5000, 202512, 0, NULL, NULL)",
            params![month(m).key(), status, dpd, class, outstanding],
        )
        .expect("row");
    }

    fn capture(conn: &Connection, m: &str) {
        finish_capture(
            conn,
            month(m),
            "capture",
            "admin",
            "2026-03-01T10:00:00+08:00",
            RowsWritten::InThisTransaction,
        )
        .expect("capture");
    }

    fn class_flows(conn: &Connection) -> Vec<(&'static str, &'static str, u64, i64)> {
        let groups = agg_flows(conn, month("2026-01"), None, FlowKind::Class).expect("flows");
        groups
            .into_iter()
            .flat_map(|(_, f)| f)
            .map(|f| (f.from, f.to, f.count, f.principal.cents()))
            .collect()
    }

    #[test]
    fn a_recapture_writes_the_flows_with_the_month_before_and_after_again() {
        let store = Store::open_in_memory().expect("store");
        let conn = store.conn();
        put(conn, "2026-01", 0, 0, 0, 4000);
        capture(conn, "2026-01");
        assert!(!pair_aggregated(conn, month("2026-01")).expect("pair"));
        put(conn, "2026-02", 0, 40, 1, 3900);
        capture(conn, "2026-02");
        assert!(pair_aggregated(conn, month("2026-01")).expect("pair"));
        assert_eq!(class_flows(conn), [("normal", "special_mention", 1, 4000)]);

        // The month before captured again: the flows to the month after it follow.
        forget_month_end(conn, month("2026-01")).expect("forget");
        assert!(!pair_aggregated(conn, month("2026-01")).expect("pair"));
        put(conn, "2026-01", 0, 35, 1, 4100);
        capture(conn, "2026-01");
        assert_eq!(class_flows(conn), [("special_mention", "special_mention", 1, 4100)]);

        // The month after captured again: the flows from the month before it follow.
        forget_month_end(conn, month("2026-02")).expect("forget");
        put(conn, "2026-02", 1, 0, 0, 0);
        capture(conn, "2026-02");
        assert_eq!(class_flows(conn), [("special_mention", "closed", 1, 4100)]);
        let npl = agg_npl(conn, month("2026-02"), None).expect("npl");
        assert_eq!(npl.len(), 1);
        assert_eq!((npl[0].1.loans, npl[0].1.outstanding.cents()), (0, 0));
    }
}

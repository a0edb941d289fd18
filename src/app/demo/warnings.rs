//! The demo book's early warning, from a stream of the seed of its own: the signals its
//! payments and post-loan work raise as of its date (the run's pass), and a handful raised by
//! the owners with measures taken, a few customers put on the watchlist by hand.

use crate::store::Db;

use super::rng::Rng;
use crate::app::Result;
use crate::domain::warning::{Category, Level, MeasureKind, SignalCode};
use crate::store::{self, LoanId};

/// Mixed into the seed for early warning's own draws.
pub(super) const WARNING_STREAM: u64 = 0x1717_1717_1717_1717;

const NOTES: &[(Category, &str)] = &[
    (Category::Lawsuit, "供应商起诉，账户可能被冻结"),
    (Category::BusinessStopped, "门店停业整顿两周"),
    (Category::IncomeLoss, "借款人称本月工资减半"),
    (Category::ControlChange, "实际控制人变更，新股东未露面"),
    (Category::Enforcement, "法院执行信息网有被执行记录"),
    (Category::Other, "邻居反映借款人已外出务工"),
];

const MEASURES: &[(MeasureKind, &str)] = &[
    (MeasureKind::IntensifiedMonitoring, "每周电话回访一次"),
    (MeasureKind::Collection, "上门催收，约定月底前还款"),
    (MeasureKind::MoreSecurity, "要求追加担保人"),
    (MeasureKind::SpecialInspection, "安排专项检查"),
];

/// Raises a few signals by hand on overdue loans, with a measure on most, and puts a few of
/// their customers on the watchlist; the number raised.
pub(super) fn manual<'a>(
    conn: impl Into<Db<'a>>,
    seed: u64,
    as_of: chrono::NaiveDate,
    stamp: &str,
    owners: &[String],
    schedule: (&crate::domain::inspection::InspectionRules, &store::StateAt),
) -> Result<u64> {
    let conn = conn.into();
    let mut rng = Rng::new(seed ^ WARNING_STREAM);
    let overdue: Vec<(LoanId, store::CustomerId)> = conn.rows(
        "SELECT s.loan_id, l.customer_id FROM loan_state s JOIN loans l ON l.id = s.loan_id \
         WHERE s.status = 'active' AND s.overdue_since IS NOT NULL ORDER BY s.loan_id",
        &[],
    )?;
    let want = (overdue.len() / 150).clamp(1, 40);
    let mut raised = 0u64;
    let mut watched = Vec::new();
    for (k, (loan, customer)) in overdue.iter().enumerate() {
        if raised as usize >= want || k % 150 != 7 {
            continue;
        }
        let (category, note) = rng.pick(NOTES);
        let level = rng.weighted(&[(Level::Yellow, 5), (Level::Orange, 4), (Level::Red, 1)]);
        let by = owners.get(rng.below(owners.len().max(1) as u64) as usize).cloned().unwrap_or_default();
        let s = store::NewSignal {
            loan: *loan,
            code: SignalCode::Manual,
            category: Some(category),
            level,
            raised_on: as_of - chrono::Duration::days(rng.range(1, 40)),
            raised_by: &by,
            note: Some(note),
            at: stamp,
        };
        let id = store::open_signal(conn, &s)?;
        raised += 1;
        if rng.chance(70) {
            let (kind, what) = rng.pick(MEASURES);
            store::add_measure(conn, id, kind, as_of, &by, what, stamp)?;
        }
        if level != Level::Yellow
            && rng.chance(50)
            && store::enter_watchlist(conn, *customer, as_of, &by, note, stamp)?
        {
            watched.push(*customer);
        }
    }
    // The watchlist's customers are inspected monthly from now.
    crate::app::inspect::reschedule_customers(conn, &watched, schedule.0, schedule.1)?;
    Ok(raised)
}

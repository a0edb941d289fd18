//! The demo book's month-end history (DOMAIN §11): the last `HISTORY` month-ends before its date,
//! each recomputed from the ledger as `report capture` does, so every chart of the Reports screen
//! has a shape on first run; and the collectors' targets of the last three months.

use crate::store::Db;

use crate::app::Result;
use crate::app::escalate::{BY_CAPTURE, CAPTURE_BATCH};
use crate::domain::AssessRules;
use crate::domain::Role;
use crate::domain::report::Month;
use crate::domain::scorecard::Kpi;
use crate::store;

/// Month-ends the demo book remembers.
pub const HISTORY: i32 = 18;

/// Records the `HISTORY` month-ends up to the last one on or before `as_of`.
pub(super) fn capture<'a>(
    conn: impl Into<Db<'a>>,
    as_of: chrono::NaiveDate,
    rules: &AssessRules,
    actor: &str,
    stamp: &str,
) -> Result<()> {
    let conn = conn.into();
    let last = Month::last_ended_by(as_of);
    for back in (0..HISTORY).rev() {
        let month = last.plus(-back);
        store::capture_from_ledger_in(conn, month, rules, CAPTURE_BATCH as usize)?;
        store::finish_capture(conn, month, BY_CAPTURE, actor, stamp, store::RowsWritten::InThisTransaction)?;
    }
    Ok(())
}

/// Each collector's targets for the desk's month and the two before, so the team's scorecard is
/// measured against something: 100,000.00 collected, 60 % of promises kept, 50 % right-party
/// contacts, 2 cures.
pub(super) fn targets<'a>(conn: impl Into<Db<'a>>, as_of: chrono::NaiveDate) -> Result<()> {
    let conn = conn.into();
    let month = Month::of(as_of);
    for u in store::list_users(conn)?.into_iter().filter(|u| u.role == Role::Collector) {
        for back in 0..3 {
            for (kpi, t) in
                [(Kpi::Collected, 10_000_000), (Kpi::PtpKept, 6_000), (Kpi::Rpc, 5_000), (Kpi::Cured, 2)]
            {
                store::set_target(conn, u.id, month.plus(-back), kpi, t)?;
            }
        }
    }
    Ok(())
}

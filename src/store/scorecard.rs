//! The scorecard's figures by index ranges per user and month, its targets, and closed months'
//! cards as they were (migration 0022).

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, params};

use super::Result;
use super::users::UserId;
use crate::domain::Money;
use crate::domain::report::Month;
use crate::domain::scorecard::Kpi;

pub fn set_target(conn: &Connection, user: UserId, month: Month, kpi: Kpi, target: i64) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO score_targets (user_id, month, kpi, target) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (user_id, month, kpi) DO UPDATE SET target = excluded.target",
    )?
    .execute(params![user, month.key(), kpi.as_str(), target])?;
    Ok(())
}

pub fn targets_of(conn: &Connection, user: UserId, month: Month) -> Result<Vec<(Kpi, i64)>> {
    let rows = conn
        .prepare_cached("SELECT kpi, target FROM score_targets WHERE user_id = ?1 AND month = ?2")?
        .query_map(params![user, month.key()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter().map(|(k, t)| Ok((k.parse().map_err(super::row::corrupt("kpi"))?, t))).collect()
}

/// Payments dated from `from` to `to` (inclusive) by the owner of the loan's customer on the
/// payment's date (the latest assignment made by the end of that day; before the first, the
/// first owner, who held the case from the start).
pub fn collected_by_owner(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<UserId, Money>> {
    let rows = conn
        .prepare_cached(
            "SELECT coalesce((SELECT a.to_user_id FROM assignments a WHERE a.customer_id = l.customer_id \
                     AND a.at < date(p.paid_on, '+1 day') ORDER BY a.at DESC, a.id DESC LIMIT 1), \
                     (SELECT a.to_user_id FROM assignments a WHERE a.customer_id = l.customer_id \
                     ORDER BY a.at, a.id LIMIT 1)) AS owner, \
             sum(p.amount_cents) FROM payments p JOIN loans l ON l.id = p.loan_id \
             WHERE p.paid_on BETWEEN ?1 AND ?2 GROUP BY owner",
        )?
        .query_map(params![from.to_string(), to.to_string()], |r| {
            Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, i64>(1)?))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows.into_iter().filter_map(|(u, c)| Some((UserId(u?), Money::from_cents(c)))).collect())
}

/// The user's call attempts to debtors in the range (inclusive) and, of them, right-party contacts
/// (promise, paid, refused, dispute or callback); corrections and what was taken back left out.
pub fn right_party(conn: &Connection, user: UserId, from: NaiveDate, to: NaiveDate) -> Result<(u64, u64)> {
    let (rpc, attempts): (i64, i64) = conn
        .prepare_cached(
            "SELECT coalesce(sum(outcome IN ('promise', 'paid', 'refused', 'dispute', 'callback')), 0), count(*) \
             FROM contacts k WHERE user_id = ?1 AND at >= ?2 AND at < date(?3, '+1 day') \
             AND party = 'debtor' AND channel = 'call' AND direction = 'outbound' AND corrects_id IS NULL \
             AND NOT EXISTS (SELECT 1 FROM contacts v WHERE v.voids = 1 AND v.corrects_id = k.id)",
        )?
        .query_row(params![user, from.to_string(), to.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok((u64::try_from(rpc).unwrap_or(0), u64::try_from(attempts).unwrap_or(0)))
}

/// Loans of the user's customers cured (back to current from a collection stage) in the range.
pub fn cured_by(conn: &Connection, user: UserId, from: NaiveDate, to: NaiveDate) -> Result<u64> {
    let n: i64 = conn
        .prepare_cached(
            "SELECT count(*) FROM stage_events e JOIN loans l ON l.id = e.loan_id \
             JOIN customers c ON c.id = l.customer_id WHERE c.assignee_id = ?1 AND e.as_of BETWEEN ?2 AND ?3 \
             AND e.to_stage = 'current' AND e.from_stage IN ('reminder', 'negotiation', 'guarantor', 'legal')",
        )?
        .query_row(params![user, from.to_string(), to.to_string()], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The user's work log entries whose signature fell due in the range, and of them those signed
/// on time.
pub fn logs_signed(conn: &Connection, user: UserId, from: NaiveDate, to: NaiveDate) -> Result<(u64, u64)> {
    let (on_time, due): (i64, i64) = conn
        .prepare_cached(
            "SELECT coalesce(sum(signed_on IS NOT NULL AND signed_on <= sign_due), 0), count(*) FROM work_logs \
             WHERE user_id = ?1 AND sign_due BETWEEN ?2 AND ?3",
        )?
        .query_row(params![user, from.to_string(), to.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok((u64::try_from(on_time).unwrap_or(0), u64::try_from(due).unwrap_or(0)))
}

/// Keeps a closed month's card.
pub fn close_card(
    conn: &Connection,
    month: Month,
    user: UserId,
    card: &str,
    at: &str,
    by: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO scorecards (month, user_id, card, closed_at, closed_by) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![month.key(), user, card, at, by])?;
    Ok(())
}

/// A closed month's cards (JSON) by user id.
pub fn closed_cards(conn: &Connection, month: Month) -> Result<Vec<(UserId, String)>> {
    Ok(conn
        .prepare_cached("SELECT user_id, card FROM scorecards WHERE month = ?1 ORDER BY user_id")?
        .query_map([month.key()], |r| Ok((UserId(r.get(0)?), r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

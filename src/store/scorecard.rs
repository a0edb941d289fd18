//! The scorecard's figures by index ranges per user and month, its targets, and closed months'
//! cards as they were (migration 0022).

use std::collections::HashMap;

use chrono::NaiveDate;

use super::Result;
use super::db::Db;
use super::users::UserId;
use crate::domain::Money;
use crate::domain::report::Month;
use crate::domain::scorecard::Kpi;

pub fn set_target<'a>(
    db: impl Into<Db<'a>>,
    user: UserId,
    month: Month,
    kpi: Kpi,
    target: i64,
) -> Result<()> {
    db.into().execute(
        "INSERT INTO score_targets (user_id, month, kpi, target) VALUES (?1, ?2, ?3, ?4) \
         ON CONFLICT (user_id, month, kpi) DO UPDATE SET target = excluded.target",
        &[user.0.into(), month.key().into(), kpi.as_str().into(), target.into()],
    )?;
    Ok(())
}

/// The user's targets of the month, by KPI word (the key's own order on SQLite).
pub fn targets_of<'a>(db: impl Into<Db<'a>>, user: UserId, month: Month) -> Result<Vec<(Kpi, i64)>> {
    let rows: Vec<(String, i64)> = db.into().rows(
        "SELECT kpi, target FROM score_targets WHERE user_id = ?1 AND month = ?2 ORDER BY kpi",
        &[user.0.into(), month.key().into()],
    )?;
    rows.into_iter().map(|(k, t)| Ok((k.parse().map_err(super::row::corrupt("kpi"))?, t))).collect()
}

/// Payments dated from `from` to `to` (inclusive) by the owner of the loan's customer on the
/// payment's date (the latest assignment made by the end of that day; before the first, the
/// first owner, who held the case from the start).
pub fn collected_by_owner<'a>(
    db: impl Into<Db<'a>>,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<HashMap<UserId, Money>> {
    let db = db.into();
    // The day after the payment's, as text to compare the assignment's stamp with.
    let next_day = match db {
        Db::File(_) => "date(p.paid_on, '+1 day')",
        Db::Server(_) => "to_char(CAST(p.paid_on AS DATE) + 1, 'YYYY-MM-DD')",
    };
    let sql = format!(
        "SELECT coalesce((SELECT a.to_user_id FROM assignments a WHERE a.customer_id = l.customer_id \
                 AND a.at < {next_day} ORDER BY a.at DESC, a.id DESC LIMIT 1), \
                 (SELECT a.to_user_id FROM assignments a WHERE a.customer_id = l.customer_id \
                 ORDER BY a.at, a.id LIMIT 1)) AS owner, \
         CAST(sum(p.amount_cents) AS BIGINT) FROM payments p JOIN loans l ON l.id = p.loan_id \
         WHERE p.paid_on BETWEEN ?1 AND ?2 GROUP BY owner"
    );
    let (from, to) = (from.to_string(), to.to_string());
    let rows: Vec<(Option<UserId>, i64)> = db.rows(&sql, &[(&from).into(), (&to).into()])?;
    Ok(rows.into_iter().filter_map(|(u, c)| Some((u?, Money::from_cents(c)))).collect())
}

/// The day after `to`, as the stamps' text compares with it.
fn day_after(to: NaiveDate) -> String {
    to.succ_opt().unwrap_or(NaiveDate::MAX).to_string()
}

/// The user's call attempts to debtors in the range (inclusive) and, of them, right-party contacts
/// (promise, paid, refused, dispute or callback); corrections and what was taken back left out.
pub fn right_party<'a>(
    db: impl Into<Db<'a>>,
    user: UserId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(u64, u64)> {
    let (from, until) = (from.to_string(), day_after(to));
    let (rpc, attempts): (i64, i64) = db
        .into()
        .first(
            "SELECT CAST(coalesce(sum(CASE WHEN outcome IN ('promise', 'paid', 'refused', 'dispute', 'callback') \
             THEN 1 ELSE 0 END), 0) AS BIGINT), count(*) \
             FROM contacts k WHERE user_id = ?1 AND at >= ?2 AND at < ?3 \
             AND party = 'debtor' AND channel = 'call' AND direction = 'outbound' AND corrects_id IS NULL \
             AND NOT EXISTS (SELECT 1 FROM contacts v WHERE v.voids = 1 AND v.corrects_id = k.id)",
            &[user.0.into(), (&from).into(), (&until).into()],
        )?
        .unwrap_or((0, 0));
    Ok((u64::try_from(rpc).unwrap_or(0), u64::try_from(attempts).unwrap_or(0)))
}

/// Loans of the user's customers cured (back to current from a collection stage) in the range.
pub fn cured_by<'a>(db: impl Into<Db<'a>>, user: UserId, from: NaiveDate, to: NaiveDate) -> Result<u64> {
    let (from, to) = (from.to_string(), to.to_string());
    let n: i64 = db
        .into()
        .value(
            "SELECT count(*) FROM stage_events e JOIN loans l ON l.id = e.loan_id \
             JOIN customers c ON c.id = l.customer_id WHERE c.assignee_id = ?1 AND e.as_of BETWEEN ?2 AND ?3 \
             AND e.to_stage = 'current' AND e.from_stage IN ('reminder', 'negotiation', 'guarantor', 'legal')",
            &[user.0.into(), (&from).into(), (&to).into()],
        )?
        .unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The user's work log entries whose signature fell due in the range, and of them those signed
/// on time.
pub fn logs_signed<'a>(
    db: impl Into<Db<'a>>,
    user: UserId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(u64, u64)> {
    let (from, to) = (from.to_string(), to.to_string());
    let (on_time, due): (i64, i64) = db
        .into()
        .first(
            "SELECT CAST(coalesce(sum(CASE WHEN signed_on IS NOT NULL AND signed_on <= sign_due THEN 1 ELSE 0 END), 0) \
             AS BIGINT), count(*) FROM work_logs WHERE user_id = ?1 AND sign_due BETWEEN ?2 AND ?3",
            &[user.0.into(), (&from).into(), (&to).into()],
        )?
        .unwrap_or((0, 0));
    Ok((u64::try_from(on_time).unwrap_or(0), u64::try_from(due).unwrap_or(0)))
}

/// Keeps a closed month's card.
pub fn close_card<'a>(
    db: impl Into<Db<'a>>,
    month: Month,
    user: UserId,
    card: &str,
    at: &str,
    by: &str,
) -> Result<()> {
    db.into().execute(
        "INSERT INTO scorecards (month, user_id, card, closed_at, closed_by) VALUES (?1, ?2, ?3, ?4, ?5)",
        &[month.key().into(), user.0.into(), card.into(), at.into(), by.into()],
    )?;
    Ok(())
}

/// A closed month's cards (JSON) by user id.
pub fn closed_cards<'a>(db: impl Into<Db<'a>>, month: Month) -> Result<Vec<(UserId, String)>> {
    db.into()
        .rows("SELECT user_id, card FROM scorecards WHERE month = ?1 ORDER BY user_id", &[month.key().into()])
}

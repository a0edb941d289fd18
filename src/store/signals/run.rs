//! What the early-warning run reads and writes of the signals: the open automatic ones and the
//! snapshot's rule bits a page of loans at a time, the manual ones left on loans no longer active.

use chrono::NaiveDate;

use crate::domain::warning::SignalCode;
use crate::store::Result;
use crate::store::book::LoanId;
use crate::store::db::Db;
use crate::store::row;

/// The file names the index its range is read by, and gives a loan's signals in its order (by
/// code); the server chooses its own index, and is asked for that order.
const OPEN_RULES_FILE: &str = "SELECT id, loan_id, code FROM signals INDEXED BY signals_open_rule \
     WHERE closed_on IS NULL AND code <> 'manual' AND loan_id >= ?1 AND loan_id < ?2 ORDER BY loan_id";
const OPEN_RULES_SERVER: &str = "SELECT id, loan_id, code FROM signals \
     WHERE closed_on IS NULL AND code <> 'manual' AND loan_id >= ?1 AND loan_id < ?2 ORDER BY loan_id, code";

/// An open automatic signal: id, loan and code.
pub type OpenRule = (i64, LoanId, SignalCode);

/// The open automatic signals of the loans in [from, to), in loan order.
pub fn open_rules_in<'a>(db: impl Into<Db<'a>>, from: i64, to: i64) -> Result<Vec<OpenRule>> {
    let db = db.into();
    let sql = match db {
        Db::File(_) => OPEN_RULES_FILE,
        Db::Server(_) => OPEN_RULES_SERVER,
    };
    let mut out = Vec::new();
    db.each::<(i64, LoanId, String)>(sql, &[from.into(), to.into()], &mut |(id, loan, code)| {
        out.push((id, loan, code.parse().map_err(row::corrupt("code"))?));
        Ok(())
    })?;
    Ok(out)
}

/// The open manual signals of loans no longer active: id.
pub fn open_manual_on_inactive<'a>(db: impl Into<Db<'a>>) -> Result<Vec<i64>> {
    db.into().column(
        "SELECT g.id FROM signals g JOIN loan_state s ON s.loan_id = g.loan_id \
         WHERE g.closed_on IS NULL AND g.code = 'manual' AND s.status <> 'active' ORDER BY g.id",
        &[],
    )
}

/// The highest loan id with an open automatic signal (the run's pages end there or at the book's).
pub fn last_open_rule_loan<'a>(db: impl Into<Db<'a>>) -> Result<i64> {
    Ok(db
        .into()
        .value(
            "SELECT coalesce(max(loan_id), 0) FROM signals WHERE closed_on IS NULL AND code <> 'manual'",
            &[],
        )?
        .unwrap_or(0))
}

const WARN_ROWS_FILE: &str = "SELECT loan_id, warn_bits FROM loan_state INDEXED BY loan_state_warn \
     WHERE warn_bits <> 0 AND loan_id >= ?1 AND loan_id < ?2 AND status = 'active' ORDER BY loan_id";
const WARN_ROWS_SERVER: &str = "SELECT loan_id, warn_bits FROM loan_state \
     WHERE warn_bits <> 0 AND loan_id >= ?1 AND loan_id < ?2 AND status = 'active' ORDER BY loan_id";

/// An active loan's row with payment rules holding: loan and bits.
pub type WarnRow = (LoanId, u32);

/// The active loans' rows with payment rules holding in [from, to), in loan order.
pub fn warn_rows_in<'a>(db: impl Into<Db<'a>>, from: i64, to: i64) -> Result<Vec<WarnRow>> {
    let db = db.into();
    let sql = match db {
        Db::File(_) => WARN_ROWS_FILE,
        Db::Server(_) => WARN_ROWS_SERVER,
    };
    let mut out = Vec::new();
    db.each::<(LoanId, i64)>(sql, &[from.into(), to.into()], &mut |(loan, bits)| {
        out.push((loan, u32::try_from(bits).unwrap_or(0)));
        Ok(())
    })?;
    Ok(out)
}

/// `open_rules_in` and `warn_rows_in` for these loans alone (a run's second look at the loans of
/// customers whose watchlist entry moved): on a file a loan at a time, an index seek each instead
/// of a walk of both indexes over the whole book; on the server the range from the first to the
/// last, one round trip where a loan each would be thousands.
pub fn rules_and_rows_of<'a>(
    db: impl Into<Db<'a>>,
    loans: &std::collections::BTreeSet<LoanId>,
) -> Result<(Vec<OpenRule>, Vec<WarnRow>)> {
    let db = db.into();
    let (Some(first), Some(last)) = (loans.first(), loans.last()) else {
        return Ok((Vec::new(), Vec::new()));
    };
    let ranges: Vec<(i64, i64)> = match db {
        Db::File(_) => loans.iter().map(|l| (l.0, l.0 + 1)).collect(),
        Db::Server(_) => vec![(first.0, last.0 + 1)],
    };
    let (mut rules, mut rows) = (Vec::new(), Vec::new());
    for (from, to) in ranges {
        rules.extend(open_rules_in(db, from, to)?.into_iter().filter(|(_, l, _)| loans.contains(l)));
        rows.extend(warn_rows_in(db, from, to)?.into_iter().filter(|(l, _)| loans.contains(l)));
    }
    Ok((rules, rows))
}

/// Lifts the manual class in force on a loan: its history row marked lifted, the loan's copy
/// cleared, in the caller's transaction. Whether one was in force.
pub fn lift_manual_class<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    on: NaiveDate,
    reason: &str,
) -> Result<bool> {
    let db = db.into();
    let on = on.to_string();
    let lifted = db.execute(
        "UPDATE manual_classes SET lifted_on = ?2, lift_reason = ?3 WHERE id = \
         (SELECT max(id) FROM manual_classes WHERE loan_id = ?1) AND lifted_on IS NULL",
        &[loan.0.into(), (&on).into(), reason.into()],
    )?;
    let cleared = db.execute(
        "UPDATE loans SET manual_class = NULL, manual_class_from = NULL, manual_class_until = NULL, \
         version = version + 1 WHERE id = ?1 AND manual_class IS NOT NULL",
        &[loan.0.into()],
    )?;
    Ok(lifted + cleared > 0)
}

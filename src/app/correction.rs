//! Correcting a contact (DOMAIN §7). History is append-only, so a correction is a new record that
//! amends an earlier one's outcome and note. It is not an attempt: it keeps the original's party,
//! channel, direction and number, makes or unmakes no promise, and counts toward no conduct cap.

use crate::store::Db;

use super::{AppError, Result};
use crate::domain::conduct::normalize_phone;
use crate::domain::{Channel, Direction, Money, Outcome, Party};
use crate::store::{self, ContactRecord, Loan};

/// What a correction asks to record, as the contact it would be.
pub(crate) struct Asked<'a> {
    pub party: Party,
    pub channel: Channel,
    pub direction: Direction,
    pub outcome: Outcome,
    pub phone: Option<&'a str>,
    pub promise: Option<(Money, chrono::NaiveDate)>,
    pub override_reason: Option<&'a str>,
}

/// The original record contact `id` corrects (a correction of a correction corrects its original).
pub(crate) fn original<'a>(conn: impl Into<Db<'a>>, loan: &Loan, id: i64) -> Result<ContactRecord> {
    let conn = conn.into();
    let unknown = || AppError::Input(format!("contact {id} is not on loan {}", loan.loan_ref));
    let found = store::contact_on_loan(conn, loan.id, id)?.ok_or_else(unknown)?;
    match found.corrects {
        Some(first) => Ok(store::contact_on_loan(conn, loan.id, first)?.ok_or_else(unknown)?),
        None => Ok(found),
    }
}

/// The record `input` corrects, read in the caller's write transaction, once the correction is
/// found to change nothing but the outcome and the note.
pub(crate) fn corrected<'a>(
    conn: impl Into<Db<'a>>,
    loan: &Loan,
    input: &Asked<'_>,
    id: i64,
) -> Result<ContactRecord> {
    let conn = conn.into();
    let o = original(conn, loan, id)?;
    let refuse = |what: String| {
        Err(AppError::Input(format!(
            "contact {} was {what}; a correction amends the outcome and the note only — log a new contact instead",
            o.id
        )))
    };
    if (input.party, input.channel, input.direction) != (o.party, o.channel, o.direction) {
        return refuse(format!("a {} {} with the {}", o.direction, o.channel, o.party));
    }
    let number = |p: Option<&str>| p.map(normalize_phone).filter(|n| !n.is_empty());
    if input.phone.is_some() && number(input.phone) != number(o.phone.as_deref()) {
        return refuse(format!("made to {}", o.phone.as_deref().unwrap_or("no number on record")));
    }
    if input.promise.is_some() || (input.outcome == Outcome::Promise) != (o.outcome == Outcome::Promise) {
        return refuse(format!("{} promise to pay", if o.outcome == Outcome::Promise { "a" } else { "no" }));
    }
    if input.override_reason.is_some() {
        return Err(AppError::Input(
            "a correction is not an attempt: no conduct rule applies to it, so there is none to override"
                .into(),
        ));
    }
    Ok(o)
}

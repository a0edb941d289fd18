//! Taking back a contact logged by mistake (`u` at the desk, a few seconds after a one-key call):
//! six presses of `n` used a number's daily quota with no way back. History stays append-only
//! (DOMAIN §7): the taking back is a correction that marks the record entered in error, and
//! neither counts toward the conduct rules' caps or the team's figures from then on.

use chrono::{DateTime, Duration};

use super::{AppError, Desk, Result};
use crate::store;

/// How long after logging a contact its user may take it back. Long enough to see the wrong key
/// was pressed; past it, a note (`:note`) says what went wrong instead.
pub const TAKE_BACK_SECONDS: i64 = 10;

/// The note on the correction that takes a contact back.
pub const ENTERED_IN_ERROR: &str = "entered in error";

impl Desk {
    /// Takes back a contact this user logged on the loan a moment ago.
    pub fn take_back_contact(&mut self, loan_ref: &str, contact: i64) -> Result<i64> {
        let loan = self.loan(loan_ref)?;
        self.require_case(&loan, "taking back a contact")?;
        let me = self.actor.user.as_ref().map(|u| u.id);
        let (now, stamp, actor) = (self.now, self.stamp(), self.actor.login.clone());
        self.store.write(|tx| -> Result<i64> {
            // Read in the write transaction that takes it back, so two desks cannot both do so.
            let Some((at, by)) = store::voidable_contact(tx, loan.id, contact)? else {
                return Err(AppError::Input(format!(
                    "contact {contact} of loan {} is not one to take back (a correction, taken back already, or not on this loan)",
                    loan.loan_ref
                )));
            };
            if by != me {
                return Err(AppError::Refused(format!(
                    "contact {contact} of loan {} was logged by another user; only its user takes it back",
                    loan.loan_ref
                )));
            }
            let logged = DateTime::parse_from_rfc3339(&at)
                .map_err(|_| AppError::corrupt(format!("contact {contact} time '{at}'")))?;
            if now - logged > Duration::seconds(TAKE_BACK_SECONDS) || now < logged {
                return Err(AppError::Refused(format!(
                    "contact {contact} of loan {} was logged at {}, more than {TAKE_BACK_SECONDS} seconds ago: too late \
                     to take back; add a note to it with :note",
                    loan.loan_ref,
                    logged.format("%H:%M:%S")
                )));
            }
            let void = store::void_contact(tx, loan.id, contact, ENTERED_IN_ERROR, me, &stamp)?;
            let detail =
                serde_json::json!({ "contact": contact, "correction": void, "entered_in_error": true });
            store::insert_audit(
                tx,
                &stamp,
                &actor,
                "contact_take_back",
                "loan",
                Some(&loan.loan_ref),
                &detail.to_string(),
            )?;
            Ok(void)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::casework::ContactInput;
    use crate::domain::Outcome;

    fn at(desk: &mut Desk, time: &str) {
        desk.now = DateTime::parse_from_rfc3339(&format!("2026-03-01T{time}+08:00")).expect("time");
    }

    fn last(desk: &Desk) -> (Option<String>, Option<String>) {
        let s = desk.show("Q-1").expect("show").summary;
        (s.last_contact_at.map(|t| t[11..19].to_string()), s.last_outcome)
    }

    #[test]
    fn a_correction_never_moves_last_contact_and_a_contact_taken_back_no_longer_counts() {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("day");
        let now = DateTime::parse_from_rfc3339("2026-03-01T10:00:00+08:00").expect("now");
        let mut desk =
            Desk::open(store::Store::open_in_memory().expect("store"), "admin", day, now).expect("desk");
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("q.csv");
        std::fs::write(
            &file,
            "loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,phone\n\
             Q-1,甲,annuity,12000,0,12,2025-12-01,13800000001\n",
        )
        .expect("file");
        crate::app::import::import_loans(&mut desk, &file, &mut |_| {}).expect("import");
        let first =
            desk.log_contact(&ContactInput::call("Q-1", Outcome::NoAnswer)).expect("a call").contact_id;
        // Its correction a minute later amends the outcome, not the time of the last contact.
        at(&mut desk, "10:01:00");
        let correction = ContactInput { corrects: Some(first), ..ContactInput::call("Q-1", Outcome::Busy) };
        desk.log_contact(&correction).expect("a correction");
        assert_eq!(last(&desk), (Some("10:00:00".into()), Some("busy".into())));
        at(&mut desk, "10:02:00");
        let second =
            desk.log_contact(&ContactInput::call("Q-1", Outcome::NoAnswer)).expect("a call").contact_id;
        assert_eq!(last(&desk), (Some("10:02:00".into()), Some("no_answer".into())));
        // Taken back, the second call no longer counts: the first is the last contact again, as
        // corrected.
        at(&mut desk, "10:02:05");
        desk.take_back_contact("Q-1", second).expect("taken back");
        assert_eq!(last(&desk), (Some("10:00:00".into()), Some("busy".into())));
    }
}

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

//! Case leases (issue #7): a desk user who opens a case to edit holds it for a while, so two
//! collectors on one branch server never work the same customer at once. Others may read the case
//! but not edit it until the lease is released or runs out; a supervisor may take it over with a
//! reason. A lease is per customer (the case). Appending a contact or a payment never waits for one.

use crate::store::Db;
use chrono::Duration;
use serde::Serialize;

use super::text_in::reason_of;
use super::{AppError, Desk, Result};
use crate::domain::Role;
use crate::store::{self, Loan, LoanId, UserId};

/// A running lease on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Lease {
    /// The loan it was asked for; the lease covers all of the customer's loans.
    pub loan_id: String,
    pub customer_id: String,
    pub holder: String,
    pub taken_at: String,
    /// When it runs out unless renewed (RFC 3339).
    pub until: String,
    /// Whether the desk's own user holds it.
    pub mine: bool,
}

/// Lease records in the audit log are the case's (entity `case`, the customer): a loan's last
/// audit record names who last changed it, and opening a case changes nothing.
///
/// Who edits, and when: what a case edit checks a lease against inside its transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct EditAs {
    pub user: Option<UserId>,
    pub now: i64,
    /// The desk's clock, for times said in messages.
    pub at: chrono::DateTime<chrono::FixedOffset>,
}

fn lease_view(loan: &Loan, row: &store::LeaseRow, me: Option<UserId>) -> Lease {
    Lease {
        loan_id: loan.loan_ref.clone(),
        customer_id: loan.customer_ref.clone(),
        holder: row.login.clone(),
        taken_at: row.taken_at.clone(),
        until: row.until_at.clone(),
        mine: Some(row.user) == me,
    }
}

impl Desk {
    /// How long a lease lasts unless renewed (setting `lease_minutes`).
    pub fn lease_minutes(&self) -> Result<i64> {
        let v = self.setting("lease_minutes")?;
        v.parse().map_err(|_| AppError::Input(format!("setting lease_minutes = '{v}' is not a number")))
    }

    pub(crate) fn edit_as(&self) -> EditAs {
        EditAs { user: self.actor.user.as_ref().map(|u| u.id), now: self.now.timestamp(), at: self.now }
    }

    /// Refuses (exit 3) an edit of a case another user holds a running lease on, naming the holder
    /// and until when. Runs inside the edit's transaction.
    pub(crate) fn check_lease<'a>(tx: impl Into<Db<'a>>, loan: &Loan, me: EditAs) -> Result<()> {
        let tx = tx.into();
        match store::lease_of(tx, loan.customer_id, me.now)? {
            Some(l) if Some(l.user) != me.user => Err(AppError::Refused(format!(
                "case {} is being worked by {} until {}: you may read it, and edit it once it is released \
                 or runs out; a supervisor may take it over (duedesk lease {} --take-over REASON)",
                loan.loan_ref,
                l.login,
                super::clock::local_time(&l.until_at, &me.at),
                loan.loan_ref
            ))),
            _ => Ok(()),
        }
    }

    /// The running lease on the loan's case, if any.
    pub fn lease(&self, loan_ref: &str) -> Result<Option<Lease>> {
        let loan = self.loan(loan_ref)?;
        let me = self.edit_as();
        Ok(store::lease_of(self.store.db(), loan.customer_id, me.now)?
            .map(|l| lease_view(&loan, &l, me.user)))
    }

    /// Takes the lease on the loan's case for the desk's user, or renews the user's own. Refused
    /// (exit 3) while another user's lease runs, naming the holder and until when. The desk calls
    /// it when a case is opened to edit and again before each edit, so an open case stays held.
    pub fn take_lease(&mut self, loan_ref: &str) -> Result<Lease> {
        let loan = self.loan(loan_ref)?;
        self.require_case(&loan, "working a case")?;
        self.put_lease(&loan, None)
    }

    /// Renews this desk's lease on the case it works, taken (or last renewed) at `since`; refused
    /// (exit 3) when a supervisor took the case over meanwhile, so a desk left open does not take
    /// back a case that was taken from it.
    pub fn renew_lease(&mut self, loan_ref: &str, since: &str) -> Result<Lease> {
        let loan = self.loan(loan_ref)?;
        self.require_case(&loan, "working a case")?;
        if let Some((by, at, detail)) = store::taken_over_since(self.store.db(), &loan.customer_ref, since)? {
            let reason = serde_json::from_str::<serde_json::Value>(&detail)
                .ok()
                .and_then(|d| d["reason"].as_str().map(str::to_string))
                .unwrap_or_default();
            return Err(AppError::Refused(format!(
                "case {} was taken over by {by} at {} ({reason}): this desk no longer holds it",
                loan.loan_ref,
                self.said_at(&at)
            )));
        }
        // A lease with more than half its time to run is not written again: a renewal on every
        // change another desk makes would be a change for that desk too.
        let me = self.edit_as();
        let half = self.lease_minutes()? * 30;
        if let Some(l) = store::lease_of(self.store.db(), loan.customer_id, me.now)?
            && Some(l.user) == me.user
            && l.until_epoch - me.now > half
        {
            return Ok(lease_view(&loan, &l, me.user));
        }
        self.put_lease(&loan, None)
    }

    /// A supervisor takes over the case another user holds, with a reason (audited); the lease
    /// becomes the supervisor's.
    pub fn take_over_lease(&mut self, loan_ref: &str, reason: &str) -> Result<Lease> {
        let loan = self.loan(loan_ref)?;
        self.actor.require(Role::Supervisor, "taking over a case")?;
        let reason = reason_of(reason, "taking over a case")?.to_string();
        self.put_lease(&loan, Some(&reason))
    }

    fn put_lease(&mut self, loan: &Loan, take_over: Option<&str>) -> Result<Lease> {
        let minutes = self.lease_minutes()?;
        let me = self.edit_as();
        let user = me.user.ok_or_else(|| AppError::Refused("only a desk user holds a case".into()))?;
        let (at, actor) = (self.stamp(), self.actor.login.clone());
        let until = self.now + Duration::minutes(minutes);
        let (until_at, until_epoch) = (until.to_rfc3339(), until.timestamp());
        self.store.write(|tx| -> Result<Lease> {
            let before = store::lease_of(tx, loan.customer_id, me.now)?;
            let other = before.as_ref().filter(|l| l.user != user);
            if take_over.is_none() {
                Self::check_lease(tx, loan, me)?;
            }
            store::put_lease(tx, loan.customer_id, user, &at, &until_at, until_epoch, me.now)?;
            // A renewal is not news; taking a case and taking it over are.
            let action = match (take_over, other, &before) {
                (Some(_), Some(_), _) => Some("lease_take_over"),
                (_, _, Some(_)) => None,
                (_, _, None) => Some("lease_take"),
            };
            if let Some(action) = action {
                let detail = serde_json::json!({
                    "loan": loan.loan_ref,
                    "until": until_at,
                    "from": other.map(|l| l.login.clone()),
                    "from_until": other.map(|l| l.until_at.clone()),
                    "reason": take_over,
                });
                store::insert_audit(
                    tx,
                    &at,
                    &actor,
                    action,
                    "case",
                    Some(&loan.customer_ref),
                    &detail.to_string(),
                )?;
            }
            let row = store::lease_of(tx, loan.customer_id, me.now)?
                .ok_or_else(|| AppError::Input(format!("the lease on {} vanished", loan.loan_ref)))?;
            Ok(lease_view(loan, &row, me.user))
        })
    }

    /// Releases the user's own lease on the loan's case (closing it on the desk); whether there
    /// was one. Another user's running lease is refused: a supervisor ends it with
    /// [`Desk::end_lease`].
    pub fn release_lease(&mut self, loan_ref: &str) -> Result<bool> {
        let loan = self.loan(loan_ref)?;
        let me = self.edit_as();
        let (at, actor) = (self.stamp(), self.actor.login.clone());
        self.store.write(|tx| -> Result<bool> {
            match store::lease_of(tx, loan.customer_id, me.now)? {
                None => Ok(false),
                Some(l) if Some(l.user) != me.user => Err(AppError::Refused(format!(
                    "case {} is held by {} until {}; only its holder releases it, a supervisor may take it \
                     over with a reason",
                    loan.loan_ref,
                    l.login,
                    super::clock::local_time(&l.until_at, &me.at)
                ))),
                Some(_) => {
                    store::drop_lease(tx, loan.customer_id)?;
                    let detail = serde_json::json!({ "loan": loan.loan_ref });
                    store::insert_audit(
                        tx,
                        &at,
                        &actor,
                        "lease_release",
                        "case",
                        Some(&loan.customer_ref),
                        &detail.to_string(),
                    )?;
                    Ok(true)
                }
            }
        })
    }

    /// A supervisor ends another user's running lease with a reason (audited) without holding the
    /// case (the command line holds no leases); the holder it ended, if there was one.
    pub fn end_lease(&mut self, loan_ref: &str, reason: &str) -> Result<Option<Lease>> {
        let loan = self.loan(loan_ref)?;
        self.actor.require(Role::Supervisor, "taking over a case")?;
        let reason = reason_of(reason, "taking over a case")?.to_string();
        let me = self.edit_as();
        let (at, actor) = (self.stamp(), self.actor.login.clone());
        self.store.write(|tx| -> Result<Option<Lease>> {
            let Some(l) = store::lease_of(tx, loan.customer_id, me.now)? else { return Ok(None) };
            store::drop_lease(tx, loan.customer_id)?;
            let own = Some(l.user) == me.user;
            let detail = serde_json::json!({
                "loan": loan.loan_ref,
                "from": l.login,
                "from_until": l.until_at,
                "reason": reason,
            });
            let action = if own { "lease_release" } else { "lease_take_over" };
            store::insert_audit(
                tx,
                &at,
                &actor,
                action,
                "case",
                Some(&loan.customer_ref),
                &detail.to_string(),
            )?;
            Ok(Some(lease_view(&loan, &l, me.user)))
        })
    }

    /// Holders of running leases of other users, for a page of loans: the lease table has a row
    /// per open desk, so this costs the same on any size of book.
    pub(crate) fn worked_by(&self) -> Result<std::collections::HashMap<LoanId, String>> {
        let me = self.edit_as();
        Ok(store::leased_loans(self.store.db(), me.now)?
            .into_iter()
            .filter(|(_, user, _)| Some(*user) != me.user)
            .map(|(loan, _, login)| (loan, login))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn open(path: &std::path::Path, login: &str, now: &str) -> Desk {
        let as_of = crate::domain::parse_date("2026-03-01").expect("date");
        let now = chrono::DateTime::parse_from_rfc3339(now).expect("now");
        Desk::open(Store::open(path).expect("store"), login, as_of, now).expect("desk")
    }

    /// A demo book on disk and one loan of a given owner with a sibling loan of the same customer.
    fn book() -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("desk.db");
        let mut d = open(&path, "admin", "2026-03-01T10:00:00+08:00");
        crate::app::demo::generate(&mut d, 200, 7, &mut |_| {}).expect("demo");
        (dir, path)
    }

    fn owned_loan(d: &mut Desk, owner: &str) -> String {
        let q = crate::app::views::LoanQuery {
            assignee: Some(owner.into()),
            limit: Some(1),
            ..Default::default()
        };
        d.list_loans(&q, &mut |_| {}).expect("list").remove(0).loan_id
    }

    #[test]
    fn a_lease_is_taken_renewed_refused_to_others_and_runs_out() {
        let (_dir, path) = book();
        let mut xu = open(&path, "xu.na", "2026-03-01T10:00:00+08:00");
        let loan = owned_loan(&mut xu, "xu.na");
        let first = xu.take_lease(&loan).expect("take");
        assert_eq!(
            (first.holder.as_str(), first.until.as_str(), first.mine),
            ("xu.na", "2026-03-01T10:15:00+08:00", true)
        );
        // Renewing later moves the end; no second audit entry.
        xu.now = chrono::DateTime::parse_from_rfc3339("2026-03-01T10:05:00+08:00").expect("now");
        assert_eq!(xu.take_lease(&loan).expect("renew").until, "2026-03-01T10:20:00+08:00");
        let audit =
            crate::store::AuditFilter { actor: Some("xu.na".into()), limit: 100, ..Default::default() };
        let takes = crate::store::list_audit(xu.store.conn(), &audit)
            .expect("audit")
            .into_iter()
            .filter(|e| e.action == "lease_take" && e.entity == "case")
            .count();
        assert_eq!(takes, 1);
        let mut sup = open(&path, "zhao.min", "2026-03-01T10:10:00+08:00");
        let refused = sup.take_lease(&loan).expect_err("held");
        assert!(matches!(&refused, AppError::Refused(m) if m.contains("being worked by xu.na until 10:20")));
        assert!(matches!(sup.set_next_action(&loan, None, None, None), Err(AppError::Refused(_))));
        assert!(matches!(sup.release_lease(&loan), Err(AppError::Refused(_))));
        let mut page = sup
            .list_loans(
                &crate::app::views::LoanQuery { assignee: Some("xu.na".into()), ..Default::default() },
                &mut |_| {},
            )
            .expect("list");
        page.retain(|r| r.loan_id == loan);
        assert_eq!(page[0].worked_by.as_deref(), Some("xu.na"));
        // At its end the case is free again.
        sup.now = chrono::DateTime::parse_from_rfc3339("2026-03-01T10:20:00+08:00").expect("now");
        assert_eq!(sup.lease(&loan).expect("lease"), None);
        assert!(sup.take_lease(&loan).expect("free").mine);
        assert!(sup.release_lease(&loan).expect("release"));
        assert!(!sup.release_lease(&loan).expect("nothing left"));
    }

    #[test]
    fn a_collector_holds_own_cases_only_and_a_lease_setting_sets_the_length() {
        let (_dir, path) = book();
        let mut admin = open(&path, "admin", "2026-03-01T10:00:00+08:00");
        admin.set_setting("lease_minutes", "30").expect("set");
        assert!(admin.set_setting("lease_minutes", "0").is_err());
        let mut xu = open(&path, "xu.na", "2026-03-01T10:00:00+08:00");
        let other = owned_loan(&mut xu, "hu.bin");
        assert!(matches!(xu.take_lease(&other), Err(AppError::Refused(_))));
        assert!(matches!(xu.take_over_lease(&other, "why"), Err(AppError::Refused(_))));
        let mine = owned_loan(&mut xu, "xu.na");
        assert_eq!(xu.take_lease(&mine).expect("take").until, "2026-03-01T10:30:00+08:00");
    }
}

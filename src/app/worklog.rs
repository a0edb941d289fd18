//! The work log (工作日志, DOMAIN §10): a dated note on a customer by its owner, signed
//! (签署意见) by a supervisor within the policy's working days; the entries awaiting or late for
//! a signature, and the owners who wrote none this month.

use chrono::{Datelike, Duration, NaiveDate};
use serde::Serialize;
use serde_json::json;

use super::holidays::calendar_of;
use super::text_in::text_in;
use super::views::WorkLogView;
use super::{AppError, Desk, Result};
use crate::domain::input::Lines;
use crate::domain::worklog::WorkLogKind;
use crate::domain::{Role, add_months};
use crate::store::{self, CustomerId, WorkLogFilter};

/// Which entries `logs` lists.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkLogQuery {
    pub owner: Option<String>,
    /// A customer's, by its id or one of its loans'.
    pub customer: Option<String>,
    pub unsigned: bool,
    pub late: bool,
    pub limit: Option<u64>,
}

/// An owner of cases who wrote no work log entry in the month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuietOwner {
    pub owner: String,
    pub display_name: Option<String>,
    /// Customers the owner has.
    pub cases: i64,
    pub last_logged_on: Option<NaiveDate>,
    pub month: String,
}

impl Desk {
    /// The customer a work log is about: by its id, or one of its loans'.
    pub(crate) fn customer_named(&self, named: &str) -> Result<(CustomerId, String)> {
        let conn = self.store.db();
        if let Some((id, _)) = store::customer_by_ref(conn, named)? {
            return Ok((id, named.to_string()));
        }
        match store::loan_by_ref(conn, named)? {
            Some(loan) => Ok((loan.customer_id, loan.customer_ref)),
            None => Err(AppError::Input(format!("unknown customer or loan '{named}'"))),
        }
    }

    /// Writes a work log entry on a customer (its owner, or a supervisor), dated the desk's day.
    pub fn log_work(&mut self, customer: &str, kind: WorkLogKind, note: &str) -> Result<WorkLogView> {
        let (id, customer_ref) = self.customer_named(customer)?;
        let note = text_in(note.trim(), "the note", Lines::Many)?;
        if note.is_empty() {
            return Err(AppError::Input("a work log entry needs its note (--note TEXT)".into()));
        }
        let user = self.actor.require(Role::Collector, "writing the work log")?.clone();
        let owner = store::customer_owner(self.store.db(), id)?;
        if !user.role.includes(Role::Supervisor) && owner != Some(user.id) {
            return Err(AppError::Refused(format!(
                "writing the work log: customer {customer_ref} is not yours; its owner writes it"
            )));
        }
        let (as_of, at) = (self.as_of, self.stamp());
        let days = self.policy.inspections.sign_working_days;
        let entry = self.store.write(|tx| -> Result<i64> {
            let sign_due = calendar_of(tx)?.add_working_days(as_of, days);
            let entry = store::insert_work_log(tx, id, Some(user.id), kind, note, as_of, sign_due, &at)?;
            let detail =
                json!({ "work_log": entry, "kind": kind.as_str(), "sign_due": sign_due.to_string() });
            store::insert_audit(
                tx,
                &at,
                &user.login,
                "work_log",
                "customer",
                Some(&customer_ref),
                &detail.to_string(),
            )?;
            Ok(entry)
        })?;
        self.work_log(entry)
    }

    pub fn work_log(&self, id: i64) -> Result<WorkLogView> {
        let r = store::work_log_by_id(self.store.db(), id)?
            .ok_or_else(|| AppError::Input(format!("unknown work log entry {id}")))?;
        Ok(WorkLogView::of(r, self.as_of))
    }

    /// Signs a work log entry with a comment (supervisor), once.
    pub fn sign_work_log(&mut self, id: i64, comment: &str) -> Result<WorkLogView> {
        let signer = self.actor.require(Role::Supervisor, "signing a work log")?.id;
        let comment = text_in(comment.trim(), "the comment", Lines::Many)?;
        if comment.is_empty() {
            return Err(AppError::Input("a signature needs a comment (--comment TEXT)".into()));
        }
        let (as_of, at, actor) = (self.as_of, self.stamp(), self.actor.login.clone());
        self.store.write(|tx| -> Result<()> {
            let entry = store::work_log_by_id(tx, id)?
                .ok_or_else(|| AppError::Input(format!("unknown work log entry {id}")))?;
            if !store::sign_work_log(tx, id, signer, as_of, &at, comment)? {
                return Err(AppError::Refused(format!(
                    "work log entry {id} was signed already by {} on {}",
                    entry.signed_by.as_deref().unwrap_or("?"),
                    entry.signed_on.map_or_else(|| "?".to_string(), |d| d.to_string())
                )));
            }
            let detail = json!({
                "work_log": id, "comment": comment, "sign_due": entry.sign_due.to_string(), "late": as_of > entry.sign_due,
            });
            store::insert_audit(tx, &at, &actor, "work_log_sign", "customer", Some(&entry.customer_ref), &detail.to_string())?;
            Ok(())
        })?;
        self.work_log(id)
    }

    /// Work log entries, newest first (awaiting a signature: soonest deadline first).
    pub fn work_logs(&self, q: &WorkLogQuery) -> Result<Vec<WorkLogView>> {
        let conn = self.store.db();
        let user = match q.owner.as_deref() {
            Some(login) => Some(
                store::user_by_login(conn, login)?
                    .ok_or_else(|| AppError::Input(format!("unknown desk user '{login}'")))?
                    .id,
            ),
            None => None,
        };
        let customer = q.customer.as_deref().map(|c| self.customer_named(c).map(|(id, _)| id)).transpose()?;
        let filter = WorkLogFilter {
            user,
            customer,
            unsigned: q.unsigned,
            late_on: q.late.then_some(self.as_of),
            limit: q.limit,
        };
        Ok(store::list_work_logs(conn, &filter)?
            .into_iter()
            .map(|r| WorkLogView::of(r, self.as_of))
            .collect())
    }

    /// The owners of cases who wrote no work log entry in the desk's month.
    pub fn owners_without_logs(&self) -> Result<Vec<QuietOwner>> {
        let start = self.as_of.with_day(1).unwrap_or(self.as_of);
        let end = add_months(start, 1) - Duration::days(1);
        let month = start.format("%Y-%m").to_string();
        Ok(store::owners_without_logs(self.store.db(), start, end)?
            .into_iter()
            .map(|o| QuietOwner {
                owner: o.login,
                display_name: o.display_name,
                cases: o.cases,
                last_logged_on: o.last_logged_on,
                month: month.clone(),
            })
            .collect())
    }
}

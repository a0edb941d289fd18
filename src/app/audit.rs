//! The audit log: listing it (supervisor, or a collector for one of own cases) and checking its
//! hash chain.

use chrono::NaiveDate;

use super::{AppError, Desk, Result};
use crate::domain::Role;
use crate::store::{self, AuditFilter};
/// An audit entry, and the outcome of checking the chain, as the store keeps and checks them.
pub use crate::store::{AuditRow, BreakKind, BrokenLink, ChainCheck};

/// Entries `duedesk audit` lists when no `--limit` is given.
pub const DEFAULT_AUDIT_LIMIT: u64 = 100;

/// The question of `duedesk audit`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub loan: Option<String>,
    pub actor: Option<String>,
    pub since: Option<NaiveDate>,
    pub limit: Option<u64>,
}

impl Desk {
    /// Audit entries newest first. A supervisor sees all; a collector only the entries of one of
    /// own cases (`--loan`), since the log names other people's customers and actions.
    pub fn audit(&self, q: &AuditQuery) -> Result<Vec<AuditRow>> {
        let what = "reading the audit log";
        let user = self.actor.require(Role::Collector, what)?;
        if !user.role.includes(Role::Supervisor) {
            let Some(loan_ref) = q.loan.as_deref() else {
                return Err(AppError::Refused(format!(
                    "{what} needs the supervisor role; a collector may read the entries of an own case \
                     with --loan LOAN"
                )));
            };
            let loan = self.loan(loan_ref)?;
            self.require_case(&loan, what)?;
        } else if let Some(l) = q.loan.as_deref() {
            self.loan(l)?;
        }
        let filter = AuditFilter {
            loan: q.loan.clone(),
            actor: q.actor.clone(),
            since: q.since.map(|d| d.to_string()),
            limit: q.limit.unwrap_or(DEFAULT_AUDIT_LIMIT),
        };
        Ok(store::list_audit(self.store.db(), &filter)?)
    }

    /// Checks the whole hash chain, then the users, roles and settings against what it says they
    /// became (supervisor), streaming.
    pub fn verify_audit(&self, progress: &mut dyn FnMut(u64)) -> Result<ChainCheck> {
        self.actor.require(Role::Supervisor, "checking the audit log")?;
        Ok(store::verify_audit_and_state(self.store.db(), progress)?)
    }
}

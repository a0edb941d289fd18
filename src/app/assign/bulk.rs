//! Carrying out a bulk reassignment (supervisor): the cases a filter selects, planned in memory,
//! moved `BULK_BATCH` customers a transaction, open cases skipped and reported.

use serde::Serialize;

use super::plan::{CaseMove, CaseMoveStatus, Load, Planned, loads_of, order, plan_balance, plan_to, row_of};
use super::request::BulkAssign;
use crate::app::text_in::text_in;
use crate::app::{AppError, Desk, Result};
use crate::domain::Role;
use crate::domain::input::Lines;
use crate::store::{self, User};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BulkOutcome {
    pub dry_run: bool,
    /// Cases that move (or would), then the ones skipped, each in customer order.
    pub cases: Vec<CaseMove>,
    /// Each target's cases and overdue amount within the selection once the moves are made.
    pub loads: Vec<Load>,
}

/// Customers a bulk reassignment moves in one transaction: short, so desks are never kept
/// waiting, and a stopped run is finished by running it again.
const BULK_BATCH: usize = 500;

impl Desk {
    fn active_user(&self, login: &str) -> Result<User> {
        let user = store::user_by_login(self.store.db(), login)?
            .ok_or_else(|| AppError::Input(format!("unknown desk user '{login}'")))?;
        if !user.active {
            return Err(AppError::Input(format!(
                "desk user '{login}' is disabled; cases go to active users only"
            )));
        }
        Ok(user)
    }

    /// Reassigns every case a filter selects (supervisor): to one user, or balanced across
    /// several by count or overdue amount. Customers move whole. A case another user has open (a
    /// running lease) is skipped and reported rather than refusing the run: a hand-over must not
    /// wait on every open desk, and running it again later picks up what was skipped. Moves are
    /// made in short transactions of `BULK_BATCH` customers, each with its history row and audit
    /// entry; `dry_run` plans only.
    pub fn assign_bulk(&mut self, req: &BulkAssign) -> Result<BulkOutcome> {
        let by = self.actor.require(Role::Supervisor, "reassigning cases")?.clone();
        if req.stage.is_none() && req.from.is_none() && req.dpd_min.is_none() {
            return Err(AppError::Input(
                "say which cases to reassign: --stage, --from (--assignee) or --dpd-min".into(),
            ));
        }
        let targets: Vec<User> = match (req.balance, &req.to) {
            (Some(_), Some(_)) => {
                return Err(AppError::Input("--balance spreads cases --among users; leave out --to".into()));
            }
            (Some(_), None) if req.among.is_empty() => {
                return Err(AppError::Input("--balance needs --among USER,USER,…".into()));
            }
            (Some(_), None) => {
                let mut users: Vec<User> = Vec::new();
                for login in req.among.iter().map(|l| l.trim()).filter(|l| !l.is_empty()) {
                    let u = self.active_user(login)?;
                    if !users.iter().any(|x| x.id == u.id) {
                        users.push(u);
                    }
                }
                users
            }
            (None, Some(to)) if req.among.is_empty() => vec![self.active_user(to)?],
            (None, _) => {
                return Err(AppError::Input(
                    "name the new owner with --to USER, or spread cases with --balance --among USER,…".into(),
                ));
            }
        };
        if targets.is_empty() {
            return Err(AppError::Input("--among names no desk user".into()));
        }
        let owner = match &req.from {
            Some(login) => Some(
                store::user_by_login(self.store.db(), login)?
                    .ok_or_else(|| AppError::Input(format!("unknown desk user '{login}'")))?
                    .id,
            ),
            None => None,
        };
        if let Some(n) = req.dpd_min.filter(|n| *n < 0) {
            return Err(AppError::Input(format!("--dpd-min {n}: give a number of days, 0 or more")));
        }
        let reason = req.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).unwrap_or("reassigned");
        let reason = text_in(reason, "the reason", Lines::One)?;
        let at = self.state_table(&mut |_| {})?;
        let filter = store::CaseFilter { stage: req.stage, owner, dpd_min: req.dpd_min };
        let cases = store::select_cases(self.store.db(), at, &filter)?;
        let me = self.edit_as();
        let mut leased: std::collections::HashMap<store::CustomerId, String> = Default::default();
        for c in &cases {
            if let Some(l) =
                store::lease_of(self.store.db(), c.customer, me.now)?.filter(|l| Some(l.user) != me.user)
            {
                leased.insert(c.customer, format!("being worked by {} until {}", l.login, l.until_at));
            }
        }
        let plan = match req.balance {
            None => plan_to(cases, &targets[0], &leased),
            Some(weigh) => plan_balance(cases, &targets, weigh, &leased),
        };
        let loads = loads_of(&plan, &targets);
        if req.dry_run {
            let rows = plan.iter().filter_map(|p| row_of(p, CaseMoveStatus::Planned)).collect();
            return Ok(BulkOutcome { dry_run: true, cases: order(rows), loads });
        }
        let at = self.stamp();
        let mut rows: Vec<CaseMove> =
            plan.iter().filter_map(|p| p.skip.as_ref().and(row_of(p, CaseMoveStatus::Skipped))).collect();
        let moving: Vec<&Planned> = plan
            .iter()
            .filter(|p| p.skip.is_none() && p.to.as_ref().is_some_and(|t| Some(t.id) != p.case.owner))
            .collect();
        for batch in moving.chunks(BULK_BATCH) {
            let done = self.store.write(|tx| -> Result<Vec<CaseMove>> {
                let mut out = Vec::new();
                for p in batch {
                    let (c, to) = (&p.case, p.to.as_ref().expect("moving cases have a target"));
                    let mut row = row_of(p, CaseMoveStatus::Moved).expect("a move");
                    if store::customer_owner(tx, c.customer)? != c.owner {
                        row.status = CaseMoveStatus::Skipped;
                        row.note = Some("its owner changed since the plan".into());
                        out.push(row);
                        continue;
                    }
                    if let Some(l) =
                        store::lease_of(tx, c.customer, me.now)?.filter(|l| Some(l.user) != me.user)
                    {
                        row.status = CaseMoveStatus::Skipped;
                        row.note = Some(format!("being worked by {} until {}", l.login, l.until_at));
                        out.push(row);
                        continue;
                    }
                    let loans =
                        store::reassign_customer(tx, c.customer, c.owner, to.id, Some(by.id), reason, &at)?;
                    for id in &loans {
                        let _ = store::bump_version(tx, *id, None)?;
                    }
                    let detail = serde_json::json!({
                        "customer": c.customer_ref,
                        "from": c.owner_login,
                        "to": to.login,
                        "reason": reason,
                        "loans": loans.len(),
                        "bulk": true,
                    });
                    store::insert_audit(
                        tx,
                        &at,
                        &by.login,
                        "assign",
                        "loan",
                        Some(&c.loan_ref),
                        &detail.to_string(),
                    )?;
                    row.loans = loans.len() as i64;
                    out.push(row);
                }
                Ok(out)
            })?;
            rows.extend(done);
        }
        Ok(BulkOutcome { dry_run: false, cases: order(rows), loads })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::CustomerId;

    #[test]
    fn a_run_bigger_than_a_batch_moves_every_case_once_with_its_audit_entry() {
        let store = crate::store::Store::open_in_memory().expect("store");
        let as_of = crate::domain::parse_date("2026-03-01").expect("date");
        let now = chrono::DateTime::parse_from_rfc3339("2026-03-01T10:00:00+08:00").expect("now");
        let mut d = Desk::open(store, "admin", as_of, now).expect("desk");
        crate::app::demo::generate(&mut d, 1_500, 5, &mut |_| {}).expect("demo");
        fn conn(d: &Desk) -> &rusqlite::Connection {
            d.store.conn()
        }
        let customers = crate::store::customer_count(conn(&d)).expect("customers");
        let ids = || (1..=customers).map(CustomerId);
        let history = |d: &Desk| -> usize {
            ids().map(|c| crate::store::assignments_of(conn(d), c).expect("history").len()).sum()
        };
        let before = history(&d);
        let words = ["--balance", "--dpd-min", "0", "--among", "xu.na,hu.bin", "--reason", "合并"];
        let req = super::super::AssignArgs::parse_words(&words).expect("parse").bulk();
        let plan = d.assign_bulk(&BulkAssign { dry_run: true, ..req.clone() }).expect("plan");
        let done = d.assign_bulk(&req).expect("run");
        let moved = done.cases.iter().filter(|c| c.status == CaseMoveStatus::Moved).count() as i64;
        assert!(moved > BULK_BATCH as i64, "{moved} moves span batches");
        assert_eq!(plan.cases.len() as i64, moved);
        assert_eq!(plan.loads, done.loads);
        let audit = crate::store::AuditFilter { limit: u64::MAX, ..Default::default() };
        let assigns = crate::store::list_audit(conn(&d), &audit).expect("audit");
        assert_eq!(assigns.iter().filter(|e| e.action == "assign").count() as i64, moved);
        assert_eq!(history(&d), before + moved as usize);
        // Every customer now belongs to one of the two, evenly, all its loans alike, and the
        // snapshot's copy of each loan's owner says the same.
        let rows = crate::store::list_loans(
            conn(&d),
            crate::store::StateAt::shared(d.as_of, d.rules),
            &Default::default(),
            crate::store::SortKey::Dpd,
            None,
            0,
        )
        .expect("loans");
        let mut owned = std::collections::BTreeSet::new();
        for row in rows {
            let loan = crate::store::loan_by_id(conn(&d), row.loan_id).expect("loan").expect("a loan");
            assert!(matches!(loan.assignee.as_deref(), Some("xu.na" | "hu.bin")), "{loan:?}");
            assert_eq!(row.assignee, loan.assignee, "{}", loan.loan_ref);
            owned.insert(loan.customer_id);
        }
        assert_eq!(owned.len() as i64, customers);
        let (a, b) = (done.loads[0].cases, done.loads[1].cases);
        assert!((a - b).abs() <= 1 && a + b == customers, "{a} + {b} of {customers}");
        // Nothing left to do: a second run moves nothing.
        assert!(d.assign_bulk(&req).expect("again").cases.is_empty());
    }
}

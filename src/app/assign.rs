//! Reassigning cases between desk users (supervisor): all of a customer's loans move together.

use serde::Serialize;

use super::{AppError, Desk, Result};
use crate::domain::{Money, Role, Stage};
use crate::store::{self, Loan, User};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reassigned {
    pub loan_id: String,
    pub customer_id: String,
    pub from: Option<String>,
    pub to: String,
}

impl Desk {
    /// Gives the cases of these loans to `to`, all or nothing. Each customer moves once with all
    /// of its loans (一户一人); a case edit claims every one of its loans' versions, so an edit made
    /// on an older view of the case is refused afterwards.
    pub fn assign(
        &mut self,
        loan_refs: &[String],
        to: &str,
        reason: Option<&str>,
    ) -> Result<Vec<Reassigned>> {
        let by = self.actor.require(Role::Supervisor, "reassigning cases")?.clone();
        if loan_refs.is_empty() {
            return Err(AppError::Input("name at least one loan to reassign".into()));
        }
        let target = store::user_by_login(self.store.conn(), to)?
            .ok_or_else(|| AppError::Input(format!("unknown desk user '{to}'")))?;
        if !target.active {
            return Err(AppError::Input(format!(
                "desk user '{to}' is disabled; cases go to active users only"
            )));
        }
        let mut loans: Vec<Loan> = Vec::new();
        for r in loan_refs {
            let loan = self.loan(r)?;
            if !loans.iter().any(|l| l.customer_id == loan.customer_id) {
                loans.push(loan);
            }
        }
        let reason = reason.map(str::trim).filter(|r| !r.is_empty()).unwrap_or("reassigned");
        let at = self.stamp();
        let me = self.edit_as();
        self.store.write(|tx| -> Result<Vec<Reassigned>> {
            let mut out = Vec::new();
            for loan in &loans {
                // The owner now, not when read: another desk may have moved the case meanwhile.
                let now = store::loan_by_ref(tx, &loan.loan_ref)?;
                let loan = now.as_ref().unwrap_or(loan);
                if loan.assignee_id == Some(target.id) {
                    continue;
                }
                // A case another user has open is refused whole; the bulk forms skip it instead.
                Self::check_lease(tx, loan, me)?;
                for id in store::reassign_customer(
                    tx,
                    loan.customer_id,
                    loan.assignee_id,
                    target.id,
                    Some(by.id),
                    reason,
                    &at,
                )? {
                    // Any version: the owner changes whatever the case's state; others' stale edits
                    // are refused afterwards.
                    let _ = store::bump_version(tx, id, None)?;
                }
                let detail = serde_json::json!({
                    "customer": loan.customer_ref,
                    "from": loan.assignee,
                    "to": target.login,
                    "reason": reason,
                });
                store::insert_audit(
                    tx,
                    &at,
                    &by.login,
                    "assign",
                    "loan",
                    Some(&loan.loan_ref),
                    &detail.to_string(),
                )?;
                out.push(Reassigned {
                    loan_id: loan.loan_ref.clone(),
                    customer_id: loan.customer_ref.clone(),
                    from: loan.assignee.clone(),
                    to: target.login.clone(),
                });
            }
            Ok(out)
        })
    }
}

/// How a balance weighs cases: by how many there are, or by their overdue amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BalanceBy {
    Count,
    Amount,
}

impl std::str::FromStr for BalanceBy {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "count" => Ok(BalanceBy::Count),
            "amount" => Ok(BalanceBy::Amount),
            _ => Err(format!("balance by '{s}': use count or amount")),
        }
    }
}

/// A bulk reassignment as the supervisor asks for it (`duedesk assign --stage legal --to NAME`,
/// `--from USER --to NAME`, `--balance --stage S --among a,b,c --by count|amount`; the desk's
/// `:assign` parses into the same). The filters select loans; each brings its whole customer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BulkAssign {
    /// Only loans in this stage.
    pub stage: Option<Stage>,
    /// Only cases owned by this desk user (a hand-over when they leave).
    pub from: Option<String>,
    /// Only loans at least this many days past due.
    pub dpd_min: Option<i64>,
    /// The one new owner (not with `balance`).
    pub to: Option<String>,
    /// Spread the cases across `among` evenly by this weight instead of giving them to `to`.
    pub balance: Option<BalanceBy>,
    pub among: Vec<String>,
    /// Kept in each case's assignment history (default "reassigned").
    pub reason: Option<String>,
    /// Plan only: say what would move, change nothing.
    pub dry_run: bool,
}

impl std::str::FromStr for BulkAssign {
    type Err = String;

    /// The command line's words, for the desk's `:assign`: `--stage S`, `--from U` (or
    /// `--assignee U`), `--dpd-min N`, `--to U`, `--balance`, `--among a,b,c`, `--by count|amount`,
    /// `--dry-run`, and `--reason` taking the rest of the line.
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        let mut req = BulkAssign::default();
        let mut words = s.split_whitespace();
        let mut by = None;
        while let Some(w) = words.next() {
            let mut value = |flag: &str| words.next().ok_or_else(|| format!("{flag} needs a value"));
            match w {
                "--stage" => req.stage = Some(value(w)?.parse()?),
                "--from" | "--assignee" => req.from = Some(value(w)?.to_string()),
                "--dpd-min" => {
                    let v = value(w)?;
                    req.dpd_min =
                        Some(v.parse().map_err(|_| format!("--dpd-min {v}: give a number of days"))?);
                }
                "--to" => req.to = Some(value(w)?.to_string()),
                "--balance" => req.balance = Some(BalanceBy::Count),
                "--among" => {
                    req.among = value(w)?.split(',').filter(|u| !u.is_empty()).map(String::from).collect()
                }
                "--by" => by = Some(value(w)?.parse::<BalanceBy>()?),
                "--dry-run" => req.dry_run = true,
                "--reason" => {
                    req.reason = Some(words.by_ref().collect::<Vec<_>>().join(" "));
                }
                other => {
                    return Err(format!(
                        "'{other}': use --stage, --from, --dpd-min, --to, --balance --among, --by, --dry-run, --reason"
                    ));
                }
            }
        }
        if let Some(by) = by {
            if req.balance.is_none() {
                return Err("--by goes with --balance".into());
            }
            req.balance = Some(by);
        }
        Ok(req)
    }
}

/// What became of one case in a bulk reassignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseMoveStatus {
    /// Would move (dry run).
    Planned,
    Moved,
    /// Left with its owner: another user has it open, or it changed since the plan.
    Skipped,
}

/// One case (customer) of a bulk reassignment: a row of `assign --format json|csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseMove {
    pub customer_id: String,
    /// The customer's first selected loan, to name the case.
    pub loan_id: String,
    /// The customer's loans the filter selected (planned, skipped) or all its loans (moved).
    pub loans: i64,
    /// Overdue amount of the selected loans.
    pub overdue_amount: Money,
    pub from: Option<String>,
    pub to: Option<String>,
    pub status: CaseMoveStatus,
    /// Why a case was skipped.
    pub note: Option<String>,
}

/// A collector's share after a bulk reassignment, within the selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Load {
    pub user: String,
    pub cases: i64,
    pub overdue_amount: Money,
}

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

struct Planned {
    case: store::CaseRow,
    to: Option<User>,
    skip: Option<String>,
}

impl Desk {
    fn active_user(&self, login: &str) -> Result<User> {
        let user = store::user_by_login(self.store.conn(), login)?
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
                store::user_by_login(self.store.conn(), login)?
                    .ok_or_else(|| AppError::Input(format!("unknown desk user '{login}'")))?
                    .id,
            ),
            None => None,
        };
        if let Some(n) = req.dpd_min.filter(|n| *n < 0) {
            return Err(AppError::Input(format!("--dpd-min {n}: give a number of days, 0 or more")));
        }
        let reason = req.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).unwrap_or("reassigned");
        let table = self.state_table(&mut |_| {})?;
        let filter = store::CaseFilter { stage: req.stage, owner, dpd_min: req.dpd_min };
        let cases = store::select_cases(self.store.conn(), table, &filter)?;
        let me = self.edit_as();
        let mut leased: std::collections::HashMap<store::CustomerId, String> = Default::default();
        for c in &cases {
            if let Some(l) =
                store::lease_of(self.store.conn(), c.customer, me.now)?.filter(|l| Some(l.user) != me.user)
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

/// Moves first, then skips; each in customer order (the plan's).
fn order(mut rows: Vec<CaseMove>) -> Vec<CaseMove> {
    rows.sort_by_key(|r| r.status == CaseMoveStatus::Skipped);
    rows
}

/// A case's output row: none for a case that stays where it is.
fn row_of(p: &Planned, status: CaseMoveStatus) -> Option<CaseMove> {
    let moves = p.to.as_ref().is_some_and(|t| Some(t.id) != p.case.owner);
    if p.skip.is_none() && !moves {
        return None;
    }
    Some(CaseMove {
        customer_id: p.case.customer_ref.clone(),
        loan_id: p.case.loan_ref.clone(),
        loans: p.case.loans,
        overdue_amount: Money::from_cents(p.case.overdue_cents),
        from: p.case.owner_login.clone(),
        to: p.to.as_ref().map(|t| t.login.clone()),
        status: if p.skip.is_some() { CaseMoveStatus::Skipped } else { status },
        note: p.skip.clone(),
    })
}

/// Everything to one user; cases it already owns stay.
fn plan_to(
    cases: Vec<store::CaseRow>,
    to: &User,
    leased: &std::collections::HashMap<store::CustomerId, String>,
) -> Vec<Planned> {
    cases
        .into_iter()
        .map(|c| {
            let skip = leased.get(&c.customer).filter(|_| c.owner != Some(to.id)).cloned();
            Planned { skip, to: Some(to.clone()), case: c }
        })
        .collect()
}

/// Spreads the cases across `among` so each ends with about the same weight: a case stays with
/// its owner (one of `among`) while the owner is under an even share, so few cases move; the
/// rest go, heaviest first, to whoever has least. By count the shares differ by at most one case.
/// A case another user has open stays with its owner: it counts toward that owner's share when
/// the owner is one of `among`, else it is skipped.
fn plan_balance(
    cases: Vec<store::CaseRow>,
    among: &[User],
    weigh: BalanceBy,
    leased: &std::collections::HashMap<store::CustomerId, String>,
) -> Vec<Planned> {
    let weight = |c: &store::CaseRow| match weigh {
        BalanceBy::Count => 1,
        BalanceBy::Amount => c.overdue_cents,
    };
    let k = among.len() as i64;
    let share = cases.iter().map(weight).sum::<i64>() / k;
    let mut load = vec![0_i64; among.len()];
    let slot = |c: &store::CaseRow| among.iter().position(|u| Some(u.id) == c.owner);
    let mut order: Vec<store::CaseRow> = cases;
    order.sort_by(|a, b| weight(b).cmp(&weight(a)).then(a.customer.cmp(&b.customer)));
    let mut plan: Vec<Planned> = Vec::with_capacity(order.len());
    let mut pool: Vec<store::CaseRow> = Vec::new();
    // Open cases first, so they take their place in their owner's share.
    let (open, rest): (Vec<_>, Vec<_>) = order.into_iter().partition(|c| leased.contains_key(&c.customer));
    for c in open {
        let skip = leased.get(&c.customer).cloned();
        match slot(&c) {
            Some(i) => {
                load[i] += weight(&c);
                plan.push(Planned { to: Some(among[i].clone()), skip: None, case: c });
            }
            None => plan.push(Planned { to: None, skip, case: c }),
        }
    }
    for c in rest {
        match slot(&c) {
            Some(i) if load[i] + weight(&c) <= share => {
                load[i] += weight(&c);
                plan.push(Planned { to: Some(among[i].clone()), skip: None, case: c });
            }
            _ => pool.push(c),
        }
    }
    for c in pool {
        // On a tie the owner keeps the case: no move for nothing.
        let i = (0..among.len())
            .min_by_key(|i| (load[*i], Some(among[*i].id) != c.owner, *i))
            .expect("among is not empty");
        load[i] += weight(&c);
        plan.push(Planned { to: Some(among[i].clone()), skip: None, case: c });
    }
    plan.sort_by_key(|p| p.case.customer);
    plan
}

/// Each target's share of the selection once the plan is carried out.
fn loads_of(plan: &[Planned], targets: &[User]) -> Vec<Load> {
    targets
        .iter()
        .map(|u| {
            let mine = plan.iter().filter(|p| {
                let stays = p.skip.is_some() || p.to.is_none();
                if stays { p.case.owner == Some(u.id) } else { p.to.as_ref().is_some_and(|t| t.id == u.id) }
            });
            let (cases, cents) = mine.fold((0, 0), |(n, s), p| (n + 1, s + p.case.overdue_cents));
            Load { user: u.login.clone(), cases, overdue_amount: Money::from_cents(cents) }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{CaseRow, CustomerId, UserId};

    fn user(id: i64, login: &str) -> User {
        User { id: UserId(id), login: login.into(), display_name: None, role: Role::Collector, active: true }
    }

    fn case(id: i64, owner: Option<i64>, cents: i64) -> CaseRow {
        CaseRow {
            customer: CustomerId(id),
            customer_ref: format!("K{id}"),
            owner: owner.map(UserId),
            owner_login: owner.map(|o| format!("u{o}")),
            loan_ref: format!("L{id}"),
            loans: 1,
            overdue_cents: cents,
        }
    }

    fn moves(plan: &[Planned]) -> Vec<(i64, Option<i64>)> {
        plan.iter()
            .filter(|p| p.skip.is_none() && p.to.as_ref().is_some_and(|t| Some(t.id) != p.case.owner))
            .map(|p| (p.case.customer.0, p.to.as_ref().map(|t| t.id.0)))
            .collect()
    }

    #[test]
    fn the_desk_command_parses_like_the_command_line() {
        let req: BulkAssign =
            "--balance --stage legal --among xu.na,hu.bin --by amount --dry-run --reason 月初 均衡"
                .parse()
                .expect("parse");
        assert_eq!(
            req,
            BulkAssign {
                stage: Some(Stage::Legal),
                balance: Some(BalanceBy::Amount),
                among: vec!["xu.na".into(), "hu.bin".into()],
                dry_run: true,
                reason: Some("月初 均衡".into()),
                ..Default::default()
            }
        );
        let req: BulkAssign = "--assignee li.qiang --dpd-min 31 --to xu.na".parse().expect("parse");
        assert_eq!(
            (req.from.as_deref(), req.dpd_min, req.to.as_deref()),
            (Some("li.qiang"), Some(31), Some("xu.na"))
        );
        for bad in ["--stage nowhere", "--dpd-min x", "--to", "--by amount", "--whatever"] {
            assert!(bad.parse::<BulkAssign>().is_err(), "{bad}");
        }
    }

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
        let req: BulkAssign =
            "--balance --dpd-min 0 --among xu.na,hu.bin --reason 合并".parse().expect("parse");
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
            crate::store::StateTable::Shared,
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

    #[test]
    fn balance_by_count_ends_within_one_case_and_moves_few() {
        let among = [user(1, "u1"), user(2, "u2"), user(3, "u3")];
        // Seven cases: five with u1, two with nobody.
        let cases: Vec<CaseRow> =
            (1..=7).map(|i| case(i, if i <= 5 { Some(1) } else { None }, 100)).collect();
        let plan = plan_balance(cases, &among, BalanceBy::Count, &Default::default());
        let loads: Vec<i64> = loads_of(&plan, &among).iter().map(|l| l.cases).collect();
        assert_eq!(loads, vec![3, 2, 2]);
        // u1 keeps two (its even share, floor 7/3), then the pool fills the least loaded.
        assert_eq!(moves(&plan).len(), 5);
        assert!(moves(&plan).iter().all(|(_, to)| to.is_some()));
        // Already even: nothing moves.
        let even = vec![case(1, Some(1), 5), case(2, Some(2), 5), case(3, Some(3), 5)];
        assert!(moves(&plan_balance(even, &among, BalanceBy::Count, &Default::default())).is_empty());
    }

    #[test]
    fn balance_by_amount_gives_the_heaviest_to_the_lightest() {
        let among = [user(1, "u1"), user(2, "u2")];
        let cases =
            vec![case(1, Some(1), 900), case(2, Some(1), 500), case(3, Some(1), 400), case(4, None, 200)];
        let plan = plan_balance(cases, &among, BalanceBy::Amount, &Default::default());
        // Share 1000: u1 keeps 900; 500, 400 and 200 go to whoever has least.
        assert_eq!(moves(&plan), vec![(2, Some(2)), (3, Some(2)), (4, Some(1))]);
        let loads: Vec<i64> = loads_of(&plan, &among).iter().map(|l| l.overdue_amount.cents()).collect();
        assert_eq!(loads, vec![1100, 900]);
    }

    #[test]
    fn an_open_case_stays_with_its_owner() {
        let among = [user(1, "u1"), user(2, "u2")];
        let leased: std::collections::HashMap<CustomerId, String> = [
            (CustomerId(1), "being worked by u1".to_string()),
            (CustomerId(2), "being worked by u9".to_string()),
        ]
        .into_iter()
        .collect();
        let cases = vec![case(1, Some(1), 1), case(2, Some(9), 1), case(3, Some(1), 1), case(4, Some(1), 1)];
        let plan = plan_balance(cases, &among, BalanceBy::Count, &leased);
        // Case 1 counts toward u1's share; case 2's owner is not balanced, so it is skipped.
        let skipped: Vec<i64> = plan.iter().filter(|p| p.skip.is_some()).map(|p| p.case.customer.0).collect();
        assert_eq!(skipped, vec![2]);
        let loads: Vec<i64> = loads_of(&plan, &among).iter().map(|l| l.cases).collect();
        assert_eq!(loads, vec![2, 1]);
        let to = plan_to(vec![case(1, Some(1), 1), case(5, Some(2), 1)], &among[1], &leased);
        assert_eq!(to.iter().filter(|p| p.skip.is_some()).count(), 1);
        assert!(row_of(&to[1], CaseMoveStatus::Planned).is_none(), "u2's own case does not move");
    }
}

//! Planning a bulk reassignment in memory, one small row per selected customer: everything to one
//! user, or balanced across several by count or overdue amount; and what each case's row says.

use serde::Serialize;

use super::request::BalanceBy;
use crate::domain::Money;
use crate::store::{CaseRow, CustomerId, User};

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

/// One selected case and what the plan does with it: the new owner, or why it stays.
pub(super) struct Planned {
    pub(super) case: CaseRow,
    pub(super) to: Option<User>,
    pub(super) skip: Option<String>,
}

/// Moves first, then skips; each in customer order (the plan's).
pub(super) fn order(mut rows: Vec<CaseMove>) -> Vec<CaseMove> {
    rows.sort_by_key(|r| r.status == CaseMoveStatus::Skipped);
    rows
}

/// A case's output row: none for a case that stays where it is.
pub(super) fn row_of(p: &Planned, status: CaseMoveStatus) -> Option<CaseMove> {
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
pub(super) fn plan_to(
    cases: Vec<CaseRow>,
    to: &User,
    leased: &std::collections::HashMap<CustomerId, String>,
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
pub(super) fn plan_balance(
    cases: Vec<CaseRow>,
    among: &[User],
    weigh: BalanceBy,
    leased: &std::collections::HashMap<CustomerId, String>,
) -> Vec<Planned> {
    let weight = |c: &CaseRow| match weigh {
        BalanceBy::Count => 1,
        BalanceBy::Amount => c.overdue_cents,
    };
    let k = among.len() as i64;
    let share = cases.iter().map(weight).sum::<i64>() / k;
    let mut load = vec![0_i64; among.len()];
    let slot = |c: &CaseRow| among.iter().position(|u| Some(u.id) == c.owner);
    let mut order: Vec<CaseRow> = cases;
    order.sort_by(|a, b| weight(b).cmp(&weight(a)).then(a.customer.cmp(&b.customer)));
    let mut plan: Vec<Planned> = Vec::with_capacity(order.len());
    let mut pool: Vec<CaseRow> = Vec::new();
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
pub(super) fn loads_of(plan: &[Planned], targets: &[User]) -> Vec<Load> {
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
    use crate::domain::Role;
    use crate::store::UserId;

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

//! The credit a payments file leaves: a loan paid more than it owes keeps the rest as a credit
//! balance (DOMAIN §4). A small one is taken and listed; one over [`MAX_CREDIT_PCT`] % of the
//! principal is almost always an amount typed wrong, so it is refused unless accepted.

use std::collections::BTreeMap;

use crate::store::Db;
use chrono::NaiveDate;

use super::payments::{MAX_CREDIT_PCT, PaymentOptions};
use super::problems::Problems;
use crate::app::Result;
use crate::domain::{AssessRules, Money, assess};
use crate::store::{self, LoanId, PaymentTarget};

/// A loan left with a credit balance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credit {
    pub loan_id: String,
    pub credit: Money,
}

/// The credit of each loan the file paid (`affected`: its last line, the loan, its id), as of
/// `today`; each over the bound is a problem at the loan's last row unless accepted.
pub(super) fn check<'a>(
    tx: impl Into<Db<'a>>,
    affected: &BTreeMap<LoanId, (u64, PaymentTarget, String)>,
    today: NaiveDate,
    rules: &AssessRules,
    options: PaymentOptions,
    problems: &mut Problems,
) -> Result<Vec<Credit>> {
    let tx = tx.into();
    let mut credits = Vec::new();
    let unplanned: Vec<_> =
        affected.values().filter(|(_, t, _)| !t.planned).map(|(_, t, _)| t.loan).collect();
    let paid = store::paid_in_all_of(tx, &unplanned)?;
    for (line, target, loan_ref) in affected.values() {
        // A loan under its own schedule owes at least its principal: paid no more, no credit.
        if !target.planned && paid.get(&target.loan).is_none_or(|p| *p <= target.principal) {
            continue;
        }
        let Some(loan) = store::loan_by_id(tx, target.loan)? else { continue };
        let (schedule, payments) = store::schedule_inputs(tx, &loan)?;
        let credit = assess(&schedule, &payments, loan.terms.rate, today, rules).credit_balance;
        if !credit.is_positive() {
            continue;
        }
        if !over_bound(credit, target.principal) || options.accept_overpayment {
            credits.push(Credit { loan_id: loan_ref.clone(), credit });
            continue;
        }
        problems.add(
            *line,
            "amount",
            format!(
                "leaves loan '{loan_ref}' a credit balance of {credit}, more than {MAX_CREDIT_PCT} % of its principal \
                 ({}): check the amount, or import with --accept-overpayment if it was paid",
                target.principal
            ),
        );
    }
    Ok(credits)
}

fn over_bound(credit: Money, principal: Money) -> bool {
    i128::from(credit.cents()) * 100 > i128::from(principal.cents()) * i128::from(MAX_CREDIT_PCT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bound_is_a_tenth_of_the_principal() {
        let m = Money::from_cents;
        assert!(!over_bound(m(100_000), m(1_000_000)), "exactly 10 %");
        assert!(over_bound(m(100_001), m(1_000_000)));
        assert!(!over_bound(m(1), m(1_000_000)));
        assert!(over_bound(m(i64::MAX), m(i64::MAX)), "no overflow");
    }
}

//! The loans file's rows, each checked on its own (on the reading thread); `loan_batch` checks
//! them against the store and the rows before them and inserts them.

use chrono::NaiveDate;

use super::checks::{amount, free_text, id_text, line_text, login, phone, rate, term_months};
use super::columns::Row;
use super::problems::{FieldErrors, Parsed};
use crate::app::Result;
use crate::domain::collateral::CollateralKind;
use crate::domain::{LoanTerms, Money, Product, parse_date};
use crate::store::{NewLoan, SeenCustomer};

/// A loans row, checked on its own; the owner is still a login.
#[derive(Debug)]
pub(super) struct LoanRow {
    pub(super) loan: NewLoan,
    pub(super) assignee: Option<String>,
    pub(super) extras: Extras,
}

/// What a loans row may carry besides the loan: the borrower's address and employer, and the
/// collateral's type and value (its description is the loan's `collateral`).
#[derive(Debug, Default)]
pub(super) struct Extras {
    pub(super) address: Option<String>,
    pub(super) employer: Option<String>,
    pub(super) collateral_kind: Option<CollateralKind>,
    /// A valuation: amount and date.
    pub(super) valuation: Option<(Money, NaiveDate)>,
}

/// The extra columns of a row, checked together with the loan's collateral description.
fn parse_extras(row: &Row<'_>, e: &mut FieldErrors, described: bool) -> Option<Extras> {
    let address = e.take("address", row.get("address").map(free_text).transpose());
    let employer = e.take("employer", row.get("employer").map(line_text).transpose());
    let kind = e.take("collateral_type", row.get("collateral_type").map(str::parse).transpose());
    let value = e.take("collateral_value", row.get("collateral_value").map(amount).transpose());
    let on = e.take("collateral_valued_on", row.get("collateral_valued_on").map(parse_date).transpose());
    let (address, employer, kind, value, on) = (address?, employer?, kind?, value?, on?);
    let valuation = match (value, on) {
        (Some(v), Some(d)) => Some((v, d)),
        (None, None) => None,
        (Some(_), None) => {
            e.push(
                "collateral_valued_on",
                "is empty, but a collateral_value needs the date it was valued on",
            );
            return None;
        }
        (None, Some(_)) => {
            e.push("collateral_value", "is empty, but collateral_valued_on names a valuation");
            return None;
        }
    };
    if !described && (kind.is_some() || valuation.is_some()) {
        let field = if kind.is_some() { "collateral_type" } else { "collateral_value" };
        e.push(field, "needs the collateral described in the collateral column");
        return None;
    }
    Some(Extras { address, employer, collateral_kind: kind, valuation })
}

impl LoanRow {
    pub(super) fn customer_ref(&self) -> &str {
        self.loan.customer_ref()
    }
}

pub(super) fn parse_loan_row(row: &Row<'_>) -> Parsed<LoanRow> {
    Parsed { loan_ref: row.get("loan_id").map(str::to_string), row: parse_loan(row) }
}

fn parse_loan(row: &Row<'_>) -> Result<LoanRow, FieldErrors> {
    let mut e = FieldErrors::default();
    let loan_ref = e.take("loan_id", row.required("loan_id").and_then(id_text));
    let borrower = e.take("borrower", row.required("borrower").and_then(line_text));
    let customer_ref = e.take("customer_id", row.get("customer_id").map(id_text).transpose());
    let phone_no = e.take("phone", row.get("phone").map(phone).transpose());
    let product = e.take("product", row.required("product").and_then(str::parse::<Product>));
    let principal = e.take("principal", row.required("principal").and_then(amount));
    let rate = e.take("annual_rate", row.required("annual_rate").and_then(rate));
    let term = e.take("term_months", row.required("term_months").and_then(term_months));
    let disbursed_on = e.take("disbursed_on", row.required("disbursed_on").and_then(parse_date));
    let guarantor_phone = e.take("guarantor_phone", row.get("guarantor_phone").map(phone).transpose());
    let assignee = e.take("assignee", row.get("assignee").map(login).transpose());
    let guarantor = e.take("guarantor", row.get("guarantor").map(line_text).transpose());
    let collateral = e.take("collateral", row.get("collateral").map(free_text).transpose());
    let branch = e.take("branch", row.get("branch").map(line_text).transpose());
    let described = collateral.as_ref().is_some_and(|c| c.as_ref().is_some_and(|c| !c.trim().is_empty()));
    let extras = parse_extras(row, &mut e, described);
    let (
        Some(loan_ref),
        Some(borrower),
        Some(customer_ref),
        Some(phone),
        Some(product),
        Some(principal),
        Some(rate),
        Some(term_months),
        Some(disbursed_on),
        Some(guarantor_phone),
        Some(assignee),
        Some(guarantor),
        Some(collateral),
        Some(branch),
        Some(extras),
    ) = (
        loan_ref,
        borrower,
        customer_ref,
        phone_no,
        product,
        principal,
        rate,
        term,
        disbursed_on,
        guarantor_phone,
        assignee,
        guarantor,
        collateral,
        branch,
        extras,
    )
    else {
        return Err(e);
    };
    let loan = NewLoan {
        loan_ref,
        customer_ref,
        borrower,
        phone,
        terms: LoanTerms { product, principal, rate, term_months, disbursed_on },
        guarantor,
        guarantor_phone,
        collateral,
        branch,
        assignee: None,
    };
    Ok(LoanRow { loan, assignee, extras })
}

pub(super) fn owner_conflict(customer: &str, given: &str, owner: &SeenCustomer) -> String {
    let rule = "one customer has one owner";
    match (&owner.owner, owner.line) {
        (Some(o), Some(n)) => format!(
            "customer '{customer}' belongs to '{o}' (line {n}), not '{given}': {rule}; give its loans the same assignee or leave it empty"
        ),
        (Some(o), None) => format!(
            "customer '{customer}' belongs to '{o}' on the desk, not '{given}': {rule}; leave assignee empty, or move the customer with `duedesk assign`"
        ),
        (None, Some(n)) => format!(
            "customer '{customer}' first appears on line {n} with no assignee, so it cannot go to '{given}' here: {rule}; put '{given}' on line {n} too"
        ),
        (None, None) => format!(
            "customer '{customer}' is on the desk with no owner, so it cannot go to '{given}' here: {rule}; leave assignee empty and use `duedesk assign`"
        ),
    }
}

#[cfg(test)]
mod tests {
    use csv::StringRecord;

    use super::*;
    use crate::app::import::columns::{Columns, LOAN_COLUMNS};

    const LOANS_HEADER: &str =
        "loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,customer_id,assignee\n";

    #[test]
    fn field_values_are_checked_one_by_one() {
        let row = |text: &str| {
            let header = StringRecord::from(LOANS_HEADER.trim_end().split(',').collect::<Vec<_>>());
            let mut problems = crate::app::import::problems::Problems::new("t");
            let columns = Columns::new(&header, LOAN_COLUMNS, 1, &mut problems).expect("columns");
            let record = StringRecord::from(text.split(',').collect::<Vec<_>>());
            parse_loan(&Row::new(&record, &columns)).map(|_| ()).map_err(|e| {
                e.0.into_iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>()
            })
        };
        assert_eq!(row("L-1,甲,annuity,0.01,0,1,2026-01-10,,"), Ok(()));
        assert_eq!(row("L-1,甲,bullet,1000,99.9999,480,2026-01-10,,"), Ok(()));
        let errors = row(&format!("{},甲,annuity,+5,4.12345,12.5,2026-1-10,,Wang Fang", "x".repeat(65)))
            .expect_err("bad row");
        assert_eq!(errors.len(), 6, "{errors:#?}");
        assert!(errors[0].starts_with("loan_id: is 65 characters long"));
        assert!(errors[1].starts_with("principal: '+5' has a sign"));
        assert!(errors[2].starts_with("annual_rate: '4.12345' has more than four decimals"));
        assert!(errors[3].starts_with("term_months: '12.5' is not a whole number"));
        assert!(errors[4].starts_with("disbursed_on: '2026-1-10' is not a date"));
        assert!(errors[5].starts_with("assignee: 'Wang Fang' is not a desk login"));
        assert!(row("L-1,甲,annuity,1.234,-1,+12,2026-01-10,,").expect_err("bad").len() == 3);
        assert!(row(",,,,,,,,").expect_err("empty").len() == 7);
    }
}

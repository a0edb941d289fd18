//! The loans file: each row checked on its own (on the reading thread), then against the store
//! and the rows before it (a loan id once, one owner per customer), and inserted while the file
//! is clean.

use std::collections::HashMap;

use crate::store::Db;
use chrono::NaiveDate;

use super::checks::{amount, free_text, id_text, line_text, login, phone, rate, term_months};
use super::columns::Row;
use super::problems::{FieldErrors, Parsed, Problems};
use crate::app::Result;
use crate::domain::collateral::CollateralKind;
use crate::domain::{LoanTerms, Money, Product, Role, parse_date};
use crate::store::{self, LoanId, NewLoan, SeenCustomer, UserId};

/// A loans row, checked on its own; the owner is still a login.
#[derive(Debug)]
pub(super) struct LoanRow {
    loan: NewLoan,
    assignee: Option<String>,
    extras: Extras,
}

/// What a loans row may carry besides the loan: the borrower's address and employer, and the
/// collateral's type and value (its description is the loan's `collateral`).
#[derive(Debug, Default)]
pub(super) struct Extras {
    address: Option<String>,
    employer: Option<String>,
    collateral_kind: Option<CollateralKind>,
    /// A valuation: amount and date.
    valuation: Option<(Money, NaiveDate)>,
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
    fn customer_ref(&self) -> &str {
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

/// The state of a loans import: the desk users it knows, what it created and inserted. What
/// earlier rows of the file settled (each loan id's line, each customer's owner) is kept in the
/// store's temporary tables (`store::seen_*`), so memory does not grow with the file.
pub(super) struct LoanImport<'t> {
    tx: Db<'t>,
    at: &'t str,
    /// Today by the clock: no loan is disbursed after it.
    today: NaiveDate,
    /// The store held no loans and no customers when the import began: nothing in the file can
    /// be there already, and a million rows are not looked up in it twice each.
    fresh: bool,
    /// Desk users known to be usable as owners.
    users: HashMap<String, UserId>,
    pub(super) created_users: Vec<String>,
    /// The loans inserted, to compute into the snapshot; not kept into a fresh book, whose
    /// snapshot is computed whole.
    pub(super) inserted: Vec<LoanId>,
}

impl<'t> LoanImport<'t> {
    pub(super) fn new(tx: impl Into<Db<'t>>, at: &'t str, today: NaiveDate, fresh: bool) -> Result<Self> {
        let tx = tx.into();
        store::seen_begin(tx)?;
        Ok(LoanImport {
            tx,
            at,
            today,
            fresh,
            users: HashMap::new(),
            created_users: Vec::new(),
            inserted: Vec::new(),
        })
    }

    /// Checks one row against the store and the earlier rows; inserts it while the file is clean.
    pub(super) fn row(&mut self, row: Parsed<LoanRow>, line: u64, problems: &mut Problems) -> Result<()> {
        let Parsed { loan_ref, row: parsed } = row;
        let (parsed, mut errors) = match parsed {
            Ok(parsed) => (Some(parsed), FieldErrors::default()),
            Err(errors) => (None, errors),
        };
        if let Some(loan_ref) = &loan_ref {
            self.check_new_loan(loan_ref, line, &mut errors)?;
        }
        let owner = match &parsed {
            Some(parsed) => {
                let disbursed = parsed.loan.terms.disbursed_on;
                if disbursed > self.today {
                    errors.push("disbursed_on", format!("'{disbursed}' is after today ({})", self.today));
                }
                if let Some((_, on)) = parsed.extras.valuation.filter(|(_, on)| *on > self.today) {
                    errors.push("collateral_valued_on", format!("'{on}' is after today ({})", self.today));
                }
                Some(self.check_owner(parsed, line, &mut errors)?)
            }
            None => None,
        };
        match (parsed, owner) {
            (Some(parsed), Some(owner)) if errors.is_empty() && problems.is_empty() => {
                self.insert(parsed, owner)
            }
            (parsed, owner) => {
                if let (Some(parsed), Some((owner, true))) = (parsed, owner) {
                    store::see_customer(self.tx, parsed.customer_ref(), &owner)?;
                }
                problems.add_row(line, errors);
                Ok(())
            }
        }
    }

    fn check_new_loan(&mut self, loan_ref: &str, line: u64, errors: &mut FieldErrors) -> Result<()> {
        if let Some(first) = store::seen_loan(self.tx, loan_ref, line)? {
            errors.push("loan_id", format!("'{loan_ref}' is repeated: it is first on line {first}"));
        } else if !self.fresh && store::loan_id_by_ref(self.tx, loan_ref)?.is_some() {
            // Earlier rows of this file are noted, so a loan found in the store was there before.
            errors.push(
                "loan_id",
                format!(
                    "loan '{loan_ref}' is already on the desk (import the file with --update to change contact fields)"
                ),
            );
        }
        Ok(())
    }

    /// One owner per customer (一户一人): a row may leave the assignee empty, or name the customer's
    /// owner. The customer's owner as settled, and whether this row is the first to settle it.
    fn check_owner(
        &mut self,
        parsed: &LoanRow,
        line: u64,
        errors: &mut FieldErrors,
    ) -> Result<(SeenCustomer, bool)> {
        if let Some(login) = &parsed.assignee {
            self.check_assignee(login, errors)?;
        }
        let customer = parsed.customer_ref();
        let (owner, first) = match store::seen_customer(self.tx, customer)? {
            Some(seen) => (seen, false),
            None => {
                let known = if self.fresh { None } else { store::customer_by_ref(self.tx, customer)? };
                let seen = match known {
                    Some((id, user)) => {
                        SeenCustomer { line: None, owner: self.login_of(user)?, id: Some(id) }
                    }
                    None => SeenCustomer { line: Some(line), owner: parsed.assignee.clone(), id: None },
                };
                (seen, true)
            }
        };
        if let Some(given) = &parsed.assignee
            && owner.owner.as_ref() != Some(given)
        {
            errors.push("assignee", owner_conflict(customer, given, &owner));
        }
        Ok((owner, first))
    }

    fn check_assignee(&mut self, login: &str, errors: &mut FieldErrors) -> Result<()> {
        if self.users.contains_key(login) {
            return Ok(());
        }
        match store::user_by_login(self.tx, login)? {
            Some(user) if !user.active => errors.push(
                "assignee",
                format!("desk user '{login}' is disabled: enable it, or assign the loan to someone else"),
            ),
            Some(user) => {
                self.users.insert(login.to_string(), user.id);
            }
            None => {} // created as a collector when the row goes in
        }
        Ok(())
    }

    fn login_of(&self, user: Option<UserId>) -> Result<Option<String>> {
        let Some(id) = user else { return Ok(None) };
        Ok(store::user_by_id(self.tx, id)?.map(|u| u.login))
    }

    fn insert(&mut self, parsed: LoanRow, (owner, first): (SeenCustomer, bool)) -> Result<()> {
        let assignee = parsed.assignee.as_deref().map(|login| self.user_id(login)).transpose()?;
        let loan = NewLoan { assignee, ..parsed.loan };
        // `check_owner` settled the row's customer: found in the store, or first seen in the file.
        let customer = match owner.id {
            Some(id) => {
                if first {
                    store::see_customer(self.tx, loan.customer_ref(), &owner)?;
                }
                id
            }
            None => {
                let id = store::insert_customer(self.tx, &loan, self.at)?;
                store::see_customer(self.tx, loan.customer_ref(), &SeenCustomer { id: Some(id), ..owner })?;
                id
            }
        };
        let id = store::insert_loan_of(self.tx, customer, &loan, self.at)?;
        let x = parsed.extras;
        if x.address.is_some() || x.employer.is_some() {
            store::set_address_employer(self.tx, id, x.address.as_deref(), x.employer.as_deref())?;
        }
        // The collateral described becomes an item of the customer's register (type `other`
        // unless the file says), with its valuation when the file gives one.
        if let Some(description) = loan.collateral.as_deref().filter(|c| !c.trim().is_empty()) {
            let item = store::insert_item(
                self.tx,
                &store::NewItem {
                    customer,
                    loan: Some(id),
                    kind: x.collateral_kind.unwrap_or(CollateralKind::Other),
                    description,
                    owner: None,
                    insured_until: None,
                    created_by: "import",
                    created_at: self.at,
                },
            )?;
            if let Some((value, on)) = x.valuation {
                store::insert_valuation(self.tx, item, value, on, "import", None, self.at)?;
            }
        }
        if !self.fresh {
            self.inserted.push(id);
        }
        Ok(())
    }

    /// The desk user with this login, created as a collector if there is none.
    fn user_id(&mut self, login: &str) -> Result<UserId> {
        if let Some(id) = self.users.get(login) {
            return Ok(*id);
        }
        let id = match store::user_by_login(self.tx, login)? {
            Some(user) => user.id,
            None => {
                self.created_users.push(login.to_string());
                store::insert_user(self.tx, login, None, Role::Collector, self.at)?
            }
        };
        self.users.insert(login.to_string(), id);
        Ok(id)
    }
}

fn owner_conflict(customer: &str, given: &str, owner: &SeenCustomer) -> String {
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
            let mut problems = Problems::new("t");
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

//! A loans import's rows checked against the store and the rows before them (a loan id once, one
//! owner per customer) and inserted while the file is clean, a batch of rows at a time: the
//! batch's questions and inserts are a statement each on a server (`store::import_batch`), a
//! row's own statements on a file. What earlier batches settled (each loan id's line, each
//! customer's owner) is kept in the store's temporary tables (`store::seen_*`), so memory does not
//! grow with the file.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::loans::{LoanRow, owner_conflict};
use super::problems::{FieldErrors, Parsed, Problems};
use crate::app::Result;
use crate::domain::Role;
use crate::domain::collateral::CollateralKind;
use crate::store::{self, CustomerId, Db, LoanId, LoanInsert, NewLoan, SeenCustomer, UserId};

/// Rows checked and inserted together.
const BATCH: usize = 1_000;

/// The state of a loans import: the desk users it knows, what it created and inserted, and the
/// rows read but not yet checked against the store.
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
    /// Logins of owners found on customers in the store.
    logins: HashMap<UserId, Option<String>>,
    pub(super) created_users: Vec<String>,
    /// The loans inserted, to compute into the snapshot; not kept into a fresh book, whose
    /// snapshot is computed whole.
    pub(super) inserted: Vec<LoanId>,
    queue: Vec<(Parsed<LoanRow>, u64)>,
    /// Batches done so far.
    batches: u64,
}

/// The customer of a loan waiting in a batch: in the store, or the batch's `n`th new one.
#[derive(Clone, Copy)]
enum Customer {
    Stored(CustomerId),
    New(usize),
}

/// A loan waiting in a batch for its insert.
struct Waiting {
    customer: Customer,
    row: LoanRow,
}

/// What one batch learns and holds: how its customers stand (the store's temporary table's
/// answers, then what its rows settle), and the loans that go in when it ends.
#[derive(Default)]
struct Batch {
    /// Each customer of the batch as settled so far.
    seen: HashMap<String, SeenCustomer>,
    /// The customers whose settling changed in this batch.
    settled: HashSet<String>,
    /// The customers the batch inserts, each by the loan that brings it (an index of `loans`).
    new_customers: Vec<usize>,
    new_by_ref: HashMap<String, usize>,
    loans: Vec<Waiting>,
}

impl Batch {
    fn settle(&mut self, customer: &str, seen: SeenCustomer) {
        self.seen.insert(customer.to_string(), seen);
        self.settled.insert(customer.to_string());
    }
}

/// What the store says of a batch's loan ids and customers.
struct Found {
    /// For each row with a loan id, in order: the line an earlier row had it on.
    earlier: std::vec::IntoIter<Option<u64>>,
    /// Loan ids already on the desk (none looked for in a fresh book).
    present: HashSet<String>,
    /// Customers already on the desk: id and owner.
    known: HashMap<String, (CustomerId, Option<UserId>)>,
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
            logins: HashMap::new(),
            created_users: Vec::new(),
            inserted: Vec::new(),
            queue: Vec::with_capacity(BATCH),
            batches: 0,
        })
    }

    /// Takes one row; a full batch is checked and, while the file is clean, inserted.
    pub(super) fn row(&mut self, row: Parsed<LoanRow>, line: u64, problems: &mut Problems) -> Result<()> {
        self.queue.push((row, line));
        if self.queue.len() >= BATCH {
            self.drain(problems)?;
        }
        Ok(())
    }

    /// Checks and inserts the rows still waiting, once the file is read.
    pub(super) fn finish(&mut self, problems: &mut Problems) -> Result<()> {
        self.drain(problems)
    }

    fn drain(&mut self, problems: &mut Problems) -> Result<()> {
        let rows = std::mem::take(&mut self.queue);
        if rows.is_empty() {
            return Ok(());
        }
        let loan_lines: Vec<(&str, u64)> =
            rows.iter().filter_map(|(r, line)| r.loan_ref.as_deref().map(|l| (l, *line))).collect();
        let refs: Vec<&str> = loan_lines.iter().map(|l| l.0).collect();
        let customers: Vec<&str> =
            rows.iter().filter_map(|(r, _)| r.row.as_ref().ok().map(LoanRow::customer_ref)).collect();
        let mut found = Found {
            earlier: store::seen_loans(self.tx, &loan_lines)?.into_iter(),
            present: if self.fresh { HashSet::new() } else { store::loans_present(self.tx, &refs)? },
            known: if self.fresh { HashMap::new() } else { store::customers_by_refs(self.tx, &customers)? },
        };
        let mut batch = Batch { seen: store::seen_customers(self.tx, &customers)?, ..Batch::default() };
        for (row, line) in rows {
            self.check(row, line, &mut found, &mut batch, problems)?;
        }
        if problems.is_empty() {
            self.insert(&mut batch)?;
        }
        let settled: Vec<(&str, &SeenCustomer)> =
            batch.settled.iter().filter_map(|c| batch.seen.get(c).map(|s| (c.as_str(), s))).collect();
        store::see_customers(self.tx, &settled)?;
        // The look-ups planned again as the tables grow: after 1, 2, 4, … batches.
        self.batches += 1;
        if self.batches.is_power_of_two() {
            store::seen_analyze(self.tx)?;
        }
        Ok(())
    }

    /// Checks one row against the store and the earlier rows; holds it for the batch's insert
    /// while the file is clean.
    fn check(
        &mut self,
        row: Parsed<LoanRow>,
        line: u64,
        found: &mut Found,
        batch: &mut Batch,
        problems: &mut Problems,
    ) -> Result<()> {
        let Parsed { loan_ref, row: parsed } = row;
        let (parsed, mut errors) = match parsed {
            Ok(parsed) => (Some(parsed), FieldErrors::default()),
            Err(errors) => (None, errors),
        };
        if let Some(loan_ref) = &loan_ref {
            if let Some(first) = found.earlier.next().flatten() {
                errors.push("loan_id", format!("'{loan_ref}' is repeated: it is first on line {first}"));
            } else if found.present.contains(loan_ref) {
                // Earlier rows of this file are noted, so a loan found in the store was there before.
                errors.push(
                    "loan_id",
                    format!(
                        "loan '{loan_ref}' is already on the desk (import the file with --update to change contact fields)"
                    ),
                );
            }
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
                Some(self.check_owner(parsed, line, found, batch, &mut errors)?)
            }
            None => None,
        };
        match (parsed, owner) {
            (Some(parsed), Some(owner)) if errors.is_empty() && problems.is_empty() => {
                self.hold(parsed, owner, batch)
            }
            (parsed, owner) => {
                if let (Some(parsed), Some((owner, true))) = (parsed, owner) {
                    batch.settle(parsed.customer_ref(), owner);
                }
                problems.add_row(line, errors);
                Ok(())
            }
        }
    }

    /// One owner per customer (一户一人): a row may leave the assignee empty, or name the customer's
    /// owner. The customer's owner as settled, and whether this row is the first to settle it.
    fn check_owner(
        &mut self,
        parsed: &LoanRow,
        line: u64,
        found: &Found,
        batch: &Batch,
        errors: &mut FieldErrors,
    ) -> Result<(SeenCustomer, bool)> {
        if let Some(login) = &parsed.assignee {
            self.check_assignee(login, errors)?;
        }
        let customer = parsed.customer_ref();
        let (owner, first) = match batch.seen.get(customer) {
            Some(seen) => (seen.clone(), false),
            None => {
                let seen = match found.known.get(customer) {
                    Some(&(id, user)) => {
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

    fn login_of(&mut self, user: Option<UserId>) -> Result<Option<String>> {
        let Some(id) = user else { return Ok(None) };
        if let Some(login) = self.logins.get(&id) {
            return Ok(login.clone());
        }
        let login = store::user_by_id(self.tx, id)?.map(|u| u.login);
        self.logins.insert(id, login.clone());
        Ok(login)
    }

    /// Holds a clean row for the batch's insert, settling its customer.
    fn hold(
        &mut self,
        mut parsed: LoanRow,
        (owner, first): (SeenCustomer, bool),
        batch: &mut Batch,
    ) -> Result<()> {
        parsed.loan.assignee = parsed.assignee.as_deref().map(|login| self.user_id(login)).transpose()?;
        let customer_ref = parsed.customer_ref().to_string();
        // `check_owner` settled the row's customer: found in the store, brought by an earlier row,
        // or first seen in the file.
        let customer = match owner.id {
            Some(id) => {
                if first {
                    batch.settle(&customer_ref, owner);
                }
                Customer::Stored(id)
            }
            None => match batch.new_by_ref.get(&customer_ref) {
                Some(&n) => Customer::New(n),
                None => {
                    let n = batch.new_customers.len();
                    batch.new_customers.push(batch.loans.len());
                    batch.new_by_ref.insert(customer_ref.clone(), n);
                    batch.settle(&customer_ref, owner);
                    Customer::New(n)
                }
            },
        };
        batch.loans.push(Waiting { customer, row: parsed });
        Ok(())
    }

    /// Inserts the batch's new customers and its loans, and the collateral the rows describe.
    fn insert(&mut self, batch: &mut Batch) -> Result<()> {
        let bringers: Vec<&NewLoan> = batch.new_customers.iter().map(|&i| &batch.loans[i].row.loan).collect();
        let customer_ids = store::insert_customers(self.tx, &bringers, self.at)?;
        let customer_of = |w: &Waiting| match w.customer {
            Customer::Stored(id) => id,
            Customer::New(n) => customer_ids[n],
        };
        let loans: Vec<LoanInsert<'_>> = batch
            .loans
            .iter()
            .map(|w| LoanInsert {
                customer: customer_of(w),
                loan: &w.row.loan,
                address: w.row.extras.address.as_deref(),
                employer: w.row.extras.employer.as_deref(),
            })
            .collect();
        let ids = store::insert_loans(self.tx, &loans, self.at)?;
        for (w, &id) in batch.loans.iter().zip(&ids) {
            self.collateral(w, customer_of(w), id)?;
        }
        for (&i, id) in batch.new_customers.iter().zip(customer_ids) {
            let customer_ref = batch.loans[i].row.customer_ref().to_string();
            if let Some(seen) = batch.seen.get_mut(&customer_ref) {
                seen.id = Some(id);
            }
        }
        if !self.fresh {
            self.inserted.extend(ids);
        }
        Ok(())
    }

    /// The collateral a row describes becomes an item of the customer's register (type `other`
    /// unless the file says), with its valuation when the file gives one.
    fn collateral(&self, w: &Waiting, customer: CustomerId, loan: LoanId) -> Result<()> {
        let Some(description) = w.row.loan.collateral.as_deref().filter(|c| !c.trim().is_empty()) else {
            return Ok(());
        };
        let x = &w.row.extras;
        let item = store::insert_item(
            self.tx,
            &store::NewItem {
                customer,
                loan: Some(loan),
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

//! The payments file: each row checked on its own (on the reading thread), then against the
//! store (a known loan, a reference once per loan) and inserted while the file is clean; the
//! loans it pays are kept to refresh.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use rusqlite::Connection;

use super::checks::{amount, free_text};
use super::columns::Row;
use super::problems::{FieldErrors, Parsed, Problems};
use crate::app::Result;
use crate::domain::{Money, parse_date};
use crate::store::{self, LoanId};

#[derive(Debug)]
pub(super) struct PaymentRow {
    loan_ref: String,
    paid_on: NaiveDate,
    amount: Money,
    reference: Option<String>,
}

pub(super) fn parse_payment_row(row: &Row<'_>) -> Parsed<PaymentRow> {
    Parsed { loan_ref: row.get("loan_id").map(str::to_string), row: parse_payment(row) }
}

fn parse_payment(row: &Row<'_>) -> Result<PaymentRow, FieldErrors> {
    let mut e = FieldErrors::default();
    let loan_ref = e.take("loan_id", row.required("loan_id"));
    let paid_on = e.take("paid_on", row.required("paid_on").and_then(parse_date));
    let amount = e.take("amount", row.required("amount").and_then(amount));
    let (Some(loan_ref), Some(paid_on), Some(amount)) = (loan_ref, paid_on, amount) else {
        return Err(e);
    };
    Ok(PaymentRow {
        loan_ref: loan_ref.to_string(),
        paid_on,
        amount,
        reference: row.get("reference").map(free_text),
    })
}

/// The state of a payments import.
pub(super) struct PaymentImport<'t> {
    tx: &'t Connection,
    at: &'t str,
    /// Every (loan, reference) of the file so far, with its line.
    references: HashMap<(LoanId, String), u64>,
    /// Loans that got a payment, to refresh.
    pub(super) affected: BTreeSet<LoanId>,
}

impl<'t> PaymentImport<'t> {
    pub(super) fn new(tx: &'t Connection, at: &'t str) -> Self {
        PaymentImport { tx, at, references: HashMap::new(), affected: BTreeSet::new() }
    }

    pub(super) fn row(&mut self, row: Parsed<PaymentRow>, line: u64, problems: &mut Problems) -> Result<()> {
        let Parsed { loan_ref, row: parsed } = row;
        let (parsed, mut errors) = match parsed {
            Ok(parsed) => (Some(parsed), FieldErrors::default()),
            Err(errors) => (None, errors),
        };
        let loan = match &loan_ref {
            Some(loan_ref) => self.known_loan(loan_ref, &mut errors)?,
            None => None,
        };
        if let (Some(parsed), Some(loan)) = (&parsed, loan) {
            self.check_reference(loan, parsed, line, &mut errors)?;
        }
        match (parsed, loan) {
            (Some(parsed), Some(loan)) if errors.is_empty() && problems.is_empty() => {
                store::insert_payment(
                    self.tx,
                    loan,
                    parsed.paid_on,
                    parsed.amount,
                    parsed.reference.as_deref(),
                    self.at,
                )?;
                self.affected.insert(loan);
                Ok(())
            }
            _ => {
                problems.add_row(line, errors);
                Ok(())
            }
        }
    }

    fn known_loan(&self, loan_ref: &str, errors: &mut FieldErrors) -> Result<Option<LoanId>> {
        let loan = store::loan_id_by_ref(self.tx, loan_ref)?;
        if loan.is_none() {
            errors.push("loan_id", format!("unknown loan '{loan_ref}': import the loan first"));
        }
        Ok(loan)
    }

    /// A reference, when given, is unique per loan: in the store and in the file.
    fn check_reference(
        &mut self,
        loan: LoanId,
        parsed: &PaymentRow,
        line: u64,
        errors: &mut FieldErrors,
    ) -> Result<()> {
        let Some(reference) = &parsed.reference else { return Ok(()) };
        let loan_ref = &parsed.loan_ref;
        match self.references.entry((loan, reference.clone())) {
            Entry::Occupied(first) => errors.push(
                "reference",
                format!(
                    "'{reference}' is repeated for loan '{loan_ref}': it is first on line {}",
                    first.get()
                ),
            ),
            Entry::Vacant(slot) => {
                slot.insert(line);
                if store::payment_reference_exists(self.tx, loan, reference)? {
                    errors.push(
                        "reference",
                        format!("loan '{loan_ref}' already has a payment with reference '{reference}'"),
                    );
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use csv::StringRecord;

    use super::*;
    use crate::app::import::columns::{Columns, PAYMENT_COLUMNS};

    fn parsed(text: &str) -> Parsed<PaymentRow> {
        let header = StringRecord::from(vec!["loan_id", "paid_on", "amount", "reference"]);
        let columns = Columns::new(&header, PAYMENT_COLUMNS, 1, &mut Problems::new("t")).expect("columns");
        let record = StringRecord::from(text.split(',').collect::<Vec<_>>());
        parse_payment_row(&Row::new(&record, &columns))
    }

    #[test]
    fn a_payment_row_is_checked_on_its_own() {
        let p = parsed("P-1,2026-01-05,1000, R-1 ");
        assert_eq!(p.loan_ref.as_deref(), Some("P-1"));
        let row = p.row.expect("good row");
        assert_eq!((row.loan_ref.as_str(), row.amount), ("P-1", Money::from_cents(100_000)));
        assert_eq!(
            (row.paid_on.to_string(), row.reference.as_deref()),
            ("2026-01-05".to_string(), Some("R-1"))
        );
        assert_eq!(parsed("P-1,2026-01-05,0.5,").row.expect("no reference").reference, None);
    }

    #[test]
    fn a_bad_row_keeps_its_loan_id_and_names_each_field() {
        let p = parsed("P-1,2026-02-30,-5,");
        assert_eq!(p.loan_ref.as_deref(), Some("P-1"));
        let fields: Vec<&str> = p.row.expect_err("bad").0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["paid_on", "amount"]);
        let p = parsed(",,,");
        assert_eq!(p.loan_ref, None);
        let fields: Vec<&str> = p.row.expect_err("empty").0.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["loan_id", "paid_on", "amount"]);
    }
}

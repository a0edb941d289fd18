//! The payments file: each row checked on its own (on the reading thread), then against the
//! store and the rows before it a batch at a time (what the store holds that the batch names or
//! could repeat asked once: a statement on a server, a row's own look-ups on a file), and inserted
//! while the file is clean; the loans it pays are kept to refresh and to look at their credit.
//!
//! A payment is counted once. A row equal to a stored payment (loan, day, amount) is one already
//! on the desk unless the two carry different references; so is a row whose reference is stored
//! with the same day and amount. A file whose every row is on the desk already changes nothing
//! (the same file imported twice); one that mixes such rows with new ones is refused, since a
//! desk cannot tell a second payment from the first imported again. In one file, two equal rows
//! need different references to count as two payments. `--accept-duplicates` takes them all.

use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};

use crate::store::Db;
use chrono::NaiveDate;

use super::checks::{amount, line_text};
use super::columns::Row;
use super::problems::{FieldErrors, Parsed, Problems};
use crate::app::Result;
use crate::domain::{Money, parse_date};
use crate::store::{self, LoanId, PaymentInsert, PaymentTarget};

/// What the person importing a payments file has said of it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PaymentOptions {
    /// Rows equal to a stored payment, or to each other, are payments of their own.
    pub accept_duplicates: bool,
    /// A loan may be left with a credit balance over [`MAX_CREDIT_PCT`] % of its principal.
    pub accept_overpayment: bool,
}

/// The largest credit balance a payment may leave without being told to, as a percentage of the
/// loan's principal: more is almost always an amount typed wrong.
pub const MAX_CREDIT_PCT: i64 = 10;

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
    let reference = e.take("reference", row.get("reference").map(line_text).transpose());
    let (Some(loan_ref), Some(paid_on), Some(amount), Some(reference)) =
        (loan_ref, paid_on, amount, reference)
    else {
        return Err(e);
    };
    Ok(PaymentRow { loan_ref: loan_ref.to_string(), paid_on, amount, reference })
}

/// One loan, one day, one amount.
type Key = store::PaymentKey;

/// The payments of one key: those stored before the import not yet matched by a row, and the
/// file's rows so far.
#[derive(Debug, Default)]
struct Equal {
    /// The stored ones' references (`None`: none), each taken by the row it matches.
    stored: Vec<Option<String>>,
    /// The first row of the file with this key, and whether any row so far had no reference.
    first_line: u64,
    unreferenced: bool,
}

/// A row found on the desk already: its line, and why it is the same payment.
struct OnDesk {
    line: u64,
    message: String,
}

/// The state of a payments import.
pub(super) struct PaymentImport<'t> {
    tx: Db<'t>,
    at: &'t str,
    /// Today by the clock: no payment is dated after it.
    today: NaiveDate,
    options: PaymentOptions,
    /// Payments with an id up to this one were stored before the import.
    stored_up_to: i64,
    /// Every (loan, reference) of the file so far, with its line.
    references: HashMap<(LoanId, String), u64>,
    equal: HashMap<Key, Equal>,
    /// Rows already on the desk, none of them inserted.
    on_desk: Vec<OnDesk>,
    pub(super) on_desk_count: u64,
    /// Loans that got a payment, with the line of their last row (to refresh, and to name the row
    /// that leaves a credit).
    pub(super) affected: BTreeMap<LoanId, (u64, PaymentTarget, String)>,
    pub(super) inserted: u64,
    /// Rows read and not yet checked against the store.
    queue: Vec<(Parsed<PaymentRow>, u64)>,
}

/// Rows checked and inserted together.
const BATCH: usize = 1_000;

/// What the store holds that a batch's rows could repeat: the payments with their references,
/// and those stored before the import equal to a row (`Key`).
struct Stored {
    references: HashMap<(LoanId, String), (NaiveDate, Money)>,
    equal: HashMap<Key, Vec<Option<String>>>,
}

impl<'t> PaymentImport<'t> {
    pub(super) fn new(
        tx: impl Into<Db<'t>>,
        at: &'t str,
        today: NaiveDate,
        options: PaymentOptions,
    ) -> Result<Self> {
        let tx = tx.into();
        Ok(PaymentImport {
            tx,
            at,
            today,
            options,
            stored_up_to: store::last_payment_id(tx)?,
            references: HashMap::new(),
            equal: HashMap::new(),
            on_desk: Vec::new(),
            on_desk_count: 0,
            affected: BTreeMap::new(),
            inserted: 0,
            queue: Vec::with_capacity(BATCH),
        })
    }

    /// Takes one row; a full batch is checked and, while the file is clean, inserted.
    pub(super) fn row(&mut self, row: Parsed<PaymentRow>, line: u64, problems: &mut Problems) -> Result<()> {
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

    /// The waiting rows in file order: what the store holds that they name or could repeat asked
    /// once for the batch, then each row checked as on its own, and the clean ones inserted.
    fn drain(&mut self, problems: &mut Problems) -> Result<()> {
        let queue = std::mem::take(&mut self.queue);
        let refs: Vec<&str> = queue.iter().filter_map(|(r, _)| r.loan_ref.as_deref()).collect();
        let targets = store::payment_targets(self.tx, &refs)?;
        let (mut pairs, mut keys) = (Vec::new(), HashSet::new());
        for (r, _) in &queue {
            let (Ok(p), Some(t)) = (&r.row, r.loan_ref.as_deref().and_then(|l| targets.get(l))) else {
                continue;
            };
            if let Some(reference) = &p.reference {
                pairs.push((t.loan, reference.as_str()));
            }
            let key = (t.loan, p.paid_on, p.amount);
            if !self.options.accept_duplicates && !self.equal.contains_key(&key) {
                keys.insert(key);
            }
        }
        let keys: Vec<Key> = keys.into_iter().collect();
        let stored = Stored {
            references: store::payments_with_references(self.tx, &pairs)?,
            equal: store::equal_payments_of(self.tx, &keys, self.stored_up_to)?,
        };
        let mut inserts = Vec::new();
        for (row, line) in queue {
            if let Some(insert) = self.check(row, line, &targets, &stored, problems) {
                inserts.push(insert);
            }
        }
        store::insert_payments(self.tx, &inserts, self.at)?;
        Ok(())
    }

    /// One row against the store's answers and the rows before it: the payment to insert when it
    /// is new and the file clean so far.
    fn check(
        &mut self,
        row: Parsed<PaymentRow>,
        line: u64,
        targets: &HashMap<String, PaymentTarget>,
        stored: &Stored,
        problems: &mut Problems,
    ) -> Option<PaymentInsert> {
        let Parsed { loan_ref, row: parsed } = row;
        let (parsed, mut errors) = match parsed {
            Ok(parsed) => (Some(parsed), FieldErrors::default()),
            Err(errors) => (None, errors),
        };
        let target = loan_ref.as_deref().and_then(|loan_ref| {
            let target = targets.get(loan_ref).copied();
            if target.is_none() {
                errors.push("loan_id", format!("unknown loan '{loan_ref}': import the loan first"));
            }
            target
        });
        let (Some(parsed), Some(target)) = (parsed, target) else {
            problems.add_row(line, errors);
            return None;
        };
        self.check_date(&parsed, target, &mut errors);
        let same = match self.check_reference(target.loan, &parsed, line, stored, &mut errors) {
            Some(same) => Some(same),
            None if errors.is_empty() => self.check_equal(target.loan, &parsed, line, stored, &mut errors),
            None => None,
        };
        if let Some(message) = same.filter(|_| errors.is_empty()) {
            self.on_desk_count += 1;
            if self.on_desk.len() < super::MAX_SHOWN {
                self.on_desk.push(OnDesk { line, message });
            }
            return None;
        }
        if !errors.is_empty() || !problems.is_empty() {
            problems.add_row(line, errors);
            return None;
        }
        self.inserted += 1;
        let PaymentRow { loan_ref, paid_on, amount, reference } = parsed;
        self.affected.insert(target.loan, (line, target, loan_ref));
        Some(PaymentInsert { loan: target.loan, paid_on, amount, reference })
    }

    /// A payment falls between the loan's disbursement and today.
    fn check_date(&self, parsed: &PaymentRow, target: PaymentTarget, errors: &mut FieldErrors) {
        let (day, loan_ref) = (parsed.paid_on, &parsed.loan_ref);
        if day < target.disbursed_on {
            errors.push(
                "paid_on",
                format!("'{day}' is before loan '{loan_ref}' was disbursed ({})", target.disbursed_on),
            );
        } else if day > self.today {
            errors.push("paid_on", format!("'{day}' is after today ({})", self.today));
        }
    }

    /// A reference, when given, is unique per loan: in the file, and in the store unless it is
    /// the same payment (then `Some`: the row is on the desk already).
    fn check_reference(
        &mut self,
        loan: LoanId,
        parsed: &PaymentRow,
        line: u64,
        stored: &Stored,
        errors: &mut FieldErrors,
    ) -> Option<String> {
        let Some(reference) = &parsed.reference else { return None };
        let loan_ref = &parsed.loan_ref;
        match self.references.entry((loan, reference.clone())) {
            Entry::Occupied(first) => {
                errors.push(
                    "reference",
                    format!(
                        "'{reference}' is repeated for loan '{loan_ref}': it is first on line {}",
                        first.get()
                    ),
                );
                None
            }
            Entry::Vacant(slot) => {
                slot.insert(line);
                match stored.references.get(&(loan, reference.clone())).copied() {
                    Some((day, amount)) if day == parsed.paid_on && amount == parsed.amount => Some(format!(
                        "loan '{loan_ref}' already has payment '{reference}' ({amount} on {day}): it is on the desk"
                    )),
                    Some((day, amount)) => {
                        errors.push(
                            "reference",
                            format!(
                                "loan '{loan_ref}' already has a payment with reference '{reference}' ({amount} on {day})"
                            ),
                        );
                        None
                    }
                    None => None,
                }
            }
        }
    }

    /// A row equal to a stored payment it cannot be told apart from is that payment (`Some`);
    /// one equal to an earlier row of the file needs a reference of its own. Neither applies when
    /// duplicates are accepted.
    fn check_equal(
        &mut self,
        loan: LoanId,
        parsed: &PaymentRow,
        line: u64,
        stored: &Stored,
        errors: &mut FieldErrors,
    ) -> Option<String> {
        if self.options.accept_duplicates {
            return None;
        }
        let key = (loan, parsed.paid_on, parsed.amount);
        let equal = self.equal.entry(key).or_insert_with(|| Equal {
            stored: stored.equal.get(&key).cloned().unwrap_or_default(),
            first_line: 0,
            unreferenced: false,
        });
        let (loan_ref, day, amount) = (&parsed.loan_ref, parsed.paid_on, parsed.amount);
        // A stored payment this row could be: one without a reference, or (for a row without one)
        // any; a stored one with another reference is another payment.
        let matched = match &parsed.reference {
            Some(_) => equal.stored.iter().position(Option::is_none),
            None => equal
                .stored
                .iter()
                .position(Option::is_none)
                .or_else(|| (!equal.stored.is_empty()).then_some(0)),
        };
        let first = equal.first_line;
        let repeats = first > 0 && (equal.unreferenced || parsed.reference.is_none());
        if first == 0 {
            equal.first_line = line;
        }
        equal.unreferenced |= parsed.reference.is_none();
        if let Some(i) = matched {
            let how = match equal.stored.remove(i) {
                Some(r) => format!("payment '{r}'"),
                None => "a payment".to_string(),
            };
            return Some(format!(
                "loan '{loan_ref}' already has {how} of {amount} on {day}: it is on the desk"
            ));
        }
        if repeats {
            errors.push(
                "reference",
                format!(
                    "repeats line {first} (loan '{loan_ref}', {amount} on {day}) with no reference to tell them apart: \
                     give each payment its reference, or import with --accept-duplicates if both are real"
                ),
            );
        }
        None
    }

    /// The rows found on the desk: nothing to do when they are the whole file, else each is a
    /// problem (a file that mixes them with new rows is refused).
    pub(super) fn settle_on_desk(&mut self, problems: &mut Problems) {
        if self.on_desk_count == 0 || (self.inserted == 0 && problems.is_empty()) {
            return;
        }
        let mut found = Problems::new(problems.path());
        for d in self.on_desk.drain(..) {
            found.add(
                d.line,
                "reference",
                format!(
                    "{}; a payment counted twice? leave the row out, give the payments different references, \
                     or import with --accept-duplicates if it is a payment of its own",
                    d.message
                ),
            );
        }
        found.add_unlisted(self.on_desk_count.saturating_sub(found.total()));
        problems.merge(found);
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

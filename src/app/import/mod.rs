//! Importing loans and payments from CSV (CONTRACT.md "loans CSV" and "payments CSV"), all or nothing.
//!
//! A file is read as a stream, one record at a time, and every row is checked. Good rows go into the
//! store inside one transaction; once any row is bad, inserting stops, checking goes on, and the
//! transaction is rolled back, so a failed import leaves the store exactly as it was. Each problem is
//! reported as `PATH:LINE: FIELD: message`, the first [`MAX_SHOWN`] of them, then a count of the rest.
//!
//! The parts: the header's `columns`, the file's `problems`, the `reader` (on a second thread),
//! the values' `checks`, and the rows of the two files, `loans` and `payments`.

mod checks;
mod columns;
mod credits;
mod holidays;
mod loan_batch;
mod loans;
mod payments;
mod problems;
mod reader;
mod update;

use std::path::Path;

use crate::store::Db;
use chrono::NaiveDate;
use serde_json::json;

use self::columns::{HOLIDAY_COLUMNS, LOAN_COLUMNS, PAYMENT_COLUMNS, UPDATE_COLUMNS};
use self::holidays::{HolidayImport, parse_holiday_row};
use self::loan_batch::LoanImport;
use self::loans::parse_loan_row;
use self::payments::{PaymentImport, parse_payment_row};
use self::problems::Problems;
use self::reader::read_parsed;
use self::update::{UpdateImport, parse_update_row};
use super::{Desk, Result};
use crate::domain::{AssessRules, Role};
use crate::store::{self, LoanId, StateTable};

pub use self::credits::Credit;
pub use self::payments::{MAX_CREDIT_PCT, PaymentOptions};
pub use self::problems::MAX_SHOWN;
pub use self::reader::PROGRESS_EVERY;

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Data rows imported.
    pub rows: u64,
    /// Assignees that were not desk users, created as collectors, in order of first use.
    pub created_users: Vec<String>,
    /// The business date the imported loans' delinquency was computed for; `None` when nothing was
    /// refreshed (no rows, or payments into a store that has no snapshot yet).
    pub refreshed_as_of: Option<NaiveDate>,
    /// Payment rows found on the desk already (then nothing was imported).
    pub already: u64,
    /// Loans the payments left with a credit balance (paid more than they owe), within the bound.
    pub credits: Vec<Credit>,
    /// With `--update`: the loans whose contact fields changed, and how many fields.
    pub updated: u64,
    pub fields: u64,
}

/// What a holidays file did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HolidayReport {
    /// Dates imported.
    pub days: u64,
    /// The years the file replaced, and how many dates they held before.
    pub years: Vec<i32>,
    pub replaced: u64,
}

/// Imports a loans CSV (supervisor). Assignees that are not desk users yet are created as collectors.
pub fn import_loans(desk: &mut Desk, path: &Path, progress: &mut dyn FnMut(u64)) -> Result<ImportReport> {
    desk.actor.require(Role::Supervisor, "importing loans")?;
    let at = desk.stamp();
    let shown = path.display().to_string();
    let (as_of, rules, actor) = (desk.as_of, &desk.rules, desk.actor.login.as_str());
    let inspections = &desk.policy.inspections;
    let today = desk.now.date_naive();
    let what = format!("{actor}'s import of {shown} (since {})", desk.now.format("%H:%M"));
    desk.store.write_load(&what, |tx| {
        let mut problems = Problems::new(&shown);
        // Into an empty book, the name, phone and owner indexes are built once at the end.
        let fresh = store::book_is_empty(tx)?;
        let deferred = if fresh { store::defer_book_indexes(tx)? } else { Vec::new() };
        let mut import = LoanImport::new(tx, &at, today, fresh)?;
        let rows = read_parsed(
            reader::open(path)?,
            LOAN_COLUMNS,
            &mut problems,
            progress,
            parse_loan_row,
            |row, line, problems| import.row(row, line, problems),
        )?;
        import.finish(&mut problems)?;
        store::seen_end(tx)?;
        problems.into_result()?;
        store::make_indexes(tx, &deferred)?;
        store::index_search(tx, &mut |_| {})?;
        let refreshed_as_of = if fresh {
            refresh_book(tx, rows, as_of, rules)?
        } else {
            refresh_new_loans(tx, &import.inserted, as_of, rules)?
        };
        // Each new loan's first inspection: the whole schedule at once into an empty book.
        let book = store::StateAt::shared(refreshed_as_of.unwrap_or(as_of), *rules);
        store::class_baseline_loans(tx, &import.inserted, &book)?;
        if fresh {
            crate::app::inspect::schedule_book(tx, inspections, &book)?;
        } else {
            crate::app::inspect::reschedule_loans(tx, &import.inserted, inspections, &book)?;
        }
        let detail = json!({ "file": shown, "rows": rows, "created_users": import.created_users });
        store::insert_audit(tx, &at, actor, "import_loans", "file", Some(&shown), &detail.to_string())?;
        // Each desk user the file created is an entry of its own, as `users add` makes.
        for login in &import.created_users {
            let after = json!({ "role": Role::Collector.as_str(), "display_name": null, "active": true });
            let detail = json!({ "before": null, "after": after, "import": shown }).to_string();
            store::insert_audit(tx, &at, actor, "user_add", "user", Some(login), &detail)?;
        }
        Ok(ImportReport {
            rows,
            created_users: import.created_users,
            refreshed_as_of,
            ..ImportReport::default()
        })
    })
}

/// Imports a payments CSV (supervisor) and refreshes the snapshot of the loans it pays. A file
/// whose every row is on the desk already changes nothing (`ImportReport::already`).
pub fn import_payments(
    desk: &mut Desk,
    path: &Path,
    options: PaymentOptions,
    progress: &mut dyn FnMut(u64),
) -> Result<ImportReport> {
    desk.actor.require(Role::Supervisor, "importing payments")?;
    let at = desk.stamp();
    let shown = path.display().to_string();
    let (rules, actor) = (&desk.rules, desk.actor.login.as_str());
    let inspections = &desk.policy.inspections;
    let today = desk.now.date_naive();
    let what = format!("{actor}'s import of {shown} (since {})", desk.now.format("%H:%M"));
    desk.store.write_load(&what, |tx| {
        let mut problems = Problems::new(&shown);
        let mut import = PaymentImport::new(tx, &at, today, options)?;
        read_parsed(
            reader::open(path)?,
            PAYMENT_COLUMNS,
            &mut problems,
            progress,
            parse_payment_row,
            |row, line, problems| import.row(row, line, problems),
        )?;
        import.finish(&mut problems)?;
        import.settle_on_desk(&mut problems);
        let credits = if problems.is_empty() {
            credits::check(tx, &import.affected, today, rules, options, &mut problems)?
        } else {
            Vec::new()
        };
        problems.into_result()?;
        let already = import.on_desk_count;
        if import.inserted == 0 {
            return Ok(ImportReport { already, ..ImportReport::default() });
        }
        let affected: Vec<LoanId> = import.affected.keys().copied().collect();
        store::refresh_loans(tx, &affected, rules)?;
        // A loan paid off drops out of the schedule; a customer's exposure may fall under the cap.
        let refreshed_as_of = store::snapshot_as_of(tx)?;
        let book = store::StateAt::shared(refreshed_as_of.unwrap_or(today), *rules);
        crate::app::inspect::reschedule_loans(tx, &affected, inspections, &book)?;
        let how = store::ClassMove { cause: crate::domain::ClassCause::Payment, user: Some(actor), at: &at };
        store::note_classes(tx, &affected, &book, how)?;
        let rows = import.inserted;
        let credit_json: Vec<_> =
            credits.iter().map(|c| json!({ "loan": c.loan_id, "credit": c.credit })).collect();
        let detail = json!({ "file": shown, "rows": rows, "loans": affected.len(), "credits": credit_json });
        store::insert_audit(tx, &at, actor, "import_payments", "file", Some(&shown), &detail.to_string())?;
        Ok(ImportReport { rows, refreshed_as_of, already, credits, ..ImportReport::default() })
    })
}

/// Imports a loans file again with `--update` (the case's owner's work, so a supervisor's import):
/// the contact fields of loans on the desk change, each change audited; any other column that
/// differs from the book refuses the file. All or nothing.
pub fn import_loans_update(
    desk: &mut Desk,
    path: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<ImportReport> {
    desk.actor.require(Role::Supervisor, "updating loans from a file")?;
    let at = desk.stamp();
    let shown = path.display().to_string();
    let actor = desk.actor.login.clone();
    let what = format!("{actor}'s update from {shown} (since {})", desk.now.format("%H:%M"));
    desk.store.write_load(&what, |tx| {
        let mut problems = Problems::new(&shown);
        let mut import = UpdateImport::new(tx, &at, &actor, &shown);
        let rows = read_parsed(
            reader::open(path)?,
            UPDATE_COLUMNS,
            &mut problems,
            progress,
            parse_update_row,
            |row, line, problems| import.row(row, line, problems),
        )?;
        problems.into_result()?;
        let detail = json!({ "file": shown, "rows": rows, "loans": import.loans, "fields": import.fields });
        store::insert_audit(tx, &at, &actor, "import_update", "file", Some(&shown), &detail.to_string())?;
        Ok(ImportReport { rows, updated: import.loans, fields: import.fields, ..ImportReport::default() })
    })
}

/// Imports a holidays file (supervisor): each year it names is replaced by its dates.
pub fn import_holidays(desk: &mut Desk, path: &Path) -> Result<HolidayReport> {
    desk.actor.require(Role::Supervisor, "importing the holiday calendar")?;
    let at = desk.stamp();
    let shown = path.display().to_string();
    let actor = desk.actor.login.clone();
    desk.store.write(|tx| {
        let mut problems = Problems::new(&shown);
        let mut import = HolidayImport::default();
        read_parsed(
            reader::open(path)?,
            HOLIDAY_COLUMNS,
            &mut problems,
            &mut |_| {},
            parse_holiday_row,
            |row, line, problems| import.row(row, line, problems),
        )?;
        problems.into_result()?;
        let years = import.years();
        let replaced = store::replace_holiday_years(tx, &years, &import.days)?;
        let days: Vec<_> = import.days.iter().map(|d| json!([d.day.to_string(), d.kind.as_str()])).collect();
        let detail = json!({ "file": shown, "years": years, "replaced": replaced, "days": days });
        store::insert_audit(
            tx,
            &at,
            &actor,
            "holidays_import",
            "holidays",
            Some(&shown),
            &detail.to_string(),
        )?;
        Ok(HolidayReport { days: import.days.len() as u64, years, replaced })
    })
}

/// Computes a book that was empty before this import into the shared snapshot whole: at the
/// snapshot's date when there is one, else at the desk's date.
fn refresh_book<'a>(
    tx: impl Into<Db<'a>>,
    rows: u64,
    as_of: NaiveDate,
    rules: &AssessRules,
) -> Result<Option<NaiveDate>> {
    let tx = tx.into();
    if rows == 0 {
        return Ok(None);
    }
    let day = store::snapshot_as_of(tx)?.unwrap_or(as_of);
    store::refresh_all(tx, StateTable::Shared, day, rules, &mut |_| {})?;
    Ok(Some(day))
}

/// Computes the new loans into the shared snapshot: at the snapshot's date when there is one, else
/// the whole book at the desk's date (the first import makes the first snapshot).
fn refresh_new_loans<'a>(
    tx: impl Into<Db<'a>>,
    ids: &[LoanId],
    as_of: NaiveDate,
    rules: &AssessRules,
) -> Result<Option<NaiveDate>> {
    let tx = tx.into();
    if ids.is_empty() {
        return Ok(None);
    }
    match store::snapshot_as_of(tx)? {
        Some(day) => {
            store::refresh_loans(tx, ids, rules)?;
            Ok(Some(day))
        }
        None => {
            store::refresh_all(tx, StateTable::Shared, as_of, rules, &mut |_| {})?;
            Ok(Some(as_of))
        }
    }
}

#[cfg(test)]
mod tests;

//! A loans file imported again with `--update` (台账维护): the contact fields of loans on the desk
//! (phone, address, employer, guarantor, guarantor phone) take the file's values; every other
//! column it has must say what the book says, since terms never change that way (a new rate or
//! maturity is an extension or a restructure). All or nothing, each changed field audited.

use crate::store::Db;
use std::collections::HashMap;

use serde_json::json;

use super::checks::{amount, free_text, id_text, line_text, login, phone, rate, term_months};
use super::columns::Row;
use super::problems::{FieldErrors, Parsed, Problems};
use crate::app::Result;
use crate::app::privacy::audit_value;
use crate::domain::search::loan_terms;
use crate::domain::{Product, parse_date};
use crate::store::{self, ContactFields, Loan};

/// The check of a field's value.
type Check = fn(&str) -> Result<String, String>;

/// The contact fields a file may change, with the check of each.
const CONTACT: [(&str, Check); 5] = [
    ("phone", phone),
    ("address", free_text),
    ("employer", line_text),
    ("guarantor", line_text),
    ("guarantor_phone", phone),
];

/// A row of an update file: its loan, the contact fields it gives, and the other columns as
/// written (checked, then compared with the book).
#[derive(Debug)]
pub(super) struct UpdateRow {
    contact: Vec<(&'static str, String)>,
    others: Vec<(&'static str, String)>,
}

/// The columns that are not contact fields, each with its check: a value that passes it is
/// compared with the book as the check leaves it.
const OTHERS: [&str; 13] = [
    "borrower",
    "customer_id",
    "product",
    "principal",
    "annual_rate",
    "term_months",
    "disbursed_on",
    "collateral",
    "branch",
    "assignee",
    "collateral_type",
    "collateral_value",
    "collateral_valued_on",
];

fn checked(name: &str, v: &str) -> Result<String, String> {
    match name {
        "customer_id" => id_text(v),
        "product" => v.parse::<Product>().map(|p| p.as_str().to_string()),
        "principal" | "collateral_value" => amount(v).map(|m| m.to_string()),
        "annual_rate" => rate(v).map(|r| r.to_string()),
        "term_months" => term_months(v).map(|n| n.to_string()),
        "disbursed_on" | "collateral_valued_on" => parse_date(v).map(|d| d.to_string()),
        "collateral" => free_text(v),
        "assignee" => login(v),
        _ => line_text(v),
    }
}

pub(super) fn parse_update_row(row: &Row<'_>) -> Parsed<UpdateRow> {
    let mut e = FieldErrors::default();
    let loan_ref = row.get("loan_id").map(str::to_string);
    let _ = e.take("loan_id", row.required("loan_id").and_then(id_text));
    let mut contact = Vec::new();
    for (name, check) in CONTACT {
        if let Some(v) = row.get(name).and_then(|v| e.take(name, check(v))) {
            contact.push((name, v));
        }
    }
    let mut others = Vec::new();
    for name in OTHERS {
        if let Some(v) = row.get(name).and_then(|v| e.take(name, checked(name, v))) {
            others.push((name, v));
        }
    }
    let row = if e.is_empty() { Ok(UpdateRow { contact, others }) } else { Err(e) };
    Parsed { loan_ref, row }
}

/// What the book says for a column that is not a contact field, as the checks write it; `None`:
/// nothing (a file's value then differs).
fn on_desk<'a>(conn: impl Into<Db<'a>>, loan: &Loan, name: &str) -> Result<Option<String>> {
    let conn = conn.into();
    let t = &loan.terms;
    Ok(match name {
        "borrower" => Some(loan.borrower.clone()),
        "customer_id" => Some(loan.customer_ref.clone()),
        "product" => Some(t.product.as_str().to_string()),
        "principal" => Some(t.principal.to_string()),
        "annual_rate" => Some(t.rate.to_string()),
        "term_months" => Some(t.term_months.to_string()),
        "disbursed_on" => Some(t.disbursed_on.to_string()),
        "collateral" => loan.collateral.clone(),
        "branch" => loan.branch.clone(),
        "assignee" => loan.assignee.clone(),
        // The register holds these; a file names the same item only when it says nothing new.
        "collateral_type" | "collateral_value" | "collateral_valued_on" => {
            let item = store::items_of(conn, loan.customer_id)?
                .into_iter()
                .find(|i| i.loan_ref.as_deref() == Some(loan.loan_ref.as_str()));
            item.and_then(|i| match name {
                "collateral_type" => Some(i.kind.as_str().to_string()),
                "collateral_value" => i.value.map(|v| v.to_string()),
                _ => i.valued_on.map(|d| d.to_string()),
            })
        }
        _ => None,
    })
}

/// Why a column other than the contact fields may not change with `--update`.
fn why_not(name: &str) -> &'static str {
    match name {
        "product" | "principal" | "annual_rate" | "term_months" | "disbursed_on" => {
            "terms never change by import: a new rate or maturity is an extension or restructure (duedesk plan)"
        }
        "assignee" => "a case changes owner with duedesk assign",
        "collateral" | "collateral_type" | "collateral_value" | "collateral_valued_on" => {
            "collateral changes in the register: duedesk collateral add|value|release"
        }
        _ => {
            "only the contact fields (phone, address, employer, guarantor, guarantor_phone) change with --update"
        }
    }
}

/// The state of an update import: the loans seen, and how much changed.
pub(super) struct UpdateImport<'t> {
    tx: Db<'t>,
    at: &'t str,
    actor: &'t str,
    file: &'t str,
    seen: HashMap<String, u64>,
    pub(super) loans: u64,
    pub(super) fields: u64,
}

impl<'t> UpdateImport<'t> {
    pub(super) fn new(tx: impl Into<Db<'t>>, at: &'t str, actor: &'t str, file: &'t str) -> Self {
        let tx = tx.into();
        UpdateImport { tx, at, actor, file, seen: HashMap::new(), loans: 0, fields: 0 }
    }

    pub(super) fn row(&mut self, row: Parsed<UpdateRow>, line: u64, problems: &mut Problems) -> Result<()> {
        let Parsed { loan_ref, row } = row;
        let mut errors = FieldErrors::default();
        let loan = match &loan_ref {
            Some(r) => match self.seen.insert(r.clone(), line) {
                Some(first) => {
                    errors.push("loan_id", format!("'{r}' is repeated: it is first on line {first}"));
                    None
                }
                None => {
                    let loan = store::loan_by_ref(self.tx, r)?;
                    if loan.is_none() {
                        errors.push(
                            "loan_id",
                            format!("loan '{r}' is not on the desk: import it without --update first"),
                        );
                    }
                    loan
                }
            },
            None => None,
        };
        let parsed = match row {
            Ok(parsed) => Some(parsed),
            Err(e) => {
                problems.add_row(line, e);
                None
            }
        };
        let (Some(loan), Some(parsed)) = (loan, parsed) else {
            problems.add_row(line, errors);
            return Ok(());
        };
        for (name, value) in &parsed.others {
            let stored = on_desk(self.tx, &loan, name)?;
            if stored.as_deref() != Some(value.as_str()) {
                let was = stored.unwrap_or_else(|| "empty".to_string());
                errors.push(name, format!("is '{was}' on the desk, not '{value}': {}", why_not(name)));
            }
        }
        if !errors.is_empty() || !problems.is_empty() {
            problems.add_row(line, errors);
            return Ok(());
        }
        self.apply(&loan, &parsed.contact)
    }

    /// Writes the contact fields that differ, each audited (phones masked as the desk shows them).
    fn apply(&mut self, loan: &Loan, given: &[(&'static str, String)]) -> Result<()> {
        let before = store::contact_fields(self.tx, loan.id)?.unwrap_or_default();
        let mut after = before.clone();
        for (name, value) in given {
            after.set(name, Some(value.clone()));
        }
        let changed: Vec<&str> =
            ContactFields::NAMES.into_iter().filter(|n| before.get(n) != after.get(n)).collect();
        if changed.is_empty() {
            return Ok(());
        }
        store::set_contact_fields(self.tx, loan.id, &after)?;
        // A desk that read the case before the file sees its edit refused as stale.
        let _ = store::bump_version(self.tx, loan.id, None)?;
        if before.phone != after.phone {
            let terms = |p: Option<&str>| loan_terms(&loan.loan_ref, &loan.borrower, p);
            store::replace_loan_terms(
                self.tx,
                loan.id.0,
                &terms(before.phone.as_deref()),
                &terms(after.phone.as_deref()),
            )?;
        }
        for name in &changed {
            let shown = |v: Option<&str>| v.map(|v| audit_value(name, v));
            let detail = json!({
                "field": name,
                "before": shown(before.get(name)),
                "after": shown(after.get(name)),
                "file": self.file,
            });
            store::insert_audit(
                self.tx,
                self.at,
                self.actor,
                "ledger_edit",
                "loan",
                Some(&loan.loan_ref),
                &detail.to_string(),
            )?;
        }
        self.loans += 1;
        self.fields += changed.len() as u64;
        Ok(())
    }
}

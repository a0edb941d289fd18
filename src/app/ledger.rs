//! Ledger upkeep (台账维护, DOMAIN §10): the contact fields of a loan (phone, address, employer,
//! guarantor and the guarantor's phone) changed by the case's owner or a supervisor, against the
//! version on screen, audited field by field before and after (phones masked, as the desk shows
//! them), and the search terms kept in step. A rate or maturity is never edited: it is a plan.

use serde::Serialize;
use serde_json::json;

use super::privacy::{PiiField, audit_value};
use super::text_in::text_in;
use super::{AppError, Desk, Result};
use crate::domain::input::{Lines, check_phone};
use crate::domain::search::loan_terms;
use crate::store::{self, ContactFields};

/// An edit: the fields given take the value (an empty one clears the field); the others stay.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LedgerEdit {
    pub loan: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub employer: Option<String>,
    pub guarantor: Option<String>,
    pub guarantor_phone: Option<String>,
    /// Refuse if the case changed since this version.
    pub expect_version: Option<i64>,
}

impl LedgerEdit {
    fn given(&self) -> [(&'static str, Option<&String>); 5] {
        [
            ("phone", self.phone.as_ref()),
            ("address", self.address.as_ref()),
            ("employer", self.employer.as_ref()),
            ("guarantor", self.guarantor.as_ref()),
            ("guarantor_phone", self.guarantor_phone.as_ref()),
        ]
    }
}

/// One field changed, as this desk's user may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    pub field: &'static str,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// What an edit did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edited {
    pub loan_id: String,
    pub version: i64,
    pub changes: Vec<FieldChange>,
}

/// A field changed: its name, before, after (in full).
type Changed = (&'static str, Option<String>, Option<String>);

/// A field's new value, checked as the book checks it wherever it enters; `None` clears it.
fn checked(field: &str, value: &str) -> Result<Option<String>> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let ok = match field {
        "phone" | "guarantor_phone" => {
            check_phone(v).map_err(|e| AppError::Input(format!("--{}: {e}", field.replace('_', "-"))))?
        }
        "address" => text_in(v, "the address", Lines::Many)?,
        _ => text_in(v, &format!("the {}", field.replace('_', " ")), Lines::One)?,
    };
    Ok(Some(ok.to_string()))
}

impl Desk {
    /// Changes the contact fields of a loan; what changed, masked as the user's role requires.
    pub fn edit_ledger(&mut self, edit: &LedgerEdit) -> Result<Edited> {
        let loan = self.loan(&edit.loan)?;
        self.require_case(&loan, "editing the ledger")?;
        let mut wanted = Vec::new();
        for (field, value) in edit.given() {
            if let Some(v) = value {
                wanted.push((field, checked(field, v)?));
            }
        }
        if wanted.is_empty() {
            return Err(AppError::Input(
                "nothing to edit: give --phone, --address, --employer, --guarantor or --guarantor-phone"
                    .into(),
            ));
        }
        let (at, actor, me) = (self.stamp(), self.actor.login.clone(), self.edit_as());
        let (changes, version) = self.store.write(|tx| -> Result<(Vec<Changed>, i64)> {
            Self::claim_edit(tx, &loan, edit.expect_version, me)?;
            let before = store::contact_fields(tx, loan.id)?.unwrap_or_default();
            let mut after = before.clone();
            for (field, value) in &wanted {
                after.set(field, value.clone());
            }
            let changed: Vec<&'static str> =
                ContactFields::NAMES.into_iter().filter(|n| before.get(n) != after.get(n)).collect();
            if changed.is_empty() {
                return Err(AppError::Input(format!("nothing changes: loan {} has these values already", loan.loan_ref)));
            }
            store::set_contact_fields(tx, loan.id, &after)?;
            if before.phone != after.phone {
                let terms = |p: Option<&str>| loan_terms(&loan.loan_ref, &loan.borrower, p);
                store::replace_loan_terms(tx, loan.id.0, &terms(before.phone.as_deref()), &terms(after.phone.as_deref()))?;
            }
            let shown = |field: &str, v: Option<&str>| v.map(|v| audit_value(field, v));
            let detail = json!({
                "before": changed.iter().map(|f| (f.to_string(), json!(shown(f, before.get(f))))).collect::<serde_json::Map<_, _>>(),
                "after": changed.iter().map(|f| (f.to_string(), json!(shown(f, after.get(f))))).collect::<serde_json::Map<_, _>>(),
            });
            store::insert_audit(tx, &at, &actor, "ledger_edit", "loan", Some(&loan.loan_ref), &detail.to_string())?;
            let version = store::loan_by_id(tx, loan.id)?.map_or(loan.version, |l| l.version);
            let rows = changed
                .into_iter()
                .map(|f| (f, before.get(f).map(str::to_string), after.get(f).map(str::to_string)))
                .collect();
            Ok((rows, version))
        })?;
        let mut out = Vec::new();
        for (field, before, after) in changes {
            let pii = match field {
                "phone" => Some(PiiField::Phone),
                "guarantor_phone" => Some(PiiField::GuarantorPhone),
                _ => None,
            };
            let (before, after) = match pii {
                Some(p) => (self.masked(p, before.as_deref())?, self.masked(p, after.as_deref())?),
                None => (before, after),
            };
            out.push(FieldChange { field, before, after });
        }
        Ok(Edited { loan_id: loan.loan_ref, version, changes: out })
    }
}

//! Personal information on screen and in exports (PIPL 个人信息保护法 art. 6: no more than the
//! purpose needs). Phone numbers and ID numbers are masked for roles below the store's settings
//! `pii_full_phone` / `pii_full_id`; `Desk::reveal` shows one in full and audits it. Every view the
//! CLI and the terminal desk read (`show`, `loans`) goes through `Desk::masked`, the one function.
//! The legal packet and notices carry full numbers: a court filing and a letter to the debtor must
//! identify the person, and both are audited actions of the case's owner or a supervisor.

use serde::Serialize;

use super::views::{LoanDetail, LoanSummary};
use super::{AppError, Desk, Result};
use crate::domain::{Party, Role};
use crate::store::{self, Loan};

/// A piece of personal information that may be masked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiField {
    /// The borrower's phone (and numbers in contact history).
    Phone,
    GuarantorPhone,
    /// A national ID number (身份证号): sensitive personal information.
    IdNumber,
}

impl PiiField {
    pub const ALL: [PiiField; 3] = [PiiField::Phone, PiiField::GuarantorPhone, PiiField::IdNumber];

    pub fn as_str(self) -> &'static str {
        match self {
            PiiField::Phone => "phone",
            PiiField::GuarantorPhone => "guarantor_phone",
            PiiField::IdNumber => "id",
        }
    }

    /// The setting naming the least role that sees this field in full.
    fn setting(self) -> &'static str {
        match self {
            PiiField::Phone | PiiField::GuarantorPhone => "pii_full_phone",
            PiiField::IdNumber => "pii_full_id",
        }
    }
}

impl std::str::FromStr for PiiField {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PiiField::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .ok_or_else(|| format!("unknown field '{s}': use phone, guarantor_phone or id"))
    }
}

/// The masked form: a phone keeps the first 3 and last 4 digits of its number as dialled at
/// home (138****5678, the common Chinese bank display), read from its normal form so one number
/// is masked alike however it was written (`domain/phone.rs`); an ID number keeps its last 4
/// only; shorter values keep less.
pub fn mask(field: PiiField, value: &str) -> String {
    if field != PiiField::IdNumber {
        return crate::domain::phone::masked(value);
    }
    let chars: Vec<char> = value.trim().chars().collect();
    let n = chars.len();
    let (head, tail) = match field {
        PiiField::IdNumber if n > 6 => (0, 4),
        _ if n >= 10 => (3, 4),
        _ if n > 4 => (0, 2),
        _ => (0, 0),
    };
    let mut out: String = chars[..head].iter().collect();
    out.extend(std::iter::repeat_n('*', n - head - tail));
    out.extend(&chars[n - tail..]);
    out
}

/// A contact field's value as the audit log keeps it (ledger upkeep): phones masked, as the desk
/// shows them to those who may not see them in full, other fields as they are.
pub(crate) fn audit_value(field: &str, value: &str) -> String {
    match field {
        "phone" => mask(PiiField::Phone, value),
        "guarantor_phone" => mask(PiiField::GuarantorPhone, value),
        _ => value.to_string(),
    }
}

/// Whether a shown value is a masked one (never a number a desk could dial).
pub fn is_masked(value: &str) -> bool {
    value.contains('*')
}

/// A value shown in full on request (`duedesk reveal`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revealed {
    pub loan_id: String,
    pub field: PiiField,
    pub value: String,
}

impl Desk {
    /// Whether this desk's user sees `field` in full. A login that is not a desk user never does.
    pub fn sees_full(&self, field: PiiField) -> Result<bool> {
        let least: Role = self.setting(field.setting())?.parse().unwrap_or(Role::Admin);
        Ok(self.actor.role().is_some_and(|r| r.includes(least)))
    }

    /// What a setting of who sees numbers in full cannot hold on a server book: the desk masks them,
    /// but the server's grants do not follow the setting, so a desk user's own login to the
    /// database still reads the numbers (docs/server-grants.md, §7.9). None on a file, where the
    /// store is reached through duedesk alone, and for ID numbers, which no book stores.
    pub fn setting_caveat(&self, key: &str, value: &str) -> Option<String> {
        let masks_someone = value.parse::<Role>().is_ok_and(|r| r != Role::Collector);
        (self.on_server() && key == PiiField::Phone.setting() && masks_someone).then(|| {
            format!(
                "on a server the desk masks phone numbers below {value}, but a desk user's own login to \
                 the database still reads them (loans, contacts, search terms): grant logins only to \
                 those who may see them, or keep this book in a file (docs/server-grants.md, 7.9)"
            )
        })
    }

    /// The one masking function: `value` as this desk's user may see it.
    pub fn masked(&self, field: PiiField, value: Option<&str>) -> Result<Option<String>> {
        Ok(match value {
            Some(v) if !self.sees_full(field)? => Some(mask(field, v)),
            other => other.map(str::to_string),
        })
    }

    /// Masks a list row in place, as the user's role requires.
    pub fn mask_summary(&self, s: &mut LoanSummary) -> Result<()> {
        self.mask_rows(std::slice::from_mut(s))
    }

    /// Masks a page of rows, asking the role's right to full numbers once.
    pub fn mask_rows(&self, rows: &mut [LoanSummary]) -> Result<()> {
        if !self.sees_full(PiiField::Phone)? {
            for s in rows {
                s.phone = s.phone.as_deref().map(|p| mask(PiiField::Phone, p));
            }
        }
        Ok(())
    }

    /// Masks a case in place: the borrower's and guarantor's phones and the numbers in its contacts.
    pub fn mask_detail(&self, d: &mut LoanDetail) -> Result<()> {
        self.mask_summary(&mut d.summary)?;
        d.guarantor_phone = self.masked(PiiField::GuarantorPhone, d.guarantor_phone.as_deref())?;
        for c in &mut d.contacts {
            let field = if c.party == Party::Guarantor { PiiField::GuarantorPhone } else { PiiField::Phone };
            c.phone = self.masked(field, c.phone.as_deref())?;
        }
        Ok(())
    }

    /// Shows one number of a case in full and records that it was shown (who, which field; never
    /// the value). A collector may reveal on own cases only; a read-only login may not.
    pub fn reveal(&mut self, loan_ref: &str, field: PiiField) -> Result<Revealed> {
        let loan = self.loan(loan_ref)?;
        self.require_case(&loan, &format!("revealing the {} of loan {}", field.as_str(), loan.loan_ref))?;
        let value = match field {
            PiiField::Phone => loan.phone.clone(),
            PiiField::GuarantorPhone => loan.guarantor_phone.clone(),
            PiiField::IdNumber => {
                return Err(AppError::Input(
                    "this store keeps no ID numbers (the loan file has no ID column), so there is none to reveal"
                        .into(),
                ));
            }
        }
        .ok_or_else(|| {
            AppError::Input(format!("loan {} has no {} on file", loan.loan_ref, field.as_str()))
        })?;
        let (at, actor) = (self.stamp(), self.actor.login.clone());
        let full = self.sees_full(field)?;
        self.store.write(|tx| -> Result<()> {
            let detail = serde_json::json!({ "field": field.as_str(), "masked_for_role": !full });
            store::insert_audit(
                tx,
                &at,
                &actor,
                "reveal",
                "loan",
                Some(&loan.loan_ref),
                &detail.to_string(),
            )?;
            Ok(())
        })?;
        Ok(Revealed { loan_id: loan.loan_ref, field, value })
    }

    /// A masked number given back to the desk (the desk redials the number it showed) is the
    /// case's number with that mask; anything else masked is refused rather than recorded.
    pub(crate) fn unmask_phone(&self, loan: &Loan, phone: Option<&str>) -> Result<Option<String>> {
        let Some(p) = phone.filter(|p| is_masked(p)) else { return Ok(None) };
        let mut known: Vec<String> =
            [&loan.phone, &loan.guarantor_phone].into_iter().flatten().cloned().collect();
        known.extend(store::contacts_of(self.store.db(), loan.id, 500)?.into_iter().filter_map(|c| c.phone));
        known.into_iter().find(|k| mask(PiiField::Phone, k) == p.trim()).map(Some).ok_or_else(|| {
            AppError::Input(format!(
                "phone '{p}' is masked and matches no number of loan {}; give the number in full",
                loan.loan_ref
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_keep_the_ends_only() {
        let cases = [
            (PiiField::Phone, "13812345678", "138****5678"),
            (PiiField::GuarantorPhone, "+8613812345678", "138****5678"),
            (PiiField::Phone, "010 6123 4567", "010****4567"),
            (PiiField::Phone, "1234", "****"),
            (PiiField::Phone, "", ""),
            (PiiField::IdNumber, "11010519491231002X", "**************002X"),
            (PiiField::IdNumber, "12345", "***45"),
        ];
        for (field, value, want) in cases {
            assert_eq!(mask(field, value), want, "{field:?} {value}");
        }
        assert!(is_masked("138****5678") && !is_masked("13812345678"));
    }

    #[test]
    fn fields_parse_by_name() {
        for f in PiiField::ALL {
            assert_eq!(f.as_str().parse::<PiiField>(), Ok(f));
        }
        assert!("email".parse::<PiiField>().is_err());
    }
}

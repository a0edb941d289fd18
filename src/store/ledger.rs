//! Ledger upkeep (台账维护, DOMAIN §10): the contact fields of a loan, changed by `edit` and by a
//! loans file imported with `--update`. Terms never change here: a new rate or maturity is a plan.

use serde::Serialize;

use super::Result;
use super::book::LoanId;
use super::db::Db;
use super::row::{Cols, FromRow};

/// What `edit` may change, as stored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ContactFields {
    pub phone: Option<String>,
    pub address: Option<String>,
    pub employer: Option<String>,
    pub guarantor: Option<String>,
    pub guarantor_phone: Option<String>,
}

impl ContactFields {
    /// The fields by name, in their order.
    pub const NAMES: [&'static str; 5] = ["phone", "address", "employer", "guarantor", "guarantor_phone"];

    pub fn get(&self, name: &str) -> Option<&str> {
        match name {
            "phone" => self.phone.as_deref(),
            "address" => self.address.as_deref(),
            "employer" => self.employer.as_deref(),
            "guarantor" => self.guarantor.as_deref(),
            "guarantor_phone" => self.guarantor_phone.as_deref(),
            _ => None,
        }
    }

    pub fn set(&mut self, name: &str, value: Option<String>) {
        match name {
            "phone" => self.phone = value,
            "address" => self.address = value,
            "employer" => self.employer = value,
            "guarantor" => self.guarantor = value,
            "guarantor_phone" => self.guarantor_phone = value,
            _ => {}
        }
    }
}

impl FromRow for ContactFields {
    fn read(c: &mut Cols<'_, '_>) -> Result<Self> {
        Ok(ContactFields {
            phone: c.get("phone")?,
            address: c.get("address")?,
            employer: c.get("employer")?,
            guarantor: c.get("guarantor")?,
            guarantor_phone: c.get("guarantor_phone")?,
        })
    }
}

pub fn contact_fields<'a>(db: impl Into<Db<'a>>, loan: LoanId) -> Result<Option<ContactFields>> {
    db.into().first(
        "SELECT phone, address, employer, guarantor, guarantor_phone FROM loans WHERE id = ?1",
        &[loan.0.into()],
    )
}

/// Writes the contact fields of a loan (the caller claims the edit and audits it).
pub fn set_contact_fields<'a>(db: impl Into<Db<'a>>, loan: LoanId, f: &ContactFields) -> Result<()> {
    db.into().execute(
        "UPDATE loans SET phone = ?2, address = ?3, employer = ?4, guarantor = ?5, guarantor_phone = ?6 WHERE id = ?1",
        &[
            loan.0.into(),
            f.phone.as_ref().into(),
            f.address.as_ref().into(),
            f.employer.as_ref().into(),
            f.guarantor.as_ref().into(),
            f.guarantor_phone.as_ref().into(),
        ],
    )?;
    Ok(())
}

/// The borrower's address and employer as a loans file gives them.
pub fn set_address_employer<'a>(
    db: impl Into<Db<'a>>,
    loan: LoanId,
    address: Option<&str>,
    employer: Option<&str>,
) -> Result<()> {
    db.into().execute(
        "UPDATE loans SET address = ?2, employer = ?3 WHERE id = ?1",
        &[loan.0.into(), address.into(), employer.into()],
    )?;
    Ok(())
}

//! `duedesk edit`: ledger upkeep (台账维护) of a loan's contact fields, as table, CSV or JSON.

use clap::Args;

use super::format::Format;
use super::output::{csv, json, print};
use crate::app::ledger::LedgerEdit;
use crate::app::{Desk, Result};

#[derive(Debug, Args)]
pub struct EditArgs {
    /// Loan id
    pub loan: String,
    /// The borrower's phone ("" clears it)
    #[arg(long, value_name = "PHONE")]
    pub phone: Option<String>,
    /// The borrower's address
    #[arg(long, value_name = "TEXT")]
    pub address: Option<String>,
    /// The borrower's employer
    #[arg(long, value_name = "TEXT")]
    pub employer: Option<String>,
    /// The guarantor's name
    #[arg(long, value_name = "NAME")]
    pub guarantor: Option<String>,
    /// The guarantor's phone
    #[arg(long, value_name = "PHONE")]
    pub guarantor_phone: Option<String>,
    /// Refuse if the case changed since this version (from `show`)
    #[arg(long, value_name = "V")]
    pub expect_version: Option<i64>,
}

/// `duedesk edit LOAN --phone …`: each field changed, before and after (phones masked for roles
/// that may not see them).
pub fn edit(desk: &mut Desk, a: &EditArgs, format: Format) -> Result<()> {
    let e = LedgerEdit {
        loan: a.loan.clone(),
        phone: a.phone.clone(),
        address: a.address.clone(),
        employer: a.employer.clone(),
        guarantor: a.guarantor.clone(),
        guarantor_phone: a.guarantor_phone.clone(),
        expect_version: a.expect_version,
    };
    let done = desk.edit_ledger(&e)?;
    match format {
        Format::Json => json(&done),
        Format::Csv => csv(&done.changes),
        Format::Table => {
            let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into()).replace('\n', " ");
            let mut text = format!("edited {} (version {}):\n", done.loan_id, done.version);
            for c in &done.changes {
                text.push_str(&format!("  {}: {} → {}\n", c.field, dash(&c.before), dash(&c.after)));
            }
            print(&text)
        }
    }
}

//! Collection stages and loan status (DOMAIN §6), and the default stage bands.

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Current,
    Reminder,
    Negotiation,
    Guarantor,
    Legal,
    Closed,
    WrittenOff,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Current,
        Stage::Reminder,
        Stage::Negotiation,
        Stage::Guarantor,
        Stage::Legal,
        Stage::Closed,
        Stage::WrittenOff,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Current => "current",
            Stage::Reminder => "reminder",
            Stage::Negotiation => "negotiation",
            Stage::Guarantor => "guarantor",
            Stage::Legal => "legal",
            Stage::Closed => "closed",
            Stage::WrittenOff => "written_off",
        }
    }

    pub fn is_terminal(self) -> bool {
        matches!(self, Stage::Closed | Stage::WrittenOff)
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Stage {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Stage::ALL.into_iter().find(|x| x.as_str() == s).ok_or_else(|| {
            format!("unknown stage '{s}': use current, reminder, negotiation, guarantor, legal, closed or written_off")
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoanStatus {
    Active,
    Closed,
    WrittenOff,
}

impl LoanStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LoanStatus::Active => "active",
            LoanStatus::Closed => "closed",
            LoanStatus::WrittenOff => "written_off",
        }
    }
}

impl fmt::Display for LoanStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for LoanStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "active" => Ok(LoanStatus::Active),
            "closed" => Ok(LoanStatus::Closed),
            "written_off" => Ok(LoanStatus::WrittenOff),
            _ => Err(format!("unknown status '{s}'")),
        }
    }
}

/// The day past due on which a loan enters each stage: the policy's (`Policy::bands`); the
/// default is the shipped policy file's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageBands {
    pub reminder_from: i64,
    pub negotiation_from: i64,
    pub guarantor_from: i64,
    pub legal_from: i64,
}

impl StageBands {
    /// The stage a loan's DPD puts it in. `secured`: a guarantor or collateral on file; without one
    /// a loan goes from negotiation straight to legal.
    pub fn stage_for(&self, dpd: i64, secured: bool) -> Stage {
        if dpd >= self.legal_from {
            Stage::Legal
        } else if dpd >= self.guarantor_from && secured {
            Stage::Guarantor
        } else if dpd >= self.negotiation_from {
            Stage::Negotiation
        } else if dpd >= self.reminder_from {
            Stage::Reminder
        } else {
            Stage::Current
        }
    }
}

/// "Has a guarantor or collateral": a name or description that is non-empty after trimming.
/// A guarantor phone alone does not count.
pub fn is_secured(guarantor: Option<&str>, collateral: Option<&str>) -> bool {
    let present = |v: Option<&str>| v.is_some_and(|s| !s.trim().is_empty());
    present(guarantor) || present(collateral)
}

/// Status and the stage a list shows, from the stored workflow stage and the payment position:
/// a written-off loan stays written off; a loan whose installments are all covered is closed.
pub fn effective_stage(stored: Stage, written_off: bool, covered: bool) -> (LoanStatus, Stage) {
    if written_off || stored == Stage::WrittenOff {
        (LoanStatus::WrittenOff, Stage::WrittenOff)
    } else if covered {
        (LoanStatus::Closed, Stage::Closed)
    } else if stored == Stage::Closed {
        // Closed in the workflow but money is owed again (a reversed payment): back to work.
        (LoanStatus::Active, Stage::Current)
    } else {
        (LoanStatus::Active, stored)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_bands_at_each_edge() {
        let b = StageBands::default();
        let cases = [
            (0, true, Stage::Current),
            (1, true, Stage::Reminder),
            (30, true, Stage::Reminder),
            (31, true, Stage::Negotiation),
            (60, true, Stage::Negotiation),
            (61, true, Stage::Guarantor),
            (61, false, Stage::Negotiation),
            (90, true, Stage::Guarantor),
            (90, false, Stage::Negotiation),
            (91, true, Stage::Legal),
            (91, false, Stage::Legal),
        ];
        for (dpd, secured, stage) in cases {
            assert_eq!(b.stage_for(dpd, secured), stage, "dpd {dpd} secured {secured}");
        }
    }

    #[test]
    fn security_needs_a_name_or_description() {
        assert!(is_secured(Some("王五"), None));
        assert!(is_secured(None, Some("房产 沪(2020)123号")));
        assert!(!is_secured(Some("   "), Some("")));
        assert!(!is_secured(None, None));
    }

    #[test]
    fn names_round_trip() {
        for s in Stage::ALL {
            assert_eq!(s.as_str().parse::<Stage>(), Ok(s));
        }
    }
}

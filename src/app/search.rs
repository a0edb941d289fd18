//! Searching the book by phone is searching people's personal information: only those who may
//! see phone numbers in full (`pii_full_phone`) search by them, and every phone search is
//! recorded in the audit log, refused ones too.
//!
//! The rule: one audit entry per phone search a user makes, with the digits looked for, how many
//! loans they found, and whether phones were searched at all. A masked number was recovered by
//! trying digits one search at a time, so each search counts, not only the first of a day. The
//! desk searches at every key as the digits are typed; the keys that extend (or take back) one
//! search are that search, recorded once with the digits typed last. The entries are written
//! when the desk's worker is idle (or the command ends), so typing never waits on a write.

use serde::Serialize;

use super::privacy::PiiField;
use super::{Desk, Result};
use crate::domain::search::{self, PhoneSearch};
use crate::store;

/// What came of a list's search, for the desk and the command line to say.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchNote {
    #[serde(skip)]
    pub phone: PhoneSearch,
    /// The search matches more loans than the desk lists (`LoanQuery::search_cap`): none listed.
    pub too_broad: Option<u64>,
}

impl SearchNote {
    /// What the command line says on stderr, if anything.
    pub fn said(&self, typed: &str) -> Option<String> {
        match self.phone {
            PhoneSearch::NotAllowed => Some(format!(
                "'{typed}' was not looked for in phone numbers: searching by phone is for roles that see phone \
                 numbers in full (setting pii_full_phone); names and loan ids were searched"
            )),
            PhoneSearch::TooShort => Some(format!(
                "'{typed}' is too short to look for in phone numbers (from {} digits); names and loan ids were searched",
                search::PHONE_DIGITS
            )),
            _ => None,
        }
    }
}

/// The loans `:goto` (or any lookup by what a user typed) finds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    One(String),
    /// How many match (counted to `GOTO_COUNT_UPTO`) and the first few ids.
    Many {
        total: u64,
        first: Vec<String>,
    },
    Nothing,
}

/// Ids a lookup that finds several names, and how far it counts them.
const GOTO_SHOWN: u64 = 4;
const GOTO_COUNT_UPTO: u64 = 1_000;

/// A phone search not yet recorded: the one being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PhoneLook {
    digits: String,
    searched: bool,
    found: Option<u64>,
    at: String,
    /// Still being typed.
    open: bool,
}

impl Desk {
    /// Whether this desk's searches look at phone numbers.
    pub fn searches_phones(&self) -> Result<bool> {
        self.sees_full(PiiField::Phone)
    }

    /// Notes a search for the audit log. A phone search stays open while the keys of one search
    /// extend or take back its digits (one entry with the digits typed last); every search is
    /// kept until `flush_searches` writes them, off the typing path: a write here would make the
    /// next list count the book again.
    pub(crate) fn note_search(&mut self, typed: Option<&str>, found: Option<u64>) -> Result<()> {
        let q = typed.map(|t| search::query(t, self.searches_phones().unwrap_or(false)));
        let look =
            q.filter(|q| matches!(q.phone, PhoneSearch::Searched | PhoneSearch::NotAllowed)).map(|q| {
                PhoneLook {
                    digits: q.digits,
                    searched: q.phone == PhoneSearch::Searched,
                    found: found.filter(|_| q.phone == PhoneSearch::Searched),
                    at: self.stamp(),
                    open: true,
                }
            });
        let open = self.phone_looks.last_mut().filter(|l| l.open);
        match (look, open) {
            (Some(new), Some(old))
                if new.digits.starts_with(&old.digits) || old.digits.starts_with(&new.digits) =>
            {
                // A later page of the same search knows no count; the first page's stands.
                if !(new.digits == old.digits && new.found.is_none()) {
                    *old = new;
                }
            }
            (Some(new), old) => {
                if let Some(old) = old {
                    old.open = false;
                }
                self.phone_looks.push(new);
            }
            (None, Some(old)) => old.open = false,
            (None, None) => {}
        }
        Ok(())
    }

    /// The loan a user means by what they typed: the loan id as it is, else the one a bare number
    /// or an id in another case names (`1346`, `dl00001346` → DL00001346), else what a search
    /// finds (a name, pinyin, part of an id, a phone for those who may search phones).
    pub fn find_loan(&mut self, typed: &str) -> Result<Found> {
        let typed = typed.trim();
        if typed.is_empty() {
            return Ok(Found::Nothing);
        }
        let conn = self.store.db();
        if store::loan_id_by_ref(conn, typed)?.is_some() {
            return Ok(Found::One(typed.to_string()));
        }
        // An id in another case, or a bare number that names one loan.
        for named in [store::loan_refs_whole(conn, typed, 2)?, store::loan_refs_numbered(conn, typed, 2)?] {
            if let [one] = &named[..] {
                return Ok(Found::One(one.clone()));
            }
        }
        let q = search::query(typed, self.searches_phones()?);
        let (first, total) = store::loan_refs_matching(conn, &q, GOTO_SHOWN, GOTO_COUNT_UPTO)?;
        self.note_search(Some(typed), Some(total))?;
        Ok(match (total, first.as_slice()) {
            (0, _) | (_, []) => Found::Nothing,
            (1, [one, ..]) => Found::One(one.clone()),
            _ => Found::Many { total, first },
        })
    }

    /// Loan ids for Tab: those starting with what was typed, else those it starts in any case or
    /// whose digits it starts (`dl000`, `1346`).
    pub fn complete_loan(&self, typed: &str, limit: u32) -> Result<Vec<String>> {
        let conn = self.store.db();
        let exact = store::loan_refs_from(conn, typed, limit)?;
        if !exact.is_empty() {
            return Ok(exact);
        }
        Ok(store::loan_refs_matching(conn, &search::loan_query(typed), u64::from(limit), 0)?.0)
    }

    /// Records the phone searches made, the one being typed too, in one transaction.
    pub fn flush_searches(&mut self) -> Result<()> {
        if self.phone_looks.is_empty() {
            return Ok(());
        }
        let actor = self.actor.login.clone();
        let looks = self.phone_looks.clone();
        self.store.write(|tx| -> Result<()> {
            for look in &looks {
                let detail = serde_json::json!({
                    "digits": look.digits,
                    "phones_searched": look.searched,
                    "found": look.found,
                });
                store::insert_audit(
                    tx,
                    &look.at,
                    &actor,
                    "phone_search",
                    "search",
                    None,
                    &detail.to_string(),
                )?;
            }
            Ok(())
        })?;
        self.phone_looks.clear();
        Ok(())
    }
}

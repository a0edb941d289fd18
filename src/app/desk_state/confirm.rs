//! What cannot be undone asks first: a bulk reassignment and a write-off show what they will do
//! (how many cases, to whom, which loans) and wait for `y`; any other key leaves everything as
//! it was. The escalation run keeps its own `R` twice.

use super::core::Core;
use super::protocol::{Confirm, Query};
use crate::app::assign::{BulkOutcome, CaseMoveStatus};
use crate::app::strings::fill;

/// Loans named in a confirmation; the rest are counted.
const NAMED: usize = 3;

/// `DL1, DL2, DL3 and 274 more`.
pub(super) fn loans_said(core: &Core, loans: &[String]) -> String {
    let t = core.lang.text();
    let named = loans.iter().take(NAMED).cloned().collect::<Vec<_>>().join(", ");
    match loans.len().saturating_sub(NAMED) {
        0 => named,
        more => fill(t.and_more, &[&named, &more]),
    }
}

impl Core {
    /// Holds `query` and says what it will do and which key does it.
    pub(super) fn ask_first(&mut self, query: Query, said: String) {
        self.confirm = Some(Confirm { query });
        let t = self.lang.text();
        self.say(fill(t.msg_confirm, &[&said]));
    }

    /// The key after a confirmation was asked: `y` sends the held request.
    pub(super) fn confirmed(&mut self, yes: bool) {
        let Some(c) = self.confirm.take() else { return };
        if yes {
            self.ask(c.query);
        } else {
            self.say(self.lang.text().msg_confirm_cancelled);
        }
    }

    /// A bulk reassignment's preview (its dry run), held for `y` when it was asked to be done.
    pub(super) fn bulk_previewed(&mut self, outcome: &BulkOutcome) -> bool {
        let Some(mut req) = self.bulk_preview.take() else { return false };
        let moving: Vec<String> = outcome
            .cases
            .iter()
            .filter(|c| c.status != CaseMoveStatus::Skipped)
            .map(|c| c.loan_id.clone())
            .collect();
        let t = self.lang.text();
        if moving.is_empty() {
            self.say(t.msg_bulk_nothing);
            return true;
        }
        let to: Vec<String> = outcome.loads.iter().map(|l| format!("{} {}", l.user, l.cases)).collect();
        let said = fill(t.confirm_bulk, &[&moving.len(), &to.join(", "), &loans_said(self, &moving)]);
        req.dry_run = false;
        self.ask_first(Query::AssignBulk(req), said);
        true
    }
}

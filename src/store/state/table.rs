//! Which snapshot a question reads, and the date its figures are derived for.

use chrono::NaiveDate;

use crate::domain::AssessRules;

/// Which table a refresh writes and a query reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StateTable {
    /// `loan_state`, shared by every desk: rows that each hold from their `rolled_on` until their
    /// `stale_on`, rolled forward to `snapshot_as_of`.
    Shared,
    /// This connection's own scratch copy, computed for one other date.
    Scratch,
}

impl StateTable {
    pub(crate) fn name(self) -> &'static str {
        match self {
            StateTable::Shared => "main.loan_state",
            StateTable::Scratch => "temp.loan_state_scratch",
        }
    }

    /// The table's name in `db`'s words (the server's temporary tables are in `pg_temp`).
    pub(crate) fn name_in(self, db: crate::store::Db<'_>) -> &'static str {
        match (db, self) {
            (crate::store::Db::File(_), _) => self.name(),
            (crate::store::Db::Server(_), StateTable::Shared) => "loan_state",
            (crate::store::Db::Server(_), StateTable::Scratch) => "pg_temp.loan_state_scratch",
        }
    }
}

/// A question to a snapshot: the table, the date asked about and the rules its figures are derived
/// with (DPD, bucket and class floor from the stored date, penalty and payoff from the stored sums).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StateAt {
    pub table: StateTable,
    pub on: NaiveDate,
    pub rules: AssessRules,
}

impl StateAt {
    pub fn shared(on: NaiveDate, rules: AssessRules) -> StateAt {
        StateAt { table: StateTable::Shared, on, rules }
    }

    pub fn scratch(on: NaiveDate, rules: AssessRules) -> StateAt {
        StateAt { table: StateTable::Scratch, on, rules }
    }

    /// The day that is `days` before the date asked about (a DPD floor as a bound on the stored
    /// date), if it is a date.
    pub(crate) fn days_before(&self, days: i64) -> Option<NaiveDate> {
        self.on.checked_sub_signed(chrono::Duration::try_days(days)?)
    }
}

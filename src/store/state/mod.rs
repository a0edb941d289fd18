//! The delinquency snapshot (`loan_state`): each loan's figures as they stand between the dates
//! they change, so a new date rewrites only the loans that date changed (migration 0020).
//!
//! The shared table is rolled forward to `snapshot_as_of`; a question about an earlier date is
//! answered from a private scratch table (a TEMP table of this connection), so one desk's "what
//! did the book look like on 1 March" never moves the date everyone else works on.

mod bulk;
mod cells;
mod compute;
mod month_end_walk;
mod refresh;
mod roll;
mod stream;
mod table;
mod write;

pub(crate) use month_end_walk::month_end_walk;
pub use refresh::{refresh_all, refresh_loans};
pub use roll::{Rolled, SnapshotFor, roll_batch, snapshot_for, stale_count, stale_loans};
pub use table::{StateAt, StateTable};

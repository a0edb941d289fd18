//! Reassigning cases between desk users (supervisor): all of a customer's loans move together.

mod bulk;
mod named;
mod plan;
mod request;

pub use bulk::BulkOutcome;
pub use named::Reassigned;
pub use plan::{CaseMove, CaseMoveStatus, Load};
pub use request::{AssignArgs, BalanceBy, BulkAssign};

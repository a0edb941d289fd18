//! Post-loan inspection (DOMAIN §10): keeping each loan's next inspection (`schedule.rs`),
//! recording one (`record.rs`), a supervisor's review (`review.rs`), a special inspection asked
//! for (`special.rs`), and the lists (`list.rs`).

mod list;
mod record;
mod review;
mod schedule;
/// `ask_special` is what a measure on a warning, or a serious signal opening, calls in its own
/// transaction.
pub(crate) mod special;

pub use list::{InspectionList, InspectionPage, InspectionQuery, ReviewItem, ReviewKind};
pub use record::InspectInput;
pub use review::ReviewInput;
pub(crate) use schedule::{reschedule_customers, reschedule_loans, schedule_book, sync_schedule};
pub(crate) use special::ask_special;

//! What lists, the case view and the schedule show: the shapes of CONTRACT.md's JSON, each its own
//! type with its words typed (the store's rows stay in the store), and the actions that fill them.

mod detail;
mod list;
mod month_end_list;
mod post_loan;
mod records;
mod show;
mod summary;

pub use detail::LoanDetail;
pub use list::{ListPage, LoanQuery, SortKey};
pub use month_end_list::MonthEndLoan;
pub use post_loan::{
    CollateralSummary, CollateralView, InspectionRow, InspectionView, RecordedPart, ValuationView,
    WorkLogView,
};
pub use records::{
    AssignmentView, ClassEventView, ContactView, HoldView, NoticeView, PaymentView, PlanView, PromiseView,
    ReceiptStatus, StageEventView,
};
pub use summary::{LoanSummary, ScheduleLine};

//! The risk reports (DOMAIN §11) for the command line and the desk: month-ends recorded and
//! recaptured (`capture.rs`), and each report read from month-end rows only (`figures.rs`).

mod capture;
mod figures;
mod pack;
mod pack_html;
mod promises;
mod screen;

pub use capture::CaptureReport;
pub use figures::{By, CureRow, FlowRow, LargeRow, NplRow, RateRow, ReportSpan, VintageRow};
pub use pack::PackReport;
pub use promises::PromiseRow;
pub use screen::{HISTORY_MONTHS, ReportPane, ReportsView};

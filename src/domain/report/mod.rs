//! Month-end history and the risk reports read from it (DOMAIN §11): each report a pure function
//! over the month-end rows of one or two month-ends, never the ledger.

mod cure;
mod large;
mod migration;
mod month;
mod npl;
mod roll;
mod row;
mod share;
mod vintage;

pub use cure::{Cure, cure};
pub use large::{LARGE_EXPOSURE, Large, large};
pub use migration::{ClassRate, Flow, class_flows, flows, migration_rates};
pub use month::Month;
pub use npl::{NplPoint, npl_point};
pub use roll::{RollRate, roll_flows, roll_rates};
pub use row::MonthRow;
pub use share::Share;
pub use vintage::{VintagePoint, vintage};

#[cfg(test)]
mod tests;

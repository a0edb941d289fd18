//! Month-end history and the risk reports read from it (DOMAIN §11): each report a pure function
//! over the month-end rows of one or two month-ends, never the ledger.

mod cure;
mod flow;
mod group;
mod large;
mod migration;
mod month;
mod npl;
mod roll;
mod row;
mod share;
mod vintage;

pub use cure::{Cure, cure, cure_of};
pub use flow::{Flow, FlowKind, GroupFlows, flows, grouped_flows, grouped_flows_each};
pub use group::{By, group_of, group_rows};
pub use large::{LARGE_EXPOSURE, Large, large};
pub use migration::{ClassRate, class_flows, migration_rates, migration_rates_of};
pub use month::Month;
pub use npl::{NplPoint, npl_point};
pub use roll::{RollRate, roll_flows, roll_rates, roll_rates_of};
pub use row::MonthRow;
pub use share::Share;
pub use vintage::{Cohort, VintagePoint, cohorts, vintage, vintage_of};

#[cfg(test)]
mod tests;

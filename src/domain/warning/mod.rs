//! Early warning (DOMAIN §9): the signals' words, the rules as policy data, and the rules
//! themselves, pure.

pub mod code;
pub mod customer;
pub mod history;
pub mod rules;

pub use code::{Category, Level, MeasureKind, Rating, SignalCode, SignalState, WarningLevel};
pub use customer::{CustomerFacts, customer_signals};
pub use history::{HistoryRules, HistorySignals, history_signals};
pub use rules::{RuleSetting, WarningRules};

//! The rules of the loan book, pure: no I/O, no clock, no SQLite, no terminal. Every computation
//! takes an explicit as-of date.

pub mod classify;
pub mod collateral;
pub mod conduct;
pub mod contact;
pub mod coverage;
pub mod delinquency;
pub mod escalation;
pub mod hold;
pub mod input;
pub mod inspection;
pub mod money;
pub mod npl;
pub mod phone;
pub mod plan;
pub mod policy;
pub mod report;
pub mod roles;
pub mod schedule;
pub mod scorecard;
pub mod search;
pub mod stage;
pub mod standing;
pub mod terms;
pub mod warning;
pub mod workdays;
pub mod worklog;

pub use classify::{
    Bucket, ClassBands, ClassCause, ClassHolds, ClassReason, ManualClass, RiskClass, class_with_reason,
    loan_class,
};
pub use contact::{Channel, Direction, Outcome, Party, PromiseStatus, promise_status};
pub use delinquency::{
    AssessRules, Assessment, DueSoon, DueSoonKind, DueWindow, InstallmentState, InstallmentStatus, Payment,
    assess,
};
pub use hold::HoldKind;
pub use money::{Money, MoneyError};
pub use roles::Role;
pub use schedule::{Installment, annuity_payment, build_schedule, monthly_interest};
pub use stage::{LoanStatus, Stage, StageBands, effective_stage, is_secured};
pub use standing::{Standing, dpd_on, penalty_on};
pub use terms::{LoanTerms, Product, Rate, add_months, parse_date};

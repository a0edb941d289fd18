//! The terminal desk's state and its actions, with no terminal types: a key becomes an `Action`
//! (`keys.rs`, pure), `DeskState::apply` (`state.rs`) changes the state and returns the store
//! requests to make (`protocol.rs`), and `serve` (`serve.rs`) answers a request from a `Desk`.
//!
//! Each screen owns its state, its update and the requests it makes: the lists (`lists.rs`), the
//! case (`case.rs`, its `:` work in `case_work.rs`, its early warning in `case_signals.rs`), the escalation run (`run.rs`), the team view
//! (`team.rs`). They see the shared `Core` (`core.rs`) and never each other; `apply` carries out
//! what one asks of another. The `:` commands are one table (`command/`); the line being typed is
//! a small editor (`line.rs`); the `?` help's scroll and search are `help.rs`.

mod case;
mod case_signals;
mod case_work;
pub mod command;
mod confirm;
mod core;
mod help;
mod inspect_form;
mod inspections;
mod keys;
mod level_filter;
mod line;
mod lists;
mod pages;
mod protocol;
mod reading;
mod reports;
mod review;
mod run;
mod serve;
mod state;
mod team;
mod warnings;

pub use case::{CasePane, CaseState, PlanPreview};
pub use core::{Action, Core, DeskInfo, HISTORY_LINES, Layout, Mode, Screen};
pub use help::{HelpMove, HelpState};
pub use inspect_form::{FormRow, FormStep, InspectionForm};
pub use inspections::InspectionsState;
pub use keys::handle_key;
pub use line::{Cycle, Edit, LineEdit};
pub use lists::{DEMO_LOANS, ListState, SEARCH_CAP, STAGE_TABS};
pub use pages::{PAGE, Pages};
pub use protocol::{CaseOp, Confirm, Failed, LeaseOp, ListKind, Query, Reply, Request, SignalOp};
pub use reading::{MESSAGES_KEPT, ReadWhat, Reading};
pub use reports::{ReportPane, ReportsState};
pub use review::ReviewState;
pub use run::RunState;
pub use serve::{serve, serve_with};
pub use state::DeskState;
pub use team::TeamState;
pub use warnings::{WarningsFilter, WarningsState};

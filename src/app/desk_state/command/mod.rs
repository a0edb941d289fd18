//! The `:` commands: one table (`table.rs`) naming each with its usage, description and parser
//! (`parse.rs`); what a command is (`spec.rs`) and how a typed word finds one (`lookup.rs`).

mod lookup;
mod parse;
mod parse_signal;
mod spec;
mod table;

pub use lookup::{closest, find, names_from, refusal, unknown};
pub use parse::{ArgError, CaseCommand, Command, NOTICE_DIR, Parsed, SignalCommand};
pub use spec::{Arg, CommandSpec, Texts};
pub use table::COMMANDS;

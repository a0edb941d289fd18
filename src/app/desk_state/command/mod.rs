//! The `:` commands: one table (`table.rs`) naming each with its usage, description and parser
//! (`parse.rs`).

mod parse;
mod table;

pub use parse::{ArgError, CaseCommand, Command, NOTICE_DIR, Parsed};
pub use table::{Arg, COMMANDS, CommandSpec, Texts, closest, find, names_from, refusal, unknown};

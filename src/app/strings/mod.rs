//! Every text the terminal desk shows, in English and Simplified Chinese (as gitui keeps its
//! user text in one place). The language is chosen once at the edge (`Lang::detect`) and carried in
//! the desk state; nothing reads it from a global. The command line's tables stay English: scripts
//! parse them.
//!
//! `texts.rs` holds the messages, `words.rs` the domain's words (stages, outcomes, …), `keys.rs`
//! what help and the footer say of a key binding. Templates mark their arguments `{0}`, `{1}`, …
//! and are filled with [`fill`]; both languages of a template take the same arguments (a test
//! checks it).

mod keys;
mod lang;
mod texts;
mod words;

pub use lang::{LOCALE_VARS, Lang};
pub use texts::{EN, Text, ZH, fill};

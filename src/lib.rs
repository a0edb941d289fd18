//! duedesk: a terminal desk for loan-collection teams.
//!
//! Layers, each depending only on the ones below it: `domain` (pure rules) ← `store` (SQLite)
//! ← `app` (actions shared by the command line and the terminal interface) ← `cli`.

pub mod app;
pub mod cli;
pub mod domain;
pub mod store;
pub mod text;

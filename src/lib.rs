//! duedesk: a terminal desk for loan-collection teams.
//!
//! Layers, each depending only on the ones below it: `domain` (pure rules) ← `store` (SQLite)
//! ← `app` (actions shared by the command line and the terminal interface) ← `cli`; `ui` draws
//! the desk state and `tui` owns the terminal (`tui → ui → app`).

pub mod app;
pub mod cli;
pub mod config;
pub mod domain;
pub mod store;
pub mod text;
pub mod tui;
pub mod ui;

//! A key becomes an action: through the key map on a screen, as editing while a line is typed,
//! as a move through the help. Pure: a pending prefix (`g` of `gg`) lives in the state.

use super::core::{Action, Core, Mode};
use super::help::HelpMove;
use super::line::Edit;
use crate::app::keymap::{Cmd, Key, KeyCode};

pub fn handle_key(state: &Core, key: Key) -> Option<Action> {
    if key == Key::ctrl('c') {
        return Some(Action::Cmd(Cmd::Quit));
    }
    if state.confirm.is_some() {
        return Some(Action::Confirm(key == Key::plain(KeyCode::Char('y'))));
    }
    match state.mode {
        Mode::Form => Some(Action::Form(key)),
        Mode::Help if state.help.searching => typing(key, false),
        Mode::Help => Some(help_key(key)),
        Mode::Reading => Some(match help_key(key) {
            Action::Help(m) => Action::Read(m),
            _ => Action::CloseReading,
        }),
        Mode::Filter => match key.code {
            KeyCode::Up => Some(Action::Cmd(Cmd::Up)),
            KeyCode::Down => Some(Action::Cmd(Cmd::Down)),
            _ => typing(key, false),
        },
        Mode::Command => match key.code {
            KeyCode::Up => Some(Action::History(true)),
            KeyCode::Down => Some(Action::History(false)),
            _ => typing(key, true),
        },
        Mode::Normal => {
            let scopes = state.scopes();
            let mut seq = state.pending.clone();
            seq.push(key);
            match state.keymap.lookup(&scopes, &seq) {
                Ok(cmd) => Some(Action::Cmd(cmd)),
                Err(true) => Some(Action::Prefix(key)),
                Err(false) if !state.pending.is_empty() => match state.keymap.lookup(&scopes, &[key]) {
                    Ok(cmd) => Some(Action::Cmd(cmd)),
                    Err(true) => Some(Action::Prefix(key)),
                    Err(false) => Some(Action::Unbound),
                },
                Err(false) => None,
            }
        }
    }
}

/// A key while a line is typed: Enter, Esc, editing, and Tab on the command line.
fn typing(key: Key, completes: bool) -> Option<Action> {
    let edit = |e| Some(Action::Edit(e));
    match (key.code, key.ctrl) {
        (KeyCode::Enter, _) => Some(Action::InputSubmit),
        (KeyCode::Esc, _) => Some(Action::InputCancel),
        (KeyCode::Tab, _) if completes => Some(Action::Complete),
        (KeyCode::Backspace, _) => edit(Edit::Backspace),
        (KeyCode::Delete, _) => edit(Edit::Delete),
        (KeyCode::Left, _) => edit(Edit::Left),
        (KeyCode::Right, _) => edit(Edit::Right),
        (KeyCode::Home, _) | (KeyCode::Char('a'), true) => edit(Edit::Home),
        (KeyCode::End, _) | (KeyCode::Char('e'), true) => edit(Edit::End),
        (KeyCode::Char('u'), true) => edit(Edit::KillToStart),
        (KeyCode::Char('w'), true) => edit(Edit::KillWord),
        (KeyCode::Char(c), false) => edit(Edit::Insert(c)),
        _ => None,
    }
}

/// In the help: j/k and the page keys move, `/` searches, any other key closes it.
fn help_key(key: Key) -> Action {
    let to = |m| Action::Help(m);
    match (key.code, key.ctrl) {
        (KeyCode::Char('j') | KeyCode::Down, false) => to(HelpMove::Down),
        (KeyCode::Char('k') | KeyCode::Up, false) => to(HelpMove::Up),
        (KeyCode::PageDown | KeyCode::Char(' '), false) | (KeyCode::Char('f'), true) => {
            to(HelpMove::PageDown)
        }
        (KeyCode::PageUp, false) | (KeyCode::Char('b'), true) => to(HelpMove::PageUp),
        (KeyCode::Char('g') | KeyCode::Home, false) => to(HelpMove::Top),
        (KeyCode::Char('G') | KeyCode::End, false) => to(HelpMove::Bottom),
        (KeyCode::Char('/'), false) => Action::HelpSearch,
        _ => Action::CloseHelp,
    }
}

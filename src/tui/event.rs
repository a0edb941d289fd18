//! The one place that reads terminal events. Only key presses and resizes go on: Windows and
//! terminals with the kitty keyboard protocol also report key releases and repeats, which would
//! otherwise move the cursor twice per key (gitui's input.rs filters the same way).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::Sender;
use std::time::Duration;

use ratatui::crossterm::event::{self, Event, KeyEvent, KeyEventKind, KeyModifiers};

use super::Msg;
use crate::app::keymap::{Key, KeyCode};

/// How long one wait for input lasts before the thread checks whether the desk has quit.
const POLL: Duration = Duration::from_millis(250);

pub fn convert(k: KeyEvent) -> Option<Key> {
    use ratatui::crossterm::event::KeyCode as C;
    let code = match k.code {
        C::Char(c) => KeyCode::Char(c),
        C::Enter => KeyCode::Enter,
        C::Esc => KeyCode::Esc,
        C::Tab => KeyCode::Tab,
        C::BackTab => KeyCode::BackTab,
        C::Backspace => KeyCode::Backspace,
        C::Up => KeyCode::Up,
        C::Down => KeyCode::Down,
        C::Left => KeyCode::Left,
        C::Right => KeyCode::Right,
        C::PageUp => KeyCode::PageUp,
        C::PageDown => KeyCode::PageDown,
        C::Home => KeyCode::Home,
        C::End => KeyCode::End,
        C::Delete => KeyCode::Delete,
        _ => return None,
    };
    Some(Key { code, ctrl: k.modifiers.contains(KeyModifiers::CONTROL) })
}

/// Reads events until the desk quits or the channel closes.
pub fn spawn_input(tx: Sender<Msg>, stop: Arc<AtomicBool>) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new().name("input".into()).spawn(move || {
        while !stop.load(Ordering::SeqCst) {
            let msg = match event::poll(POLL) {
                Ok(false) => continue,
                Ok(true) => match event::read() {
                    Ok(Event::Key(k)) if k.kind == KeyEventKind::Press => match convert(k) {
                        Some(key) => Msg::Key(key),
                        None => continue,
                    },
                    Ok(Event::Resize(w, h)) => Msg::Resize(w, h),
                    Ok(_) => continue,
                    Err(e) => Msg::InputError(e.to_string()),
                },
                Err(e) => Msg::InputError(e.to_string()),
            };
            let fatal = matches!(msg, Msg::InputError(_));
            if tx.send(msg).is_err() || fatal {
                break;
            }
        }
    })
}

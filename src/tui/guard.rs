//! The terminal guard: remembers which modes it turned on and turns off exactly those, ignoring
//! errors, once, whether the desk quits, returns an error, panics or gets SIGTERM. Mouse capture
//! is never turned on, so there is nothing to undo there.

use std::io::{self, Write};
use std::sync::Once;
use std::sync::atomic::{AtomicU8, Ordering};

use ratatui::crossterm::cursor::{Hide, Show};
use ratatui::crossterm::execute;
use ratatui::crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};

const RAW: u8 = 1;
const ALT_SCREEN: u8 = 2;
const CURSOR_HIDDEN: u8 = 4;

/// What is on now. A static because the panic hook must see it too; `restore` takes it to zero,
/// so the hook and `Drop` never undo anything twice.
static ENABLED: AtomicU8 = AtomicU8::new(0);
static HOOK: Once = Once::new();

/// Undoes what the guard turned on, in reverse order; errors are ignored (nothing better to do).
pub fn restore() {
    let on = ENABLED.swap(0, Ordering::SeqCst);
    let mut out = io::stdout();
    if on & ALT_SCREEN != 0 {
        let _ = execute!(out, LeaveAlternateScreen);
    }
    if on & CURSOR_HIDDEN != 0 {
        let _ = execute!(out, Show);
    }
    if on & RAW != 0 {
        let _ = disable_raw_mode();
    }
    let _ = out.flush();
}

/// Installs (once) a panic hook that restores the terminal and then runs the previous hook, so
/// the panic message lands on a usable screen.
fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore();
            previous(info);
        }));
    });
}

/// Gives the terminal back and stops the process as Ctrl-Z asks (raw mode keeps the terminal
/// from sending SIGTSTP itself); on SIGCONT the guard's modes are turned on again. The caller
/// redraws the whole screen after.
pub fn suspend() -> io::Result<()> {
    restore();
    signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
    Guard::turn_on()
}

pub struct Guard(());

impl Guard {
    /// Raw mode, the alternate screen and a hidden cursor; the panic hook goes in first.
    pub fn enter() -> io::Result<Guard> {
        install_panic_hook();
        let guard = Guard(());
        Guard::turn_on()?;
        Ok(guard)
    }

    fn turn_on() -> io::Result<()> {
        enable_raw_mode()?;
        ENABLED.fetch_or(RAW, Ordering::SeqCst);
        execute!(io::stdout(), EnterAlternateScreen)?;
        ENABLED.fetch_or(ALT_SCREEN, Ordering::SeqCst);
        execute!(io::stdout(), Hide)?;
        ENABLED.fetch_or(CURSOR_HIDDEN, Ordering::SeqCst);
        Ok(())
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

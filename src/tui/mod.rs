//! The terminal: the guard, the input thread, the store worker, the signal thread and the main
//! loop, which waits on one channel, applies what arrives to the desk state, and draws only when
//! something changed.

mod event;
mod guard;
mod worker;

use std::io;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

use anyhow::Context;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use signal_hook::consts::{SIGHUP, SIGINT, SIGQUIT, SIGTERM};
use signal_hook::iterator::Signals;

use crate::app::Desk;
use crate::app::desk_state::{Action, DeskInfo, DeskState, LeaseOp, Query, Reply, handle_key};
use crate::app::keymap::Key;
use crate::app::strings::Lang;
use crate::config::Loaded;
use crate::ui;

pub use guard::restore;

/// How long a status message stays.
const MESSAGE_TTL: Duration = Duration::from_secs(4);

/// What reaches the main loop.
#[derive(Debug)]
pub enum Msg {
    Key(Key),
    Resize(u16, u16),
    Reply(Reply),
    Signal(i32),
    InputError(String),
    /// The store worker ended (it only does when it panicked or the loop is gone).
    WorkerGone,
}

/// On quitting with a case open to edit, its lease is given back so another desk may work it at
/// once rather than when it runs out: waits for the worker to say so, at most two seconds.
fn wait_for_release(rx: &mpsc::Receiver<Msg>) {
    let deadline = Instant::now() + Duration::from_secs(2);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(Msg::Reply(Reply::Lease { op: LeaseOp::Release, .. })) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// Waits until the store worker has ended (`Msg::WorkerGone`), at most three seconds.
fn wait_for_worker(rx: &mpsc::Receiver<Msg>) {
    let deadline = Instant::now() + Duration::from_secs(3);
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match rx.recv_timeout(left) {
            Ok(Msg::WorkerGone) | Err(_) => return,
            Ok(_) => {}
        }
    }
}

/// A scroll key on the configuration notice moves it (within its lines); `false` for any other.
fn notice_scroll(k: Key, scroll: &mut u16, lines: usize) -> bool {
    use crate::app::keymap::KeyCode;
    let most = u16::try_from(lines.saturating_mul(4)).unwrap_or(u16::MAX);
    *scroll = match k.code {
        KeyCode::Char('j') | KeyCode::Down => scroll.saturating_add(1),
        KeyCode::Char('k') | KeyCode::Up => scroll.saturating_sub(1),
        KeyCode::PageDown | KeyCode::Char(' ') => scroll.saturating_add(10),
        KeyCode::PageUp => scroll.saturating_sub(10),
        _ => return false,
    }
    .min(most);
    true
}

/// How the desk ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Quit,
    /// By a signal (SIGTERM, SIGHUP, SIGINT, SIGQUIT), after the terminal was restored.
    Signal(i32),
}

/// Runs the desk on the terminal until the user quits or a signal arrives. The desk moves to the
/// store worker. The look and the key map come from the user's configuration (`config::load`,
/// which gives `mono` under `NO_COLOR`); its problems are shown over the desk until a key.
pub fn run(mut desk: Desk, config: Loaded, live_clock: bool) -> anyhow::Result<Ended> {
    let look = ui::Look::new(config.styles.into()).with_borders(config.settings.borders);
    let mut notes: Vec<String> = config.problems.iter().map(ToString::to_string).collect();
    // The interface language: config.toml's `lang`, else DUEDESK_LANG, else the locale.
    // A `lang` that names no language is among the configuration problems (with its line).
    let lang = Lang::from_env(config.settings.lang.as_deref());
    let info = DeskInfo::of(&desk);
    // On a new day the book is rolled forward beside the lists (`Query::Roll`), which meanwhile
    // show the rows as they stand: the first frame never waits for the roll.
    desk.roll_elsewhere = true;
    let (tx, rx) = mpsc::channel::<Msg>();
    let requests = worker::spawn_worker(desk, live_clock, tx.clone()).context("starting the store worker")?;
    // SIGQUIT too: its default ends the process without giving the terminal back.
    let mut signals = Signals::new([SIGTERM, SIGHUP, SIGINT, SIGQUIT]).context("listening for SIGTERM")?;
    let handle = signals.handle();
    let sig_tx = tx.clone();
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for s in signals.forever() {
                if sig_tx.send(Msg::Signal(s)).is_err() {
                    break;
                }
            }
        })
        .context("starting the signal thread")?;

    let guard = guard::Guard::enter().context("setting up the terminal")?;
    let stop = Arc::new(AtomicBool::new(false));
    let result = (|| {
        let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        terminal.clear()?;
        event::spawn_input(tx.clone(), stop.clone())?;
        drop(tx);
        let mut state = DeskState::configured(info, lang, config.keymap);
        state.group_amounts = config.settings.group_amounts;
        let data = crate::config::history::data_dir();
        if let Some(dir) = &data {
            state.history = crate::config::history::load(dir);
        }
        // The command lines of this session join the history whatever way the desk ends.
        let keep = |state: &DeskState| {
            if let Some(dir) = &data {
                let _ = crate::config::history::save(dir, &state.history);
            }
        };
        let mut size = terminal.size()?;
        let mut out = state.start();
        let mut dirty = true;
        let mut shown: Option<(String, Instant)> = None;
        let mut notes_scroll: u16 = 0;
        loop {
            // The state pages by what the drawing shows: tell it when the size or the help changes.
            let layout = ui::layout(&state, size.width, size.height);
            if layout != state.layout {
                out.extend(state.apply(Action::Layout(layout)));
                dirty = true;
            }
            let releasing = out.iter().any(|r| matches!(r.query, Query::Lease { op: LeaseOp::Release, .. }));
            for r in out.drain(..) {
                if requests.send(r).is_err() {
                    anyhow::bail!("the store worker stopped");
                }
            }
            if state.quit {
                keep(&state);
                if releasing {
                    wait_for_release(&rx);
                }
                return Ok(Ended::Quit);
            }
            if dirty {
                terminal.draw(|f| {
                    ui::draw(f, &state, &look);
                    ui::notice(f, &notes, notes_scroll, &look);
                })?;
                dirty = false;
            }
            // A message stays MESSAGE_TTL from when it was first drawn; no ticking otherwise.
            shown = match (&state.message, shown.take()) {
                (Some(m), Some((s, t))) if *m == s => Some((s, t)),
                (Some(m), _) => Some((m.clone(), Instant::now())),
                (None, _) => None,
            };
            let msg = match &shown {
                Some((_, t)) => match rx.recv_timeout(MESSAGE_TTL.saturating_sub(t.elapsed())) {
                    Ok(m) => Some(m),
                    Err(RecvTimeoutError::Timeout) => None,
                    Err(RecvTimeoutError::Disconnected) => anyhow::bail!("the desk's threads stopped"),
                },
                None => Some(rx.recv().context("the desk's threads stopped")?),
            };
            match msg {
                None => {
                    out = state.apply(Action::ExpireMessage);
                    dirty = true;
                }
                // The configuration notice scrolls with j/k and the page keys; any other key
                // closes it, and the status bar keeps a reminder.
                Some(Msg::Key(k))
                    if !notes.is_empty() && notice_scroll(k, &mut notes_scroll, notes.len()) =>
                {
                    dirty = true;
                }
                Some(Msg::Key(_)) if !notes.is_empty() => {
                    out = state.apply(Action::ConfigProblems(notes.len()));
                    notes.clear();
                    dirty = true;
                }
                // Ctrl-Z: raw mode turned the terminal's suspend key into a key, so the desk gives
                // the terminal back and stops itself, and takes it again when continued.
                Some(Msg::Key(k)) if k == Key::ctrl('z') => {
                    guard::suspend().context("suspending the desk")?;
                    terminal.clear()?;
                    dirty = true;
                }
                Some(Msg::Key(k)) => {
                    if let Some(a) = handle_key(&state, k) {
                        out = state.apply(a);
                        dirty = true;
                    }
                }
                Some(Msg::Resize(w, h)) => {
                    terminal.autoresize()?;
                    size = ratatui::layout::Size::new(w, h);
                    dirty = true;
                }
                Some(Msg::Reply(r)) => {
                    out = state.apply(Action::Reply(r));
                    dirty = true;
                }
                Some(Msg::Signal(s)) => {
                    keep(&state);
                    return Ok(Ended::Signal(s));
                }
                Some(Msg::InputError(e)) => anyhow::bail!("reading the terminal: {e}"),
                Some(Msg::WorkerGone) => anyhow::bail!("the store worker stopped"),
            }
        }
    })();
    stop.store(true, Ordering::SeqCst);
    handle.close();
    drop(guard);
    // The store worker ends with its channel: it records the phone searches not yet in the audit
    // log and closes its connection (a file's last one folds the WAL back) before the process
    // leaves. One busy with a long request is not waited for past a few seconds.
    drop(requests);
    wait_for_worker(&rx);
    result
}

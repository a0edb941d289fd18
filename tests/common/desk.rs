//! The desk without a terminal: keys pressed as written in the key map, every store request
//! answered in line by the worker's own `serve_with`, and the layout kept as the terminal keeps it.

use duedesk::app::Desk;
use duedesk::app::desk_state::{Action, DeskInfo, DeskState, Request, handle_key, serve_with};
use duedesk::app::keymap::parse_keys;
use duedesk::ui;

/// Serves requests in line until none are left: the terminal's worker, without the thread.
pub fn settle(state: &mut DeskState, desk: &mut Desk, mut requests: Vec<Request>) {
    while !requests.is_empty() {
        let mut next = Vec::new();
        for r in &requests {
            let mut told = Vec::new();
            let reply = serve_with(desk, r, &mut |p| told.push(p));
            for p in told {
                next.extend(state.apply(Action::Reply(p)));
            }
            next.extend(state.apply(Action::Reply(reply)));
        }
        requests = next;
    }
}

/// Tells the state how a terminal of `width` × `height` lays the desk out, as the terminal does
/// on start and on resize.
pub fn sized(state: &mut DeskState, desk: &mut Desk, width: u16, height: u16) {
    let layout = ui::layout(state, width, height);
    let reqs = state.apply(Action::Layout(layout));
    settle(state, desk, reqs);
}

/// Presses keys as written in the key map (`jj<Enter>`), answering every request in line; after
/// each key the layout follows the help's length, as the terminal's loop does.
pub fn press(state: &mut DeskState, desk: &mut Desk, keys: &str) -> Result<(), String> {
    for key in parse_keys(keys)? {
        if let Some(action) = handle_key(state, key) {
            let reqs = state.apply(action);
            settle(state, desk, reqs);
        }
        let (w, h) = (state.layout.width, state.layout.height);
        if w > 0 && ui::layout(state, w, h) != state.layout {
            sized(state, desk, w, h);
        }
    }
    Ok(())
}

/// The desk opened on an 80×24 terminal with every request answered, as the terminal would
/// after its first replies.
pub fn opened(desk: &mut Desk) -> DeskState {
    let mut state = DeskState::new(info(desk));
    sized(&mut state, desk, 80, 24);
    let reqs = state.start();
    settle(&mut state, desk, reqs);
    state
}

/// What the desk's state is told of its desk (`DeskInfo::of`), with the one difference of display
/// between the passes taken out: the status line names the store, and a book on the server
/// (`common::book`) shows the name a book in memory shows on the file pass, `:memory:`, so the
/// screens compare with the same snapshots. (A book the file pass keeps in a temporary folder
/// shows its random path there, which no snapshot holds.)
pub fn info(desk: &Desk) -> DeskInfo {
    let mut info = DeskInfo::of(desk);
    if desk.on_server() {
        info.store = ":memory:".into();
    }
    info
}

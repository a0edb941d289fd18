//! The desk in process: its state pressed with keys, every request answered and every frame
//! drawn into a test backend, as the terminal loop would.

use std::path::Path;
use std::time::{Duration, Instant};

use duedesk::app::Desk;
use duedesk::app::casework::ContactInput;
use duedesk::app::desk_state::{DeskInfo, DeskState, Screen};
use duedesk::domain::Outcome;
use duedesk::ui::{self, Look, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::harness::{press, settle, sized};
use crate::report::{Table, ms, pct, spread};
use crate::setup::{Res, SIZE, open_desk};

/// Draws the desk as the terminal would after a change.
fn draw(term: &mut Terminal<TestBackend>, state: &DeskState, look: &Look) -> Res<()> {
    term.draw(|f| ui::draw(f, state, look))?;
    Ok(())
}

/// Presses keys, answers every request and redraws: one key press to its redrawn frame.
fn key(
    state: &mut DeskState,
    desk: &mut Desk,
    term: &mut Terminal<TestBackend>,
    look: &Look,
    keys: &str,
) -> Res<Duration> {
    let t = Instant::now();
    press(state, desk, keys)?;
    draw(term, state, look)?;
    Ok(t.elapsed())
}

/// `filters`: what each search is (a name's prefix, pinyin initials, a phone's last four…) and
/// the text typed for it, a key at a time.
pub fn desk_figures(work: &Path, admin: &str, filters: &[(String, String)], table: &mut Table) -> Res<()> {
    let look = Look::new(Theme::mono());
    let mut term = Terminal::new(TestBackend::new(SIZE.0, SIZE.1))?;

    // Open to first frame: open the store, ask the first questions, draw.
    let mut opens = Vec::new();
    for _ in 0..7 {
        let t = Instant::now();
        let mut desk = open_desk(work, admin)?;
        let mut state = DeskState::new(DeskInfo::of(&desk));
        sized(&mut state, &mut desk, SIZE.0, SIZE.1);
        let reqs = state.start();
        settle(&mut state, &mut desk, reqs);
        draw(&mut term, &state, &look)?;
        opens.push(t.elapsed());
        assert!(state.due.total.is_some(), "the first list arrived");
    }
    table.add("open to first frame (in process, warm cache)", spread(&opens), "≤ 150 ms", "—".into());

    let mut desk = open_desk(work, admin)?;
    let mut state = DeskState::new(DeskInfo::of(&desk));
    sized(&mut state, &mut desk, SIZE.0, SIZE.1);
    let reqs = state.start();
    settle(&mut state, &mut desk, reqs);
    let switch = key(&mut state, &mut desk, &mut term, &look, "<Tab>")?;
    assert_eq!(state.screen, Screen::Overdue);
    let total = state.overdue.total.unwrap_or(0);
    table.add("switch to the overdue queue (Tab)", ms(switch), "≤ 16 ms", "—".into());

    // Page down through the queue, then a jump to the far end and paging back up there.
    let mut pages = Vec::new();
    for _ in 0..300 {
        pages.push(key(&mut state, &mut desk, &mut term, &look, "<PgDn>")?);
    }
    table.add(
        &format!("queue: page down ×300 from the top ({total} loans in the queue)"),
        spread(&pages),
        "p99 ≤ 16 ms",
        "—".into(),
    );
    let end = key(&mut state, &mut desk, &mut term, &look, "G")?;
    let mut deep = Vec::new();
    for _ in 0..100 {
        deep.push(key(&mut state, &mut desk, &mut term, &look, "<PgUp>")?);
    }
    table.add("queue: jump to the last row (G)", ms(end), "≤ 16 ms", "—".into());
    table.add("queue: page up ×100 at the far end", spread(&deep), "p99 ≤ 16 ms", "—".into());
    let mut all_keys = pages.clone();
    all_keys.extend(&deep);
    all_keys.push(end);
    key(&mut state, &mut desk, &mut term, &look, "gg")?;

    let mut sorts = Vec::new();
    for _ in 0..8 {
        sorts.push(key(&mut state, &mut desk, &mut term, &look, "o")?);
    }
    table.add("queue: sort change (o ×8, every order twice)", spread(&sorts), "≤ 16 ms", "—".into());
    all_keys.extend(&sorts);
    table.add("queue: every key above", spread(&all_keys), "p99 ≤ 16 ms", "—".into());

    for (what, text) in filters {
        key(&mut state, &mut desk, &mut term, &look, "/")?;
        let mut typed = Vec::new();
        let mut each = Vec::new();
        for c in text.chars() {
            let k = if c == '<' { "<lt>".to_string() } else { c.to_string() };
            let d = key(&mut state, &mut desk, &mut term, &look, &k)?;
            typed.push(d);
            each.push(format!("{}: {}", state.filter, ms(d)));
        }
        key(&mut state, &mut desk, &mut term, &look, "<Enter>")?;
        let found = state.overdue.total.unwrap_or(0);
        let clear = key(&mut state, &mut desk, &mut term, &look, "<Esc>")?;
        table.add(
            &format!("filter by {what} '{text}', each key ({found} in the queue at the end)"),
            format!("worst {} ({})", ms(pct(&typed, 1.0)), each.join(", ")),
            "≤ 50 ms",
            "—".into(),
        );
        table.add(&format!("clear the {what} filter (Esc)"), ms(clear), "≤ 50 ms", "—".into());
    }

    // Open cases down the queue, and log a no-answer call on each (the conduct rules may refuse some).
    let mut opened = Vec::new();
    let mut logged = Vec::new();
    let mut refused = 0;
    for _ in 0..20 {
        key(&mut state, &mut desk, &mut term, &look, "j")?;
        opened.push(key(&mut state, &mut desk, &mut term, &look, "<Enter>")?);
        assert_eq!(state.screen, Screen::Case);
        let before = state.case.as_ref().and_then(|c| c.detail.as_ref()).map_or(0, |d| d.contacts.len());
        let d = key(&mut state, &mut desk, &mut term, &look, "n")?;
        let after = state.case.as_ref().and_then(|c| c.detail.as_ref()).map_or(0, |d| d.contacts.len());
        if after > before {
            logged.push(d);
        } else {
            refused += 1;
        }
        key(&mut state, &mut desk, &mut term, &look, "<Esc>")?;
    }
    table.add("open a case (Enter, 20 cases)", spread(&opened), "≤ 30 ms", "—".into());
    // The write alone, as the worker runs it: conduct check, insert, audit, commit.
    let loans: Vec<String> =
        (40..60).filter_map(|i| state.overdue.row(i).map(|r| r.loan_id.clone())).collect();
    let mut writes = Vec::new();
    for loan in &loans {
        let t = Instant::now();
        if desk.log_contact(&ContactInput::call(loan, Outcome::NoAnswer)).is_ok() {
            writes.push(t.elapsed());
        }
    }
    if !writes.is_empty() {
        table.add(
            &format!(
                "log a contact: the write alone (Desk::log_contact, {} of {})",
                writes.len(),
                loans.len()
            ),
            spread(&writes),
            "≤ 20 ms",
            "—".into(),
        );
    }
    if logged.is_empty() {
        table.add(
            "log a contact (n)",
            "every call refused by the conduct rules".into(),
            "≤ 20 ms",
            "—".into(),
        );
    } else {
        table.add(
            &format!("log a contact (n: write, reload the case and the lists; {refused} of 20 refused)"),
            spread(&logged),
            "≤ 20 ms",
            "—".into(),
        );
    }
    Ok(())
}

//! Logging calls as they happen at the desk (issue #16): a debtor calling in after six attempts,
//! taking back a mistaken key within seconds and not after, a held case's call keys.

mod common;

use chrono::Duration;
use common::book::{Book, Keep};
use common::desk::{opened, press};
use duedesk::app::Desk;
use duedesk::app::desk_state::DeskState;
use duedesk::app::views::ContactView;
use duedesk::domain::Direction;

fn demo_desk() -> Book {
    Book::demo(Keep::Memory, 300, 7)
}

fn keys(s: &mut DeskState, desk: &mut Desk, k: &str) {
    press(s, desk, k).expect("keys");
}

fn contacts(s: &DeskState) -> Vec<ContactView> {
    s.case.as_ref().and_then(|c| c.detail.as_ref()).map(|d| d.contacts.clone()).unwrap_or_default()
}

fn message(s: &DeskState) -> String {
    s.message.clone().unwrap_or_default()
}

#[test]
fn a_debtor_who_calls_in_after_six_attempts_is_logged_at_the_desk() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab><Enter>");
    let n = contacts(&s).len();
    for _ in 0..6 {
        keys(&mut s, &mut desk, "b");
    }
    keys(&mut s, &mut desk, "n");
    assert!(message(&s).contains("calls_per_number"), "{}", message(&s));
    assert_eq!(contacts(&s).len(), n + 6);
    // `i` opens :in; the call the debtor made counts toward no cap.
    keys(&mut s, &mut desk, "i");
    assert_eq!(s.input.as_str(), "in ");
    keys(&mut s, &mut desk, "callback 借款人来电，明天回电<Enter>");
    let c = contacts(&s);
    assert_eq!(c.len(), n + 7, "{}", message(&s));
    assert_eq!((c[0].direction, c[0].outcome.as_str()), (Direction::Inbound, "callback"));
    assert_eq!(c[0].note, "借款人来电，明天回电");
}

#[test]
fn u_takes_back_a_one_key_call_within_seconds_and_not_after() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab><Enter>");
    let n = contacts(&s).len();
    // Six presses would use the number's daily quota; taken back, they count toward nothing.
    for _ in 0..6 {
        keys(&mut s, &mut desk, "n");
        assert!(message(&s).contains("u takes it back"), "{}", message(&s));
        keys(&mut s, &mut desk, "u");
        assert!(message(&s).contains("entered in error"), "{}", message(&s));
    }
    let c = contacts(&s);
    assert_eq!(c.len(), n + 12, "the history keeps each call and its taking back");
    assert!(c.iter().take(12).step_by(2).all(|v| v.corrects.is_some() && v.note == "entered in error"));
    keys(&mut s, &mut desk, "n");
    assert_eq!(contacts(&s).len(), n + 13, "the quota is whole again: {}", message(&s));
    // Twice is nothing more to take back.
    keys(&mut s, &mut desk, "u");
    keys(&mut s, &mut desk, "u");
    assert!(message(&s).contains("nothing to take back"), "{}", message(&s));
    // Past the window it is too late, and the call stands.
    keys(&mut s, &mut desk, "b");
    desk.now += Duration::seconds(11);
    keys(&mut s, &mut desk, "u");
    assert!(message(&s).contains("too late"), "{}", message(&s));
    assert_eq!(contacts(&s)[0].outcome.as_str(), "busy");
    assert!(contacts(&s)[0].corrects.is_none());
}

#[test]
fn a_held_case_offers_no_call_keys_and_says_why() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab><Enter>:hold dispute 2026-04-30 借款人对罚息有异议<Enter>");
    assert!(s.case.as_ref().is_some_and(|c| c.held()), "{}", message(&s));
    let n = contacts(&s).len();
    for k in ["n", "b", "p"] {
        keys(&mut s, &mut desk, k);
        assert!(message(&s).contains("no collection calls"), "{k}: {}", message(&s));
        assert_eq!(contacts(&s).len(), n);
    }
    // The footer does not offer them.
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).expect("terminal");
    let look = duedesk::ui::Look::new(duedesk::ui::Theme::mono());
    term.draw(|f| duedesk::ui::draw(f, &s, &look)).expect("draw");
    let screen = common::screen(term.backend().buffer());
    let footer = screen.lines().last().unwrap_or_default().to_string();
    assert!(!footer.contains("no answer") && !footer.contains("promise"), "{footer}");
    // A call from the debtor is still logged.
    keys(&mut s, &mut desk, ":in dispute 借款人来电说明异议<Enter>");
    assert_eq!(contacts(&s).len(), n + 1, "{}", message(&s));
}

/// The desk drawn at 80×24 as text.
fn drawn(s: &DeskState) -> String {
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).expect("terminal");
    let look = duedesk::ui::Look::new(duedesk::ui::Theme::mono());
    term.draw(|f| duedesk::ui::draw(f, s, &look)).expect("draw");
    common::screen(term.backend().buffer())
}

#[test]
fn the_command_line_recalls_edits_and_says_what_comes_next() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, ":sort overdue<Enter>:stage legal<Enter>:stage all<Enter>");
    assert_eq!(s.history, ["sort overdue", "stage legal", "stage all"]);
    // ↑ walks back, ↓ forward and then to what was being typed.
    keys(&mut s, &mut desk, ":sta<Up>");
    assert_eq!(s.input.as_str(), "stage all");
    keys(&mut s, &mut desk, "<Up><Up>");
    assert_eq!(s.input.as_str(), "sort overdue");
    keys(&mut s, &mut desk, "<Up>");
    assert_eq!(s.input.as_str(), "sort overdue", "the oldest stays");
    keys(&mut s, &mut desk, "<Down><Down><Down>");
    assert_eq!(s.input.as_str(), "sta");
    // A recalled line is edited like any: Ctrl-A, Ctrl-E, Ctrl-W, Ctrl-U, the arrows.
    keys(&mut s, &mut desk, "<C-u><Up><Up><C-w>");
    assert_eq!(s.input.as_str(), "stage ");
    keys(&mut s, &mut desk, "negotiation<C-a><Right><Right><Right><Right><Right> x<C-e><Backspace>");
    assert_eq!(s.input.as_str(), "stage x negotiatio");
    keys(&mut s, &mut desk, "<Esc>");
    assert_eq!(s.history.len(), 3, "a cancelled line is not kept");
    // The usage shows as the command is typed, a key that opens one included.
    keys(&mut s, &mut desk, "<Tab><Enter>p");
    assert!(drawn(&s).contains(":ptp AMOUNT YYYY-MM-DD [NOTE]"), "{}", drawn(&s));
    // A bad date says what is wrong with it.
    keys(&mut s, &mut desk, "800 2026-13-01<Enter>");
    assert!(message(&s).starts_with("'2026-13-01' is not a date"), "{}", message(&s));
    assert_eq!(s.history.last().map(String::as_str), Some("ptp 800 2026-13-01"));
}

#[test]
fn a_long_note_is_read_in_full_and_the_messages_kept() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab><Enter>");
    let note = "借款人称下周五发工资后先还一千五百元，其余部分月底前结清；如有变化会主动来电告知，请勿在上午十点前致电";
    keys(&mut s, &mut desk, &format!(":na {note}<Enter><Tab>"));
    let screen = drawn(&s);
    assert!(!screen.contains(note), "the pane cuts the note at 80 columns");
    assert!(screen.contains(&format!("Contacts 1/{}", contacts(&s).len())), "{screen}");
    // Enter reads the row under the cursor in full, wrapped; any other key closes it.
    keys(&mut s, &mut desk, "<Enter>");
    let popup = drawn(&s);
    let joined: String = popup.lines().map(|l| l.trim_matches(|c| c == '│' || c == ' ')).collect();
    assert!(joined.contains(note), "{popup}");
    keys(&mut s, &mut desk, "x");
    assert_eq!(s.mode, duedesk::app::desk_state::Mode::Normal);
    // `v` reads too, and j moves the cursor first.
    keys(&mut s, &mut desk, "jv");
    assert!(drawn(&s).contains(&format!("Contacts 2/{}", contacts(&s).len())), "{}", drawn(&s));
    keys(&mut s, &mut desk, "<Esc>");
    // :messages keeps what the status bar said.
    keys(&mut s, &mut desk, ":messages<Enter>");
    let m = drawn(&s);
    assert!(m.contains("Messages") && m.contains("logged no_answer"), "{m}");
}

#[test]
fn the_list_says_where_its_cursor_is() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab>jj");
    let total = s.overdue.total.expect("count");
    assert!(
        drawn(&s).lines().next().is_some_and(|l| l.contains(&format!("Overdue 3/{total}"))),
        "{}",
        drawn(&s)
    );
}

#[test]
fn a_long_message_wraps_instead_of_being_cut() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab><Enter>");
    for _ in 0..6 {
        keys(&mut s, &mut desk, "b");
    }
    keys(&mut s, &mut desk, "n");
    let said = message(&s);
    assert!(said.len() > 100, "{said}");
    let screen = drawn(&s);
    let joined: String = screen.lines().map(str::trim).collect::<Vec<_>>().join(" ");
    assert!(joined.contains("next allowed 2026-03-02 08:00"), "the end of the message is shown:\n{screen}");
    assert!(s.layout.case_rows < 12, "the pane gives the status bar its lines: {:?}", s.layout);
}

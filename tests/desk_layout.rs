//! The desk at every width (issue #16): the loan, the name (four Chinese characters at least), DPD,
//! the amount and the phone are the last to go; the stage shortens first; width beyond goes to
//! the name, the last outcome and the owner. At 60, 80 and 200 columns, Chinese and Latin names.

mod common;

use common::book::{Book, Keep};
use common::desk::{opened, press, sized};
use duedesk::app::desk_state::DeskState;

fn demo_desk() -> Book {
    Book::demo(Keep::Memory, 300, 7)
}

fn drawn(s: &DeskState, w: u16, h: u16) -> String {
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, h)).expect("terminal");
    let look = duedesk::ui::Look::new(duedesk::ui::Theme::mono());
    term.draw(|f| duedesk::ui::draw(f, s, &look)).expect("draw");
    common::screen(term.backend().buffer())
}

fn lang(s: &mut DeskState, zh: bool) {
    s.lang = if zh { duedesk::app::strings::Lang::Zh } else { duedesk::app::strings::Lang::En };
}

/// The rows of a drawn list: the lines with a loan id.
fn rows(screen: &str) -> Vec<String> {
    screen.lines().filter(|l| l.contains("DL000")).map(str::to_string).collect()
}

#[test]
fn the_queue_keeps_what_matters_at_every_width() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    // The 欧阳 and 司马 customers: names of four characters.
    press(&mut s, &mut desk, "<Tab>/ouyang<Enter>").expect("keys");
    let four: Vec<_> = s.overdue.rows.iter().filter(|r| r.borrower.chars().count() == 4).cloned().collect();
    assert!(!four.is_empty(), "a four-character name in the queue");
    for zh in [false, true] {
        lang(&mut s, zh);
        for (w, h) in [(60, 16), (80, 24), (200, 30)] {
            sized(&mut s, &mut desk, w, h);
            let screen = drawn(&s, w, h);
            for r in &four {
                let line = rows(&screen).into_iter().find(|l| l.contains(&r.loan_id)).expect("row");
                let phone = r.phone.clone().expect("phone");
                let home = duedesk::domain::phone::national(&duedesk::domain::phone::normal(&phone));
                for want in [r.borrower.as_str(), &r.dpd.to_string(), &r.overdue_amount.grouped()] {
                    assert!(line.contains(want), "{w} cols, {want} missing:\n{screen}");
                }
                assert!(line.contains(&phone) || line.contains(&home), "{w} cols: the phone:\n{screen}");
            }
        }
    }
    // At 80 columns the stage is short and the owner and last contact stay; at 200 everything
    // shows whole.
    lang(&mut s, false);
    press(&mut s, &mut desk, "<Esc>").expect("keys");
    sized(&mut s, &mut desk, 80, 24);
    let screen = drawn(&s, 80, 24);
    let header = screen.lines().nth(1).unwrap_or_default();
    for col in ["LOAN", "NAME", "STAGE", "DPD", "OVERDUE", "PHONE", "CONTACTED", "OWNER"] {
        assert!(header.contains(col), "{header}");
    }
    assert!(rows(&screen).iter().any(|l| l.contains(" remd ") || l.contains(" legal ")), "{screen}");
    sized(&mut s, &mut desk, 200, 30);
    let screen = drawn(&s, 200, 30);
    for word in ["reminder", "BKT", "NEXT", "left_message", "wang.fang"] {
        assert!(screen.contains(word), "{word}:\n{screen}");
    }
    let latin = s.overdue.rows.iter().find(|r| r.borrower.contains(' ')).expect("a Latin name");
    assert!(screen.contains(&latin.borrower), "{}", latin.borrower);
}

#[test]
fn the_case_header_keeps_the_phone_at_60_and_80_columns() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    press(&mut s, &mut desk, "<Tab><Enter>").expect("keys");
    let phone =
        s.case.as_ref().and_then(|c| c.detail.as_ref()).and_then(|d| d.summary.phone.clone()).expect("phone");
    for zh in [false, true] {
        lang(&mut s, zh);
        for (w, h) in [(60, 16), (80, 24)] {
            sized(&mut s, &mut desk, w, h);
            let screen = drawn(&s, w, h);
            assert!(screen.lines().nth(1).is_some_and(|l| l.contains(&phone)), "{w}:\n{screen}");
        }
    }
}

#[test]
fn amounts_are_grouped_unless_the_setting_turns_it_off() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    press(&mut s, &mut desk, "<Tab>").expect("keys");
    let big = s.overdue.rows.iter().map(|r| r.overdue_amount).max().expect("rows");
    assert!(big.cents() >= 100_000, "{big}");
    press(&mut s, &mut desk, ":sort overdue<Enter>").expect("keys");
    assert!(drawn(&s, 80, 24).contains(&big.grouped()));
    s.group_amounts = false;
    assert!(drawn(&s, 80, 24).contains(&format!(" {big} ")));
}

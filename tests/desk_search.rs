//! Finding a case at the desk as collectors do (issue #16): by the last four digits of a phone,
//! by pinyin initials, by a bare loan number, by any part of a name in any case.

mod common;

use common::book::{Book, Keep};
use common::desk::{opened, press};
use duedesk::app::Desk;
use duedesk::app::desk_state::{DeskState, Screen};

fn demo_desk(login: &str) -> Book {
    let desk = Book::demo(Keep::Memory, 300, 7);
    if login == "admin" { desk } else { desk.reopen_as(login).expect("desk") }
}

fn keys(s: &mut DeskState, desk: &mut Desk, k: &str) {
    press(s, desk, k).expect("keys");
}

fn found(s: &DeskState) -> Vec<String> {
    s.overdue.rows.iter().map(|r| r.loan_id.clone()).collect()
}

#[test]
fn a_case_is_found_by_last_four_initials_a_bare_number_and_any_part_of_a_name() {
    let mut desk = demo_desk("admin");
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab>");
    let target = s
        .overdue
        .rows
        .iter()
        .find(|r| r.borrower.chars().count() == 3 && !r.borrower.contains(' '))
        .cloned()
        .expect("a three-character name");
    let phone = target.phone.clone().expect("phone");
    let initials: String = {
        use pinyin::ToPinyin;
        target.borrower.as_str().to_pinyin().flatten().filter_map(|p| p.plain().chars().next()).collect()
    };
    let number = target.loan_id.trim_start_matches(|c: char| c.is_ascii_alphabetic() || c == '0').to_string();
    let middle: String = target.borrower.chars().skip(1).take(2).collect();
    for typed in [
        &phone[phone.len() - 4..],
        initials.as_str(),
        number.as_str(),
        middle.as_str(),
        &target.loan_id.to_lowercase(),
    ] {
        keys(&mut s, &mut desk, &format!("/{typed}"));
        assert!(found(&s).contains(&target.loan_id), "{typed}: {:?}", found(&s));
        keys(&mut s, &mut desk, "<Esc>");
    }
    // Latin names in any case, by a part.
    let latin = s.overdue.rows.iter().find(|r| r.borrower.contains(' ')).cloned();
    if let Some(l) = latin {
        let part: String = l.borrower.split(' ').nth(1).unwrap_or("").to_uppercase();
        keys(&mut s, &mut desk, &format!("/{part}"));
        assert!(found(&s).contains(&l.loan_id), "{part}");
        keys(&mut s, &mut desk, "<Esc>");
    }
    // The bare number opens the case with :goto too.
    keys(&mut s, &mut desk, &format!(":goto {number}<Enter>"));
    assert_eq!(
        (s.screen, s.case.as_ref().map(|c| c.loan.clone())),
        (Screen::Case, Some(target.loan_id.clone()))
    );
}

#[test]
fn a_desk_that_may_not_see_phones_is_told_why_a_number_finds_nothing() {
    let mut desk = demo_desk("admin");
    let phone = {
        let mut s = opened(&mut desk);
        keys(&mut s, &mut desk, "<Tab>");
        s.overdue.rows[0].phone.clone().expect("phone")
    };
    desk.set_setting("pii_full_phone", "supervisor").expect("setting");
    let mut desk = desk.reopen_as("wang.fang").expect("collector");
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, &format!("<Tab>/{}", &phone[phone.len() - 4..]));
    let mut term = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).expect("terminal");
    let look = duedesk::ui::Look::new(duedesk::ui::Theme::mono());
    term.draw(|f| duedesk::ui::draw(f, &s, &look)).expect("draw");
    let screen = common::screen(term.backend().buffer());
    assert!(
        screen.contains("only roles that see them in full") || screen.contains("searched only by roles"),
        "{screen}"
    );
}

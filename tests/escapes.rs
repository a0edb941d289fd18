//! Text from the book never drives the terminal: a borrower's name, a guarantor, collateral or a
//! note holding escape sequences (clear screen, a clipboard write by OSC 52, a window title, a
//! right-to-left override) is shown with its control characters visible in every text output —
//! tables, `show`, CSV, `packet.txt`, `index.csv`, the notice's text and HTML — and escaped in JSON.
//! The values are written by SQL behind the desk, as a store filled before input was checked would hold them.

mod common;

use common::{AS_OF, TestDesk};
use serde_json::Value;

const CLEAR: &str = "\u{1b}[2J\u{1b}[H";
const CLIPBOARD: &str = "\u{1b}]52;c;ZWNobyBwd25lZA==\u{7}";
const TITLE: &str = "\u{1b}]0;root@bank\u{1b}\\";
/// CSI as one C1 character, and a right-to-left override.
const C1_AND_BIDI: &str = "\u{9b}31m\u{202e}";

/// What no text output may carry raw.
fn raw_control(s: &str) -> Option<char> {
    s.chars().find(|c| {
        (c.is_control() && *c != '\n') || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

fn assert_clean(what: &str, s: &str) {
    if let Some(c) = raw_control(s) {
        panic!("{what} carries {:?} raw:\n{}", c, s.escape_debug());
    }
}

struct Book {
    desk: TestDesk,
    loan: String,
}

/// A demo book in which one overdue loan's borrower, guarantor, collateral and a contact note
/// carry escape sequences, long enough that a table cuts them.
fn book() -> Book {
    let desk = TestDesk::new();
    desk.ok(&["--as-of", AS_OF, "demo", "--seed", "11", "--loans", "60"]);
    let rows = desk.ok(&["--as-of", AS_OF, "loans", "--dpd-min", "1", "--format", "json"]).json();
    let loan = rows.as_array().expect("rows")[0]["loan_id"].as_str().expect("id").to_string();
    let name = format!("王{CLEAR}小{CLIPBOARD}明{TITLE}{C1_AND_BIDI}一个很长很长的名字");
    let (guarantor, collateral) = (format!("李{TITLE}"), format!("房产{CLEAR}"));
    let set = "UPDATE loans SET borrower = $1, guarantor = $2, collateral = $3 WHERE loan_ref = $4";
    assert_eq!(desk.exec_with(set, &[&name, &guarantor, &collateral, &loan]), 1, "names");
    let note = format!("说{CLIPBOARD}了\r假的一行\n{C1_AND_BIDI}");
    let contact = "INSERT INTO contacts (loan_id, customer_id, party, channel, direction, outcome, note, at) \
         SELECT id, customer_id, 'debtor', 'call', 'outbound', 'refused', $2, '2026-02-28T10:00:00+08:00' \
         FROM loans WHERE loan_ref = $1";
    assert_eq!(desk.exec_with(contact, &[&loan, &note]), 1, "note");
    Book { desk, loan }
}

#[test]
fn tables_and_show_print_control_characters_visibly() {
    let b = book();
    for args in [
        vec!["loans", "--format", "table"],
        vec!["loans", "--dpd-min", "1", "--format", "table"],
        vec!["show", b.loan.as_str(), "--format", "table"],
        vec![],
    ] {
        let mut all = vec!["--as-of", AS_OF];
        all.extend(args.iter().copied());
        let out = b.desk.ok(&all).stdout;
        assert_clean(&format!("{args:?}"), &out);
        if !args.is_empty() {
            assert!(out.contains('␛'), "{args:?}: ESC is shown as ␛:\n{out}");
        }
    }
    let show = b.desk.ok(&["--as-of", AS_OF, "show", &b.loan, "--format", "table"]).stdout;
    assert!(show.contains("王␛[2J␛[H小␛]52;c;"), "{show}");
    assert!(show.contains("\\u{202e}"), "{show}");
}

#[test]
fn csv_shows_them_and_json_escapes_them() {
    let b = book();
    let csv = b.desk.ok(&["--as-of", AS_OF, "loans", "--format", "csv"]).stdout;
    assert_clean("loans csv", &csv);
    assert!(csv.contains("王␛[2J"), "{csv}");
    let show_csv = b.desk.ok(&["--as-of", AS_OF, "show", &b.loan, "--format", "csv"]).stdout;
    assert_clean("show csv", &show_csv);

    let json = b.desk.ok(&["--as-of", AS_OF, "show", &b.loan, "--format", "json"]).stdout;
    assert_clean("show json", &json);
    // Escaped, not changed: the value read back is the stored one.
    let v: Value = serde_json::from_str(&json).expect("json");
    assert!(v["borrower"].as_str().expect("borrower").contains(CLIPBOARD));
    assert!(v["borrower"].as_str().expect("borrower").contains(C1_AND_BIDI));
    assert!(json.contains("\\u009b") && json.contains("\\u202e"), "{json}");
}

#[test]
fn packets_and_notices_show_them_too() {
    let b = book();
    let out = b.desk.dir.path().join("packets");
    let o = TestDesk::path_str(&out);
    b.desk.ok(&["--as-of", AS_OF, "legal-packet", &b.loan, "--out", o, "--format", "json"]);
    let mut files = Vec::new();
    for entry in walk(&out) {
        files.push(entry);
    }
    assert!(
        files.iter().any(|p| p.ends_with("packet.txt")) && files.iter().any(|p| p.ends_with("index.csv"))
    );
    for p in &files {
        let text = std::fs::read_to_string(p).expect("read");
        assert_clean(&p.display().to_string(), &text);
    }
    let packet = files.iter().find(|p| p.ends_with("packet.txt")).expect("packet.txt");
    let text = std::fs::read_to_string(packet).expect("read");
    assert!(text.contains("王␛[2J"), "{text}");
    // The note's carriage return and line feed forge no line of their own.
    assert!(!text.lines().any(|l| l.starts_with("假的一行")), "{text}");
    let json: Value =
        serde_json::from_str(&std::fs::read_to_string(packet.with_file_name("packet.json")).expect("read"))
            .expect("json");
    assert!(json["borrower"].as_str().expect("borrower").contains(CLEAR));

    let notices = b.desk.dir.path().join("notices");
    let n = TestDesk::path_str(&notices);
    b.desk.ok(&["--as-of", AS_OF, "notice", &b.loan, "--kind", "dunning", "--out", n, "--format", "json"]);
    let written = walk(&notices);
    assert_eq!(written.len(), 2, "{written:?}");
    for p in &written {
        let text = std::fs::read_to_string(p).expect("read");
        assert_clean(&p.display().to_string(), &text);
        assert!(text.contains('␛'), "{}: {text}", p.display());
    }
}

#[test]
fn messages_show_them_too() {
    let b = book();
    let r = b.desk.run(&["show", &format!("X{CLEAR}{TITLE}")]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_clean("the message", &r.stderr);
    assert!(r.stderr.contains("X␛[2J"), "{}", r.stderr);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).expect("read dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

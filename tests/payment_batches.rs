//! A payments file longer than the import's batch of rows (1,000): what the store holds and what
//! an earlier batch took is held against a later one — a reference once per loan, a payment on
//! the desk already, two equal rows without references — the payments are numbered in the
//! file's order, and the loans paid are computed as a whole-book refresh computes them. On a file
//! and on a server (`DUEDESK_TEST_BACKEND=server`), where each batch is a statement a question.

mod common;

use common::{AS_OF, TestDesk};

/// 1,500 loans `L-00000`… of 1,200.00 each, disbursed 2025-06-01.
fn book() -> TestDesk {
    let d = TestDesk::new();
    let mut text = String::from(
        "loan_id,borrower,customer_id,product,principal,annual_rate,term_months,disbursed_on,assignee\n",
    );
    for i in 0..1_500 {
        text.push_str(&format!("L-{i:05},借款人{i},C-{i:05},annuity,1200,12,12,2025-06-01,wang.fang\n"));
    }
    let file = d.write("loans.csv", &text);
    d.ok(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file)]);
    d
}

/// A payment of 100.00 on `day` by each of the loans `from..to`: an even one with the reference
/// `{prefix}-{i}`, an odd one with none.
fn payments(from: u32, to: u32, day: &str, prefix: &str) -> String {
    let mut text = String::from("loan_id,paid_on,amount,reference\n");
    for i in from..to {
        let reference = if i % 2 == 0 { format!("{prefix}-{i:05}") } else { String::new() };
        text.push_str(&format!("L-{i:05},{day},100.00,{reference}\n"));
    }
    text
}

fn import(d: &TestDesk, name: &str, text: &str) -> common::Run {
    let file = d.write(name, text);
    d.run(&["--as-of", AS_OF, "--format", "json", "import", "payments", TestDesk::path_str(&file)])
}

const STATE: &str = "SELECT * FROM loan_state ORDER BY loan_id";

#[test]
fn a_long_file_goes_in_in_its_order_and_its_loans_are_computed_as_the_whole_book_is() {
    let d = book();
    let unpaid = d.lines(STATE);
    let r = import(&d, "july.csv", &payments(0, 1_300, "2025-07-01", "R"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["rows"], 1_300);
    let paid = d.lines(
        "SELECT l.loan_ref || ' ' || p.amount_cents || ' ' || coalesce(p.reference, '-') \
         FROM payments p JOIN loans l ON l.id = p.loan_id ORDER BY p.id",
    );
    let expected: Vec<String> = (0..1_300)
        .map(|i| format!("L-{i:05} 10000 {}", if i % 2 == 0 { format!("R-{i:05}") } else { "-".into() }))
        .collect();
    assert_eq!(paid, expected);
    let state = d.lines(STATE);
    let moved = state.iter().zip(&unpaid).filter(|(a, b)| a != b).count();
    assert_eq!(moved, 1_300, "the loans paid, and only they, moved");
    d.ok(&["--as-of", AS_OF, "refresh"]);
    assert_eq!(d.lines(STATE), state, "a whole-book refresh finds nothing to change");

    // The same file again: every row on the desk already, nothing changes.
    let r = import(&d, "july-again.csv", &payments(0, 1_300, "2025-07-01", "R"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["already"], 1_300, "{}", r.stdout);
    assert_eq!(d.ints("SELECT count(*) FROM payments", &[]), vec![1_300]);
}

#[test]
fn what_the_store_and_an_earlier_batch_hold_is_held_against_a_later_one() {
    let d = book();
    assert_eq!(import(&d, "july.csv", &payments(0, 1_300, "2025-07-01", "R")).code, 0);
    let mut text = payments(0, 1_200, "2025-08-01", "S");
    // Line 1,202: July's payment of loan 1 (no reference) again; 1,203: a reference of line 2
    // again; 1,204: line 3 again, neither with a reference; 1,205: July's reference of loan 2
    // for another day.
    text.push_str("L-00001,2025-07-01,100.00,\n");
    text.push_str("L-00000,2025-08-02,50.00,S-00000\n");
    text.push_str("L-00001,2025-08-01,100.00,\n");
    text.push_str("L-00002,2025-08-03,100.00,R-00002\n");
    let r = import(&d, "august.csv", &text);
    assert_eq!(r.code, 2, "{}", r.stdout);
    let lines: Vec<&str> = r.stderr.lines().filter(|l| l.contains("august.csv:")).collect();
    assert_eq!(lines.len(), 4, "{}", r.stderr);
    for (at, says) in [
        (
            0,
            ":1202: reference: loan 'L-00001' already has a payment of 100.00 on 2025-07-01: it is on the desk",
        ),
        (1, ":1203: reference: 'S-00000' is repeated for loan 'L-00000': it is first on line 2"),
        (2, ":1204: reference: repeats line 3 (loan 'L-00001', 100.00 on 2025-08-01)"),
        (
            3,
            ":1205: reference: loan 'L-00002' already has a payment with reference 'R-00002' (100.00 on 2025-07-01)",
        ),
    ] {
        assert!(lines[at].contains(says), "{at}: {}", r.stderr);
    }
    assert_eq!(d.ints("SELECT count(*) FROM payments", &[]), vec![1_300], "all or nothing");
}

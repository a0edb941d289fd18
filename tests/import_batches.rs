//! A loans file longer than the import's batch of rows (1,000): what one batch settles holds in
//! the next — a loan id once, a customer once with one owner — and the book is what a row at a
//! time makes: customers and loans numbered in the file's order. On a file and on a server
//! (`DUEDESK_TEST_BACKEND=server`), where each batch is a statement a question.

mod common;

use common::{AS_OF, TestDesk};

const HEADER: &str =
    "loan_id,borrower,customer_id,product,principal,annual_rate,term_months,disbursed_on,assignee\n";

/// Loan `i` of customer `i / 2` (so rows 1,000 and 1,001 share one across two batches), owned by
/// one of two collectors by customer; every fifth with an address and a collateral valued.
fn rows(from: u32, to: u32) -> String {
    let mut text = HEADER.replace('\n', ",address,collateral,collateral_value,collateral_valued_on\n");
    for i in from..to {
        let owner = ["wang.fang", "li.qiang"][(i / 2 % 2) as usize];
        let extra =
            if i % 5 == 0 { format!("上海路{i}号,房产{i},100000,2025-05-01") } else { ",,,".into() };
        text.push_str(&format!(
            "L-{i:05},借款人{},C-{:05},annuity,1200,12,12,2025-06-01,{owner},{extra}\n",
            i / 2,
            i / 2
        ));
    }
    text
}

fn import(d: &TestDesk, name: &str, text: &str) -> common::Run {
    let file = d.write(name, text);
    d.run(&["--as-of", AS_OF, "--format", "json", "import", "loans", TestDesk::path_str(&file)])
}

#[test]
fn a_long_file_is_numbered_in_its_order_with_each_customer_once() {
    let d = TestDesk::new();
    let r = import(&d, "first.csv", &rows(0, 2_500));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["rows"], 2_500);
    // Customers by id in the order the file first names them; loans by id in the file's order.
    let customers = d.lines("SELECT customer_ref FROM customers ORDER BY id");
    assert_eq!(customers, (0..1_250).map(|c| format!("C-{c:05}")).collect::<Vec<_>>());
    let loans = d.lines("SELECT l.loan_ref || ' ' || c.customer_ref FROM loans l JOIN customers c ON c.id = l.customer_id ORDER BY l.id",
    );
    assert_eq!(loans, (0..2_500).map(|i| format!("L-{i:05} C-{:05}", i / 2)).collect::<Vec<_>>());
    // One assignment a customer, to its owner, in the customers' order.
    let assigned = d.lines(
        "SELECT c.customer_ref || ' ' || u.login FROM assignments a JOIN customers c ON c.id = a.customer_id \
         JOIN users u ON u.id = a.to_user_id ORDER BY a.id",
    );
    assert_eq!(assigned.len(), 1_250);
    assert_eq!(assigned[500], "C-00500 wang.fang");
    assert_eq!(assigned[501], "C-00501 li.qiang");
    assert_eq!(d.ints("SELECT count(*) FROM loan_state", &[]), vec![2_500]);
    // Every fifth loan's address, and its collateral an item of its customer with a valuation.
    assert_eq!(
        d.lines("SELECT loan_ref || ' ' || address FROM loans WHERE address IS NOT NULL ORDER BY id")[..2],
        ["L-00000 上海路0号", "L-00005 上海路5号"]
    );
    let items = d.lines(
        "SELECT l.loan_ref || ' ' || c.customer_ref || ' ' || i.description || ' ' || v.amount_cents \
         FROM collateral_items i JOIN loans l ON l.id = i.loan_id JOIN customers c ON c.id = i.customer_id \
         JOIN collateral_valuations v ON v.item_id = i.id ORDER BY i.id",
    );
    assert_eq!(items.len(), 500);
    assert_eq!(items[200], "L-01000 C-00500 房产1000 10000000");

    // A second file into the book: loans of customers on the desk join them; another owner for
    // one is refused, and nothing of the file goes in.
    let mut more = rows(2_500, 2_502);
    more.push_str("L-09000,借款人0,C-00000,annuity,1200,12,12,2025-06-01,wang.fang,,,,\n");
    let r = import(&d, "more.csv", &more);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(d.ints("SELECT count(*) FROM customers", &[]), vec![1_251]);
    assert_eq!(
        d.lines("SELECT c.customer_ref FROM loans l JOIN customers c ON c.id = l.customer_id WHERE l.loan_ref = 'L-09000'"
        ),
        ["C-00000"]
    );
    let r = import(
        &d,
        "other.csv",
        "loan_id,borrower,customer_id,product,principal,annual_rate,term_months,disbursed_on,assignee\nL-09001,借款人1,C-00001,annuity,1200,12,12,2025-06-01,wang.fang\n",
    );
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("customer 'C-00001' belongs to 'wang.fang' on the desk, not")
            || r.stderr.contains("customer 'C-00001' belongs to 'li.qiang' on the desk, not 'wang.fang'"),
        "{}",
        r.stderr
    );
    assert_eq!(d.ints("SELECT count(*) FROM loans", &[]), vec![2_503]);
}

#[test]
fn what_an_earlier_batch_settled_is_held_against_a_later_one() {
    let d = TestDesk::new();
    let mut text = rows(0, 2_200);
    // Line 2,202: a loan id of the first batch (line 2) again; 2,203: one of this batch again.
    text.push_str("L-00000,借款人0,C-00000,annuity,1200,12,12,2025-06-01,wang.fang,,,,\n");
    text.push_str("L-02150,借款人1075,C-01075,annuity,1200,12,12,2025-06-01,li.qiang,,,,\n");
    // 2,204: customer 0 of the first batch given another owner.
    text.push_str("L-09000,借款人0,C-00000,annuity,1200,12,12,2025-06-01,li.qiang,,,,\n");
    let r = import(&d, "repeats.csv", &text);
    assert_eq!(r.code, 2, "{}", r.stdout);
    let lines: Vec<&str> = r.stderr.lines().filter(|l| l.contains("repeats.csv:")).collect();
    assert_eq!(lines.len(), 3, "{}", r.stderr);
    assert!(
        lines[0].contains(":2202: loan_id: 'L-00000' is repeated: it is first on line 2"),
        "{}",
        r.stderr
    );
    assert!(
        lines[1].contains(":2203: loan_id: 'L-02150' is repeated: it is first on line 2152"),
        "{}",
        r.stderr
    );
    assert!(
        lines[2]
            .contains(":2204: assignee: customer 'C-00000' belongs to 'wang.fang' (line 2), not 'li.qiang'"),
        "{}",
        r.stderr
    );
    assert_eq!(d.ints("SELECT count(*) FROM loans", &[]), vec![0], "all or nothing");
}

#[test]
fn the_first_problems_by_line_are_listed_whichever_side_finds_them_first() {
    let d = TestDesk::new();
    // The last batch's rows are checked once the whole file is read: its first fifty disbursed
    // after today (found then), the next hundred and fifty a field too long (found by the
    // reading, before). The first hundred by line are listed, fifty of each.
    let mut text = String::from(HEADER);
    for i in 0..1_300u32 {
        let row = format!("L-{i:05},甲,C-{i:05},annuity,1200,12,12");
        text.push_str(&match i {
            1_000..1_050 => format!("{row},2027-01-01,\n"),
            1_050..1_200 => format!("{row},2025-06-01,,extra\n"),
            _ => format!("{row},2025-06-01,\n"),
        });
    }
    let r = import(&d, "bad.csv", &text);
    assert_eq!(r.code, 2, "{}", r.stdout);
    let listed: Vec<u64> = r
        .stderr
        .lines()
        .filter_map(|l| l.split("bad.csv:").nth(1)?.split(':').next()?.parse().ok())
        .collect();
    assert_eq!(listed, (1_002..1_102).collect::<Vec<u64>>(), "{}", r.stderr);
    assert!(r.stderr.contains("… and 100 more errors (200 in all)"), "{}", r.stderr);
}

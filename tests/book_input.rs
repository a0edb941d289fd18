//! What the book accepts: payments counted once, amounts and dates in range, overpayments said
//! out loud, text without control or direction characters, ids that cannot look alike.

mod common;

use common::{AS_OF, TestDesk};

const LOANS_HEADER: &str =
    "loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,customer_id\n";

/// P-1: 12,000.00 at 0 % over 12 months from 2025-12-01 (1,000.00 on the first of each month).
fn desk() -> TestDesk {
    let d = TestDesk::new();
    let file = d.write("loans.csv", &format!("{LOANS_HEADER}P-1,甲,annuity,12000,0,12,2025-12-01,\n"));
    d.ok(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file)]);
    d
}

fn import(d: &TestDesk, what: &str, name: &str, text: &str, extra: &[&str]) -> common::Run {
    let file = d.write(name, text);
    let mut args = vec!["--as-of", AS_OF, "--format", "table", "import", what, TestDesk::path_str(&file)];
    args.extend_from_slice(extra);
    d.run(&args)
}

fn payments(d: &TestDesk) -> Vec<(String, String)> {
    let show = d.ok(&["--as-of", AS_OF, "show", "P-1", "--format", "json"]).json();
    show["payments"]
        .as_array()
        .expect("payments")
        .iter()
        .map(|p| {
            (p["paid_on"].as_str().unwrap_or("").to_string(), p["amount"].as_str().unwrap_or("").to_string())
        })
        .collect()
}

#[test]
fn a_payments_file_imported_again_changes_nothing_and_says_so() {
    let d = desk();
    let text = "loan_id,paid_on,amount\nP-1,2026-01-01,1000\nP-1,2026-02-01,1000\n";
    let r = import(&d, "payments", "pay.csv", text, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("imported 2 payments"), "{}", r.stdout);
    let r = import(&d, "payments", "pay.csv", text, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("nothing imported")
            && r.stdout.contains("2 payments")
            && r.stdout.contains("already"),
        "{}",
        r.stdout
    );
    assert_eq!(payments(&d).len(), 2);
    assert_eq!(d.ok(&["--as-of", AS_OF, "show", "P-1", "--format", "json"]).json()["paid_total"], "2000.00");
}

#[test]
fn a_row_equal_to_a_stored_payment_is_refused_unless_told_apart() {
    let d = desk();
    let r = import(
        &d,
        "payments",
        "a.csv",
        "loan_id,paid_on,amount,reference\nP-1,2026-01-01,1000,\nP-1,2026-01-05,300,R-1\n",
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    // One old row beside a new one: the old one is a duplicate, and nothing goes in.
    let r = import(
        &d,
        "payments",
        "b.csv",
        "loan_id,paid_on,amount\nP-1,2026-02-01,1000\nP-1,2026-01-01,1000\n",
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("b.csv:3: reference: "), "{}", r.stderr);
    assert!(r.stderr.contains("--accept-duplicates"), "{}", r.stderr);
    assert_eq!(payments(&d).len(), 2);
    // A distinct reference tells an equal payment apart; the same reference is the same payment.
    let r =
        import(&d, "payments", "c.csv", "loan_id,paid_on,amount,reference\nP-1,2026-01-05,300,R-2\n", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(payments(&d).len(), 3);
    // Told it is real, the desk takes it.
    let r = import(
        &d,
        "payments",
        "b.csv",
        "loan_id,paid_on,amount\nP-1,2026-02-01,1000\nP-1,2026-01-01,1000\n",
        &["--accept-duplicates"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(payments(&d).len(), 5);
}

#[test]
fn two_equal_rows_without_references_in_one_file_need_to_be_told_apart() {
    let d = desk();
    let text = "loan_id,paid_on,amount\nP-1,2026-01-01,500\nP-1,2026-01-01,500\n";
    let r = import(&d, "payments", "twice.csv", text, &[]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("twice.csv:3: reference: ") && r.stderr.contains("line 2"), "{}", r.stderr);
    assert_eq!(payments(&d).len(), 0);
    let r = import(&d, "payments", "twice.csv", text, &["--accept-duplicates"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(payments(&d).len(), 2);
    // The same file again finds both on the desk.
    let r = import(&d, "payments", "twice.csv", text, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("nothing imported"), "{}", r.stdout);
    assert_eq!(payments(&d).len(), 2);
}

#[test]
fn amounts_are_bounded_and_no_figure_wraps() {
    let d = TestDesk::new();
    let huge = format!(
        "{LOANS_HEADER}H-1,甲,bullet,92233720368547758.07,0,1,2026-01-01,\nH-2,乙,bullet,10000000000.01,0,1,2026-01-01,\n"
    );
    let r = import(&d, "loans", "huge.csv", &huge, &[]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("huge.csv:2: principal: ") && r.stderr.contains("10000000000.00"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("huge.csv:3: principal: "), "{}", r.stderr);
    let top = format!("{LOANS_HEADER}H-1,甲,bullet,10000000000.00,0,1,2026-01-01,\n");
    assert_eq!(import(&d, "loans", "top.csv", &top, &[]).code, 0);
    let r = import(&d, "payments", "p.csv", "loan_id,paid_on,amount\nH-1,2026-02-01,10000000000.01\n", &[]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("p.csv:2: amount: "), "{}", r.stderr);
    let two = "loan_id,paid_on,amount,reference\nH-1,2026-02-01,10000000000.00,A\nH-1,2026-02-02,10000000000.00,B\n";
    let r = import(&d, "payments", "two.csv", two, &["--accept-overpayment"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let show = d.ok(&["--as-of", AS_OF, "show", "H-1", "--format", "json"]).json();
    assert_eq!(show["paid_total"], "20000000000.00");
    assert_eq!(show["overdue_amount"], "0.00");
    // A promise is bounded the same way.
    let r = d.run(&[
        "--as-of",
        AS_OF,
        "contact",
        "H-1",
        "--outcome",
        "promise",
        "--promise-amount",
        "10000000000.01",
        "--promise-date",
        "2026-03-05",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn dates_are_strict_and_in_range_everywhere() {
    let d = desk();
    for bad in ["+2024-1-01", "+2024-01-01", "1899-12-31", "2200-01-01", "2026-3-01", " 2026-03-01"] {
        let r = d.run(&["--as-of", bad, "loans"]);
        assert_eq!(r.code, 2, "--as-of {bad:?}: {}", r.stderr);
        let r = d.command().env("DUEDESK_TODAY", bad).arg("loans").output().expect("run");
        assert_eq!(r.status.code(), Some(2), "DUEDESK_TODAY={bad:?}");
    }
    d.ok(&["--as-of", "1900-01-01", "loans"]);
    d.ok(&["--as-of", "2199-12-31", "loans"]);
    let r = d.command().env("DUEDESK_NOW", "9999-12-31T10:00:00+08:00").arg("loans").output().expect("run");
    assert_eq!(r.status.code(), Some(2), "a clock past 2199");

    let loans = format!(
        "{LOANS_HEADER}D-1,甲,annuity,1000,0,12,0001-01-01,\nD-2,乙,annuity,1000,0,12,9999-12-01,\n\
         D-3,丙,annuity,1000,0,12,2026-03-02,\nD-4,丁,annuity,1000,0,12,2026-03-01,\n"
    );
    let r = import(&d, "loans", "dates.csv", &loans, &[]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stderr);
    assert!(lines[0].contains("dates.csv:2: disbursed_on: "), "{}", lines[0]);
    assert!(lines[1].contains("dates.csv:3: disbursed_on: "), "{}", lines[1]);
    assert!(
        lines[2].contains("dates.csv:4: disbursed_on: ") && lines[2].contains("after today"),
        "{}",
        lines[2]
    );

    let pays = "loan_id,paid_on,amount\nP-1,2025-11-30,100\nP-1,2026-03-02,100\nP-1,2025-12-01,100\nP-1,2026-03-01,100\n";
    let r = import(&d, "payments", "when.csv", pays, &[]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stderr);
    assert!(lines[0].contains("when.csv:2: paid_on: ") && lines[0].contains("disbursed"), "{}", lines[0]);
    assert!(lines[1].contains("when.csv:3: paid_on: ") && lines[1].contains("after today"), "{}", lines[1]);
    // Once the clock has reached the date, the payment goes in.
    let file = d.write("later.csv", "loan_id,paid_on,amount\nP-1,2026-03-02,100\n");
    d.ok_on("2026-03-02", &["--as-of", "2026-03-02", "import", "payments", TestDesk::path_str(&file)]);
}

#[test]
fn an_overpayment_is_an_error_unless_accepted_and_a_small_credit_is_listed() {
    let d = TestDesk::new();
    let loans =
        format!("{LOANS_HEADER}O-1,甲,bullet,10000,0,1,2026-01-01,\nO-2,乙,bullet,10000,0,1,2026-01-01,\n");
    assert_eq!(import(&d, "loans", "loans.csv", &loans, &[]).code, 0);
    let big = "loan_id,paid_on,amount\nO-1,2026-02-01,1000000\n";
    let r = import(&d, "payments", "big.csv", big, &[]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("big.csv:2: amount: ") && r.stderr.contains("990000.00"), "{}", r.stderr);
    assert!(r.stderr.contains("--accept-overpayment"), "{}", r.stderr);
    // Two rows that together overpay: the one that leaves the credit is named.
    let r = import(
        &d,
        "payments",
        "split.csv",
        "loan_id,paid_on,amount\nO-1,2026-02-01,6000\nO-1,2026-02-02,6000\n",
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stderr.contains("split.csv:3: amount: ") && r.stderr.contains("2000.00"), "{}", r.stderr);
    let r = import(&d, "payments", "big.csv", big, &["--accept-overpayment"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("O-1") && r.stdout.contains("990000.00"), "{}", r.stdout);
    // Within 10 % of the principal: taken, and said.
    let r = import(&d, "payments", "small.csv", "loan_id,paid_on,amount\nO-2,2026-02-01,10500\n", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("O-2") && r.stdout.contains("credit balance 500.00"), "{}", r.stdout);
    let show = d.ok(&["--as-of", AS_OF, "show", "O-2", "--format", "json"]).json();
    assert_eq!(show["status"], "closed");
    assert_eq!(show["credit_balance"], "500.00");
}

#[test]
fn text_with_control_or_direction_characters_is_refused_where_it_enters() {
    let d = desk();
    for (name, bad) in
        [("esc", "王\u{1b}[2J芳"), ("nul", "王\u{0}芳"), ("rlo", "王\u{202e}芳"), ("lri", "王\u{2066}芳")]
    {
        let text = format!("{LOANS_HEADER}T-{name},\"{bad}\",annuity,1000,0,12,2026-01-01,\n");
        let r = import(&d, "loans", &format!("{name}.csv"), &text, &[]);
        assert_eq!(r.code, 2, "{name}: {}", r.stdout);
        assert!(r.stderr.contains(&format!("{name}.csv:2: borrower: ")), "{name}: {}", r.stderr);
    }
    // A line break stays allowed in an address, not in a name.
    let text = format!("{LOANS_HEADER}T-1,\"王\n芳\",annuity,1000,0,12,2026-01-01,\n");
    let r = import(&d, "loans", "nl.csv", &text, &[]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    let text = "loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,collateral\n\
                T-2,王芳,annuity,1000,0,12,2026-01-01,\"Flat 1202\nSunshine Garden\"\n";
    assert_eq!(import(&d, "loans", "addr.csv", text, &[]).code, 0);
    let r = d.run(&[
        "--as-of",
        AS_OF,
        "contact",
        "P-1",
        "--outcome",
        "no_answer",
        "--note",
        "rang \u{1b}]52;c;aGk=\u{7}",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = d.run(&[
        "--as-of",
        AS_OF,
        "hold",
        "P-1",
        "--kind",
        "dispute",
        "--until",
        "2026-03-20",
        "--reason",
        "\u{202e}evil",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = d.run(&["users", "add", "li.qiang", "--role", "collector", "--display-name", "李\u{7}强"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let show = d.ok(&["--as-of", AS_OF, "show", "P-1", "--format", "json"]).json();
    assert_eq!(show["contacts"].as_array().map(Vec::len), Some(0));
}

#[test]
fn ids_that_could_look_alike_are_refused() {
    let d = TestDesk::new();
    let bad = [
        "A\u{200b}B",
        "\u{feff}AB",
        "\u{410}B", // Cyrillic А
        "A/B",
        ".",
        "..",
        "贷-0001",
        "A B",
    ];
    for (i, id) in bad.iter().enumerate() {
        let text = format!("{LOANS_HEADER}\"{id}\",甲,annuity,1000,0,12,2026-01-01,\n");
        let r = import(&d, "loans", &format!("id{i}.csv"), &text, &[]);
        assert_eq!(r.code, 2, "{id:?}: {}", r.stdout);
        assert!(r.stderr.contains(&format!("id{i}.csv:2: loan_id: ")), "{id:?}: {}", r.stderr);
        let text = format!("{LOANS_HEADER}OK-{i},甲,annuity,1000,0,12,2026-01-01,\"{id}\"\n");
        let r = import(&d, "loans", &format!("cust{i}.csv"), &text, &[]);
        assert_eq!(r.code, 2, "customer {id:?}: {}", r.stdout);
        assert!(r.stderr.contains(&format!("cust{i}.csv:2: customer_id: ")), "{id:?}: {}", r.stderr);
    }
    let long = "x".repeat(65);
    let r = import(
        &d,
        "loans",
        "long.csv",
        &format!("{LOANS_HEADER}{long},甲,annuity,1000,0,12,2026-01-01,\n"),
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stdout);
    let good = format!(
        "{LOANS_HEADER}A_B,甲,annuity,1000,0,12,2026-01-01,c.1-X_9\n{},乙,annuity,1000,0,12,2026-01-01,\n",
        "y".repeat(64)
    );
    assert_eq!(import(&d, "loans", "good.csv", &good, &[]).code, 0);
    let rows = d.ok(&["--as-of", AS_OF, "loans", "--format", "json"]).json();
    assert_eq!(rows.as_array().map(Vec::len), Some(2));
    // A login with a control character is no login.
    let r = d.run(&["users", "add", "li\u{1b}qiang", "--role", "collector"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    d.ok(&["settings", "set", "trust_env_user", "true"]);
    let r = d.run_as("x\u{7}", &["--as-of", AS_OF, "loans"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

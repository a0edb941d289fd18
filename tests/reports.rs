//! Month-end history and the risk reports through the binary (issue #19), on a small book whose
//! figures are worked by hand. Every loan: 12,000.00 at 0 % over 12 months, equal principal, so
//! each installment is 1,000.00 due on the day of month of disbursement. No loan is paid after 90
//! days past due, so the NPL hold (DOMAIN §5) keeps none at a class its DPD does not give.
//!
//! | loan | disbursed | payments | 2025-10-31 (M1) | 2026-02-28 (M2) |
//! |---|---|---|---|---|
//! | A | 2025-06-01 | 4,000 on 09-29 | normal, DPD 0, 8,000 | DPD 119 from 11-01: substandard, two classes worse |
//! | B | 2025-06-01 | 3,000 on 09-01, 5,000 on 12-29 | special mention, DPD 30, 9,000 | cured: normal, 4,000 |
//! | C | 2025-06-01 | 4,000 on 09-29, 8,000 on 12-15 | normal, 8,000 | closed |
//! | D | 2024-06-01 | none | loss, DPD 487, 12,000 | written off on 2026-01-15 |
//! | E | 2025-12-01 | 2,000 on 02-01 | — (disbursed after M1) | normal, 10,000 |
//! | F | 2025-06-01 | 4,000 on 09-29, then 1,000 each month | normal, 8,000 | normal, 4,000 |

mod common;

use common::TestDesk;
use serde_json::{Value, json};

const LOANS: &str = "loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,branch,assignee
A,甲,equal_principal,12000,0,12,2025-06-01,东城,li.qiang
B,乙,equal_principal,12000,0,12,2025-06-01,东城,li.qiang
C,丙,equal_principal,12000,0,12,2025-06-01,西城,wang.fang
D,丁,equal_principal,12000,0,12,2024-06-01,西城,wang.fang
E,戊,equal_principal,12000,0,12,2025-12-01,东城,li.qiang
F,己,equal_principal,12000,0,12,2025-06-01,西城,wang.fang
";

const PAYMENTS: &str = "loan_id,paid_on,amount
A,2025-09-29,4000
B,2025-09-01,3000
B,2025-12-29,5000
C,2025-09-29,4000
C,2025-12-15,8000
E,2026-02-01,2000
F,2025-09-29,4000
F,2025-11-01,1000
F,2025-12-01,1000
F,2026-01-01,1000
F,2026-02-01,1000
";

/// The book with the runs of 2025-10-31 (recording M1) and 2026-03-01 (recording each month-end
/// since, M2 the last), D written off between them.
fn book() -> TestDesk {
    let d = TestDesk::new();
    let (loans, payments) = (d.write("loans.csv", LOANS), d.write("payments.csv", PAYMENTS));
    d.ok(&["--as-of", "2025-10-31", "import", "loans", TestDesk::path_str(&loans)]);
    d.ok(&["--as-of", "2025-10-31", "import", "payments", TestDesk::path_str(&payments)]);
    d.ok_on("2025-10-31", &["--as-of", "2025-10-31", "escalate"]);
    assert_eq!(recorded(&d), [202510]);
    d.ok_on("2026-01-15", &["--as-of", "2026-01-15", "write-off", "D", "--reason", "uncollectable"]);
    d.ok_on("2026-03-01", &["--as-of", "2026-03-01", "escalate"]);
    assert_eq!(recorded(&d), [202510, 202511, 202512, 202601, 202602]);
    d
}

/// The month-ends recorded whole.
fn recorded(d: &TestDesk) -> Vec<i64> {
    d.ints("SELECT month FROM month_ends ORDER BY month", &[])
}

fn report(d: &TestDesk, args: &[&str]) -> Value {
    let mut all = vec!["--as-of", "2026-03-01", "--format", "json", "report"];
    all.extend_from_slice(args);
    d.ok(&all).json()
}

fn cells(v: &Value) -> Vec<(String, String, u64, String)> {
    v.as_array()
        .expect("rows")
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().expect(k).to_string();
            (s("from"), s("to"), r["count"].as_u64().expect("count"), s("principal"))
        })
        .collect()
}

fn cell(from: &str, to: &str, count: u64, principal: &str) -> (String, String, u64, String) {
    (from.into(), to.into(), count, principal.into())
}

const SPAN: [&str; 4] = ["--from", "2025-10", "--to", "2026-02"];

#[test]
fn every_report_gives_the_figures_worked_by_hand() {
    let d = book();
    let with = |name: &str, extra: &[&str]| {
        let mut args = vec![name];
        args.extend_from_slice(&SPAN);
        args.extend_from_slice(extra);
        report(&d, &args)
    };
    // E, disbursed after M1, is in neither.
    assert_eq!(
        cells(&with("migration", &[])),
        vec![
            cell("normal", "normal", 1, "8000.00"),
            cell("normal", "substandard", 1, "8000.00"),
            cell("normal", "closed", 1, "8000.00"),
            cell("special_mention", "normal", 1, "9000.00"),
            cell("loss", "written_off", 1, "12000.00"),
        ]
    );
    assert_eq!(
        cells(&with("roll", &[])),
        vec![
            cell("M0", "M0", 1, "8000.00"),
            cell("M0", "M4", 1, "8000.00"),
            cell("M0", "closed", 1, "8000.00"),
            cell("M1", "M0", 1, "9000.00"),
            cell("M7+", "written_off", 1, "12000.00"),
        ]
    );
    // Normal: 24,000 at M1, C's 8,000 closed, A's 8,000 worse (and non-performing): 8 ÷ 16.
    let rates = with("migration", &["--rates"]);
    let rate = |from: &str, to: &str| {
        rates.as_array().expect("rows").iter().find(|r| r["from"] == from && r["to"] == to).expect("a rate")["rate"]
            .clone()
    };
    assert_eq!(rate("normal", "worse"), json!("50.00"));
    assert_eq!(rate("normal", "npl"), json!("50.00"));
    assert_eq!(rate("special_mention", "worse"), json!("0.00"));
    assert_eq!(rate("substandard", "worse"), Value::Null);
    // M0 at M1: A, C and F (24,000); none in M1 at M2 (A went to M4).
    let roll = with("roll", &["--rates"]);
    assert_eq!(
        (roll[0]["from"].clone(), roll[0]["principal"].clone(), roll[0]["rate"].clone()),
        (json!("M0"), json!("24000.00"), json!("0.00"))
    );
    // Overdue at M1: B (9,000) and D (12,000); B cured.
    let cure = with("cure", &[]);
    assert_eq!(
        (
            cure[0]["overdue_count"].clone(),
            cure[0]["cured_count"].clone(),
            cure[0]["count_rate"].clone(),
            cure[0]["principal_rate"].clone()
        ),
        (json!(2), json!(1), json!("50.00"), json!("42.86"))
    );
    // M1: D's 12,000 of 45,000; M2: A's 8,000 of 26,000 (A, B, E, F).
    let npl = with("npl", &[]);
    let ratios: Vec<(Value, Value, Value)> = npl
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| (r["month"].clone(), r["outstanding"].clone(), r["ratio"].clone()))
        .collect();
    assert_eq!(ratios.first(), Some(&(json!("2025-10"), json!("45000.00"), json!("26.67"))));
    assert_eq!(ratios.last(), Some(&(json!("2026-02"), json!("26000.00"), json!("30.77"))));
    assert_eq!(ratios.len(), 5, "every month-end from M1 to M2");
    // E's cohort: current at its first three month-ends.
    let vintage = with("vintage", &[]);
    let e: Vec<(Value, Value)> = vintage
        .as_array()
        .expect("rows")
        .iter()
        .filter(|p| p["cohort"] == "2025-12")
        .map(|p| (p["mob"].clone(), p["share"].clone()))
        .collect();
    assert_eq!(e, vec![(json!(1), json!("0.00")), (json!(2), json!("0.00")), (json!(3), json!("0.00"))]);
    assert_eq!(with("large", &[]), json!([]));
    // By branch: 东城 has A and B, 西城 C, D and F.
    let by = with("migration", &["--by", "branch"]);
    let groups: Vec<(Value, Value)> =
        by.as_array().expect("rows").iter().map(|r| (r["group"].clone(), r["to"].clone())).collect();
    assert_eq!(
        groups,
        vec![
            (json!("东城"), json!("substandard")),
            (json!("东城"), json!("normal")),
            (json!("西城"), json!("normal")),
            (json!("西城"), json!("closed")),
            (json!("西城"), json!("written_off")),
        ]
    );
}

/// The rows of a month-end as stored.
fn rows(d: &TestDesk, month: i64) -> Vec<Vec<String>> {
    d.text_rows(
        "SELECT * FROM month_end WHERE month = CAST(CAST($1 AS TEXT) AS BIGINT) ORDER BY loan_id",
        &[&month.to_string()],
    )
    .into_iter()
    .map(|r| r.into_iter().map(|v| format!("{v:?}")).collect())
    .collect()
}

#[test]
fn a_capture_of_a_past_month_end_equals_what_the_runs_wrote_and_capturing_is_idempotent() {
    let d = book();
    let months = [202510, 202511, 202512, 202601, 202602];
    let by_runs: Vec<_> = months.iter().map(|&m| rows(&d, m)).collect();
    assert_eq!(by_runs[0].len(), 5, "E is not on the book at M1");
    assert_eq!(by_runs[4].len(), 6);
    // A run again for the same date records nothing and changes no row.
    d.ok_on("2026-03-01", &["--as-of", "2026-03-01", "escalate"]);
    assert_eq!(recorded(&d), months);
    // A month-end recorded is refused without --replace (exit 3), and recomputed from the ledger
    // with it to the same rows: D active at M1 though written off since.
    let refused = d.run(&["--as-of", "2026-03-01", "report", "capture", "--month", "2025-10"]);
    assert_eq!(refused.code, 3, "{}", refused.stderr);
    for (m, before) in months.iter().zip(&by_runs) {
        let month = format!("{}-{}", m / 100, m % 100);
        let month = if month.len() == 6 { month.replace('-', "-0") } else { month };
        let done = report(&d, &["capture", "--month", &month, "--replace"]);
        assert_eq!(done["replaced"], json!(true), "{done}");
        assert_eq!(&rows(&d, *m), before, "{month} recaptured");
    }
    // A month-end not yet come is refused; an earlier one not recorded is captured.
    let ahead = d.run(&["--as-of", "2026-03-01", "report", "capture", "--month", "2026-03"]);
    assert_eq!(ahead.code, 3, "{}", ahead.stderr);
    let done = report(&d, &["capture", "--month", "2025-09"]);
    assert_eq!((done["loans"].clone(), done["replaced"].clone()), (json!(5), json!(false)));
    // The audit log has each capture: the runs' five, the five recaptured and the one added.
    let audit = d.ok(&["--as-of", "2026-03-01", "audit", "--format", "json"]).json();
    let captures =
        audit.as_array().expect("entries").iter().filter(|e| e["action"] == "month_end_capture").count();
    assert_eq!(captures, 11);
}

#[test]
fn reports_need_recorded_month_ends_and_a_supervisor() {
    let d = book();
    let missing = d.run(&["--as-of", "2026-03-01", "report", "roll", "--from", "2025-01", "--to", "2025-10"]);
    assert_eq!(missing.code, 3, "{}", missing.stderr);
    assert!(missing.stderr.contains("report capture --month 2025-01"), "{}", missing.stderr);
    let backwards =
        d.run(&["--as-of", "2026-03-01", "report", "roll", "--from", "2026-02", "--to", "2025-10"]);
    assert_eq!(backwards.code, 2, "{}", backwards.stderr);
    let collector = d.run_as(
        "li.qiang",
        &["--as-of", "2026-03-01", "report", "npl", "--from", "2025-10", "--to", "2026-02"],
    );
    assert_eq!(collector.code, 3, "{}", collector.stderr);
    let collector =
        d.run_as("li.qiang", &["--as-of", "2026-03-01", "report", "capture", "--month", "2025-09"]);
    assert_eq!(collector.code, 3, "{}", collector.stderr);
}

#[test]
fn the_monthly_pack_is_html_with_its_charts_and_the_figures_as_csv_in_a_new_folder() {
    let d = book();
    let out = d.dir.path().join("pack").join("2026-02");
    let out_s = TestDesk::path_str(&out).to_string();
    let done = report(&d, &["pack", "--month", "2026-02", "--out", &out_s]);
    assert_eq!((done["month"].clone(), done["compared_with"].clone()), (json!("2026-02"), json!("2026-01")));
    let html = std::fs::read_to_string(out.join("report.html")).expect("report.html");
    assert!(html.contains("<html lang=\"zh\">") && html.contains("风险报告 · 月末 2026-02"), "{html}");
    assert_eq!(html.matches("<svg").count(), 3, "the NPL line, the roll bars, the vintage curves");
    assert!(html.contains("<td>2026-02</td><td>26000.00</td><td>8000.00</td><td>30.77</td>"), "{html}");
    let roll = std::fs::read_to_string(out.join("roll_rates.csv")).expect("roll_rates.csv");
    assert!(roll.starts_with("group,from,to,count,principal,base,moved,rate\n"), "{roll}");
    for f in ["npl", "migration", "migration_rates", "roll", "vintage", "cure", "large"] {
        assert!(out.join(format!("{f}.csv")).is_file(), "{f}.csv");
    }
    // The folder holds a pack now: another is refused, and nothing of it is left behind.
    let again = d.run(&["--as-of", "2026-03-01", "report", "pack", "--month", "2026-02", "--out", &out_s]);
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(again.stderr.contains("not empty"), "{}", again.stderr);
    // English on request; a collector may not.
    let en = d.dir.path().join("en");
    report(&d, &["pack", "--month", "2025-10", "--out", TestDesk::path_str(&en), "--lang", "en"]);
    let html = std::fs::read_to_string(en.join("report.html")).expect("report.html");
    assert!(
        html.contains("Risk report · month-end 2025-10") && html.contains("No earlier month-end"),
        "{html}"
    );
    let other = d.dir.path().join("other");
    let refused = d.run_as(
        "li.qiang",
        &[
            "--as-of",
            "2026-03-01",
            "report",
            "pack",
            "--month",
            "2026-02",
            "--out",
            TestDesk::path_str(&other),
        ],
    );
    assert_eq!(refused.code, 3, "{}", refused.stderr);
    assert!(!other.exists());
    let audit = d.ok(&["--as-of", "2026-03-01", "audit", "--format", "json"]).json();
    assert_eq!(audit.as_array().expect("entries").iter().filter(|e| e["action"] == "report_pack").count(), 2);
}

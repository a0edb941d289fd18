//! Written notices from the command line: the dunning notice (催收通知书, monthly while overdue)
//! and the guarantor demand notice (履行担保责任通知书), their files and receipts (DOMAIN §1, §6).

mod common;

use common::{AS_OF, TestDesk};
use serde_json::Value;

struct Book {
    desk: TestDesk,
    /// An active overdue loan with a guarantor on file, and its owner.
    loan: String,
    owner: String,
    /// An active overdue loan without a guarantor.
    unguaranteed: String,
    other_collector: String,
}

fn book() -> Book {
    let desk = TestDesk::new();
    desk.ok(&["--as-of", AS_OF, "demo", "--seed", "7"]);
    let rows = desk.ok(&["--as-of", AS_OF, "loans", "--stage", "guarantor", "--format", "json"]).json();
    let mut with = None;
    let mut without = None;
    for r in rows.as_array().expect("array") {
        if r["status"] != "active" || !r["assignee"].is_string() || r["dpd"].as_i64().unwrap_or(0) <= 0 {
            continue;
        }
        let id = r["loan_id"].as_str().expect("id").to_string();
        let show = desk.ok(&["--as-of", AS_OF, "show", &id, "--format", "json"]).json();
        let has = show["guarantor"].as_str().is_some_and(|g| !g.trim().is_empty());
        match (has, &with, &without) {
            (true, None, _) => with = Some((id, r["assignee"].as_str().expect("owner").to_string())),
            (false, _, None) => without = Some(id),
            _ => {}
        }
        if with.is_some() && without.is_some() {
            break;
        }
    }
    let (loan, owner) = with.expect("an overdue loan with a guarantor");
    let users = desk.ok(&["users", "list", "--format", "json"]).json();
    let other_collector = users
        .as_array()
        .expect("array")
        .iter()
        .filter(|u| u["role"] == "collector")
        .filter_map(|u| u["login"].as_str())
        .find(|l| *l != owner)
        .expect("another collector")
        .to_string();
    Book {
        desk,
        loan,
        owner,
        unguaranteed: without.expect("an overdue loan without a guarantor"),
        other_collector,
    }
}

impl Book {
    fn out(&self) -> String {
        TestDesk::path_str(&self.desk.dir.path().join("notices")).to_string()
    }

    fn notice(&self, user: &str, loan: &str, extra: &[&str]) -> common::Run {
        let out = self.out();
        let mut args = vec!["--as-of", AS_OF, "notice", loan, "--out", &out, "--format", "json"];
        args.extend_from_slice(extra);
        self.desk.run_as(user, &args)
    }

    fn show(&self) -> Value {
        self.desk.ok(&["--as-of", AS_OF, "show", &self.loan, "--format", "json"]).json()
    }
}

fn width(s: &str) -> usize {
    duedesk::text::width(s)
}

#[test]
fn a_dunning_notice_is_written_recorded_and_monthly() {
    let b = book();
    let show = b.show();
    let r = b.notice(&b.owner, &b.loan, &["--kind", "dunning"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let issued = r.json();
    assert_eq!(issued["kind"], "dunning");
    assert_eq!(issued["lang"], "zh");
    assert_eq!(issued["receipt_status"], "pending");
    assert_eq!(issued["pay_by"], "2026-03-11");
    let files: Vec<String> = issued["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| f.as_str().expect("path").to_string())
        .collect();
    assert_eq!(files.len(), 2);
    assert!(files[0].ends_with(&format!("{}-dunning-{AS_OF}.txt", b.loan)), "{files:?}");
    assert!(files[1].ends_with(&format!("{}-dunning-{AS_OF}.html", b.loan)), "{files:?}");
    let text = std::fs::read_to_string(&files[0]).expect("text notice");
    let html = std::fs::read_to_string(&files[1]).expect("html notice");

    // The figures are the loan's, as `show` gives them.
    for key in ["overdue_principal", "overdue_interest", "penalty_interest"] {
        let v = show[key].as_str().expect("money");
        assert_eq!(issued[key], v, "{key}");
        assert!(text.contains(v), "{key} {v} not in the text notice:\n{text}");
        assert!(html.contains(v), "{key} {v} not in the HTML notice");
    }
    assert!(text.contains("贷款催收通知书") && text.contains("回  执"), "{text}");
    assert!(text.contains(issued["number"].as_str().expect("number")));
    assert!(text.contains(show["borrower"].as_str().expect("borrower")));
    assert!(text.contains("人民币") && text.contains("2026年3月11日"), "{text}");
    for line in text.lines() {
        assert!(width(line) <= 80, "wider than 80 columns: {line:?}");
    }
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("@media print"));

    // The case lists it, receipt pending.
    let notices = b.show()["notices"].clone();
    assert_eq!(notices.as_array().expect("notices").len(), 1);
    assert_eq!(notices[0]["issued_on"], AS_OF);
    assert_eq!(notices[0]["kind"], "dunning");
    assert_eq!(notices[0]["receipt_status"], "pending");

    // Monthly: a second one this month is refused, even for the owner ...
    let again = b.notice(&b.owner, &b.loan, &["--kind", "dunning"]);
    assert_eq!(again.code, 3, "{}", again.stderr);
    assert!(again.stderr.contains("already issued this month"), "{}", again.stderr);
    let forced = b.notice(&b.owner, &b.loan, &["--kind", "dunning", "--force"]);
    assert_eq!(forced.code, 3, "a collector cannot force: {}", forced.stderr);
    // ... unless a supervisor forces it; its files do not overwrite the first notice's.
    let forced = b.notice("zhao.min", &b.loan, &["--kind", "dunning", "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    let second = forced.json();
    assert_ne!(second["number"], issued["number"]);
    assert!(second["files"][0].as_str().expect("path").ends_with("-2.txt"), "{second}");
    assert_eq!(std::fs::read_to_string(&files[0]).expect("first notice"), text);
    let listed = b.desk.ok(&["--as-of", AS_OF, "notices", &b.loan, "--format", "json"]).json();
    assert_eq!(listed.as_array().expect("list").len(), 2);

    // The receipt comes back; not on a day still to come.
    let id = issued["id"].as_i64().expect("id").to_string();
    let future = ["--as-of", AS_OF, "notice-receipt", &id, "--status", "received", "--on", "2026-03-05"];
    let r = b.desk.run_as(&b.owner, &future);
    assert_eq!(r.code, 2, "a receipt dated after today: {}", r.stderr);
    assert!(r.stderr.contains("after today"), "{}", r.stderr);
    let r = b.desk.run_as(
        &b.owner,
        &[
            "--as-of",
            AS_OF,
            "notice-receipt",
            &id,
            "--status",
            "received",
            "--on",
            "2026-03-01",
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let show = b.show();
    let first = show["notices"]
        .as_array()
        .expect("notices")
        .iter()
        .find(|n| n["id"] == issued["id"])
        .cloned()
        .expect("first notice");
    assert_eq!(first["receipt_status"], "received");
    assert_eq!(first["receipt_on"], "2026-03-01");
    // Recorded once.
    let r = b.desk.run_as(&b.owner, &["--as-of", AS_OF, "notice-receipt", &id, "--status", "returned"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    // The case view on a terminal lists them too.
    let case = b.desk.ok(&["--as-of", AS_OF, "show", &b.loan, "--format", "table"]).stdout;
    assert!(case.contains("Notices") && case.contains(issued["number"].as_str().expect("number")), "{case}");
    // Table and CSV forms of the list.
    let table = b.desk.ok(&["--as-of", AS_OF, "notices", &b.loan, "--format", "table"]).stdout;
    assert!(table.contains("received 2026-03-01"), "{table}");
    let csv = b.desk.ok(&["--as-of", AS_OF, "notices", &b.loan, "--format", "csv"]).stdout;
    assert!(csv.starts_with("id,number,loan_id,kind"), "{csv}");
}

#[test]
fn guarantor_demand_needs_a_guarantor_and_the_case_owner() {
    let b = book();
    let r = b.notice(&b.owner, &b.loan, &["--kind", "guarantor_demand"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let issued = r.json();
    let show = b.show();
    assert_eq!(issued["addressee"], show["guarantor"]);
    let text = std::fs::read_to_string(issued["files"][0].as_str().expect("path")).expect("text");
    assert!(text.contains("履行担保责任通知书") && text.contains("保证人"), "{text}");
    assert!(text.contains(show["guarantor"].as_str().expect("guarantor")));

    let r = b.notice("zhao.min", &b.unguaranteed, &["--kind", "guarantor_demand"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no guarantor"), "{}", r.stderr);

    let r = b.notice(&b.other_collector, &b.loan, &["--kind", "dunning"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("belongs to"), "{}", r.stderr);
    // Nothing recorded and nothing written by the refused ones.
    let notices = b.show()["notices"].as_array().expect("notices").len();
    assert_eq!(notices, 1);
}

#[test]
fn an_english_notice_on_request() {
    let b = book();
    let r = b.notice(&b.owner, &b.loan, &["--kind", "dunning", "--lang", "en"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let issued = r.json();
    assert_eq!(issued["lang"], "en");
    let text = std::fs::read_to_string(issued["files"][0].as_str().expect("path")).expect("text");
    assert!(text.contains("DUNNING NOTICE") && text.contains("RECEIPT"), "{text}");
    assert!(text.contains("2026-03-11"), "{text}");
    for line in text.lines() {
        assert!(width(line) <= 80, "wider than 80 columns: {line:?}");
    }
    let html = std::fs::read_to_string(issued["files"][1].as_str().expect("path")).expect("html");
    assert!(html.contains("<html lang=\"en\">"));
}

#[test]
fn a_current_loan_gets_no_notice_and_markup_in_names_is_escaped() {
    let desk = TestDesk::new();
    let csv = desk.write(
        "loans.csv",
        "loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,guarantor,branch\n\
         X-1,\"<b>王&amp;\"\"小明\"\"</b>\",annuity,12000.00,6.00,12,2025-01-10,<script>alert(1)</script>,城东<支行>\n\
         X-2,李四,annuity,12000.00,6.00,12,2026-02-20,,\n",
    );
    desk.ok(&["import", "loans", TestDesk::path_str(&csv)]);
    // Files that cannot be written: bad input, and nothing is recorded.
    let blocked = desk.write("blocked", "a file where the directory should be");
    let blocked = TestDesk::path_str(&blocked);
    let r = desk.run(&["--as-of", AS_OF, "notice", "X-1", "--kind", "dunning", "--out", blocked]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("writing the notice"), "{}", r.stderr);
    let listed = desk.ok(&["--as-of", AS_OF, "notices", "X-1", "--format", "json"]).json();
    assert_eq!(listed.as_array().expect("list").len(), 0);

    let out = desk.dir.path().join("out");
    let out = TestDesk::path_str(&out);
    let r = desk.run(&[
        "--as-of",
        AS_OF,
        "notice",
        "X-1",
        "--kind",
        "guarantor_demand",
        "--out",
        out,
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let issued = r.json();
    let html = std::fs::read_to_string(issued["files"][1].as_str().expect("path")).expect("html");
    for raw in ["<b>", "<script>", "<支行>", "\"小明\""] {
        assert!(!html.contains(raw), "{raw} unescaped in the HTML");
    }
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "guarantor escaped");
    assert!(html.contains("&lt;b&gt;王&amp;amp;&quot;小明&quot;&lt;/b&gt;"), "borrower escaped");
    assert!(html.contains("城东&lt;支行&gt;"), "branch escaped");
    // The text form keeps the names as they are.
    let text = std::fs::read_to_string(issued["files"][0].as_str().expect("path")).expect("text");
    assert!(text.contains("<script>alert(1)</script>"));

    // A loan not yet overdue: bad input, nothing written.
    let r = desk.run(&["--as-of", AS_OF, "notice", "X-2", "--kind", "dunning", "--out", out]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not overdue"), "{}", r.stderr);
    assert!(!desk.dir.path().join("out").join(format!("X-2-dunning-{AS_OF}.txt")).exists());
    // An unknown notice for a receipt.
    let r = desk.run(&["notice-receipt", "999", "--status", "received"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

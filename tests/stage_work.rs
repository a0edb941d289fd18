//! The work each entered stage creates (DOMAIN §6) and the legal packet: tasks made by
//! `escalate` in the same run as the stage change, completed by the notice, the plan, the packet or
//! `task-done`; `legal-packet` folders whose figures equal `show`, and the batch index.

mod common;

use common::{AS_OF, TestDesk};
use serde_json::Value;

// Bullet loans of one month: DPD on 2026-03-01 is the days since the maturity.
const LOANS: &str = "\
loan_id,borrower,phone,product,principal,annual_rate,term_months,disbursed_on,guarantor,collateral,assignee
A-30,赵一,13800000001,bullet,10000.00,12,1,2025-12-30,,,wang.fang
A-31,钱二,13800000002,bullet,10000.00,12,1,2025-12-29,,,wang.fang
G-61,孙三,13800000003,bullet,10000.00,12,1,2025-11-30,王五,,wang.fang
K-61,李四,13800000004,bullet,10000.00,12,1,2025-11-30,,房产 沪(2020)123号,li.na
G-91,周五,13800000005,bullet,10000.00,12,1,2025-10-30,,房产 沪(2020)456号,wang.fang
L-95,冯八,13800000008,bullet,8000.00,18,1,2025-10-26,,,li.na
C-0,吴六,13800000006,bullet,10000.00,12,1,2026-02-15,,,wang.fang
";

fn desk() -> TestDesk {
    let d = TestDesk::new();
    let file = d.write("loans.csv", LOANS);
    d.ok(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file)]);
    let pay = d.write("pay.csv", "loan_id,paid_on,amount\nL-95,2026-01-10,1000.00\n");
    d.ok(&["--as-of", AS_OF, "import", "payments", TestDesk::path_str(&pay)]);
    d
}

fn json(d: &TestDesk, args: &[&str]) -> Value {
    let mut all = vec!["--as-of", AS_OF, "--format", "json"];
    all.extend_from_slice(args);
    d.ok(&all).json()
}

/// (loan, kind) of the tasks listed, sorted.
fn kinds(tasks: &Value) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = tasks
        .as_array()
        .expect("array")
        .iter()
        .map(|t| {
            (t["loan_id"].as_str().expect("loan").to_string(), t["kind"].as_str().expect("kind").to_string())
        })
        .collect();
    v.sort();
    v
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    v.sort();
    v
}

fn escalated() -> TestDesk {
    let d = desk();
    d.ok(&["--as-of", AS_OF, "escalate"]);
    d
}

#[test]
fn escalation_creates_each_entered_stages_work_once() {
    let d = escalated();
    let stages: Vec<(String, String)> = ["A-30", "A-31", "G-61", "K-61", "G-91", "L-95", "C-0"]
        .iter()
        .map(|l| (l.to_string(), json(&d, &["show", l])["stage"].as_str().expect("stage").to_string()))
        .collect();
    let expected: Vec<(String, String)> = [
        ("A-30", "reminder"),
        ("A-31", "negotiation"),
        ("G-61", "guarantor"),
        ("K-61", "guarantor"),
        ("G-91", "legal"),
        ("L-95", "legal"),
        ("C-0", "current"),
    ]
    .iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(stages, expected);
    let want = pairs(&[
        ("A-30", "call"),
        ("A-30", "dunning_notice"),
        ("A-31", "plan_offer"),
        // A guarantor but no collateral: the demand only.
        ("G-61", "guarantor_demand"),
        // Collateral on file: its revaluation too.
        ("K-61", "guarantor_demand"),
        ("K-61", "collateral_revaluation"),
        // The month's dunning notice falls due for every overdue loan before legal.
        ("A-31", "dunning_notice"),
        ("G-61", "dunning_notice"),
        ("K-61", "dunning_notice"),
        ("G-91", "legal_packet"),
        ("L-95", "legal_packet"),
        // Maturing on 15 March: its maturity notice fell due a month before.
        ("C-0", "maturity_notice"),
    ]);
    let tasks = json(&d, &["tasks"]);
    assert_eq!(kinds(&tasks), want);
    for t in tasks.as_array().expect("array") {
        // The notices are due within ten working days (from Sunday 1 March: Friday the 13th), the
        // maturity notice a month before maturity, the rest on the day.
        let due = match t["kind"].as_str() {
            Some("dunning_notice" | "guarantor_demand") => "2026-03-13",
            Some("maturity_notice") => "2026-02-15",
            _ => AS_OF,
        };
        assert_eq!(t["due_on"], due, "{t}");
        assert_eq!(t["created_by"], "policy");
        assert!(t["done_on"].is_null());
    }
    // show lists the loan's tasks.
    let show = json(&d, &["show", "K-61"]);
    assert_eq!(
        kinds(&show["tasks"]),
        pairs(&[
            ("K-61", "guarantor_demand"),
            ("K-61", "collateral_revaluation"),
            ("K-61", "dunning_notice")
        ])
    );

    // A second run for the date changes nothing and adds no task.
    d.ok(&["--as-of", AS_OF, "escalate"]);
    assert_eq!(kinds(&json(&d, &["tasks"])), want);
    // A dry run for a later date adds none either.
    d.ok(&["--as-of", "2026-03-05", "escalate", "--dry-run"]);
    assert_eq!(kinds(&json(&d, &["tasks"])), want);
    // A later run moving A-30 on adds the new stage's work; the reminder's stays open.
    d.ok_on("2026-03-02", &["--as-of", "2026-03-02", "escalate"]);
    let later = kinds(&json(&d, &["tasks", "--assignee", "wang.fang"]));
    assert!(later.contains(&("A-30".into(), "plan_offer".into())), "{later:?}");
    assert!(later.contains(&("A-30".into(), "call".into())), "{later:?}");
    assert_eq!(later.iter().filter(|(l, k)| l == "A-31" && k == "plan_offer").count(), 1);
}

/// How many dunning-notice tasks (open or done) the loan has, and the due date of the last.
fn dunning(d: &TestDesk, as_of: &str, loan: &str) -> (usize, String) {
    let all =
        d.ok(&["--as-of", as_of, "--format", "json", "tasks", "--all", "--kind", "dunning_notice"]).json();
    let mine: Vec<&Value> = all.as_array().expect("array").iter().filter(|t| t["loan_id"] == loan).collect();
    let last = mine.iter().map(|t| t["due_on"].as_str().expect("due").to_string()).max().unwrap_or_default();
    (mine.len(), last)
}

#[test]
fn the_dunning_notice_falls_due_once_a_calendar_month_while_overdue() {
    let d = escalated();
    // March: every overdue loan before legal has the month's task; legal ones none.
    for loan in ["A-30", "A-31", "G-61", "K-61"] {
        assert_eq!(dunning(&d, AS_OF, loan), (1, "2026-03-13".to_string()), "{loan}");
    }
    for loan in ["G-91", "L-95", "C-0"] {
        assert_eq!(dunning(&d, AS_OF, loan).0, 0, "{loan}");
    }
    // Done by hand for A-31, by the notice itself for A-30: later runs that month add nothing.
    let id = json(&d, &["tasks", "--kind", "dunning_notice"])
        .as_array()
        .expect("array")
        .iter()
        .find(|t| t["loan_id"] == "A-31")
        .and_then(|t| t["id"].as_i64())
        .expect("A-31's task");
    d.ok(&["--as-of", AS_OF, "task-done", &id.to_string(), "--note", "sent by post"]);
    let out = d.dir.path().join("notices");
    d.ok(&[
        "--as-of",
        "2026-03-05",
        "notice",
        "A-30",
        "--kind",
        "dunning",
        "--out",
        TestDesk::path_str(&out),
    ]);
    let r = d.ok_on("2026-03-15", &["--as-of", "2026-03-15", "--format", "table", "escalate"]);
    assert!(r.stdout.contains("dunning notices due 0"), "{}", r.stdout);
    d.ok_on("2026-03-31", &["--as-of", "2026-03-31", "escalate"]);
    for loan in ["A-30", "A-31"] {
        assert_eq!(dunning(&d, "2026-03-31", loan), (1, "2026-03-13".to_string()), "{loan}");
    }

    // A dispute hold in force stops it (outbound collection); the hold runs out in April.
    let hold = ["hold", "A-31", "--kind", "dispute", "--until", "2026-04-10", "--reason", "disputes the fee"];
    d.ok(&[&["--as-of", "2026-03-31"][..], &hold[..]].concat());
    // April: a new one for each loan whose March task is done; an open one stands (no second).
    let dry = d.ok(&["--as-of", "2026-04-01", "--format", "table", "escalate", "--dry-run"]);
    assert!(dry.stdout.contains("dunning notices due 1"), "{}", dry.stdout);
    let r = d.ok_on("2026-04-01", &["--as-of", "2026-04-01", "--format", "table", "escalate"]);
    assert!(r.stdout.contains("dunning notices due 1"), "{}", r.stdout);
    // Within ten working days of the month's start: Wednesday 1 April to Wednesday the 15th.
    assert_eq!(dunning(&d, "2026-04-01", "A-30"), (2, "2026-04-15".to_string()));
    assert_eq!(dunning(&d, "2026-04-01", "A-31"), (1, "2026-03-13".to_string()), "on hold");
    assert_eq!(dunning(&d, "2026-04-01", "K-61"), (1, "2026-03-13".to_string()), "March's still open");
    // Idempotent for the month.
    let again = d.ok_on("2026-04-20", &["--as-of", "2026-04-20", "--format", "table", "escalate"]);
    assert!(again.stdout.contains("dunning notices due 1"), "A-31 after its hold: {}", again.stdout);
    // Kept back by the hold past the month's ten working days: due at once.
    assert_eq!(dunning(&d, "2026-04-20", "A-31"), (2, "2026-04-20".to_string()));
    let again = d.ok_on("2026-04-21", &["--as-of", "2026-04-21", "--format", "table", "escalate"]);
    assert!(again.stdout.contains("dunning notices due 0"), "{}", again.stdout);
    assert_eq!(dunning(&d, "2026-04-21", "A-30").0, 2);
}

#[test]
fn the_action_that_does_the_work_completes_its_task() {
    let d = escalated();
    let out = d.dir.path().join("notices");
    let out = TestDesk::path_str(&out);
    d.ok(&["--as-of", AS_OF, "notice", "A-30", "--kind", "dunning", "--out", out]);
    d.ok(&["--as-of", AS_OF, "notice", "G-61", "--kind", "guarantor_demand", "--out", out]);
    let open = kinds(&json(&d, &["tasks"]));
    assert!(!open.contains(&("A-30".into(), "dunning_notice".into())), "{open:?}");
    assert!(!open.contains(&("G-61".into(), "guarantor_demand".into())), "{open:?}");
    assert!(open.contains(&("A-30".into(), "call".into())));
    let all = json(&d, &["tasks", "--all", "--kind", "dunning_notice"]);
    let done = &all.as_array().expect("array")[0];
    assert_eq!(done["done_on"], AS_OF);
    assert!(done["note"].as_str().is_some_and(|n| n.starts_with("notice No. ")), "{done}");

    // A saved plan completes the plan offer.
    let plan = [
        "--as-of",
        AS_OF,
        "plan",
        "A-31",
        "--installments",
        "3",
        "--first",
        "2026-03-15",
        "--save",
        "agreed",
    ];
    d.ok(&plan);
    assert!(!kinds(&json(&d, &["tasks"])).contains(&("A-31".into(), "plan_offer".into())));
}

#[test]
fn tasks_filter_and_task_done() {
    let d = escalated();
    let calls = json(&d, &["tasks", "--kind", "call"]);
    assert_eq!(kinds(&calls), pairs(&[("A-30", "call")]));
    let li = json(&d, &["tasks", "--assignee", "li.na"]);
    assert_eq!(
        kinds(&li),
        pairs(&[
            ("K-61", "guarantor_demand"),
            ("K-61", "collateral_revaluation"),
            ("K-61", "dunning_notice"),
            ("L-95", "legal_packet")
        ])
    );
    // The maturity notice before March; the notices' ten working days after the rest.
    assert_eq!(json(&d, &["tasks", "--due-by", "2026-02-28"]).as_array().map(Vec::len), Some(1));
    assert_eq!(json(&d, &["tasks", "--due-by", AS_OF]).as_array().map(Vec::len), Some(6));
    assert_eq!(json(&d, &["tasks", "--due-by", "2026-03-13"]).as_array().map(Vec::len), Some(12));
    let r = d.run(&["--as-of", AS_OF, "tasks", "--kind", "visit"]);
    assert_eq!(r.code, 2);
    let r = d.run(&["--as-of", AS_OF, "tasks", "--assignee", "nobody"]);
    assert_eq!(r.code, 2);
    let csv = d.ok(&["--as-of", AS_OF, "--format", "csv", "tasks", "--kind", "call"]).stdout;
    assert!(csv.starts_with("id,loan_id,borrower,assignee,kind,due_on"), "{csv}");
    let table = d.ok(&["--as-of", AS_OF, "--format", "table", "tasks"]).stdout;
    assert!(table.contains("collateral_revaluation"), "{table}");

    let id = calls[0]["id"].as_i64().expect("id").to_string();
    // Another collector's case is refused; the owner may.
    d.ok(&["settings", "set", "trust_env_user", "true"]);
    let r = d.run_as("li.na", &["--as-of", AS_OF, "task-done", &id]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let r = d.run_as(
        "wang.fang",
        &["--as-of", AS_OF, "--format", "json", "task-done", &id, "--note", "called, no answer"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let done = r.json();
    assert_eq!(done[0]["done_by"], "wang.fang");
    assert_eq!(done[0]["note"], "called, no answer");
    assert!(kinds(&json(&d, &["tasks"])).iter().all(|(_, k)| k != "call"));
    assert_eq!(json(&d, &["tasks", "--all", "--kind", "call"]).as_array().map(Vec::len), Some(1));
    let r = d.run(&["--as-of", AS_OF, "task-done", &id]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let r = d.run(&["--as-of", AS_OF, "task-done", "9999"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn a_legal_packet_states_shows_figures_and_completes_its_task() {
    let d = escalated();
    let notices = d.dir.path().join("notices");
    d.ok(&["--as-of", AS_OF, "notice", "G-91", "--kind", "dunning", "--out", TestDesk::path_str(&notices)]);
    d.ok(&["--as-of", AS_OF, "contact", "G-91", "--outcome", "no_answer"]);
    let out = d.dir.path().join("packets");
    let r = d.ok(&[
        "--as-of",
        AS_OF,
        "--format",
        "json",
        "legal-packet",
        "G-91",
        "--out",
        TestDesk::path_str(&out),
    ]);
    let rows = r.json();
    assert_eq!(rows.as_array().map(Vec::len), Some(1));
    let folder = out.join(rows[0]["folder"].as_str().expect("folder"));
    let text = std::fs::read_to_string(folder.join("packet.txt")).expect("packet.txt");
    let packet: Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("packet.json")).expect("packet.json"))
            .expect("json");
    let show = json(&d, &["show", "G-91"]);
    // Every figure of `show` is the packet's (the tasks aside: the packet completed its own).
    for (key, value) in show.as_object().expect("object") {
        if key != "tasks" {
            assert_eq!(&packet[key], value, "{key}");
        }
    }
    assert!(
        show["tasks"]
            .as_array()
            .expect("tasks")
            .iter()
            .all(|t| t["kind"] != "legal_packet" || !t["done_on"].is_null())
    );
    assert_eq!(packet["packet"]["penalty_basis"]["uplift_pct"], 50);
    assert_eq!(packet["notices"].as_array().map(Vec::len), Some(1));
    assert_eq!(packet["contacts"].as_array().map(Vec::len), Some(1));
    for line in text.lines() {
        assert!(duedesk::text::width(line) <= 80, "{line:?}");
    }
    for key in [
        "overdue_principal",
        "overdue_interest",
        "penalty_interest",
        "payoff_amount",
        "outstanding_principal",
    ] {
        let v = show[key].as_str().expect("money");
        assert!(text.contains(v), "{key} {v} missing:\n{text}");
    }
    // Chinese by default (诉讼/仲裁材料 for a Chinese court or arbitration body), a claimed sum
    // also in capitals.
    for part in [
        "诉讼/仲裁材料：贷款编号 G-91",
        "借款人",
        "周五",
        "合同金额",
        "逾期本金",
        "罚息",
        "担保人",
        "抵押物",
        "房产 沪(2020)456号",
        "催收记录",
        "未接通",
        "催收阶段变更记录",
        "正常 → 法律",
        "回执",
    ] {
        assert!(text.contains(part), "{part} missing:\n{text}");
    }
    for key in ["payoff_amount", "penalty_interest"] {
        let m: duedesk::domain::Money = show[key].as_str().expect("money").parse().expect("money");
        let words = format!("{m} 元（大写：人民币{}）", duedesk::app::notice_text::rmb_upper(m));
        assert!(text.contains(&words), "{words} missing:\n{text}");
    }
    // In English on request; packet.json is the same either way.
    let en = d.dir.path().join("packets-en");
    d.ok(&["--as-of", AS_OF, "legal-packet", "G-91", "--lang", "en", "--out", TestDesk::path_str(&en)]);
    let en = en.join(rows[0]["folder"].as_str().expect("folder"));
    let en_text = std::fs::read_to_string(en.join("packet.txt")).expect("packet.txt");
    for part in
        ["LEGAL CASE PACKET", "Stage history", "current -> legal", "Contact log", "no_answer", "pending"]
    {
        assert!(en_text.contains(part), "{part} missing:\n{en_text}");
    }
    for key in ["overdue_principal", "penalty_interest", "payoff_amount"] {
        assert!(en_text.contains(show[key].as_str().expect("money")), "{key}");
    }
    for line in en_text.lines() {
        assert!(duedesk::text::width(line) <= 80, "{line:?}");
    }
    let en_json: Value =
        serde_json::from_str(&std::fs::read_to_string(en.join("packet.json")).expect("json")).expect("json");
    for (key, value) in packet.as_object().expect("object") {
        if key != "packet" && key != "tasks" && key != "version" {
            assert_eq!(&en_json[key], value, "{key}");
        }
    }
    let r =
        d.run(&["--as-of", AS_OF, "legal-packet", "G-91", "--lang", "fr", "--out", TestDesk::path_str(&out)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let all = json(&d, &["tasks", "--all", "--kind", "legal_packet"]);
    let g91 = all.as_array().expect("array").iter().find(|t| t["loan_id"] == "G-91").expect("task");
    assert_eq!(g91["done_on"], AS_OF);
}

#[test]
fn a_batch_of_legal_packets_has_an_index_row_per_loan() {
    let d = escalated();
    let out = d.dir.path().join("batch");
    let r = d.ok(&[
        "--as-of",
        AS_OF,
        "--format",
        "table",
        "legal-packet",
        "--stage",
        "legal",
        "--out",
        TestDesk::path_str(&out),
    ]);
    assert_eq!(r.stdout.lines().count(), 2, "{}", r.stdout);
    let index = std::fs::read_to_string(out.join("index.csv")).expect("index.csv");
    let mut lines = index.lines();
    assert_eq!(
        lines.next(),
        Some(
            "loan_id,borrower,customer_id,principal,outstanding_principal,overdue_amount,penalty_interest,payoff_amount,dpd,folder"
        )
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 2, "{index}");
    let mut loans: Vec<&str> = rows.iter().filter_map(|r| r.split(',').next()).collect();
    loans.sort();
    assert_eq!(loans, ["G-91", "L-95"]);
    for row in &rows {
        let cells: Vec<&str> = row.split(',').collect();
        let show = json(&d, &["show", cells[0]]);
        assert_eq!(cells[1], show["borrower"].as_str().expect("borrower"));
        assert_eq!(cells[2], show["customer_id"].as_str().expect("customer"));
        assert_eq!(cells[3], show["principal"].as_str().expect("principal"));
        assert_eq!(cells[7], show["payoff_amount"].as_str().expect("payoff"));
        assert_eq!(cells[8], show["dpd"].to_string());
        assert!(out.join(cells[9]).join("packet.txt").exists());
        assert!(out.join(cells[9]).join("packet.json").exists());
    }
    // Named loans and a limit.
    let two = d.dir.path().join("two");
    d.ok(&["--as-of", AS_OF, "legal-packet", "A-30", "K-61", "--out", TestDesk::path_str(&two)]);
    assert_eq!(std::fs::read_to_string(two.join("index.csv")).expect("index").lines().count(), 3);
    let one = d.dir.path().join("one");
    d.ok(&[
        "--as-of",
        AS_OF,
        "legal-packet",
        "--stage",
        "legal",
        "--limit",
        "1",
        "--out",
        TestDesk::path_str(&one),
    ]);
    assert_eq!(std::fs::read_to_string(one.join("index.csv")).expect("index").lines().count(), 2);
}

#[test]
fn a_legal_packet_is_refused_for_an_unknown_loan_or_anothers_case() {
    let d = escalated();
    let out = d.dir.path().join("refused");
    let r = d.run(&["--as-of", AS_OF, "legal-packet", "G-91", "NOPE", "--out", TestDesk::path_str(&out)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(!out.join("G-91").exists(), "nothing written before every loan is known");
    d.ok(&["settings", "set", "trust_env_user", "true"]);
    // L-95 is li.na's case.
    let r =
        d.run_as("wang.fang", &["--as-of", AS_OF, "legal-packet", "L-95", "--out", TestDesk::path_str(&out)]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let r = d.run_as("li.na", &["--as-of", AS_OF, "legal-packet", "L-95", "--out", TestDesk::path_str(&out)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // A collector's batch by stage takes own cases only.
    let own = d.dir.path().join("own");
    let r = d.run_as(
        "wang.fang",
        &["--as-of", AS_OF, "legal-packet", "--stage", "legal", "--out", TestDesk::path_str(&own)],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let index = std::fs::read_to_string(own.join("index.csv")).expect("index");
    assert_eq!(index.lines().count(), 2, "{index}");
    assert!(index.contains("G-91"));
}

//! `duedesk escalate` and `duedesk policy`: loans placed by their bands with the reasons recorded,
//! idempotent for a date, later dates crossing bands, cure, promise holds, a custom policy, a bad
//! policy refused with file, line and key.

mod common;

use common::{AS_OF, TestDesk};
use serde_json::Value;

// Bullet loans of one month: DPD on 2026-03-01 is the days since the maturity.
const LOANS: &str = "\
loan_id,borrower,phone,product,principal,annual_rate,term_months,disbursed_on,guarantor,collateral,assignee
A-30,赵一,13800000001,bullet,10000.00,12,1,2025-12-30,,,wang.fang
A-31,钱二,13800000002,bullet,10000.00,12,1,2025-12-29,,,wang.fang
G-61,孙三,13800000003,bullet,10000.00,12,1,2025-11-30,王五,,wang.fang
N-61,李四,13800000004,bullet,10000.00,12,1,2025-11-30,  ,,wang.fang
G-91,周五,13800000005,bullet,10000.00,12,1,2025-10-30,,房产 沪(2020)123号,wang.fang
C-0,吴六,13800000006,bullet,10000.00,12,1,2026-02-15,,,wang.fang
P-1,郑七,13800000007,equal_principal,12000.00,12,12,2025-10-15,,,wang.fang
";

fn desk() -> TestDesk {
    let d = TestDesk::new();
    let file = d.write("loans.csv", LOANS);
    d.ok(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file)]);
    let pay = d.write("pay.csv", "loan_id,paid_on,amount\nP-1,2025-12-15,2230.00\n");
    d.ok(&["--as-of", AS_OF, "import", "payments", TestDesk::path_str(&pay)]);
    d
}

fn json(d: &TestDesk, as_of: &str, args: &[&str]) -> Value {
    let mut all = vec!["--as-of", as_of, "--format", "json"];
    all.extend_from_slice(args);
    d.ok(&all).json()
}

fn stage(d: &TestDesk, as_of: &str, loan: &str) -> String {
    json(d, as_of, &["show", loan])["stage"].as_str().expect("stage").to_string()
}

/// What `escalate --format json` printed: the changes on stdout, the summary on stderr.
struct Esc {
    changes: Vec<Value>,
    summary: String,
}

impl Esc {
    fn changed(&self) -> usize {
        self.changes.len()
    }

    /// (from, to, count) in stage order, as the summary counts them.
    fn transitions(&self) -> Vec<(String, String, u64)> {
        const ORDER: [&str; 7] =
            ["current", "reminder", "negotiation", "guarantor", "legal", "closed", "written_off"];
        let rank = |s: &str| ORDER.iter().position(|o| *o == s).expect("a stage");
        let mut counts = std::collections::BTreeMap::new();
        for c in &self.changes {
            let (from, to) = (c["from"].as_str().expect("from"), c["to"].as_str().expect("to"));
            *counts.entry((rank(from), rank(to))).or_insert(0u64) += 1;
        }
        counts.into_iter().map(|((f, t), n)| (ORDER[f].to_string(), ORDER[t].to_string(), n)).collect()
    }

    fn held(&self) -> u64 {
        let tail = self.summary.split("held by a promise ").nth(1).expect("summary");
        tail.split(|c: char| !c.is_ascii_digit()).next().and_then(|n| n.parse().ok()).expect("held")
    }
}

fn escalate(d: &TestDesk, as_of: &str, args: &[&str]) -> Esc {
    let mut all = vec!["--as-of", as_of, "--format", "json", "escalate"];
    all.extend_from_slice(args);
    // A real run is made on its day: the clock has reached it.
    let r = d.ok_on(as_of, &all);
    Esc { changes: r.json().as_array().expect("an array of changes").clone(), summary: r.stderr }
}

fn t(from: &str, to: &str, n: u64) -> (String, String, u64) {
    (from.to_string(), to.to_string(), n)
}

#[test]
fn each_loan_goes_to_its_band_once_with_the_reason_recorded() {
    let d = desk();
    let dpd: Vec<i64> = ["A-30", "A-31", "G-61", "N-61", "G-91", "C-0", "P-1"]
        .iter()
        .map(|l| json(&d, AS_OF, &["show", l])["dpd"].as_i64().expect("dpd"))
        .collect();
    assert_eq!(dpd, [30, 31, 61, 61, 91, 0, 45], "the fixture's DPDs");

    // A dry run says what would change and writes nothing.
    let dry = escalate(&d, AS_OF, &["--dry-run"]);
    assert_eq!(dry.changed(), 6);
    assert!(dry.summary.contains("would change 6") && dry.summary.contains("dry run"), "{}", dry.summary);
    assert_eq!(stage(&d, AS_OF, "G-91"), "current");
    assert_eq!(json(&d, AS_OF, &["show", "G-91"])["stage_events"], Value::Array(vec![]));

    let run = escalate(&d, AS_OF, &[]);
    assert!(run.summary.starts_with("current → reminder: 1\n"), "{}", run.summary);
    assert!(run.summary.contains("7 loans as of 2026-03-01: changed 6"), "{}", run.summary);
    assert_eq!(
        run.transitions(),
        vec![
            t("current", "reminder", 1),
            t("current", "negotiation", 3),
            t("current", "guarantor", 1),
            t("current", "legal", 1),
        ]
    );
    assert_eq!(run.changes, dry.changes, "the dry run said exactly this");
    assert_eq!(
        run.changes[0],
        serde_json::json!({
            "loan_id": "A-30", "from": "current", "to": "reminder", "dpd": 30,
            "reason": "DPD 30 in band reminder (1–30)"
        })
    );
    let want = [
        ("A-30", "reminder"),
        ("A-31", "negotiation"),
        ("G-61", "guarantor"),
        ("N-61", "negotiation"),
        ("G-91", "legal"),
        ("C-0", "current"),
        ("P-1", "negotiation"),
    ];
    for (loan, s) in want {
        assert_eq!(stage(&d, AS_OF, loan), s, "{loan}");
    }
    let ev = &json(&d, AS_OF, &["show", "G-61"])["stage_events"];
    assert_eq!(ev.as_array().map(Vec::len), Some(1));
    assert_eq!(ev[0]["from"], "current");
    assert_eq!(ev[0]["to"], "guarantor");
    assert_eq!(ev[0]["actor"], "policy");
    assert_eq!(ev[0]["as_of"], AS_OF);
    assert_eq!(ev[0]["reason"], "DPD 61 in band guarantor (61–90)");
    let ev = &json(&d, AS_OF, &["show", "N-61"])["stage_events"];
    assert_eq!(ev[0]["reason"], "DPD 61 in band negotiation (31–90, no guarantor or collateral)");
    // The queue's snapshot carries the new stages.
    let legal = json(&d, AS_OF, &["loans", "--stage", "legal"]);
    assert_eq!(legal.as_array().map(Vec::len), Some(1));
    assert_eq!(legal[0]["loan_id"], "G-91");

    // Idempotent: the same date again changes nothing and records nothing.
    assert_eq!(escalate(&d, AS_OF, &[]).changed(), 0);
    assert_eq!(json(&d, AS_OF, &["show", "G-61"])["stage_events"].as_array().map(Vec::len), Some(1));

    // The table is "from → to: count" lines and a summary.
    let table = d.ok_on("2026-03-02", &["--as-of", "2026-03-02", "--format", "table", "escalate"]);
    assert_eq!(
        table.stdout,
        "reminder → negotiation: 1\n7 loans as of 2026-03-02: changed 1, held by a promise 0, dunning notices due 0, signals opened 0 closed 0\n"
    );
}

#[test]
fn a_payment_cures_or_closes_and_a_later_date_crosses_bands_in_one_change() {
    let d = desk();
    d.ok(&["--as-of", AS_OF, "escalate"]);
    // P-1 pays its arrears: cure back to current, history kept.
    let pay = d.write("cure.csv", "loan_id,paid_on,amount\nP-1,2026-03-01,2300.00\n");
    d.ok(&["--as-of", AS_OF, "import", "payments", TestDesk::path_str(&pay)]);
    assert_eq!(json(&d, AS_OF, &["show", "P-1"])["dpd"], 0);
    assert_eq!(escalate(&d, AS_OF, &[]).transitions(), vec![t("negotiation", "current", 1)]);
    let ev = &json(&d, AS_OF, &["show", "P-1"])["stage_events"];
    assert_eq!(ev.as_array().map(Vec::len), Some(2));
    assert_eq!(ev[0]["reason"], "cure: DPD back to 0", "newest first");
    // A-30 paid in full: closed.
    let pay = d.write("close.csv", "loan_id,paid_on,amount\nA-30,2026-03-01,10100.00\n");
    d.ok(&["--as-of", AS_OF, "import", "payments", TestDesk::path_str(&pay)]);
    assert_eq!(escalate(&d, AS_OF, &[]).transitions(), vec![t("reminder", "closed", 1)]);
    assert_eq!(escalate(&d, AS_OF, &[]).changed(), 0);

    // A month on: G-61 and N-61 at 91, C-0 at 16, P-1 short of its March installment.
    let later = "2026-03-31";
    assert_eq!(
        escalate(&d, later, &[]).transitions(),
        vec![t("current", "reminder", 2), t("negotiation", "legal", 1), t("guarantor", "legal", 1)]
    );
    assert_eq!(stage(&d, later, "G-61"), "legal");
    assert_eq!(stage(&d, later, "A-30"), "closed");
    // Far on, reminder straight to legal: one event.
    let far = "2026-07-01";
    escalate(&d, far, &[]);
    let ev = &json(&d, far, &["show", "C-0"])["stage_events"];
    assert_eq!(ev.as_array().map(Vec::len), Some(2));
    assert_eq!((ev[0]["from"].as_str(), ev[0]["to"].as_str()), (Some("reminder"), Some("legal")));
    // Going back to an earlier date would undo the later run's work: refused (a dry run may look).
    let r = d.run(&["--as-of", AS_OF, "escalate"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("2026-07-01"), "{}", r.stderr);
    d.ok(&["--as-of", AS_OF, "escalate", "--dry-run"]);
}

#[test]
fn a_promise_holds_the_stage_until_its_date_plus_grace() {
    let d = desk();
    d.ok(&["--as-of", AS_OF, "escalate"]);
    d.ok(&[
        "--as-of",
        AS_OF,
        "contact",
        "A-30",
        "--outcome",
        "promise",
        "--promise-amount",
        "5000.00",
        "--promise-date",
        "2026-03-05",
    ]);
    // DPD 32 on 3 March, 36 on 6 March (promise date + 1 day of grace): held.
    for day in ["2026-03-03", "2026-03-06"] {
        let run = escalate(&d, day, &[]);
        assert_eq!(run.changed(), 0, "{day}");
        assert_eq!(run.held(), 1, "{day}");
        assert_eq!(stage(&d, day, "A-30"), "reminder", "{day}");
    }
    // The promise has lapsed: on to negotiation.
    let run = escalate(&d, "2026-03-07", &[]);
    assert_eq!(run.transitions(), vec![t("reminder", "negotiation", 1)]);
    assert_eq!(run.held(), 0);
}

#[test]
fn a_manual_move_stands_and_written_off_loans_are_untouched() {
    let d = desk();
    d.ok(&["--as-of", AS_OF, "escalate"]);
    {
        use duedesk::domain::Stage;
        use duedesk::store::{self, StageEvent};
        let mut s = d.store();
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("day");
        let ev = |from, to| StageEvent {
            from,
            to,
            as_of: day,
            actor: "li.qiang".into(),
            reason: "借款人失联".into(),
            at: common::NOW.into(),
        };
        s.write(|tx| -> store::Result<()> {
            let a31 = store::loan_id_by_ref(tx, "A-31")?.expect("A-31");
            store::record_stage_change(tx, a31, &ev(Stage::Negotiation, Stage::Legal))?;
            let g61 = store::loan_id_by_ref(tx, "G-61")?.expect("G-61");
            store::record_stage_change(tx, g61, &ev(Stage::Guarantor, Stage::WrittenOff))?;
            store::write_off(tx, g61, day)
        })
        .expect("manual moves");
    }
    let later = "2026-04-15";
    let run = escalate(&d, later, &[]);
    let moved: Vec<&str> = run.changes.iter().map(|c| c["loan_id"].as_str().expect("id")).collect();
    assert!(!moved.contains(&"A-31") && !moved.contains(&"G-61"), "{moved:?}");
    assert_eq!(stage(&d, later, "A-31"), "legal");
    assert_eq!(stage(&d, later, "G-61"), "written_off");
}

#[test]
fn a_policy_file_changes_the_outcome_and_a_bad_one_never_starts_a_run() {
    let d = desk();
    let shown = d.ok(&["policy", "show", "--format", "table"]).stdout;
    assert!(
        shown.contains("[stages]\nreminder = 1\nnegotiation = 31\nguarantor = 61\nlegal = 91\n"),
        "{shown}"
    );
    let file = d.write("early.toml", "[stages]\nguarantor = 46\nlegal = 61\n");
    let path = TestDesk::path_str(&file);
    assert_eq!(d.ok(&["policy", "check", path, "--format", "table"]).stdout, format!("ok {path}\n"));
    assert!(d.ok(&["policy", "show", "--policy", path, "--format", "table"]).stdout.contains("legal = 61\n"));
    // A real run takes only the store's policy in force; a dry run tries any.
    let r = d.run(&["--as-of", AS_OF, "escalate", "--policy", path]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("duedesk policy set FILE"), "{}", r.stderr);
    assert_eq!(stage(&d, AS_OF, "N-61"), "current");
    let dry = escalate(&d, AS_OF, &["--dry-run", "--policy", path]);
    assert!(dry.changes.iter().any(|c| c["loan_id"] == "N-61" && c["to"] == "legal"), "{:?}", dry.changes);
    d.ok(&["policy", "set", path]);
    assert!(d.ok(&["policy", "show", "--format", "table"]).stdout.contains("guarantor = 46\nlegal = 61\n"));
    assert_eq!(escalate(&d, AS_OF, &["--dry-run"]).changes, dry.changes, "the same policy now in force");
    d.ok(&["--as-of", AS_OF, "escalate", "--policy", path]);
    assert_eq!(stage(&d, AS_OF, "N-61"), "legal");
    assert_eq!(stage(&d, AS_OF, "G-61"), "legal");
    assert_eq!(stage(&d, AS_OF, "P-1"), "negotiation");
    let ev = &json(&d, AS_OF, &["show", "N-61"])["stage_events"];
    assert_eq!(ev[0]["reason"], "DPD 61 in band legal (61+)");

    let bad = d.write("bad.toml", "# mine\n[stages]\nlegal = 50\n\n[promise]\ngrace_days = 40\nhold = 1\n");
    let bad_path = TestDesk::path_str(&bad);
    let r = d.run(&["policy", "check", bad_path]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let lines: Vec<&str> = r.stderr.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stderr);
    assert!(
        lines[0].starts_with(&format!("{bad_path}:3: stages.legal: bands must increase")),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with(&format!("{bad_path}:6: promise.grace_days: 40 is out of range")),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with(&format!("{bad_path}:7: promise.hold: must be true or false")),
        "{}",
        lines[2]
    );
    // A bad policy never starts a run: nothing changes, not even the snapshot's date.
    let r = d.run(&["--as-of", "2026-03-20", "escalate", "--policy", bad_path]);
    assert_eq!(r.code, 2);
    let r = d.run(&["policy", "set", bad_path]);
    assert_eq!(r.code, 2);
    assert!(
        d.ok(&["policy", "show", "--format", "table"]).stdout.contains("legal = 61\n"),
        "the policy in force stands"
    );
    assert_eq!(stage(&d, AS_OF, "G-91"), "legal");
    assert_eq!(json(&d, AS_OF, &["show", "G-91"])["stage_events"].as_array().map(Vec::len), Some(1));
    let r = d.run(&["policy", "check", TestDesk::path_str(&d.dir.path().join("missing.toml"))]);
    assert_eq!(r.code, 2);
}

#[test]
fn escalation_is_for_supervisors_and_a_dry_run_for_any_desk_user() {
    let d = desk();
    d.ok(&["settings", "set", "trust_env_user", "true"]);
    let r = d.run_as("wang.fang", &["--as-of", AS_OF, "escalate"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("supervisor"), "{}", r.stderr);
    let r = d.run_as("wang.fang", &["--as-of", AS_OF, "--format", "json", "escalate", "--dry-run"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json().as_array().map(Vec::len), Some(6));
    assert_eq!(stage(&d, AS_OF, "G-91"), "current");
}

/// (kind, done_on, done_by, note) of a loan's tasks.
fn tasks(d: &TestDesk, as_of: &str, loan: &str) -> Vec<(String, Option<String>, Option<String>, String)> {
    json(d, as_of, &["show", loan])["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| {
            (
                t["kind"].as_str().expect("kind").to_string(),
                t["done_on"].as_str().map(str::to_string),
                t["done_by"].as_str().map(str::to_string),
                t["note"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_cure_or_a_closing_closes_the_loans_open_tasks_with_why() {
    let d = desk();
    d.ok(&["--as-of", AS_OF, "escalate"]);
    let open = |loan: &str| tasks(&d, AS_OF, loan).into_iter().filter(|t| t.1.is_none()).count();
    assert_eq!(open("P-1"), 2, "plan offer and the month's dunning notice");
    assert_eq!(open("A-30"), 2, "call and dunning notice");

    let pay =
        d.write("pay2.csv", "loan_id,paid_on,amount\nP-1,2026-03-01,2300.00\nA-30,2026-03-01,10100.00\n");
    d.ok(&["--as-of", AS_OF, "import", "payments", TestDesk::path_str(&pay)]);
    assert_eq!(
        escalate(&d, AS_OF, &[]).transitions(),
        vec![t("reminder", "closed", 1), t("negotiation", "current", 1)]
    );
    for (loan, why) in
        [("P-1", "no longer needed: cure: DPD back to 0"), ("A-30", "no longer needed: closed:")]
    {
        let all = tasks(&d, AS_OF, loan);
        assert_eq!(all.len(), 2, "closed, not deleted: {all:?}");
        for (kind, done_on, done_by, note) in all {
            assert_eq!(done_on.as_deref(), Some(AS_OF), "{loan} {kind}");
            assert_eq!(done_by.as_deref(), Some("policy"));
            assert!(note.starts_with(why), "{loan} {kind}: {note}");
        }
    }
    // The next month the cured and the closed loan get no dunning notice.
    let r = escalate(&d, "2026-04-01", &[]);
    assert!(tasks(&d, "2026-04-01", "A-30").iter().all(|t| t.1.is_some()), "{}", r.summary);
}

fn due_soon(d: &TestDesk) -> Vec<String> {
    let rows = json(d, AS_OF, &["loans", "--due-soon"]);
    let mut v: Vec<String> = rows
        .as_array()
        .expect("rows")
        .iter()
        .map(|r| r["loan_id"].as_str().expect("id").to_string())
        .collect();
    v.sort();
    v
}

#[test]
fn the_policy_in_force_sets_the_due_soon_windows_and_the_class_bands_everywhere() {
    let d = desk();
    let later = "2026-03-31";
    // C-0 matures on 2026-03-15: inside the shipped 30-day maturity window.
    assert_eq!(due_soon(&d), ["C-0"]);
    let class =
        |as_of: &str| json(&d, as_of, &["show", "G-91"])["class"].as_str().expect("class").to_string();
    assert_eq!(class(later), "substandard", "DPD 121 under the 2023 bands");
    assert_eq!(d.ok(&["settings", "get", "class_bands", "--format", "table"]).stdout, "standard\n");

    let file = d.write(
        "narrow.toml",
        "[due_soon]\ninstallment_days = 3\nmaturity_days = 10\n\n[classification]\nbands = \"credit_card\"\n",
    );
    d.ok(&["policy", "set", TestDesk::path_str(&file)]);
    // The snapshot was recomputed with the new window: the list and show agree.
    assert_eq!(due_soon(&d), Vec::<String>::new());
    assert!(json(&d, AS_OF, &["show", "C-0"])["due_soon_on"].is_null());
    assert_eq!(class(later), "doubtful", "DPD 121 under the credit-card bands");
    assert_eq!(d.ok(&["settings", "get", "class_bands", "--format", "table"]).stdout, "credit_card\n");
    // The run refreshes with the same policy: its snapshot classes as show does.
    d.ok_on(later, &["--as-of", later, "escalate"]);
    let legal = json(&d, later, &["loans", "--stage", "legal"]);
    let g91 = legal.as_array().expect("rows").iter().find(|r| r["loan_id"] == "G-91").expect("G-91").clone();
    assert_eq!(g91["class"], "doubtful");

    // The older setting is an alias of the policy's bands, an admin's change like `policy set`.
    d.ok(&["settings", "set", "class_bands", "standard"]);
    assert!(d.ok(&["policy", "show", "--format", "table"]).stdout.contains("bands = \"standard\""));
    assert!(
        d.ok(&["policy", "show", "--format", "table"]).stdout.contains("maturity_days = 10"),
        "the rest stands"
    );
    assert_eq!(class(later), "substandard");
    let wide = d.write("wide.toml", "[due_soon]\nmaturity_days = 20\n");
    d.ok(&["policy", "set", TestDesk::path_str(&wide)]);
    assert_eq!(due_soon(&d), ["C-0"]);
    // Only an admin sets it.
    d.ok(&["users", "add", "zhao.sup", "--role", "supervisor"]);
    d.ok(&["settings", "set", "trust_env_user", "true"]);
    let r = d.run_as("zhao.sup", &["policy", "set", TestDesk::path_str(&file)]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(due_soon(&d), ["C-0"]);
}

/// Each loan's stage, stage events, tasks and maturity notice tasks (the run's last pass, after
/// the stage changes), in loan order, read straight from the store file; and how many escalation
/// runs the audit log records.
type BookRow = (i64, String, i64, i64, i64);

fn book(d: &TestDesk) -> (Vec<BookRow>, i64) {
    let loans = d
        .text_rows(
            "SELECT l.id, l.stage, (SELECT count(*) FROM stage_events e WHERE e.loan_id = l.id), \
             (SELECT count(*) FROM tasks t WHERE t.loan_id = l.id AND t.kind <> 'maturity_notice'), \
             (SELECT count(*) FROM tasks t WHERE t.loan_id = l.id AND t.kind = 'maturity_notice') \
             FROM loans l ORDER BY l.id",
            &[],
        )
        .into_iter()
        .map(|r| {
            let n = |i: usize| r[i].as_deref().and_then(|v| v.parse().ok()).expect("a count");
            (n(0), r[1].clone().expect("a stage"), n(2), n(3), n(4))
        })
        .collect();
    let runs = d.ints("SELECT count(*) FROM audit_log WHERE action = 'escalate'", &[])[0];
    (loans, runs)
}

#[test]
fn a_run_killed_mid_way_leaves_whole_batches_and_the_next_run_finishes_it() {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::ExitStatusExt;
    use std::process::Stdio;

    // 20,000 loans: four batches of 5,000, three months on so that most of them move.
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--loans", "20000", "--seed", "7"]);
    let whole = d.copy();
    let later = "2026-06-01";
    whole.ok_on(later, &["--as-of", later, "escalate"]);
    let (before, _) = book(&d);
    let (after, runs) = book(&whole);
    assert_eq!(runs, 1);
    let moved = before.iter().zip(&after).filter(|(b, a)| b != a).count();
    assert!(moved > 10_000, "{moved} loans move in the whole run");

    // The real binary, killed (SIGKILL: no chance to tidy up) once it reports a batch committed.
    let mut child = d
        .command()
        .env("DUEDESK_NOW", common::now_on(later))
        .args(["--as-of", later, "escalate", "--progress"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn duedesk");
    let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
    loop {
        let line = lines.next().expect("a progress line before the end").expect("read stderr");
        if line.starts_with("applying the policy: ") {
            break;
        }
    }
    child.kill().expect("kill");
    let status = child.wait().expect("wait");
    assert_eq!(status.signal(), Some(9), "killed mid-run, not finished: {status:?}");

    // Whole batches only, in loan order: a prefix of the loans as the whole run left them, the
    // rest as before, and no loan half-changed (stage, its event and its tasks together). The
    // maturity notices come in a pass of their own after the stage changes: none yet.
    let (part, runs) = book(&d);
    assert_eq!(runs, 0, "the run's audit entry is written at its end");
    let moves = |r: &BookRow| (r.0, r.1.clone(), r.2, r.3);
    let cut = part
        .iter()
        .zip(&after)
        .position(|(p, a)| moves(p) != moves(a))
        .expect("some batches were left to do");
    assert!(cut >= 5_000, "at least the first batch is in: {cut}");
    for (i, (p, b)) in part.iter().zip(&before).enumerate().skip(cut) {
        assert_eq!(moves(p), moves(b), "loan #{i} after the cut is untouched");
    }
    assert!(after.iter().any(|a| a.4 > 0), "the whole run adds maturity notices");
    assert_eq!(part.iter().map(|p| p.4).sum::<i64>(), before.iter().map(|b| b.4).sum::<i64>());

    // The next run finishes the job: the same book as the whole run.
    d.ok_on(later, &["--as-of", later, "escalate"]);
    assert_eq!(book(&d), (after, 1));
}

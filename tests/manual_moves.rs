//! Holds and manual moves (issue #6): `hold`, `hold-lift`, `holds`, `move`, `agency`, `write-off`
//! and `reopen`, each allowed and refused by role; a hold stops escalation and collection calls
//! until its end; a manual move followed by an automatic run.

mod common;

use common::{AS_OF, TestDesk};
use serde_json::Value;

// Bullet loans of one month: DPD on 2026-03-01 is the days since the maturity.
const LOANS: &str = "\
loan_id,borrower,phone,product,principal,annual_rate,term_months,disbursed_on,guarantor,collateral,assignee
A-30,赵一,13800000001,bullet,10000.00,12,1,2025-12-30,,,wang.fang
A-31,钱二,13800000002,bullet,10000.00,12,1,2025-12-29,,,wang.fang
G-61,孙三,13800000003,bullet,10000.00,12,1,2025-11-30,王五,,wang.fang
N-61,李四,13800000004,bullet,10000.00,12,1,2025-11-30,,,wang.fang
G-91,周五,13800000005,bullet,10000.00,12,1,2025-10-30,,房产 沪(2020)123号,wang.fang
C-0,吴六,13800000006,bullet,10000.00,12,1,2026-02-15,,,wang.fang
";

const SUP: &str = "zhao.sup";
const OWNER: &str = "wang.fang";
const OTHER: &str = "li.lei";

fn desk() -> TestDesk {
    let d = TestDesk::new();
    let file = d.write("loans.csv", LOANS);
    d.ok(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file)]);
    d.ok(&["users", "add", SUP, "--role", "supervisor"]);
    d.ok(&["users", "add", OTHER, "--role", "collector"]);
    d.ok(&["settings", "set", "trust_env_user", "true"]);
    d
}

/// Runs as `user` on `as_of`, JSON output.
fn as_user(d: &TestDesk, user: &str, as_of: &str, args: &[&str]) -> common::Run {
    let mut all = vec!["--as-of", as_of, "--format", "json"];
    all.extend_from_slice(args);
    d.run_as(user, &all)
}

fn ok_as(d: &TestDesk, user: &str, as_of: &str, args: &[&str]) -> common::Run {
    let r = as_user(d, user, as_of, args);
    assert_eq!(r.code, 0, "{user}: duedesk {args:?} failed:\n{}\n{}", r.stdout, r.stderr);
    r
}

fn code(d: &TestDesk, user: &str, as_of: &str, args: &[&str]) -> (i32, String) {
    let r = as_user(d, user, as_of, args);
    (r.code, r.stderr)
}

fn show(d: &TestDesk, as_of: &str, loan: &str) -> Value {
    d.ok(&["--as-of", as_of, "--format", "json", "show", loan]).json()
}

fn stage(d: &TestDesk, as_of: &str, loan: &str) -> String {
    show(d, as_of, loan)["stage"].as_str().expect("stage").to_string()
}

/// The loans an escalation run changed, and its summary line.
fn escalate(d: &TestDesk, as_of: &str) -> (Vec<(String, String, String)>, String) {
    let r = d.ok_on(as_of, &["--as-of", as_of, "--format", "json", "escalate"]);
    let changes = r
        .json()
        .as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            (
                c["loan_id"].as_str().expect("loan").to_string(),
                c["to"].as_str().expect("to").to_string(),
                c["reason"].as_str().expect("reason").to_string(),
            )
        })
        .collect();
    (changes, r.stderr)
}

fn changed<'a>(changes: &'a [(String, String, String)], loan: &str) -> Option<&'a str> {
    changes.iter().find(|c| c.0 == loan).map(|c| c.1.as_str())
}

fn call(d: &TestDesk, user: &str, as_of: &str, now: &str, loan: &str, extra: &[&str]) -> common::Run {
    let mut args = vec!["--as-of", as_of, "--format", "json", "contact", loan, "--outcome", "no_answer"];
    args.extend_from_slice(extra);
    d.command().env("DUEDESK_USER", user).env("DUEDESK_NOW", now).args(&args).output().expect("run").into()
}

#[test]
fn a_hold_is_a_supervisors_with_a_reason_and_an_end_date() {
    let d = desk();
    let hold =
        ["hold", "A-31", "--kind", "dispute", "--until", "2026-03-10", "--reason", "debtor disputes the fee"];
    let (c, err) = code(&d, OWNER, AS_OF, &hold);
    assert_eq!(c, 3, "a collector may not hold: {err}");
    // Bad input: exit 2.
    for bad in [
        &["hold", "A-31", "--kind", "holiday", "--until", "2026-03-10", "--reason", "x"][..],
        &["hold", "A-31", "--kind", "dispute", "--until", "2026-03-10"][..],
        &["hold", "A-31", "--kind", "dispute", "--until", "2026-03-10", "--reason", "  "][..],
        &["hold", "A-31", "--kind", "dispute", "--until", "2026-02-10", "--reason", "over already"][..],
        &[
            "hold",
            "A-31",
            "--kind",
            "dispute",
            "--from",
            "2026-03-05",
            "--until",
            "2026-03-04",
            "--reason",
            "x",
        ][..],
        &["hold", "NOPE", "--kind", "dispute", "--until", "2026-03-10", "--reason", "x"][..],
    ] {
        let (c, err) = code(&d, SUP, AS_OF, bad);
        assert_eq!(c, 2, "{bad:?}: {err}");
    }
    let (c, err) = code(&d, OWNER, AS_OF, &["move", "A-30", "--to", "current", "--reason", "x"]);
    assert_eq!(c, 3, "already in that stage, a refusal by the book's state: {err}");
    let h = ok_as(&d, SUP, AS_OF, &hold).json();
    assert_eq!(h["kind"], "dispute");
    assert_eq!(h["in_force"], true);
    assert_eq!(h["by"], SUP);
    let (c, err) = code(&d, SUP, AS_OF, &hold);
    assert_eq!(c, 3, "one hold at a time: {err}");
    assert!(err.contains("lift it first"), "{err}");

    // Shown in the case, the queue and the list of holds.
    let s = show(&d, AS_OF, "A-31");
    assert_eq!(s["held_until"], "2026-03-10");
    assert_eq!(s["holds"][0]["reason"], "debtor disputes the fee");
    let table = d.ok(&["--as-of", AS_OF, "--format", "table", "show", "A-31"]).stdout;
    assert!(table.contains("on dispute hold until 2026-03-10: no outbound contacts"), "{table}");
    let loans = ok_as(&d, OWNER, AS_OF, &["loans"]).json();
    let row =
        |id: &str| loans.as_array().expect("rows").iter().find(|r| r["loan_id"] == id).expect("row").clone();
    assert_eq!(row("A-31")["held_until"], "2026-03-10");
    assert_eq!(row("A-30")["held_until"], Value::Null);
    let all = ok_as(&d, OWNER, AS_OF, &["holds"]).json();
    assert_eq!(all.as_array().map(Vec::len), Some(1));
    assert_eq!(ok_as(&d, OWNER, AS_OF, &["holds", "A-30"]).json(), serde_json::json!([]));
    // After its end date the hold is no longer shown as in force.
    assert_eq!(show(&d, "2026-03-11", "A-31")["held_until"], Value::Null);
}

#[test]
fn a_hold_stops_escalation_and_calls_until_its_end() {
    let d = desk();
    // Backdated: the dispute was raised on 20 February.
    ok_as(
        &d,
        SUP,
        AS_OF,
        &[
            "hold",
            "A-31",
            "--kind",
            "dispute",
            "--from",
            "2026-02-20",
            "--until",
            "2026-03-10",
            "--reason",
            "fee disputed",
        ],
    );
    assert_eq!(show(&d, AS_OF, "A-31")["holds"][0]["from_on"], "2026-02-20");
    let (changes, summary) = escalate(&d, AS_OF);
    assert_eq!(changed(&changes, "A-31"), None, "held: {changes:?}");
    assert_eq!(changed(&changes, "A-30"), Some("reminder"));
    assert!(summary.contains("on hold 1"), "{summary}");
    assert_eq!(stage(&d, AS_OF, "A-31"), "current");

    // Collection calls are refused while it holds, naming the hold and its end.
    let now = "2026-03-01T10:00:00+08:00";
    let r = call(&d, OWNER, AS_OF, now, "A-31", &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("dispute hold until 2026-03-10"), "{}", r.stderr);
    let r = call(&d, OWNER, AS_OF, now, "A-31", &["--channel", "sms"]);
    assert_eq!(r.code, 3, "an SMS too: {}", r.stderr);
    let r = call(&d, OWNER, AS_OF, now, "A-31", &["--override-rule", "the debtor asked for a call"]);
    assert_eq!(r.code, 3, "only a supervisor overrides: {}", r.stderr);
    // The debtor may still call in.
    let r = call(&d, OWNER, AS_OF, now, "A-31", &["--inbound"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = call(&d, SUP, AS_OF, "2026-03-01T11:00:00+08:00", "A-31", &["--override-rule", "lawyer asked"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["overridden"], "hold");

    // The day after its end: escalation and calls go on.
    let (changes, _) = escalate(&d, "2026-03-11");
    assert_eq!(changed(&changes, "A-31"), Some("negotiation"), "{changes:?}");
    let r = call(&d, OWNER, "2026-03-11", "2026-03-11T10:00:00+08:00", "A-31", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn a_hold_lets_a_cure_through_and_a_lift_ends_it() {
    let d = desk();
    ok_as(
        &d,
        SUP,
        AS_OF,
        &["hold", "G-61", "--kind", "hardship", "--until", "2026-04-30", "--reason", "hospital"],
    );
    let (changes, _) = escalate(&d, AS_OF);
    assert_eq!(changed(&changes, "G-61"), None);
    let (c, err) = code(&d, OWNER, "2026-03-05", &["hold-lift", "G-61", "--reason", "back at work"]);
    assert_eq!(c, 3, "a collector may not lift: {err}");
    let (c, err) = code(&d, SUP, "2026-03-05", &["hold-lift", "A-30", "--reason", "x"]);
    assert_eq!(c, 3, "no hold to lift: {err}");
    ok_as(&d, SUP, "2026-03-05", &["hold-lift", "G-61", "--reason", "back at work"]);
    let h = &show(&d, "2026-03-05", "G-61")["holds"][0];
    assert_eq!(
        (h["lifted_on"].as_str(), h["lifted_by"].as_str(), h["in_force"].as_bool()),
        (Some("2026-03-05"), Some(SUP), Some(false))
    );
    let (changes, _) = escalate(&d, "2026-03-05");
    assert_eq!(changed(&changes, "G-61"), Some("guarantor"), "{changes:?}");

    // A cure still applies on a held loan, and says so.
    ok_as(
        &d,
        SUP,
        "2026-03-05",
        &["hold", "A-30", "--kind", "hardship", "--until", "2026-04-30", "--reason", "flood"],
    );
    let pay = d.write("pay.csv", "loan_id,paid_on,amount\nA-30,2026-03-04,10100.00\n");
    d.ok_on("2026-03-05", &["--as-of", "2026-03-05", "import", "payments", TestDesk::path_str(&pay)]);
    let (changes, _) = escalate(&d, "2026-03-05");
    let cure = changes.iter().find(|c| c.0 == "A-30").expect("A-30 changes");
    assert_ne!(cure.1, "reminder");
    assert!(cure.2.contains("on hold until 2026-04-30"), "{cure:?}");
}

#[test]
fn a_manual_move_by_role_and_then_an_automatic_run() {
    let d = desk();
    let fwd = ["move", "A-30", "--to", "negotiation", "--reason", "refuses to talk"];
    let (c, err) = code(&d, OTHER, AS_OF, &fwd);
    assert_eq!(c, 3, "not the owner: {err}");
    for bad in [
        &["move", "A-30", "--to", "negotiation"][..],
        &["move", "A-30", "--to", "negotiation", "--reason", " "][..],
        &["move", "A-30", "--to", "limbo", "--reason", "x"][..],
        &["move", "A-30", "--to", "written_off", "--reason", "x"][..],
        &["move", "N-61", "--to", "guarantor", "--reason", "no guarantor"][..],
    ] {
        let (c, err) = code(&d, OWNER, AS_OF, bad);
        assert_eq!(c, 2, "{bad:?}: {err}");
    }
    let v = show(&d, AS_OF, "A-30")["version"].as_i64().expect("version");
    ok_as(&d, OWNER, AS_OF, &fwd);
    let s = show(&d, AS_OF, "A-30");
    assert_eq!(s["stage"], "negotiation");
    let ev = &s["stage_events"][0];
    assert_eq!((ev["actor"].as_str(), ev["to"].as_str()), (Some(OWNER), Some("negotiation")));
    assert!(ev["reason"].as_str().expect("reason").contains("refuses to talk"));
    // A stale version is refused.
    let stale = ["move", "A-30", "--to", "legal", "--reason", "x", "--expect-version", &v.to_string()];
    let (c, err) = code(&d, OWNER, AS_OF, &stale);
    assert_eq!(c, 3, "{err}");
    assert!(err.contains("reload"), "{err}");

    // Moving back needs a supervisor.
    let back = ["move", "A-30", "--to", "reminder", "--reason", "moved too early"];
    let (c, err) = code(&d, OWNER, AS_OF, &back);
    assert_eq!(c, 3, "{err}");
    ok_as(&d, SUP, AS_OF, &back);
    ok_as(&d, OWNER, AS_OF, &fwd);

    // The run continues from the manual stage, forward only.
    let (changes, _) = escalate(&d, AS_OF);
    assert_eq!(changed(&changes, "A-30"), None, "not moved back to its band: {changes:?}");
    let (changes, _) = escalate(&d, "2026-04-01");
    assert_eq!(changed(&changes, "A-30"), None, "DPD 61, no guarantor: stays in negotiation");
    let (changes, _) = escalate(&d, "2026-05-01");
    assert_eq!(changed(&changes, "A-30"), Some("legal"), "DPD 91: {changes:?}");
    let events = show(&d, "2026-05-01", "A-30")["stage_events"].as_array().expect("events").clone();
    assert_eq!(events.first().expect("newest")["actor"], "policy");
}

#[test]
fn write_off_then_reopen_by_a_supervisor() {
    let d = desk();
    escalate(&d, AS_OF);
    assert_eq!(stage(&d, AS_OF, "G-91"), "legal");
    let wo = ["write-off", "G-91", "--reason", "estate empty"];
    let (c, err) = code(&d, OWNER, AS_OF, &wo);
    assert_eq!(c, 3, "{err}");
    let (c, err) = code(&d, SUP, AS_OF, &["write-off", "G-91"]);
    assert_eq!(c, 2, "a reason is required: {err}");
    ok_as(&d, SUP, AS_OF, &wo);
    let s = show(&d, AS_OF, "G-91");
    assert_eq!((s["stage"].as_str(), s["written_off_on"].as_str()), (Some("written_off"), Some(AS_OF)));
    let (c, err) = code(&d, SUP, AS_OF, &wo);
    assert_eq!(c, 3, "already written off: {err}");
    let (c, err) = code(&d, SUP, AS_OF, &["move", "G-91", "--to", "legal", "--reason", "x"]);
    assert_eq!(c, 3, "a written-off loan does not move: {err}");
    let (changes, _) = escalate(&d, "2026-03-02");
    assert_eq!(changed(&changes, "G-91"), None, "written off untouched");

    let re = ["reopen", "G-91", "--reason", "wrong loan written off"];
    let (c, err) = code(&d, OWNER, "2026-03-02", &re);
    assert_eq!(c, 3, "{err}");
    ok_as(&d, SUP, "2026-03-02", &re);
    let s = show(&d, "2026-03-02", "G-91");
    assert_eq!((s["stage"].as_str(), s["written_off_on"].as_str()), (Some("legal"), None));
    assert_eq!(s["status"], "active");
    let last = s["stage_events"].as_array().and_then(|e| e.first()).expect("event (newest first)").clone();
    assert_eq!(
        (last["from"].as_str(), last["to"].as_str(), last["actor"].as_str()),
        (Some("written_off"), Some("legal"), Some(SUP))
    );
    let (c, err) = code(&d, SUP, "2026-03-02", &re);
    assert_eq!(c, 3, "not written off: {err}");
}

#[test]
fn agency_placement_on_negotiation_and_legal_cases_only() {
    let d = desk();
    escalate(&d, AS_OF);
    let (c, err) = code(&d, SUP, AS_OF, &["agency", "A-30", "--on", "华信催收"]);
    assert_eq!(c, 3, "a reminder case: {err}");
    let (c, err) = code(&d, SUP, AS_OF, &["agency", "C-0", "--on", "华信催收"]);
    assert_eq!(c, 3, "a current case: {err}");
    let (c, err) = code(&d, OWNER, AS_OF, &["agency", "N-61", "--on", "华信催收"]);
    assert_eq!(c, 3, "a collector: {err}");
    let (c, err) = code(&d, SUP, AS_OF, &["agency", "N-61"]);
    assert_eq!(c, 2, "--on or --off: {err}");
    let (c, err) = code(&d, SUP, AS_OF, &["agency", "N-61", "--off"]);
    assert_eq!(c, 2, "--off needs a reason: {err}");
    ok_as(&d, SUP, AS_OF, &["agency", "N-61", "--on", "华信催收"]);
    let s = show(&d, AS_OF, "N-61");
    assert_eq!((s["agency"].as_bool(), s["agency_name"].as_str()), (Some(true), Some("华信催收")));
    ok_as(&d, SUP, AS_OF, &["agency", "N-61", "--off", "--reason", "agency contract ended"]);
    let s = show(&d, AS_OF, "N-61");
    assert_eq!((s["agency"].as_bool(), s["agency_name"].as_str()), (Some(false), None));
    let (c, err) = code(&d, SUP, AS_OF, &["agency", "N-61", "--off", "--reason", "again"]);
    assert_eq!(c, 3, "not placed: {err}");
}

/// (kind, done_on, note) of a loan's tasks, open and done, in `show`'s order.
fn tasks_of(d: &TestDesk, as_of: &str, loan: &str) -> Vec<(String, Option<String>, Option<String>)> {
    show(d, as_of, loan)["tasks"]
        .as_array()
        .expect("tasks")
        .iter()
        .map(|t| {
            (
                t["kind"].as_str().expect("kind").to_string(),
                t["done_on"].as_str().map(str::to_string),
                t["note"].as_str().map(str::to_string),
            )
        })
        .collect()
}

fn open_kinds(d: &TestDesk, as_of: &str, loan: &str) -> Vec<String> {
    let mut v: Vec<String> =
        tasks_of(d, as_of, loan).into_iter().filter(|t| t.1.is_none()).map(|t| t.0).collect();
    v.sort();
    v
}

#[test]
fn a_manual_move_creates_the_entered_stages_work_and_a_move_back_closes_the_left_ones() {
    let d = desk();
    // By hand, before any run: the entered stage's work, as a run would add it, by the user.
    ok_as(&d, OWNER, AS_OF, &["move", "A-30", "--to", "reminder", "--reason", "first call due"]);
    assert_eq!(open_kinds(&d, AS_OF, "A-30"), ["call", "dunning_notice"]);
    let t = &show(&d, AS_OF, "A-30")["tasks"][0];
    assert_eq!((t["created_by"].as_str(), t["due_on"].as_str()), (Some(OWNER), Some(AS_OF)));
    ok_as(&d, OWNER, AS_OF, &["move", "A-30", "--to", "legal", "--reason", "absconded"]);
    assert_eq!(open_kinds(&d, AS_OF, "A-30"), ["call", "dunning_notice", "legal_packet"]);

    // Back to negotiation (a supervisor): the legal packet no longer applies and is closed with
    // why; the reminder's work stays, the negotiation's is added.
    ok_as(&d, SUP, AS_OF, &["move", "A-30", "--to", "negotiation", "--reason", "agreed to talk"]);
    assert_eq!(open_kinds(&d, AS_OF, "A-30"), ["call", "dunning_notice", "plan_offer"]);
    let closed: Vec<_> = tasks_of(&d, AS_OF, "A-30").into_iter().filter(|t| t.1.is_some()).collect();
    assert_eq!(closed.len(), 1, "{closed:?}");
    assert_eq!(closed[0].0, "legal_packet");
    assert_eq!(closed[0].1.as_deref(), Some(AS_OF));
    let note = closed[0].2.as_deref().expect("note");
    assert!(
        note.contains("moved back from legal to negotiation") && note.contains("agreed to talk"),
        "{note}"
    );

    // The automatic run after the manual moves adds nothing twice.
    escalate(&d, AS_OF);
    assert_eq!(open_kinds(&d, AS_OF, "A-30"), ["call", "dunning_notice", "plan_offer"]);
    assert_eq!(tasks_of(&d, AS_OF, "A-30").len(), 4, "history kept, nothing deleted");

    // A write-off closes the open work; a reopen gives the restored stage its work again.
    assert_eq!(stage(&d, AS_OF, "G-91"), "legal");
    assert_eq!(open_kinds(&d, AS_OF, "G-91"), ["legal_packet"]);
    ok_as(&d, SUP, AS_OF, &["write-off", "G-91", "--reason", "estate empty"]);
    assert!(open_kinds(&d, AS_OF, "G-91").is_empty());
    let t = &tasks_of(&d, AS_OF, "G-91")[0];
    assert!(t.2.as_deref().is_some_and(|n| n.contains("written off: estate empty")), "{t:?}");
    ok_as(&d, SUP, AS_OF, &["reopen", "G-91", "--reason", "wrong loan"]);
    assert_eq!(open_kinds(&d, AS_OF, "G-91"), ["legal_packet"]);
    assert_eq!(tasks_of(&d, AS_OF, "G-91").len(), 2);
}

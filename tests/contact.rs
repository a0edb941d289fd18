//! Logging contacts from the command line under the conduct rules (DOMAIN §7).

mod common;

use common::{AS_OF, TestDesk};
use serde_json::Value;

/// The demo book is as of 2026-03-01; contacts are logged some days later so the book's own
/// history does not crowd the day's counts.
const LATER: &str = "2026-03-10";

fn at(time: &str) -> String {
    format!("{LATER}T{time}:00+08:00")
}

struct Case {
    desk: TestDesk,
    loan: String,
    owner: String,
    other_collector: String,
}

fn case() -> Case {
    let desk = TestDesk::new();
    desk.ok(&["--as-of", AS_OF, "demo", "--seed", "7"]);
    let rows = desk.ok(&["--as-of", AS_OF, "loans", "--stage", "reminder", "--format", "json"]).json();
    let row =
        rows.as_array().expect("array").iter().find(|r| r["assignee"].is_string()).cloned().expect("a case");
    let owner = row["assignee"].as_str().expect("owner").to_string();
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
    Case { desk, loan: row["loan_id"].as_str().expect("id").to_string(), owner, other_collector }
}

impl Case {
    fn contact(&self, user: &str, time: &str, extra: &[&str]) -> common::Run {
        let mut args = vec!["--as-of", LATER, "contact", &self.loan];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--format", "json"]);
        self.desk
            .command()
            .env("DUEDESK_USER", user)
            .env("DUEDESK_NOW", at(time))
            .args(&args)
            .output()
            .expect("run")
            .into()
    }

    fn show(&self) -> Value {
        self.desk.ok(&["--as-of", LATER, "show", &self.loan, "--format", "json"]).json()
    }
}

#[test]
fn a_call_is_logged_and_shows_in_the_case() {
    let c = case();
    let r = c.contact(&c.owner, "10:00", &["--outcome", "no_answer", "--note", "无人接听"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let logged = r.json();
    assert!(logged["contact_id"].as_i64().is_some());
    let show = c.show();
    let newest = &show["contacts"][0];
    assert_eq!(newest["outcome"], "no_answer");
    assert_eq!(newest["note"], "无人接听");
    assert_eq!(newest["user"], c.owner.as_str());
    assert_eq!(newest["at"], at("10:00").as_str());
    assert_eq!(show["last_contact_at"], at("10:00").as_str());
}

#[test]
fn quiet_hours_refuse_with_the_rule_and_the_next_allowed_time() {
    let c = case();
    let r = c.contact(&c.owner, "22:00", &["--outcome", "no_answer"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("quiet_hours"), "{}", r.stderr);
    assert!(r.stderr.contains("next allowed 2026-03-11 08:00"), "{}", r.stderr);
    assert_eq!(c.contact(&c.owner, "21:59", &["--outcome", "no_answer"]).code, 0);
    let asked = c.contact(&c.owner, "22:30", &["--outcome", "callback", "--debtor-asked"]);
    assert_eq!(asked.code, 0, "{}", asked.stderr);
}

#[test]
fn a_supervisor_overrides_with_a_reason_that_is_recorded() {
    let c = case();
    let r = c.contact(&c.owner, "23:00", &["--outcome", "no_answer", "--override-rule", "debtor emergency"]);
    assert_eq!(r.code, 3, "a collector cannot override: {}", r.stderr);
    let r = c.contact(
        "zhao.min",
        "23:00",
        &[
            "--outcome",
            "promise",
            "--promise-amount",
            "500",
            "--promise-date",
            "2026-03-15",
            "--override-rule",
            "借款人要求晚间回电",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.json()["overridden"], "quiet_hours");
    let show = c.show();
    assert_eq!(show["contacts"][0]["override_rule"], "quiet_hours");
    assert_eq!(show["contacts"][0]["override_reason"], "借款人要求晚间回电");
    let promise = &show["promises"][0];
    assert_eq!(promise["amount"], "500.00");
    assert_eq!(promise["due_on"], "2026-03-15");
    assert_eq!(promise["status"], "active");
}

#[test]
fn the_seventh_attempt_to_one_number_is_refused() {
    let c = case();
    for i in 0..6 {
        let r = c.contact(&c.owner, &format!("10:0{i}"), &["--outcome", "no_answer"]);
        assert_eq!(r.code, 0, "attempt {}: {}", i + 1, r.stderr);
    }
    let r = c.contact(&c.owner, "10:30", &["--outcome", "no_answer"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("calls_per_number"), "{}", r.stderr);
    // An SMS is not a call attempt.
    assert_eq!(c.contact(&c.owner, "10:31", &["--channel", "sms", "--outcome", "left_message"]).code, 0);
}

#[test]
fn collectors_work_their_own_cases() {
    let c = case();
    let r = c.contact(&c.other_collector, "10:00", &["--outcome", "no_answer"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains(&c.owner), "{}", r.stderr);
    let r = c.contact("nobody.here", "10:00", &["--outcome", "no_answer"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
}

#[test]
fn third_party_needs_three_failed_attempts_and_an_acknowledgement() {
    let c = case();
    let third = ["--party", "third_party", "--phone", "13700000000", "--outcome", "left_message"];
    let r = c.contact(&c.owner, "09:00", &third);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("third_party_disclosure"), "{}", r.stderr);
    let mut acked = third.to_vec();
    acked.push("--no-disclosure-ack");
    for i in 0..3 {
        // Whatever the demo history holds, three fresh failures make the count.
        let r = c.contact(&c.owner, &format!("10:0{i}"), &["--outcome", "busy"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let r = c.contact(&c.owner, "11:00", &acked);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn bad_contact_input_is_exit_2() {
    let c = case();
    let r = c.contact(&c.owner, "10:00", &["--outcome", "promise"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = c.contact(
        &c.owner,
        "10:00",
        &["--outcome", "no_answer", "--promise-amount", "5", "--promise-date", "2026-03-20"],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = c.contact(
        &c.owner,
        "10:00",
        &["--outcome", "promise", "--promise-amount", "5", "--promise-date", "2026-03-01"],
    );
    assert_eq!(r.code, 2, "a promise dated before today: {}", r.stderr);
    let r = c.contact(&c.owner, "10:00", &["--outcome", "shouted"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn us_regf_holds_calls_for_a_week_after_a_conversation() {
    let c = case();
    c.desk.ok(&["settings", "set", "conduct_profile", "us-regf"]);
    let r = c.contact(&c.owner, "10:00", &["--outcome", "callback"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = c.contact(&c.owner, "11:00", &["--outcome", "no_answer"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("after_conversation") && r.stderr.contains("2026-03-17 10:00"), "{}", r.stderr);
    // Quiet hours start at 21:00 under Regulation F.
    let r = c.contact(&c.owner, "21:00", &["--channel", "sms", "--outcome", "left_message"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
}

fn row_of(c: &Case, as_of: &str) -> Value {
    let rows = c.desk.ok(&["--as-of", as_of, "loans", "--format", "json"]).json();
    rows.as_array().expect("array").iter().find(|r| r["loan_id"] == c.loan.as_str()).cloned().expect("row")
}

#[test]
fn promises_show_in_the_queue_kept_or_broken() {
    let c = case();
    let r = c.contact(
        &c.owner,
        "10:00",
        &["--outcome", "promise", "--promise-amount", "300", "--promise-date", "2026-03-12"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let row = row_of(&c, LATER);
    assert_eq!(row["promise_due_on"], "2026-03-12");
    assert_eq!(row["promise_status"], "active");
    // Nothing paid by the promise date plus a day of grace: broken.
    assert_eq!(row_of(&c, "2026-03-14")["promise_status"], "broken");
    let broken = c
        .desk
        .ok(&[
            "--as-of",
            "2026-03-14",
            "promises",
            "--status",
            "broken",
            "--due-from",
            "2026-03-12",
            "--format",
            "json",
        ])
        .json();
    assert!(broken.as_array().expect("array").iter().any(|p| p["loan_id"] == c.loan.as_str()));
    // Paid within the grace day: kept.
    let pay = c.desk.write("pay.csv", &format!("loan_id,paid_on,amount\n{},2026-03-13,300.00\n", c.loan));
    c.desk.ok_on("2026-03-13", &["--as-of", LATER, "import", "payments", TestDesk::path_str(&pay)]);
    assert_eq!(row_of(&c, "2026-03-14")["promise_status"], "kept");
    let kept =
        c.desk.ok(&["--as-of", "2026-03-14", "promises", "--assignee", &c.owner, "--format", "json"]).json();
    let mine = kept
        .as_array()
        .expect("array")
        .iter()
        .find(|p| p["loan_id"] == c.loan.as_str())
        .cloned()
        .expect("listed");
    assert_eq!(mine["status"], "kept");
    assert_eq!(mine["amount"], "300.00");
}

#[test]
fn next_action_is_set_and_a_stale_edit_is_refused() {
    let c = case();
    let version = c.show()["version"].as_i64().expect("version");
    let set = |user: &str, args: &[&str]| -> common::Run {
        let mut all = vec!["--as-of", LATER, "next-action", &c.loan];
        all.extend_from_slice(args);
        c.desk
            .command()
            .env("DUEDESK_USER", user)
            .env("DUEDESK_NOW", at("10:00"))
            .args(&all)
            .output()
            .expect("run")
            .into()
    };
    let v = version.to_string();
    let r = set(&c.owner, &["2026-03-12", "--kind", "visit", "--expect-version", &v]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let show = c.show();
    assert_eq!(show["next_action_on"], "2026-03-12");
    assert_eq!(show["version"].as_i64(), Some(version + 1));
    // Another desk still holding the old version is told who changed the case.
    let r = set("zhao.min", &["2026-03-13", "--expect-version", &v]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("changed by {}", c.owner)) && r.stderr.contains("reload"),
        "{}",
        r.stderr
    );
    assert_eq!(c.show()["next_action_on"], "2026-03-12");
    let r = set(&c.owner, &["2026-03-01"]);
    assert_eq!(r.code, 2, "a date in the past: {}", r.stderr);
    let r = set(&c.owner, &["--clear"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(c.show()["next_action_on"], Value::Null);
}

#[test]
fn a_note_on_a_call_is_a_correction_that_leaves_last_contact_where_it_was() {
    let c = case();
    let r = c.contact(&c.owner, "10:00", &["--outcome", "no_answer"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let id = r.json()["contact_id"].as_i64().expect("id").to_string();
    // What `:note 关机` sends an hour later: a correction of that call with the note.
    let r = c.contact(&c.owner, "11:00", &["--outcome", "no_answer", "--note", "关机", "--corrects", &id]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let show = c.show();
    assert_eq!(show["last_contact_at"], at("10:00").as_str(), "a note is no contact");
    assert_eq!(show["contacts"][0]["corrects"].as_i64().map(|i| i.to_string()), Some(id));
    let show_table = ["--as-of", LATER, "show", &c.loan, "--format", "table"];
    let text: common::Run =
        c.desk.command().env("COLUMNS", "160").args(show_table).output().expect("run").into();
    assert!(text.stdout.contains("correction of 10:00: 关机"), "{}", text.stdout);
    // The list's last contact stays too.
    let rows = c.desk.ok(&["--as-of", LATER, "loans", "--search", &c.loan, "--format", "json"]).json();
    assert_eq!(rows[0]["last_contact_at"], at("10:00").as_str());
}

/// The id of the contact a run logged.
fn logged_id(r: &common::Run) -> String {
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.json()["contact_id"].as_i64().expect("contact id").to_string()
}

#[test]
fn a_correction_amends_the_outcome_and_note_of_the_record_it_corrects() {
    let c = case();
    let sms = logged_id(&c.contact(&c.owner, "10:00", &["--channel", "sms", "--outcome", "left_message"]));
    let r = c.contact(&c.owner, "10:05", &["--corrects", &sms, "--outcome", "no_answer", "--note", "未送达"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let newest = &c.show()["contacts"][0];
    assert_eq!(newest["corrects"].as_i64().map(|i| i.to_string()), Some(sms.clone()));
    assert_eq!((&newest["outcome"], &newest["note"]), (&Value::from("no_answer"), &Value::from("未送达")));
    // What the record was stays the original's: an SMS to the debtor, not the command's defaults.
    assert_eq!((&newest["channel"], &newest["party"]), (&Value::from("sms"), &Value::from("debtor")));
    // A correction of a correction corrects the original.
    let second = logged_id(&c.contact(
        &c.owner,
        "10:06",
        &["--corrects", &r.json()["contact_id"].to_string(), "--outcome", "busy"],
    ));
    let newest = &c.show()["contacts"][0];
    assert_eq!(newest["id"].to_string(), second);
    assert_eq!(newest["corrects"].as_i64().map(|i| i.to_string()), Some(sms.clone()));
    // The note it amends is text like any other: no control or direction characters.
    let stored = c.show()["contacts"].as_array().map_or(0, Vec::len);
    for note in ["未送达\u{1b}]52;c;aGk=\u{7}", "\u{202e}kcab llac"] {
        let r = c.contact(&c.owner, "10:07", &["--corrects", &sms, "--outcome", "busy", "--note", note]);
        assert_eq!(r.code, 2, "{note:?}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains("the note"), "{}", r.stderr);
    }
    assert_eq!(c.show()["contacts"].as_array().map_or(0, Vec::len), stored, "nothing was stored");
}

#[test]
fn a_correction_cannot_add_an_attempt_a_party_or_a_promise() {
    let c = case();
    let call = logged_id(&c.contact(&c.owner, "10:00", &["--outcome", "no_answer"]));
    let before = c.show()["contacts"].as_array().map_or(0, Vec::len);
    // Each of these would be a new contact (at 23:00, in the quiet hours) dressed as a correction.
    for extra in [
        &["--party", "third_party", "--phone", "13700000000", "--outcome", "left_message"][..],
        &["--channel", "visit", "--outcome", "refused"],
        &["--inbound", "--outcome", "callback"],
        &["--phone", "13911112222", "--outcome", "no_answer"],
        &["--outcome", "promise", "--promise-amount", "500", "--promise-date", "2026-03-12"],
        &["--outcome", "promise"],
        &["--outcome", "refused", "--override-rule", "晚间"],
    ] {
        let mut args = vec!["--corrects", call.as_str()];
        args.extend_from_slice(extra);
        let r = c.contact("zhao.min", "23:00", &args);
        assert_eq!(r.code, 2, "{extra:?}: {}{}", r.stdout, r.stderr);
    }
    assert_eq!(c.show()["contacts"].as_array().map_or(0, Vec::len), before, "nothing was stored");
    assert_eq!(c.show()["promises"].as_array().map_or(0, Vec::len), 0, "no promise was made");
    // A correction counts toward no cap: five calls, a correction, and the sixth call still goes.
    for i in 1..5 {
        logged_id(&c.contact(&c.owner, &format!("10:0{i}"), &["--outcome", "no_answer"]));
    }
    logged_id(&c.contact(&c.owner, "10:10", &["--corrects", &call, "--outcome", "busy"]));
    logged_id(&c.contact(&c.owner, "10:11", &["--outcome", "no_answer"]));
    let r = c.contact(&c.owner, "10:12", &["--outcome", "no_answer"]);
    assert_eq!(r.code, 3, "the seventh attempt: {}", r.stderr);
}

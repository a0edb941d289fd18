//! A run dated by a typo cannot lock the book: a real run is refused for a date after today by
//! the clock (a dry run may look anywhere), and an admin can undo the last run, its moves
//! reversed as events of their own, audited, so the correct run is accepted again.

mod common;

use common::{AS_OF, TestDesk};
use serde_json::Value;

// Bullet loans of one month: DPD on 2026-03-01 is the days since the maturity.
const LOANS: &str = "\
loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on,assignee
A-30,赵一,bullet,10000.00,12,1,2025-12-30,wang.fang
A-31,钱二,bullet,10000.00,12,1,2025-12-29,wang.fang
C-0,吴六,bullet,10000.00,12,1,2026-02-15,wang.fang
";

fn desk() -> TestDesk {
    let d = TestDesk::new();
    let file = d.write("loans.csv", LOANS);
    d.ok(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file)]);
    d.ok(&["users", "add", "boss", "--role", "supervisor"]);
    d.ok(&["settings", "set", "trust_env_user", "true"]);
    d
}

fn show(d: &TestDesk, as_of: &str, loan: &str) -> Value {
    d.ok(&["--as-of", as_of, "show", loan, "--format", "json"]).json()
}

fn stages(d: &TestDesk, as_of: &str) -> Vec<String> {
    ["A-30", "A-31", "C-0"]
        .iter()
        .map(|l| show(d, as_of, l)["stage"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_real_run_for_a_date_after_today_is_refused_and_a_dry_run_may_look() {
    let d = desk();
    let r = d.run(&["--as-of", "2062-03-01", "escalate"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("2062-03-01") && r.stderr.contains("2026-03-01"), "{}", r.stderr);
    assert_eq!(stages(&d, AS_OF), ["current", "current", "current"]);
    let r = d.ok(&["--as-of", "2062-03-01", "--format", "json", "escalate", "--dry-run"]);
    assert_eq!(r.json().as_array().map(Vec::len), Some(3));
    // Today is fine, and so is the clock's own date however it is reached.
    d.ok(&["--as-of", AS_OF, "escalate"]);
    d.ok_on("2026-03-02", &["--as-of", "2026-03-02", "escalate"]);
}

#[test]
fn an_admin_undoes_the_last_run_and_the_correct_run_is_accepted() {
    let d = desk();
    d.ok(&["--as-of", AS_OF, "escalate"]);
    assert_eq!(stages(&d, AS_OF), ["reminder", "negotiation", "current"]);
    // A run dated ahead (the clock had reached it, the date was still wrong).
    let ahead = "2026-06-01";
    d.ok_on(ahead, &["--as-of", ahead, "escalate"]);
    assert_eq!(stages(&d, ahead), ["legal", "legal", "negotiation"]);
    let r = d.run_on(ahead, &["--as-of", "2026-03-02", "escalate"]);
    assert_ne!(r.code, 0, "an earlier date is refused while that run stands: {}", r.stderr);

    // Only an admin undoes a run.
    let r = d.run_as("boss", &["escalate", "undo", "--reason", "typo"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let r = d.run(&["escalate", "undo"]);
    assert_eq!(r.code, 2, "a reason is needed: {}", r.stderr);
    let r = d.ok(&["--format", "json", "escalate", "undo", "--reason", "typed 06 for 03"]);
    let undone = r.json();
    assert_eq!(undone["as_of"], ahead);
    assert_eq!(undone["reversed"], 3);
    assert_eq!(stages(&d, AS_OF), ["reminder", "negotiation", "current"]);

    // Every move is history: the run's, and its reversal by the admin.
    let ev = &show(&d, AS_OF, "C-0")["stage_events"];
    let events: Vec<(String, String)> = ev
        .as_array()
        .expect("events")
        .iter()
        .map(|e| (e["from"].as_str().unwrap_or("").into(), e["to"].as_str().unwrap_or("").into()))
        .collect();
    assert!(events.contains(&("current".into(), "negotiation".into())), "{events:?}");
    assert!(events.contains(&("negotiation".into(), "current".into())), "{events:?}");
    let audit = d.ok(&["audit", "--format", "json"]).json();
    let actions: Vec<&str> =
        audit.as_array().expect("audit").iter().filter_map(|a| a["action"].as_str()).collect();
    assert!(actions.contains(&"escalate_undo"), "{actions:?}");
    d.ok(&["audit", "verify"]);

    // The correct run goes through and does what it should have.
    let day = "2026-03-02";
    d.ok_on(day, &["--as-of", day, "escalate"]);
    assert_eq!(stages(&d, day), ["negotiation", "negotiation", "current"]);
}

#[test]
fn an_undo_leaves_a_loan_moved_since_the_run_as_it_is() {
    let d = desk();
    d.ok(&["--as-of", AS_OF, "escalate"]);
    let ahead = "2026-05-01";
    d.ok_on(ahead, &["--as-of", ahead, "escalate"]);
    assert_eq!(stages(&d, ahead), ["legal", "legal", "negotiation"]);
    // A supervisor moves A-30 back by hand after the run: that decision stands.
    d.ok_on(ahead, &["--as-of", ahead, "move", "A-30", "--to", "negotiation", "--reason", "协商中"]);
    let r = d.ok_on(ahead, &["--format", "json", "escalate", "undo", "--reason", "wrong date"]);
    let undone = r.json();
    assert_eq!(undone["reversed"], 2);
    assert_eq!(undone["left"].as_array().map(Vec::len), Some(1), "{undone}");
    assert_eq!(undone["left"][0]["loan_id"], "A-30");
    assert_eq!(stages(&d, AS_OF), ["negotiation", "negotiation", "current"]);
    // Nothing left to undo after the first run is undone too.
    d.ok_on(ahead, &["escalate", "undo", "--reason", "start over"]);
    let r = d.run_on(ahead, &["escalate", "undo", "--reason", "again"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
}

//! Availability and crashes (issue #14, items 15–18): reads beside a writer, no panics on odd
//! input or a closed pipe, no store made by a mistyped path.

mod common;

use common::{AS_OF, TestDesk};

fn demo_desk() -> TestDesk {
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--loans", "200", "--seed", "7"]);
    d
}

#[test]
fn a_due_within_past_the_calendar_lists_what_falls_due_instead_of_panicking() {
    let d = demo_desk();
    let all = d.ok(&["--as-of", AS_OF, "loans", "--due-within", "100000000", "--format", "json"]).json();
    let near = d.ok(&["--as-of", AS_OF, "loans", "--due-within", "30", "--format", "json"]).json();
    let (all, near) = (all.as_array().expect("rows").len(), near.as_array().expect("rows").len());
    assert!(all >= near && all > 0, "{all} loans due ever, {near} within 30 days");
}

#[test]
fn an_import_of_an_endless_file_stops_at_the_record_limit_naming_file_and_line() {
    let d = demo_desk();
    let r = d.run(&["import", "loans", "/dev/zero"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.starts_with("/dev/zero:1: row: the header row runs past 1048576 bytes"), "{}", r.stderr);
}

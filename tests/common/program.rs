//! Whether an external program a test drives (tmux) is installed, decided the same way for
//! every such test.

use std::process::{Command, Stdio};

/// Whether `name` runs (`name PROBE…` exits 0), so a test that needs it can go on. Under CI
/// (`CI` set, and not `false` or `0`) a missing program fails the test: CI installs it
/// (`.ci/run`), and a test that passes by skipping there would prove nothing. Elsewhere the test
/// is skipped with a line saying so.
pub fn available(name: &str, probe: &[&str]) -> bool {
    decide(name, runs(name, probe), on_ci())
}

/// Whether the tests run under CI.
pub fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "false" | "0"))
}

/// Whether `name PROBE…` starts and exits 0.
pub fn runs(name: &str, probe: &[&str]) -> bool {
    Command::new(name).args(probe).stdin(Stdio::null()).output().is_ok_and(|o| o.status.success())
}

/// Goes on (`true`) when the program was found; otherwise fails under CI and skips elsewhere.
pub fn decide(name: &str, found: bool, ci: bool) -> bool {
    if found {
        return true;
    }
    assert!(!ci, "{name} is not installed: under CI this test fails rather than skips (.ci/run installs it)");
    eprintln!("SKIPPED: {name} is not installed (under CI=true this test fails instead)");
    false
}

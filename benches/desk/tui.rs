//! The real desk in tmux: its peak memory over a session, and its first frame as seen from outside.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use crate::binary::{bin, max_rss};
use crate::report::{Table, mb, ms};
use crate::setup::{AS_OF, NOW, Res, SIZE};

/// The real desk in tmux under `/usr/bin/time -v`: open, page the queue, jump to the end, filter,
/// open a case, quit. The max RSS is the whole process's peak.
pub fn tui_memory(work: &Path, name: &str, table: &mut Table) -> Res<()> {
    if Command::new("tmux").arg("-V").output().is_err() {
        table.add("TUI peak memory", "skipped: no tmux".into(), "≤ 100 MB", "—".into());
        return Ok(());
    }
    let sock = format!("duedesk-bench-{}", std::process::id());
    let report = std::env::temp_dir().join(format!("{sock}.time"));
    let _ = std::fs::remove_file(&report);
    // A socket of its own, removed at the end (tmux leaves the file behind).
    let sock_path = std::env::temp_dir().join(&sock);
    let tmux = |args: &[&str]| Command::new("tmux").arg("-S").arg(&sock_path).args(args).output();
    let cmd = format!(
        "DUEDESK_NOW={NOW} NO_COLOR=1 /usr/bin/time -v -o {} {} --db {} --as-of {AS_OF}",
        report.display(),
        bin(),
        work.display()
    );
    let (w, h) = (SIZE.0.to_string(), SIZE.1.to_string());
    tmux(&["-f", "/dev/null", "new-session", "-d", "-x", &w, "-y", &h, &cmd])?;
    let screen = || {
        tmux(&["capture-pane", "-p"])
            .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
            .unwrap_or_default()
    };
    let wait_for = |what: &dyn Fn(&str) -> bool| {
        let t = Instant::now();
        while t.elapsed() < Duration::from_secs(60) {
            if what(&screen()) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    };
    let t = Instant::now();
    let first = wait_for(&|s| s.contains("DL"));
    let first_frame = t.elapsed();
    let send = |k: &str| {
        let _ = tmux(&["send-keys", k]);
        std::thread::sleep(Duration::from_millis(100));
    };
    send("Tab");
    for _ in 0..30 {
        send("PageDown");
    }
    send("End");
    send("o");
    send("/");
    for c in name.chars() {
        send(&c.to_string());
    }
    send("Enter");
    send("Enter");
    send("Escape");
    send("Escape");
    send("q");
    let t = Instant::now();
    while !report.exists() && t.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(50));
    }
    std::thread::sleep(Duration::from_millis(200));
    let _ = tmux(&["kill-server"]);
    let _ = std::fs::remove_file(&sock_path);
    let rss = max_rss(&report)?;
    let _ = std::fs::remove_file(&report);
    table.add(
        "TUI peak memory (real binary in tmux: open, Tab, PgDn ×30, End, sort, filter, open a case, quit)",
        mb(rss),
        "≤ 100 MB",
        "—".into(),
    );
    if first {
        table.add(
            "open to first frame (real binary in tmux, seen by polling capture-pane every 20 ms)",
            ms(first_frame),
            "≤ 150 ms",
            "—".into(),
        );
    }
    Ok(())
}

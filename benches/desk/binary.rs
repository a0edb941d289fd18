//! The real binary, run under `/usr/bin/time -v` for its wall time and peak memory.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::setup::{NOW, Res};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_duedesk")
}

/// Runs the binary under `/usr/bin/time -v`: wall time and peak memory (max RSS).
pub fn timed(args: &[&str]) -> Res<(Duration, u64)> {
    timed_at(args, NOW)
}

/// `timed` on the system's clock: a command that makes a store (a first import) may not pin it.
pub fn timed_live(args: &[&str]) -> Res<(Duration, u64)> {
    timed_with(args, None)
}

/// `timed` with the clock at `now`.
pub fn timed_at(args: &[&str], now: &str) -> Res<(Duration, u64)> {
    timed_with(args, Some(now))
}

fn timed_with(args: &[&str], now: Option<&str>) -> Res<(Duration, u64)> {
    let report = std::env::temp_dir().join(format!("duedesk-bench-time-{}.txt", std::process::id()));
    let t = Instant::now();
    let status = Command::new("/usr/bin/time")
        .arg("-v")
        .arg("-o")
        .arg(&report)
        .arg(bin())
        .args(args)
        .envs(now.map(|n| ("DUEDESK_NOW", n)))
        .stdout(Stdio::null())
        .status()?;
    let wall = t.elapsed();
    if !status.success() {
        return Err(format!("duedesk {} failed: {status}", args.join(" ")).into());
    }
    let rss = max_rss(&report)?;
    let _ = std::fs::remove_file(&report);
    Ok((wall, rss))
}

pub fn max_rss(report: &Path) -> Res<u64> {
    let text = std::fs::read_to_string(report)?;
    let kb = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("Maximum resident set size (kbytes): "))
        .ok_or("no max RSS in /usr/bin/time's report")?;
    Ok(kb.trim().parse()?)
}

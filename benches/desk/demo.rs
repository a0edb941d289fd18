//! The demo book made by the real binary.

use std::path::Path;

use crate::binary::timed;
use crate::report::{Table, mb};
use crate::setup::{AS_OF, Res, remove_store};

/// The demo book at a smaller size each run (the 1,000,000-loan figure is the store's making).
pub fn demo_small(dir: &Path, table: &mut Table) -> Res<()> {
    let n: u64 =
        std::env::var("DUEDESK_BENCH_DEMO_LOANS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let into = dir.join("duedesk-bench-demo.db");
    remove_store(&into);
    let (db, loans) = (into.to_str().ok_or("path")?, n.to_string());
    let (wall, rss) = timed(&["--db", db, "--as-of", AS_OF, "demo", "--loans", &loans, "--seed", "7"])?;
    table.add(
        &format!("demo book of {n} loans (the binary)"),
        format!("{:.1} s, peak {}", wall.as_secs_f64(), mb(rss)),
        "—",
        "—".into(),
    );
    remove_store(&into);
    Ok(())
}

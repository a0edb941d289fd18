//! Importing the store's own loans, as a CSV, into a new store with the real binary.

use std::io::Write as _;
use std::path::Path;

use crate::binary::timed;
use crate::report::{Table, mb};
use crate::setup::{AS_OF, Res, remove_store};

/// A loans CSV of the store's own loans (written untimed), imported by the binary into a new store.
pub fn import(work: &Path, dir: &Path, table: &mut Table) -> Res<()> {
    let csv = dir.join("duedesk-bench-loans.csv");
    let into = dir.join("duedesk-bench-import.db");
    remove_store(&into);
    {
        let conn = rusqlite::Connection::open(work)?;
        let mut out = std::io::BufWriter::new(std::fs::File::create(&csv)?);
        writeln!(
            out,
            "loan_id,borrower,customer_id,phone,product,principal,annual_rate,term_months,disbursed_on,assignee"
        )?;
        let mut stmt = conn.prepare(
            "SELECT l.loan_ref, l.borrower, c.customer_ref, coalesce(l.phone, ''), l.product, l.principal_cents, \
             l.rate_e4, l.term_months, l.disbursed_on, coalesce(u.login, '') \
             FROM loans l JOIN customers c ON c.id = l.customer_id LEFT JOIN users u ON u.id = c.assignee_id ORDER BY l.id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (cents, rate): (i64, i64) = (r.get(5)?, r.get(6)?);
            writeln!(
                out,
                "{},{},{},{},{},{}.{:02},{}.{:04},{},{},{}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                cents / 100,
                cents % 100,
                rate / 10_000,
                rate % 10_000,
                r.get::<_, i64>(7)?,
                r.get::<_, String>(8)?,
                r.get::<_, String>(9)?,
            )?;
        }
        out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    }
    let (db, file) = (into.to_str().ok_or("path")?, csv.to_str().ok_or("path")?);
    // The new store takes the benchmark's pinned clock once it trusts its environment (untimed).
    let trust = std::process::Command::new(crate::binary::bin())
        .args(["--db", db, "settings", "set", "trust_env_user", "true"])
        .stdout(std::process::Stdio::null())
        .status()?;
    if !trust.success() {
        return Err(format!("making the import's store: {trust}").into());
    }
    let (wall, rss) = timed(&["--db", db, "--as-of", AS_OF, "import", "loans", file])?;
    table.add(
        "import a 1,000,000-row loans CSV into a new store (the binary, with its snapshot)",
        format!("{:.1} s, peak {}", wall.as_secs_f64(), mb(rss)),
        "≤ 20 s",
        "—".into(),
    );
    let _ = std::fs::remove_file(&csv);
    remove_store(&into);
    Ok(())
}

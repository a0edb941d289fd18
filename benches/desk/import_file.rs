//! Importing a generated loans file of 1,000,000 loans without payments (every loan a customer of
//! its own, disbursed over three years, so most are overdue) into a new store with the real
//! binary, beside the `sqlite3` shell's `.import` of the same file into a bare table.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::binary::timed_live;
use crate::report::{Table, mb};
use crate::setup::{AS_OF, Res, remove_store};

const LOANS: u64 = 1_000_000;

/// Writes the file: products and terms in turn, principals and rates spread, three collectors.
fn write_file(csv: &Path) -> Res<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(csv)?);
    writeln!(
        out,
        "loan_id,borrower,customer_id,phone,product,principal,annual_rate,term_months,disbursed_on,assignee"
    )?;
    let products = ["annuity", "equal_principal", "interest_only", "bullet"];
    let collectors = ["wang.fang", "li.qiang", "zhou.lei"];
    for i in 1..=LOANS {
        let day = chrono::NaiveDate::from_ymd_opt(2023, 3, 1).ok_or("date")? + chrono::Days::new(i % 1_090);
        writeln!(
            out,
            "GL{i:08},借款人{i},KH{i:08},138{:08},{},{}.{:02},{}.{:02},{},{day},{}",
            i % 100_000_000,
            products[(i % 4) as usize],
            5_000 + (i * 37) % 495_000,
            i % 100,
            3 + i % 15,
            (i * 7) % 100,
            [12, 24, 36, 60][(i / 4 % 4) as usize],
            collectors[(i % 3) as usize],
        )?;
    }
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(())
}

pub fn import_file(dir: &Path, table: &mut Table) -> Res<()> {
    let csv = dir.join("duedesk-bench-generated-loans.csv");
    let into = dir.join("duedesk-bench-import-file.db");
    let shell_db = dir.join("duedesk-bench-import-file-sqlite3.db");
    remove_store(&into);
    remove_store(&shell_db);
    eprintln!("writing {LOANS} loans to {} (untimed)", csv.display());
    write_file(&csv)?;
    let (db, file) = (into.to_str().ok_or("path")?, csv.to_str().ok_or("path")?);
    Command::new("sync").status()?;
    let (wall, rss) = timed_live(&["--db", db, "--as-of", AS_OF, "import", "loans", file])?;
    Command::new("sync").status()?;
    let t = Instant::now();
    let status = Command::new("sqlite3")
        .arg(&shell_db)
        .args([".mode csv", &format!(".import {file} loans")])
        .stdout(Stdio::null())
        .status();
    let shell = t.elapsed();
    let versus = match status {
        Ok(s) if s.success() => format!(
            "{:.1}× sqlite3 .import ({:.1} s)",
            wall.as_secs_f64() / shell.as_secs_f64(),
            shell.as_secs_f64()
        ),
        _ => "sqlite3 missing".into(),
    };
    table.add(
        "import a generated 1,000,000-loan CSV without payments into a new store",
        format!("{:.1} s, peak {}", wall.as_secs_f64(), mb(rss)),
        "peak ≤ 200 MB",
        versus,
    );
    // The same file into an empty book on a server (`DUEDESK_BENCH_SERVER`), beside the file's.
    if let Some(address) = crate::setup::server() {
        let (on_server, peak) = timed_live(&["--db", &address, "--as-of", AS_OF, "import", "loans", file])?;
        table.add(
            "import the same file into an empty PostgreSQL book",
            format!("{:.1} s, peak {}", on_server.as_secs_f64(), mb(peak)),
            "peak ≤ 200 MB",
            format!("{:.1}× the file's", on_server.as_secs_f64() / wall.as_secs_f64()),
        );
    }
    let _ = std::fs::remove_file(&csv);
    remove_store(&into);
    remove_store(&shell_db);
    Ok(())
}

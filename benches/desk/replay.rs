//! The sqlite3 shell writing the same rows: every row a step changed or added, found by comparing
//! the store after it with a copy from before, written as plain UPDATEs and INSERTs (the changed
//! columns only) and run by the shell on that copy, a transaction per 5,000 statements, with the
//! page cache and synchronous setting the desk's long work uses.

use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::setup::Res;

/// The tables a day's roll and run write, each with its key.
const TABLES: [(&str, &str); 6] = [
    ("loan_state", "loan_id"),
    ("loans", "id"),
    ("stage_events", "id"),
    ("tasks", "id"),
    ("audit_log", "id"),
    ("meta", "key"),
];

/// Statements a transaction of the replay holds.
const PER_TRANSACTION: usize = 5_000;

/// The statements that take `before` to `after` (rows changed or added; the book never deletes).
fn statements(after: &Path, before: &Path) -> Res<Vec<String>> {
    let conn = rusqlite::Connection::open(after)?;
    conn.execute("ATTACH ?1 AS b", [before.to_str().ok_or("path")?])?;
    let mut out = Vec::new();
    for (table, key) in TABLES {
        let cols: Vec<String> = conn
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let differs: Vec<String> = cols.iter().map(|c| format!("a.\"{c}\" IS NOT o.\"{c}\"")).collect();
        let sets: Vec<String> = cols
            .iter()
            .map(|c| {
                format!(
                    "CASE WHEN a.\"{c}\" IS NOT o.\"{c}\" THEN ', \"{c}\" = ' || quote(a.\"{c}\") ELSE '' END"
                )
            })
            .collect();
        let update = format!(
            "SELECT 'UPDATE {table} SET ' || substr({}, 3) || ' WHERE \"{key}\" = ' || quote(a.\"{key}\") || ';' \
             FROM main.\"{table}\" a JOIN b.\"{table}\" o ON o.\"{key}\" = a.\"{key}\" WHERE {} ORDER BY a.\"{key}\"",
            sets.join(" || "),
            differs.join(" OR ")
        );
        let names: Vec<String> = cols.iter().map(|c| format!("\"{c}\"")).collect();
        let values: Vec<String> = cols.iter().map(|c| format!("quote(a.\"{c}\")")).collect();
        let insert = format!(
            "SELECT 'INSERT INTO {table} ({}) VALUES (' || {} || ');' FROM main.\"{table}\" a \
             WHERE NOT EXISTS (SELECT 1 FROM b.\"{table}\" o WHERE o.\"{key}\" = a.\"{key}\") ORDER BY a.\"{key}\"",
            names.join(", "),
            values.join(" || ', ' || ")
        );
        for sql in [update, insert] {
            let mut stmt = conn.prepare(&sql)?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
            for r in rows {
                out.push(r?);
            }
        }
    }
    Ok(out)
}

/// Replays on `before` (which it changes) what a step wrote to `after`: the rows and the shell's
/// wall time.
pub fn replay(after: &Path, before: &Path) -> Res<(usize, Duration)> {
    let stmts = statements(after, before)?;
    let script = before.with_extension("replay.sql");
    {
        let mut f = std::io::BufWriter::new(std::fs::File::create(&script)?);
        writeln!(f, "PRAGMA cache_size = -65536;\nPRAGMA synchronous = NORMAL;")?;
        for chunk in stmts.chunks(PER_TRANSACTION) {
            writeln!(f, "BEGIN IMMEDIATE;")?;
            for s in chunk {
                writeln!(f, "{s}")?;
            }
            writeln!(f, "COMMIT;")?;
        }
    }
    Command::new("sync").status()?;
    let t = Instant::now();
    let out = Command::new("sqlite3")
        .arg(before)
        .stdin(std::fs::File::open(&script)?)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()?;
    let took = t.elapsed();
    let _ = std::fs::remove_file(&script);
    if !out.status.success() || !out.stderr.is_empty() {
        return Err(format!("sqlite3 replay failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok((stmts.len(), took))
}

//! The desk at branch scale (issue #8, docs/BENCHMARKS.md): a store of 1,000,000 loans and
//! 5,000,000 contacts, each figure beside its target and, for the list queries, beside the same
//! statements run by the `sqlite3` shell on the same file.
//!
//! `DUEDESK_BENCH_DB=/tmp/big.db cargo bench --bench desk` runs it; without that store it prints
//! why and stops, so `cargo bench --no-run` and `cargo test` never need it.
//! `DUEDESK_BENCH_MAKE=1` first makes a missing store: the demo book (`--loans 1000000 --seed 7`,
//! timed as the demo figure), then older contacts copied back whole years until there are
//! 5,000,000 (years back so the conduct windows and last contacts stay as the demo left them).
//! Everything that writes runs on a copy, so the store stays as made and runs can be compared.
//! `DUEDESK_BENCH_SERVER=postgresql://…` with `DUEDESK_BENCH_ONLY=desk` times the same keys on a
//! PostgreSQL book (a `store copy` of the file), `DUEDESK_BENCH_AS_OF` the date both books hold.

mod binary;
mod day;
mod demo;
mod escalate;
// The desk's key harness, shared with the key-sequence tests.
#[allow(dead_code)]
#[path = "../../tests/common/desk.rs"]
mod harness;
mod import;
mod import_file;
mod in_process;
mod inspections;
mod make_store;
mod month_end;
mod replay;
mod report;
mod setup;
mod sqlite3;
mod tui;
mod warnings;

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

use duedesk::store::Store;

use report::{Table, ms};
use setup::{Res, SIZE, checkpoint, remove_store};

fn main() {
    if let Err(e) = run() {
        eprintln!("desk benchmark failed: {e}");
        std::process::exit(1);
    }
}

fn run() -> Res<()> {
    let Some(db) = std::env::var_os("DUEDESK_BENCH_DB").map(PathBuf::from) else {
        println!("desk benchmark skipped: DUEDESK_BENCH_DB is not set (see docs/BENCHMARKS.md)");
        return Ok(());
    };
    let make = std::env::var("DUEDESK_BENCH_MAKE").is_ok_and(|v| v == "1");
    let mut table = Table::default();
    let work_dir = std::env::var_os("DUEDESK_BENCH_WORK").map_or_else(std::env::temp_dir, PathBuf::from);
    // The generated import needs no store: `DUEDESK_BENCH_ONLY=import_file` runs it alone.
    let only = std::env::var("DUEDESK_BENCH_ONLY").unwrap_or_default();
    if only.trim() == "import_file" {
        import_file::import_file(&work_dir, &mut table)?;
        println!();
        print!("{}", table.markdown());
        return Ok(());
    }
    if !db.exists() && !make {
        println!(
            "desk benchmark skipped: no store at {} (DUEDESK_BENCH_MAKE=1 makes it, about 17 minutes and 5 GB)",
            db.display()
        );
        return Ok(());
    }
    if make {
        make_store::make_store(&db, &mut table)?;
    }
    let work = work_dir.join("duedesk-bench-work.db");
    checkpoint(&db)?;
    eprintln!("copying the store to {} (the writing benchmarks change it)", work.display());
    remove_store(&work);
    std::fs::copy(&db, &work)?;
    // On disk before anything is timed: the kernel writing 3 GB of the copy back meanwhile made a
    // timed write wait on the next WAL checkpoint's fsync (877 ms once) and slowed the runs after it.
    std::fs::File::open(&work)?.sync_all()?;
    // A store made by an older build gets this build's migrations now, not inside a timed open.
    let t = Instant::now();
    drop(Store::open(&work)?);
    eprintln!("store opened and migrated in {}", ms(t.elapsed()));

    let conn = rusqlite::Connection::open(&work)?;
    let count = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0));
    let (loans, contacts) = (count("SELECT count(*) FROM loans")?, count("SELECT count(*) FROM contacts")?);
    let admin: String =
        conn.query_row("SELECT login FROM users WHERE role = 'admin' ORDER BY id LIMIT 1", [], |r| r.get(0))?;
    let (name, phone): (String, String) =
        conn.query_row("SELECT borrower, phone FROM loans WHERE id = ?1", [loans / 2 + 1], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
    drop(conn);
    eprintln!("store: {loans} loans, {contacts} contacts; desk user {admin}");
    // A store migrated past 0019 has no snapshot yet: computed now, as its first desk would.
    let t = Instant::now();
    let rows = setup::open_desk(&work, &admin)?.roll(&mut |_, _| {})?;
    if rows > 0 {
        eprintln!("snapshot brought to {}: {rows} rows in {}", setup::as_of(), ms(t.elapsed()));
    }
    let name_prefix: String = name.chars().take(2).collect();
    let phone_prefix: String = phone.chars().take(7).collect();
    // The forms a collector finds a case by (issue #16): pinyin initials, a phone's last four
    // digits (尾号), a bare loan number.
    let initials: String = {
        use pinyin::ToPinyin;
        name.as_str().to_pinyin().flatten().filter_map(|p| p.plain().chars().next()).collect()
    };
    let filters = vec![
        ("name prefix".to_string(), name_prefix.clone()),
        ("phone prefix".to_string(), phone_prefix.clone()),
        ("pinyin initials".to_string(), initials),
        ("a phone's last four digits".to_string(), phone.chars().skip(phone.chars().count() - 4).collect()),
        ("a bare loan number".to_string(), (loans / 2 + 1).to_string()),
    ];

    // DUEDESK_BENCH_ONLY=desk,inspections,sqlite3,tui,escalate,day,import,import_file,demo,reports,warnings picks parts
    // (all by default).
    let part = |p: &str| only.is_empty() || only.split(',').any(|o| o.trim() == p);
    if let Some(address) = setup::server() {
        if !["desk", "import_file"].contains(&only.trim()) {
            return Err(
                "DUEDESK_BENCH_SERVER runs the in-process desk or the generated file's import alone: \
                        set DUEDESK_BENCH_ONLY=desk or DUEDESK_BENCH_ONLY=import_file"
                    .into(),
            );
        }
        eprintln!("on the server: {address}");
    }
    if part("desk") {
        in_process::desk_figures(&work, &admin, &filters, &mut table)?;
    }
    if part("inspections") {
        inspections::inspections(&work, &admin, &mut table)?;
    }
    if part("sqlite3") {
        sqlite3::baseline(&work, &admin, &name_prefix, &phone_prefix, &mut table)?;
    }
    // Each timed part starts with nothing waiting to be written back (the parts before it write
    // gigabytes: the store's copy, the escalation's checkpoint, the import's CSV and store).
    let settle_disk = || Command::new("sync").status().map(|_| ());
    if part("tui") {
        settle_disk()?;
        tui::tui_memory(&work, &name_prefix, &mut table)?;
    }
    if part("escalate") {
        settle_disk()?;
        escalate::escalate(&work, &admin, &mut table)?;
    }
    if part("day") {
        settle_disk()?;
        day::days(&work, &work_dir, &admin, &mut table)?;
    }
    if part("import") {
        settle_disk()?;
        import::import(&work, &work_dir, &mut table)?;
    }
    if part("import_file") {
        settle_disk()?;
        import_file::import_file(&work_dir, &mut table)?;
    }
    if part("demo") {
        settle_disk()?;
        demo::demo_small(&work_dir, &mut table)?;
    }
    if part("reports") {
        settle_disk()?;
        month_end::month_end(&work, &admin, &mut table)?;
    }
    // After the reports: its runs move the copy a day on.
    if part("warnings") {
        settle_disk()?;
        warnings::warnings(&work, &admin, &mut table)?;
    }

    remove_store(&work);
    println!();
    println!(
        "store: {} ({loans} loans, {contacts} contacts), as of {}, terminal {}×{}",
        setup::server().unwrap_or_else(|| db.display().to_string()),
        setup::as_of(),
        SIZE.0,
        SIZE.1
    );
    println!();
    print!("{}", table.markdown());
    Ok(())
}

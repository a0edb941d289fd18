//! `store copy` (issue #20): a branch's demo book to an empty database on a PostgreSQL server and
//! back into a new file, every row equal and the audit chain whole; all or nothing; refused into a
//! database that holds a book, over a file, with a password in the address, and to a collector.

mod common;

use common::TestDesk;

fn demo() -> TestDesk {
    let d = TestDesk::bare();
    let r = d.run(&["demo", "--loans", "150", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    d
}

/// Every table's rows, in a stable order, as text.
fn rows(path: &std::path::Path, skip_last_audit: bool) -> Vec<(String, Vec<String>)> {
    let c = rusqlite::Connection::open(path).expect("open");
    let tables: Vec<String> = c
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name",
        )
        .expect("tables")
        .query_map([], |r| r.get(0))
        .expect("names")
        .map(|r| r.expect("name"))
        .collect();
    let last_audit: i64 = c.query_row("SELECT max(id) FROM audit_log", [], |r| r.get(0)).expect("audit");
    tables
        .into_iter()
        .filter(|t| t != "meta") // the audit chain's head, which the source's own entry for the copy moves
        .map(|t| {
            let mut stmt = c.prepare(&format!("SELECT * FROM \"{t}\"")).expect("select");
            let width = stmt.column_count();
            let mut all: Vec<String> = stmt
                .query_map([], |r| {
                    Ok((0..width)
                        .map(|i| format!("{:?}", r.get::<_, rusqlite::types::Value>(i).expect("v")))
                        .collect::<Vec<_>>())
                })
                .expect("rows")
                .map(|r| r.expect("row"))
                .filter(|cells| {
                    !(skip_last_audit && t == "audit_log" && cells[0] == format!("Integer({last_audit})"))
                })
                .map(|cells| cells.join("|"))
                .collect();
            all.sort();
            (t, all)
        })
        .collect()
}

#[test]
fn a_demo_book_goes_to_the_server_and_back_with_every_row_equal_and_the_chain_whole() {
    let Some(db) = common::pg::fresh("copy") else { return };
    let d = demo();
    let there =
        d.ok(&["store", "copy", "--from", TestDesk::path_str(&d.db), "--to", &db.url(), "--format", "csv"]);
    assert!(
        there.stdout.starts_with("table,rows\n") && there.stdout.contains("\nloans,150\n"),
        "{}",
        there.stdout
    );
    // Each table copied with rows has the statistics its plans need (ANALYZE, which a copied
    // index does not stand in for).
    let with_stats: Vec<String> = db
        .client()
        .query("SELECT DISTINCT tablename::text FROM pg_stats WHERE schemaname = 'public'", &[])
        .expect("stats")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let filled: Vec<&str> = there
        .stdout
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(','))
        .filter(|(_, n)| *n != "0")
        .map(|(t, _)| t)
        .collect();
    assert!(filled.contains(&"payments"), "{filled:?}");
    let missing: Vec<&&str> = filled.iter().filter(|t| !with_stats.iter().any(|s| s == *t)).collect();
    assert!(missing.is_empty(), "no statistics: {missing:?}");
    let copied = TestDesk::bare();
    let back = copied.db.clone();
    let r =
        d.ok(&["store", "copy", "--from", &db.url(), "--to", TestDesk::path_str(&back), "--format", "json"]);
    let report: serde_json::Value = serde_json::from_str(&r.stdout).expect("json");
    assert!(report["rows"].as_u64().expect("rows") > 5_000, "{report}");

    // The source's audit log has one entry more: the copy, recorded after it.
    let (source, copy) = (rows(&d.db, true), rows(&back, false));
    assert_eq!(source.len(), copy.len());
    for ((t, a), (_, b)) in source.iter().zip(&copy) {
        assert_eq!(a, b, "table {t}");
    }
    let audit = copied.ok(&["audit", "verify", "--format", "json"]);
    let verified: serde_json::Value = serde_json::from_str(&audit.stdout).expect("json");
    let source: serde_json::Value =
        serde_json::from_str(&d.ok(&["audit", "verify", "--format", "json"]).stdout).expect("json");
    let before_the_copy = source["rows"].as_u64().map(|n| n - 1);
    assert_eq!(
        (verified["rows"].as_u64(), &verified["broken"]),
        (before_the_copy, &serde_json::Value::Null),
        "{verified}"
    );
    let list = |desk: &TestDesk| desk.ok(&["loans", "--format", "csv"]).stdout;
    assert_eq!(list(&d), list(&copied), "the desk's figures on the copy");
    // The file's indexes, set aside while the rows went in, are the source's.
    let file_indexes = |p: &std::path::Path| -> Vec<(String, String)> {
        let c = rusqlite::Connection::open(p).expect("open");
        let mut stmt = c
            .prepare(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name",
            )
            .expect("indexes");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).expect("rows").map(|r| r.expect("row")).collect()
    };
    let made_here = file_indexes(&back);
    assert!(made_here.len() > 60, "{}", made_here.len());
    assert_eq!(made_here, file_indexes(&d.db));
    // The server's indexes, set aside for the copy, are the migrations' own again.
    let indexes = |c: &mut postgres::Client| -> Vec<String> {
        c.query("SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname", &[])
            .expect("indexes")
            .iter()
            .map(|r| r.get(0))
            .collect()
    };
    let fresh = common::pg::fresh("indexes").expect("the same server");
    let made = indexes(&mut fresh.migrated());
    assert!(made.len() > 60, "{}", made.len());
    assert_eq!(indexes(&mut db.client()), made);
    let entry = d.ok(&["audit", "--format", "csv"]).stdout;
    assert!(entry.contains("store_copy"), "{entry}");
}

#[test]
fn a_copy_that_fails_leaves_the_server_empty_and_one_into_a_book_is_refused() {
    let Some(db) = common::pg::fresh("halfway") else { return };
    let d = demo();
    // A value the server's column cannot hold, in one of the last tables copied.
    let c = rusqlite::Connection::open(&d.db).expect("open");
    c.execute("UPDATE promises SET amount_cents = 'lots' WHERE id = (SELECT min(id) FROM promises)", [])
        .expect("damage");
    drop(c);
    let r = d.run(&["store", "copy", "--from", TestDesk::path_str(&d.db), "--to", &db.url()]);
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("promises.amount_cents, row 1"), "{}", r.stderr);
    let mut client = db.client();
    let loans: i64 = client.query_one("SELECT count(*) FROM loans", &[]).expect("count").get(0);
    assert_eq!(loans, 0, "nothing of the book");

    let d2 = demo();
    d2.ok(&["store", "copy", "--from", TestDesk::path_str(&d2.db), "--to", &db.url()]);
    let again = d2.run(&["store", "copy", "--from", TestDesk::path_str(&d2.db), "--to", &db.url()]);
    assert_eq!(again.code, 3, "refused by the destination's state");
    assert!(again.stderr.contains("already holds a book"), "{}", again.stderr);
    let loans: i64 = client.query_one("SELECT count(*) FROM loans", &[]).expect("count").get(0);
    assert_eq!(loans, 150, "the first copy stands alone");
}

#[test]
fn a_copy_is_refused_over_a_file_with_a_password_between_two_files_and_to_a_collector() {
    let Some(db) = common::pg::fresh("refused") else { return };
    let d = demo();
    let from = TestDesk::path_str(&d.db).to_string();
    let with_password = db.url().replace("postgresql:///", "postgresql://postgres:secret@localhost/");
    let r = d.run(&["store", "copy", "--from", &from, "--to", &with_password]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("password"), "{}", r.stderr);
    let r = d.run(&["store", "copy", "--from", &from, "--to", "other.db"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = d
        .command()
        .env("DUEDESK_USER", "li.qiang")
        .args(["store", "copy", "--from", &from, "--to", &db.url()])
        .output()
        .expect("run");
    assert_eq!(r.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&r.stderr).contains("admin"), "{}", String::from_utf8_lossy(&r.stderr));
    d.ok(&["store", "copy", "--from", &from, "--to", &db.url()]);
    let r = d.run(&["store", "copy", "--from", &db.url(), "--to", &from]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("is there already"), "{}", r.stderr);
}

#[test]
fn a_desk_or_a_command_given_a_server_it_cannot_reach_says_so_and_makes_nothing() {
    let d = TestDesk::bare();
    let address = "postgresql:///duedesk_centre?host=/nonexistent";
    let runs: [(&[&str], bool); 4] =
        [(&["loans"], false), (&["demo", "--loans", "5"], false), (&[], false), (&["loans"], true)];
    for (args, by_env) in runs {
        let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_duedesk"));
        if by_env {
            c.env("DUEDESK_DB", address);
        } else {
            c.env_remove("DUEDESK_DB").arg("--db").arg(address);
        }
        c.args(args).env("DUEDESK_CONFIG", d.config_dir()).env("NO_COLOR", "1").env_remove("DUEDESK_NOW");
        let out = c.current_dir(d.dir.path()).stdin(std::process::Stdio::null()).output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(
            stderr.contains("cannot connect to the server at /nonexistent")
                && stderr.contains("duedesk_centre"),
            "{stderr}"
        );
    }
    // A password written in the address is refused before anything is tried (exit 2).
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_duedesk"))
        .args(["--db", "postgresql://wang.fang:secret@127.0.0.1:1/centre", "loans"])
        .env("DUEDESK_CONFIG", d.config_dir())
        .env_remove("DUEDESK_DB")
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("a password in the server's address"), "{stderr}");
    let made: Vec<_> =
        std::fs::read_dir(d.dir.path()).expect("dir").map(|e| e.expect("entry").file_name()).collect();
    assert!(made.iter().all(|n| !n.to_string_lossy().starts_with("postgres")), "{made:?}");
}

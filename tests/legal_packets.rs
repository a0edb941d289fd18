//! Legal packets never overwrite one another nor write through a link: one folder per loan whose
//! name no other loan id can take (`A/B` and `A_B`, `ab` and `AB` on a case-insensitive disk, `.`
//! and `..`), every file created new, and an output folder that already holds anything refused.
//! The odd ids are given by SQL behind the desk, as a store imported before ids were checked holds them.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use common::{AS_OF, TestDesk};
use serde_json::Value;

const LOANS: &str = "\
loan_id,borrower,phone,product,principal,annual_rate,term_months,disbursed_on
AB-1,Alice,13800000001,bullet,10000.00,12,1,2025-10-30
AB-2,Bob,13800000002,bullet,20000.00,12,1,2025-10-30
AB-3,Carol,13800000003,bullet,30000.00,12,1,2025-10-30
AB-4,Dan,13800000004,bullet,40000.00,12,1,2025-10-30
AB-5,Eve,13800000005,bullet,50000.00,12,1,2025-10-30
AB-6,Fay,13800000006,bullet,60000.00,12,1,2025-10-30
AB-7,Gus,13800000007,bullet,70000.00,12,1,2025-10-30
";

/// The ids that collide as folder names one way or another.
const IDS: [&str; 7] = ["A/B", "A_B", "ab", "AB", ".", "..", "INDEX.CSV"];

fn book() -> TestDesk {
    let d = TestDesk::new();
    let file = d.write("loans.csv", LOANS);
    d.ok(&["--as-of", AS_OF, "import", "loans", TestDesk::path_str(&file)]);
    for (n, id) in IDS.iter().enumerate() {
        d.exec_with("UPDATE loans SET loan_ref = $1 WHERE loan_ref = $2", &[id, &format!("AB-{}", n + 1)]);
    }
    d
}

fn packets(d: &TestDesk, out: &Path, loans: &[&str]) -> common::Run {
    let mut args =
        vec!["--as-of", AS_OF, "--format", "json", "legal-packet", "--out", TestDesk::path_str(out)];
    args.extend_from_slice(loans);
    d.run(&args)
}

fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        std::fs::read_dir(dir).expect("read dir").map(|e| e.expect("entry").path()).collect();
    v.sort();
    v
}

#[test]
fn every_loan_has_a_folder_of_its_own_even_on_a_case_insensitive_disk() {
    let d = book();
    let out = d.dir.path().join("packets");
    let r = packets(&d, &out, &IDS);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.json();
    let folders: Vec<&str> =
        rows.as_array().expect("rows").iter().map(|r| r["folder"].as_str().expect("folder")).collect();
    let folded: BTreeSet<String> = folders.iter().map(|f| f.to_lowercase()).collect();
    assert_eq!(folded.len(), IDS.len(), "{folders:?}");
    assert!(!folded.contains("index.csv"), "{folders:?}");
    for (id, folder) in IDS.iter().zip(&folders) {
        assert!(!folder.is_empty() && !folder.contains('/') && !folder.starts_with('.'), "{id}: {folder}");
        // Each folder holds its own loan's packet, directly under the output folder.
        let json: Value = serde_json::from_str(
            &std::fs::read_to_string(out.join(folder).join("packet.json")).expect("packet.json"),
        )
        .expect("json");
        assert_eq!(json["loan_id"], *id, "{folder}");
    }
    // The folders and index.csv, nothing else, nothing outside.
    assert_eq!(entries(&out).len(), IDS.len() + 1);
    assert_eq!(entries(d.dir.path()).iter().filter(|p| p.is_dir()).count(), 1, "{:?}", entries(d.dir.path()));
}

#[test]
fn a_second_run_into_the_same_folder_is_refused_and_overwrites_nothing() {
    let d = book();
    let out = d.dir.path().join("packets");
    assert_eq!(packets(&d, &out, &["A/B"]).code, 0);
    let folder = entries(&out).into_iter().find(|p| p.is_dir()).expect("a folder");
    let alice = std::fs::read_to_string(folder.join("packet.txt")).expect("packet");
    let r = packets(&d, &out, &["A_B", "A/B"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("not empty"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(folder.join("packet.txt")).expect("packet"), alice);
    // An empty folder that exists is used.
    let empty = d.dir.path().join("empty");
    std::fs::create_dir(&empty).expect("mkdir");
    assert_eq!(packets(&d, &empty, &["A_B"]).code, 0);
}

#[cfg(unix)]
#[test]
fn a_planted_link_is_never_written_through() {
    let d = book();
    let out = d.dir.path().join("packets");
    std::fs::create_dir(&out).expect("mkdir");
    let victim = d.dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me\n").expect("victim");
    std::os::unix::fs::symlink(&victim, out.join("index.csv")).expect("link");
    let r = packets(&d, &out, &["AB"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&victim).expect("victim"), "keep me\n");
    // Nor is a folder named like the loan's, planted as a link to somewhere else.
    let elsewhere = d.dir.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).expect("mkdir");
    let out = d.dir.path().join("fresh");
    let r = packets(&d, &out, &["AB"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let folder = r.json()[0]["folder"].as_str().expect("folder").to_string();
    let again = d.dir.path().join("again");
    std::fs::create_dir(&again).expect("mkdir");
    std::os::unix::fs::symlink(&elsewhere, again.join(&folder)).expect("link");
    let r = packets(&d, &again, &["AB"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(entries(&elsewhere).is_empty(), "{:?}", entries(&elsewhere));
}

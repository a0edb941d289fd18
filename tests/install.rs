//! The branch server's set-up followed as the README gives it, with two logins on one machine:
//! the binary setgid to the desk's group, the store's folder root's and that group's alone, and a
//! collector who is not in the group. The collector cannot write the store file, yet logs a contact
//! through duedesk, which then takes no pinned clock, no other desk user and no store elsewhere.
//!
//! It needs root (accounts are made and removed): skipped otherwise, and under CI it fails when
//! root lacks the tools, rather than pass by skipping.

mod common;

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::Command;

use common::Run;
use common::program::{decide, on_ci, runs};

/// The group and the collector's login made for the test, removed when it ends.
struct Accounts {
    group: String,
    collector: String,
}

impl Drop for Accounts {
    fn drop(&mut self) {
        let _ = Command::new("userdel").arg(&self.collector).output();
        let _ = Command::new("groupdel").arg(&self.group).output();
    }
}

fn root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs a set-up step as root, insisting on success.
fn step(program: &str, args: &[&str]) {
    let out = Command::new(program).args(args).output().unwrap_or_else(|e| panic!("{program}: {e}"));
    assert!(out.status.success(), "{program} {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

struct Branch {
    dir: tempfile::TempDir,
    bin: PathBuf,
    store: PathBuf,
    accounts: Accounts,
}

impl Branch {
    /// duedesk as `user` (root when `None`), with only the environment given.
    fn duedesk(&self, user: Option<&str>, env: &[(&str, &str)], args: &[&str]) -> Run {
        let mut c = match user {
            Some(u) => {
                let mut c = Command::new("runuser");
                c.args(["-u", u, "--"]).arg(&self.bin);
                c
            }
            None => Command::new(&self.bin),
        };
        for v in ["DUEDESK_NOW", "DUEDESK_TODAY", "DUEDESK_USER", "DUEDESK_DB", "COLUMNS"] {
            c.env_remove(v);
        }
        c.env("DUEDESK_CONFIG", self.dir.path().join("config")).env("NO_COLOR", "1");
        c.envs(env.iter().copied()).current_dir(self.dir.path());
        c.args(args).output().expect("run duedesk").into()
    }

    fn store_arg(&self) -> &str {
        self.store.to_str().expect("utf-8 path")
    }
}

/// The README's set-up, in a folder of its own: group, collector, setgid binary, store folder,
/// and the store made by root, who is its admin.
fn branch() -> Option<Branch> {
    if !root() {
        eprintln!("SKIPPED: the branch install needs root to make a group and a login");
        return None;
    }
    let tools = ["groupadd", "useradd", "userdel", "groupdel", "runuser", "install", "chgrp"];
    let found = tools.iter().all(|t| runs("sh", &["-c", &format!("command -v {t}")]));
    if !decide("groupadd, useradd, runuser and install", found, on_ci()) {
        return None;
    }
    let tag = format!("dd{}", std::process::id());
    let accounts = Accounts { group: format!("{tag}g"), collector: format!("{tag}c") };
    step("groupadd", &[&accounts.group]);
    // Not in the desk's group: the collector reaches the store only through duedesk.
    step("useradd", &["-M", "-N", "-g", "users", &accounts.collector]);

    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let bin = dir.path().join("duedesk");
    std::fs::copy(env!("CARGO_BIN_EXE_duedesk"), &bin).expect("install the binary");
    step("chgrp", &[&accounts.group, bin.to_str().expect("path")]);
    step("chmod", &["2755", bin.to_str().expect("path")]);
    let srv = dir.path().join("srv");
    step("install", &["-d", "-m", "2770", "-o", "root", "-g", &accounts.group, srv.to_str().expect("path")]);
    let b = Branch { store: srv.join("branch.db"), dir, bin, accounts };

    let loans = b.dir.path().join("loans.csv");
    std::fs::write(
        &loans,
        format!(
            "loan_id,borrower,phone,product,principal,annual_rate,term_months,disbursed_on,assignee\n\
             BR-1,赵一,13800000001,annuity,12000.00,12,12,2025-06-01,{}\n",
            b.accounts.collector
        ),
    )
    .expect("loans");
    // root, with root's usual umask, makes the store and so becomes its admin.
    let r = b.duedesk(None, &[], &["--db", b.store_arg(), "import", "loans", loans.to_str().expect("path")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    Some(b)
}

fn mode(p: &Path) -> u32 {
    std::fs::metadata(p).expect("stat").mode() & 0o7777
}

#[test]
fn a_collector_changes_the_store_only_through_duedesk() {
    let Some(b) = branch() else { return };
    let collector = b.accounts.collector.clone();
    let me = Some(collector.as_str());
    let db = b.store_arg().to_string();

    // The file is out of the collector's reach: not writable, not even to be found.
    let direct = Command::new("runuser")
        .args(["-u", &collector, "--", "sh", "-c", &format!("echo x >> '{db}'")])
        .output()
        .expect("runuser");
    assert!(!direct.status.success(), "the collector wrote the store file directly");
    assert_ne!(mode(&b.store) & 0o006, 0o006, "the store is not the world's");

    // Through duedesk the collector logs a contact, recorded as theirs.
    let r = b.duedesk(
        me,
        &[],
        &["--db", &db, "contact", "BR-1", "--inbound", "--outcome", "callback", "--format", "json"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let show = b.duedesk(None, &[], &["--db", &db, "show", "BR-1", "--format", "json"]).json();
    assert_eq!(show["contacts"][0]["user"], collector.as_str());

    // Nothing from the environment acts for the collector, even where the store would trust it, and
    // no store is made in the folder under the name of another's write-ahead log.
    let wal = format!("{db}-wal");
    assert_eq!(b.duedesk(None, &[], &["--db", &db, "settings", "set", "trust_env_user", "true"]).code, 0);
    for (env, args) in [
        (vec![("DUEDESK_USER", "root")], vec!["--db", &db, "users", "add", "x.y", "--role", "admin"]),
        (
            vec![("DUEDESK_NOW", "2019-01-07T10:00:00+08:00")],
            vec!["--db", &db, "contact", "BR-1", "--inbound", "--outcome", "callback"],
        ),
        (vec![("DUEDESK_DB", "/tmp/elsewhere.db")], vec!["users", "list"]),
        (vec![], vec!["--db", "/tmp/elsewhere.db", "users", "list"]),
        (vec![], vec!["--db", &wal, "users", "list"]),
    ] {
        let r = b.duedesk(me, &env, &args);
        assert_eq!(r.code, 3, "{env:?} {args:?}: {}{}", r.stdout, r.stderr);
        assert!(r.stderr.contains(&b.accounts.group), "{}", r.stderr);
    }
    assert!(!Path::new("/tmp/elsewhere.db").exists());
    // Nor does duedesk write, for the collector, where the collector may not.
    let srv_out = b.store.with_file_name("notices");
    let r = b.duedesk(
        me,
        &[],
        &["--db", &db, "notice", "BR-1", "--kind", "dunning", "--out", srv_out.to_str().expect("path")],
    );
    assert_ne!(r.code, 0, "{}", r.stdout);
    assert!(!srv_out.exists());

    // Every file of the store is the group's, and no one else's.
    for e in std::fs::read_dir(b.store.parent().expect("srv")).expect("ls") {
        let p = e.expect("entry").path();
        let m = std::fs::metadata(&p).expect("stat");
        assert_eq!(m.mode() & 0o007, 0, "{} is open to others", p.display());
        assert_eq!(m.mode() & 0o060, 0o060, "{} is not the group's to write", p.display());
    }
    let verify = b.duedesk(None, &[], &["--db", &db, "audit", "verify", "--format", "table"]);
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);
}

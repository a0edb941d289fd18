//! End to end: the real binary in a real terminal (tmux, 80×24, on a private server socket),
//! driven by keys; the screen is read with `capture-pane` and waited for by looking again a
//! bounded number of times. Without tmux they fail under CI and are skipped elsewhere
//! (`common::program`).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{AS_OF, NOW, TestDesk, poll, program};

fn have_tmux() -> bool {
    program::available("tmux", &["-V"])
}

/// A session on a tmux server of our own (its socket in the test's temp directory, none of the
/// user's configuration); the server is killed when the first session's handle is dropped.
struct Tmux {
    socket: PathBuf,
    session: String,
    owns_server: bool,
}

impl Tmux {
    fn new(dir: &Path) -> Tmux {
        Tmux { socket: dir.join("tmux.sock"), session: "e2e".into(), owns_server: true }
    }

    /// Another session on the same server: a second desk user's terminal.
    fn beside(&self, session: &str) -> Tmux {
        Tmux { socket: self.socket.clone(), session: session.into(), owns_server: false }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(["-f", "/dev/null"])
            .args(args)
            .output()
            .expect("run tmux")
    }

    fn ok(&self, args: &[&str]) -> String {
        let o = self.run(args);
        assert!(o.status.success(), "tmux {args:?}: {}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stdout).into_owned()
    }

    /// A detached 80×24 session running `argv` under a shell that reports how it ended and the
    /// terminal's modes afterwards, then keeps the pane open for reading (`cat` waits on the
    /// terminal). The shell reaps the desk itself: a tmux server started from a busy test process
    /// was seen to leave its dead child unreaped, so its pane never died.
    fn start(&self, argv: &[&str]) {
        let quoted: Vec<String> = argv.iter().map(|a| format!("'{a}'")).collect();
        let line = format!("{}; echo \"desk exited with $?\"; stty -a; exec cat", quoted.join(" "));
        self.ok(&["new-session", "-d", "-s", &self.session, "-x", "80", "-y", "24", "sh", "-c", &line]);
    }

    /// The desk's process: the pane's shell's child.
    fn desk_pid(&self) -> String {
        let shell = self.display("#{pane_pid}");
        poll::until("the desk process under the pane's shell", poll::LOOKS, || {
            let child = std::fs::read_dir("/proc").into_iter().flatten().flatten().find_map(|e| {
                let stat = std::fs::read_to_string(e.path().join("stat")).ok()?;
                // pid (comm) state ppid …: the command name may hold spaces, so split after ')'.
                let ppid = stat.rsplit_once(')')?.1.split_whitespace().nth(1)?;
                (ppid == shell).then(|| e.file_name().to_string_lossy().into_owned())
            });
            child.ok_or_else(|| format!("no child of the shell {shell}; the screen:\n{}", self.screen()))
        })
    }

    /// Waits for the desk to end and returns its exit status as the shell saw it.
    fn wait_exit(&self) -> i32 {
        let s = self.wait_for("the desk to exit", |s| s.contains("desk exited with "));
        s.split("desk exited with ")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no exit status on the screen:\n{s}"))
    }

    fn screen(&self) -> String {
        self.ok(&["capture-pane", "-p", "-t", &self.session])
    }

    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", self.session.as_str()];
        args.extend_from_slice(keys);
        self.ok(&args);
    }

    fn text(&self, text: &str) {
        self.ok(&["send-keys", "-t", &self.session, "-l", text]);
    }

    fn display(&self, format: &str) -> String {
        self.ok(&["display-message", "-p", "-t", &self.session, format]).trim().to_string()
    }

    /// Looks at the screen until `ready` holds; fails with the last screen when it never does.
    fn wait_for(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        poll::until(what, poll::LOOKS, || {
            let s = self.screen();
            if ready(&s) { Ok(s) } else { Err(format!("the screen:\n{s}")) }
        })
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        if self.owns_server {
            let _ = self.run(&["kill-server"]);
        }
    }
}

/// The rule every test here starts with: a missing tmux is a failure under CI, a skip elsewhere.
#[test]
fn a_missing_tmux_fails_under_ci_and_is_skipped_elsewhere() {
    assert!(!program::runs("duedesk-no-such-program", &["-V"]));
    assert!(!program::decide("tmux", false, false), "skipped outside CI");
    assert!(program::decide("tmux", true, true), "run when found");
    let under_ci = std::panic::catch_unwind(|| program::decide("tmux", false, true));
    assert!(under_ci.is_err(), "a missing tmux passed under CI");
}

fn demo_store() -> TestDesk {
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--seed", "7", "--loans", "300"]);
    d
}

fn desk_argv(d: &TestDesk) -> Vec<String> {
    vec![
        "env".into(),
        format!("DUEDESK_NOW={NOW}"),
        "NO_COLOR=1".into(),
        // English whatever the machine's locale; the Chinese desk has its own test.
        "DUEDESK_LANG=en".into(),
        format!("DUEDESK_CONFIG={}", TestDesk::path_str(&d.config_dir())),
        env!("CARGO_BIN_EXE_duedesk").into(),
        "--db".into(),
        TestDesk::path_str(&d.db).into(),
        "--as-of".into(),
        AS_OF.into(),
    ]
}

#[test]
fn open_filter_open_a_case_go_back_and_quit() {
    if !have_tmux() {
        return;
    }
    let d = demo_store();
    let tmux = Tmux::new(d.dir.path());
    let argv = desk_argv(&d);
    tmux.start(&argv.iter().map(String::as_str).collect::<Vec<_>>());

    tmux.wait_for("the due-soon list", |s| s.contains("Due soon 1/59") && s.contains("DL00000045"));
    tmux.keys(&["Tab"]);
    tmux.wait_for("the overdue queue", |s| s.contains("stage all · sort dpd") && s.contains("DL00000049"));

    tmux.keys(&["/"]);
    tmux.text("王");
    let s = tmux.wait_for("the filtered queue", |s| s.contains("/王") && s.contains("Overdue 1/3 "));
    // Queue rows open with three marks (callable now, promise, inspection overdue), then the loan.
    let rows: Vec<&str> = s.lines().filter(|l| l.get(4..).is_some_and(|r| r.starts_with("DL"))).collect();
    assert_eq!(rows.len(), 3, "{s}");
    assert!(rows.iter().all(|r| r.contains(" 王")), "{s}");

    tmux.keys(&["Enter"]);
    tmux.wait_for("the filter kept", |s| s.contains("Enter open") && s.contains("· /王"));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the case", |s| s.contains("Case DL") && s.contains("Schedule") && s.contains("DPD "));
    tmux.keys(&["Escape"]);
    tmux.wait_for("back on the queue", |s| s.contains("LOAN ") && !s.contains("Schedule"));

    tmux.keys(&["q"]);
    let s = tmux
        .wait_for("the shell again and stty", |s| s.contains("desk exited with 0") && s.contains("icanon"));
    assert!(!s.contains("Due soon"), "the alternate screen was left:\n{s}");
    // Raw mode is off again: the line discipline echoes and edits lines.
    let modes = s.split_whitespace().collect::<Vec<_>>();
    assert!(modes.contains(&"icanon") && modes.contains(&"echo"), "{s}");
}

/// Quitting ends the store's work before the process: a phone search typed just before `q` is in
/// the audit log, and the store's last connection has closed (no `-wal` or `-shm` left beside it).
#[test]
fn quitting_records_the_last_phone_search_and_closes_the_store() {
    if !have_tmux() {
        return;
    }
    let d = demo_store();
    let loan =
        d.lines("SELECT loan_ref || ' ' || phone FROM loans WHERE phone IS NOT NULL ORDER BY id LIMIT 1");
    let (loan, phone) = loan[0].split_once(' ').expect("a loan with a phone");
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    let digits = &digits[digits.len() - 7..];
    let tmux = Tmux::new(d.dir.path());
    let argv = desk_argv(&d);
    tmux.start(&argv.iter().map(String::as_str).collect::<Vec<_>>());
    tmux.wait_for("the due-soon list", |s| s.contains("Due soon 1/"));
    tmux.keys(&["Tab"]);
    tmux.wait_for("the overdue queue", |s| s.contains("stage all · sort dpd"));
    tmux.keys(&["/"]);
    tmux.text(digits);
    tmux.wait_for("the loan found by its phone", |s| s.contains(&format!("/{digits}")) && s.contains(loan));
    tmux.keys(&["Enter", "q"]);
    assert_eq!(tmux.wait_exit(), 0);
    let searched = d.lines("SELECT detail FROM audit_log WHERE action = 'phone_search'");
    assert!(searched.iter().any(|s| s.contains(digits)), "{searched:?}");
    for left in ["-wal", "-shm"] {
        let beside = format!("{}{left}", TestDesk::path_str(&d.db));
        assert!(!std::path::Path::new(&beside).exists(), "{beside} is left after quitting");
    }
}

#[test]
fn sigterm_restores_the_terminal_and_ends_the_desk() {
    if !have_tmux() {
        return;
    }
    let d = demo_store();
    let tmux = Tmux::new(d.dir.path());
    let argv = desk_argv(&d);
    tmux.start(&argv.iter().map(String::as_str).collect::<Vec<_>>());
    tmux.wait_for("the desk", |s| s.contains("Due soon 1/59"));
    let pid = tmux.desk_pid();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().expect("kill");
    assert!(killed.success());
    assert_eq!(tmux.wait_exit(), 143, "exit status 128 + SIGTERM, not killed by the signal");
    let s = tmux.screen();
    assert!(!s.contains("Due soon"), "the alternate screen was left:\n{s}");
}

/// Ctrl-Z from a shell with job control, as over SSH: the desk gives the terminal back and stops,
/// the shell says so, and `fg` brings the whole desk back.
#[test]
fn ctrl_z_gives_the_terminal_back_and_fg_brings_the_desk_back() {
    if !have_tmux() || !program::available("bash", &["--version"]) {
        return;
    }
    let d = demo_store();
    let tmux = Tmux::new(d.dir.path());
    tmux.ok(&[
        "new-session",
        "-d",
        "-s",
        &tmux.session,
        "-x",
        "80",
        "-y",
        "24",
        "env",
        "PS1=ready$ ",
        "bash",
        "--norc",
        "--noprofile",
        "-i",
    ]);
    tmux.wait_for("the shell", |s| s.contains("ready$"));
    let argv: Vec<String> = desk_argv(&d).iter().map(|a| format!("'{a}'")).collect();
    tmux.text(&argv.join(" "));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the desk", |s| s.contains("Due soon 1/59"));
    tmux.keys(&["C-z"]);
    let s = tmux
        .wait_for("the shell with the desk stopped", |s| s.contains("Stopped") && !s.contains("Due soon"));
    assert!(!s.contains("DL000"), "{s}");
    tmux.text("fg");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the desk again", |s| s.contains("Due soon 1/59") && s.contains("DL00000045"));
    tmux.keys(&["j"]);
    tmux.wait_for("keys work again", |s| s.contains("Due soon 2/59"));
    tmux.keys(&["q"]);
    tmux.wait_for("the shell after the desk", |s| !s.contains("Due soon") && s.contains("ready$"));
    tmux.text("stty -a; echo done");
    tmux.keys(&["Enter"]);
    let s = tmux.wait_for("stty", |s| s.contains("icanon") && s.contains("done"));
    let modes = s.split_whitespace().collect::<Vec<_>>();
    assert!(modes.contains(&"icanon") && modes.contains(&"echo"), "{s}");
}

#[test]
fn sigquit_restores_the_terminal_too() {
    if !have_tmux() {
        return;
    }
    let d = demo_store();
    let tmux = Tmux::new(d.dir.path());
    let argv = desk_argv(&d);
    tmux.start(&argv.iter().map(String::as_str).collect::<Vec<_>>());
    tmux.wait_for("the desk", |s| s.contains("Due soon 1/59"));
    let pid = tmux.desk_pid();
    let quit = Command::new("kill").args(["-QUIT", &pid]).status().expect("kill");
    assert!(quit.success());
    assert_eq!(tmux.wait_exit(), 131, "exit status 128 + SIGQUIT, not a core dump");
    let s = tmux.wait_for("stty after the desk", |s| s.contains("icanon"));
    assert!(
        !s.contains("Due soon"),
        "the alternate screen was left:
{s}"
    );
    let modes = s.split_whitespace().collect::<Vec<_>>();
    assert!(modes.contains(&"icanon") && modes.contains(&"echo"), "{s}");
}

#[test]
fn a_broken_key_file_is_shown_and_the_desk_runs_with_the_rest() {
    if !have_tmux() {
        return;
    }
    let d = demo_store();
    let cfg = d.config_dir();
    std::fs::create_dir_all(&cfg).expect("config dir");
    std::fs::write(cfg.join("config.toml"), "theme = \"light\"\nborders = \"ascii\"\n").expect("config");
    std::fs::write(cfg.join("keys.toml"), "[global]\nquit = \"Q\"\npg_down = \"<C-d>\"\n").expect("keys");
    let tmux = Tmux::new(d.dir.path());
    // Colours on (no NO_COLOR) to see the light theme.
    let argv: Vec<String> = desk_argv(&d).into_iter().filter(|a| a != "NO_COLOR=1").collect();
    let argv = [&argv[..1], &["-u".to_string(), "NO_COLOR".to_string()], &argv[1..]].concat();
    tmux.start(&argv.iter().map(String::as_str).collect::<Vec<_>>());

    let keys = cfg.join("keys.toml").display().to_string();
    let s = tmux.wait_for("the configuration notice", |s| s.contains("Configuration problems"));
    assert!(s.contains(&format!("{keys}:3: unknown action \"pg_down\"")), "{s}");
    assert!(s.contains("+ Configuration problems -") && !s.contains('┌'), "ASCII borders:\n{s}");
    let styled = tmux.ok(&["capture-pane", "-e", "-p", "-t", "e2e"]);
    assert!(styled.contains("48;5;4m") || styled.contains("44m"), "the light theme's blue tab:\n{styled}");

    tmux.keys(&["x"]);
    tmux.wait_for("the notice closed", |s| {
        !s.contains("Configuration problems") && s.contains("config: 1 bad entry") && s.contains("Q quit")
    });
    tmux.keys(&["?"]);
    tmux.wait_for("the help in ASCII", |s| s.contains("+ Keys") && s.contains("Q  "));
    // Each Escape is waited on before the next key: Escape and a key at once read as Alt+key.
    tmux.keys(&["Escape"]);
    tmux.wait_for("the help closed", |s| !s.contains("+ Keys") && s.contains("Q quit"));
    // `q` no longer quits (the user gave quit to `Q` alone): the desk answers the key after it.
    tmux.keys(&["q", "?"]);
    let s = tmux
        .wait_for("the help again, or the desk gone", |s| s.contains("+ Keys") || s.contains("desk exited"));
    assert!(!s.contains("desk exited"), "q quit:\n{s}");
    tmux.keys(&["Escape"]);
    tmux.wait_for("the help closed again", |s| !s.contains("+ Keys"));
    tmux.keys(&["Q"]);
    assert_eq!(tmux.wait_exit(), 0);
}

#[test]
fn the_desk_in_chinese_from_the_locale_lines_up_its_columns() {
    if !have_tmux() {
        return;
    }
    let d = demo_store();
    let tmux = Tmux::new(d.dir.path());
    // No DUEDESK_LANG: the locale decides (LC_ALL and LC_MESSAGES unset, LANG Chinese).
    let mut argv: Vec<String> = desk_argv(&d).into_iter().filter(|a| a != "DUEDESK_LANG=en").collect();
    let env = ["-u", "DUEDESK_LANG", "-u", "LC_ALL", "-u", "LC_MESSAGES", "LANG=zh_CN.UTF-8"];
    argv.splice(1..1, env.iter().map(ToString::to_string));
    tmux.start(&argv.iter().map(String::as_str).collect::<Vec<_>>());
    tmux.wait_for("the due-soon list in Chinese", |s| {
        s.contains("即将到期 1/59") && s.contains("DL00000045")
    });
    tmux.keys(&["Tab"]);
    let s =
        tmux.wait_for("the overdue queue in Chinese", |s| s.contains("逾期天数") && s.contains("DL00000049"));
    // The header and a row put their columns at the same cells.
    let lines: Vec<&str> = s.lines().collect();
    let header = lines.iter().find(|l| l.trim_start().starts_with("贷款编号")).expect("header");
    let row = lines.iter().find(|l| l.get(4..).is_some_and(|r| r.starts_with("DL00000049"))).expect("row");
    let cell_of = |line: &str, needle: &str| {
        line.find(needle).map(|i| duedesk::text::width(&line[..i])).expect("needle")
    };
    assert_eq!(cell_of(header, "逾期天数") + 8, cell_of(row, "647") + 3, "{s}");
    assert_eq!(cell_of(header, "电话"), cell_of(row, "13752770534"), "{s}");
    tmux.keys(&["Enter", "Tab", "Tab"]);
    tmux.wait_for("the payments and promises pane", |s| s.contains("还款与承诺") && s.contains("承诺日"));
    tmux.keys(&["q"]);
    assert_eq!(tmux.wait_exit(), 0);
}

/// Starts the desk on the demo store and opens the first case of the overdue queue; its loan id.
fn open_first_overdue_case(d: &TestDesk, tmux: &Tmux) -> String {
    let argv = desk_argv(d);
    tmux.start(&argv.iter().map(String::as_str).collect::<Vec<_>>());
    tmux.wait_for("the due-soon list", |s| s.contains("Due soon 1/59"));
    tmux.keys(&["Tab"]);
    tmux.wait_for("the overdue queue", |s| s.contains("stage all · sort dpd") && s.contains("DL0"));
    tmux.keys(&["Enter"]);
    let s = tmux.wait_for("the case", |s| s.contains("Case DL") && s.contains("DPD "));
    s.split("Case ").nth(1).and_then(|r| r.split_whitespace().next()).expect("loan id").to_string()
}

#[test]
fn a_promise_logged_with_the_keyboard_is_in_the_store() {
    if !have_tmux() {
        return;
    }
    let d = demo_store();
    let tmux = Tmux::new(d.dir.path());
    let loan = open_first_overdue_case(&d, &tmux);
    tmux.keys(&["p"]);
    tmux.wait_for("the promise command line", |s| s.contains(":ptp"));
    tmux.text("800 2026-03-05 本人承诺周四前还款");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the promise logged", |s| s.contains("logged a promise of 800.00"));
    tmux.keys(&["q"]);
    assert_eq!(tmux.wait_exit(), 0);

    let show = d.ok(&["--as-of", AS_OF, "show", &loan, "--format", "json"]).json();
    let promise = &show["promises"][0];
    assert_eq!(promise["amount"], "800.00");
    assert_eq!(promise["due_on"], "2026-03-05");
    assert_eq!(promise["status"], "active");
    assert_eq!(show["contacts"][0]["outcome"], "promise");
    assert_eq!(show["contacts"][0]["note"], "本人承诺周四前还款");
}

#[test]
fn a_plan_and_a_notice_made_in_the_desk_are_in_the_store() {
    if !have_tmux() {
        return;
    }
    let d = demo_store();
    let tmux = Tmux::new(d.dir.path());
    let loan = open_first_overdue_case(&d, &tmux);
    // A notice first: once the plan is in force the loan is no longer overdue.
    let out = d.dir.path().join("out");
    tmux.keys(&["N"]);
    tmux.wait_for("the notice command line", |s| s.contains(":notice"));
    tmux.text(&format!("dunning en {}", TestDesk::path_str(&out)));
    tmux.keys(&["Enter"]);
    tmux.wait_for("the notice written", |s| s.contains("written:"));
    tmux.keys(&["P"]);
    tmux.wait_for("the plan command line", |s| s.contains(":plan"));
    tmux.text("3 2026-03-15");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the plan preview", |s| s.contains("Preview: plan") && s.contains(":plan save REASON"));
    tmux.keys(&[":"]);
    tmux.text("plan save 借款人同意分三期");
    tmux.keys(&["Enter"]);
    tmux.wait_for("the plan saved", |s| s.contains("plan saved on"));
    tmux.keys(&["q"]);
    assert_eq!(tmux.wait_exit(), 0);

    let show = d.ok(&["--as-of", AS_OF, "show", &loan, "--format", "json"]).json();
    let plans = show["plans"].as_array().expect("plans");
    let plan = plans.last().expect("a plan");
    assert_eq!((plan["kind"].as_str(), plan["reason"].as_str()), (Some("plan"), Some("借款人同意分三期")));
    assert_eq!(plan["in_force"], true);
    let notice = &show["notices"][0];
    assert_eq!(
        (notice["kind"].as_str(), notice["receipt_status"].as_str()),
        (Some("dunning"), Some("pending"))
    );
    for f in notice["files"].as_array().expect("files") {
        let f = f.as_str().expect("path");
        assert!(std::path::Path::new(f).starts_with(&out) && std::fs::metadata(f).is_ok(), "{f}");
    }
}

/// A collector's desk open on the queue sees a supervisor's reassignment made elsewhere without a
/// key being pressed: the worker notices another connection's commit (SQLite's data_version).
#[test]
fn another_users_change_reaches_an_open_desk() {
    if !have_tmux() {
        return;
    }
    let d = demo_store();
    let tmux = Tmux::new(d.dir.path());
    let mut argv = desk_argv(&d);
    argv.insert(1, "DUEDESK_USER=wang.fang".into());
    tmux.start(&argv.iter().map(String::as_str).collect::<Vec<_>>());
    tmux.wait_for("the due-soon list", |s| s.contains("my cases"));
    tmux.keys(&["Tab"]);
    let count = |s: &str| -> u64 { overdue_count(s).unwrap_or(0) };
    let before = count(&tmux.wait_for("wang.fang's queue", |s| s.contains("sort dpd") && count(s) > 0));
    let theirs = d.run_as(
        "zhao.min",
        &["loans", "--assignee", "li.qiang", "--dpd-min", "1", "--limit", "2", "--format", "csv"],
    );
    let loans: Vec<String> =
        theirs.stdout.lines().skip(1).filter_map(|l| l.split(',').next()).map(str::to_string).collect();
    assert_eq!(loans.len(), 2, "{}", theirs.stdout);
    let mut args = vec!["assign"];
    args.extend(loans.iter().map(String::as_str));
    args.extend(["--to", "wang.fang", "--reason", "平衡工作量"]);
    let moved = d.run_as("zhao.min", &args);
    assert_eq!(moved.code, 0, "{}", moved.stderr);
    // Both loans are overdue; a customer with more overdue loans moves them all.
    let s = tmux.wait_for("the queue to grow", |s| count(s) >= before + 2);
    assert!(s.contains("my cases"), "{s}");
}

fn desk_as(d: &TestDesk, user: &str) -> Vec<String> {
    let mut argv = desk_argv(d);
    argv.insert(1, format!("DUEDESK_USER={user}"));
    argv
}

/// The overdue count on the tab line (after the cursor's position, `3/86`, on the queue).
fn overdue_count(s: &str) -> Option<u64> {
    let tab = s.lines().next()?.split("Overdue ").nth(1)?.split_whitespace().next()?;
    tab.rsplit('/').next()?.parse().ok()
}

/// Three desks on one store at once: a supervisor hands one collector's cases over to another from
/// the desk, and both collectors' open queues show it without a restart or a key.
#[test]
fn a_hand_over_at_the_supervisors_desk_reaches_both_collectors_desks() {
    if !have_tmux() {
        return;
    }
    let d = demo_store();
    let lq = Tmux::new(d.dir.path());
    let wf = lq.beside("wang");
    let zm = lq.beside("zhao");
    for (t, user) in [(&lq, "li.qiang"), (&wf, "wang.fang"), (&zm, "zhao.min")] {
        let argv = desk_as(&d, user);
        t.start(&argv.iter().map(String::as_str).collect::<Vec<_>>());
        t.wait_for("the desk", |s| s.contains("Due soon") && overdue_count(s).is_some());
        t.keys(&["Tab"]);
    }
    let lq_before = overdue_count(&lq.wait_for("li.qiang's queue", |s| s.contains("my cases · stage all")))
        .expect("count");
    let wf_before = overdue_count(&wf.wait_for("wang.fang's queue", |s| s.contains("my cases · stage all")))
        .expect("count");
    assert!(lq_before > 0 && wf_before > 0, "{lq_before} {wf_before}");
    zm.wait_for("the supervisor's queue", |s| s.contains("all cases · stage all"));

    zm.keys(&[":"]);
    zm.text("assign --from li.qiang --to wang.fang --reason 离职交接");
    zm.keys(&["Enter"]);
    // It says what it will move and waits for y.
    zm.wait_for("the hand-over's preview", |s| s.contains("move ") && s.contains("y does it"));
    zm.keys(&["y"]);
    zm.wait_for("the hand-over's outcome", |s| s.contains("cases moved"));

    lq.wait_for("li.qiang's queue to empty", |s| overdue_count(s) == Some(0));
    let s = wf.wait_for("wang.fang's queue to grow", |s| overdue_count(s) == Some(lq_before + wf_before));
    assert!(s.contains("my cases"), "{s}");
    // Every move is in the audit log, which still verifies.
    let audit =
        d.run_as("zhao.min", &["audit", "--actor", "zhao.min", "--limit", "1000", "--format", "json"]);
    assert_eq!(audit.code, 0, "{}", audit.stderr);
    assert!(audit.stdout.contains("离职交接"), "{}", audit.stdout);
    let verify = d.run_as("zhao.min", &["audit", "verify"]);
    assert_eq!(verify.code, 0, "{}{}", verify.stdout, verify.stderr);
}

#[test]
fn the_warnings_list_opens_a_case_from_its_row() {
    if !have_tmux() {
        return;
    }
    let d = demo_store();
    let tmux = Tmux::new(d.dir.path());
    let argv = desk_argv(&d);
    tmux.start(&argv.iter().map(String::as_str).collect::<Vec<_>>());
    tmux.wait_for("the due-soon list", |s| s.contains("Due soon 1/59"));

    tmux.keys(&["A"]);
    let s = tmux.wait_for("the Warnings list", |s| s.contains("Warnings 1/") && s.contains("SIGNAL"));
    // Red first, its letter there under NO_COLOR; the level filter keeps only the red ones.
    let first = s.lines().find(|l| l.contains(" DL")).unwrap_or_else(|| panic!("no row:\n{s}"));
    assert!(first.starts_with("R red"), "{s}");
    tmux.keys(&["L"]);
    let s = tmux.wait_for("red only", |s| s.contains("Warnings · red 1/"));
    assert!(s.lines().filter(|l| l.contains(" DL")).all(|l| l.starts_with("R red")), "{s}");
    let loan = s
        .lines()
        .find(|l| l.contains(" DL"))
        .and_then(|l| l.split_whitespace().find(|w| w.starts_with("DL")))
        .unwrap_or_else(|| panic!("no loan:\n{s}"))
        .to_string();
    tmux.keys(&["Enter"]);
    tmux.wait_for("its case", |s| s.contains(&format!("Case {loan}")) && s.contains("Schedule"));
    tmux.keys(&["Escape"]);
    tmux.wait_for("back on the list", |s| s.contains("Warnings · red 1/") && s.contains("SIGNAL"));
    tmux.keys(&["q"]);
    assert_eq!(tmux.wait_exit(), 0);
}

#[test]
fn a_signal_raised_from_a_case_is_in_the_warnings_list() {
    if !have_tmux() {
        return;
    }
    let d = demo_store();
    let tmux = Tmux::new(d.dir.path());
    let loan = open_first_overdue_case(&d, &tmux);
    tmux.keys(&["!"]);
    tmux.wait_for("the warn command line", |s| s.contains(":warn") && s.contains("CATEGORY"));
    tmux.text("lawsuit red 借款人被列为被告");
    tmux.keys(&["Enter"]);
    let s = tmux.wait_for("the signal raised", |s| s.contains(&format!("red warning raised on {loan}")));
    assert!(s.contains("Signals 1/"), "shown in the Signals pane: {s}");
    // The Warnings list, red only: the newest red signal is the one just raised.
    tmux.keys(&["A", "L"]);
    let s = tmux.wait_for("red only", |s| s.contains("Warnings · red 1/") && s.contains("SIGNAL"));
    // The tab line names the open case; the rows start below the header.
    let first = s.lines().skip(2).find(|l| l.contains(" DL")).unwrap_or_else(|| panic!("no row:\n{s}"));
    assert!(first.starts_with("R red") && first.contains("lawsuit") && first.contains(&loan), "{s}");
    tmux.keys(&["q"]);
    assert_eq!(tmux.wait_exit(), 0);

    let listed = d.ok(&["--as-of", AS_OF, "warnings", "--level", "red", "--format", "json"]).json();
    let raised = listed
        .as_array()
        .expect("a list")
        .iter()
        .find(|s| s["loan_id"] == loan.as_str() && s["code"] == "manual")
        .unwrap_or_else(|| panic!("not listed: {listed}"));
    assert_eq!((&raised["category"], &raised["note"]), (&"lawsuit".into(), &"借款人被列为被告".into()));
}

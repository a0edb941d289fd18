//! One contract for outputs and exit codes (issue #14, item 22): every command honours
//! `--format json|csv`, a command that changes something prints what it did, refusals by the
//! book's state exit 3, and an empty CSV list still has its header.

mod common;

use std::collections::BTreeMap;

use clap::CommandFactory;
use common::{AS_OF, TestDesk};
use serde_json::Value;

/// Every command a user can run, as its words ("users add"), from clap's definition: a test that
/// misses one fails, so a new command is added here too.
fn every_command() -> Vec<String> {
    let mut all = Vec::new();
    for sub in duedesk::cli::Cli::command().get_subcommands() {
        let name = sub.get_name().to_string();
        let children: Vec<String> = sub.get_subcommands().map(|c| c.get_name().to_string()).collect();
        if children.is_empty() || sub.is_args_conflicts_with_subcommands_set() {
            all.push(name.clone());
        }
        all.extend(children.into_iter().map(|c| format!("{name} {c}")));
    }
    all
}

/// Commands whose output is a file format of its own, not a result.
const NOT_RESULTS: &[&str] = &["completions", "man"];

fn loans(d: &TestDesk, args: &[&str]) -> Vec<String> {
    let mut all = vec!["--as-of", AS_OF, "loans", "--format", "json"];
    all.extend_from_slice(args);
    let rows = d.ok(&all).json();
    rows.as_array().expect("rows").iter().map(|r| r["loan_id"].as_str().expect("id").to_string()).collect()
}

/// The arguments of each command for round `r` (0: JSON, 1: CSV), on the demo book, chosen so
/// that each succeeds in both rounds.
fn scenario(d: &TestDesk, out: &std::path::Path) -> BTreeMap<&'static str, [Vec<String>; 2]> {
    let reminder = loans(d, &["--stage", "reminder", "--status", "active"]);
    let legal = loans(d, &["--stage", "legal", "--status", "active"]);
    let active = loans(d, &["--status", "active", "--dpd-min", "1"]);
    assert!(reminder.len() >= 6 && legal.len() >= 4 && active.len() >= 30, "the demo book's stages");
    let users = d.ok(&["users", "list", "--format", "json"]).json();
    let collector = users
        .as_array()
        .and_then(|u| u.iter().find(|u| u["role"] == "collector"))
        .and_then(|u| u["login"].as_str())
        .expect("a collector")
        .to_string();
    // Tasks for task-done, notices for their receipts.
    d.ok(&["--as-of", AS_OF, "escalate", "--format", "json"]);
    let tasks = d.ok(&["--as-of", AS_OF, "tasks", "--format", "json"]).json();
    let task = |i: usize| tasks[i]["id"].as_i64().expect("a task").to_string();
    let notice = |i: usize| {
        let n = d.ok(&[
            "--as-of",
            AS_OF,
            "notice",
            &active[20 + i],
            "--kind",
            "dunning",
            "--out",
            TestDesk::path_str(&out.join(format!("n{i}"))),
            "--format",
            "json",
        ]);
        n.json()["id"].as_i64().expect("notice id").to_string()
    };
    let notices = [notice(0), notice(1)];
    let policy = d.write("policy.toml", &d.ok(&["policy", "show", "--default", "--format", "table"]).stdout);
    let policy = TestDesk::path_str(&policy).to_string();
    let import = |r: usize| {
        let file = d.write(
            &format!("loans{r}.csv"),
            &format!("loan_id,borrower,product,principal,annual_rate,term_months,disbursed_on\nNEW-{r},甲,annuity,1000,4.9,12,2026-01-10\n"),
        );
        TestDesk::path_str(&file).to_string()
    };
    let pay = |r: usize| {
        let file = d.write(
            &format!("pay{r}.csv"),
            &format!("loan_id,paid_on,amount\n{},2026-02-27,1.00\n", active[24 + r]),
        );
        TestDesk::path_str(&file).to_string()
    };
    let w = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
    let each = |f: &dyn Fn(usize) -> String| [w(&f(0)), w(&f(1))];
    let mut m = BTreeMap::new();
    m.insert("loans", each(&|_| "loans --limit 3".into()));
    m.insert("show", each(&|r| format!("show {}", active[r])));
    m.insert("schedule", each(&|r| format!("schedule {}", active[r])));
    m.insert("contact", each(&|r| format!("contact {} --outcome no_answer", active[2 + r])));
    m.insert("next-action", each(&|r| format!("next-action {} 2026-03-05", active[4 + r])));
    m.insert("plan", each(&|r| format!("plan {} --first 2026-03-15 --installments 3", active[6 + r])));
    m.insert("promises", each(&|_| "promises".into()));
    m.insert(
        "notice",
        each(&|r| {
            format!(
                "notice {} --kind dunning --out {}",
                active[8 + r],
                TestDesk::path_str(&out.join(format!("m{r}")))
            )
        }),
    );
    m.insert("notice-receipt", each(&|r| format!("notice-receipt {} --status received", notices[r])));
    m.insert("notices", each(&|r| format!("notices {}", active[20 + r])));
    m.insert(
        "hold",
        each(&|r| format!("hold {} --kind dispute --until 2026-03-20 --reason disputed", active[10 + r])),
    );
    m.insert("hold-lift", each(&|r| format!("hold-lift {} --reason settled", active[10 + r])));
    m.insert("holds", each(&|_| "holds".into()));
    m.insert("move", each(&|r| format!("move {} --to legal --reason skip", reminder[r])));
    m.insert("agency", each(&|r| format!("agency {} --on Acme", legal[r])));
    m.insert("write-off", each(&|r| format!("write-off {} --reason gone", legal[2 + r])));
    m.insert("reopen", each(&|r| format!("reopen {} --reason mistake", legal[2 + r])));
    m.insert("assign", each(&|r| format!("assign {} --to {collector}", reminder[2 + r])));
    m.insert("lease", each(&|r| format!("lease {}", active[12 + r])));
    m.insert("team", each(&|_| "team".into()));
    m.insert("tasks", each(&|_| "tasks".into()));
    m.insert("task-done", each(&|r| format!("task-done {}", task(r))));
    m.insert(
        "legal-packet",
        each(&|r| {
            format!("legal-packet {} --out {}", legal[r], TestDesk::path_str(&out.join(format!("p{r}"))))
        }),
    );
    m.insert("refresh", each(&|_| "refresh".into()));
    m.insert("escalate", each(&|_| "escalate".into()));
    m.insert("policy show", each(&|_| "policy show".into()));
    m.insert("policy check", each(&|_| format!("policy check {policy}")));
    m.insert("policy set", each(&|_| format!("policy set {policy}")));
    m.insert("users add", each(&|r| format!("users add newbie{r} --role collector")));
    m.insert("users list", each(&|_| "users list".into()));
    m.insert("users disable", each(&|r| format!("users disable newbie{r}")));
    m.insert("users enable", each(&|r| format!("users enable newbie{r}")));
    m.insert("users set-role", each(&|r| format!("users set-role newbie{r} supervisor")));
    m.insert("audit", each(&|_| "audit --limit 3".into()));
    m.insert("audit verify", each(&|_| "audit verify".into()));
    m.insert("reveal", each(&|r| format!("reveal {}", active[14 + r])));
    m.insert("settings get", each(&|_| "settings get conduct_profile".into()));
    m.insert("settings set", each(&|_| "settings set conduct_profile cn".into()));
    m.insert("settings list", each(&|_| "settings list".into()));
    m.insert("config path", each(&|_| "config path".into()));
    m.insert("config check", each(&|_| "config check".into()));
    // The first round writes the defaults, the second finds them there and keeps them.
    m.insert("config init", each(&|_| "config init".into()));
    m.insert("import loans", each(&|r| format!("import loans {}", import(r))));
    // `import loans --update` prints one object too; the scenario key is the command's.
    let update = d.write("update.csv", &format!("loan_id,employer\n{},某厂\n", active[16]));
    let update = d.run(&["--format", "json", "import", "loans", "--update", TestDesk::path_str(&update)]);
    assert_eq!(update.code, 0, "{}", update.stderr);
    assert_eq!(update.json()["fields"], 1);
    post_loan(d, &active, &mut m);
    warnings(d, &active, &reminder, &mut m);
    reports(d, &collector, &mut m);
    m.insert("import payments", each(&|r| format!("import payments {}", pay(r))));
    m
}

/// The post-loan commands: inspections, reviews, the collateral register, the ledger, the work log
/// and the holiday calendar, on records the demo book has.
fn post_loan(d: &TestDesk, active: &[String], m: &mut BTreeMap<&'static str, [Vec<String>; 2]>) {
    let ids = |args: &[&str], kind: Option<&str>| -> Vec<String> {
        let mut all = vec!["--as-of", AS_OF, "--format", "json"];
        all.extend_from_slice(args);
        let rows = d.ok(&all).json();
        let rows = rows.as_array().expect("rows").iter();
        rows.filter(|r| kind.is_none_or(|k| r["kind"] == k))
            .map(|r| r["id"].as_i64().expect("an id").to_string())
            .collect()
    };
    let inspections = ids(&["reviews"], Some("inspection"));
    let logs = ids(&["logs", "--unsigned"], None);
    let items = ids(&["collateral", "list", "--stale"], None);
    assert!(inspections.len() >= 2 && logs.len() >= 2 && items.len() >= 6, "the demo book's post-loan work");
    let holidays = |r: usize| {
        let file = d.write(&format!("holidays{r}.csv"), "date,kind,name\n2027-01-01,holiday,元旦\n");
        TestDesk::path_str(&file).to_string()
    };
    let w = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
    let each = |f: &dyn Fn(usize) -> String| [w(&f(0)), w(&f(1))];
    m.insert(
        "inspect",
        each(&|r| {
            format!(
                "inspect {} --kind routine --mode offsite --funds ok --business ok --collateral n/a \
                 --guarantor ok --conclusion normal --findings 正常",
                active[26 + r]
            )
        }),
    );
    m.insert("inspections", each(&|_| "inspections --limit 3".into()));
    m.insert("inspection-review", each(&|r| format!("inspection-review {} --comment 同意", inspections[r])));
    m.insert("reviews", each(&|_| "reviews --limit 3".into()));
    m.insert(
        "collateral add",
        each(&|r| {
            format!(
                "collateral add {} --type vehicle --description 车辆{r} --value 80000 --valued-on 2026-02-01 \
                 --valuer 分行",
                active[28 + r]
            )
        }),
    );
    m.insert(
        "collateral value",
        each(&|r| format!("collateral value {} --amount 1000 --valuer 分行", items[r])),
    );
    m.insert("collateral release", each(&|r| format!("collateral release {} --reason 结清", items[2 + r])));
    m.insert("collateral seize", each(&|r| format!("collateral seize {} --reason 处置", items[4 + r])));
    m.insert("collateral list", each(&|_| "collateral list --limit 3".into()));
    m.insert("edit", each(&|r| format!("edit {} --employer 某公司{r}", active[16 + r])));
    m.insert("log", each(&|r| format!("log {} --kind call --note 电话联系", active[18 + r])));
    m.insert("log-sign", each(&|r| format!("log-sign {} --comment 已阅", logs[r])));
    m.insert("logs", each(&|_| "logs --limit 3".into()));
    m.insert("holidays import", each(&|r| format!("holidays import {}", holidays(r))));
    m.insert("holidays list", each(&|_| "holidays list --year 2027".into()));
}

/// Early warning: signals by hand and their work, the watchlist, the rating and a manual class.
fn warnings(
    d: &TestDesk,
    active: &[String],
    reminder: &[String],
    m: &mut BTreeMap<&'static str, [Vec<String>; 2]>,
) {
    let raise = |loan: &str| {
        let s = d.ok(&[
            "--as-of",
            AS_OF,
            "--format",
            "json",
            "warn",
            loan,
            "--category",
            "lawsuit",
            "--level",
            "yellow",
            "--note",
            "sued",
        ]);
        s.json()["id"].as_i64().expect("a signal").to_string()
    };
    let signals: Vec<String> = (0..4).map(|k| raise(&active[30 + k])).collect();
    // Customers with nothing open may leave the watchlist.
    let quiet: Vec<String> = loans(d, &["--status", "active"])
        .into_iter()
        .filter(|l| {
            let open = d.ok(&["--as-of", AS_OF, "--format", "json", "warnings", "--customer", l]).json();
            open.as_array().is_some_and(|a| a.is_empty())
        })
        .take(2)
        .collect();
    assert_eq!(quiet.len(), 2, "the demo book's quiet customers");
    let w = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
    let each = |f: &dyn Fn(usize) -> String| [w(&f(0)), w(&f(1))];
    m.insert("warnings", each(&|_| "warnings --limit 3".into()));
    m.insert(
        "warn",
        each(&|r| format!("warn {} --category fraud_suspicion --level yellow --note 查", active[34 + r])),
    );
    m.insert("warn-confirm", each(&|r| format!("warn-confirm {} --note 核实", signals[r])));
    m.insert("warn-measure", each(&|r| format!("warn-measure {} --kind collection --note 催收", signals[r])));
    m.insert("warn-close", each(&|r| format!("warn-close {} --reason 撤诉", signals[2 + r])));
    m.insert("watch", each(&|r| format!("watch {} --reason 关注", quiet[r])));
    m.insert("unwatch", each(&|r| format!("unwatch {} --reason 解除", quiet[r])));
    m.insert("watchlist", each(&|_| "watchlist --all".into()));
    m.insert("rating", each(&|r| format!("rating {}", active[r])));
    m.insert("classify", each(&|r| format!("classify {} --class loss --reason 欺诈", reminder[4 + r])));
}

/// The month-end history and the risk reports, over two month-ends recorded first.
fn reports(d: &TestDesk, collector: &str, m: &mut BTreeMap<&'static str, [Vec<String>; 2]>) {
    // The demo book remembers its last eighteen month-ends.
    let w = |s: &str| s.split(' ').map(str::to_string).collect::<Vec<_>>();
    let each = |f: &dyn Fn(usize) -> String| [w(&f(0)), w(&f(1))];
    m.insert("report capture", each(&|_| "report capture --month 2026-02 --replace".into()));
    let span = "--from 2025-12 --to 2026-01";
    m.insert(
        "report migration",
        [w(&format!("report migration {span}")), w(&format!("report migration {span} --rates"))],
    );
    m.insert(
        "report roll",
        [w(&format!("report roll {span} --rates")), w(&format!("report roll {span} --by owner"))],
    );
    m.insert("report npl", each(&|_| format!("report npl {span} --by product")));
    m.insert("report vintage", each(&|_| format!("report vintage {span}")));
    m.insert("report cure", each(&|_| format!("report cure {span} --by branch")));
    m.insert("report large", each(&|_| format!("report large {span}")));
    m.insert(
        "report promises",
        [w(&format!("report promises {span}")), w(&format!("report promises {span} --by owner"))],
    );
    let pack = |r: usize| TestDesk::path_str(&d.dir.path().join(format!("pack{r}"))).to_string();
    m.insert("report pack", each(&|r| format!("report pack --month 2026-01 --out {}", pack(r))));
    m.insert("targets set", each(&|r| format!("targets set {collector} --month 2026-03 --cured {r}")));
    m.insert("scorecard", each(&|_| "scorecard --month 2026-02".into()));
    m.insert("scorecard close", [w("scorecard close --month 2026-01"), w("scorecard close --month 2025-12")]);
}

#[test]
fn every_command_honours_format_json_and_csv() {
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--loans", "400", "--seed", "7"]);
    let out = d.dir.path().join("out");
    let scenario = scenario(&d, &out);
    let mut missing = Vec::new();
    for command in every_command() {
        if NOT_RESULTS.contains(&command.as_str()) {
            continue;
        }
        if command == "demo" {
            for (r, format) in ["json", "csv"].into_iter().enumerate() {
                let fresh = TestDesk::new();
                let run = fresh.ok(&[
                    "--as-of",
                    AS_OF,
                    "demo",
                    "--loans",
                    &format!("{}", 5 + r),
                    "--format",
                    format,
                ]);
                check(&command, format, &run.stdout);
            }
            continue;
        }
        // Each round undoes a run of its own, on a book of its own.
        if command == "escalate undo" {
            for format in ["json", "csv"] {
                let fresh = TestDesk::new();
                fresh.ok(&["--as-of", AS_OF, "demo", "--loans", "100", "--seed", "7"]);
                fresh.ok(&["--as-of", AS_OF, "escalate", "--format", "json"]);
                let run =
                    fresh.ok(&["--as-of", AS_OF, "--format", format, "escalate", "undo", "--reason", "r"]);
                check(&command, format, &run.stdout);
            }
            continue;
        }
        // Each round copies the book to a database of its own on the test server, or, from a
        // server's book, to a file of its own.
        if command == "store copy" {
            for format in ["json", "csv"] {
                let from = TestDesk::path_str(&d.db).to_string();
                let (_server, to) = match d.server {
                    Some(_) => {
                        (None, TestDesk::path_str(&d.dir.path().join(format!("{format}.db"))).to_string())
                    }
                    None => {
                        let Some(server) = common::pg::fresh("outputs") else { break };
                        let url = server.url();
                        (Some(server), url)
                    }
                };
                let run = d.ok(&["--format", format, "store", "copy", "--from", &from, "--to", &to]);
                check(&command, format, &run.stdout);
            }
            continue;
        }
        let Some(rounds) = scenario.get(command.as_str()) else {
            missing.push(command);
            continue;
        };
        for (args, format) in rounds.iter().zip(["json", "csv"]) {
            let mut all: Vec<&str> = vec!["--as-of", AS_OF, "--format", format];
            all.extend(args.iter().map(String::as_str));
            let run = d.run(&all);
            assert_eq!(run.code, 0, "duedesk {}:\n{}{}", all.join(" "), run.stdout, run.stderr);
            check(&command, format, &run.stdout);
        }
    }
    assert!(missing.is_empty(), "commands the scenario does not run: {missing:?}");
}

/// JSON parses (an object or an array); CSV is a header line and rows of as many fields.
fn check(command: &str, format: &str, stdout: &str) {
    if format == "json" {
        let v: Value = serde_json::from_str(stdout)
            .unwrap_or_else(|e| panic!("{command} --format json printed no JSON ({e}):\n{stdout}"));
        assert!(v.is_object() || v.is_array(), "{command}: {v}");
        return;
    }
    let mut reader = csv::ReaderBuilder::new().has_headers(true).from_reader(stdout.as_bytes());
    let header = reader.headers().unwrap_or_else(|e| panic!("{command} --format csv: {e}\n{stdout}")).clone();
    assert!(
        !header.is_empty() && !stdout.trim_start().starts_with('{') && !stdout.trim_start().starts_with('['),
        "{command} --format csv:\n{stdout}"
    );
    for row in reader.records() {
        let row = row.unwrap_or_else(|e| panic!("{command} --format csv: {e}\n{stdout}"));
        assert_eq!(row.len(), header.len(), "{command}:\n{stdout}");
    }
}

#[test]
fn an_empty_csv_list_still_has_its_header() {
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--loans", "200", "--seed", "7"]);
    d.ok(&["--as-of", AS_OF, "escalate", "--format", "json"]);
    d.ok(&[
        "--as-of",
        AS_OF,
        "hold",
        &loans(&d, &["--status", "active"])[0],
        "--kind",
        "dispute",
        "--until",
        "2026-03-20",
        "--reason",
        "r",
    ]);
    // A month-end before the book's first loan: no large customer in it.
    d.ok(&["--as-of", AS_OF, "report", "capture", "--month", "2000-01"]);
    for (full, empty) in [
        (&["loans"][..], &["loans", "--search", "nobody-at-all"][..]),
        (&["promises"], &["promises", "--assignee", "admin-nobody"]),
        (&["audit"], &["audit", "--since", "2099-01-01"]),
        (&["holds"], &["holds", "NOPE-LOAN-NONE"]),
        (&["tasks", "--all"], &["tasks", "--due-by", "1999-01-01"]),
        (&["escalate", "--as-of", "2026-03-05"], &["escalate", "--as-of", "2026-03-05"]),
        (&["inspections"], &["inspections", "--from", "2099-01-01"]),
        (&["inspections", "--done"], &["inspections", "--done", "--from", "2099-01-01"]),
        (&["reviews"], &["reviews", "--limit", "0"]),
        (&["logs"], &["logs", "--limit", "0"]),
        (&["warnings"], &["warnings", "--since", "2099-01-01"]),
        (&["collateral", "list"], &["collateral", "list", "--limit", "0"]),
        (&["holidays", "list"], &["holidays", "list", "--year", "2099"]),
        (
            &["report", "large", "--from", "2026-02", "--to", "2026-02"],
            &["report", "large", "--from", "2000-01", "--to", "2000-01"],
        ),
    ] {
        let run = |args: &[&str]| {
            let mut all = vec!["--as-of", AS_OF, "--format", "csv"];
            all.extend_from_slice(args);
            d.run(&all)
        };
        let (f, e) = (run(full), run(empty));
        if e.code != 0 {
            continue; // a filter the command refuses (an unknown user or loan) says so instead
        }
        let head = |s: &str| s.lines().next().unwrap_or("").to_string();
        assert!(!head(&e.stdout).is_empty(), "{empty:?} printed no header");
        if !f.stdout.trim().is_empty() && f.stdout.lines().count() > 1 {
            assert_eq!(head(&e.stdout), head(&f.stdout), "{empty:?} against {full:?}");
        }
    }
}

#[test]
fn refusals_by_the_book_s_state_exit_3_and_bad_input_2() {
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--loans", "300", "--seed", "7"]);
    let legal = loans(&d, &["--stage", "legal", "--status", "active"]);
    let reminder = loans(&d, &["--stage", "reminder", "--status", "active"]);
    d.ok(&["--as-of", AS_OF, "write-off", &legal[0], "--reason", "gone"]);
    let code = |args: &[&str]| {
        let mut all = vec!["--as-of", AS_OF];
        all.extend_from_slice(args);
        let r = d.run(&all);
        (r.code, r.stderr)
    };
    for (args, why) in [
        (vec!["write-off", &legal[0], "--reason", "again"], "already written off"),
        (vec!["reopen", &legal[1], "--reason", "x"], "not written off"),
        (vec!["agency", &legal[1], "--off", "--reason", "x"], "not placed"),
        (vec!["hold-lift", &legal[1], "--reason", "x"], "no hold"),
        (vec!["move", &reminder[0], "--to", "reminder", "--reason", "x"], "already in that stage"),
        (vec!["classify", &reminder[1], "--lift", "x"], "no manual class to lift"),
        (
            vec!["classify", &reminder[1], "--class", "special_mention", "--reason", "x"],
            "not worse than the floor",
        ),
        (vec!["unwatch", &reminder[1], "--reason", "x"], "not on the watchlist"),
        (vec!["warn", &legal[0], "--category", "other", "--level", "red", "--note", "x"], "written off"),
    ] {
        let (c, err) = code(&args);
        assert_eq!(c, 3, "{why}: {err}");
    }
    d.ok(&["--as-of", AS_OF, "escalate", "--format", "json"]);
    let r = d.run(&["--as-of", "2026-02-27", "escalate"]);
    let (c, err) = (r.code, r.stderr);
    assert_eq!(c, 3, "an earlier run date: {err}");
    let (c, err) = code(&["show", "NOPE"]);
    assert_eq!(c, 2, "an unknown loan is bad input: {err}");
    // The commands added since hold to the same contract: the one admin kept, a run undone once.
    let users = d.ok(&["users", "list", "--format", "json"]).json();
    let admin = users.as_array().and_then(|u| u.iter().find(|u| u["role"] == "admin")).expect("the admin");
    let admin = admin["login"].as_str().expect("login").to_string();
    let (c, err) = code(&["users", "set-role", &admin, "collector"]);
    assert_eq!(c, 3, "the store's only admin: {err}");
    d.ok(&["--as-of", AS_OF, "escalate", "undo", "--reason", "dated wrong"]);
    let (c, err) = code(&["escalate", "undo", "--reason", "again"]);
    assert_eq!(c, 3, "no run left to undo: {err}");
    let (c, err) = code(&["users", "set-role", "nobody-at-all", "collector"]);
    assert_eq!(c, 2, "an unknown user is bad input: {err}");
}

#[test]
fn stage_history_is_newest_first_with_times() {
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--loans", "300", "--seed", "7"]);
    let reminder = loans(&d, &["--stage", "reminder", "--status", "active"]);
    let loan = &reminder[0];
    d.ok(&["--as-of", AS_OF, "move", loan, "--to", "negotiation", "--reason", "first"]);
    d.ok(&["--as-of", AS_OF, "move", loan, "--to", "legal", "--reason", "second"]);
    let show = d.ok(&["--as-of", AS_OF, "show", loan, "--format", "json"]).json();
    let ev = show["stage_events"].as_array().expect("events");
    assert_eq!(ev[0]["reason"], "by hand: second", "newest first: {ev:?}");
    assert_eq!(ev[1]["reason"], "by hand: first");
    assert!(ev.iter().all(|e| e["at"].as_str().is_some_and(|t| t.len() >= 16)), "{ev:?}");
    let text = d.ok(&["--as-of", AS_OF, "show", loan, "--format", "table"]).stdout;
    let history = text.split("Stage history").nth(1).expect("a history");
    let (second, first) =
        (history.find("by hand: second").expect("second"), history.find("by hand: first").expect("first"));
    assert!(second < first, "{history}");
    assert!(history.contains("2026-03-01 10:00"), "the time of each move: {history}");
}

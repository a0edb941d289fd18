//! Roles on every write command (#7): each command runs as a collector on an own case and on
//! another's, a supervisor, an admin and a login that is not a desk user, each on its own copy of
//! one prepared store. Allowed: exit 0. Refused: exit 3 and the store exactly as it was.

mod common;

use common::{AS_OF, TestDesk};
use serde_json::Value;

const SUPERVISOR: &str = "zhao.min";
const ADMIN: &str = "boss";
const STRANGER: &str = "stranger";
/// A collector who owns neither case: reassignments go to them.
const THIRD: &str = "xu.na";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Needs {
    /// Any desk user.
    Desk,
    /// The case's owner or a supervisor.
    Owner,
    Supervisor,
    Admin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    CollectorOwn,
    CollectorOther,
    Supervisor,
    Admin,
    Stranger,
}

impl Who {
    const ALL: [Who; 5] =
        [Who::CollectorOwn, Who::CollectorOther, Who::Supervisor, Who::Admin, Who::Stranger];

    fn allowed(self, needs: Needs) -> bool {
        match self {
            Who::Stranger => false,
            Who::CollectorOwn => needs <= Needs::Owner,
            Who::CollectorOther => needs == Needs::Desk,
            Who::Supervisor => needs <= Needs::Supervisor,
            Who::Admin => true,
        }
    }
}

/// A write command: its arguments (`{loan}`, `{task}`, `{out}`, `{file}` filled in), what it needs,
/// and what an admin does first on the copy so that it has something to act on.
struct Row {
    args: &'static str,
    needs: Needs,
    setup: &'static [&'static str],
}

const ROWS: &[Row] = &[
    Row { args: "contact {loan} --inbound --outcome callback --note roles", needs: Needs::Owner, setup: &[] },
    Row { args: "next-action {loan} 2026-03-05", needs: Needs::Owner, setup: &[] },
    Row {
        args: "plan {loan} --first 2026-03-10 --installments 3 --save agreed",
        needs: Needs::Owner,
        setup: &[],
    },
    Row { args: "notice {loan} --kind dunning --out {out}", needs: Needs::Owner, setup: &[] },
    Row {
        args: "notice-receipt 1 --status received",
        needs: Needs::Owner,
        setup: &["notice {loan} --kind dunning --out {out}/setup"],
    },
    Row { args: "task-done {task} --note roles", needs: Needs::Owner, setup: &[] },
    Row { args: "move {loan} --to legal --reason roles", needs: Needs::Owner, setup: &[] },
    Row { args: "legal-packet {loan} --out {out}", needs: Needs::Owner, setup: &[] },
    Row { args: "reveal {loan}", needs: Needs::Owner, setup: &[] },
    Row {
        args: "hold {loan} --kind dispute --until 2026-03-20 --reason roles",
        needs: Needs::Supervisor,
        setup: &[],
    },
    Row {
        args: "hold-lift {loan} --reason roles",
        needs: Needs::Supervisor,
        setup: &["hold {loan} --kind hardship --until 2026-03-20 --reason setup"],
    },
    Row { args: "agency {loan} --on 某催收公司 --reason roles", needs: Needs::Supervisor, setup: &[] },
    Row { args: "write-off {loan} --reason roles", needs: Needs::Supervisor, setup: &[] },
    Row {
        args: "reopen {loan} --reason roles",
        needs: Needs::Supervisor,
        setup: &["write-off {loan} --reason setup"],
    },
    Row { args: "assign {loan} --to xu.na --reason roles", needs: Needs::Supervisor, setup: &[] },
    Row {
        args: "plan {loan} --kind extension --scope balance --first 2026-03-10 --installments 6 --save agreed",
        needs: Needs::Supervisor,
        setup: &[],
    },
    Row { args: "import payments {file}", needs: Needs::Supervisor, setup: &[] },
    Row {
        args: "warn {loan} --category lawsuit --level yellow --note roles",
        needs: Needs::Owner,
        setup: &[],
    },
    Row { args: "classify {loan} --class loss --reason roles", needs: Needs::Supervisor, setup: &[] },
    Row {
        args: "classify {loan} --lift roles",
        needs: Needs::Supervisor,
        setup: &["classify {loan} --class doubtful --reason setup"],
    },
    Row { args: "escalate", needs: Needs::Supervisor, setup: &[] },
    Row { args: "refresh", needs: Needs::Supervisor, setup: &[] },
    Row { args: "users add newbie --role collector", needs: Needs::Admin, setup: &[] },
    Row { args: "users disable xu.na", needs: Needs::Admin, setup: &[] },
    Row { args: "users enable xu.na", needs: Needs::Admin, setup: &["users disable xu.na"] },
    Row { args: "settings set pii_full_phone supervisor", needs: Needs::Admin, setup: &[] },
];

/// The prepared store: a demo book, an admin, and an open task on each of two negotiation cases
/// owned by two different collectors.
struct Base {
    desk: TestDesk,
    own: String,
    other: String,
    collector: String,
    tasks: Vec<(String, i64)>,
}

fn rows_of(d: &TestDesk, args: &[&str]) -> Vec<Value> {
    let r = d.run_as(SUPERVISOR, args);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    r.json().as_array().cloned().expect("array")
}

fn base() -> Base {
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--seed", "5", "--loans", "60"]);
    d.ok(&["users", "add", ADMIN, "--role", "admin"]);
    let loans = rows_of(&d, &["--as-of", AS_OF, "loans", "--stage", "negotiation", "--format", "json"]);
    let owner = |r: &Value| r["assignee"].as_str().unwrap_or("").to_string();
    let ok =
        |r: &&Value| !matches!(owner(r).as_str(), "" | SUPERVISOR | THIRD) && r["dpd"].as_i64() > Some(0);
    let own = loans.iter().find(ok).expect("a negotiation case of a collector");
    let other = loans.iter().filter(ok).find(|r| owner(r) != owner(own)).expect("another collector's");
    let (own, other, collector) = (
        own["loan_id"].as_str().expect("id").to_string(),
        other["loan_id"].as_str().expect("id").to_string(),
        owner(own),
    );
    // Moved back by hand and forward again by the run, each case gets its plan_offer task.
    for loan in [&own, &other] {
        let r =
            d.run_as(SUPERVISOR, &["--as-of", AS_OF, "move", loan, "--to", "reminder", "--reason", "setup"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let r = d.run_as(SUPERVISOR, &["--as-of", AS_OF, "escalate", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let tasks = rows_of(&d, &["--as-of", AS_OF, "tasks", "--format", "json"])
        .iter()
        .map(|t| (t["loan_id"].as_str().expect("loan").to_string(), t["id"].as_i64().expect("id")))
        .collect();
    Base { desk: d, own, other, collector, tasks }
}

/// Every row of every table, in order: equal dumps are equal stores.
fn dump(d: &TestDesk) -> String {
    let tables = match d.server {
        Some(_) => {
            "SELECT table_name::text FROM information_schema.tables \
                    WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
        }
        None => "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
    };
    let tables: Vec<String> =
        d.text_rows(tables, &[]).into_iter().map(|t| t[0].clone().expect("a table's name")).collect();
    let mut rows: Vec<(String, String)> = match d.server {
        // Each row as its type's text, every table in one statement (a connection a statement).
        Some(_) => {
            let sql = tables
                .iter()
                .map(|t| format!("SELECT '{t}', x::text FROM \"{t}\" AS x"))
                .collect::<Vec<_>>()
                .join(" UNION ALL ");
            d.text_rows(&sql, &[])
                .into_iter()
                .map(|r| (r[0].clone().unwrap_or_default(), format!("{:?}", r[1])))
                .collect()
        }
        None => tables
            .iter()
            .flat_map(|t| {
                d.text_rows(&format!("SELECT * FROM \"{t}\""), &[])
                    .into_iter()
                    .map(move |r| (t.clone(), format!("{r:?}")))
            })
            .collect(),
    };
    rows.sort();
    let mut out = String::new();
    for t in &tables {
        out.push_str(&format!("== {t}\n"));
        for (_, row) in rows.iter().filter(|(of, _)| of == t) {
            out.push_str(row);
            out.push('\n');
        }
    }
    out
}

/// A copy of the prepared store of its own (the base is closed, so the file is whole).
fn copy(base: &Base) -> TestDesk {
    base.desk.copy()
}

#[test]
fn every_write_command_is_allowed_or_refused_by_role() {
    let base = base();
    // Each case runs on a copy of the base; three threads copy and run at once.
    let failures: Vec<String> = std::thread::scope(|s| {
        let base = &base;
        let parts: Vec<_> =
            ROWS.chunks(ROWS.len().div_ceil(3)).map(|rows| s.spawn(move || check_rows(base, rows))).collect();
        parts.into_iter().flat_map(|p| p.join().expect("a part of the cases")).collect()
    });
    assert!(failures.is_empty(), "{} problem(s):\n{}", failures.len(), failures.join("\n"));
}

/// What is wrong with the rows' commands, each run as every kind of user.
fn check_rows(base: &Base, rows: &[Row]) -> Vec<String> {
    let mut failures = Vec::new();
    for row in rows {
        // A copy prepared for the row's loan, left as it was by a refusal, serves the next case
        // on the same loan; any other run spends it.
        let mut spare: Option<(&str, TestDesk, String)> = None;
        for who in Who::ALL {
            let loan = if who == Who::CollectorOther { &base.other } else { &base.own };
            let task = base.tasks.iter().find(|(l, _)| l == loan).map_or(0, |t| t.1);
            let (d, before, prepared) = match spare.take() {
                Some((l, d, before)) if l == loan.as_str() => (d, Some(before), true),
                _ => (copy(base), None, false),
            };
            let out = d.dir.path().join("out");
            let file = d.write(
                "payments.csv",
                &format!("loan_id,paid_on,amount,reference\n{loan},2026-02-28,100.00,R-roles\n"),
            );
            let fill = |s: &str| -> Vec<String> {
                s.replace("{loan}", loan)
                    .replace("{task}", &task.to_string())
                    .replace("{out}", TestDesk::path_str(&out))
                    .replace("{file}", TestDesk::path_str(&file))
                    .split(' ')
                    .map(str::to_string)
                    .collect()
            };
            for step in row.setup.iter().filter(|_| !prepared) {
                let args = fill(step);
                let mut all = vec!["--as-of".to_string(), AS_OF.to_string()];
                all.extend(args);
                let refs: Vec<&str> = all.iter().map(String::as_str).collect();
                let r = d.run_as(ADMIN, &refs);
                assert_eq!(r.code, 0, "setup {step}: {}", r.stderr);
            }
            let user = match who {
                Who::CollectorOwn | Who::CollectorOther => base.collector.as_str(),
                Who::Supervisor => SUPERVISOR,
                Who::Admin => ADMIN,
                Who::Stranger => STRANGER,
            };
            let before = before.unwrap_or_else(|| dump(&d));
            let mut all = vec!["--as-of".to_string(), AS_OF.to_string(), "--format".into(), "json".into()];
            all.extend(fill(row.args));
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            let r = d.run_as(user, &refs);
            let want = who.allowed(row.needs);
            let what = format!("{} as {who:?} ({user})", row.args);
            if want && r.code != 0 {
                failures.push(format!("{what}: allowed but exit {}: {}", r.code, r.stderr.trim()));
            } else if !want {
                if r.code != 3 {
                    failures.push(format!(
                        "{what}: should be refused (3), exit {}: {}",
                        r.code,
                        r.stderr.trim()
                    ));
                } else if dump(&d) != before {
                    failures.push(format!("{what}: refused but the store changed"));
                } else {
                    spare = Some((loan.as_str(), d, before));
                }
                if who == Who::Stranger
                    && !r.stderr.contains("ask the admin")
                    && !r.stderr.contains("ask an admin (")
                {
                    failures.push(format!(
                        "{what}: the refusal does not name the admins to ask: {}",
                        r.stderr.trim()
                    ));
                }
            }
        }
    }
    failures
}

#[test]
fn a_stranger_reads_and_is_told_whom_to_ask() {
    let base = base();
    let d = copy(&base);
    let r = d.run_as(STRANGER, &["--as-of", AS_OF, "show", &base.own, "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = d.run_as(STRANGER, &["--as-of", AS_OF, "next-action", &base.own, "2026-03-05"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains("'stranger' is not a desk user, so this desk is read-only"), "{}", r.stderr);
    assert!(r.stderr.contains(ADMIN), "names the admins: {}", r.stderr);
    assert!(r.stderr.contains("duedesk users add stranger --role collector"), "{}", r.stderr);

    // A disabled user is told how to be enabled again, and can act once enabled.
    d.ok(&["users", "disable", &base.collector]);
    let r = d.run_as(&base.collector, &["--as-of", AS_OF, "next-action", &base.own, "2026-03-05"]);
    assert_eq!(r.code, 3);
    assert!(r.stderr.contains(&format!("duedesk users enable {}", base.collector)), "{}", r.stderr);
    d.ok(&["users", "enable", &base.collector]);
    let r = d.run_as(&base.collector, &["--as-of", AS_OF, "next-action", &base.own, "2026-03-05"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

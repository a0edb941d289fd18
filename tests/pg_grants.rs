//! The desk's roles as the server's grants (issue #20, migration 0029): a demo book copied to a
//! server, each desk user logging in as a role of their own that is a member of one of the three
//! group roles and has no right of its own. A collector's role works its own case through the
//! real binary, every collector action of docs/server-grants.md §1.A the command line has (a
//! grant missing, the action fails); by SQL it is refused what its desk role may not do; a
//! supervisor's and an admin's roles do theirs; a role in no group reads nothing.

#[path = "pg_grants/book_wide.rs"]
mod book_wide;
mod common;
#[path = "pg_grants/own_cases.rs"]
mod own_cases;
#[path = "pg_grants/supervisor_values.rs"]
mod supervisor_values;

use std::process::Command;

use common::{AS_OF, Run, TestDesk};
use serde_json::Value;

const COLLECTOR: &str = "chen.jing";
const SUPERVISOR: &str = "zhao.min";
const ADMIN: &str = "grants.admin";
const NOBODY: &str = "grants.nobody";

/// A demo book on a file with a negotiation case of the collector's, moved back and forward by
/// the run so it has an open plan_offer task, copied to a fresh database; the desk logins' roles
/// made members of their groups. The case's loan and its task's id.
struct Book {
    desk: TestDesk,
    server: common::pg::TestDb,
    loan: String,
    task: i64,
}

fn rows(r: &Run) -> Vec<Value> {
    let v = r.json();
    let list = v.as_array().or_else(|| v["items"].as_array());
    list.cloned().unwrap_or_else(|| panic!("not a list: {}", r.stdout))
}

fn book(tag: &str) -> Option<Book> {
    let server = common::pg::fresh(tag)?;
    let d = TestDesk::new();
    d.ok(&["--as-of", AS_OF, "demo", "--seed", "5", "--loans", "60"]);
    d.ok(&["users", "add", ADMIN, "--role", "admin"]);
    let sup = |args: &[&str]| {
        let r = d.run_as(SUPERVISOR, args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        r
    };
    let negotiation = rows(&sup(&["--as-of", AS_OF, "loans", "--stage", "negotiation", "--format", "json"]));
    let case = negotiation.iter().find(|r| r["dpd"].as_i64() > Some(0)).expect("an overdue negotiation case");
    let loan = case["loan_id"].as_str().expect("id").to_string();
    if case["assignee"].as_str() != Some(COLLECTOR) {
        sup(&["--as-of", AS_OF, "assign", &loan, "--to", COLLECTOR, "--reason", "grants"]);
    }
    sup(&["--as-of", AS_OF, "move", &loan, "--to", "reminder", "--reason", "setup"]);
    sup(&["--as-of", AS_OF, "escalate", "--format", "json"]);
    let tasks = rows(&sup(&["--as-of", AS_OF, "tasks", "--format", "json"]));
    let task = tasks
        .iter()
        .find(|t| t["loan_id"].as_str() == Some(loan.as_str()))
        .and_then(|t| t["id"].as_i64())
        .expect("the case's task");
    d.ok(&["store", "copy", "--from", TestDesk::path_str(&d.db), "--to", &server.url()]);
    server.login_role(COLLECTOR, Some("duedesk_collector"));
    server.login_role(SUPERVISOR, Some("duedesk_supervisor"));
    server.login_role(ADMIN, Some("duedesk_admin"));
    server.login_role(NOBODY, None);
    Some(Book { desk: d, server, loan, task })
}

impl Book {
    /// The command line on the server's book logged in as `login` (no DUEDESK_USER there).
    fn run(&self, login: &str, args: &[&str]) -> Run {
        let mut c = Command::new(env!("CARGO_BIN_EXE_duedesk"));
        for (k, v) in self.desk.command().get_envs() {
            match v {
                Some(v) => c.env(k, v),
                None => c.env_remove(k),
            };
        }
        c.env_remove("DUEDESK_USER").arg("--db").arg(self.server.url_as(login)).args(["--as-of", AS_OF]);
        c.args(args).output().expect("run duedesk").into()
    }

    fn out(&self) -> String {
        TestDesk::path_str(&self.desk.dir.path().join("out")).to_string()
    }
}

/// Each command in turn as `login`; those that did not exit 0, with what they said.
fn failures(b: &Book, login: &str, commands: &[Vec<String>]) -> Vec<String> {
    let mut failed = Vec::new();
    for args in commands {
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let r = b.run(login, &refs);
        if r.code != 0 {
            failed.push(format!("{args:?}: exit {}: {}", r.code, r.stderr.trim()));
        }
    }
    failed
}

fn words(line: &str) -> Vec<String> {
    line.split(' ').map(str::to_string).collect()
}

/// The id of the first row of a command's JSON list that `pick` takes.
fn id_in(b: &Book, login: &str, args: &[&str], pick: impl Fn(&Value) -> bool) -> i64 {
    let r = b.run(login, &[args, &["--format", "json"]].concat());
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    rows(&r)
        .iter()
        .find(|v| pick(v))
        .and_then(|v| v["id"].as_i64())
        .unwrap_or_else(|| panic!("{args:?}: {}", r.stdout))
}

#[test]
fn a_collector_s_role_in_its_group_alone_works_its_own_case_through_the_desk() {
    let Some(b) = book("grants_collector") else { return };
    let (loan, out) = (b.loan.clone(), b.out());
    let first: Vec<Vec<String>> = [
        format!("contact {loan} --outcome promise --promise-amount 500.00 --promise-date 2026-03-12 --note grants"),
        format!("next-action {loan} 2026-03-05"),
        format!("notice {loan} --kind dunning --out {out}/notice"),
        format!("inspect {loan} --kind routine --mode offsite --funds ok --business ok --collateral n/a --guarantor ok --conclusion normal --findings grants"),
        format!("warn {loan} --category lawsuit --level orange --note grants"),
        format!("watch {loan} --reason grants"),
        format!("collateral add {loan} --type house --description grants --insured-until 2026-12-31 --value 100000.00 --valued-on 2026-02-01 --valuer branch"),
        format!("log {loan} --kind call --note grants"),
        format!("edit {loan} --phone 13800000000 --address grants --employer grants --guarantor grants --guarantor-phone 13900000000"),
        format!("task-done {} --note grants", b.task),
        format!("reveal {loan}"),
    ]
    .iter()
    .map(|l| words(l))
    .collect();
    let failed = failures(&b, COLLECTOR, &first);
    assert!(failed.is_empty(), "{} refused to the collector's role:\n{}", failed.len(), failed.join("\n"));

    // Actions on what the first made: the notice's receipt, the warning, the collateral item.
    let notice = id_in(&b, COLLECTOR, &["notices", &loan], |_| true);
    let signal = id_in(&b, COLLECTOR, &["warnings", "--loan", &loan], |v| v["code"] == "manual");
    let item = id_in(&b, COLLECTOR, &["collateral", "list", &loan], |_| true);
    let then: Vec<Vec<String>> = [
        format!("notice-receipt {notice} --status received"),
        format!("warn-confirm {signal} --note grants"),
        format!("warn-measure {signal} --kind special_inspection --note grants"),
        format!("warn-close {signal} --reason grants"),
        format!("collateral value {item} --amount 90000.00 --valuer branch --insured-until 2027-01-01"),
        format!("move {loan} --to legal --reason grants"),
        format!("legal-packet {loan} --out {out}/legal"),
        format!("lease {loan}"),
        format!("plan {loan} --first 2026-03-10 --installments 3 --save agreed"),
        "escalate --dry-run".to_string(),
        "loans --format csv".to_string(),
        "tasks --format csv".to_string(),
        "warnings --format csv".to_string(),
        "promises --format csv".to_string(),
        "inspections --format csv".to_string(),
        "watchlist --format csv".to_string(),
        "logs --format csv".to_string(),
        format!("show {loan} --format json"),
        format!("audit --loan {loan} --format json"),
    ]
    .iter()
    .map(|l| words(l))
    .collect();
    let failed = failures(&b, COLLECTOR, &then);
    assert!(failed.is_empty(), "{} refused to the collector's role:\n{}", failed.len(), failed.join("\n"));

    // What the command line does not reach: a lease taken and released, a call taken back.
    let now = chrono::DateTime::parse_from_rfc3339(common::NOW).expect("now");
    let store = duedesk::store::Store::open_server(&b.server.url_as(COLLECTOR), COLLECTOR).expect("the book");
    let mut desk = duedesk::app::Desk::open(store, COLLECTOR, now.date_naive(), now).expect("the desk");
    desk.take_lease(&loan).expect("a lease");
    let call = duedesk::app::casework::ContactInput::call(&loan, duedesk::domain::Outcome::NoAnswer);
    let id = desk.log_contact(&call).expect("a call").contact_id;
    desk.take_back_contact(&loan, id).expect("taken back");
    assert!(desk.release_lease(&loan).expect("released"), "the lease was the collector's");

    // The chain holds: each entry in the name of the role that wrote it.
    let r = b.run(SUPERVISOR, &["audit", "verify", "--format", "json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("\"broken\": null"), "{}", r.stdout);
}

/// A statement's refusal by the server: its SQLSTATE and message (or that it ran).
fn tried(c: &mut postgres::Client, sql: &str) -> Result<(), (String, String)> {
    let mut tx = c.transaction().expect("transaction");
    let outcome = tx.batch_execute(sql).map_err(|e| {
        let code = e.code().map(|s| s.code().to_string()).unwrap_or_default();
        (code, e.as_db_error().map(|d| d.message().to_string()).unwrap_or_else(|| e.to_string()))
    });
    let _ = tx.rollback();
    outcome
}

/// Each statement refused as a permission error ("42501"); what was not.
fn not_refused(c: &mut postgres::Client, statements: &[&str]) -> Vec<String> {
    statements
        .iter()
        .filter_map(|sql| match tried(c, sql) {
            Err((code, _)) if code == "42501" => None,
            Err((code, why)) => Some(format!("{sql}: {code} {why}")),
            Ok(()) => Some(format!("{sql}: ran")),
        })
        .collect()
}

const AUDIT: &str = "INSERT INTO audit_log (id, at, actor, action, entity, entity_id, detail, prev_hash, hash) \
     SELECT max(id) + 1, 't', '{actor}', 'x', 'loan', NULL, '{}', 'p', 'h' FROM audit_log";

#[test]
fn by_sql_each_role_is_refused_what_its_desk_role_may_not_do() {
    let Some(b) = book("grants_sql") else { return };
    let mut c = b.server.client_as(COLLECTOR);
    let forged = AUDIT.replace("{actor}", SUPERVISOR);
    let refused = not_refused(
        &mut c,
        &[
            "UPDATE customers SET assignee_id = (SELECT id FROM users WHERE login = 'chen.jing')",
            "UPDATE users SET role = 'supervisor' WHERE login = 'chen.jing'",
            "INSERT INTO users (login, role, created_at) VALUES ('mole', 'collector', 't')",
            "UPDATE loans SET written_off_on = '2026-03-01'",
            "DELETE FROM contacts",
            "UPDATE contacts SET note = 'x'",
            "DELETE FROM audit_log",
            "UPDATE audit_log SET detail = 'x'",
            "DELETE FROM stage_events",
            "UPDATE stage_events SET reason = 'x'",
            "UPDATE settings SET value = 'x'",
            &forged,
        ],
    );
    assert!(refused.is_empty(), "not refused to the collector's role:\n{}", refused.join("\n"));
    // What the collector's desk does, it may do by SQL: an entry in its own name, a loan's phone.
    let own = AUDIT.replace("{actor}", COLLECTOR);
    assert_eq!(tried(&mut c, &own), Ok(()));
    assert_eq!(tried(&mut c, "UPDATE loans SET phone = '13800000000'"), Ok(()));

    let mut s = b.server.client_as(SUPERVISOR);
    assert_eq!(
        tried(&mut s, "UPDATE customers SET assignee_id = (SELECT id FROM users WHERE login = 'chen.jing')"),
        Ok(())
    );
    assert_eq!(
        tried(&mut s, "INSERT INTO users (login, role, created_at) VALUES ('new.one', 'collector', 't')"),
        Ok(())
    );
    let refused = not_refused(
        &mut s,
        &[
            "UPDATE users SET role = 'admin' WHERE login = 'zhao.min'",
            "UPDATE users SET active = 0",
            "INSERT INTO users (login, role, created_at) VALUES ('new.boss', 'admin', 't')",
            "INSERT INTO settings (key, value) VALUES ('x', 'y')",
            "DELETE FROM audit_log",
        ],
    );
    assert!(refused.is_empty(), "not refused to the supervisor's role:\n{}", refused.join("\n"));

    let mut n = b.server.client_as(NOBODY);
    let tables: Vec<String> = b
        .server
        .client()
        .query("SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1", &[])
        .expect("tables")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(tables.len() > 40, "{tables:?}");
    // Every table of the book is the desk's to read: a later step's new table granted with it.
    let mut owner = b.server.client();
    for t in &tables {
        let read: bool = owner
            .query_one("SELECT has_table_privilege('duedesk_collector', $1, 'SELECT')", &[t])
            .expect("privilege")
            .get(0);
        assert!(read, "the desk's roles cannot read {t}: grant it in the step that makes it");
    }
    let mut statements = Vec::new();
    for t in &tables {
        statements.push(format!("SELECT 1 FROM {t} LIMIT 1"));
        statements.push(format!("DELETE FROM {t}"));
    }
    statements.push("UPDATE loans SET phone = 'x'".into());
    statements.push("INSERT INTO meta (key, value) VALUES ('x', 'y')".into());
    let refs: Vec<&str> = statements.iter().map(String::as_str).collect();
    let refused = not_refused(&mut n, &refs);
    assert!(refused.is_empty(), "not refused to a role in no group:\n{}", refused.join("\n"));
    // Nor opens the desk on it: refused (exit 3), told which groups the desk's roles are.
    let r = b.run(NOBODY, &["loans"]);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("permission denied") && r.stderr.contains("duedesk_collector"), "{}", r.stderr);
}

/// A desk user the book calls a supervisor whose server role is only in the collectors' group (a
/// DBA's slip): the desk lets the reassignment through, the server refuses it, and the desk says
/// so as a refusal (exit 3) naming the groups and the command that mends it; nothing changes.
#[test]
fn a_grant_the_server_refuses_is_the_desk_refusing_and_says_which_group_is_missing() {
    let Some(b) = book("grants_refusal") else { return };
    const HALF: &str = "grants.half";
    b.server
        .client()
        .execute("INSERT INTO users (login, role, created_at) VALUES ($1, 'supervisor', '2026-03-01T09:00:00+08:00')", &[&HALF])
        .expect("desk user");
    b.server.login_role(HALF, Some("duedesk_collector"));
    let owner = |b: &Book| {
        let shown = b.run(SUPERVISOR, &["show", &b.loan, "--format", "json"]);
        assert_eq!(shown.code, 0, "{}", shown.stderr);
        shown.json()["assignee"].as_str().map(str::to_string)
    };
    let before = owner(&b);
    let r = b.run(HALF, &["assign", &b.loan, "--to", "wang.fang", "--reason", "grants"]);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    for said in ["the server refused it", "permission denied", "duedesk_supervisor", "users set-role"] {
        assert!(r.stderr.contains(said), "{said:?} not in: {}", r.stderr);
    }
    assert_eq!(owner(&b), before);
    assert_eq!(before.as_deref(), Some(COLLECTOR));
}

/// The roles the login is a member of directly, of the three groups.
fn groups_of(b: &Book, login: &str) -> Vec<String> {
    b.server
        .client()
        .query(
            "SELECT g.rolname::text FROM pg_auth_members a JOIN pg_roles g ON g.oid = a.roleid \
             JOIN pg_roles u ON u.oid = a.member WHERE u.rolname = $1 AND g.rolname LIKE 'duedesk\\_%' ORDER BY 1",
            &[&login],
        )
        .expect("members")
        .iter()
        .map(|r| r.get(0))
        .collect()
}

#[test]
fn a_supervisor_s_and_an_admin_s_roles_do_theirs_and_an_admin_puts_desk_users_in_their_groups() {
    let Some(b) = book("grants_higher") else { return };
    let (loan, out) = (b.loan.clone(), b.out());
    let payments = b.desk.write(
        "payments.csv",
        &format!("loan_id,paid_on,amount,reference\n{loan},2026-02-28,100.00,R-grants\n"),
    );
    let file = TestDesk::path_str(&payments);
    // A loans import naming an assignee the desk does not know adds them, as a collector (§7.6).
    let loans = b.desk.write(
        "loans.csv",
        "loan_id,customer_id,borrower,phone,product,principal,annual_rate,term_months,disbursed_on,assignee\n\
         G-1,K-G,吴六,13800000009,bullet,10000.00,12,1,2026-01-30,grants.imported\n",
    );
    let imported = TestDesk::path_str(&loans);
    let listed = b.run(SUPERVISOR, &["loans", "--format", "json"]);
    // A current loan whose customer has no warning: rated worse, watched and unwatched.
    let current = rows(&listed)
        .iter()
        .filter(|r| r["dpd"].as_i64() == Some(0))
        .filter_map(|r| r["loan_id"].as_str().map(str::to_string))
        .find(|l| {
            rows(&b.run(SUPERVISOR, &["warnings", "--customer", l, "--all", "--format", "json"])).is_empty()
        })
        .expect("a current loan without warnings");
    let supervisor: Vec<Vec<String>> = [
        format!("hold {loan} --kind dispute --until 2026-03-20 --reason grants"),
        format!("hold-lift {loan} --reason grants"),
        format!("plan {loan} --kind extension --scope balance --first 2026-03-10 --installments 6 --save agreed"),
        format!("classify {loan} --class loss --reason grants"),
        format!("classify {loan} --lift grants"),
        format!("write-off {loan} --reason grants"),
        format!("reopen {loan} --reason grants"),
        format!("agency {loan} --on 某催收公司 --reason grants"),
        format!("assign {loan} --to wang.fang --reason grants"),
        format!("import payments {file}"),
        format!("import loans {imported}"),
        "refresh".to_string(),
        "escalate".to_string(),
        format!("inspect {loan} --kind special --mode onsite --funds ok --business concern --collateral ok --guarantor ok --conclusion concern --findings grants --recommend-class substandard"),
        format!("log {loan} --kind visit --note grants"),
        format!("collateral add {loan} --type vehicle --description grants"),
        format!("rating {current} --set high --reason grants"),
        format!("watch {current} --reason grants"),
        "targets set wang.fang --month 2026-03 --collected 1000.00 --cured 2".to_string(),
        "report capture --month 2026-02 --replace".to_string(),
        format!("report pack --month 2026-02 --out {out}/pack"),
        "team --format csv".to_string(),
        "audit verify".to_string(),
    ]
    .iter()
    .map(|l| words(l))
    .collect();
    let failed = failures(&b, SUPERVISOR, &supervisor);
    assert!(failed.is_empty(), "{} refused to the supervisor's role:\n{}", failed.len(), failed.join("\n"));
    let users = b.run(SUPERVISOR, &["users", "list", "--format", "json"]).json();
    let added = users.as_array().and_then(|u| u.iter().find(|u| u["login"] == "grants.imported")).cloned();
    assert_eq!(added.map(|u| u["role"].clone()), Some(Value::from("collector")), "{users}");
    let inspection = id_in(&b, SUPERVISOR, &["inspections", "--done"], |_| true);
    let log = id_in(&b, SUPERVISOR, &["logs", "--unsigned"], |_| true);
    let item = id_in(&b, SUPERVISOR, &["collateral", "list", &loan], |v| {
        v["type"] == "vehicle" || v["kind"] == "vehicle"
    });
    let then: Vec<Vec<String>> = [
        format!("inspection-review {inspection} --comment grants --accept-class"),
        format!("log-sign {log} --comment grants"),
        format!("collateral seize {item} --reason grants"),
        format!("unwatch {current} --reason grants"),
    ]
    .iter()
    .map(|l| words(l))
    .collect();
    let failed = failures(&b, SUPERVISOR, &then);
    assert!(failed.is_empty(), "{} refused to the supervisor's role:\n{}", failed.len(), failed.join("\n"));

    let failed = failures(
        &b,
        ADMIN,
        &[words("settings set pii_full_phone supervisor"), words("escalate undo --reason grants")],
    );
    assert!(failed.is_empty(), "{} refused to the admin's role:\n{}", failed.len(), failed.join("\n"));

    // Desk users: the admins' group holds ADMIN OPTION on the collectors' and supervisors' groups
    // (step 0031), so an admin's role without CREATEROLE moves a desk user between those two.
    let newcomer = "grants.newcomer";
    b.server.login_role(newcomer, None);
    b.server.client().batch_execute(&format!("ALTER ROLE \"{ADMIN}\" NOCREATEROLE")).expect("no CREATEROLE");
    let said = |args: &[&str]| {
        let r = b.run(ADMIN, args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        r.stdout
    };
    let text = said(&["users", "add", newcomer, "--role", "collector", "--format", "table"]);
    assert!(text.contains("is a member of duedesk_collector"), "{text}");
    assert_eq!(groups_of(&b, newcomer), ["duedesk_collector"]);
    let r = b.run(newcomer, &["loans", "--format", "csv"]);
    assert_eq!(r.code, 0, "the newcomer works the desk: {}", r.stderr);
    said(&["users", "set-role", newcomer, "supervisor"]);
    assert_eq!(groups_of(&b, newcomer), ["duedesk_supervisor"]);
    let json = said(&["users", "disable", newcomer, "--format", "json"]);
    assert!(json.contains("\"group\": null"), "{json}");
    assert!(groups_of(&b, newcomer).is_empty());
    let r = b.run(newcomer, &["loans", "--format", "csv"]);
    assert_ne!(r.code, 0, "a disabled user's role reads nothing: {}", r.stdout);
    said(&["users", "enable", newcomer]);
    assert_eq!(groups_of(&b, newcomer), ["duedesk_supervisor"]);

    // Making an admin needs more: refused, and nothing changes, neither the desk nor the groups.
    let r = b.run(ADMIN, &["users", "set-role", newcomer, "admin"]);
    assert_eq!(r.code, 3, "{}", r.stdout);
    assert!(r.stderr.contains("needs CREATEROLE, or ADMIN OPTION on duedesk_admin"), "{}", r.stderr);
    let listed = b.run(ADMIN, &["users", "list", "--format", "json"]).json();
    let role =
        listed.as_array().and_then(|u| u.iter().find(|u| u["login"] == newcomer)).map(|u| u["role"].clone());
    assert_eq!(role, Some(Value::from("supervisor")), "{listed}");
    assert_eq!(groups_of(&b, newcomer), ["duedesk_supervisor"]);

    // Given CREATEROLE, it does.
    b.server.client().batch_execute(&format!("ALTER ROLE \"{ADMIN}\" CREATEROLE")).expect("CREATEROLE");
    said(&["users", "set-role", newcomer, "admin"]);
    assert_eq!(groups_of(&b, newcomer), ["duedesk_admin"]);
    said(&["users", "set-role", newcomer, "collector"]);
    assert_eq!(groups_of(&b, newcomer), ["duedesk_collector"]);
    b.server.client().batch_execute(&format!("ALTER ROLE \"{ADMIN}\" NOCREATEROLE")).expect("as before");

    // A login with no role on the server: the desk user is added, and the admin told.
    let text = said(&["users", "add", "grants.no-such-role", "--role", "collector", "--format", "table"]);
    assert!(text.contains("no PostgreSQL role \"grants.no-such-role\" on the server"), "{text}");
}

#[test]
fn an_owner_without_createrole_brings_a_book_up_to_date_once_the_desk_s_roles_are_there() {
    let Some(db) = common::pg::fresh("grants_owner") else { return };
    db.migrated(); // the cluster's three roles are there from here on
    let owner = "grants.owner";
    db.login_role(owner, None);
    let fresh = format!("{}_owned", db.name);
    let mut admin = db.client();
    admin
        .batch_execute(&format!("ALTER ROLE \"{owner}\" NOCREATEROLE"))
        .expect("an owner as a DBA makes one");
    admin.batch_execute(&format!("CREATE DATABASE {fresh} OWNER \"{owner}\"")).expect("the owner's database");
    let mut config = db.config.clone();
    config.dbname(&fresh).user(owner);
    let migrated = config.connect(postgres::NoTls).map(|mut c| {
        let done = duedesk::store::pg::migrate(&mut c, &fresh);
        let select: bool = c
            .query_one("SELECT has_table_privilege('duedesk_collector', 'loans', 'SELECT')", &[])
            .expect("privilege")
            .get(0);
        (done, select)
    });
    admin.batch_execute(&format!("DROP DATABASE {fresh} WITH (FORCE)")).expect("drop");
    let (done, select) = migrated.expect("connect as the owner");
    done.expect("the owner migrates without CREATEROLE");
    assert!(select, "the owner granted the desk's roles its tables");
}

/// A book a step behind this duedesk: a desk's role is told that its owner brings it up to date
/// (exit 3, nothing changed), not that the server refused it a table; the owner's first command
/// does it, and the desk then opens.
#[test]
fn a_book_behind_is_brought_up_to_date_by_its_owner_and_a_desk_role_is_told_so() {
    let Some(b) = book("grants_behind") else { return };
    let mut owner = b.server.client();
    let known: i64 = owner.query_one("SELECT version FROM duedesk_schema", &[]).expect("version").get(0);
    owner.batch_execute("UPDATE duedesk_schema SET version = version - 1").expect("a step behind");
    let r = b.run(COLLECTOR, &["loans", "--format", "csv"]);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains(&format!("schema version {} of this duedesk's {known}", known - 1)),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("its owner brings it up to date"), "{}", r.stderr);
    let behind: i64 = owner.query_one("SELECT version FROM duedesk_schema", &[]).expect("version").get(0);
    assert_eq!(behind, known - 1);
    duedesk::store::pg::migrate(&mut owner, &b.server.name).expect("the owner brings it up to date");
    let r = b.run(COLLECTOR, &["loans", "--format", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

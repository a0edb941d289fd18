//! The store's statements on both backends (issue #20): the functions already on `store::Db`
//! (users, settings, the audit chain) give the same answers on a file and on the server, and the
//! audit chain stays one chain while eight writers append to it on the server at once.

mod common;

use std::cell::RefCell;
use std::sync::{Arc, Barrier};

use duedesk::domain::Role;
use duedesk::store::{self, AuditContent, Db, GENESIS, Store};

/// What the statements answer, in order, as text to compare.
fn exercise(db: Db<'_>) -> Vec<String> {
    let mut out = Vec::new();
    let zhang =
        store::insert_user(db, "zhang.wei", Some("张伟"), Role::Collector, "2026-03-01T09:00:00+08:00")
            .expect("user");
    store::insert_user(db, "li.na", None, Role::Supervisor, "2026-03-01T09:00:00+08:00").expect("user");
    out.push(format!("{:?}", store::user_by_id(db, zhang).expect("by id")));
    store::set_user_role(db, "zhang.wei", Role::Supervisor).expect("role");
    store::set_user_active(db, "li.na", false).expect("active");
    out.push(format!("{:?}", store::list_users(db).expect("list")));
    out.push(format!("{:?}", store::user_by_login(db, "li.na").expect("login")));
    out.push(format!("{:?}", store::user_by_login(db, "nobody").expect("none")));
    out.push(format!("{}", store::user_count(db).expect("count")));
    store::setting_set(db, "trust_env_user", "true").expect("set");
    store::setting_set(db, "trust_env_user", "false").expect("set again");
    store::setting_set(db, "branch", "浦东 支行").expect("set");
    out.push(format!("{:?}", store::setting_get(db, "trust_env_user").expect("get")));
    out.push(format!("{:?}", store::setting_get(db, "missing").expect("get")));
    out.push(format!("{:?}", store::all_settings(db).expect("all")));
    store::meta_set(db, "probe", "1 2").expect("meta");
    out.push(format!("{:?}", store::meta_get(db, "probe").expect("meta")));
    db_exec(db, "INSERT INTO customers (id, customer_ref, name) VALUES (7, 'C7', '王芳')");
    let (customer, now) = (store::CustomerId(7), 1_772_326_800i64);
    store::put_lease(db, customer, zhang, "09:00", "09:30", now + 1_800, now).expect("lease");
    out.push(format!("{:?}", store::lease_of(db, customer, now).expect("lease")));
    out.push(format!("{:?}", store::lease_of(db, customer, now + 1_800).expect("run out")));
    out.push(format!("{:?}", store::leased_loans(db, now).expect("leased")));
    out.push(format!("{:?}", store::taken_over_since(db, "C7", "2026-01-01").expect("taken over")));
    out.push(format!("{:?}", store::drop_lease(db, customer).expect("drop")));
    out.push(format!("{:?}", store::drop_lease(db, customer).expect("drop again")));
    let day = |d: &str| duedesk::domain::parse_date(d).expect("date");
    store::meta_set(db, "snapshot_as_of", "2026-03-04").expect("snapshot");
    out.push(format!("{:?}", store::snapshot_as_of(db).expect("snapshot")));
    out.push(format!("{:?}", store::schedule_pending(db).expect("pending")));
    store::schedule_made(db).expect("made");
    out.push(format!("{:?}", store::schedule_pending(db).expect("pending")));
    let holiday = |d: &str, kind, name: Option<&str>| store::HolidayRow {
        day: day(d),
        kind,
        name: name.map(str::to_string),
    };
    use duedesk::domain::workdays::DayKind;
    let first = [
        holiday("2026-10-01", DayKind::Holiday, Some("国庆节")),
        holiday("2026-09-27", DayKind::Workday, None),
    ];
    out.push(format!("{:?}", store::replace_holiday_years(db, &[2026], &first).expect("calendar")));
    let again = [
        holiday("2026-10-01", DayKind::Holiday, Some("National Day")),
        holiday("2027-01-01", DayKind::Holiday, None),
    ];
    out.push(format!("{:?}", store::replace_holiday_years(db, &[2026, 2027], &again).expect("calendar")));
    out.push(format!("{:?}", store::holidays(db).expect("holidays")));
    exercise_tasks(db, zhang, &mut out);
    out
}

/// The tasks' statements on a loan of customer 7's.
fn exercise_tasks(db: Db<'_>, zhang: store::UserId, out: &mut Vec<String>) {
    let day = |d: &str| duedesk::domain::parse_date(d).expect("date");
    db_exec(
        db,
        "INSERT INTO loans (id, loan_ref, customer_id, borrower, product, principal_cents, rate_e4, term_months, \
         disbursed_on, collateral, created_at) VALUES (11, 'DL11', 7, '王芳', 'annuity', 1000000, 120000, 12, \
         '2026-01-01', '房产 一处', '2026-01-01T09:00:00+08:00')",
    );
    db_exec(db, &format!("UPDATE customers SET assignee_id = {} WHERE id = 7", zhang.0));
    let loan = store::LoanId(11);
    let add =
        |kind, due| store::add_task_once(db, loan, kind, day(due), "policy", "2026-03-04T01:00:00+08:00");
    out.push(format!(
        "{:?} {:?} {:?}",
        add("call", "2026-03-05"),
        add("call", "2026-03-06"),
        add("dunning_notice", "2026-03-06")
    ));
    let month = (day("2026-03-01"), day("2026-03-31"));
    out.push(format!(
        "{:?}",
        store::monthly_task_due(db, loan, "dunning_notice", "dunning", month.0, month.1)
    ));
    out.push(format!("{:?}", store::monthly_task_due(db, loan, "plan_offer", "plan", month.0, month.1)));
    out.push(format!("{:?}", store::maturity_notice_due(db, loan, day("2026-12-01"))));
    let done = store::complete_open_task(db, loan, "call", day("2026-03-05"), "zhang.wei", Some("接通"));
    out.push(format!("{done:?}"));
    let mine = store::TaskFilter { assignee: Some(zhang), open: true, ..store::TaskFilter::default() };
    out.push(format!("{:?}", store::list_tasks(db, &mine)));
    let by_day = store::TaskFilter { due_by: Some(day("2026-03-05")), ..store::TaskFilter::default() };
    out.push(format!("{:?}", store::list_tasks(db, &by_day)));
    out.push(format!("{:?}", store::list_tasks(db, &store::TaskFilter::default())));
    let closed =
        store::close_open_tasks(db, loan, Some(&["dunning_notice"]), day("2026-03-07"), "policy", "cured");
    out.push(format!(
        "{closed:?} {:?}",
        store::close_open_tasks(db, loan, None, day("2026-03-07"), "policy", "x")
    ));
    add("legal_packet", "2026-03-04").expect("task");
    out.push(format!(
        "{:?}",
        store::close_tasks_created(db, "policy", day("2026-03-04"), day("2026-03-08"), "admin", "undone")
    ));
    out.push(format!("{:?}", store::tasks_of(db, loan)));
    out.push(format!("{:?}", store::task_by_id(db, 1)));
    out.push(format!("{:?}", store::loan_has_collateral(db, loan)));
    exercise_payments(db, loan, out);
}

/// What a payments import asks of the book.
fn exercise_payments(db: Db<'_>, loan: store::LoanId, out: &mut Vec<String>) {
    let day = |d: &str| duedesk::domain::parse_date(d).expect("date");
    out.push(format!("{:?}", store::last_payment_id(db)));
    for (on, cents, reference) in
        [("2026-02-01", 88_849, "'P1'"), ("2026-02-01", 88_849, "NULL"), ("2026-03-01", 88_849, "'P3'")]
    {
        db_exec(
            db,
            &format!(
                "INSERT INTO payments (loan_id, paid_on, amount_cents, reference, created_at) \
                 VALUES (11, '{on}', {cents}, {reference}, '2026-03-04T09:00:00+08:00')"
            ),
        );
    }
    let amount = duedesk::domain::Money::from_cents(88_849);
    out.push(format!("{:?}", store::payment_target(db, "DL11")));
    out.push(format!("{:?}", store::payment_target(db, "DL99")));
    out.push(format!("{:?}", store::last_payment_id(db)));
    out.push(format!("{:?}", store::equal_payments(db, loan, day("2026-02-01"), amount, 3)));
    out.push(format!("{:?}", store::equal_payments(db, loan, day("2026-02-01"), amount, 1)));
    out.push(format!("{:?}", store::payment_with_reference(db, loan, "P3")));
    out.push(format!("{:?}", store::payment_with_reference(db, loan, "P9")));
    out.push(format!("{:?}", store::paid_in_all(db, loan)));
    db_exec(
        db,
        "INSERT INTO loans (id, loan_ref, customer_id, borrower, product, principal_cents, rate_e4, term_months, \
         disbursed_on, created_at) VALUES (12, 'DL1王', 7, '王芳', 'bullet', 500000, 90000, 6, '2026-01-01', \
         '2026-01-01T09:00:00+08:00'), (13, 'DLz', 7, '王芳', 'bullet', 500000, 90000, 6, '2026-01-01', \
         '2026-01-01T09:00:00+08:00'), (14, 'DL1A', 7, '王芳', 'bullet', 500000, 90000, 6, '2026-01-01', \
         '2026-01-01T09:00:00+08:00')",
    );
    for (prefix, limit) in [("DL1", 10), ("DL", 2), ("DL1王", 5), ("dl", 5), ("", 10)] {
        out.push(format!("{prefix}: {:?}", store::loan_refs_from(db, prefix, limit)));
    }
    out.push(format!(
        "{:?} {:?}",
        store::loan_ref_of(db, loan),
        store::loan_ref_of(db, store::LoanId(99)).is_err()
    ));
}

/// Three audit entries in one transaction of the caller's.
fn audit_three(db: Db<'_>) {
    for (i, who) in ["zhang.wei", "li.na", "张伟"].iter().enumerate() {
        let detail = format!("{{\"n\":{i}}}");
        store::insert_audit(db, "2026-03-01T09:00:00+08:00", who, "note", "loan", Some("DL1"), &detail)
            .expect("audit");
    }
}

type Link = (i64, String, String, String);

fn file_chain(conn: &rusqlite::Connection) -> Vec<Link> {
    let mut stmt =
        conn.prepare("SELECT id, actor, prev_hash, hash FROM audit_log ORDER BY id").expect("chain");
    stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .expect("rows")
        .map(|r| r.expect("row"))
        .collect()
}

fn server_chain(client: &mut postgres::Client) -> Vec<Link> {
    client
        .query("SELECT id, actor, prev_hash, hash FROM audit_log ORDER BY id", &[])
        .expect("chain")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
}

#[test]
fn the_statements_on_db_answer_alike_on_a_file_and_on_the_server() {
    let Some(server) = common::pg::fresh("store_db") else { return };
    let dir = tempfile::tempdir().expect("dir");
    let mut file = Store::open(&dir.path().join("desk.db")).expect("store");
    let on_file = exercise(Db::from(file.conn()));
    let client = RefCell::new(server.migrated());
    let on_server = exercise(Db::Server(&client));
    assert!(on_file.iter().any(|l| l.contains("张伟")), "{on_file:?}");
    assert_eq!(on_file, on_server);

    // The same entries make the same chain, hash for hash.
    file.write(|tx| -> store::Result<()> {
        audit_three(tx);
        Ok(())
    })
    .expect("file audit");
    let mut client = client.into_inner();
    {
        let tx = RefCell::new(client.transaction().expect("transaction"));
        audit_three(Db::Server(&tx));
        tx.into_inner().commit().expect("commit");
    }
    let chain = file_chain(file.conn());
    assert_eq!(chain.len(), 3);
    assert_eq!(chain, server_chain(&mut client));
    // And the log lists alike, filtered and not.
    let lists = |db: Db<'_>| -> Vec<String> {
        let filter =
            |loan: Option<&str>, actor: Option<&str>, since: Option<&str>, limit| store::AuditFilter {
                loan: loan.map(str::to_string),
                actor: actor.map(str::to_string),
                since: since.map(str::to_string),
                limit,
            };
        [
            filter(None, None, None, 10),
            filter(Some("DL1"), None, None, 2),
            filter(None, Some("张伟"), None, 10),
            filter(None, None, Some("2026-03-02"), 10),
            filter(Some("DL9"), None, None, 10),
        ]
        .iter()
        .map(|f| format!("{:?}", store::list_audit(db, f).expect("list")))
        .collect()
    };
    let on_file = lists(Db::from(file.conn()));
    assert!(on_file[0].contains("张伟") && on_file[3] == "[]", "{on_file:?}");
    let client = RefCell::new(client);
    assert_eq!(on_file, lists(Db::Server(&client)));

    // The chain verifies alike, on a session of its own or inside the caller's transaction; a
    // row changed behind duedesk's back is found on both.
    let verify = |db: Db<'_>| {
        let mut seen = Vec::new();
        let check = store::verify_audit(db, &mut |_| {}, &mut |row| seen.push(row.id)).expect("verify");
        format!("{check:?} {seen:?}")
    };
    let whole = verify(Db::from(file.conn()));
    assert!(whole.contains("broken: None") && whole.ends_with("[1, 2, 3]"), "{whole}");
    assert_eq!(whole, verify(Db::Server(&client)));
    {
        let mut session = client.borrow_mut();
        let tx = RefCell::new(session.transaction().expect("transaction"));
        assert_eq!(whole, verify(Db::Server(&tx)));
    }
    let tamper = "UPDATE audit_log SET actor = 'someone' WHERE id = 2";
    file.conn().execute(tamper, []).expect("tamper");
    client.borrow_mut().execute(tamper, &[]).expect("tamper");
    let broken = verify(Db::from(file.conn()));
    assert!(broken.contains("id: 2") && broken.ends_with("[1]"), "{broken}");
    assert_eq!(broken, verify(Db::Server(&client)));
}

#[test]
fn eight_writers_on_the_server_keep_one_audit_chain() {
    let Some(server) = common::pg::fresh("audit_race") else { return };
    drop(server.migrated());
    const WRITERS: usize = 8;
    const EACH: usize = 20;
    let start = Arc::new(Barrier::new(WRITERS));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (config, start) = (server.config.clone(), Arc::clone(&start));
            std::thread::spawn(move || {
                let mut client = config.connect(postgres::NoTls).expect("connect");
                start.wait();
                for i in 0..EACH {
                    let tx = RefCell::new(client.transaction().expect("transaction"));
                    let detail = format!("{{\"writer\":{w},\"n\":{i}}}");
                    let actor = format!("desk{w}");
                    store::insert_audit(
                        Db::Server(&tx),
                        "2026-03-01T09:00:00+08:00",
                        &actor,
                        "note",
                        "book",
                        None,
                        &detail,
                    )
                    .expect("no lock error shown to a desk");
                    tx.into_inner().commit().expect("commit");
                }
            })
        })
        .collect();
    for w in writers {
        w.join().expect("writer");
    }
    let mut client = server.client();
    let rows = client
        .query("SELECT id, at, actor, action, entity, entity_id, detail, prev_hash, hash FROM audit_log ORDER BY id", &[])
        .expect("rows");
    assert_eq!(rows.len(), WRITERS * EACH);
    let mut prev = GENESIS.to_string();
    for (n, r) in rows.iter().enumerate() {
        let id: i64 = r.get(0);
        assert_eq!(id, n as i64 + 1, "ids one after the other");
        let (at, actor, action, entity): (String, String, String, String) =
            (r.get(1), r.get(2), r.get(3), r.get(4));
        let (entity_id, detail): (Option<String>, String) = (r.get(5), r.get(6));
        let content = AuditContent {
            id,
            at: &at,
            actor: &actor,
            action: &action,
            entity: &entity,
            entity_id: entity_id.as_deref(),
            detail: &detail,
        };
        assert_eq!(r.get::<_, String>(7), prev, "row {id} follows the row before it");
        let hash: String = r.get(8);
        assert_eq!(hash, store::audit_hash(&content, &prev), "row {id}");
        prev = hash;
    }
    let head: String =
        client.query_one("SELECT value FROM meta WHERE key = 'audit_head'", &[]).expect("head").get(0);
    assert_eq!(head, format!("{} {prev}", WRITERS * EACH));
}

#[test]
fn eight_desks_taking_one_case_on_the_server_leave_it_with_one() {
    let Some(server) = common::pg::fresh("lease_race") else { return };
    const DESKS: usize = 8;
    let users: Vec<store::UserId> = {
        let client = RefCell::new(server.migrated());
        let db = Db::Server(&client);
        let users = (0..DESKS)
            .map(|d| {
                store::insert_user(
                    db,
                    &format!("desk{d}"),
                    None,
                    Role::Collector,
                    "2026-03-01T09:00:00+08:00",
                )
                .expect("user")
            })
            .collect();
        db_exec(db, "INSERT INTO customers (id, customer_ref, name) VALUES (1, 'C1', '王芳')");
        users
    };
    let start = Arc::new(Barrier::new(DESKS));
    let now = 1_772_326_800i64;
    let desks: Vec<_> = users
        .into_iter()
        .map(|me| {
            let (config, start) = (server.config.clone(), Arc::clone(&start));
            std::thread::spawn(move || -> bool {
                let mut client = config.connect(postgres::NoTls).expect("connect");
                start.wait();
                // What the desk does to take a case: in one transaction, look, and take it if free.
                let tx = RefCell::new(client.transaction().expect("transaction"));
                let db = Db::Server(&tx);
                let held = store::lease_of(db, store::CustomerId(1), now).expect("lease");
                let took = held.is_none_or(|l| l.user == me);
                if took {
                    store::put_lease(db, store::CustomerId(1), me, "09:00", "09:30", now + 1_800, now)
                        .expect("put");
                }
                tx.into_inner().commit().expect("commit");
                took
            })
        })
        .collect();
    let took = desks.into_iter().map(|d| d.join().expect("desk")).filter(|t| *t).count();
    assert_eq!(took, 1, "one desk holds the case; the others were told who does");
    let client = RefCell::new(server.client());
    let leased = store::leased_loans(Db::Server(&client), now).expect("leased");
    assert!(leased.is_empty(), "no loans on the customer, so none listed: {leased:?}");
    assert!(store::drop_lease(Db::Server(&client), store::CustomerId(1)).expect("drop"));
}

#[test]
fn a_value_of_the_wrong_kind_for_a_slot_is_an_error_on_the_server() {
    let Some(server) = common::pg::fresh("slot_kinds") else { return };
    let client = RefCell::new(server.migrated());
    let db = Db::Server(&client);
    store::insert_user(db, "wang.fang", None, Role::Admin, "2026-03-01T09:00:00+08:00").expect("user");
    // A text for an id and an id for a text: refused by name, never read as the other's bytes.
    let e = store::user_by_id(Db::Server(&client), store::UserId(1)).map(|u| u.map(|u| u.login));
    assert_eq!(e.expect("the right kind"), Some("wang.fang".to_string()));
    let session: &dyn store::Session = &client;
    let wrong = session.query("SELECT login FROM users WHERE id = $1", &[store::Val::Text("1")]);
    let e = wrong.expect_err("text for a bigint").to_string();
    assert!(e.contains("serializing parameter 0: Text(\"1\") given for a slot of type int8"), "{e}");
    let wrong = session.query("SELECT id FROM users WHERE login = $1", &[store::Val::Int(1)]);
    let e = wrong.expect_err("int for a text").to_string();
    assert!(e.contains("Int(1) given for a slot of type text"), "{e}");
    // The server's own refusals say what they are, not only "db error".
    let e = session
        .execute("INSERT INTO users (login, role, created_at) VALUES ('wang.fang', 'admin', 'x')", &[]);
    let e = e.expect_err("a second wang.fang").to_string();
    assert!(e.contains("duplicate key value violates unique constraint"), "{e}");
}

fn db_exec(db: Db<'_>, sql: &str) {
    match db {
        Db::Server(s) => {
            s.execute(sql, &[]).expect("statement");
        }
        Db::File(c) => {
            c.execute(sql, []).expect("statement");
        }
    }
}

#[test]
fn a_desks_session_answers_alike_and_hears_of_other_desks_commits_only() {
    let Some(server) = common::pg::fresh("session") else { return };
    let dir = tempfile::tempdir().expect("dir");
    let file = Store::open(&dir.path().join("desk.db")).expect("store");
    let on_file = exercise(Db::from(file.conn()));
    let a = store::pg::ServerSession::new(server.migrated()).expect("session");
    let b = store::pg::ServerSession::new(server.client()).expect("session");
    // Every statement twice over its kept plans: the first run writes, the second finds.
    assert_eq!(on_file, exercise_in(&a));
    assert!(!a.changed_elsewhere().expect("look"), "its own writes are not another desk's");
    common::poll::until("desk b to hear of desk a's write", common::poll::LOOKS, || {
        if b.changed_elsewhere().map_err(|e| e.to_string())? { Ok(()) } else { Err("nothing yet".into()) }
    });
    assert!(!b.changed_elsewhere().expect("look"), "heard once");

    b.write(|db| store::setting_set(db, "branch", "静安 支行")).expect("write");
    common::poll::until("desk a to hear of desk b's commit", common::poll::LOOKS, || {
        if a.changed_elsewhere().map_err(|e| e.to_string())? { Ok(()) } else { Err("nothing yet".into()) }
    });
    assert!(!a.changed_elsewhere().expect("look"), "heard once");
    assert!(!b.changed_elsewhere().expect("look"), "its own commit");
    assert_eq!(store::setting_get(Db::Server(&a), "branch").expect("get").as_deref(), Some("静安 支行"));

    // A write that fails is rolled back, tells nobody, and the session goes on.
    let failed = b.write(|db| -> store::Result<()> {
        store::setting_set(db, "branch", "rolled back")?;
        db_try(db, "INSERT INTO no_such_table VALUES (1)")
    });
    assert!(failed.is_err());
    a.write(|db| store::meta_set(db, "probe", "after")).expect("a's write");
    assert_eq!(store::setting_get(Db::Server(&b), "branch").expect("get").as_deref(), Some("静安 支行"));
    common::poll::until("desk b to hear of desk a's commit", common::poll::LOOKS, || {
        if b.changed_elsewhere().map_err(|e| e.to_string())? { Ok(()) } else { Err("nothing yet".into()) }
    });
}

/// `exercise` on a fresh session's database, then its reads again on kept plans.
fn exercise_in(session: &store::pg::ServerSession) -> Vec<String> {
    let first = exercise(Db::Server(session));
    let again = session.write(|db| -> store::Result<String> {
        Ok(format!("{:?} {:?}", store::list_users(db)?, store::all_settings(db)?))
    });
    let settings = first.iter().find(|l| l.starts_with("[(\"branch\"")).expect("the settings listed");
    assert_eq!(again.expect("again"), format!("{} {settings}", first[1]));
    first
}

fn db_try(db: Db<'_>, sql: &str) -> store::Result<()> {
    match db {
        Db::File(c) => c.execute_batch(sql).map_err(store::StoreError::from),
        Db::Server(s) => s.execute(sql, &[]).map(|_| ()),
    }
}

//! Row-level security (step 0031): by SQL a collector's role writes the records of its own cases
//! and of no one else's, a supervisor's those of any case; a lease is taken in one's own name and
//! another's is left alone until it ends.

use super::{COLLECTOR, SUPERVISOR, book, not_refused, tried};

/// `INSERT … SELECT` copying a row of `table` from loan `from` onto loan `to` (and its customer).
fn copy_row(owner: &mut postgres::Client, table: &str, from: i64, to: i64) -> String {
    let columns: Vec<String> = owner
        .query(
            "SELECT column_name::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name = $1 AND column_name <> 'id' ORDER BY ordinal_position",
            &[&table],
        )
        .expect("columns")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let values: Vec<String> = columns
        .iter()
        .map(|c| match c.as_str() {
            "loan_id" => to.to_string(),
            "customer_id" => format!("(SELECT customer_id FROM loans WHERE id = {to})"),
            other => other.to_string(),
        })
        .collect();
    format!(
        "INSERT INTO {table} ({}) SELECT {} FROM {table} WHERE loan_id = {from} LIMIT 1",
        columns.join(", "),
        values.join(", ")
    )
}

/// Rows a statement changed as `client`, rolled back.
pub(super) fn changed(client: &mut postgres::Client, sql: &str) -> u64 {
    let mut tx = client.transaction().expect("transaction");
    let n = tx.execute(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}"));
    tx.rollback().expect("rollback");
    n
}

pub(super) fn count(owner: &mut postgres::Client, sql: &str, login: &str) -> i64 {
    owner.query_one(sql, &[&login]).expect("count").get(0)
}

#[test]
fn by_sql_a_collector_s_role_writes_its_own_cases_records_and_no_one_else_s() {
    let Some(b) = book("grants_own") else { return };
    let mut owner = b.server.client();
    let own: i64 =
        owner.query_one("SELECT id FROM loans WHERE loan_ref = $1", &[&b.loan]).expect("loan").get(0);
    // Another collector's case with a contact and a stage event to copy.
    let other: i64 = owner
        .query_one(
            "SELECT l.id FROM loans l JOIN customers c ON c.id = l.customer_id JOIN users u ON u.id = c.assignee_id \
             WHERE u.login <> $1 AND u.role = 'collector' \
             AND EXISTS (SELECT 1 FROM contacts k WHERE k.loan_id = l.id) \
             AND EXISTS (SELECT 1 FROM stage_events e WHERE e.loan_id = l.id) ORDER BY l.id LIMIT 1",
            &[&COLLECTOR],
        )
        .expect("another collector's case")
        .get(0);
    let on_other: Vec<String> =
        ["contacts", "stage_events"].iter().map(|t| copy_row(&mut owner, t, other, other)).collect();
    let on_own: Vec<String> =
        ["contacts", "stage_events"].iter().map(|t| copy_row(&mut owner, t, other, own)).collect();

    let mut c = b.server.client_as(COLLECTOR);
    let refs: Vec<&str> = on_other.iter().map(String::as_str).collect();
    let refused = not_refused(&mut c, &refs);
    assert!(refused.is_empty(), "written on another's case by the collector's role:\n{}", refused.join("\n"));
    for sql in &on_own {
        assert_eq!(tried(&mut c, sql), Ok(()), "{sql}");
    }
    // An update reaches the own cases' rows only: the rest are not the role's to change.
    let own_loans = count(
        &mut owner,
        "SELECT count(*) FROM loans l JOIN customers c ON c.id = l.customer_id JOIN users u ON u.id = c.assignee_id \
         WHERE u.login = $1",
        COLLECTOR,
    );
    let all: i64 = owner.query_one("SELECT count(*) FROM loans", &[]).expect("loans").get(0);
    assert!(own_loans > 0 && own_loans < all, "{own_loans} of {all}");
    assert_eq!(changed(&mut c, "UPDATE loans SET phone = '13800000000'"), own_loans as u64);
    let own_tasks = count(
        &mut owner,
        "SELECT count(*) FROM tasks t JOIN loans l ON l.id = t.loan_id JOIN customers c ON c.id = l.customer_id \
         JOIN users u ON u.id = c.assignee_id WHERE u.login = $1",
        COLLECTOR,
    );
    assert!(own_tasks > 0, "the case's plan_offer task");
    assert_eq!(changed(&mut c, "UPDATE tasks SET note = 'x'"), own_tasks as u64);

    // Leases: one's own taken; another's running lease neither taken over nor ended, until it has ended.
    let ids = |owner: &mut postgres::Client, sql: &str| -> i64 {
        owner.query_one(sql, &[&COLLECTOR]).expect("id").get(0)
    };
    let me = ids(&mut owner, "SELECT id FROM users WHERE login = $1");
    let someone =
        ids(&mut owner, "SELECT id FROM users WHERE login <> $1 AND role = 'collector' ORDER BY id LIMIT 1");
    let their_customer: i64 =
        owner.query_one("SELECT customer_id FROM loans WHERE id = $1", &[&other]).expect("customer").get(0);
    let lease = |user: i64, until: i64| {
        format!(
            "INSERT INTO case_leases (customer_id, user_id, taken_at, until_at, until_epoch) \
             VALUES ({their_customer}, {user}, 't', 't', {until})"
        )
    };
    let refused = not_refused(&mut c, &[&lease(someone, 4_000_000_000)]);
    assert!(refused.is_empty(), "a lease in another's name:\n{}", refused.join("\n"));
    owner.batch_execute(&lease(someone, 4_000_000_000)).expect("another's running lease");
    let take_over = format!(
        "INSERT INTO case_leases (customer_id, user_id, taken_at, until_at, until_epoch) \
         VALUES ({their_customer}, {me}, 't', 't', 4000000000) \
         ON CONFLICT (customer_id) DO UPDATE SET user_id = excluded.user_id"
    );
    let refused = not_refused(&mut c, &[&take_over]);
    assert!(refused.is_empty(), "another's running lease taken over:\n{}", refused.join("\n"));
    assert_eq!(changed(&mut c, "DELETE FROM case_leases"), 0, "another's running lease ended");
    owner.batch_execute("UPDATE case_leases SET until_epoch = 0").expect("the lease runs out");
    assert_eq!(tried(&mut c, &take_over), Ok(()), "an ended lease is anyone's");
    assert_eq!(changed(&mut c, "DELETE FROM case_leases"), 1, "an ended lease is swept by any desk");

    // A supervisor's role works every case.
    let mut s = b.server.client_as(SUPERVISOR);
    for sql in &on_other {
        assert_eq!(tried(&mut s, sql), Ok(()), "{sql}");
    }
    assert_eq!(changed(&mut s, "UPDATE loans SET phone = '13800000000'"), all as u64);
}

//! The supervisor-only values inside a collector's rows (step 0034): by SQL a collector's role on
//! its own case overrides no contact rule, makes no schedule but a payment plan, moves the case
//! back only to current and never into or out of closed or written off, and sends no second
//! dunning notice in a month; a supervisor's role does each. The desk's own actions are unchanged.

use super::{COLLECTOR, SUPERVISOR, book, not_refused, tried};

/// What a collector's role may not give, each as a statement on loan `loan`.
fn supervisors_only(loan: i64) -> Vec<String> {
    let contact = |rule: &str, reason: &str| {
        format!(
            "INSERT INTO contacts (loan_id, customer_id, party, channel, direction, outcome, at, override_rule, \
             override_reason) SELECT id, customer_id, 'debtor', 'call', 'outbound', 'no_answer', 't', {rule}, \
             {reason} FROM loans WHERE id = {loan}"
        )
    };
    let event = |from: &str, to: &str| {
        format!(
            "INSERT INTO stage_events (loan_id, from_stage, to_stage, as_of, actor, reason, at) \
             VALUES ({loan}, '{from}', '{to}', '2026-03-01', session_user, 'sql', 't')"
        )
    };
    let mut sql = vec![
        contact("'night_calls'", "'asked to'"),
        contact("NULL", "'a reason alone'"),
        format!(
            "INSERT INTO schedules (loan_id, kind, effective_on, reason, created_at) \
             VALUES ({loan}, 'restructure', '2026-03-01', 'sql', 't')"
        ),
        format!(
            "INSERT INTO schedules (loan_id, kind, effective_on, reason, created_at) \
             VALUES ({loan}, 'extension', '2026-03-01', 'sql', 't')"
        ),
        event("negotiation", "reminder"),
        event("negotiation", "closed"),
        event("written_off", "negotiation"),
        // The dunning notice the desk issued this month, again under another number.
        format!(
            "INSERT INTO notices SELECT (json_populate_record(n, json_build_object('id', \
             (SELECT max(id) + 1 FROM notices), 'number', n.number || '-2'))).* FROM notices n \
             WHERE n.loan_id = {loan} AND n.kind = 'dunning' ORDER BY n.id DESC LIMIT 1"
        ),
    ];
    for to in ["reminder", "closed", "written_off"] {
        sql.push(format!("UPDATE loans SET stage = '{to}' WHERE id = {loan}"));
    }
    sql
}

#[test]
fn by_sql_a_collector_s_role_gives_no_supervisor_only_value_on_its_own_case() {
    let Some(b) = book("grants_values") else { return };
    let out = format!("{}/notice", b.out());
    let r = b.run(COLLECTOR, &["notice", &b.loan, "--kind", "dunning", "--out", &out]);
    assert_eq!(r.code, 0, "the month's dunning notice: {}", r.stderr);
    let mut owner = b.server.client();
    let loan: i64 =
        owner.query_one("SELECT id FROM loans WHERE loan_ref = $1", &[&b.loan]).expect("the case").get(0);
    owner
        .execute("UPDATE loans SET stage = 'negotiation' WHERE id = $1", &[&loan])
        .expect("the owner's move");
    let statements = supervisors_only(loan);
    let refs: Vec<&str> = statements.iter().map(String::as_str).collect();

    let mut c = b.server.client_as(COLLECTOR);
    let ran = not_refused(&mut c, &refs);
    assert!(ran.is_empty(), "a collector's role gave:\n{}", ran.join("\n"));
    // What its desk does: a contact without an override, a payment plan, a move forward and a
    // cure back to current (the program checks that nothing is overdue).
    let own = [
        format!(
            "INSERT INTO contacts (loan_id, customer_id, party, channel, direction, outcome, at) \
             SELECT id, customer_id, 'debtor', 'call', 'outbound', 'no_answer', 't' FROM loans WHERE id = {loan}"
        ),
        format!(
            "INSERT INTO schedules (loan_id, kind, effective_on, reason, created_at) \
             VALUES ({loan}, 'plan', '2026-03-01', 'sql', 't')"
        ),
        format!("UPDATE loans SET stage = 'legal' WHERE id = {loan}"),
        format!("UPDATE loans SET stage = 'current' WHERE id = {loan}"),
        format!(
            "INSERT INTO stage_events (loan_id, from_stage, to_stage, as_of, actor, reason, at) \
             VALUES ({loan}, 'negotiation', 'guarantor', '2026-03-01', session_user, 'sql', 't')"
        ),
    ];
    for sql in &own {
        assert_eq!(tried(&mut c, sql), Ok(()), "{sql}");
    }

    let mut s = b.server.client_as(SUPERVISOR);
    for sql in &statements {
        assert_eq!(tried(&mut s, sql), Ok(()), "a supervisor's role: {sql}");
    }

    // At the desk: the collector's second notice of the month is refused, a supervisor's forced
    // one goes out on the server as on a file.
    let again = b.run(COLLECTOR, &["notice", &b.loan, "--kind", "dunning", "--out", &out, "--force"]);
    assert_eq!(again.code, 3, "{}", again.stderr);
    let forced = b.run(SUPERVISOR, &["notice", &b.loan, "--kind", "dunning", "--out", &out, "--force"]);
    assert_eq!(forced.code, 0, "{}", forced.stderr);
}

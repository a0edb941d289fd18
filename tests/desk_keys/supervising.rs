//! A supervisor's keys: the run previewed and applied, cases reassigned, a case's lease between
//! two desks, the team view, a masked phone revealed; and what a collector is refused of them.

use super::*;

#[test]
fn the_run_is_previewed_then_applied_from_the_desk() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    // A later date moves loans across the bands; the run is made on its day.
    desk.as_of = NaiveDate::from_ymd_opt(2026, 4, 15).expect("date");
    desk.now = chrono::DateTime::parse_from_rfc3339("2026-04-15T10:00:00+08:00").expect("now");
    s.info.as_of = desk.as_of;
    keys(&mut s, &mut desk, "E");
    assert_eq!(s.screen, Screen::Run);
    let run = s.run.clone().expect("run state");
    let report = run.report.expect("a report");
    assert!(report.dry_run);
    assert!(report.changed > 0 && report.changed == report.changes.len() as u64);
    // The preview wrote nothing: a loan it would move is still where it was.
    let first = report.changes[0].clone();
    assert_eq!(desk.show(&first.loan_id).expect("show").summary.stage, first.from);
    // Enter opens the case of the change under the cursor; Esc comes back to the run.
    keys(&mut s, &mut desk, "<Enter>");
    assert_eq!(
        (s.screen, s.case.as_ref().map(|c| c.loan.clone())),
        (Screen::Case, Some(first.loan_id.clone()))
    );
    keys(&mut s, &mut desk, "<Esc>");
    assert_eq!(s.screen, Screen::Run);
    // R asks once, then applies.
    keys(&mut s, &mut desk, "R");
    assert!(message(&s).contains("press R again"), "{}", message(&s));
    assert_eq!(desk.show(&first.loan_id).expect("show").summary.stage, first.from);
    keys(&mut s, &mut desk, "R");
    let applied = s.run.clone().and_then(|r| r.report).expect("applied report");
    assert!(!applied.dry_run);
    assert_eq!(applied.changed, report.changed);
    assert_eq!(desk.show(&first.loan_id).expect("show").summary.stage, first.to);
    // A key in between cancels the confirmation.
    keys(&mut s, &mut desk, "RjR");
    assert!(message(&s).contains("press R again"), "{}", message(&s));
    // Esc goes back to the list the run was opened from; a second preview finds nothing to do.
    keys(&mut s, &mut desk, "<Esc>");
    assert_eq!(s.screen, Screen::DueSoon);
    keys(&mut s, &mut desk, "E");
    assert_eq!(s.run.as_ref().and_then(|r| r.report.as_ref()).map(|r| r.changed), Some(0));
}

#[test]
fn the_run_reports_progress_before_its_report() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    let mut told = Vec::new();
    let reqs = s.apply(Action::Cmd(duedesk::app::keymap::Cmd::RunPreview));
    assert_eq!(reqs.len(), 1);
    let reply = duedesk::app::desk_state::serve_with(&mut desk, &reqs[0], &mut |p| told.push(p));
    let phases: Vec<&str> = told
        .iter()
        .map(|r| match r {
            Reply::RunProgress { phase, .. } => *phase,
            other => panic!("not progress: {other:?}"),
        })
        .collect();
    assert!(phases.contains(&"refreshing the book") && phases.contains(&"applying the policy"), "{phases:?}");
    s.apply(Action::Reply(told.remove(0)));
    assert!(s.run.as_ref().is_some_and(|r| r.progress.is_some() && r.busy()));
    s.apply(Action::Reply(reply));
    assert!(s.run.as_ref().is_some_and(|r| r.progress.is_none() && !r.busy()));
}

#[test]
fn a_collector_previews_the_run_but_may_not_apply_it() {
    let book = shared_book();
    let mut desk = book.desk_as("li.qiang");
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "E");
    assert!(s.run.as_ref().and_then(|r| r.report.as_ref()).is_some_and(|r| r.dry_run));
    // Refused at the key, before anything is asked of the store: the preview stays.
    keys(&mut s, &mut desk, "RR");
    let run = s.run.clone().expect("run");
    assert!(run.error.is_none() && run.report.as_ref().is_some_and(|r| r.dry_run), "{:?}", run.error);
    assert!(message(&s).contains("supervisor"), "{}", message(&s));
}

#[test]
fn marked_cases_are_reassigned_together_from_the_queue() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab>");
    let first = selected_loan(&s, ListKind::Overdue);
    // Space marks and moves on; a second space on the same row unmarks it.
    keys(&mut s, &mut desk, "<Space><Space><Space>k<Space>");
    assert_eq!(s.overdue.selected, 3);
    assert_eq!(s.marked.len(), 2);
    assert!(s.marked.contains(&first));
    keys(&mut s, &mut desk, "<Space>");
    let marked: Vec<String> = s.marked.iter().cloned().collect();
    assert_eq!(marked.len(), 3);
    keys(&mut s, &mut desk, ":assign<Enter>");
    assert!(message(&s).starts_with("usage: :assign"), "{}", message(&s));
    keys(&mut s, &mut desk, ":assign xu.na 平衡工作量<Enter>");
    assert!(message(&s).starts_with(&format!("give 3 cases to xu.na: {}", marked[0])), "{}", message(&s));
    keys(&mut s, &mut desk, "y");
    assert!(message(&s).contains("given to xu.na"), "{}", message(&s));
    assert!(s.marked.is_empty());
    for loan in &marked {
        let d = desk.show(loan).expect("show");
        assert_eq!(d.summary.assignee.as_deref(), Some("xu.na"), "{loan}");
        let last = d.assignments.last().expect("an assignment");
        assert_eq!((last.by.as_deref(), last.reason.as_deref()), (Some("admin"), Some("平衡工作量")));
    }
    // Esc clears marks when there is no filter to clear.
    keys(&mut s, &mut desk, "<Space><Space><Esc>");
    assert!(s.marked.is_empty());
    assert_eq!(message(&s), "marks cleared");
}

#[test]
fn a_collector_may_not_reassign_from_the_desk() {
    let book = shared_book();
    let mut desk = book.desk_as("li.qiang");
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab>");
    let loan = selected_loan(&s, ListKind::Overdue);
    keys(&mut s, &mut desk, "<Space>:assign wang.fang 我忙不过来<Enter>y");
    assert!(message(&s).contains("supervisor"), "{}", message(&s));
    assert_eq!(desk.show(&loan).expect("show").summary.assignee.as_deref(), Some("li.qiang"));
    assert_eq!(s.marked.len(), 1, "marks stay after a refusal");
}

#[test]
fn a_case_open_on_one_desk_is_read_only_on_another_until_released_or_taken_over() {
    let book = shared_book();

    // li.qiang opens an own case: the desk holds its lease.
    let mut lq = book.desk_as("li.qiang");
    let mut a = opened(&mut lq);
    keys(&mut a, &mut lq, "<Tab><Enter>");
    let loan = a.case.as_ref().map(|c| c.loan.clone()).expect("case");
    assert!(lease_of(&a).is_some_and(|l| l.mine && l.holder == "li.qiang"));

    // The supervisor's queue marks it W and says who works it.
    let mut zm = book.desk_as("zhao.min");
    let mut b = opened(&mut zm);
    keys(&mut b, &mut zm, &format!("<Tab>/{loan}<Enter>"));
    let row = b.overdue.rows.first().expect("row");
    assert_eq!((row.loan_id.as_str(), row.worked_by.as_deref()), (loan.as_str(), Some("li.qiang")));
    // Opening it reads it; an edit is refused naming the holder, a contact goes through.
    keys(&mut b, &mut zm, "<Enter>");
    assert!(lease_of(&b).is_some_and(|l| !l.mine && l.holder == "li.qiang"));
    keys(&mut b, &mut zm, ":next 2026-03-05<Enter>");
    assert!(message(&b).contains("being worked by li.qiang"), "{}", message(&b));
    let contacts = detail(&b).contacts.len();
    keys(&mut b, &mut zm, ":log callback 借款人说晚点回电<Enter>");
    assert_eq!(detail(&b).contacts.len(), contacts + 1, "{}", message(&b));

    // Taken over with a reason: now the supervisor edits and the collector is refused.
    keys(&mut b, &mut zm, ":takeover<Enter>");
    assert!(message(&b).starts_with("usage: :takeover"), "{}", message(&b));
    keys(&mut b, &mut zm, ":takeover 催收员请假<Enter>");
    assert!(lease_of(&b).is_some_and(|l| l.mine), "{}", message(&b));
    keys(&mut b, &mut zm, ":next 2026-03-05<Enter>");
    assert_eq!(detail(&b).summary.next_action_on, NaiveDate::from_ymd_opt(2026, 3, 5), "{}", message(&b));
    keys(&mut a, &mut lq, ":goto ");
    keys(&mut a, &mut lq, &format!("{loan}<Enter>:next 2026-03-09<Enter>"));
    assert!(message(&a).contains("being worked by zhao.min"), "{}", message(&a));

    // Back to the queue gives the lease back: li.qiang may edit again.
    keys(&mut b, &mut zm, "<Esc>");
    assert!(zm.lease(&loan).expect("lease").is_none());
    keys(&mut a, &mut lq, ":next 2026-03-09<Enter>");
    assert_eq!(detail(&a).summary.next_action_on, NaiveDate::from_ymd_opt(2026, 3, 9), "{}", message(&a));
}

#[test]
fn a_supervisor_reassigns_a_stage_and_sees_the_team_from_the_desk() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    let legal = |desk: &mut Desk, who: &str| -> usize {
        let q = duedesk::app::views::LoanQuery {
            stage: Some(Stage::Legal),
            assignee: Some(who.to_string()),
            ..Default::default()
        };
        desk.count_loans(&q).expect("count") as usize
    };
    let before = legal(&mut desk, "xu.na");
    keys(&mut s, &mut desk, ":assign --stage legal --to<Enter>");
    assert!(message(&s).contains("--to needs a value"), "{}", message(&s));
    // A dry run says what would move and moves nothing.
    keys(&mut s, &mut desk, ":assign --stage legal --to xu.na --dry-run<Enter>");
    assert!(message(&s).starts_with("would move"), "{}", message(&s));
    assert_eq!(legal(&mut desk, "xu.na"), before);
    // Done for real it is previewed first and waits for y.
    keys(&mut s, &mut desk, ":assign --stage legal --to xu.na --reason 法务组集中处理<Enter>");
    assert!(message(&s).starts_with("move ") && message(&s).contains("(xu.na "), "{}", message(&s));
    assert_eq!(legal(&mut desk, "xu.na"), before);
    keys(&mut s, &mut desk, "y");
    assert!(message(&s).contains("cases moved"), "{}", message(&s));
    let q = duedesk::app::views::LoanQuery { stage: Some(Stage::Legal), ..Default::default() };
    assert_eq!(legal(&mut desk, "xu.na"), desk.count_loans(&q).expect("count") as usize);
    // The team view: a row per collector and the figures of the month.
    keys(&mut s, &mut desk, "T");
    assert_eq!(s.screen, Screen::Team);
    let report = s.team.as_ref().and_then(|t| t.report.clone()).expect("team report");
    let xu = report.collectors.iter().find(|c| c.user == "xu.na").expect("xu.na");
    assert!(xu.open_cases >= legal(&mut desk, "xu.na") as i64);
    keys(&mut s, &mut desk, "<Esc>");
    assert_eq!(s.screen, Screen::DueSoon);
    // From the queue to the team, the run, a case of the run and all the way back.
    keys(&mut s, &mut desk, "<Tab>TE<Enter>");
    assert_eq!(s.screen, Screen::Case);
    keys(&mut s, &mut desk, "<Esc>");
    assert_eq!(s.screen, Screen::Run);
    keys(&mut s, &mut desk, "<Esc>");
    assert_eq!(s.screen, Screen::Overdue);
}

#[test]
fn the_team_view_is_for_supervisors() {
    let book = shared_book();
    let mut desk = book.desk_as("li.qiang");
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "T");
    let team = s.team.clone().expect("team state");
    assert!(team.report.is_none());
    assert!(team.error.as_deref().is_some_and(|e| e.contains("supervisor")), "{:?}", team.error);
}

#[test]
fn a_masked_phone_is_revealed_at_the_desk_and_the_look_is_audited() {
    let mut admin = shared_book();
    admin.set_setting("pii_full_phone", "supervisor").expect("setting");
    let mut desk = admin.desk_as("li.qiang");
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab><Enter>");
    let d = detail(&s);
    let masked = d.summary.phone.clone().expect("a phone");
    assert!(masked.contains("****"), "{masked}");
    keys(&mut s, &mut desk, ":reveal email<Enter>");
    assert!(message(&s).starts_with("usage: :reveal"), "{}", message(&s));
    keys(&mut s, &mut desk, ":reveal<Enter>");
    let full = admin.show(&d.summary.loan_id).expect("show").summary.phone.expect("phone");
    assert!(!full.contains('*'));
    assert!(message(&s).contains(&full), "{}", message(&s));
    let looked = admin.ints(
        "SELECT count(*) FROM audit_log WHERE actor = 'li.qiang' AND action = 'reveal' AND entity_id = $1",
        &[&d.summary.loan_id],
    );
    assert_eq!(looked, [1]);
}

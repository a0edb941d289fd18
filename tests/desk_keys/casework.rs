//! Working a case from the keys: calls, the conduct rules, plans, notices, holds and manual
//! moves, each as the collector or supervisor who may (or may not) do it.

use super::*;
#[test]
fn working_a_case_from_the_keyboard() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    // The last loan of the queue by DPD: no promise of its own due today.
    keys(&mut s, &mut desk, "<Tab>G");
    let loan = selected_loan(&s, ListKind::Overdue);
    keys(&mut s, &mut desk, "<Enter>");
    let before = contacts(&s).len();

    keys(&mut s, &mut desk, "n");
    assert_eq!(contacts(&s).len(), before + 1);
    assert_eq!(contacts(&s)[0].outcome.as_str(), "no_answer");
    assert!(
        s.message.as_deref().is_some_and(|m| m.contains("no_answer") && m.contains(&loan)),
        "{:?}",
        s.message
    );

    keys(&mut s, &mut desk, ":note 关机<Enter>");
    let c = contacts(&s);
    assert_eq!((c[0].note.as_str(), c[0].corrects), ("关机", Some(c[1].id)));

    keys(&mut s, &mut desk, ":log refused party=debtor 称无力还款<Enter>");
    assert_eq!(contacts(&s)[0].outcome.as_str(), "refused");
    assert_eq!(contacts(&s)[0].note, "称无力还款");

    // `p` opens the command line at `ptp `; a promise due today lifts the case to the queue's top.
    keys(&mut s, &mut desk, "p");
    assert_eq!((s.mode, s.input.as_str()), (Mode::Command, "ptp "));
    keys(&mut s, &mut desk, "1500 2026-03-01 月底前结清<Enter>");
    let d = s.case.as_ref().and_then(|c| c.detail.as_ref()).expect("detail");
    assert_eq!(d.promises[0].amount.to_string(), "1500.00");
    assert_eq!(d.summary.promise_status, Some(PromiseStatus::Active));
    keys(&mut s, &mut desk, ":next 2026-03-03 visit<Enter>");
    let d = s.case.as_ref().and_then(|c| c.detail.as_ref()).expect("detail");
    assert_eq!(d.summary.next_action_on, NaiveDate::from_ymd_opt(2026, 3, 3));
    keys(&mut s, &mut desk, "<Esc>gg");
    let lead: Vec<_> = s
        .overdue
        .rows
        .iter()
        .take_while(|r| r.promise_status == Some(PromiseStatus::Active) && r.promise_due_on == Some(r.as_of))
        .map(|r| r.loan_id.clone())
        .collect();
    assert!(lead.contains(&loan), "{loan} not among the promises due today at the top: {lead:?}");

    // A bad command says how to write it; nothing is logged.
    keys(&mut s, &mut desk, ":goto ");
    keys(&mut s, &mut desk, &format!("{loan}<Enter>"));
    let n = contacts(&s).len();
    keys(&mut s, &mut desk, ":ptp lots tomorrow<Enter>");
    assert!(s.message.as_deref().is_some_and(|m| m.contains("usage: :ptp")), "{:?}", s.message);
    assert_eq!(contacts(&s).len(), n);
}

#[test]
fn the_queue_keeps_its_place_after_a_call_is_logged() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab>jjjj");
    let fifth = selected_loan(&s, ListKind::Overdue);
    keys(&mut s, &mut desk, "<Enter>n<Esc>");
    assert_eq!(s.overdue.selected, 4);
    assert_eq!(selected_loan(&s, ListKind::Overdue), fifth);
    keys(&mut s, &mut desk, "j");
    assert_ne!(selected_loan(&s, ListKind::Overdue), fifth, "on to the next case");
}

#[test]
fn the_conduct_rules_hold_in_the_desk() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab><Enter>");
    let n = contacts(&s).len();
    // Six attempts to the same number, then the seventh is refused with its rule.
    for _ in 0..6 {
        keys(&mut s, &mut desk, "b");
    }
    assert_eq!(contacts(&s).len(), n + 6);
    keys(&mut s, &mut desk, "n");
    assert_eq!(contacts(&s).len(), n + 6);
    assert!(s.message.as_deref().is_some_and(|m| m.contains("calls_per_number")), "{:?}", s.message);
    // A supervisor (the admin here) goes ahead with a reason, which the record keeps.
    keys(&mut s, &mut desk, ":override 借款人要求立即回电<Enter>n");
    assert_eq!(contacts(&s).len(), n + 7);
    assert_eq!(contacts(&s)[0].override_rule.as_deref(), Some("calls_per_number"));
    assert_eq!(contacts(&s)[0].override_reason.as_deref(), Some("借款人要求立即回电"));
    assert_eq!(s.override_reason, None, "an override is for one contact");
    // The queue marks the case as not callable now.
    keys(&mut s, &mut desk, "<Esc>");
    let first = s.overdue.row(0).expect("row");
    assert_eq!(first.call_now, Some(false));
}

#[test]
fn a_plan_is_previewed_then_saved_with_its_reason() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab><Enter>");
    let before = detail(&s);
    let overdue = before.summary.overdue_principal + before.summary.overdue_interest;
    // `P` opens the command line at `plan `.
    keys(&mut s, &mut desk, "P");
    assert_eq!((s.mode, s.input.as_str()), (Mode::Command, "plan "));
    keys(&mut s, &mut desk, "3 2026-03-15<Enter>");
    let p = preview(&s).expect("a preview");
    assert_eq!(p.outcome.saved, None);
    let first = NaiveDate::from_ymd_opt(2026, 3, 15);
    assert!(p.outcome.schedule.iter().any(|l| Some(l.due_on) == first), "{:?}", p.outcome.schedule);
    let total: duedesk::domain::Money = p.outcome.schedule.iter().map(|l| l.payment).sum();
    assert_eq!(total, p.outcome.total);
    assert!(total >= overdue, "the arrears are in the new schedule");
    assert!(s.message.as_deref().is_some_and(|m| m.contains("nothing saved yet")), "{:?}", s.message);
    assert_eq!(s.case.as_ref().expect("case").pane_len(), p.outcome.schedule.len() as u64);
    // Saving needs a reason.
    keys(&mut s, &mut desk, ":plan save<Enter>");
    assert!(s.message.as_deref().is_some_and(|m| m.contains("REASON")), "{:?}", s.message);
    assert_eq!(detail(&s).plans.len(), before.plans.len());
    keys(&mut s, &mut desk, ":plan save 借款人同意分三期<Enter>");
    assert!(preview(&s).is_none(), "the saved plan is no longer a preview");
    assert!(s.message.as_deref().is_some_and(|m| m.contains("plan saved")), "{:?}", s.message);
    let after = detail(&s);
    assert_eq!(after.plans.len(), before.plans.len() + 1);
    let plan = after.plans.last().expect("plan");
    assert!(plan.in_force);
    assert_eq!((plan.kind.as_str(), plan.reason.as_str()), ("plan", "借款人同意分三期"));
    assert_eq!(after.schedule, p.outcome.schedule, "the case shows the schedule that was previewed");
    assert!(after.version > before.version);
    // The plan shows in the history pane (back past the post-loan panes).
    keys(&mut s, &mut desk, "<BackTab><BackTab><BackTab><BackTab><BackTab>");
    let case = s.case.as_ref().expect("case");
    assert_eq!(case.pane, CasePane::History);
    assert!(case.pane_len() >= 1);
    // Nothing left to save.
    keys(&mut s, &mut desk, ":plan save again<Enter>");
    assert!(s.message.as_deref().is_some_and(|m| m.contains("no plan to save")), "{:?}", s.message);
}

#[test]
fn esc_drops_a_plan_preview_and_saves_nothing() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab><Enter>");
    let before = detail(&s);
    keys(&mut s, &mut desk, ":plan 12 2026-03-20 scope=balance kind=restructure<Enter>");
    let p = preview(&s).expect("a preview");
    assert_eq!(p.outcome.kind, "restructure");
    assert!(p.outcome.observation_until.is_some());
    // Esc drops the preview and stays on the case; a second Esc goes back to the list.
    keys(&mut s, &mut desk, "<Esc>");
    assert_eq!(s.screen, Screen::Case);
    assert!(preview(&s).is_none());
    assert!(s.message.as_deref().is_some_and(|m| m.contains("nothing saved")), "{:?}", s.message);
    keys(&mut s, &mut desk, ":plan save changed my mind<Enter>");
    let after = desk.show(&before.summary.loan_id).expect("show");
    assert_eq!((after.plans.len(), after.version), (before.plans.len(), before.version));
    assert_eq!(after.schedule, before.schedule);
    keys(&mut s, &mut desk, "<Esc>");
    assert_eq!(s.screen, Screen::Overdue);
    // Bad input says how to write it and asks nothing.
    keys(&mut s, &mut desk, "<Enter>:plan three 2026-03-20<Enter>");
    assert!(s.message.as_deref().is_some_and(|m| m.contains("usage: :plan")), "{:?}", s.message);
    assert!(preview(&s).is_none());
    // A refusal by the rules shows in the status bar.
    keys(&mut s, &mut desk, ":plan 3 2026-02-01<Enter>");
    assert!(s.message.as_deref().is_some_and(|m| m.contains("before the plan's date")), "{:?}", s.message);
    assert!(preview(&s).is_none());
}

#[test]
fn saving_a_plan_on_a_stale_case_is_refused_with_who_changed_it() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab><Enter>");
    let before = detail(&s);
    let loan = before.summary.loan_id.clone();
    keys(&mut s, &mut desk, ":plan 2 2026-03-15<Enter>");
    assert!(preview(&s).is_some());
    // Another desk moves the case on meanwhile.
    desk.set_next_action(&loan, NaiveDate::from_ymd_opt(2026, 3, 5), Some("visit"), None)
        .expect("next action");
    keys(&mut s, &mut desk, ":plan save 同意分期<Enter>");
    let m = s.message.clone().unwrap_or_default();
    assert!(m.contains("changed by admin") && m.contains("reload"), "{m}");
    let after = detail(&s);
    assert_eq!(after.plans.len(), before.plans.len(), "nothing saved");
    assert!(preview(&s).is_none(), "the preview is dropped and the case reloaded");
    assert_eq!(after.summary.next_action_on, NaiveDate::from_ymd_opt(2026, 3, 5));
    // Proposed again on the reloaded case, it saves.
    keys(&mut s, &mut desk, ":plan 2 2026-03-15<Enter>:plan save 同意分期<Enter>");
    assert_eq!(detail(&s).plans.len(), before.plans.len() + 1);
}

#[test]
fn a_collector_plans_own_case_but_an_extension_needs_a_supervisor() {
    let book = shared_book();
    let mut desk = book.desk_as("li.qiang");
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab><Enter>");
    let before = detail(&s);
    assert_eq!(before.summary.assignee.as_deref(), Some("li.qiang"));
    keys(&mut s, &mut desk, ":plan 24 2026-04-01 kind=extension<Enter>");
    assert!(preview(&s).is_none());
    assert!(s.message.as_deref().is_some_and(|m| m.contains("supervisor")), "{:?}", s.message);
    keys(&mut s, &mut desk, ":plan 2 2026-03-15<Enter>:plan save 本人同意<Enter>");
    let after = detail(&s);
    assert_eq!(after.plans.len(), before.plans.len() + 1);
    assert_eq!(after.plans.last().and_then(|p| p.created_by.as_deref()), Some("li.qiang"));
}

#[test]
fn a_notice_issued_from_the_desk_writes_its_files_and_shows_on_the_case() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab><Enter>");
    let before = detail(&s).notices.len();
    let out = tempfile::tempdir().expect("tempdir");
    keys(&mut s, &mut desk, "N");
    assert_eq!((s.mode, s.input.as_str()), (Mode::Command, "notice "));
    keys(&mut s, &mut desk, &format!("dunning en {}<Enter>", out.path().display()));
    let d = detail(&s);
    assert_eq!(d.notices.len(), before + 1, "{:?}", s.message);
    let n = &d.notices[0];
    assert_eq!((n.issued_on, n.receipt_status.as_str()), (d.summary.as_of, "pending"));
    assert_eq!(n.files.len(), 2);
    for f in &n.files {
        assert!(std::path::Path::new(f).starts_with(out.path()), "{f}");
        assert!(std::fs::metadata(f).is_ok_and(|m| m.len() > 0), "{f}");
    }
    assert!(n.files.iter().any(|f| f.ends_with(".html")));
    // The status bar names the files: the first in full, the other by its extension.
    let m = s.message.clone().unwrap_or_default();
    assert!(m.contains(&n.number) && m.contains(&n.files[0]) && m.contains(" + ."), "{m}");
    // The notice is in the history pane.
    keys(&mut s, &mut desk, "<BackTab>");
    assert!(s.case.as_ref().expect("case").pane_len() as usize >= d.notices.len());
    // One dunning notice a month; a supervisor (the admin here) may force another.
    keys(&mut s, &mut desk, &format!(":notice dunning {}<Enter>", out.path().display()));
    assert!(s.message.as_deref().is_some_and(|m| m.contains("already issued this month")), "{:?}", s.message);
    assert_eq!(detail(&s).notices.len(), before + 1);
    keys(&mut s, &mut desk, &format!(":notice dunning zh force {}<Enter>", out.path().display()));
    assert_eq!(detail(&s).notices.len(), before + 2, "{:?}", s.message);
    // Bad input says how to write it.
    keys(&mut s, &mut desk, ":notice summons<Enter>");
    assert!(s.message.as_deref().is_some_and(|m| m.contains("usage: :notice")), "{:?}", s.message);
    assert_eq!(detail(&s).notices.len(), before + 2);
}

#[test]
fn a_case_opens_its_schedule_at_the_first_unpaid_installment() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    // A long loan deep in arrears: many paid installments before the overdue ones.
    keys(&mut s, &mut desk, ":goto DL00000045<Enter>");
    let c = s.case.as_ref().expect("case");
    let d = c.detail.as_ref().expect("detail");
    let open = d.schedule.iter().position(|l| l.status.as_str() != "paid").expect("an unpaid installment");
    assert!(open > 1, "the fixture has paid installments first");
    let max = (d.schedule.len() as u64).saturating_sub(s.case_rows());
    assert_eq!(c.scroll, (open as u64 - 1).min(max));
}

#[test]
fn a_hold_from_the_desk_marks_the_queue_and_stops_calls_until_lifted() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab>");
    let loan = selected_loan(&s, ListKind::Overdue);
    keys(&mut s, &mut desk, "<Enter>:hold dispute 2026-04-30<Enter>");
    assert!(message(&s).starts_with("usage: :hold"), "{}", message(&s));
    keys(&mut s, &mut desk, ":hold dispute 2026-04-30 from=2026-02-20 借款人对罚息有异议<Enter>");
    let d = detail(&s);
    let hold = d.holds.iter().find(|h| h.in_force).expect("a hold in force");
    assert_eq!((hold.kind.as_str(), hold.from_on.to_string()), ("dispute", "2026-02-20".to_string()));
    assert_eq!(d.summary.held_until, NaiveDate::from_ymd_opt(2026, 4, 30));
    // No collection call while held; the refusal names the hold.
    let contacts = d.contacts.len();
    keys(&mut s, &mut desk, "n");
    assert!(
        message(&s).contains("on hold (dispute) until 2026-04-30: no collection calls"),
        "{}",
        message(&s)
    );
    assert_eq!(detail(&s).contacts.len(), contacts);
    // The queue marks the case H and does not offer it as callable.
    keys(&mut s, &mut desk, "<Esc>");
    let row = s.overdue.rows.iter().find(|r| r.loan_id == loan).expect("row");
    assert_eq!((row.held_until.is_some(), row.call_now), (true, Some(false)));
    keys(&mut s, &mut desk, "<Enter>:lift 核实无误<Enter>");
    assert_eq!(message(&s), format!("hold lifted on {loan}"));
    assert!(detail(&s).holds.iter().all(|h| !h.in_force));
    keys(&mut s, &mut desk, "n");
    assert_eq!(detail(&s).contacts.len(), contacts + 1, "{}", message(&s));
}

#[test]
fn manual_moves_from_the_desk_follow_the_roles() {
    let book = shared_book();
    let mut desk = book.desk_as("li.qiang");
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab><Enter>");
    let before = detail(&s);
    assert_eq!(before.summary.assignee.as_deref(), Some("li.qiang"));
    // A collector may not move a case back, put it on hold or write it off.
    keys(&mut s, &mut desk, ":move current 弄错了<Enter>");
    assert!(message(&s).contains("supervisor"), "{}", message(&s));
    keys(&mut s, &mut desk, ":writeoff 无法收回<Enter>y");
    assert!(message(&s).contains("supervisor"), "{}", message(&s));
    keys(&mut s, &mut desk, ":hold hardship 2026-03-31 失业<Enter>");
    assert!(message(&s).contains("supervisor"), "{}", message(&s));
    assert_eq!(detail(&s).summary.stage, before.summary.stage);
    assert!(detail(&s).holds.is_empty());
    // Back to the queue: the case's lease is given back.
    keys(&mut s, &mut desk, "<Esc>");

    // A supervisor moves it back, writes it off and reopens it; each move is in the history
    // with its reason and actor.
    let mut desk = book.desk_as("zhao.min");
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, &format!(":goto {}<Enter>", before.summary.loan_id));
    keys(&mut s, &mut desk, ":move reminder 客户已部分还款<Enter>");
    assert_eq!(detail(&s).summary.stage, Stage::Reminder, "{}", message(&s));
    // A write-off says what it will do and waits for y; any other key leaves the loan alone.
    keys(&mut s, &mut desk, ":writeoff 经批准核销<Enter>");
    assert!(message(&s).starts_with("write off DL") && message(&s).contains("y does it"), "{}", message(&s));
    keys(&mut s, &mut desk, "n");
    assert_eq!(message(&s), "cancelled: nothing changed");
    assert_ne!(detail(&s).summary.stage, Stage::WrittenOff);
    keys(&mut s, &mut desk, ":writeoff 经批准核销<Enter>y");
    assert_eq!(detail(&s).summary.stage, Stage::WrittenOff, "{}", message(&s));
    keys(&mut s, &mut desk, ":reopen 误核销<Enter>");
    let d = detail(&s);
    assert_ne!(d.summary.stage, Stage::WrittenOff, "{}", message(&s));
    let reasons: Vec<(&str, &str)> =
        d.stage_events.iter().map(|e| (e.actor.as_str(), e.reason.as_str())).collect();
    for r in ["客户已部分还款", "经批准核销", "误核销"] {
        assert!(reasons.iter().any(|(a, why)| *a == "zhao.min" && why.contains(r)), "{reasons:?}");
    }
}

//! Key sequences on the desk state, written as in the key map (`<Tab>jj<Enter>`), with every
//! store request answered in line from an in-process demo store (seed 7, as of 2026-03-01).

mod common;

use chrono::NaiveDate;
use common::book::{Book, Keep};
use common::desk::{opened, press, settle, sized};
use duedesk::app::Desk;
use duedesk::app::desk_state::{Action, CasePane, DeskState, ListKind, Mode, Reply, Screen};
use duedesk::domain::{PromiseStatus, Stage};
use duedesk::store::SortKey;

fn demo_desk() -> Book {
    Book::demo(Keep::Memory, 300, 7)
}

/// A demo book (seed 7, 300 loans) that several desks open at once (`Book::desk_as`), with the
/// admin's desk that made it.
fn shared_book() -> Book {
    Book::demo(Keep::File, 300, 7)
}

fn keys(state: &mut DeskState, desk: &mut Desk, k: &str) {
    press(state, desk, k).expect("keys");
}

fn selected_loan(state: &DeskState, kind: ListKind) -> String {
    let l = state.list(kind);
    l.row(l.selected).expect("selected row is fetched").loan_id.clone()
}

#[test]
fn moving_through_the_queue() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    assert_eq!(s.screen, Screen::DueSoon);
    keys(&mut s, &mut desk, "<Tab>");
    assert_eq!(s.screen, Screen::Overdue);
    let total = s.overdue.total.expect("count");
    assert!(total > 40, "{total}");
    keys(&mut s, &mut desk, "jjj");
    assert_eq!(s.overdue.selected, 3);
    keys(&mut s, &mut desk, "k<Up>");
    assert_eq!(s.overdue.selected, 1);
    keys(&mut s, &mut desk, "G");
    assert_eq!(s.overdue.selected, total - 1);
    assert!(s.overdue.top + s.list_rows() > s.overdue.selected);
    selected_loan(&s, ListKind::Overdue);
    keys(&mut s, &mut desk, "gg");
    assert_eq!((s.overdue.selected, s.overdue.top), (0, 0));
    keys(&mut s, &mut desk, "<End><Home>");
    assert_eq!(s.overdue.selected, 0);
    keys(&mut s, &mut desk, "<PgDn>");
    assert_eq!(s.overdue.selected, s.list_rows());
    keys(&mut s, &mut desk, "<PgUp>");
    assert_eq!(s.overdue.selected, 0);
    // `g` then something else is that something else.
    keys(&mut s, &mut desk, "gj");
    assert_eq!(s.overdue.selected, 1);
    assert!(s.pending.is_empty());
    // Moving past either end stays put.
    keys(&mut s, &mut desk, "kkkk");
    assert_eq!(s.overdue.selected, 0);
    keys(&mut s, &mut desk, "<Tab>");
    assert_eq!(s.screen, Screen::DueSoon);
}

#[test]
fn rows_are_fetched_around_the_cursor_a_page_at_a_time() {
    let mut desk = Book::demo(Keep::Memory, 1_500, 7);
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab>");
    let total = s.overdue.total.expect("count");
    assert!(total > 2 * duedesk::app::desk_state::PAGE, "{total}");
    assert!(s.overdue.rows.len() as u64 <= duedesk::app::desk_state::PAGE);
    keys(&mut s, &mut desk, "G");
    assert!(s.overdue.offset > 0);
    assert_eq!(selected_loan(&s, ListKind::Overdue), {
        let mut q = s.query(ListKind::Overdue);
        q.offset = total - 1;
        q.limit = Some(1);
        desk.list_loans(&q, &mut |_| {}).expect("list")[0].loan_id.clone()
    });
}

#[test]
fn opening_a_case_and_going_back() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab>jj");
    let loan = selected_loan(&s, ListKind::Overdue);
    keys(&mut s, &mut desk, "<Enter>");
    assert_eq!(s.screen, Screen::Case);
    let case = s.case.as_ref().expect("case");
    assert_eq!(case.detail.as_ref().expect("detail").summary.loan_id, loan);
    assert_eq!(case.pane, CasePane::Schedule);
    keys(&mut s, &mut desk, "<Tab>");
    assert_eq!(s.case.as_ref().expect("case").pane, CasePane::Contacts);
    keys(&mut s, &mut desk, "<Tab>");
    let case = s.case.as_ref().expect("case");
    assert_eq!(case.pane, CasePane::Payments);
    let d = case.detail.as_ref().expect("detail");
    assert_eq!(case.pane_len(), (d.payments.len() + d.promises.len()) as u64);
    keys(&mut s, &mut desk, "<Tab>");
    assert_eq!(s.case.as_ref().expect("case").pane, CasePane::History);
    keys(&mut s, &mut desk, "<BackTab><BackTab>");
    assert_eq!(s.case.as_ref().expect("case").pane, CasePane::Contacts);
    // On past the history: the loan's inspections, the customer's collateral, work log and signals.
    for pane in [
        CasePane::Payments,
        CasePane::History,
        CasePane::Inspections,
        CasePane::Collateral,
        CasePane::WorkLog,
        CasePane::Signals,
        CasePane::Schedule,
    ] {
        keys(&mut s, &mut desk, "<Tab>");
        assert_eq!(s.case.as_ref().expect("case").pane, pane);
    }
    keys(&mut s, &mut desk, "<Esc>");
    assert_eq!(s.screen, Screen::Overdue);
    assert_eq!(s.overdue.selected, 2, "the cursor stays where it was");
}

#[test]
fn incremental_filter_by_name_loan_id_and_phone() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab>/王");
    assert_eq!(s.mode, Mode::Filter);
    assert_eq!(s.filter, "王");
    let n = s.overdue.total.expect("count");
    assert!(n > 0 && n < 86, "{n}");
    assert!(s.overdue.rows.iter().all(|r| r.borrower.contains('王')));
    keys(&mut s, &mut desk, "<Enter>");
    assert_eq!((s.mode, s.filter.as_str()), (Mode::Normal, "王"));
    // Enter now opens the first match; Esc comes back to the filtered list.
    keys(&mut s, &mut desk, "<Enter><Esc>");
    assert_eq!((s.screen, s.filter.as_str()), (Screen::Overdue, "王"));
    // Esc on the list clears the filter.
    keys(&mut s, &mut desk, "<Esc>");
    assert_eq!(s.filter, "");
    assert!(s.overdue.total.expect("count") > n);
    // By loan id, with backspace; Esc while typing drops the filter.
    keys(&mut s, &mut desk, "/DL000000499<Backspace>");
    assert_eq!(s.filter, "DL00000049");
    assert_eq!(s.overdue.total, Some(1));
    keys(&mut s, &mut desk, "<Esc>");
    assert_eq!((s.mode, s.filter.as_str()), (Mode::Normal, ""));
    // By phone: digits look at phone numbers from the fourth (one to three select nearly every
    // Chinese mobile), and then find the number however it was written.
    let phone =
        s.overdue.rows.iter().filter_map(|r| r.phone.clone()).find(|p| p.starts_with("+86")).expect("+86");
    let home = &phone[3..];
    keys(&mut s, &mut desk, &format!("/{}", &home[..3]));
    assert!(s.overdue.rows.iter().all(|r| r.phone.as_deref().is_none_or(|p| !p.contains(&home[..3]))));
    keys(&mut s, &mut desk, &home[3..7]);
    let n = s.overdue.total.expect("count");
    assert!(n > 0, "{phone}");
    assert!(s.overdue.rows.iter().all(|r| r.phone.as_deref().is_some_and(|p| p.contains(&home[..7]))));
}

#[test]
fn stage_and_sort_keys() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab>s");
    assert_eq!(s.stage, Some(Stage::Reminder));
    assert!(!s.overdue.rows.is_empty());
    assert!(s.overdue.rows.iter().all(|r| r.stage == Stage::Reminder));
    keys(&mut s, &mut desk, "sss");
    assert_eq!(s.stage, Some(Stage::Legal));
    keys(&mut s, &mut desk, "s");
    assert_eq!(s.stage, None);
    keys(&mut s, &mut desk, "o");
    assert_eq!(s.sort, SortKey::Overdue);
    // Promises due today lead; each band is in the sort order.
    let today = |r: &&duedesk::app::views::LoanSummary| {
        r.promise_status == Some(PromiseStatus::Active) && r.promise_due_on == Some(r.as_of)
    };
    let lead = s.overdue.rows.iter().take_while(today).count();
    assert!(s.overdue.rows[lead..].iter().all(|r| !today(&r)));
    for band in [&s.overdue.rows[..lead], &s.overdue.rows[lead..]] {
        let amounts: Vec<_> = band.iter().map(|r| r.overdue_amount).collect();
        assert!(amounts.windows(2).all(|w| w[0] >= w[1]));
    }
    keys(&mut s, &mut desk, "ooo");
    assert_eq!(s.sort, SortKey::Dpd);
    // The stage and sort keys belong to the queue, not the due-soon list.
    keys(&mut s, &mut desk, "<Tab>so");
    assert_eq!((s.stage, s.sort), (None, SortKey::Dpd));
}

#[test]
fn the_command_line() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, ":goto DL00000048<Enter>");
    assert_eq!(s.screen, Screen::Case);
    assert_eq!(s.case.as_ref().and_then(|c| c.detail.as_ref()).expect("detail").summary.borrower, "徐强梅");
    keys(&mut s, &mut desk, ":sort overdue<Enter>");
    assert_eq!((s.screen, s.sort), (Screen::Overdue, SortKey::Overdue));
    keys(&mut s, &mut desk, ":stage negotiation<Enter>");
    assert_eq!(s.stage, Some(Stage::Negotiation));
    keys(&mut s, &mut desk, ":stage all<Enter>");
    assert_eq!(s.stage, None);
    keys(&mut s, &mut desk, ":sort sideways<Enter>");
    assert!(s.message.as_deref().is_some_and(|m| m.contains("unknown sort 'sideways'")), "{:?}", s.message);
    // A :goto that finds nothing stays where it was and says so.
    keys(&mut s, &mut desk, ":goto NOPE<Enter>");
    assert_eq!(s.screen, Screen::Overdue);
    assert_eq!(s.message.as_deref(), Some("no loan matches 'NOPE': staying here"));
    // The same matching as the filter: any case, a bare number.
    for typed in ["dl00000048", "48", "00048"] {
        keys(&mut s, &mut desk, &format!("<Esc>:goto {typed}<Enter>"));
        assert_eq!(
            (s.screen, s.case.as_ref().map(|c| c.loan.as_str())),
            (Screen::Case, Some("DL00000048")),
            "{typed}"
        );
    }
    // A name found on several loans names them and stays.
    keys(&mut s, &mut desk, "<Esc>:goto 王<Enter>");
    assert_eq!(s.screen, Screen::Overdue);
    assert!(s.message.as_deref().is_some_and(|m| m.contains("loans match '王'")), "{:?}", s.message);
    keys(&mut s, &mut desk, ":q<Enter>");
    assert!(s.quit);
}

#[test]
fn help_closes_on_any_key_and_q_quits() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "?");
    assert_eq!(s.mode, Mode::Help);
    keys(&mut s, &mut desk, "q");
    assert_eq!(s.mode, Mode::Normal);
    assert!(!s.quit, "the key that closes help does nothing else");
    keys(&mut s, &mut desk, "q");
    assert!(s.quit);
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "/ab<C-c>");
    assert!(s.quit, "Ctrl-C quits even while typing");
}

#[test]
fn stale_replies_are_dropped() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    let before = s.due.clone();
    let stale = Reply::List {
        list: ListKind::DueSoon,
        generation: before.generation - 1,
        offset: 0,
        rows: Vec::new(),
        total: Some(0),
        search: None,
    };
    assert!(s.apply(Action::Reply(stale)).is_empty());
    assert_eq!(s.due, before);
    // A newer question makes the answer in flight stale.
    let first = s.apply(Action::Cmd(duedesk::app::keymap::Cmd::NextStage));
    let second = s.apply(Action::Cmd(duedesk::app::keymap::Cmd::NextStage));
    assert_eq!((first.len(), second.len()), (1, 1));
    let old = duedesk::app::desk_state::serve(&mut desk, &first[0]);
    s.apply(Action::Reply(old));
    assert_eq!(s.overdue.total, None, "the reply to the first stage key is ignored");
    settle(&mut s, &mut desk, second);
    assert_eq!(s.stage, Some(Stage::Negotiation));
    assert!(s.overdue.rows.iter().all(|r| r.stage == Stage::Negotiation));
}

#[test]
fn a_collector_sees_their_own_cases_first() {
    let mut admin = shared_book();
    let everyone = opened(&mut admin).due.total.expect("count");
    let mut desk = admin.desk_as("li.qiang");
    let mut s = opened(&mut desk);
    assert!(s.mine);
    let mine = s.due.total.expect("count");
    assert!(mine > 0 && mine < everyone, "{mine} of {everyone}");
    assert!(s.due.rows.iter().all(|r| r.assignee.as_deref() == Some("li.qiang")));
    keys(&mut s, &mut desk, "m");
    assert_eq!(s.due.total, Some(everyone));
}

#[test]
fn an_empty_store_loads_the_demo_book_with_one_key() {
    let mut desk = Book::empty(Keep::Memory);
    let mut s = opened(&mut desk);
    assert_eq!(s.loans_in_store, Some(0));
    keys(&mut s, &mut desk, "j<Enter>");
    assert_eq!(s.screen, Screen::DueSoon);
    keys(&mut s, &mut desk, "D");
    assert_eq!(s.loans_in_store, Some(duedesk::app::desk_state::DEMO_LOANS));
    assert!(s.message.as_deref().is_some_and(|m| m.contains("demo data")));
    assert!(s.due.total.is_some_and(|n| n > 0));
    keys(&mut s, &mut desk, "D");
    assert!(s.message.as_deref().is_some_and(|m| m.contains("only into an empty store")));
}

/// The contacts of the open case, newest first.
fn contacts(s: &DeskState) -> Vec<duedesk::app::views::ContactView> {
    s.case.as_ref().and_then(|c| c.detail.as_ref()).map(|d| d.contacts.clone()).unwrap_or_default()
}

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

fn detail(s: &DeskState) -> duedesk::app::views::LoanDetail {
    s.case.as_ref().and_then(|c| c.detail.as_deref()).cloned().expect("detail")
}

fn preview(s: &DeskState) -> Option<duedesk::app::desk_state::PlanPreview> {
    s.case.as_ref().and_then(|c| c.plan.clone())
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

fn message(s: &DeskState) -> String {
    s.message.clone().unwrap_or_default()
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

fn lease_of(s: &DeskState) -> Option<duedesk::app::leases::Lease> {
    s.case.as_ref().and_then(|c| c.lease.clone())
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

#[test]
fn a_filter_asks_only_the_list_on_screen_and_the_other_when_shown() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab>/王");
    assert!(s.overdue.total.is_some());
    assert_eq!(s.due.total, None, "the due-soon list is not asked while the queue is filtered");
    keys(&mut s, &mut desk, "<Enter><Tab>");
    assert_eq!(s.screen, Screen::DueSoon);
    let due = s.due.total.expect("asked when shown");
    assert!(s.due.rows.iter().all(|r| r.borrower.starts_with('王')), "{due}");
}

#[test]
fn tab_completes_a_command_name_and_its_words() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, ":ass<Tab>");
    assert_eq!((s.mode, s.input.as_str()), (Mode::Command, "assign "));
    // Several names: Tab cycles through them in the table's order.
    keys(&mut s, &mut desk, "<Esc>:a<Tab>");
    assert_eq!(s.input.as_str(), "agency");
    keys(&mut s, &mut desk, "<Tab>");
    assert_eq!(s.input.as_str(), "assign");
    keys(&mut s, &mut desk, "<Tab>");
    assert_eq!(s.input.as_str(), "agency");
    // The words an argument takes come from their own enums.
    keys(&mut s, &mut desk, "<Esc>:sort l<Tab>");
    assert_eq!(s.input.as_str(), "sort last_contact ");
    keys(&mut s, &mut desk, "<Enter>");
    assert_eq!(s.sort, SortKey::LastContact);
    // Nothing to complete leaves the line as it is.
    keys(&mut s, &mut desk, ":zz<Tab>");
    assert_eq!(s.input.as_str(), "zz");
}

#[test]
fn tab_completes_a_loan_id_from_the_store() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, ":goto DL0000004<Tab>");
    assert_eq!(s.input.as_str(), "goto DL00000040");
    let cycle = s.input.cycle().expect("several loans").candidates.clone();
    assert_eq!(cycle.len(), 10, "{cycle:?}");
    assert!(cycle.iter().all(|l| l.starts_with("DL0000004")), "{cycle:?}");
    keys(&mut s, &mut desk, "<Tab>");
    assert_eq!(s.input.as_str(), "goto DL00000041");
    keys(&mut s, &mut desk, "<Enter>");
    assert_eq!(s.case.as_ref().map(|c| c.loan.as_str()), Some("DL00000041"));
    // One match completes with a space; none says so and leaves the line.
    keys(&mut s, &mut desk, ":g DL0000030<Tab>");
    assert_eq!(s.input.as_str(), "g DL00000300 ");
    keys(&mut s, &mut desk, "<Esc>:goto NOPE<Tab>");
    assert_eq!(s.input.as_str(), "goto NOPE");
    assert_eq!(message(&s), "no loan id starts with 'NOPE'");
    // An answer that comes after the line changed is dropped.
    keys(&mut s, &mut desk, "<Esc>:goto DL000001");
    let asked = s.apply(Action::Complete);
    assert_eq!(asked.len(), 1);
    keys(&mut s, &mut desk, "2");
    settle(&mut s, &mut desk, asked);
    assert_eq!(s.input.as_str(), "goto DL0000012");
}

#[test]
fn the_command_line_edits_and_says_what_a_mistyped_command_meant() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, ":asign xu.na<Enter>");
    assert_eq!(message(&s), "unknown command ':asign': did you mean :assign? (? lists every command)");
    keys(&mut s, &mut desk, ":xyzzy<Enter>");
    assert_eq!(message(&s), "unknown command ':xyzzy' (? lists every command)");
    // Ctrl-U clears to the start, Ctrl-W takes a word, the cursor moves within the line.
    keys(&mut s, &mut desk, ":goto NOPE<C-u>gotx DL00000045<Home><Right><Right><Right><Del>o<End><Enter>");
    assert_eq!(s.case.as_ref().map(|c| c.loan.as_str()), Some("DL00000045"), "{}", message(&s));
    keys(&mut s, &mut desk, ":sort dpd overdue<C-w><Enter>");
    assert_eq!(s.sort, SortKey::Dpd);
    // A case command elsewhere asks for a case first; bad words say the words allowed and the
    // usage, in the desk's language.
    keys(&mut s, &mut desk, ":ptp 100 2026-03-05<Enter>");
    assert_eq!(message(&s), "open a case first");
    s.lang = duedesk::app::strings::Lang::Zh;
    keys(&mut s, &mut desk, ":stage sideways<Enter>");
    assert!(message(&s).starts_with("未知阶段“sideways”：可用 all、reminder、"), "{}", message(&s));
    assert!(message(&s).contains("用法：:stage 阶段"), "{}", message(&s));
}

#[test]
fn while_the_terminal_is_too_small_only_quit_resize_and_help_act() {
    let mut desk = demo_desk();
    let mut s = opened(&mut desk);
    keys(&mut s, &mut desk, "<Tab>G<Enter>");
    let before = contacts(&s).len();
    assert!(before > 0 || s.case.is_some(), "a case is open");
    sized(&mut s, &mut desk, 40, 10);
    // `b`, `n`, a command line and a screen change all do nothing unseen.
    keys(&mut s, &mut desk, "bn:note x<Enter><Esc>");
    assert_eq!(contacts(&s).len(), before, "no contact logged unseen");
    assert_eq!(s.mode, Mode::Normal);
    // Help opens, and closes.
    keys(&mut s, &mut desk, "?");
    assert_eq!(s.mode, Mode::Help);
    keys(&mut s, &mut desk, "<Esc>");
    // Back at a size the desk fits, keys act again.
    sized(&mut s, &mut desk, 80, 24);
    keys(&mut s, &mut desk, "n");
    assert_eq!(contacts(&s).len(), before + 1);
    // Quit acts while too small.
    sized(&mut s, &mut desk, 40, 10);
    keys(&mut s, &mut desk, "q");
    assert!(s.quit);
}

#[test]
fn a_desk_that_lost_its_case_to_a_take_over_from_the_command_line_stops_renewing_and_refuses_edits() {
    let book = shared_book();
    let mut lq = book.desk_as("li.qiang");
    let mut a = opened(&mut lq);
    keys(&mut a, &mut lq, "<Tab><Enter>");
    let loan = a.case.as_ref().map(|c| c.loan.clone()).expect("case");
    assert!(lease_of(&a).is_some_and(|l| l.mine));
    // A call the collector could still take back with `u`, were the case still theirs.
    keys(&mut a, &mut lq, "n");
    let logged = contacts(&a).len();

    // `duedesk lease LOAN --take-over REASON`: the command line ends the lease and holds none.
    let mut zm = book.desk_as("zhao.min");
    zm.end_lease(&loan, "催收员请假").expect("take over");
    assert!(zm.lease(&loan).expect("lease").is_none());

    // The collector's desk hears the store changed: it notices, says so and does not take it back.
    let reqs = a.apply(Action::Reply(Reply::StoreChanged));
    settle(&mut a, &mut lq, reqs);
    assert!(message(&a).contains("taken over"), "{}", message(&a));
    assert!(zm.lease(&loan).expect("lease").is_none(), "the open desk did not renew the lease it lost");
    let before = detail(&a).summary.next_action_on;
    keys(&mut a, &mut lq, ":next 2026-03-09<Enter>");
    assert!(message(&a).contains("taken over"), "{}", message(&a));
    assert_eq!(detail(&a).summary.next_action_on, before, "the edit is refused");
    keys(&mut a, &mut lq, "u");
    assert!(message(&a).contains("taken over"), "{}", message(&a));
    assert_eq!(contacts(&a).len(), logged, "nothing is taken back on a case taken over");
    assert!(zm.lease(&loan).expect("lease").is_none());
}

#[test]
fn a_supervisor_s_desk_that_lost_its_case_asks_no_write_off() {
    let mut admin = shared_book();
    let mut zm = admin.desk_as("zhao.min");
    let mut a = opened(&mut zm);
    keys(&mut a, &mut zm, "<Tab><Enter>");
    let loan = a.case.as_ref().map(|c| c.loan.clone()).expect("case");
    assert!(lease_of(&a).is_some_and(|l| l.mine));
    admin.end_lease(&loan, "另派专人").expect("take over");
    let reqs = a.apply(Action::Reply(Reply::StoreChanged));
    settle(&mut a, &mut zm, reqs);
    assert!(message(&a).contains("taken over"), "{}", message(&a));
    // No confirmation is asked for a write-off this desk may no longer make.
    keys(&mut a, &mut zm, ":writeoff 失联<Enter>");
    assert!(message(&a).contains("taken over"), "{}", message(&a));
    keys(&mut a, &mut zm, "y");
    assert_ne!(detail(&a).summary.status.to_string(), "written_off");
}

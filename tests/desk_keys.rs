//! Key sequences on the desk state, written as in the key map (`<Tab>jj<Enter>`), with every
//! store request answered in line from an in-process demo store (seed 7, as of 2026-03-01).

#[path = "desk_keys/casework.rs"]
mod casework;
mod common;
#[path = "desk_keys/supervising.rs"]
mod supervising;

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

/// The contacts of the open case, newest first.
fn contacts(s: &DeskState) -> Vec<duedesk::app::views::ContactView> {
    s.case.as_ref().and_then(|c| c.detail.as_ref()).map(|d| d.contacts.clone()).unwrap_or_default()
}

fn detail(s: &DeskState) -> duedesk::app::views::LoanDetail {
    s.case.as_ref().and_then(|c| c.detail.as_deref()).cloned().expect("detail")
}

fn preview(s: &DeskState) -> Option<duedesk::app::desk_state::PlanPreview> {
    s.case.as_ref().and_then(|c| c.plan.clone())
}

fn message(s: &DeskState) -> String {
    s.message.clone().unwrap_or_default()
}

fn lease_of(s: &DeskState) -> Option<duedesk::app::leases::Lease> {
    s.case.as_ref().and_then(|c| c.lease.clone())
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

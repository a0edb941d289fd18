//! The terminal desk drawn into ratatui's TestBackend at 80×24 from an in-process demo store
//! (seed 7, as of 2026-03-01, a fixed clock), with the mono theme CI runs under NO_COLOR.

mod common;

use chrono::NaiveDate;
use common::book::{Book, Keep};
use common::desk::{opened, press};
use common::screen;
use duedesk::app::Desk;
use duedesk::app::desk_state::command::COMMANDS;
use duedesk::app::desk_state::{DeskState, Mode};
use duedesk::app::keymap::Cmd;
use duedesk::app::strings::Lang;
use duedesk::ui::help::wrap;
use duedesk::ui::{self, Borders, Look, Theme};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

fn empty_desk() -> Book {
    Book::empty(Keep::Memory)
}

fn demo_desk() -> Book {
    Book::demo(Keep::Memory, 300, 7)
}

fn render(state: &DeskState, w: u16, h: u16) -> Buffer {
    render_in(state, w, h, &Look::new(Theme::mono()))
}

fn render_in(state: &DeskState, w: u16, h: u16, look: &Look) -> Buffer {
    let mut t = Terminal::new(TestBackend::new(w, h)).expect("terminal");
    t.draw(|f| ui::draw(f, state, look)).expect("draw");
    t.backend().buffer().clone()
}

fn snap(state: &DeskState) -> String {
    screen(&render(state, 80, 24))
}

#[test]
fn due_soon_list() {
    let mut desk = demo_desk();
    let state = opened(&mut desk);
    insta::assert_snapshot!(snap(&state));
}

#[test]
fn overdue_queue() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "<Tab>jj").expect("keys");
    insta::assert_snapshot!(snap(&state));
}

#[test]
fn case_view_and_its_contacts_pane() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "<Tab><Enter>").expect("keys");
    insta::assert_snapshot!("case_view", snap(&state));
    press(&mut state, &mut desk, "<Tab>").expect("keys");
    insta::assert_snapshot!("case_view_contacts", snap(&state));
}

#[test]
fn help_overlay() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "<Tab>?").expect("keys");
    assert_eq!(state.mode, Mode::Help);
    insta::assert_snapshot!(snap(&state));
}

#[test]
fn empty_store_offers_the_demo_book() {
    let mut desk = empty_desk();
    let state = opened(&mut desk);
    insta::assert_snapshot!(snap(&state));
}

#[test]
fn filter_line_while_typing() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "<Tab>/王").expect("keys");
    insta::assert_snapshot!(snap(&state));
}

#[test]
fn too_small_terminal() {
    let mut desk = demo_desk();
    let state = opened(&mut desk);
    insta::assert_snapshot!(screen(&render(&state, 59, 15)));
    // Tiny and empty areas draw without panicking.
    for (w, h) in [(0, 0), (1, 1), (20, 5), (60, 16), (200, 60)] {
        render(&state, w, h);
    }
    assert!(screen(&render(&state, 60, 16)).contains("DUE"));
}

#[test]
fn the_selected_row_is_reversed_in_mono() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "<Tab>j").expect("keys");
    let buf = render(&state, 80, 24);
    // Row 0 is the tab line, row 1 the header; the cursor is on the second row of the list.
    let reversed = |y: u16| buf.cell((0, y)).expect("cell").modifier.contains(Modifier::REVERSED);
    assert!(!reversed(2));
    assert!(reversed(3));
    assert!(!reversed(4));
}

#[test]
fn ascii_borders_in_the_case_view_and_the_help() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    let ascii = Look::new(Theme::mono()).with_borders(Borders::Ascii);
    press(&mut state, &mut desk, "<Tab><Enter>").expect("keys");
    let case = screen(&render_in(&state, 80, 24, &ascii));
    press(&mut state, &mut desk, "?").expect("keys");
    let help = screen(&render_in(&state, 80, 24, &ascii));
    insta::assert_snapshot!("ascii_case_view", case);
    insta::assert_snapshot!("ascii_help_overlay", help);
    for text in [&case, &help] {
        assert!(!text.chars().any(|c| ('\u{2500}'..='\u{257f}').contains(&c)), "box-drawing left:\n{text}");
    }
    assert!(help.contains("+---"), "{help}");
}

#[test]
fn the_light_theme_styles_cells_differently_from_dark() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "<Tab>j").expect("keys");
    let dark = render_in(&state, 80, 24, &Look::new(Theme::dark()));
    let light = render_in(&state, 80, 24, &Look::new(Theme::light()));
    // The selected row (row 3) and the title cell of the tab line.
    let style = |b: &Buffer, x: u16, y: u16| b.cell((x, y)).expect("cell").style();
    assert_eq!(style(&dark, 0, 3).bg, Some(Color::LightBlue));
    assert_eq!(style(&light, 0, 3).bg, Some(Color::LightCyan));
    assert_eq!(style(&dark, 1, 0).fg, Some(Color::Cyan));
    assert_eq!(style(&light, 1, 0).fg, Some(Color::Blue));
    // The same text either way.
    assert_eq!(screen(&dark), screen(&light));
}

/// The desk in Chinese (`lang = zh`): the same screens, the same widths.
fn opened_zh(desk: &mut Desk) -> DeskState {
    let mut state = opened(desk);
    state.lang = Lang::Zh;
    state
}

#[test]
fn overdue_queue_in_chinese() {
    let mut desk = demo_desk();
    let mut state = opened_zh(&mut desk);
    press(&mut state, &mut desk, "<Tab>jj").expect("keys");
    let text = snap(&state);
    insta::assert_snapshot!("overdue_queue_zh", text);
    assert!(text.contains("逾期天数"), "{text}");
}

#[test]
fn case_view_in_chinese() {
    let mut desk = demo_desk();
    let mut state = opened_zh(&mut desk);
    press(&mut state, &mut desk, "<Tab><Enter>").expect("keys");
    insta::assert_snapshot!("case_view_zh", snap(&state));
    press(&mut state, &mut desk, "<Tab><Tab>").expect("keys");
    insta::assert_snapshot!("case_view_payments_zh", snap(&state));
}

#[test]
fn help_overlay_in_chinese() {
    let mut desk = demo_desk();
    let mut state = opened_zh(&mut desk);
    press(&mut state, &mut desk, "<Tab>?").expect("keys");
    assert_eq!(state.mode, Mode::Help);
    insta::assert_snapshot!("help_overlay_zh", snap(&state));
}

#[test]
fn the_case_pane_tabs_fit_sixty_cells() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "<Tab><Enter>").expect("keys");
    let tabs = |state: &DeskState| screen(&render(state, 60, 16)).lines().nth(8).unwrap_or("").to_string();
    // Eight panes: the active one by its first word, the others by short labels no two alike
    // (Contacts and Collateral were both "Co"), thin separators.
    assert_eq!(tabs(&state), " Schedule 9/24 │ Con │ Pay │ Stg │ Insp │ Coll │ Log │ Sig");
    // Narrower still (the Inspections pane's longer name): tiny labels, still no two alike.
    press(&mut state, &mut desk, "<Tab><Tab><Tab><Tab>").expect("keys");
    let line = tabs(&state);
    let labels: Vec<&str> = line.split('│').map(str::trim).collect();
    assert_eq!(labels.len(), 8, "{line}");
    assert!(labels.iter().enumerate().all(|(i, l)| !labels[..i].contains(l)), "{line}");
    assert!(duedesk::text::width(&line) <= 60, "{line}");
    press(&mut state, &mut desk, "<BackTab><BackTab><BackTab><BackTab>").expect("keys");
    press(&mut state, &mut desk, "<Tab><Tab>").expect("keys");
    let line = tabs(&state);
    assert!(line.contains(" Payments 1/10 ") && line.matches('│').count() == 7, "{line}");
    assert!(duedesk::text::width(&line) <= 60, "{line}");
    press(&mut state, &mut desk, "<Tab><Tab><Tab>").expect("keys");
    let line = tabs(&state);
    assert!(line.contains(" Collateral ") && duedesk::text::width(&line) <= 60, "{line}");
    // At 80 columns the separators are as wide as elsewhere.
    let wide = screen(&render(&state, 80, 24)).lines().nth(8).unwrap_or("").to_string();
    assert!(wide.contains("  Collateral  ") && wide.matches("  │  ").count() == 7, "{wide}");
}

#[test]
fn case_view_payments_and_promises() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "<Tab><Enter><Tab><Tab>").expect("keys");
    let text = snap(&state);
    insta::assert_snapshot!("case_view_payments", text);
    assert!(text.contains("BY DATE"), "{text}");
}

#[test]
fn empty_store_and_small_terminals_in_chinese() {
    let mut desk = empty_desk();
    let state = opened_zh(&mut desk);
    insta::assert_snapshot!("empty_store_zh", snap(&state));
    let mut desk = demo_desk();
    let mut state = opened_zh(&mut desk);
    let small = screen(&render(&state, 59, 15));
    assert!(small.contains("终端太小：至少需要 60×16，当前 59×15"), "{small}");
    press(&mut state, &mut desk, "<Tab><Enter>").expect("keys");
    for (w, h) in [(0, 0), (1, 1), (20, 5), (60, 16), (61, 16), (200, 60)] {
        render(&state, w, h);
    }
    // At the smallest size the case's pane tabs still fit in Chinese, the active one named.
    press(&mut state, &mut desk, "<Tab><Tab><Tab>").expect("keys");
    let small = screen(&render(&state, 60, 16));
    let tabs = small.lines().nth(8).unwrap_or("");
    assert!(tabs.contains("阶段与归属") && tabs.matches('│').count() == 7, "{tabs}");
    let labels: Vec<&str> = tabs.split('│').map(str::trim).collect();
    assert!(labels.iter().enumerate().all(|(i, l)| !labels[..i].contains(l)), "no two alike: {tabs}");
    assert!(duedesk::text::width(tabs) <= 60, "{tabs}");
}

#[test]
fn plan_preview_in_the_case_view() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "<Tab><Enter>:plan 3 2026-03-15<Enter>").expect("keys");
    insta::assert_snapshot!("plan_preview", snap(&state));
    let mut desk = demo_desk();
    let mut zh = opened_zh(&mut desk);
    press(&mut zh, &mut desk, "<Tab><Enter>:plan 3 2026-03-15<Enter>").expect("keys");
    insta::assert_snapshot!("plan_preview_zh", snap(&zh));
}

#[test]
fn plans_and_notices_show_in_the_history_pane() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    let out = tempfile::tempdir().expect("tempdir");
    let keys = format!(
        "<Tab><Enter>:notice dunning en {}<Enter>:plan 3 2026-03-15<Enter>:plan save 同意分期<Enter><BackTab><BackTab><BackTab><BackTab><BackTab>",
        out.path().display()
    );
    press(&mut state, &mut desk, &keys).expect("keys");
    let text = snap(&state);
    assert!(text.contains("2026-03-01 dunning notice (pending)"), "{text}");
    assert!(text.contains("2026-03-02 plan: 18 payments in force"), "{text}");
    assert!(text.contains("同意分期"), "{text}");
    let mut zh = state.clone();
    zh.lang = Lang::Zh;
    let text = snap(&zh);
    assert!(text.contains("催收通知书（待回执）") && text.contains("还款计划：18 期，生效中"), "{text}");
}

/// Tonight's run on a later date, when loans cross bands: the preview, then a hold and a move
/// in the case's history.
#[test]
fn the_run_preview_and_a_held_case() {
    let mut desk = demo_desk();
    desk.as_of = NaiveDate::from_ymd_opt(2026, 4, 15).expect("date");
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "Ej").expect("keys");
    let text = snap(&state);
    insta::assert_snapshot!("run_preview", text);
    assert!(text.contains("would change"), "{text}");
    let mut zh = state.clone();
    zh.lang = Lang::Zh;
    insta::assert_snapshot!("run_preview_zh", snap(&zh));
    press(&mut state, &mut desk, "<Esc><Tab><Enter>:hold hardship 2026-05-31 失业三个月<Enter>")
        .expect("keys");
    press(&mut state, &mut desk, ":move negotiation 客户同意协商<Enter><Tab><Tab><Tab>").expect("keys");
    let text = snap(&state);
    insta::assert_snapshot!("case_held_history", text);
    assert!(text.contains("on hold (hardship) until 2026-05-31"), "{text}");
}

/// A collector previews the run too, and is not offered to apply it: the run is a supervisor's
/// (`desk_keys.rs`: the key refused).
#[test]
fn a_collector_s_run_preview_does_not_offer_to_apply_it() {
    let mut desk = demo_desk().reopen_as("li.qiang").expect("desk");
    desk.as_of = NaiveDate::from_ymd_opt(2026, 4, 15).expect("date");
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "E").expect("keys");
    let text = snap(&state);
    assert!(text.contains("would change"), "{text}");
    let footer = text.lines().last().unwrap_or("");
    assert!(footer.contains("Esc back") && !footer.contains("run it"), "{text}");
}

/// A login that is not a desk user reads the book and is told whom to ask, with numbers masked.
#[test]
fn a_stranger_reads_only_and_is_told_whom_to_ask() {
    let mut stranger = demo_desk().reopen_as("stranger").expect("desk");
    let state = opened(&mut stranger);
    let text = snap(&state);
    let status = text.lines().nth(22).unwrap_or("");
    assert!(status.contains("read only: ask admin to add you"), "{text}");
    assert!(text.contains("****"), "phones are masked for a stranger:\n{text}");
}

/// The help from its top to its end, a page at a time as a user pages it.
fn help_pages(state: &mut DeskState, desk: &mut Desk) -> Vec<String> {
    let mut pages = vec![snap(state)];
    loop {
        press(state, desk, "<PgDn>").expect("keys");
        let page = snap(state);
        if Some(&page) == pages.last() {
            return pages;
        }
        pages.push(page);
    }
}

#[test]
fn the_help_shows_every_key_and_every_command_at_80x24_by_scrolling() {
    for lang in Lang::ALL {
        let mut desk = demo_desk();
        let mut state = opened(&mut desk);
        state.lang = lang;
        press(&mut state, &mut desk, "<Tab><Enter>?").expect("keys");
        let pages = help_pages(&mut state, &mut desk);
        assert!(pages.len() > 2, "{lang:?}: the help is a few pages at 80×24");
        let text = pages.join("\n");
        // The pane is 78 cells inside its border: usages and descriptions wrap at 72.
        for c in COMMANDS {
            assert!((c.parse)(c.example).is_ok(), ":{} {} does not parse", c.name, c.example);
            let usage = &wrap(&c.usage(lang), 72)[0];
            let desc = &wrap(c.desc.get(lang), 72)[0];
            assert!(text.contains(usage.as_str()), "{lang:?}: no {usage}");
            assert!(text.contains(desc.as_str()), "{lang:?}: no {desc}");
        }
        let scopes = state.scopes();
        for (b, _) in
            state.keymap.bindings.iter().filter(|(b, _)| scopes.contains(&b.scope) && b.cmd != Cmd::Help)
        {
            let desc = &wrap(lang.key_desc(b), 80 - 2 - 17)[0];
            assert!(text.contains(desc.as_str()), "{lang:?}: no key for {desc}");
        }
        // Paging back reaches the top again.
        press(&mut state, &mut desk, "<PgUp><PgUp><PgUp><PgUp><PgUp><PgUp><PgUp>").expect("keys");
        assert_eq!(snap(&state), pages[0]);
        if lang == Lang::En {
            insta::assert_snapshot!("help_last_page", pages.last().expect("a page"));
        }
    }
}

#[test]
fn the_help_is_searched_with_slash() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "<Tab>?/assign").expect("keys");
    let text = snap(&state);
    assert!(text.contains(":assign USER [REASON]") && text.contains("mark the case for :assign"), "{text}");
    assert!(!text.contains(":goto") && !text.contains("next row"), "{text}");
    assert!(text.lines().last().is_some_and(|l| l.starts_with("/assign")), "{text}");
    // Enter keeps the search and goes back to scrolling; Esc clears it; any other key closes.
    press(&mut state, &mut desk, "<Enter>j").expect("keys");
    assert_eq!((state.mode, state.help.search.as_str()), (Mode::Help, "assign"));
    press(&mut state, &mut desk, "/zzz").expect("keys");
    assert!(snap(&state).contains("nothing matches 'assignzzz'"), "{}", snap(&state));
    press(&mut state, &mut desk, "<Esc>").expect("keys");
    assert!(snap(&state).contains("next row"));
    press(&mut state, &mut desk, "x").expect("keys");
    assert_eq!(state.mode, Mode::Normal);
}

#[test]
fn the_help_fills_a_wide_terminal_and_fits_a_small_one() {
    let mut desk = demo_desk();
    let mut state = opened(&mut desk);
    press(&mut state, &mut desk, "?").expect("keys");
    let wide = screen(&render(&state, 200, 50));
    assert!(wide.contains(":goto LOAN") && wide.contains("Keys and commands"), "{wide}");
    for (w, h) in [(60, 16), (61, 17), (100, 30), (20, 5), (0, 0)] {
        render(&state, w, h);
    }
}

//! Drawing only: every function takes the desk state by `&` and a `Frame`; nothing here changes
//! state, reads the clock or touches the store.

pub mod case;
pub mod help;
pub mod inspect_form;
pub mod lists;
pub mod look;
pub mod post_loan_panes;
pub mod reading;
pub mod reports;
pub mod run;
pub mod table;
pub mod team;
pub mod theme;
pub mod warnings;
pub mod work;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};

use crate::app::desk_state::{DEMO_LOANS, DeskState, Layout as DeskLayout, ListKind, Mode, Screen};
use crate::app::keymap::{Binding, Cmd, Keymap, Scope};
use crate::app::queue_sort::QueueSort;
use crate::app::strings::fill;
use crate::domain::Role;
use crate::domain::search::PhoneSearch;
use crate::text;
pub use look::{Borders, Look};
pub use theme::Theme;

pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 16;

/// The desk's lines around a list: the tab line, the column header, the status bar, the footer.
const LIST_CHROME: u16 = 4;
/// Around the case's pane: the tab line, the case header, the pane's tabs and header; status and
/// footer.
const CASE_CHROME: u16 = 1 + case::HEADER_LINES + 2 + 2;
/// Around the run's changes: the tab line, the run's head and the changes' header; status, footer.
const RUN_CHROME: u16 = 1 + run::HEAD + 1 + 2;

/// How the desk is laid out at a terminal `width` × `height`: what the state pages and scrolls by.
/// The help is measured only while it is open.
pub fn layout(state: &DeskState, width: u16, height: u16) -> DeskLayout {
    let help_lines = if state.mode == Mode::Help { help::line_count(state, width) } else { 0 };
    let help = help::rect(Rect::new(0, 0, width, height), help_lines);
    let reading_lines = if state.mode == Mode::Reading { reading::line_count(state, width) } else { 0 };
    // A long message takes more lines of the status bar, and the panes give them up.
    let more = status_lines(state, width) - 1;
    DeskLayout {
        width,
        height,
        list_rows: height.saturating_sub(LIST_CHROME + more).max(1),
        case_rows: height.saturating_sub(CASE_CHROME + more).max(1),
        run_rows: height.saturating_sub(RUN_CHROME + more).max(1),
        help_rows: help.height.saturating_sub(2).max(1),
        help_lines,
        too_small: width < MIN_WIDTH || height < MIN_HEIGHT,
        reading_rows: reading::rows(Rect::new(0, 0, width, height), reading_lines),
        reading_lines,
    }
}

/// Draws the whole desk in the given look (theme and border characters).
pub fn draw(frame: &mut Frame, state: &DeskState, look: &Look) {
    let theme = &look.theme;
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, state, theme);
        return;
    }
    let [tabs, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(status_lines(state, area.width)),
        Constraint::Length(1),
    ])
    .areas(area);
    tab_line(frame, tabs, state, theme);
    match state.has_loans {
        None => {
            frame.render_widget(Paragraph::new(Line::styled(state.lang.text().loading, theme.dim())), body)
        }
        Some(false) => empty_store(frame, body, state, theme),
        Some(true) => match (state.screen, &state.case) {
            (Screen::DueSoon, _) => lists::draw(frame, body, state, ListKind::DueSoon, theme),
            (Screen::Overdue, _) => lists::draw(frame, body, state, ListKind::Overdue, theme),
            (Screen::Case, Some(c)) => case::draw(frame, body, c, state.lang, state.group_amounts, look),
            (Screen::Case, None) => {}
            (Screen::Run, _) => run::draw(frame, body, state, theme),
            (Screen::Inspections, _) => work::draw_inspections(frame, body, state, theme),
            (Screen::Review, _) => work::draw_review(frame, body, state, theme),
            (Screen::Warnings, _) => warnings::draw(frame, body, state, theme),
            (Screen::Reports, _) => {
                if let Some(r) = state.reports.as_ref() {
                    reports::draw(frame, body, r, state.lang, look)
                }
            }
            (Screen::Team, _) => match state.team.as_ref().map(|t| (&t.report, &t.error)) {
                Some((_, Some(e))) => {
                    frame.render_widget(Paragraph::new(Line::styled(format!("  {e}"), theme.base())), body)
                }
                Some((Some(r), None)) => team::draw_team(frame, body, r, state.lang, look),
                _ => frame.render_widget(
                    Paragraph::new(Line::styled(state.lang.text().team_loading, theme.dim())),
                    body,
                ),
            },
        },
    }
    status_bar(frame, status, state, theme);
    footer_line(frame, footer, state, theme);
    if state.mode == Mode::Help {
        help::draw(frame, area, state, look);
    }
    if state.mode == Mode::Reading {
        reading::draw(frame, area, state, look);
    }
}

fn too_small(frame: &mut Frame, area: Rect, state: &DeskState, theme: &Theme) {
    let note = fill(state.lang.text().too_small, &[&MIN_WIDTH, &MIN_HEIGHT, &area.width, &area.height]);
    frame.render_widget(Paragraph::new(note).style(theme.base()).wrap(Wrap { trim: true }), area);
}

/// A list's count, with the cursor's position on the list on screen (`23/641`).
fn count(state: &DeskState, kind: ListKind) -> String {
    let list = state.list(kind);
    match list.total {
        None => "…".to_string(),
        Some(n) if n > 0 && state.current_list() == Some(kind) => format!("{}/{n}", list.selected + 1),
        Some(n) => n.to_string(),
    }
}

fn tab_line(frame: &mut Frame, area: Rect, state: &DeskState, theme: &Theme) {
    let (lang, t) = (state.lang, state.lang.text());
    let mut spans = vec![Span::styled(" duedesk ", theme.title())];
    let mut tab = |label: String, active: bool| {
        spans.push(Span::raw(" "));
        spans.push(Span::styled(format!(" {label} "), theme.tab(active)));
    };
    // The lists' warning filter is said in the tab of the list last shown, as the Warnings list's
    // is in its own (once: in both tabs it would push the case's tab off an 80-column line).
    let level = state.marks.level.map_or_else(String::new, |v| format!(" · {}", lang.level(v)));
    let marks = format!("{level}{}", if state.marks.watched { t.warnings_watched } else { "" });
    let marks_on = |list: Screen| if state.list_screen == list { marks.as_str() } else { "" };
    tab(
        format!("{}{} {}", t.tab_due_soon, marks_on(Screen::DueSoon), count(state, ListKind::DueSoon)),
        state.screen == Screen::DueSoon,
    );
    tab(
        format!("{}{} {}", t.tab_overdue, marks_on(Screen::Overdue), count(state, ListKind::Overdue)),
        state.screen == Screen::Overdue,
    );
    if let Some(c) = &state.case {
        tab(format!("{} {}", t.tab_case, c.loan), state.screen == Screen::Case);
    }
    if state.run.is_some() {
        tab(t.tab_run.to_string(), state.screen == Screen::Run);
    }
    if state.team.is_some() {
        tab(t.tab_team.to_string(), state.screen == Screen::Team);
    }
    if state.reports.is_some() {
        tab(t.tab_reports.to_string(), state.screen == Screen::Reports);
    }
    if let Some(l) = &state.inspections {
        let shown = match l.total {
            None => "…".to_string(),
            Some(n) if n > 0 && state.screen == Screen::Inspections => format!("{}/{n}", l.selected + 1),
            Some(n) => n.to_string(),
        };
        let overdue = if l.overdue_only { t.inspections_overdue_only } else { "" };
        tab(format!("{}{overdue} {shown}", t.tab_inspections), state.screen == Screen::Inspections);
    }
    if let Some(l) = &state.warnings {
        let shown = match l.total {
            None => "…".to_string(),
            Some(n) if n > 0 && state.screen == Screen::Warnings => format!("{}/{n}", l.selected + 1),
            Some(n) => n.to_string(),
        };
        let level = l.filter.level.map_or_else(String::new, |v| format!(" · {}", lang.level(v)));
        let watched = if l.filter.watched { t.warnings_watched } else { "" };
        tab(format!("{}{level}{watched} {shown}", t.tab_warnings), state.screen == Screen::Warnings);
    }
    if let Some(r) = &state.review {
        tab(format!("{} {}", t.tab_review, r.items.len()), state.screen == Screen::Review);
    }
    let used: usize = spans.iter().map(|s| text::width(&s.content)).sum();
    let mut scope = vec![if state.mine { t.my_cases } else { t.all_cases }.to_string()];
    // The queue's stage and sort stay said while a case from it is open.
    if state.screen == Screen::Overdue
        || (state.screen == Screen::Case && state.list_screen == Screen::Overdue)
    {
        scope.push(fill(t.stage_label, &[&state.stage.map_or(t.stage_all, |s| lang.stage(s))]));
        if let Some(sort) = QueueSort::of(state.sort) {
            scope.push(fill(t.sort_label, &[&lang.sort(sort)]));
        }
    }
    if !state.filter.trim().is_empty() {
        scope.push(format!("/{}", state.filter.trim()));
    }
    if !state.marked.is_empty() {
        scope.push(fill(t.marked_count, &[&state.marked.len()]));
    }
    let right = format!("{} ", scope.join(" · "));
    let room = usize::from(area.width).saturating_sub(used);
    if room > 2 {
        spans.push(Span::styled(text::fit(&right, room, true), theme.dim()));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn empty_store(frame: &mut Frame, area: Rect, state: &DeskState, theme: &Theme) {
    let store = &state.info.store;
    let t = state.lang.text();
    let lines = if state.loading_demo {
        vec![Line::raw(""), Line::raw(t.loading_demo)]
    } else {
        vec![
            Line::raw(""),
            Line::styled(fill(t.empty_store, &[store]), theme.title()),
            Line::raw(""),
            Line::from(vec![
                Span::raw(t.press),
                Span::styled("D", theme.key()),
                Span::raw(t.to_load_demo),
                Span::raw(fill(t.demo_loans, &[&DEMO_LOANS])),
            ]),
            Line::raw(""),
            Line::raw(t.or_import),
            Line::raw(format!("    duedesk --db {store} import loans FILE.csv")),
        ]
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), area);
}

/// The status bar's lines at most: a long message wraps this far, then is cut.
const STATUS_LINES: u16 = 3;
/// Cells of the status bar's left part a message leaves it on one line.
const STATUS_LEFT_MIN: usize = 24;

/// What the status bar says besides who and where: the usage being typed, else a message, else
/// a standing note.
fn status_said(state: &DeskState) -> Option<String> {
    match typing_usage(state) {
        Some(usage) => Some(usage),
        None => {
            state.message.clone().filter(|_| state.input.cycle().is_none()).or_else(|| {
                completions(state).or_else(|| rolling_note(state)).or_else(|| standing_note(state))
            })
        }
    }
}

/// How many lines the status bar takes: one, or a message's wrapped lines when it does not fit
/// beside the left part.
pub fn status_lines(state: &DeskState, width: u16) -> u16 {
    let w = usize::from(width);
    match status_said(state) {
        Some(m) if text::width(&m) + 2 + STATUS_LEFT_MIN > w => {
            u16::try_from(text::wrap(&m, w.saturating_sub(2)).len()).unwrap_or(1).clamp(1, STATUS_LINES)
        }
        _ => 1,
    }
}

fn status_bar(frame: &mut Frame, area: Rect, state: &DeskState, theme: &Theme) {
    let (lang, t) = (state.lang, state.lang.text());
    let who = match state.info.role {
        Some(r) => fill(t.who, &[&state.info.login, &lang.role(r)]),
        None => fill(t.who, &[&state.info.login, &t.read_only]),
    };
    let counts = match state.loans_in_store {
        Some(n) => fill(t.loans_count, &[&n]),
        None => "…".into(),
    };
    let left = fill(t.status_left, &[&who, &state.info.as_of, &state.info.store, &counts]);
    let w = usize::from(area.width);
    let said = status_said(state);
    if let Some(m) = said.as_ref().filter(|m| text::width(m) + 2 + STATUS_LEFT_MIN > w) {
        // Too long for one line beside who and where: the message alone, wrapped.
        let mut wrapped = text::wrap(m, w.saturating_sub(2));
        let shown = usize::from(area.height.max(1));
        if wrapped.len() > shown {
            wrapped.truncate(shown);
            if let Some(last) = wrapped.last_mut() {
                *last = text::truncate(&format!("{last} …"), w.saturating_sub(2));
            }
        }
        let lines: Vec<Line> = wrapped
            .into_iter()
            .map(|l| Line::styled(text::fit(&format!(" {l}"), w, false), theme.message()))
            .collect();
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let line = match said.as_ref() {
        Some(m) => {
            let msg = text::truncate(&format!(" {m} "), w);
            let room = w.saturating_sub(text::width(&msg));
            Line::from(vec![
                Span::styled(text::fit(&left, room, false), theme.status()),
                Span::styled(msg, theme.message()),
            ])
        }
        None => Line::styled(text::fit(&left, w, false), theme.status()),
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// While a command is typed, what it takes: its usage from the command table, once its name is
/// whole (`p` opens `:ptp ` and this says `:ptp AMOUNT YYYY-MM-DD [NOTE]`).
fn typing_usage(state: &DeskState) -> Option<String> {
    if state.mode != Mode::Command || state.input.cycle().is_some() {
        return None;
    }
    let (verb, _) = state.input.as_str().split_once(' ')?;
    Some(crate::app::desk_state::command::find(verb)?.usage(state.lang))
}

/// The completions Tab cycles through, the one on the line in brackets.
fn completions(state: &DeskState) -> Option<String> {
    let cycle = state.input.cycle().filter(|_| state.mode == Mode::Command)?;
    let items: Vec<String> = cycle
        .candidates
        .iter()
        .enumerate()
        .map(|(i, c)| if i == cycle.index { format!("[{c}]") } else { c.clone() })
        .collect();
    Some(format!("Tab: {}", items.join(" ")))
}

/// The book being rolled forward to the desk's date, while the lists show the rows as they stand.
fn rolling_note(state: &DeskState) -> Option<String> {
    let (done, total) = state.rolling?;
    Some(fill(state.lang.text().rolling_note, &[&state.info.as_of, &done, &total]))
}

/// What stays said while it holds: another desk user is working the case under the cursor or
/// on screen.
fn standing_note(state: &DeskState) -> Option<String> {
    let t = state.lang.text();
    match (state.screen, state.current_list()) {
        (Screen::Case, _) => {
            let lease = state.case.as_ref().and_then(|c| c.lease.as_ref()).filter(|l| !l.mine);
            lease
                .map(|l| {
                    // `2026-03-01T10:15:00+08:00` → `10:15`.
                    let until = l.until.get(11..16).unwrap_or(&l.until);
                    fill(t.worked_by_case, &[&l.holder, &until])
                })
                .or_else(|| read_only_note(state))
        }
        (_, Some(kind)) => {
            let list = state.list(kind);
            let worked = list
                .row(list.selected)
                .and_then(|r| Some(fill(t.worked_by_row, &[&r.loan_id, r.worked_by.as_ref()?])));
            let unsearched = list
                .search
                .as_ref()
                .filter(|n| n.phone == PhoneSearch::NotAllowed && list.total.is_some_and(|t| t > 0))
                .map(|_| t.note_phones_not_searched.to_string());
            worked.or(unsearched).or_else(|| read_only_note(state))
        }
        _ => read_only_note(state),
    }
}

/// A login that is not a desk user reads only, and is told whom to ask.
fn read_only_note(state: &DeskState) -> Option<String> {
    if state.info.role.is_some() {
        return None;
    }
    let t = state.lang.text();
    let whom =
        if state.info.admins.is_empty() { t.an_admin.to_string() } else { state.info.admins.join(", ") };
    Some(fill(t.read_only_note, &[&whom, &state.info.login]))
}

fn footer_line(frame: &mut Frame, area: Rect, state: &DeskState, theme: &Theme) {
    let (lang, t) = (state.lang, state.lang.text());
    let w = usize::from(area.width);
    let mut cursor = None;
    let line = match state.mode {
        Mode::Filter | Mode::Command => {
            let (lead, hint) =
                if state.mode == Mode::Filter { ("/", t.filter_hint) } else { (":", t.command_hint) };
            let input = state.input.as_str();
            let typed = format!("{lead}{input}");
            let room = w.saturating_sub(text::width(hint) + 1);
            // A line longer than the room shows its end, where the cursor usually is.
            let at = text::width(lead) + text::width(&input[..state.input.cursor()]);
            let skip = (at + 1).saturating_sub(room);
            let shown = text::fit(&drop_cells(&typed, skip), room, false);
            cursor = u16::try_from(at - skip.min(at)).ok();
            Line::from(vec![Span::raw(shown), Span::raw(" "), Span::styled(hint, theme.dim())])
        }
        Mode::Help => {
            let (line, at) = help::footer(state, w, theme);
            cursor = at;
            line
        }
        Mode::Reading => Line::styled(text::truncate(t.reading_footer, w), theme.dim()),
        Mode::Form => Line::styled(text::truncate(&format!(" {}", t.form_hint), w), theme.key()),
        Mode::Normal
            if state.screen == Screen::Case && state.case.as_ref().is_some_and(|c| c.plan.is_some()) =>
        {
            Line::styled(text::truncate(t.plan_footer, w), theme.key())
        }
        Mode::Normal => {
            let mut spans = Vec::new();
            let mut used = 0;
            let scopes = state.scopes();
            let empty = state.has_loans == Some(false);
            // A held case takes no collection calls: its call keys are not offered.
            let held = state.screen == Screen::Case && state.case.as_ref().is_some_and(|c| c.held());
            let calls = [Cmd::LogNoAnswer, Cmd::LogBusy, Cmd::LogPromise];
            // An empty store has nothing to move through: offer the demo book and the global keys.
            // The post-loan lists share their keys: each offers only its own filters.
            let own_filter = |cmd: Cmd| match cmd {
                Cmd::ToggleOverdue => state.screen == Screen::Inspections,
                Cmd::NextLevel | Cmd::ToggleWatched => state.screen == Screen::Warnings,
                _ => true,
            };
            // Applying the run is a supervisor's: a collector's preview does not offer it (help still
            // lists the key, saying whose it is).
            let runs = state.info.role.is_some_and(|r| r.includes(Role::Supervisor));
            let hidden = |b: &Binding| {
                (held && calls.contains(&b.cmd)) || !own_filter(b.cmd) || (b.cmd == Cmd::RunApply && !runs)
            };
            let shown = |b: &Binding| {
                !hidden(b)
                    && scopes.contains(&b.scope)
                    && if empty {
                        b.scope == Scope::Global || b.cmd == Cmd::LoadDemo
                    } else {
                        b.cmd != Cmd::LoadDemo
                    }
            };
            for (b, seqs) in state.keymap.bindings.iter().filter(|(b, _)| shown(b)) {
                let Some(hint) = lang.key_hint(b) else { continue };
                let key = Keymap::keys_label(&seqs[..1.min(seqs.len())]);
                let cost = text::width(&key) + text::width(hint) + 3;
                if used + cost > w {
                    break;
                }
                used += cost;
                spans.push(Span::raw(" "));
                spans.push(Span::styled(key, theme.key()));
                spans.push(Span::raw(format!(" {hint} ")));
            }
            Line::from(spans)
        }
    };
    if let Some(x) = cursor {
        frame.set_cursor_position((area.x + x.min(area.width.saturating_sub(1)), area.y));
    }
    frame.render_widget(Paragraph::new(line), area);
}

/// `s` without its first `cells` cells.
fn drop_cells(s: &str, cells: usize) -> String {
    let mut used = 0;
    s.chars()
        .skip_while(|c| {
            let mut buf = [0u8; 4];
            used += text::width(c.encode_utf8(&mut buf));
            used <= cells
        })
        .collect()
}

/// Problems in the user's configuration files, over the desk until a key other than a scroll
/// key is pressed: one `FILE:LINE: message` each, wrapped to the popup, which fits the terminal
/// and scrolls from `scroll` (its last screenful at most). Nothing when there are none or the
/// terminal is too small.
pub fn notice(frame: &mut Frame, problems: &[String], scroll: u16, look: &Look) {
    let area = frame.area();
    if problems.is_empty() || area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return;
    }
    let width = area.width.saturating_sub(4).min(100);
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let mut lines: Vec<String> = problems.iter().flat_map(|p| text::wrap(p, inner)).collect();
    lines.push(String::new());
    lines.extend(text::wrap("The desk runs with the defaults in their place.", inner));
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX).min(area.height.saturating_sub(2));
    let shown = usize::from(height.saturating_sub(2)).max(1);
    let skip = usize::from(scroll).min(lines.len().saturating_sub(shown));
    let rect =
        Rect { x: area.x + (area.width - width) / 2, y: area.y + (area.height - height) / 2, width, height };
    frame.render_widget(Clear, rect);
    let more = if lines.len() > shown {
        format!(" {}–{} of {} · j/k scroll ·", skip + 1, (skip + shown).min(lines.len()), lines.len())
    } else {
        String::new()
    };
    let block = look
        .block()
        .title(" Configuration problems ")
        .title_bottom(Line::from(format!("{more} any other key closes ")).right_aligned());
    let body: Vec<Line> = lines.into_iter().skip(skip).take(shown).map(Line::raw).collect();
    frame.render_widget(Paragraph::new(body).block(block), rect);
}

//! The reading popup: a row of the case's pane with each field in full, or the status bar's last
//! messages, wrapped to the popup and scrolled (`desk_state/reading.rs`).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Clear, Paragraph};

use super::case::pane_rows;
use super::look::Look;
use crate::app::desk_state::{CasePane, DeskState, ReadWhat};
use crate::app::strings::fill;
use crate::text;

/// The popup's width at most: a line of prose reads best under eighty cells.
const MAX_WIDTH: u16 = 76;

/// The popup's place in the area, for text of `lines` lines.
fn rect(area: Rect, lines: u16) -> Rect {
    let width = area.width.saturating_sub(4).min(MAX_WIDTH);
    let height = lines.saturating_add(2).min(area.height.saturating_sub(2)).max(3);
    Rect {
        x: area.x + area.width.saturating_sub(width) / 2,
        y: area.y + area.height.saturating_sub(height) / 2,
        width,
        height,
    }
}

/// The title and the wrapped lines of what is read, at a popup of `width` cells.
fn content(state: &DeskState, width: u16) -> (String, Vec<String>) {
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let (lang, t) = (state.lang, state.lang.text());
    let mut out = Vec::new();
    match state.reading.as_ref().map(|r| r.what) {
        Some(ReadWhat::Messages) => {
            if state.messages.is_empty() {
                out.push(t.reading_no_messages.to_string());
            }
            for m in &state.messages {
                out.extend(text::wrap(&format!("· {m}"), inner));
            }
            (t.reading_messages.to_string(), out)
        }
        Some(ReadWhat::Row) => {
            let Some(case) = state.case.as_ref() else { return (String::new(), out) };
            let Some(d) = case.detail.as_ref() else { return (String::new(), out) };
            let (cols, rows) = pane_rows(d, case.pane, lang, state.group_amounts);
            let i = usize::try_from(case.cursor).unwrap_or(0);
            let pane = match case.pane {
                CasePane::Schedule => t.pane_schedule,
                CasePane::Contacts => t.pane_contacts,
                CasePane::Payments => t.pane_payments,
                CasePane::History => t.pane_history,
                CasePane::Inspections => t.pane_inspections,
                CasePane::Collateral => t.pane_collateral,
                CasePane::WorkLog => t.pane_work_log,
                CasePane::Signals => t.pane_signals,
            };
            for (col, cell) in cols.iter().zip(rows.get(i).into_iter().flatten()) {
                let label = if col.title.is_empty() { String::new() } else { format!("{}: ", col.title) };
                out.extend(text::wrap(&format!("{label}{cell}"), inner));
            }
            (fill(t.reading_row, &[&pane, &(i + 1), &rows.len(), &case.loan]), out)
        }
        None => (String::new(), out),
    }
}

/// How many lines the popup's text takes at a terminal of `width`, for `ui::layout`.
pub fn line_count(state: &DeskState, width: u16) -> u16 {
    let w = width.saturating_sub(4).min(MAX_WIDTH);
    u16::try_from(content(state, w).1.len()).unwrap_or(u16::MAX)
}

/// The rows of text the popup shows at a terminal of `area`.
pub fn rows(area: Rect, lines: u16) -> u16 {
    rect(area, lines).height.saturating_sub(2).max(1)
}

pub fn draw(frame: &mut Frame, area: Rect, state: &DeskState, look: &Look) {
    let Some(reading) = state.reading.as_ref() else { return };
    let w = area.width.saturating_sub(4).min(MAX_WIDTH);
    let (title, lines) = content(state, w);
    let r = rect(area, u16::try_from(lines.len()).unwrap_or(u16::MAX));
    let shown = usize::from(r.height.saturating_sub(2));
    let skip = usize::from(reading.view.scroll);
    let more = if lines.len() > shown {
        fill(state.lang.text().help_position, &[&(skip + 1), &(skip + shown).min(lines.len()), &lines.len()])
    } else {
        String::new()
    };
    let body: Vec<Line> = lines.iter().skip(skip).take(shown).map(|l| Line::raw(l.clone())).collect();
    let block = look
        .block()
        .title(format!(" {title} "))
        .title_bottom(Line::from(format!("{more}{}", state.lang.text().reading_footer)).right_aligned());
    frame.render_widget(Clear, r);
    frame.render_widget(Paragraph::new(body).style(look.theme.base()).block(block), r);
}

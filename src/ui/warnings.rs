//! The Warnings list: the open signals, red first then newest, a header and only the visible
//! rows, each with what was done on it last (its measures are read with the page's rows only). The level is a letter (R, O, Y) as well as a colour, so it reads under `NO_COLOR`.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::table::{self, Col, col};
use super::theme::Theme;
use crate::app::desk_state::DeskState;
use crate::app::strings::Lang;
use crate::app::warnings::{SignalStep, SignalView};
use crate::domain::warning::Level;

/// What was done last is kept before the day opened, which the days open say too.
fn cols(lang: Lang) -> [Col; 8] {
    let t = lang.text();
    [
        col(t.col_level, 8, false, 0),
        col(t.col_signal, 18, false, 0),
        col(t.col_loan, 10, false, 0),
        col(t.col_borrower, 0, false, 0),
        col(t.col_owner, 9, false, 2),
        col(t.col_opened, 10, false, 3),
        col(t.col_days_open, 5, true, 0),
        col(t.col_done, 13, false, 1),
    ]
}

/// The signal column up to the longest rule's name (English or Chinese), what was done up to the
/// longest measure's, the owner's up to 16.
const GROW: [(usize, usize); 3] = [(1, 24), (7, 22), (4, 16)];

fn letter(level: Level) -> char {
    match level {
        Level::Red => 'R',
        Level::Orange => 'O',
        Level::Yellow => 'Y',
    }
}

fn cells(r: &SignalView, lang: Lang) -> Vec<String> {
    // A person's signal says what it is about; the policy's, its rule.
    let code = match (r.category, lang) {
        (Some(c), _) => lang.category(c),
        (None, Lang::En) => r.code.as_str(),
        (None, Lang::Zh) => r.code.zh(),
    };
    vec![
        format!("{} {}", letter(r.level), lang.level(r.level)),
        code.to_string(),
        r.loan_id.clone(),
        r.borrower.clone(),
        r.owner.clone().unwrap_or_else(|| "-".into()),
        r.raised_on.to_string(),
        r.days_open.to_string(),
        match r.last_step() {
            None => "-".to_string(),
            Some(SignalStep::SpecialAsked) => lang.text().step_special_asked.to_string(),
            Some(SignalStep::Confirmed) => lang.text().step_confirmed.to_string(),
            Some(SignalStep::Measure(kind)) => lang.measure_short(kind).to_string(),
        },
    ]
}

pub fn draw(frame: &mut Frame, area: Rect, state: &DeskState, theme: &Theme) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let (lang, t) = (state.lang, state.lang.text());
    let Some(list) = &state.warnings else { return };
    let cols = cols(lang);
    // A wide terminal shows the whole rule's name and the owner's rather than blank cells.
    let widths = table::layout_by_priority(&cols, usize::from(area.width), table::FLEX_MIN, &GROW);
    let mut lines = vec![table::header(&cols, &widths, theme.header())];
    let rows = u64::from(area.height.saturating_sub(1));
    match list.total {
        _ if list.error.is_some() && list.rows.is_empty() => {
            lines.push(Line::styled(format!("  {}", list.error.as_deref().unwrap_or("")), theme.base()));
        }
        None => lines.push(Line::styled(t.loading, theme.dim())),
        Some(0) => lines.push(Line::styled(t.warnings_none, theme.base())),
        Some(total) => {
            for i in list.top..(list.top + rows).min(total) {
                let selected = i == list.selected;
                match list.row(i) {
                    Some(r) => {
                        let styles = if selected { Vec::new() } else { vec![(0, theme.level(r.level))] };
                        lines.push(table::line(
                            &cols,
                            &widths,
                            &cells(r, lang),
                            theme.row(selected),
                            &styles,
                        ));
                    }
                    None => lines.push(Line::styled(t.loading, theme.row(selected))),
                }
            }
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

//! The Inspections list (due and overdue, by due date) and the supervisor's Review list (what
//! awaits a signature, with the working days left): a header and only the visible rows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::table::{self, Col, col};
use super::theme::Theme;
use crate::app::desk_state::DeskState;
use crate::app::strings::Lang;

fn dash<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "-".to_string(), |v| v.to_string())
}

fn inspection_cols(lang: Lang) -> [Col; 6] {
    let t = lang.text();
    [
        col(t.col_due, 10, false, 0),
        col(t.col_late, 6, true, 0),
        col(t.col_kind, 8, false, 0),
        col(t.col_loan, 10, false, 0),
        col(t.col_borrower, 0, false, 0),
        col(t.col_owner, 9, false, 1),
    ]
}

pub fn draw_inspections(frame: &mut Frame, area: Rect, state: &DeskState, theme: &Theme) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let (lang, t) = (state.lang, state.lang.text());
    let Some(list) = &state.inspections else { return };
    let cols = inspection_cols(lang);
    let widths = table::layout(&cols, usize::from(area.width));
    let mut lines = vec![table::header(&cols, &widths, theme.header())];
    let rows = u64::from(area.height.saturating_sub(1));
    match list.total {
        _ if list.error.is_some() && list.rows.is_empty() => {
            lines.push(Line::styled(format!("  {}", list.error.as_deref().unwrap_or("")), theme.base()));
        }
        None => lines.push(Line::styled(t.loading, theme.dim())),
        Some(0) => {
            let none = if list.overdue_only { t.inspections_none_overdue } else { t.inspections_none };
            lines.push(Line::styled(none, theme.base()));
        }
        Some(total) => {
            for i in list.top..(list.top + rows).min(total) {
                let selected = i == list.selected;
                match list.row(i) {
                    Some(r) => {
                        let late = r.days_overdue(state.info.as_of);
                        let cells = vec![
                            dash(r.due_on),
                            if late > 0 { format!("{late}d") } else { "-".into() },
                            lang.post_loan_word(r.kind.as_str()),
                            r.loan_id.clone(),
                            r.borrower.clone(),
                            dash(r.owner.as_deref()),
                        ];
                        // Overdue is marked by its days, not by colour alone.
                        let styles: Vec<_> =
                            if late > 0 && !selected { vec![(1, theme.dpd(late))] } else { Vec::new() };
                        lines.push(table::line(&cols, &widths, &cells, theme.row(selected), &styles));
                    }
                    None => lines.push(Line::styled(t.loading, theme.row(selected))),
                }
            }
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn review_cols(lang: Lang) -> [Col; 7] {
    let t = lang.text();
    [
        col(t.col_due, 10, false, 0),
        col(t.col_left, 5, true, 0),
        col(t.col_what, 10, false, 0),
        col(t.col_loan, 10, false, 0),
        col(t.col_name, 10, false, 2),
        col(t.col_user, 9, false, 1),
        col(t.col_about, 0, false, 0),
    ]
}

pub fn draw_review(frame: &mut Frame, area: Rect, state: &DeskState, theme: &Theme) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let (lang, t) = (state.lang, state.lang.text());
    let Some(review) = &state.review else { return };
    let cols = review_cols(lang);
    let widths = table::layout(&cols, usize::from(area.width));
    let mut lines = vec![table::header(&cols, &widths, theme.header())];
    let rows = usize::from(area.height.saturating_sub(1));
    if let Some(e) = review.error.as_deref().filter(|_| review.items.is_empty()) {
        lines.push(Line::styled(format!("  {e}"), theme.base()));
    } else if review.items.is_empty() {
        lines.push(Line::styled(if review.loading { t.loading } else { t.review_none }, theme.base()));
    }
    let top = usize::try_from(review.top).unwrap_or(0);
    for (i, item) in review.items.iter().enumerate().skip(top).take(rows) {
        let selected = i as u64 == review.selected;
        let about: Vec<String> = item.what.split(" · ").map(|w| lang.post_loan_word(w)).collect();
        let cells = vec![
            item.due_on.to_string(),
            item.days_left.to_string(),
            lang.post_loan_word(item.kind.as_str()),
            item.subject.clone(),
            item.name.clone(),
            dash(item.by.as_deref()),
            about.join(" · "),
        ];
        let styles: Vec<_> =
            if item.days_left < 0 && !selected { vec![(1, theme.dpd(-item.days_left))] } else { Vec::new() };
        lines.push(table::line(&cols, &widths, &cells, theme.row(selected), &styles));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

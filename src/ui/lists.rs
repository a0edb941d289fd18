//! The due-soon list and the overdue queue: a header and only the visible rows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::table::{self, Col, col};
use super::theme::Theme;
use crate::app::desk_state::{DeskState, ListKind};
use crate::app::views::LoanSummary;
use crate::domain::Product;

const QUEUE: [Col; 9] = [
    col("LOAN", 10, false, 0),
    col("BORROWER", 0, false, 0),
    col("STAGE", 11, false, 3),
    col("DPD", 4, true, 0),
    col("BKT", 3, false, 5),
    col("OVERDUE", 10, true, 0),
    col("LAST CONTACT", 13, false, 2),
    col("NEXT", 5, false, 4),
    col("OWNER", 8, false, 1),
];

const DUE: [Col; 8] = [
    col("DUE", 10, false, 0),
    col("AMOUNT", 10, true, 0),
    col("LOAN", 10, false, 0),
    col("BORROWER", 0, false, 0),
    col("PRODUCT", 8, false, 4),
    col("PHONE", 14, false, 1),
    col("OWNER", 8, false, 2),
    col("LAST", 5, false, 3),
];

fn dash<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "-".to_string(), ToString::to_string)
}

/// `2026-02-26T13:50:00+08:00` → `02-26`.
fn month_day(stamp: &str) -> String {
    stamp.get(5..10).unwrap_or(stamp).to_string()
}

fn queue_cells(r: &LoanSummary) -> Vec<String> {
    let contact = match (&r.last_contact_at, &r.last_outcome) {
        (Some(at), Some(o)) => format!("{} {o}", month_day(at)),
        (Some(at), None) => month_day(at),
        _ => "never".to_string(),
    };
    vec![
        r.loan_id.clone(),
        r.borrower.clone(),
        // `*`: placed with an outside agency (as in the command line's tables).
        format!("{}{}", r.stage, if r.agency { "*" } else { "" }),
        r.dpd.to_string(),
        r.bucket.to_string(),
        r.overdue_amount.to_string(),
        contact,
        r.next_action_on.map_or_else(|| "-".into(), |d| month_day(&d.to_string())),
        dash(&r.assignee),
    ]
}

fn short_product(p: Product) -> &'static str {
    match p {
        Product::Annuity => "annuity",
        Product::EqualPrincipal => "eq-princ",
        Product::InterestOnly => "int-only",
        Product::Bullet => "bullet",
    }
}

fn due_cells(r: &LoanSummary) -> Vec<String> {
    vec![
        dash(&r.due_soon_on),
        r.next_due_amount.to_string(),
        r.loan_id.clone(),
        r.borrower.clone(),
        short_product(r.product).to_string(),
        dash(&r.phone),
        dash(&r.assignee),
        r.last_contact_at.as_deref().map_or_else(|| "-".into(), month_day),
    ]
}

pub fn draw(frame: &mut Frame, area: Rect, state: &DeskState, kind: ListKind, theme: &Theme) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let cols: &[Col] = match kind {
        ListKind::DueSoon => &DUE,
        ListKind::Overdue => &QUEUE,
    };
    let widths = table::layout(cols, usize::from(area.width));
    let list = state.list(kind);
    let mut lines = vec![table::header(cols, &widths, theme.header())];
    let rows = u64::from(area.height.saturating_sub(1));
    match list.total {
        _ if list.error.is_some() && list.rows.is_empty() => {
            lines.push(Line::styled(format!("  {}", list.error.as_deref().unwrap_or("")), theme.base()));
        }
        None => lines.push(Line::styled("  loading…", theme.dim())),
        Some(0) => {
            let what = match kind {
                ListKind::DueSoon => "nothing is due soon",
                ListKind::Overdue => "no overdue loans",
            };
            let scope = if state.filter.trim().is_empty() {
                String::new()
            } else {
                format!(" matching '{}'", state.filter.trim())
            };
            let mine = if state.mine { " among my cases (m: everything)" } else { "" };
            lines.push(Line::styled(format!("  {what}{scope}{mine}"), theme.base()));
        }
        Some(total) => {
            for i in list.top..(list.top + rows).min(total) {
                let selected = i == list.selected;
                match list.row(i) {
                    Some(r) => {
                        let (cells, dpd_col) = match kind {
                            ListKind::DueSoon => (due_cells(r), None),
                            ListKind::Overdue => (queue_cells(r), Some(3)),
                        };
                        let styles: Vec<_> = dpd_col
                            .filter(|_| !selected)
                            .map(|c| (c, theme.dpd(r.dpd)))
                            .into_iter()
                            .collect();
                        lines.push(table::line(cols, &widths, &cells, theme.row(selected), &styles));
                    }
                    None => lines.push(Line::styled("  loading…", theme.row(selected))),
                }
            }
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

//! The due-soon list and the overdue queue: a header and only the visible rows.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::table::{self, Col, col};
use super::theme::Theme;
use crate::app::desk_state::{DeskState, ListKind};
use crate::app::strings::{Lang, fill};
use crate::app::views::LoanSummary;
use crate::domain::PromiseStatus;
use crate::domain::search::{self, PhoneSearch};

/// The queue's columns. Chinese stage names are short and its headers wide (逾期天数 takes 8
/// cells), so the stage column gives the others room; the total is the same in both languages.
fn queue_cols(lang: Lang, width: usize) -> [Col; 10] {
    let t = lang.text();
    // A wide terminal shows last contact and owner whole.
    let wide = width >= 120;
    let (owner, next) = if wide { (14, 6) } else { (8, 5) };
    let (stage, dpd, bucket, contact) = match lang {
        Lang::En => (11, 4, 3, 12),
        Lang::Zh => (5, 8, 4, 13),
    };
    [
        col("", 2, false, 0),
        col(t.col_loan, 10, false, 0),
        col(t.col_name, 0, false, 0),
        col(t.col_stage, stage, false, 3),
        col(t.col_dpd, dpd, true, 0),
        col(t.col_bucket, bucket, false, 5),
        col(t.col_overdue, 10, true, 0),
        col(t.col_last_contact, if wide { contact + 8 } else { contact }, false, 2),
        col(t.col_next, next, false, 4),
        col(t.col_owner, owner, false, 1),
    ]
}

fn due_cols(lang: Lang, width: usize) -> [Col; 8] {
    let t = lang.text();
    let owner = if width >= 120 { 14 } else { 8 };
    [
        col(t.col_due, 10, false, 0),
        col(t.col_amount, 10, true, 0),
        col(t.col_loan, 10, false, 0),
        col(t.col_borrower, 0, false, 0),
        col(t.col_product, 8, false, 4),
        col(t.col_phone, 14, false, 1),
        col(t.col_owner, owner, false, 2),
        col(t.col_last, 5, false, 3),
    ]
}

fn dash<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "-".to_string(), ToString::to_string)
}

/// `2026-02-26T13:50:00+08:00` → `02-26`.
fn month_day(stamp: &str) -> String {
    stamp.get(5..10).unwrap_or(stamp).to_string()
}

fn queue_cells(r: &LoanSummary, lang: Lang, marked: bool) -> Vec<String> {
    let contact = match (&r.last_contact_at, &r.last_outcome) {
        (Some(at), Some(o)) => format!("{} {}", month_day(at), lang.outcome_text(o)),
        (Some(at), None) => month_day(at),
        _ => lang.text().never.to_string(),
    };
    vec![
        marks(r, marked),
        r.loan_id.clone(),
        r.borrower.clone(),
        // `*`: placed with an outside agency (as in the command line's tables).
        format!("{}{}", lang.stage(r.stage), if r.agency { "*" } else { "" }),
        r.dpd.to_string(),
        lang.bucket(r.bucket).to_string(),
        r.overdue_amount.to_string(),
        contact,
        r.next_action_on.map_or_else(|| "-".into(), |d| month_day(&d.to_string())),
        dash(&r.assignee),
    ]
}

/// Two marks before the loan, so state never rests on colour: `+` marked for a bulk action, else `W`
/// another desk user is working the case, else `H` on a dispute or hardship hold (no
/// collection calls), `-` the conduct rules do not allow a call now; `P` a promise to pay falls due today, `p` one is still open, `!` the last one was broken.
fn marks(r: &LoanSummary, marked: bool) -> String {
    let call = match (&r.worked_by, r.held_until, r.call_now) {
        (Some(_), _, _) => 'W',
        (None, Some(_), _) => 'H',
        (None, None, Some(false)) => '-',
        _ => ' ',
    };
    let promise = match r.promise_status {
        Some(PromiseStatus::Active) if r.promise_due_on == Some(r.as_of) => 'P',
        Some(PromiseStatus::Active) => 'p',
        Some(PromiseStatus::Broken) => '!',
        _ => ' ',
    };
    // A mark for a bulk action is short-lived and wanted at a glance: it takes the first place.
    let first = if marked { '+' } else { call };
    format!("{first}{promise}")
}

fn due_cells(r: &LoanSummary, lang: Lang) -> Vec<String> {
    vec![
        dash(&r.due_soon_on),
        r.next_due_amount.to_string(),
        r.loan_id.clone(),
        r.borrower.clone(),
        lang.product_short(r.product).to_string(),
        dash(&r.phone),
        dash(&r.assignee),
        r.last_contact_at.as_deref().map_or_else(|| "-".into(), month_day),
    ]
}

pub fn draw(frame: &mut Frame, area: Rect, state: &DeskState, kind: ListKind, theme: &Theme) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let (lang, t) = (state.lang, state.lang.text());
    let width = usize::from(area.width);
    let (queue, due) = (queue_cols(lang, width), due_cols(lang, width));
    let cols: &[Col] = match kind {
        ListKind::DueSoon => &due,
        ListKind::Overdue => &queue,
    };
    let widths = table::layout(cols, usize::from(area.width));
    let list = state.list(kind);
    let mut lines = vec![table::header(cols, &widths, theme.header())];
    let rows = u64::from(area.height.saturating_sub(1));
    match list.total {
        _ if list.error.is_some() && list.rows.is_empty() => {
            lines.push(Line::styled(format!("  {}", list.error.as_deref().unwrap_or("")), theme.base()));
        }
        None => lines.push(Line::styled(t.loading, theme.dim())),
        Some(0) => {
            let what = match kind {
                ListKind::DueSoon => t.nothing_due,
                ListKind::Overdue => t.no_overdue,
            };
            let typed = state.filter.trim();
            let note = list.search.as_ref();
            let scope = match note.map(|n| n.phone) {
                _ if typed.is_empty() => String::new(),
                Some(PhoneSearch::TooShort) => fill(t.matching_phone_from, &[&typed, &search::PHONE_DIGITS]),
                Some(PhoneSearch::NotAllowed) => fill(t.matching_phone_not_allowed, &[&typed]),
                _ => fill(t.matching, &[&typed]),
            };
            let mine = if state.mine { t.among_mine } else { "" };
            let said = match note.and_then(|n| n.too_broad) {
                Some(cap) => format!("  {}", fill(t.search_too_broad, &[&cap, &typed])),
                None => format!("  {what}{scope}{mine}"),
            };
            lines.push(Line::styled(said, theme.base()));
        }
        Some(total) => {
            for i in list.top..(list.top + rows).min(total) {
                let selected = i == list.selected;
                match list.row(i) {
                    Some(r) => {
                        let (cells, dpd_col) = match kind {
                            ListKind::DueSoon => (due_cells(r, lang), None),
                            ListKind::Overdue => {
                                (queue_cells(r, lang, state.marked.contains(&r.loan_id)), Some(4))
                            }
                        };
                        let styles: Vec<_> = dpd_col
                            .filter(|_| !selected)
                            .map(|c| (c, theme.dpd(r.dpd)))
                            .into_iter()
                            .collect();
                        lines.push(table::line(cols, &widths, &cells, theme.row(selected), &styles));
                    }
                    None => lines.push(Line::styled(t.loading, theme.row(selected))),
                }
            }
        }
    }
    frame.render_widget(Paragraph::new(lines), area);
}

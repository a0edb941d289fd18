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
use crate::domain::warning::WarningLevel;

/// Below this width the queue's stage is shown in its short form.
const WIDE_STAGE: usize = 100;
/// A name keeps at least four Chinese characters (8 cells) before other columns go.
const NAME_MIN: usize = 8;
/// Cells of a grouped amount up to 9,999,999.99, and of a mainland number as dialled.
const AMOUNT: usize = 12;
const PHONE: usize = 11;

/// The queue's columns at a width, by priority: the loan, the name (at least four Chinese
/// characters), DPD, the overdue amount and the phone go last; before them the bucket, the next
/// action, the owner, the last contact and the stage, which first shortens (`remd`). Width
/// beyond a full name goes to the last contact and the owner.
fn queue_cols(lang: Lang, width: usize) -> ([Col; 11], Vec<(usize, usize)>) {
    let t = lang.text();
    // Room for the agency's `*` after the stage.
    let stage = match lang {
        Lang::En if width >= WIDE_STAGE => 12,
        Lang::En => 6,
        Lang::Zh => 5,
    };
    let (dpd, bucket, contact) = match lang {
        Lang::En => (4, 3, 10),
        Lang::Zh => (8, 4, 13),
    };
    let cols = [
        col("", 3, false, 0),
        col(t.col_loan, 10, false, 0),
        col(t.col_name, 0, false, 0),
        col(t.col_stage, stage, false, 2),
        col(t.col_dpd, dpd, true, 0),
        col(t.col_bucket, bucket, false, 7),
        col(t.col_overdue, AMOUNT, true, 0),
        col(t.col_phone, PHONE, false, 1),
        col(t.col_last_contact, contact, false, 3),
        col(t.col_next, 5, false, 6),
        col(t.col_owner, 8, false, 4),
    ];
    (cols, vec![(8, contact + 14), (10, 16), (7, 14)])
}

fn due_cols(lang: Lang) -> ([Col; 9], Vec<(usize, usize)>) {
    let t = lang.text();
    let cols = [
        col("", 3, false, 0),
        col(t.col_due, 10, false, 0),
        col(t.col_amount, AMOUNT, true, 0),
        col(t.col_loan, 10, false, 0),
        col(t.col_borrower, 0, false, 0),
        col(t.col_product, 8, false, 4),
        col(t.col_phone, PHONE, false, 1),
        col(t.col_owner, 8, false, 2),
        col(t.col_last, 5, false, 3),
    ];
    (cols, vec![(6, 14), (7, 16)])
}

/// How an amount is shown: grouped unless the user's configuration turns it off.
fn amount(m: crate::domain::Money, grouped: bool) -> String {
    if grouped { m.grouped() } else { m.to_string() }
}

/// A phone in its column: as imported when it fits, else as dialled at home (`+8613…` is cut to
/// nothing a collector can dial).
fn phone_cell(p: &Option<String>, cells: usize) -> String {
    match p {
        Some(p) if crate::text::width(p) > cells && !crate::app::privacy::is_masked(p) => {
            crate::domain::phone::national(&crate::domain::phone::normal(p))
        }
        Some(p) => p.clone(),
        None => "-".into(),
    }
}

fn dash<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map_or_else(|| "-".to_string(), ToString::to_string)
}

/// `2026-02-26T13:50:00+08:00` → `02-26`.
fn month_day(stamp: &str) -> String {
    stamp.get(5..10).unwrap_or(stamp).to_string()
}

/// How a row's cells are written at the widths chosen.
struct Shown {
    short_stage: bool,
    grouped: bool,
    phone: usize,
}

fn queue_cells(r: &LoanSummary, lang: Lang, marked: bool, how: &Shown) -> Vec<String> {
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
        format!(
            "{}{}",
            if how.short_stage { lang.stage_short(r.stage) } else { lang.stage(r.stage) },
            if r.agency { "*" } else { "" }
        ),
        r.dpd.to_string(),
        lang.bucket(r.bucket).to_string(),
        amount(r.overdue_amount, how.grouped),
        phone_cell(&r.phone, how.phone),
        contact,
        r.next_action_on.map_or_else(|| "-".into(), |d| month_day(&d.to_string())),
        dash(&r.assignee),
    ]
}

/// Three marks before the loan, so state never rests on colour: `+` marked for a bulk action, else
/// `W` another desk user is working the case, else `H` on a dispute or hardship hold (no
/// collection calls), `-` the conduct rules do not allow a call now; `P` a promise to pay falls
/// due today, `p` one is still open, `!` the last one was broken; `R`, `O`, `Y` the highest level of
/// the loan's open warnings (red, orange, yellow), else `I` an inspection is overdue.
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
    let inspection = match r.warning_level {
        WarningLevel::Red => 'R',
        WarningLevel::Orange => 'O',
        WarningLevel::Yellow => 'Y',
        WarningLevel::None if r.inspection_overdue => 'I',
        WarningLevel::None => ' ',
    };
    format!("{first}{promise}{inspection}")
}

fn due_cells(r: &LoanSummary, lang: Lang, marked: bool, how: &Shown) -> Vec<String> {
    vec![
        marks(r, marked),
        dash(&r.due_soon_on),
        amount(r.next_due_amount, how.grouped),
        r.loan_id.clone(),
        r.borrower.clone(),
        lang.product_short(r.product).to_string(),
        phone_cell(&r.phone, how.phone),
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
    let ((queue, queue_grow), (due, due_grow)) = (queue_cols(lang, width), due_cols(lang));
    let (cols, grow): (&[Col], _) = match kind {
        ListKind::DueSoon => (&due, due_grow),
        ListKind::Overdue => (&queue, queue_grow),
    };
    let widths = table::layout_by_priority(cols, width, NAME_MIN, &grow);
    let phone_col = match kind {
        ListKind::DueSoon => 6,
        ListKind::Overdue => 7,
    };
    let how = Shown {
        short_stage: lang == Lang::En && width < WIDE_STAGE,
        grouped: state.group_amounts,
        phone: widths.iter().find(|(i, _)| *i == phone_col).map_or(PHONE, |(_, w)| *w),
    };
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
            // A warning filter says so, and how to show every loan again.
            let marks = if state.marks.narrows() { t.among_marked } else { "" };
            let said = match note.and_then(|n| n.too_broad) {
                Some(cap) => format!("  {}", fill(t.search_too_broad, &[&cap, &typed])),
                None => format!("  {what}{scope}{mine}{marks}"),
            };
            lines.push(Line::styled(said, theme.base()));
        }
        Some(total) => {
            for i in list.top..(list.top + rows).min(total) {
                let selected = i == list.selected;
                match list.row(i) {
                    Some(r) => {
                        let marked = state.marked.contains(&r.loan_id);
                        let (cells, dpd_col) = match kind {
                            ListKind::DueSoon => (due_cells(r, lang, marked, &how), None),
                            ListKind::Overdue => (queue_cells(r, lang, marked, &how), Some(4)),
                        };
                        // The marks take the colour of the loan's warning level (its letter is
                        // in them for a terminal without colour).
                        let level = r.warning_level.level().map(|l| (0, theme.level(l)));
                        let styles: Vec<_> = dpd_col
                            .map(|c| (c, theme.dpd(r.dpd)))
                            .into_iter()
                            .chain(level)
                            .filter(|_| !selected)
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

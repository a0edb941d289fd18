//! The escalation run's screen: its progress while the worker goes through the book, then the
//! summary, the transitions (from → to: count) and every change with its reason.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use super::table::{self, Col, col};
use super::theme::Theme;
use crate::app::desk_state::{DeskState, RunState};
use crate::app::escalate::RunPhase;
use crate::app::strings::{Lang, fill};
use crate::text;

/// Lines above the list of changes: title, summary, two of transitions.
pub const HEAD: u16 = 4;

/// The reason takes every cell the other columns leave (the table's flexible column stops at
/// `FLEX_MAX`, and the reason is what a supervisor reads).
fn change_cols(lang: Lang, width: usize) -> [Col; 5] {
    let t = lang.text();
    // Chinese stage names are short and the DPD header wide (逾期天数).
    let (stage, dpd) = match lang {
        Lang::En => (11, 4),
        Lang::Zh => (6, 8),
    };
    [
        col(t.col_loan, 10, false, 0),
        col(t.col_from, stage, false, 0),
        col(t.col_to, stage, false, 0),
        col(t.col_dpd, dpd, true, 0),
        col(t.col_reason, width.saturating_sub(10 + 2 * stage + dpd + 4).max(table::FLEX_MIN), false, 0),
    ]
}

fn phase(lang: Lang, p: RunPhase) -> &'static str {
    let t = lang.text();
    match p {
        RunPhase::Refresh => t.run_phase_refresh,
        RunPhase::Apply => t.run_phase_apply,
        RunPhase::Signals => t.run_phase_signals,
        RunPhase::MonthEnd => t.run_phase_month_end,
        RunPhase::Classes => t.run_phase_classes,
    }
}

/// `width` cells of `#` for the done part and `.` for the rest: plain characters, so the bar
/// reads the same without colour and in any font.
fn bar(done: u64, total: u64, width: usize) -> String {
    let filled =
        if total == 0 { 0 } else { (done.min(total) as u128 * width as u128 / total as u128) as usize };
    format!("[{}{}]", "#".repeat(filled), ".".repeat(width - filled))
}

/// The transitions as `from → to n`, cut into at most two lines of `w` cells.
fn transitions(run: &RunState, lang: Lang, w: usize) -> Vec<String> {
    let Some(r) = &run.report else { return Vec::new() };
    if r.transitions.is_empty() {
        return vec![format!("  {}", lang.text().run_no_changes)];
    }
    let mut lines = vec![String::from(" ")];
    for tr in &r.transitions {
        let item = format!(" {} → {} {} ·", lang.stage(tr.from), lang.stage(tr.to), tr.count);
        let last = lines.len() - 1;
        if text::width(&lines[last]) + text::width(&item) > w && lines.len() < 2 {
            lines.push(String::from(" "));
        }
        let last = lines.len() - 1;
        lines[last].push_str(&item);
    }
    lines.iter().map(|l| text::truncate(l.trim_end_matches(" ·"), w)).collect()
}

pub fn draw(frame: &mut Frame, area: Rect, state: &DeskState, theme: &Theme) {
    if area.height == 0 || area.width == 0 {
        return;
    }
    let Some(run) = &state.run else { return };
    let (lang, t) = (state.lang, state.lang.text());
    let w = usize::from(area.width);
    let title = if run.dry_run { t.run_title_preview } else { t.run_title_applied };
    let mut lines = vec![Line::styled(text::truncate(&fill(title, &[&state.info.as_of]), w), theme.title())];
    match (&run.report, &run.error, run.progress) {
        (_, Some(e), _) => {
            lines.push(Line::styled(text::truncate(&fill(t.run_failed, &[e]), w), theme.base()))
        }
        (Some(r), None, _) => {
            let said = if r.dry_run { t.run_summary_preview } else { t.run_summary_applied };
            let summary = fill(said, &[&r.loans, &r.changed, &r.held, &r.on_hold, &r.dunning_notices]);
            lines.push(Line::styled(text::truncate(&summary, w), theme.base()));
        }
        (None, None, Some((p, done))) => {
            let total = state.loans_in_store.unwrap_or(0);
            let said = fill(t.run_working, &[&phase(lang, p), &done, &total]);
            let room = w.saturating_sub(text::width(&said) + 3).min(40);
            let line = if room >= 10 { format!("{said}  {}", bar(done, total, room - 2)) } else { said };
            lines.push(Line::styled(text::truncate(&line, w), theme.base()));
        }
        (None, None, None) => lines.push(Line::styled(t.run_starting, theme.dim())),
    }
    for l in transitions(run, lang, w) {
        lines.push(Line::styled(l, theme.base()));
    }
    while lines.len() < usize::from(HEAD) {
        lines.push(Line::raw(""));
    }
    let Some(r) = &run.report else {
        frame.render_widget(Paragraph::new(lines), area);
        return;
    };
    let cols = change_cols(lang, w);
    let widths = table::layout(&cols, w);
    lines.push(table::header(&cols, &widths, theme.header()));
    let room = usize::from(area.height).saturating_sub(lines.len());
    let top = usize::try_from(run.top).unwrap_or(0);
    for (i, c) in r.changes.iter().enumerate().skip(top).take(room) {
        let selected = i as u64 == run.selected;
        let cells = [
            c.loan_id.clone(),
            lang.stage(c.from).to_string(),
            lang.stage(c.to).to_string(),
            c.dpd.to_string(),
            c.reason.clone(),
        ];
        lines.push(table::line(&cols, &widths, &cells, theme.row(selected), &[]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn the_bar_fills_in_proportion() {
        assert_eq!(bar(0, 100, 10), "[..........]");
        assert_eq!(bar(50, 100, 10), "[#####.....]");
        assert_eq!(bar(150, 100, 4), "[####]");
        assert_eq!(bar(5, 0, 4), "[....]");
    }
}

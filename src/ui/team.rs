//! The supervisor's team view: a row per collector, the loans in each stage as bars, and the
//! month's daily collections as a sparkline. Drawing only, from a `TeamReport`.

use chrono::{Datelike, Months};
use ratatui::Frame;
use ratatui::layout::{Constraint, Direction, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, Paragraph, Sparkline};

use super::look::Look;
use super::table::{self, Col, col};
use crate::app::strings::{Lang, fill};
use crate::app::team::{CollectorFigures, TeamReport};
use crate::text;

/// Below this height the charts give their rows to the table.
const CHARTS_MIN_HEIGHT: u16 = 14;
/// The funnel's five stages and a border.
const CHART_ROWS: u16 = 7;
/// The collector column's least width: a login whole.
const NAME_MIN: usize = 10;

/// Five bars with a row between them, a border, and no more.
const CHART_ROWS_MAX: u16 = 11;

/// The table's columns, each as wide as its title or its widest figure, whichever is more; the
/// promise columns go first on a narrow terminal.
fn cols(lang: Lang, report: &TeamReport) -> [Col; 10] {
    let t = lang.text();
    let widest = |title: &'static str, f: &dyn Fn(&CollectorFigures) -> String| {
        report.collectors.iter().map(|c| text::width(&f(c))).chain([text::width(title)]).max().unwrap_or(0)
    };
    [
        col(t.team_col_user, 0, false, 0),
        col(t.team_col_cases, widest(t.team_col_cases, &|c| c.open_cases.to_string()), true, 0),
        col(t.team_col_overdue, widest(t.team_col_overdue, &|c| c.overdue_amount.to_string()), true, 0),
        col(t.team_col_today, widest(t.team_col_today, &|c| c.contacts_today.to_string()), true, 2),
        col(t.team_col_ptp, widest(t.team_col_ptp, &|c| c.promises_made.to_string()), true, 5),
        col(t.team_col_kept, widest(t.team_col_kept, &|c| c.promises_kept.to_string()), true, 4),
        col(t.team_col_broken, widest(t.team_col_broken, &|c| c.promises_broken.to_string()), true, 3),
        col(t.team_col_collected, widest(t.team_col_collected, &|c| c.collected.to_string()), true, 1),
        col(t.team_col_signals, widest(t.team_col_signals, &|c| c.open_signals.to_string()), true, 7),
        col(t.team_col_watch, widest(t.team_col_watch, &|c| c.watchlist.to_string()), true, 6),
    ]
}

fn cells(c: &CollectorFigures) -> Vec<String> {
    let name = match c.display_name.as_deref().filter(|n| !n.is_empty()) {
        Some(n) => format!("{} {n}", c.user),
        None => c.user.clone(),
    };
    std::iter::once(name).chain(c.cells()).collect()
}

/// Draws the team view in `area`: at 80×24 every collector of a branch and both charts; on a
/// taller terminal the charts grow.
pub fn draw_team(frame: &mut Frame, area: Rect, report: &TeamReport, lang: Lang, look: &Look) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let (theme, t) = (&look.theme, lang.text());
    // The table takes the rows it needs; the charts the rest, at least CHART_ROWS.
    let table_rows = u16::try_from(report.collectors.len().max(1) + 1).unwrap_or(u16::MAX);
    let charts = if area.height >= CHARTS_MIN_HEIGHT {
        area.height.saturating_sub(1 + table_rows).clamp(CHART_ROWS, CHART_ROWS_MAX)
    } else {
        0
    };
    // The charts sit right under the table; what is left stays below them.
    let table_height = area.height.saturating_sub(1 + charts).min(table_rows);
    let [title, body, bottom, _] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(table_height),
        Constraint::Length(charts),
        Constraint::Fill(1),
    ])
    .areas(area);
    // Title on the left, the month's collections on the right.
    let w = usize::from(area.width);
    let left = fill(t.team_title, &[&report.from, &report.to]);
    let right = fill(t.team_collected, &[&report.collected]);
    let room = w.saturating_sub(text::width(&right));
    let line = Line::from(vec![
        Span::styled(text::fit(&left, room, false), theme.title()),
        Span::styled(text::truncate(&right, w), theme.header()),
    ]);
    frame.render_widget(Paragraph::new(line), title);
    // The table: a header and as many collectors as fit.
    let cols = cols(lang, report);
    // The login stays whole (ten cells) before a figure column gives way.
    let widths = table::layout_by_priority(&cols, usize::from(body.width), NAME_MIN, &[]);
    let mut lines = vec![table::header(&cols, &widths, theme.header())];
    if report.collectors.is_empty() {
        lines.push(Line::styled(t.team_no_collectors, theme.dim()));
    }
    for c in report.collectors.iter().take(usize::from(body.height.saturating_sub(1))) {
        lines.push(table::line(&cols, &widths, &cells(c), theme.base(), &[]));
    }
    frame.render_widget(Paragraph::new(lines), body);
    if charts == 0 {
        return;
    }
    let funnel_width = (area.width / 2).clamp(30, 60);
    let [funnel, daily] =
        Layout::horizontal([Constraint::Length(funnel_width), Constraint::Fill(1)]).areas(bottom);
    let bars: Vec<Bar> = report
        .funnel
        .iter()
        .map(|s| {
            Bar::default()
                .label(Line::from(lang.stage(s.stage)))
                .value(u64::try_from(s.loans).unwrap_or(0))
                .text_value(s.loans.to_string())
        })
        .collect();
    // One row a stage, with a row between them when there is room (five and four gaps in 9).
    let gap = u16::from(charts.saturating_sub(2) >= 9);
    let chart = BarChart::default()
        .direction(Direction::Horizontal)
        .data(ratatui::widgets::BarGroup::default().bars(&bars))
        .bar_width(1)
        .bar_gap(gap)
        .bar_style(theme.base())
        .value_style(theme.header())
        .label_style(theme.base())
        .block(look.block().title(t.team_funnel));
    frame.render_widget(chart, funnel);
    // The whole month across the box, the same cells a day, so the days to come stay blank and
    // the first of the month is not drawn as the whole month.
    let first = report.from.with_day(1).unwrap_or(report.from);
    let days = first.checked_add_months(Months::new(1)).map_or(31, |next| (next - first).num_days());
    let per_day = usize::from(daily.width.saturating_sub(2)) / usize::try_from(days).unwrap_or(31).max(1);
    let data: Vec<u64> = report
        .daily
        .iter()
        .flat_map(|d| std::iter::repeat_n(u64::try_from(d.amount.cents()).unwrap_or(0), per_day.max(1)))
        .collect();
    let spark = Sparkline::default()
        .data(&data)
        .style(theme.base())
        .block(look.block().title(fill(t.team_daily, &[&report.month])));
    frame.render_widget(spark, daily);
}
